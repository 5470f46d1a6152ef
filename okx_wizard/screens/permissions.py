"""Step 3: least privilege, IP binding, and exactly what to pick on OKX's "Create API key" form."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Static

from okx_wizard.core.regions import region
from okx_wizard.core.validation import (
    KEY_LABEL_MAX,
    FieldCheck,
    check_key_label,
    validate_ip_list,
)
from okx_wizard.core.wizard_state import WITHDRAW_CONFIRMATION, WizardState
from okx_wizard.screens.base import CheckedField, Field, StepScreen, titled
from okx_wizard.screens.focus import show_more_below
from okx_wizard.screens.steps import AUTO_NEEDS_IP, automatic
from okx_wizard.widgets.plain import DataStatic, plain
from okx_wizard.widgets.tick import Tick

SIMULATOR_PUBLIC_IP = "203.0.113.7"


def today() -> date:
    """Today's date in UTC (one place, so tests can pin it)."""
    return datetime.now(UTC).date()


def suggest_key_label(state: WizardState) -> str:
    """A key name OKX accepts: the profile's letters and digits plus today's date."""
    base = "".join(c for c in state.profile if c.isascii() and c.isalnum()) or "okxwizard"
    return f"{base}{today():%Y%m%d}"[:KEY_LABEL_MAX]


def permission_words(state: WizardState) -> str:
    """The permissions to tick on OKX's form, in OKX's words."""
    words = "Read" if state.use_case == "read_only" else "Read, Trade"
    if state.withdraw:
        return words + ", Withdraw (you confirmed it)"
    return words + "   (never Withdraw)"


def form_values(state: WizardState) -> str:
    """What to pick on OKX's form, as plain text (shown, and copied on request)."""
    ips = ", ".join(state.ip_whitelist) or "(none)"
    if automatic(state):  # the API cannot grant Withdraw; the passphrase is generated
        return (
            f"API key name: {state.key_label}\n"
            f"Permissions:  {'Read' if state.use_case == 'read_only' else 'Read, Trade'}\n"
            f"IP addresses: {ips}\n"
            "Passphrase:   generated, stored, never shown"
        )
    return (
        f"API key name: {state.key_label}\n"
        "Purpose:      API trading\n"
        f"Permissions:  {permission_words(state)}\n"
        f"IP addresses: {ips}\n"
        "Passphrase:   the one you choose in the next step"
    )


def form_path(state: WizardState) -> str:
    """How to reach OKX's Create API key form: inside the sub-account, which page, which button.

    On the automatic path okx-wizard fills the form itself, through OKX's API.
    """
    if automatic(state):
        return (
            f"okx-wizard will create the key in sub-account {state.sub_account_name} through "
            "OKX's API, with exactly:"
        )
    url = region(state.region).key_page_url(state.demo).split("?")[0]
    inside = (
        f"inside sub-account {state.sub_account_name} (Sub-accounts menu → Switch), "
        if state.sub_account and state.sub_account_name
        else ""
    )
    demo = " in demo trading" if state.demo else ""
    return f"On OKX{demo}, {inside}open {url} → Create API key. Pick exactly:"


def check_ips(text: str) -> FieldCheck:
    """The IP field's verdict (its first error, or how many IPs will be bound)."""
    ips = validate_ip_list(text)
    if ips.errors:
        return FieldCheck("error", ips.errors[0])
    return FieldCheck("ok", f"{len(ips.entries)} IP(s) to bind.")


def check_label(text: str) -> FieldCheck:
    """The key name's verdict, in the field's bottom border."""
    label = check_key_label(text.strip())
    return label if label.blocking else FieldCheck("ok", "OKX accepts this name.")


