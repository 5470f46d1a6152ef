"""Input rules shared by the CLI and the TUI: names, pasted keys, IP lists, ``login --stdin``.

Everything here is pure and cheap to import. Check functions return a :class:`FieldCheck`
(ok / warning / error and a short message) so that a screen can show it live under a field;
``validate_*`` functions return the cleaned value or raise :class:`UsageError` for the CLI.
No message ever quotes a secret: where the input could be secret, messages describe it instead.
"""

from __future__ import annotations

import codecs
import functools
import ipaddress
import re
import string
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from okx_wizard.core.errors import UsageError
from okx_wizard.core.secret import Credentials, Secret

CheckLevel = Literal["ok", "warning", "error"]

PROFILE_NAME_MAX = 64
SUB_ACCOUNT_MIN, SUB_ACCOUNT_MAX = 6, 20
KEY_LABEL_MAX = 50
PASSPHRASE_MIN, PASSPHRASE_MAX = 8, 32
MAX_IPS = 20
STDIN_LIMIT = 64 * 1024

#: Characters that break a passphrase on its way through a shell or an env file (SPEC §3.4).
SHELL_UNSAFE: frozenset[str] = frozenset({"$", "&", "'", '"', "\\", " ", "`"})
#: What OKX's rule calls a special character: ASCII punctuation.
SPECIAL_CHARACTERS: frozenset[str] = frozenset(string.punctuation)

# Patterns, compiled on first use by re's cache: the wizard's first screen needs only one.
_PROFILE_RE = r"[A-Za-z0-9._-]{1,64}"
_ALNUM_RE = r"[A-Za-z0-9]+"
_UUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_UUID_ANYCASE_RE = "(?i)" + _UUID_RE
_HEX32_UPPER_RE = r"[0-9A-F]{32}"
_HEX32_ANYCASE_RE = r"[0-9A-Fa-f]{32}"

# Bracketed-paste markers, with their ESC, or the leftovers when a layer dropped the ESC.
_PASTE_MARKER_RE = r"\x1b?\[20[01]~"
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


class FieldCheck(NamedTuple):
    """The verdict on one field's value: ``error`` blocks, ``warning`` asks to confirm.

    ``message`` is short (it is shown under the field) and never quotes the value.
    """

    level: CheckLevel
    message: str = ""

    @property
    def ok(self) -> bool:
        """True when nothing is to be said against the value."""
        return self.level == "ok"

    @property
    def blocking(self) -> bool:
        """True when the value cannot be used as it is."""
        return self.level == "error"


class Rule(NamedTuple):
    """One of OKX's passphrase rules and whether the passphrase meets it."""

    name: str
    ok: bool


@dataclass(frozen=True, slots=True)
class IpList:
    """A parsed IP whitelist: normalised entries, per-entry errors and warnings."""

    entries: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every entry parsed and the list fits OKX's limit."""
        return not self.errors


# ---------------------------------------------------------------------------------------------
# Names


def _describe_char(char: str) -> str:
    """A safe, printable description of one character, e.g. ``U+0020 SPACE``."""
    name = unicodedata.name(char, "unnamed character")
    return f"U+{ord(char):04X} {name}"


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
        return FieldCheck("error", f"{rule}: found {_describe_char(bad)}.")
    return FieldCheck("ok")


def _required(result: FieldCheck, value: str) -> str:
    """``value`` when its check passed; otherwise a :class:`UsageError` with the check's words."""
    if result.blocking:
        raise UsageError(result.message)
    return value


def validate_profile_name(name: str) -> str:
    """Return ``name`` if it can name a profile, else raise :class:`UsageError` saying why."""
    return _required(check_profile_name(name), name)


def check_sub_account_name(name: str) -> FieldCheck:
    """OKX's rule for sub-account names: 6–20 letters and digits, case sensitive."""
    rule = f"OKX sub-account names are {SUB_ACCOUNT_MIN}–{SUB_ACCOUNT_MAX} letters and digits"
    if not re.fullmatch(_ALNUM_RE, name):
        if not name:
            return FieldCheck("error", f"{rule}: the name is empty.")
        bad = next(c for c in name if not re.fullmatch(_ALNUM_RE, c))
        return FieldCheck("error", f"{rule}: found {_describe_char(bad)}.")
    if not SUB_ACCOUNT_MIN <= len(name) <= SUB_ACCOUNT_MAX:
        return FieldCheck("error", f"{rule}: this one has {len(name)}.")
    return FieldCheck("ok")


def validate_sub_account_name(name: str) -> str:
    """Return ``name`` if OKX accepts it as a sub-account name, else raise :class:`UsageError`."""
    return _required(check_sub_account_name(name), name)


