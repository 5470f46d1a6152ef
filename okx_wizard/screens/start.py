"""Step 0: name the profile, pick the region, live or demo trading, and the use case."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label, RadioButton, Static

from okx_wizard.core.models import UseCase
from okx_wizard.core.regions import REGION_CODES, REGIONS
from okx_wizard.core.validation import check_profile_name
from okx_wizard.screens.base import Choice, ChoiceSet, Field, StepScreen, titled

USE_CASES: tuple[tuple[UseCase, str], ...] = (
    ("trading", "Trading bot: read + trade"),
    ("read_only", "Portfolio tracking: read only"),
)


class StartScreen(StepScreen):
    """Step 0: what this key is for and where it will be made."""

    STEP = 0

    def compose_body(self) -> ComposeResult:
        yield Label("Profile name — how your bot and okx-wizard will call this key:")
        yield Field(placeholder="e.g. bot", id="profile", max_length=64)
        yield Static("", id="profile-check", classes="field-check")
        with Horizontal(classes="choices"):
            yield titled(
                ChoiceSet(*[Choice(REGIONS[code].title) for code in REGION_CODES], id="region"),
                "Region (where you registered)",
            )
            yield titled(
                ChoiceSet(Choice("Live trading"), Choice("Demo trading"), id="env"),
                "Environment",
            )
        yield titled(
            ChoiceSet(*[Choice(title) for _, title in USE_CASES], id="use-case"), "Use case"
        )
        yield Static(
            "Region: the site where you registered; a key works only there. "
            "Demo trading keys are made inside OKX's demo trading mode. "
            "Arrows choose, Tab moves, Enter goes on.",
            classes="hint",
        )

    def load(self) -> None:
        state = self.state
        self.query_one("#profile", Input).value = state.profile
        self._press("#region", REGION_CODES.index(state.region))
        self._press("#env", 1 if state.demo else 0)
        self._press("#use-case", [code for code, _ in USE_CASES].index(state.use_case))
        self.query_one("#profile", Input).disabled = state.mode == "rotate"
        self._show_check()

    def _press(self, selector: str, index: int) -> None:
        choices = self.query_one(selector, ChoiceSet)
        buttons = list(choices.query(RadioButton))
        buttons[index].value = True

    def store(self) -> None:
        state = self.state
        if state.mode != "rotate":
            name = self.query_one("#profile", Input).value.strip()
            if name != state.profile:
                state.pending_saved_for = None  # a pending copy belongs to the old name
            state.profile = name
        state.region = REGION_CODES[max(0, self.query_one("#region", ChoiceSet).pressed_index)]
        state.demo = self.query_one("#env", ChoiceSet).pressed_index == 1
        index = max(0, self.query_one("#use-case", ChoiceSet).pressed_index)
        state.use_case = USE_CASES[index][0]

    def problems(self) -> list[str]:
        name = self.query_one("#profile", Input).value.strip()
        check = check_profile_name(name)
        if check.blocking:
            return [check.message]
        if self.state.mode == "setup" and name in self.wizard.profile_names:
            return [
                f"A profile named {name!r} exists: choose another name, or rotate its key "
                "from the home screen (r)."
            ]
        return []

    @on(Input.Changed, "#profile")
    def _profile_changed(self) -> None:
        self.store()
        self._show_check()

    @on(ChoiceSet.Changed)
    def _choice_changed(self) -> None:
        self.store()

    def _show_check(self) -> None:
        line = self.query_one("#profile-check", Static)
        name = self.query_one("#profile", Input).value.strip()
        problems = self.problems()
        if not name:
            line.update("")
        elif problems:
            line.update(f"✗ {problems[0]}")
        else:
            line.update("✓ Good name.")
