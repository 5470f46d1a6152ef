"""ChoiceList: a radio group drawn by one widget, clear without colour and cheap to show."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


class ChoiceList(Widget, can_focus=True):
    """One choice among a few options, one line each: "(•) chosen" or "( ) other".

    The arrow keys change the choice at once, as in a native radio group; Enter is left to the
    screen (it goes on). One widget draws every option: Textual's RadioSet mounts a widget per
    option, and styling those is a visible part of a screen's first paint.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,right", "move(1)", "Next option", show=False),
        Binding("up,left", "move(-1)", "Previous option", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"choice-list--chosen"}
    DEFAULT_CSS = """
    ChoiceList {
        height: auto;
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    ChoiceList > .choice-list--chosen {
        text-style: bold;
    }
    ChoiceList:focus > .choice-list--chosen {
        color: $block-cursor-foreground;
        background: $block-cursor-background;
        text-style: $block-cursor-text-style;
    }
    """

    selected: reactive[int] = reactive(0)

    class Changed(Message):
        """The choice changed (by a key, a click or the code)."""

        def __init__(self, choice_list: ChoiceList, index: int) -> None:
            super().__init__()
            self.choice_list = choice_list
            self.index = index

        @property
        def control(self) -> ChoiceList:
            return self.choice_list

    def __init__(
        self,
        *options: str,
        selected: int = 0,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        if not options:
            raise ValueError("a ChoiceList needs at least one option")
        super().__init__(id=id, classes=classes)
        self.options = options
        self.set_reactive(ChoiceList.selected, self._clamp(selected))

    def _clamp(self, index: int) -> int:
        return max(0, min(index, len(self.options) - 1))

    def validate_selected(self, index: int) -> int:
        return self._clamp(index)

    def watch_selected(self, index: int) -> None:
        self.post_message(self.Changed(self, index))

    def render(self) -> Content:
        chosen_style = self.get_visual_style("choice-list--chosen")
        lines = []
        for index, option in enumerate(self.options):
            if index == self.selected:
                lines.append(Content.assemble("(•) ", (option, chosen_style)))
            else:
                lines.append(Content(f"( ) {option}"))
        return Content("\n").join(lines)

    def action_move(self, step: int) -> None:
        self.selected = (self.selected + step) % len(self.options)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and 0 <= offset.y < len(self.options):
            self.selected = offset.y
