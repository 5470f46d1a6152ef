"""``login --stdin``: three values as three lines or one JSON object, read strictly."""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable

from okx_wizard.core.errors import UsageError
from okx_wizard.core.secret import Credentials, Secret
from okx_wizard.core.validation.common import PASTE_MARKER_RE
from okx_wizard.core.validation.credentials import (
    check_api_key,
    check_secret_key,
    clean_paste,
    strip_paste_artifacts,
)

STDIN_LIMIT = 64 * 1024

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
    text = re.sub(PASTE_MARKER_RE, "", _decode_stdin(data))
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
