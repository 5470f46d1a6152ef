"""Rules for pasted credentials: cleaning what a terminal or web page adds, key shapes, and
OKX's passphrase rules. No message ever quotes a value: it could be a secret."""

from __future__ import annotations

import re
import string
import unicodedata
from typing import NamedTuple

from okx_wizard.core.secret import Secret
from okx_wizard.core.validation.common import (
    PASTE_MARKER_RE,
    FieldCheck,
    ascii_printable,
    is_invisible,
)

PASSPHRASE_MIN, PASSPHRASE_MAX = 8, 32

#: Characters that break a passphrase on its way through a shell or an env file (SPEC §3.4).
SHELL_UNSAFE: frozenset[str] = frozenset({"$", "&", "'", '"', "\\", " ", "`"})
#: What OKX's rule calls a special character: ASCII punctuation.
SPECIAL_CHARACTERS: frozenset[str] = frozenset(string.punctuation)

_UUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_UUID_ANYCASE_RE = "(?i)" + _UUID_RE
_HEX32_UPPER_RE = r"[0-9A-F]{32}"
_HEX32_ANYCASE_RE = r"[0-9A-Fa-f]{32}"

# Look-alikes that reach a key through web pages, PDFs and chat apps, after NFKC has run.
_HOMOGLYPHS: dict[int, str] = {
    ord(k): v
    for k, v in {
        # Cyrillic lower case
        "а": "a", "в": "b", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x",
        "ѕ": "s", "і": "i", "ј": "j", "ԁ": "d", "һ": "h", "ԛ": "q", "ԝ": "w", "ь": "b",
        # Cyrillic upper case
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "З": "3", "Ԁ": "D",
        # Greek
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
        "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "α": "a",
        "ϲ": "c", "Ϲ": "C", "ν": "v",
        # Dashes and minus signs
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-", "\u2043": "-", "\ufe58": "-",
    }.items()
}  # fmt: skip


class Rule(NamedTuple):
    """One of OKX's passphrase rules and whether the passphrase meets it."""

    name: str
    ok: bool


def strip_paste_artifacts(text: str) -> str:
    """Remove what a terminal or a web page adds around a pasted value, and nothing else.

    Drops bracketed-paste markers, line breaks, tabs, zero-width characters and the BOM
    anywhere, and whitespace (including NBSP) at both ends. Inner spaces and every visible
    character stay as they are: this is the cleaning for passphrases, where a changed
    character would be a different passphrase. Idempotent.
    """
    previous = None
    while previous != text:
        previous = text
        text = re.sub(PASTE_MARKER_RE, "", text)
        text = "".join(c for c in text if c == " " or c == "\u00a0" or not is_invisible(c))
        text = text.strip(" \u00a0")
    return text


def clean_paste(text: str) -> str:
    """Turn a pasted API key or secret key into the characters OKX showed.

    Removes bracketed-paste markers, all whitespace, control and zero-width characters, and
    normalises look-alikes that sneak in from web pages and PDFs: NFKC (fullwidth forms and
    the like to ASCII), Cyrillic and Greek homoglyphs to Latin, dashes and minus signs to
    ``-``. Only for values made of ASCII letters, digits and dashes; use
    :func:`strip_paste_artifacts` for passphrases. Idempotent.
    """
    previous = None
    rounds = 0
    while previous != text and rounds < 8:
        previous = text
        rounds += 1
        text = unicodedata.normalize("NFKC", text)
        text = text.translate(_HOMOGLYPHS)
        text = re.sub(PASTE_MARKER_RE, "", text)
        text = "".join(c for c in text if not is_invisible(c))
    return text


