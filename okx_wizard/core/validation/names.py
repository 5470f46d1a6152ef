"""Rules for names: profiles, OKX sub-accounts and API key labels."""

from __future__ import annotations

import re

from okx_wizard.core.validation.common import FieldCheck, describe_char, required

PROFILE_NAME_MAX = 64
SUB_ACCOUNT_MIN, SUB_ACCOUNT_MAX = 6, 20
KEY_LABEL_MAX = 50

# Patterns, compiled on first use by re's cache: the wizard's first screen needs only one.
_PROFILE_RE = r"[A-Za-z0-9._-]{1,64}"
_ALNUM_RE = r"[A-Za-z0-9]+"


def check_profile_name(name: str) -> FieldCheck:
    """Whether ``name`` can name a profile: 1–64 letters, digits, ``.``, ``_``, ``-``."""
    rule = "Profile names are 1–64 letters, digits, '.', '_' or '-'"
    if not name:
        return FieldCheck("error", f"{rule}: the name is empty.")
    if len(name) > PROFILE_NAME_MAX:
        return FieldCheck("error", f"{rule}: this one has {len(name)} characters.")
    if name in (".", ".."):
        return FieldCheck("error", f"{rule}, but not '.' or '..'.")
    if not re.fullmatch(_PROFILE_RE, name):
        bad = next(c for c in name if not re.fullmatch(_PROFILE_RE, c))
        return FieldCheck("error", f"{rule}: found {describe_char(bad)}.")
    return FieldCheck("ok")


def validate_profile_name(name: str) -> str:
    """Return ``name`` if it can name a profile, else raise :class:`UsageError` saying why."""
    return required(check_profile_name(name), name)


def check_sub_account_name(name: str) -> FieldCheck:
    """OKX's rule for sub-account names: 6–20 letters and digits, case sensitive."""
    rule = f"OKX sub-account names are {SUB_ACCOUNT_MIN}–{SUB_ACCOUNT_MAX} letters and digits"
    if not re.fullmatch(_ALNUM_RE, name):
        if not name:
            return FieldCheck("error", f"{rule}: the name is empty.")
        bad = next(c for c in name if not re.fullmatch(_ALNUM_RE, c))
        return FieldCheck("error", f"{rule}: found {describe_char(bad)}.")
    if not SUB_ACCOUNT_MIN <= len(name) <= SUB_ACCOUNT_MAX:
        return FieldCheck("error", f"{rule}: this one has {len(name)}.")
    return FieldCheck("ok")


def validate_sub_account_name(name: str) -> str:
    """Return ``name`` if OKX accepts it as a sub-account name, else raise :class:`UsageError`."""
    return required(check_sub_account_name(name), name)


def check_key_label(label: str) -> FieldCheck:
    """OKX's rule for an API key's name: at most 50 letters and digits."""
    rule = f"OKX key names are 1–{KEY_LABEL_MAX} letters and digits"
    if not label:
        return FieldCheck("error", f"{rule}: the name is empty.")
    if not re.fullmatch(_ALNUM_RE, label):
        bad = next(c for c in label if not re.fullmatch(_ALNUM_RE, c))
        return FieldCheck("error", f"{rule}: found {describe_char(bad)}.")
    if len(label) > KEY_LABEL_MAX:
        return FieldCheck("error", f"{rule}: this one has {len(label)}.")
    return FieldCheck("ok")


def validate_key_label(label: str) -> str:
    """Return ``label`` if OKX accepts it as an API key name, else raise :class:`UsageError`."""
    return required(check_key_label(label), label)
