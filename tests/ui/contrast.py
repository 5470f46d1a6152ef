"""Text contrast of what the app really draws: WCAG ratios of every letter's colours.

The screen is rendered the way Textual sends it to the terminal (the compositor's full update,
after the app's line filters: NO_COLOR's monochrome filter included), then every cell holding a
letter or digit is measured: the WCAG 2 contrast ratio of its foreground against its background.
Reverse video swaps the two; dim (drawn by the terminal) blends the foreground halfway towards the
background, the way terminals draw it. A colour the app leaves to the terminal ("default") is
taken as the dark theme's (light grey on black).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.app import App
from textual.geometry import Region
from textual.screen import ModalScreen

DEFAULT_FG = (229, 229, 229)
DEFAULT_BG = (0, 0, 0)
DIM_BLEND = 0.5
MIN_RATIO = 3.0


@dataclass(frozen=True)
class Cell:
    """One letter on screen and its measured contrast."""

    x: int
    y: int
    char: str
    ratio: float
    fg: tuple[int, int, int]
    bg: tuple[int, int, int]


def _rgb(color: RichColor | None, default: tuple[int, int, int]) -> tuple[int, int, int]:
    if color is None or color.is_default:
        return default
    triplet = color.get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(fg: tuple[int, int, int], bg: tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio, 1.0 (none) to 21.0 (black on white)."""
    lighter, darker = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _blend(fg: tuple[int, int, int], bg: tuple[int, int, int], amount: float) -> tuple[int, ...]:
    return tuple(round(f + (b - f) * amount) for f, b in zip(fg, bg, strict=True))


def cell_colours(style: Style | None) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """The foreground and background a terminal shows for ``style``."""
    style = style or Style()
    fg = _rgb(style.color, DEFAULT_FG)
    bg = _rgb(style.bgcolor, DEFAULT_BG)
    if style.reverse:
        fg, bg = bg, fg
    if style.dim:
        r, g, b = _blend(fg, bg, DIM_BLEND)
        fg = (r, g, b)
    return fg, bg


def screen_lines(app: App[Any]) -> list[list[Segment]]:
    """The segments of every line of the current screen (modal screens over their background)."""
    update: Any = app.screen._compositor.render_update(
        full=True,
        screen_stack=app._background_screens,
    )
    return [[segment for strip in line for segment in strip] for line in update.strips]


def readable_area(app: App[Any]) -> list[Region]:
    """Where text is meant to be read: the whole screen, or a modal's own widgets.

    A modal screen dims the screen below it on purpose (a backdrop, not text to read).
    """
    screen = app.screen
    if not isinstance(screen, ModalScreen):
        return [screen.region]
    return [child.region for child in screen.children if child.display]


def letters(app: App[Any]) -> list[Cell]:
    """Every cell of the readable area that shows a letter or a digit, with its contrast ratio."""
    area = readable_area(app)
    cells: list[Cell] = []
    for y, line in enumerate(screen_lines(app)):
        x = 0
        for segment in line:
            if segment.control:
                continue
            fg, bg = cell_colours(segment.style)
            ratio = contrast_ratio(fg, bg)
            for char in segment.text:
                if char.isalnum() and any(r.contains(x, y) for r in area):
                    cells.append(Cell(x, y, char, ratio, fg, bg))
                x += 1
    return cells


def screen_text(app: App[Any]) -> list[str]:
    """The screen's characters, line by line (to quote the words around a failing cell)."""
    return ["".join(segment.text for segment in line) for line in screen_lines(app)]


def low_contrast(app: App[Any], minimum: float = MIN_RATIO) -> list[str]:
    """Words drawn below ``minimum``, as ``"row 3: 'Profile' 1.8:1"`` (empty when all pass)."""
    text = screen_text(app)
    found: dict[tuple[int, int], tuple[float, int]] = {}
    for cell in letters(app):
        if cell.ratio >= minimum:
            continue
        line = text[cell.y]
        start = cell.x
        while start > 0 and line[start - 1].isalnum():
            start -= 1
        worst, _ = found.get((cell.y, start), (99.0, 0))
        found[(cell.y, start)] = (min(worst, cell.ratio), cell.x)
    report = []
    for (y, start), (ratio, _) in sorted(found.items()):
        line = text[y]
        end = start
        while end < len(line) and line[end].isalnum():
            end += 1
        report.append(f"row {y}: {line[start:end]!r} {ratio:.1f}:1")
    return report