def check_api_key(text: str) -> FieldCheck:
    """Check a (cleaned) API key. OKX's keys look like a lower-case UUID; others only warn.

    OKX does not specify the format (OKX.md), so only what cannot work is an error.
    """
    if not text:
        return FieldCheck("error", "Paste the API key OKX showed you.")
    if len(text) > 128:
        return FieldCheck("error", f"Too long for an API key ({len(text)} characters).")
    if not ascii_printable(text):
        return FieldCheck("error", "Has characters an API key cannot have: paste it again.")
    if re.fullmatch(_UUID_RE, text):
        return FieldCheck("ok", "Looks like an OKX API key.")
    if re.fullmatch(_UUID_ANYCASE_RE, text):
        return FieldCheck("warning", "OKX keys are lower case: check the key.")
    if re.fullmatch(_HEX32_ANYCASE_RE, text):
        return FieldCheck("warning", "This looks like the secret key, not the API key.")
    return FieldCheck(
        "warning", f"Not the usual 8-4-4-4-12 form ({len(text)} characters): check it."
    )


def check_secret_key(text: str) -> FieldCheck:
    """Check a (cleaned) secret key: OKX shows 32 upper-case hex characters."""
    if not text:
        return FieldCheck("error", "Paste the secret key OKX showed you.")
    if len(text) > 256:
        return FieldCheck("error", f"Too long for a secret key ({len(text)} characters).")
    if not ascii_printable(text):
        return FieldCheck("error", "Has characters a secret key cannot have: paste it again.")
    if re.fullmatch(_HEX32_UPPER_RE, text):
        return FieldCheck("ok", "Looks like an OKX secret key.")
    if re.fullmatch(_HEX32_ANYCASE_RE, text):
        return FieldCheck("ok", "Accepted; OKX shows it in upper case: paste it as shown.")
    if re.fullmatch(_UUID_ANYCASE_RE, text):
        return FieldCheck("warning", "This looks like the API key, not the secret key.")
    return FieldCheck(
        "warning", f"Not the usual 32 hex characters ({len(text)} characters): check it."
    )


def _reveal(value: str | Secret) -> str:
    return value.reveal() if isinstance(value, Secret) else value


def check_passphrase_match(typed: str | Secret, expected: str | Secret | None) -> FieldCheck:
    """Compare the passphrase typed at capture with the one chosen earlier (if any).

    A difference is a warning: what counts is what was typed on OKX's form, which only the
    user knows. Compared in constant time; the message never shows either value.
    """
    typed_text, expected_text = _reveal(typed), _reveal(expected) if expected else ""
    if not typed_text:
        return FieldCheck("error", "Enter the passphrase you typed on OKX's form.")
    if not expected_text:
        return FieldCheck("ok")
    import hmac

    if hmac.compare_digest(typed_text.encode(), expected_text.encode()):
        return FieldCheck("ok", "Matches the passphrase you chose.")
    if hmac.compare_digest(typed_text.casefold().encode(), expected_text.casefold().encode()):
        return FieldCheck("warning", "Differs only in upper/lower case from the one you chose.")
    return FieldCheck("warning", "Differs from the passphrase you chose: use what OKX got.")


def okx_passphrase_rules(passphrase: str | Secret) -> list[Rule]:
    """OKX's documented passphrase rules, each with whether ``passphrase`` meets it."""
    p = _reveal(passphrase)
    return [
        Rule(f"{PASSPHRASE_MIN}–{PASSPHRASE_MAX} characters",
             PASSPHRASE_MIN <= len(p) <= PASSPHRASE_MAX),
        Rule("upper case", any(c in string.ascii_uppercase for c in p)),
        Rule("lower case", any(c in string.ascii_lowercase for c in p)),
        Rule("digit", any(c in string.digits for c in p)),
        Rule("special", any(c in SPECIAL_CHARACTERS for c in p)),
    ]  # fmt: skip


def shell_unsafe_chars(passphrase: str | Secret) -> set[str]:
    """The characters of ``passphrase`` that break shells and env files (``$ & ' " \\``, ...)."""
    return {c for c in _reveal(passphrase) if c in SHELL_UNSAFE}
