"""Text from outside (a server, a file, the user) shown as data: never markup, never a control code.

The one way the screens show a dynamic string: :func:`plain` makes a ``Content`` (not parsed as
markup) with control characters made visible, :func:`plain_cell` the same as a rich ``Text`` for
a ``DataTable`` cell (which parses a ``str`` as markup), and :class:`DataStatic` is the ``Static``
for such text, which refuses a ``str`` so that a markup string cannot slip in.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.widgets import Static

from okx_wizard.core.text import UNSAFE

# The core's unsafe characters (C0 but tab and newline, DEL, C1, bidi overrides and isolates,
# zero-width marks, line separators): C0 and DEL shown as their Unicode pictures (ESC as ␛), the
# rest as U+FFFD, so that nothing from outside moves, recolours or reorders the terminal.
_VISIBLE: dict[int, str] = {
    code: chr(0x2400 + code) if code < 0x20 else "\u2421" if code == 0x7F else "\ufffd"
    for code in UNSAFE
    if code not in (0x09, 0x0A)
}


# For what goes into a field (a paste): control characters dropped, line breaks kept to split on.
_DROPPED: dict[int, None] = {code: None for code in _VISIBLE if code != 0x0D}


def without_controls(text: str) -> str:
    """``text`` without control characters (newlines kept): for a paste into a field."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_DROPPED)


def visible(text: str) -> str:
    """``text`` with every control character but tab and newline replaced by a visible one."""
    return text.translate(_VISIBLE)


def plain(text: str) -> Content:
    """``text`` as Textual ``Content``: shown as is (brackets included), controls made visible."""
    return Content(visible(text))


def plain_cell(text: str) -> Text:
    """``text`` for a ``DataTable`` cell: a rich ``Text`` (a ``str`` cell would be markup)."""
    return Text(visible(text), end="", no_wrap=True)


class DataStatic(Static):
    """A ``Static`` for text built from data: takes ``Content`` / ``Text``, never a ``str``.

    A ``str`` given to a ``Static`` is parsed as markup, so a server message with ``[link=…]``
    would become a real link and a stray ``[/bold]`` would crash the app. Build the text with
    :func:`plain` (or ``Content.assemble`` of ``plain`` parts) instead.
    """

    def __init__(
        self,
        content: Content | Text | None = None,
        *,
        expand: bool = False,
        shrink: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(
            _checked(Content("") if content is None else content),
            expand=expand,
            shrink=shrink,
            markup=False,
            name=name,
            id=id,
            classes=classes,
            disabled=disabled,
        )

    def update(self, content: Content | Text | None = None, *, layout: bool = True) -> None:  # type: ignore[override]
        """Show ``content`` (a ``str`` is refused: wrap it in :func:`plain`)."""
        super().update(_checked(Content("") if content is None else content), layout=layout)


def _checked(content: object) -> Content | Text:
    if not isinstance(content, Content | Text):
        raise TypeError(
            f"DataStatic shows data, not markup: pass plain(text), not {type(content).__name__}"
        )
    return content
