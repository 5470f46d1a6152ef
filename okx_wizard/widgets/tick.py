"""Tick: a checkbox that reads "[x]" / "[ ]", so it is clear without colour (NO_COLOR)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Checkbox


class Tick(Checkbox, inherit_bindings=False):
    """A checkbox that reads "[x]" / "[ ]" (clear without colour); Space ticks, Enter goes on."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_button", "Tick", show=False),
    ]

    @property
    def _button(self) -> Content:
        return Content("[x]" if self.value else "[ ]")
