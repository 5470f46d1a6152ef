"""What every input rule shares: the verdict type and safe ways to quote what was typed."""

from __future__ import annotations

import unicodedata
from typing import Literal, NamedTuple

from okx_wizard.core.errors import UsageError

CheckLevel = Literal["ok", "warning", "error"]

# Bracketed-paste markers, with their ESC, or the leftovers when a layer dropped the ESC.
PASTE_MARKER_RE = r"\x1b?\[20[01]~"


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


def describe_char(char: str) -> str:
    """A safe, printable description of one character, e.g. ``U+0020 SPACE``."""
    name = unicodedata.name(char, "unnamed character")
    return f"U+{ord(char):04X} {name}"


def required(result: FieldCheck, value: str) -> str:
    """``value`` when its check passed; otherwise a :class:`UsageError` with the check's words."""
    if result.blocking:
        raise UsageError(result.message)
    return value


def is_invisible(char: str) -> bool:
    """Whitespace, control, format (zero-width, BOM, bidi marks) and other non-glyphs."""
    return char.isspace() or unicodedata.category(char)[0] in "CZ"


def ascii_printable(text: str) -> bool:
    """True when ``text`` is only visible ASCII (no space, no control character)."""
    return all(" " < c < "\x7f" for c in text)


def shown(entry: str) -> str:
    """An entry as it can safely be quoted in a message (no control sequences, bounded)."""
    safe = entry.encode("ascii", "backslashreplace").decode("ascii")
    return safe if len(safe) <= 45 else safe[:42] + "..."
