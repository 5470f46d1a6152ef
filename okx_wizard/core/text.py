"""Text from a server or a file, made safe to print: one cleaner shared by the CLI and the TUI.

A string that came from OKX (or anything posing as OKX) or from a file on disk is data. It must
never move the cursor, recolour or clear a terminal (escape sequences), forge a line of the
report (line breaks, U+2028/U+2029), or reorder what is shown (bidi overrides).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

# C0 controls (line breaks and ESC included), DEL, C1 controls (CSI, OSC as single bytes),
# the Arabic letter mark, zero-width and bidi marks, the Unicode line and paragraph separators,
# bidi overrides and isolates, invisible operators, the byte-order mark and the interlinear
# annotation marks.
UNSAFE: frozenset[int] = frozenset(
    [
        *range(0x00, 0x20),
        0x7F,
        *range(0x80, 0xA0),
        0x061C,
        *range(0x200B, 0x2010),
        0x2028,
        0x2029,
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2065),
        *range(0x2066, 0x206A),
        0xFEFF,
        *range(0xFFF9, 0xFFFC),
    ]
)
_DROP = dict.fromkeys(UNSAFE)


def _visible(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` on one line with every control, line-breaking or bidi character made visible.

    ``"a\\x1b[2Jb"`` becomes ``"a\\\\x1b[2Jb"``: the escape sequence is shown as text and does
    nothing. Ordinary text, accents and emoji included, is returned unchanged.
    """
    if not any(ord(c) in UNSAFE for c in text):
        return text
    return "".join(_visible(c) if ord(c) in UNSAFE else c for c in text)


# Square brackets open markup in Rich and Textual; a quote from a server never carries any.
_NO_MARKUP = str.maketrans("[]", "()")


def quote(text: str, limit: int) -> str:
    """A server's words made safe to quote inside a message: one line, no control character,
    no markup bracket, at most ``limit`` characters (an ellipsis marks a cut)."""
    line = printable(" ".join(text.split())).translate(_NO_MARKUP)
    return line if len(line) <= limit else line[: limit - 1] + "…"


def strip_unsafe(text: str) -> str:
    """``text`` without any of the characters :func:`printable` makes visible (for values read
    from a file, where a removed control character loses nothing worth showing)."""
    return text.translate(_DROP)


def map_strings(value: Any, clean: Callable[[str], str]) -> Any:
    """``value`` with ``clean`` applied to every string in it (keys too), however deeply
    nested in tables and lists: what came from a file is cleaned all the way down."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, Mapping):
        return {clean(str(k)): map_strings(v, clean) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [map_strings(item, clean) for item in value]
    return value