class PermissionsScreen(StepScreen):
    """Step 3: permissions from the use case, trusted IPs, key name, and the form summary."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "copy_form", "Copy form values"),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static("", id="least-privilege", classes="hint")
        yield titled(
            CheckedField(placeholder="e.g. 203.0.113.7, 2001:db8::/64", id="ips", check=check_ips),
            "Trusted IPs of the bot's machine(s), ≤ 20",
        )
        yield DataStatic(id="ip-check", classes="field-check")
        yield titled(
            CheckedField(id="key-label", max_length=KEY_LABEL_MAX, check=check_label),
            f"API key name (≤ {KEY_LABEL_MAX} letters and digits)",
        )
        yield Tick("My key will have Withdraw anyway (not recommended)", id="withdraw")
        with Vertical(id="withdraw-fields"):
            yield Static(
                "! A withdraw-capable key can move your funds off OKX if it leaks. okx-wizard "
                f'refuses it unless you type: "{WITHDRAW_CONFIRMATION}"',
                classes="warning",
            )
            yield Field(placeholder=WITHDRAW_CONFIRMATION, id="withdraw-confirm")
        yield DataStatic(id="form-path", classes="section")
        yield DataStatic(id="form-values", classes="form-values")

    def started(self) -> None:
        show_more_below(self)

    def load(self) -> None:
        state = self.state
        if not state.key_label:
            state.key_label = suggest_key_label(state)
        self.query_one("#ips", Input).value = state.ip_text
        self.query_one("#key-label", Input).value = state.key_label
        self.query_one("#withdraw", Tick).value = state.withdraw
        self.query_one("#withdraw-confirm", Input).value = state.withdraw_confirmation
        self._show()

    def store(self) -> None:
        state = self.state
        state.ip_text = self.query_one("#ips", Input).value
        state.key_label = self.query_one("#key-label", Input).value.strip()
        state.withdraw = self.query_one("#withdraw", Tick).value
        state.withdraw_confirmation = self.query_one("#withdraw-confirm", Input).value

    def problems(self) -> list[str]:
        self.store()
        state = self.state
        ips = validate_ip_list(state.ip_text)
        if ips.errors:
            return [ips.errors[0]]
        label = check_key_label(state.key_label)
        if label.blocking:
            return [label.message]
        if automatic(state) and state.use_case == "trading" and not ips.entries:
            return [AUTO_NEEDS_IP]
        if state.withdraw and not state.withdraw_confirmed and not automatic(state):
            return [f'Type "{WITHDRAW_CONFIRMATION}" to keep Withdraw, or untick it.']
        return []

    def _show(self) -> None:
        state = self.state
        trading = state.use_case == "trading"
        privilege = (
            "A bot trades with Read + Trade. Never Withdraw: only a thief needs it."
            if trading
            else "Portfolio tracking needs Read only. Never Trade or Withdraw."
        )
        self.query_one("#least-privilege", Static).update(privilege)
        ips = validate_ip_list(state.ip_text)
        lines = [f"! {w}" for w in ips.warnings]
        if not ips.entries and not ips.errors and trading and not state.demo:
            lines.append(
                "! No IP: OKX deletes an unbound trade key after 14 days unused, and a "
                "leaked key works from anywhere."
            )
        elif not ips.entries and not ips.errors:
            lines.append("! No IP binding: a leaked key works from anywhere. Bind one if you can.")
        if self.wizard.simulator and not ips.entries:
            lines.append(f"› Simulator: this machine's public IP is {SIMULATOR_PUBLIC_IP}.")
        ip_check = self.query_one("#ip-check", DataStatic)
        ip_check.update(plain("\n".join(lines)))
        ip_check.display = bool(lines)
        auto = automatic(state)  # OKX's API never grants Withdraw: no such choice there
        self.query_one("#withdraw", Tick).display = not auto
        self.query_one("#withdraw-fields").display = state.withdraw and not auto
        self.query_one("#form-path", DataStatic).update(plain(form_path(state)))
        self.query_one("#form-values", DataStatic).update(plain(form_values(state)))

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        self.store()
        self._show()
        self.recheck()

    def action_copy_form(self) -> None:
        self.store()
        self.wizard.copy_text(form_values(self.state), what="the form values")

    def on_unmount(self) -> None:
        """Notices about this step ("Copied…") do not follow the user to the next one."""
        self.app.clear_notifications()
