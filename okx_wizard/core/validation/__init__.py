"""Input rules shared by the CLI and the TUI, one module per kind of input.

- :mod:`~okx_wizard.core.validation.names`: profile, sub-account and key label names;
- :mod:`~okx_wizard.core.validation.credentials`: pasted keys, passphrase rules;
- :mod:`~okx_wizard.core.validation.stdin`: ``login --stdin``;
- :mod:`~okx_wizard.core.validation.network`: the base URL and IP whitelists.

Everything is pure and cheap to import. Check functions return a :class:`FieldCheck` (ok /
warning / error and a short message) so that a screen can show it live under a field;
``validate_*`` functions return the cleaned value or raise :class:`UsageError` for the CLI.
No message ever quotes a secret: where the input could be secret, messages describe it instead.
This package re-exports every public name, so ``from okx_wizard.core.validation import X`` works.
"""

from __future__ import annotations

from okx_wizard.core.validation.common import CheckLevel, FieldCheck
from okx_wizard.core.validation.credentials import (
    PASSPHRASE_MAX,
    PASSPHRASE_MIN,
    SHELL_UNSAFE,
    SPECIAL_CHARACTERS,
    Rule,
    check_api_key,
    check_passphrase_match,
    check_secret_key,
    clean_paste,
    okx_passphrase_rules,
    shell_unsafe_chars,
    strip_paste_artifacts,
)
from okx_wizard.core.validation.names import (
    KEY_LABEL_MAX,
    PROFILE_NAME_MAX,
    SUB_ACCOUNT_MAX,
    SUB_ACCOUNT_MIN,
    check_key_label,
    check_profile_name,
    check_sub_account_name,
    validate_key_label,
    validate_profile_name,
    validate_sub_account_name,
)
from okx_wizard.core.validation.network import (
    MAX_IPS,
    IpList,
    check_base_url,
    is_loopback_host,
    validate_base_url,
    validate_ip_list,
)
from okx_wizard.core.validation.stdin import STDIN_LIMIT, parse_stdin_credentials

__all__ = [
    "KEY_LABEL_MAX",
    "MAX_IPS",
    "PASSPHRASE_MAX",
    "PASSPHRASE_MIN",
    "PROFILE_NAME_MAX",
    "SHELL_UNSAFE",
    "SPECIAL_CHARACTERS",
    "STDIN_LIMIT",
    "SUB_ACCOUNT_MAX",
    "SUB_ACCOUNT_MIN",
    "CheckLevel",
    "FieldCheck",
    "IpList",
    "Rule",
    "check_api_key",
    "check_base_url",
    "check_key_label",
    "check_passphrase_match",
    "check_profile_name",
    "check_secret_key",
    "check_sub_account_name",
    "clean_paste",
    "is_loopback_host",
    "okx_passphrase_rules",
    "parse_stdin_credentials",
    "shell_unsafe_chars",
    "strip_paste_artifacts",
    "validate_base_url",
    "validate_ip_list",
    "validate_key_label",
    "validate_profile_name",
    "validate_sub_account_name",
]
