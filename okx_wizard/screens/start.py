"""Step 0: name the profile, pick the region, live or demo trading, and the use case."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Static

from okx_wizard.core.regions import REGION_CODES, REGIONS
from okx_wizard.core.validation import FieldCheck, check_profile_name
from okx_wizard.screens.base import CheckedField, StepScreen, titled
from okx_wizard.screens.focus import escape_quits
from okx_wizard.widgets.choice_list import ChoiceList

if TYPE_CHECKING:
    from okx_wizard.core.models import UseCase

USE_CASES: tuple[tuple[UseCase, str], ...] = (
    ("trading", "Trading bot: read + trade"),
    ("read_only", "Portfolio tracking: read only"),
)


class StartScreen(StepScreen):
    """Step 0: what this key is for and where it will be made."""

    # Escape goes back (to home) or, on a wizard started on its own, quits: the footer says which.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("escape", "quit_wizard", "Quit"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return not escape_quits(self.wizard)
        if action == "quit_wizard":
            return escape_quits(self.wizard)
        return True

    def action_quit_wizard(self) -> None:
        """Escape on the first step of a wizard started on its own: quit (asks if unsaved)."""
        self.action_back()

    def compose_body(self) -> ComposeResult:
        yield titled(
            CheckedField(placeholder="e.g. bot", id="profile", max_length=64, check=self._check),
            "Profile name: what your bot will call this key",
        )
        with Horizontal(classes="choices"):
            yield titled(
                ChoiceList(*[REGIONS[code].title for code in REGION_CODES], id="region"),
                "Region: where your account is",
            )
            env = ChoiceList("Live trading", "Demo trading", id="env")
            env.styles.height = len(REGION_CODES) + 2  # as tall as the region list beside it
            yield titled(env, "Environment")
        yield titled(ChoiceList(*[title for _, title in USE_CASES], id="use-case"), "Use case")
        yield Static(
            "Region: the site your OKX account lives on now (an account moved to the EEA lives "
            "on my.okx.com); a key works only there. Demo trading keys are made inside OKX's "
            "demo trading mode. Arrows choose, Tab moves, Enter goes on.",
            classes="hint",
        )

    def load(self) -> None:
        state = self.state
        self.query_one("#profile", Input).value = state.profile
        self.query_one("#region", ChoiceList).selected = REGION_CODES.index(state.region)
        self.query_one("#env", ChoiceList).selected = 1 if state.demo else 0
        codes = [code for code, _ in USE_CASES]
        self.query_one("#use-case", ChoiceList).selected = codes.index(state.use_case)
        self.query_one("#profile", Input).disabled = state.mode == "rotate"

    def store(self) -> None:
        state = self.state
        if state.mode != "rotate":
            name = self.query_one("#profile", Input).value.strip()
            if name != state.profile:
                state.pending_saved_for = None  # a pending copy belongs to the old name
            state.profile = name
        state.region = REGION_CODES[self.query_one("#region", ChoiceList).selected]
        state.demo = self.query_one("#env", ChoiceList).selected == 1
        state.use_case = USE_CASES[self.query_one("#use-case", ChoiceList).selected][0]

    def _check(self, value: str) -> FieldCheck:
        """The name's verdict, shown in the field's bottom border as it is typed."""
        name = value.strip()
        check = check_profile_name(name)
        if check.blocking:
            return check
        if self.state.mode == "setup" and name in self.wizard.profile_names:
            return FieldCheck("error", "A profile has this name: choose another, or rotate it.")
        return FieldCheck("ok", "Good name.")

    def problems(self) -> list[str]:
        name = self.query_one("#profile", Input).value.strip()
        check = self._check(name)
        if not check.blocking:
            return []
        if name in self.wizard.profile_names:
            return [
                f"A profile named {name!r} exists: choose another name, or rotate its key "
                "from the home screen (r)."
            ]
        return [check.message]

    @on(Input.Changed, "#profile")
    @on(ChoiceList.Changed)
    def _changed(self) -> None:
        self.store()
