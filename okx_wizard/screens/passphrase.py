"""Step 4: the key's passphrase, typed or generated, with a live strength meter and OKX's rules."""

from __future__ import annotations

import hmac
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import Input, Static

from okx_wizard.core.errors import WizardError
from okx_wizard.core.passphrase import generate_passphrase
from okx_wizard.core.secret import Secret
from okx_wizard.core.validation import (
    check_passphrase_match,
    okx_passphrase_rules,
    strip_paste_artifacts,
)
from okx_wizard.screens.base import StepScreen, titled
from okx_wizard.screens.capture import sample_names
from okx_wizard.screens.focus import show_more_below
from okx_wizard.widgets.plain import visible
from okx_wizard.widgets.secret_input import SecretField, SecretInput
from okx_wizard.widgets.strength_meter import StrengthMeter

METER_DELAY = 0.15


class PassphraseScreen(StepScreen):
    """Step 4: choose the passphrase OKX's form asks for; it is masked unless revealed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+g", "generate", "Generate"),
        Binding("ctrl+y", "copy_passphrase", "Copy"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.old_passphrase: Secret | None = None
        self._meter_timer: Timer | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(
            "OKX's form asks for a passphrase; every request your bot makes sends it. It cannot "
            "be recovered: keep it in your password manager. You type it twice here (a typo "
            "would lock the key out) and once more after OKX's form, to check OKX got the same.",
            classes="hint",
        )
        yield titled(SecretField(id="passphrase", cleaner=strip_paste_artifacts), "Passphrase")
        yield titled(
            SecretField(id="passphrase-confirm", cleaner=strip_paste_artifacts), "The same again"
        )
        yield StrengthMeter(id="meter", user_inputs=self._context_words())
        yield Static(
            "ctrl+g generates one that passes OKX's rules and is safe in shells (masked; "
            "ctrl+r reveals, ctrl+y copies it).",
            classes="hint",
        )
        if self.wizard.simulator:
            from okx_wizard.core.simulator import SAMPLE

            name = sample_names(self.state)[0]
            yield Static(
                f"Simulator: its sample key {name!r} was made with the passphrase "
                f"{SAMPLE[name].passphrase}; type that to follow along.",
                classes="hint",
            )

    def _context_words(self) -> tuple[str, ...]:
        state = self.state
        return (state.profile, state.sub_account_name, state.key_label)

    def started(self) -> None:
        show_more_below(self)
        if self.state.mode == "rotate":
            self._load_old()

    @work(thread=True, exclusive=True, group="old-passphrase")
    def _load_old(self) -> None:
        try:
            old = self.wizard.workspace.credentials(self.state.profile).passphrase
        except WizardError as exc:
            self.app.call_from_thread(
                self.notify, visible(exc.message), severity="warning", markup=False
            )
            return
        self.app.call_from_thread(self._set_old, old)

    def _set_old(self, old: Secret) -> None:
        self.old_passphrase = old
        if self.is_attached:  # the answer may come after the step was left
            self._show()

    def on_unmount(self) -> None:
        """The meter's timer dies with the step; its notices ("Copied…") do not follow."""
        self.app.clear_notifications()
        if self._meter_timer is not None:
            self._meter_timer.stop()
            self._meter_timer = None

    def load(self) -> None:
        state = self.state
        if state.passphrase is not None:
            self.query_one("#passphrase", SecretInput).value = state.passphrase.reveal()
        if state.passphrase_confirm is not None:
            self.query_one(
                "#passphrase-confirm", SecretInput
            ).value = state.passphrase_confirm.reveal()
        self._show()

    def store(self) -> None:
        first = self.query_one("#passphrase", SecretInput).secret
        second = self.query_one("#passphrase-confirm", SecretInput).secret
        self.state.passphrase = first if first else None
        self.state.passphrase_confirm = second if second else None

    def problems(self) -> list[str]:
        first = self.query_one("#passphrase", SecretInput).secret
        second = self.query_one("#passphrase-confirm", SecretInput).secret
        if not first:
            return ["Type a passphrase, or press ctrl+g to generate one."]
        broken = [rule.name for rule in okx_passphrase_rules(first) if not rule.ok]
        if broken:
            return ["OKX's rules need: " + ", ".join(broken) + "."]
        if self.old_passphrase is not None and hmac.compare_digest(
            first.reveal().encode(), self.old_passphrase.reveal().encode()
        ):
            return ["Choose a new passphrase: this is the old key's."]
        if first != second:
            return ["Type the same passphrase again in the second field."]
        return []

    def _show(self) -> None:
        """Update the match line now and the strength meter once typing pauses."""
        if self._meter_timer is not None:
            self._meter_timer.stop()
        self._meter_timer = self.set_timer(METER_DELAY, self._update_meter)
        first = self.query_one("#passphrase", SecretInput).secret
        confirm = self.query_one("#passphrase-confirm", SecretInput)
        if confirm.value:
            verdict = check_passphrase_match(confirm.secret, first)
            confirm.border_subtitle = (
                "✓ Same" if verdict.ok or verdict.message.startswith("Matches") else "✗ Differs"
            )
        else:
            confirm.border_subtitle = None

    def _update_meter(self) -> None:
        self._meter_timer = None
        self.query_one("#meter", StrengthMeter).update_for(
            self.query_one("#passphrase", SecretInput).secret
        )

    @on(Input.Changed)
    def _changed(self) -> None:
        self.store()
        self._show()
        self.recheck()

    def action_generate(self) -> None:
        """Generate a passphrase on request; it stays masked until revealed."""
        secret = generate_passphrase()
        self.query_one("#passphrase", SecretInput).value = secret.reveal()
        self.query_one("#passphrase-confirm", SecretInput).value = secret.reveal()
        self.state.passphrase_generated = True
        self.notify("Generated a strong passphrase (masked). ctrl+r reveals it, ctrl+y copies it.")

    def action_copy_passphrase(self) -> None:
        """Copy the passphrase, only on request; ctrl+l clears the clipboard afterwards."""
        secret = self.query_one("#passphrase", SecretInput).secret
        if not secret:
            self.notify("Nothing to copy yet.", severity="warning")
            return
        self.wizard.copy_text(secret.reveal(), what="the passphrase", secret=True)
