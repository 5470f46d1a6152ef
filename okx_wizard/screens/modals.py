"""Small questions asked over the current screen: quit, resume, confirm a removal."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from okx_wizard.widgets.plain import DataStatic, plain


class Question(ModalScreen[bool]):
    """A yes/no question: y or Enter on the yes button says yes; n or Escape says no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]
    TITLE_TEXT = ""
    YES = "Yes"
    NO = "No"
    YES_KEY = "y"
    NO_KEY = "n"
    DEFAULT_FOCUS = "#no"

    def __init__(self, text: str = "", *, title: str = "", yes: str = "", no: str = "") -> None:
        super().__init__()
        self.text = text
        self.title_text = title or self.TITLE_TEXT
        self.yes_label = yes or self.YES
        self.no_label = no or self.NO

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield DataStatic(plain(self.text), classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes_label} ({self.YES_KEY})", id="yes", variant="primary")
                yield Button(f"{self.no_label} ({self.NO_KEY})", id="no")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(self.DEFAULT_FOCUS, Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class QuitScreen(Question):
    """Asked on ctrl+q while captured credentials are not yet the profile's saved key."""

    TITLE_TEXT = "Quit now?"
    YES = "Quit"
    NO = "Stay"

    def __init__(self, *, pending: bool) -> None:
        if pending:
            text = (
                "The key you captured is not verified and saved yet. It is kept as pending "
                "in the secure store: run okx-wizard again to resume where you left off."
            )
        else:
            text = (
                "The key you typed is not saved anywhere yet. If you quit now it is lost, "
                "and OKX shows the secret key only once."
            )
        super().__init__(text + "\n\nPress ctrl+q again or y to quit.")


class ResumeScreen(Question, inherit_bindings=False):
    """Asked at start when an unfinished setup (a draft, maybe pending credentials) exists."""

    TITLE_TEXT = "Resume the unfinished setup?"
    YES = "Resume"
    NO = "Discard"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "answer(True)", "Resume"),
        Binding("d", "answer(False)", "Discard"),
        Binding("escape", "answer(True)", "Resume", show=False),  # never discard by accident
    ]
    YES_KEY = "r"
    NO_KEY = "d"
    DEFAULT_FOCUS = "#yes"

    def __init__(self, name: str, *, has_key: bool, rotate: bool) -> None:
        what = "rotation of" if rotate else "setup of"
        key = (
            "A captured key is kept as pending in the secure store."
            if has_key
            else "No key was captured yet."
        )
        super().__init__(
            f"The {what} profile {name!r} was not finished. {key}\n\n"
            "Resume (r) goes on where you left off; Discard (d) forgets it"
            + (" and the pending key." if has_key else ".")
        )


class ConfirmRemoveScreen(Question):
    """Asked before a profile and its stored keys are erased."""

    TITLE_TEXT = "Remove this profile?"
    YES = "Remove"
    NO = "Keep"

    def __init__(self, name: str, hint: str, previous_hint: str | None = None) -> None:
        previous = (
            f"\n\nThe key it replaced, {previous_hint}, may still work on OKX too: delete both "
            "there."
            if previous_hint
            else ""
        )
        super().__init__(
            f"Profile {name!r} and its stored key {hint} will be erased from this machine.\n\n"
            "This does not delete the key on OKX: delete it there too (API page) if you no "
            f"longer need it.{previous}"
        )
