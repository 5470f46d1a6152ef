"""Step 2: a dedicated sub-account keeps any damage inside it; or, knowingly, the main account."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Label, Static

from okx_wizard.core.regions import region
from okx_wizard.core.validation import check_sub_account_name
from okx_wizard.core.wizard_state import WizardState
from okx_wizard.screens.base import Field, StepScreen, titled
from okx_wizard.screens.focus import show_more_below
from okx_wizard.widgets.choice_list import ChoiceList
from okx_wizard.widgets.plain import DataStatic, plain
from okx_wizard.widgets.tick import Tick


def planned_modes(state: WizardState) -> str:
    """The account and position mode the plan expects, in OKX's words (from the core's plan).

    A read-only tracker expects none; a spot-only region expects Spot mode (no positions).
    """
    from okx_wizard.core.findings import account_mode, expected_modes, position_mode

    acct_lv, pos_mode = expected_modes(state.intentions(), state.region)
    if acct_lv is None:
        return "A read-only key needs no particular account mode."
    if pos_mode is None or acct_lv == "1":
        return f'In Trade → Settings set Account mode "{account_mode(acct_lv)}".'
    return (
        f'In Trade → Settings set Account mode "{account_mode(acct_lv)}" and Position mode '
        f'"{position_mode(pos_mode)}".'
    )


def click_path(state: WizardState) -> str:
    """Where the sub-account settings are on the chosen region's website."""
    site = region(state.region).site
    return (
        f"On {site} (web, not the app):\n"
        "1. Profile icon (top right) → Sub-accounts → + Create sub-account.\n"
        "2. Type the name above; account type: Standard sub-account. Confirm with 2FA.\n"
        "3. Switch into it: Sub-accounts menu → the sub-account → Switch (in OKX's\n"
        "   app: Profile → Switch account).\n"
        f"   {planned_modes(state)}\n"
        "4. Deposits: transfer only what the bot may trade, from the main account\n"
        "   (Assets → Transfer → the sub-account). No outside deposit address needed.\n"
        "5. Create the API key while switched into the sub-account (next steps)."
    )


KEY_SOURCES = ("I'll create it on OKX's site", "Create the key for me (with an admin key)")
AUTO_HELP = (
    "okx-wizard makes the key through OKX's API with an admin key of your main account: the "
    "new key's secret and passphrase are never shown, typed or pasted."
)

MAIN_WARNING = (
    "! A key on the main account can reach everything you hold on OKX. If it leaks, a "
    "trade-enabled key can drain your balance through bad trades, and nothing fences it in. "
    "okx-wizard will report this (main-account) on every check."
)


class SubAccountScreen(StepScreen):
    """Step 2: name the sub-account (OKX rule: 6–20 letters and digits) and set its modes."""

    def compose_body(self) -> ComposeResult:
        yield Static(
            "Why a sub-account: a leaked or misbehaving key can only touch the funds you "
            "moved there. Your main account stays out of reach.",
            classes="hint",
        )
        yield titled(
            ChoiceList("A dedicated sub-account (recommended)", "Use my main account", id="where"),
            "Where the key lives",
        )
        with Vertical(id="sub-fields"):
            yield Label("Sub-account name (6–20 letters and digits, case sensitive):")
            yield Field(
                placeholder="e.g. bot2025trading",
                id="sub-name",
                max_length=20,
                select_on_focus=False,  # letters typed on the choice above land here
            )
            yield DataStatic(id="sub-check", classes="field-check")
            yield titled(ChoiceList(*KEY_SOURCES, id="key-source"), "Who makes the key")
            yield Static(AUTO_HELP, id="auto-help", classes="hint")
            yield Static("", id="click-path", classes="steps")
        with Vertical(id="main-fields"):
            yield Static(MAIN_WARNING, classes="warning")
            yield Tick("I understand and want the main account", id="main-ack")

    def started(self) -> None:
        show_more_below(self)

    def on_key(self, event: events.Key) -> None:
        """Letters typed on the choice go to the sub-account name (a newcomer types the name
        first; the choice above it has the focus when the step opens)."""
        where = self.query_one("#where", ChoiceList)
        char = event.character
        if self.focused is where and where.selected == 0 and char and char.isalnum():
            event.stop()
            name = self.query_one("#sub-name", Input)
            name.focus()
            name.insert_text_at_cursor(char)

    def load(self) -> None:
        state = self.state
        self.query_one("#where", ChoiceList).selected = 0 if state.sub_account else 1
        self.query_one("#sub-name", Input).value = state.sub_account_name
        self.query_one("#main-ack", Tick).value = state.main_account_ack
        self.query_one("#key-source", ChoiceList).selected = int(state.key_source == "auto")
        self.query_one("#click-path", Static).update(click_path(state))
        self._show()

    def store(self) -> None:
        state = self.state
        state.sub_account = self.query_one("#where", ChoiceList).selected != 1
        state.sub_account_name = self.query_one("#sub-name", Input).value.strip()
        state.main_account_ack = self.query_one("#main-ack", Tick).value
        auto = self.query_one("#key-source", ChoiceList).selected == 1
        state.key_source = "auto" if auto else "manual"

    def problems(self) -> list[str]:
        if self.query_one("#where", ChoiceList).selected == 1:
            if not self.query_one("#main-ack", Tick).value:
                return [
                    "Tick that you understand the main-account risk (Space), or choose a "
                    "sub-account."
                ]
            return []
        check = check_sub_account_name(self.query_one("#sub-name", Input).value.strip())
        return [check.message] if check.blocking else []

    def _show(self) -> None:
        main = self.query_one("#where", ChoiceList).selected == 1
        self.query_one("#sub-fields").display = not main
        self.query_one("#main-fields").display = main
        auto = self.query_one("#key-source", ChoiceList).selected == 1
        self.query_one("#auto-help").display = auto
        name = self.query_one("#sub-name", Input).value.strip()
        line = self.query_one("#sub-check", DataStatic)
        if not name:
            line.update(plain(""))
            return
        check = check_sub_account_name(name)
        line.update(plain(f"✗ {check.message}" if check.blocking else "✓ OKX accepts this name."))

    @on(ChoiceList.Changed)
    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        self.store()
        self._show()
        self.recheck()
        self.refresh_step_bar()
