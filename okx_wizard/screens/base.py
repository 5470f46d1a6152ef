"""What every wizard step shares: the step bar, Back/Next keys, and the link to the state object."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Input

from okx_wizard.core.wizard_state import WizardState
from okx_wizard.screens import steps
from okx_wizard.screens.protocol import HostedScreen
from okx_wizard.widgets.checked_input import CheckedInput
from okx_wizard.widgets.plain import DataStatic, plain, without_controls

W = TypeVar("W", bound=Widget)


def titled(widget: W, title: str) -> W:
    """``widget`` with a border title (shown by the CSS's border)."""
    widget.border_title = title
    return widget


def shown(widget: Widget) -> bool:
    """True when ``widget`` and all its containers are displayed."""
    return all(node.display for node in widget.ancestors_with_self if isinstance(node, Widget))


class Field(Input):
    """An Input whose Enter shows as "Next" in the footer (the screen decides what it does)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "submit", "Next")]

    def _on_paste(self, event: events.Paste) -> None:
        """A terminal paste's first line, without control characters (no escape code shown)."""
        event.stop()
        event.prevent_default()
        lines = without_controls(event.text).splitlines()
        if not lines or not lines[0]:
            return
        if self.selection.is_empty:
            self.insert_text_at_cursor(lines[0])
        else:
            self.replace(lines[0], *self.selection)


class CheckedField(CheckedInput):
    """A CheckedInput (verdict in its bottom border) whose Enter shows as "Next"."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "submit", "Next")]


class StepBar(DataStatic):
    """One line on top: which step of how many, and which profile."""


class StepScreen(HostedScreen, Screen[None]):
    """Base of the wizard steps: loads from and saves to the one :class:`WizardState`.

    Made by ``app.step_screen``, which sets :attr:`step_name` from the step registry.
    """

    step_name: str = ""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("enter", "next", "Next"),
    ]

    @property
    def state(self) -> WizardState:
        return self.wizard.state

    def _pop_result_callback(self) -> None:
        # A new setup's first step is the app's first screen (a launch screen under it would cost
        # the first paint a second screen), and Textual gives its first screen no result
        # callback: switching away from it must not pop from an empty list.
        if self._result_callbacks:
            super()._pop_result_callback()

    def compose(self) -> ComposeResult:
        yield StepBar(plain(self.step_title()), classes="step-bar")
        with VerticalScroll(classes="step-body"):
            yield from self.compose_body()
        yield DataStatic(classes="step-problem")
        yield Footer(show_command_palette=False)

    def compose_body(self) -> ComposeResult:
        """The step's own widgets."""
        yield from ()

    def step_title(self) -> str:
        state = self.state
        name = self.step_name or state.step
        number, total = steps.position(state.mode, name, state)
        who = "rotating" if state.mode == "rotate" else "profile"
        where = f" · {who} {state.profile}" if state.profile else ""
        sim = "SIMULATOR · " if self.wizard.simulator else ""  # first: never cut off
        text = f"{sim}Step {number}/{total}: {steps.step_named(name).title}{where}"
        return f" okx-wizard · {text}" if len(text) < 65 else f" {text}"

    def refresh_step_bar(self) -> None:
        """Show the step bar again: an answer on this step may change which steps follow."""
        self.query_one(StepBar).update(plain(self.step_title()))

    # -- state -----------------------------------------------------------------------------------
    def load(self) -> None:
        """Fill the widgets from the state object."""

    def store(self) -> None:
        """Write the widgets' values to the state object."""

    def problems(self) -> list[str]:
        """What stops Next; empty when the step is complete."""
        return []

    def on_mount(self) -> None:
        self.load()
        self.refresh_problems(quiet=True)
        self.focus_first()
        self.started()

    def started(self) -> None:
        """Called once the step is on screen and filled: start its workers here."""

    def focus_first(self) -> None:
        """Focus the field a fix asked for (the test step's Edit), else the step's first field,
        so typing starts there."""
        from okx_wizard.screens.focus import take_focus_request

        selector = take_focus_request(self.state)
        if selector is not None:
            self.query_one(selector).focus()
            return
        body = self.query_one(".step-body")
        for widget in body.query("*"):
            if widget.focusable and shown(widget):
                widget.focus()
                return

    def refresh_problems(self, *, quiet: bool = False) -> list[str]:
        """Show the first problem under the body (or nothing when ``quiet`` and none shown)."""
        problems = self.problems()
        self._problem_line("" if quiet or not problems else f"✗ {problems[0]}")
        return problems

    def recheck(self) -> None:
        """After a change: update the problem line if one is shown (never show a new one)."""
        self.refresh_problems(quiet=not self.query_one(".step-problem").display)

    def _problem_line(self, text: str) -> None:
        line = self.query_one(".step-problem", DataStatic)
        line.update(plain(text))
        line.display = bool(text)

    # -- keys ------------------------------------------------------------------------------------
    def action_back(self) -> None:
        self.store()
        self.wizard.go_back()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a field: the key was typed after the value, so the value is complete."""
        event.stop()
        self.action_next()

    def action_next(self) -> None:
        """Enter: press a focused button, move to the next empty field, or go on.

        Enter in an empty field stays there (going on shows what is missing): it never carries
        the next typing into the field after it.
        """
        focused = self.focused
        if isinstance(focused, Button) and shown(focused):
            focused.press()
            return
        if isinstance(focused, Input) and focused.value:
            inputs = [i for i in self.query(Input) if shown(i) and not i.disabled]
            later = inputs[inputs.index(focused) + 1 :] if focused in inputs else []
            empty = [i for i in later if not i.value]
            if empty:
                empty[0].focus()
                return
        self.go_on()

    def go_on(self) -> None:
        """Save the answers and go to the next step, unless a problem stops it."""
        self.store()
        if self.refresh_problems():
            return
        self.wizard.go_next()