def check_key_label(label: str) -> FieldCheck:
    """OKX's rule for an API key's name: at most 50 letters and digits."""
    rule = f"OKX key names are 1–{KEY_LABEL_MAX} letters and digits"
    if not label:
        return FieldCheck("error", f"{rule}: the name is empty.")
    if not re.fullmatch(_ALNUM_RE, label):
        bad = next(c for c in label if not re.fullmatch(_ALNUM_RE, c))
        return FieldCheck("error", f"{rule}: found {_describe_char(bad)}.")
    if len(label) > KEY_LABEL_MAX:
        return FieldCheck("error", f"{rule}: this one has {len(label)}.")
    return FieldCheck("ok")


def validate_key_label(label: str) -> str:
    """Return ``label`` if OKX accepts it as an API key name, else raise :class:`UsageError`."""
    return _required(check_key_label(label), label)


# ---------------------------------------------------------------------------------------------
# Pasted values


def _is_invisible(char: str) -> bool:
    """Whitespace, control, format (zero-width, BOM, bidi marks) and other non-glyphs."""
    return char.isspace() or unicodedata.category(char)[0] in "CZ"


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
        text = re.sub(_PASTE_MARKER_RE, "", text)
        text = "".join(c for c in text if c == " " or c == "\u00a0" or not _is_invisible(c))
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
        text = re.sub(_PASTE_MARKER_RE, "", text)
        text = "".join(c for c in text if not _is_invisible(c))
    return text


def _ascii_printable(text: str) -> bool:
    return all(" " < c < "\x7f" for c in text)


def check_api_key(text: str) -> FieldCheck:
    """Check a (cleaned) API key. OKX's keys look like a lower-case UUID; others only warn.

    OKX does not specify the format (OKX.md), so only what cannot work is an error.
    """
    if not text:
        return FieldCheck("error", "Paste the API key OKX showed you.")
    if len(text) > 128:
        return FieldCheck("error", f"Too long for an API key ({len(text)} characters).")
    if not _ascii_printable(text):
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
    if not _ascii_printable(text):
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


# ---------------------------------------------------------------------------------------------
# Base URL


def check_base_url(url: str) -> FieldCheck:
    """Whether ``url`` can be a base URL for OKX requests: http(s), a host, a valid port.

    The message quotes the URL with control characters escaped and its length bounded.
    """
    from urllib.parse import urlsplit

    shown = _shown(url.encode("unicode_escape").decode("ascii"))
    if not url.strip():
        return FieldCheck("error", "The base URL is empty: leave the option out to use OKX's.")
    if not _ascii_printable(url):
        return FieldCheck("error", f"{shown} has spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return FieldCheck("error", f"{shown} has an invalid host or port (1-65535).")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return FieldCheck("error", f"{shown} is not an http:// or https:// URL with a host.")
    if port == 0:
        return FieldCheck("error", f"{shown} has an invalid port (1-65535).")
    if parts.username is not None or parts.password is not None:
        return FieldCheck("error", f"{_shown(parts.hostname)}: no user or password in the URL.")
    return FieldCheck("ok")


def validate_base_url(url: str) -> str:
    """Return ``url`` if requests can go there, else raise :class:`UsageError` saying why."""
    return _required(check_base_url(url), url)


# ---------------------------------------------------------------------------------------------
# IP whitelist

_LOCAL_V4 = (
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",  # carrier-grade NAT
    "127.0.0.0/8",
    "169.254.0.0/16",
)
_LOCAL_V6 = ("::1/128", "fc00::/7", "fe80::/10")


@functools.cache
def _local_networks() -> tuple[
    tuple[ipaddress.IPv4Network, ...], tuple[ipaddress.IPv6Network, ...]
]:
    """The private, loopback, CGNAT and link-local ranges (built on first use)."""
    return (
        tuple(ipaddress.IPv4Network(n) for n in _LOCAL_V4),
        tuple(ipaddress.IPv6Network(n) for n in _LOCAL_V6),
    )


def _is_local(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    """Private, loopback, CGNAT or link-local: never the address OKX sees."""
    v4, v6 = _local_networks()
    if isinstance(network, ipaddress.IPv4Network):
        return any(network.subnet_of(local) for local in v4)
    return any(network.subnet_of(local) for local in v6)


_PRIVATE_WARNING = "a private address: OKX sees your public IP"


def _split_entries(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", re.sub(_PASTE_MARKER_RE, "", text))
    text = "".join(" " if _is_invisible(c) else c for c in text)
    return [e for e in re.split(r"[\s,;]+", text) if e]


def _shown(entry: str) -> str:
    """An entry as it can safely be quoted in a message (no control sequences, bounded)."""
    safe = entry.encode("ascii", "backslashreplace").decode("ascii")
    return safe if len(safe) <= 45 else safe[:42] + "..."


def validate_ip_list(text: str) -> IpList:
    """Parse a whitelist typed or pasted by the user: IPv4, IPv6 and CIDR, at most 20.

    Entries may be separated by commas, semicolons, spaces or new lines. Duplicates are
    dropped, networks normalised (``10.1.2.3/8`` becomes ``10.0.0.0/8``, with a warning);
    private, loopback and link-local ranges are warned about, since OKX only ever sees the
    machine's public address.
    """
    entries: list[str] = []
    errors: list[str] = []
    warnings: list[str] = []
    for raw in _split_entries(text):
        if "%" in raw:
            errors.append(f"{_shown(raw)}: a zone index (%...) cannot be whitelisted")
            continue
        try:
            if "/" in raw:
                network = ipaddress.ip_network(raw, strict=False)
                normal = str(network)
                if network.prefixlen == network.max_prefixlen:
                    normal = str(network.network_address)
                elif normal != raw:
                    warnings.append(f"{_shown(raw)} is read as {normal}")
            else:
                network = ipaddress.ip_network(ipaddress.ip_address(raw))
                normal = str(network.network_address)
        except ValueError:
            errors.append(f"{_shown(raw)}: not an IPv4 or IPv6 address or CIDR range")
            continue
        if normal in entries:
            continue
        entries.append(normal)
        if network.prefixlen == 0:
            warnings.append(f"{normal} allows every address: the whitelist does nothing")
        elif network.is_unspecified:
            errors.append(f"{normal}: not an address a machine can have")
            entries.remove(normal)
        elif _is_local(network):
            warnings.append(f"{normal}: {_PRIVATE_WARNING}")
    if len(entries) > MAX_IPS:
        errors.append(f"OKX allows at most {MAX_IPS} IPs per key; this list has {len(entries)}")
    return IpList(entries, errors, warnings)


# ---------------------------------------------------------------------------------------------
# login --stdin

_FIELDS = ("api_key", "secret_key", "passphrase")
_FIELD_WORDS = {"api_key": "API key", "secret_key": "secret key", "passphrase": "passphrase"}


def _decode_stdin(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # Windows PowerShell pipes UTF-16 with a BOM
    else:
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise UsageError(
            "stdin is not UTF-8 text: send the API key, secret key and passphrase as text."
        ) from None


def _credentials(values: Iterable[tuple[str, object]]) -> Credentials:
    found: dict[str, str] = {}
    for name, value in values:
        if not isinstance(value, str):
            raise UsageError(f"the {_FIELD_WORDS[name]} must be a JSON string.")
        cleaned = strip_paste_artifacts(value) if name == "passphrase" else clean_paste(value)
        if not cleaned:
            raise UsageError(f"the {_FIELD_WORDS[name]} is empty.")
        found[name] = cleaned
    for name, check in (("api_key", check_api_key), ("secret_key", check_secret_key)):
        verdict = check(found[name])
        if verdict.blocking:
            raise UsageError(f"the {_FIELD_WORDS[name]} is not usable: {verdict.message}")
    return Credentials(
        api_key=found["api_key"],
        secret_key=Secret(found["secret_key"]),
        passphrase=Secret(found["passphrase"]),
    )


def _from_json(text: str) -> Credentials:
    import json

    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"stdin is not valid JSON (line {exc.lineno}, column {exc.colno})."
        ) from None
    except (ValueError, RecursionError):
        raise UsageError("stdin is not valid JSON.") from None
    if not isinstance(obj, dict):
        raise UsageError(
            'stdin JSON must be one object: {"api_key": …, "secret_key": …, "passphrase": …}.'
        )
    missing = [name for name in _FIELDS if name not in obj]
    if missing:
        raise UsageError(f"stdin JSON lacks {', '.join(missing)}.")
    extra = len(obj) - len(_FIELDS)
    if extra:
        raise UsageError(
            f"stdin JSON has {extra} unexpected field(s): only api_key, secret_key and "
            "passphrase are read."
        )
    return _credentials((name, obj[name]) for name in _FIELDS)


def parse_stdin_credentials(data: bytes) -> Credentials:
    """Read credentials for ``login --stdin``: one JSON object or three lines (key, secret, pass).

    Tolerates a BOM, CRLF line ends, trailing blank lines and bracketed-paste markers.
    Raises :class:`UsageError` for anything else; its message never quotes the input.
    """
    if len(data) > STDIN_LIMIT:
        raise UsageError(
            f"stdin is larger than {STDIN_LIMIT // 1024} KiB: expected just three values."
        )
    text = re.sub(_PASTE_MARKER_RE, "", _decode_stdin(data))
    if any(
        unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in text
    ):  # NUL, ESC and other controls: binary data or a terminal's escape codes
        raise UsageError("stdin contains control characters: is it binary data?")
    text = text.strip().lstrip("\ufeff")
    if not text:
        raise UsageError(
            "stdin is empty: send the API key, secret key and passphrase "
            "(three lines, or a JSON object)."
        )
    if text.startswith(("{", "[")):
        return _from_json(text)
    lines = [line for line in text.splitlines() if line.strip(" \t\u00a0\u200b\ufeff")]
    if len(lines) != len(_FIELDS):
        raise UsageError(
            f"stdin has {len(lines)} non-empty line(s); expected 3: API key, secret key, "
            "passphrase (or one JSON object)."
        )
    return _credentials(zip(_FIELDS, lines, strict=True))
