"""Asked when no secure system keyring exists: a vault password, or consent to plaintext."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from okx_wizard.core.errors import WizardError
from okx_wizard.core.secret import Secret
from okx_wizard.screens.base import Field
from okx_wizard.screens.protocol import HostedScreen
from okx_wizard.widgets.plain import DataStatic, plain

PLAINTEXT_CONSENT = "store my keys in plaintext"
VAULT_MIN_LENGTH = 10


class VaultScreen(HostedScreen, ModalScreen[bool]):
    """No secure keyring here (typical over SSH): unlock or create the encrypted vault."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reveal", "Show/hide"),
    ]

    def __init__(self, reason: str, *, unlock: bool) -> None:
        super().__init__()
        self.reason = reason
        self.unlock = unlock

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield Static("No secure keyring on this machine", classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll"):
                yield DataStatic(
                    plain(
                        f"{self.reason}. okx-wizard never writes a secret in plaintext silently: "
                        "it keeps keys in an encrypted vault file (memory-hard key derivation, "
                        "authenticated encryption), unlocked by a password you choose. Scripts "
                        "pass it in OKX_WIZARD_VAULT_PASSWORD."
                    ),
                    classes="dialog-text",
                )
                yield Label("Vault password:")
                yield Field(password=True, id="vault-password")
                yield Label("The same again:", id="confirm-label")
                yield Field(password=True, id="vault-confirm")
                yield Label(f'Or type "{PLAINTEXT_CONSENT}" (not recommended: no encryption):')
                yield Field(id="plaintext-consent")
            yield DataStatic(id="vault-problem", classes="field-check")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        if self.unlock:
            self.query_one("#vault-confirm", Input).display = False
            self.query_one("#confirm-label", Label).display = False
        self.query_one("#vault-password", Input).focus()

    def action_reveal(self) -> None:
        for selector in ("#vault-password", "#vault-confirm"):
            field = self.query_one(selector, Input)
            field.password = not field.password

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "vault-password" and not self.unlock and event.value:
            self.query_one("#vault-confirm", Input).focus()
            return
        self.action_done()

    def problem(self) -> str:
        password = self.query_one("#vault-password", Input).value
        confirm = self.query_one("#vault-confirm", Input).value
        consent = self.query_one("#plaintext-consent", Input).value.strip().lower()
        if password:
            if len(password) < VAULT_MIN_LENGTH and not self.unlock:
                return f"Use at least {VAULT_MIN_LENGTH} characters for the vault password."
            if not self.unlock and password != confirm:
                return "The two passwords differ."
            return ""
        if consent == PLAINTEXT_CONSENT:
            return ""
        if consent:
            return f'Type exactly "{PLAINTEXT_CONSENT}", or choose a vault password.'
        return "Choose a vault password (or give plaintext consent)."

    def action_done(self) -> None:
        problem = self.problem()
        self._say(f"✗ {problem}" if problem else "")
        if problem:
            return
        ctx = self.wizard.workspace.ctx
        password = self.query_one("#vault-password", Input).value
        if not password:
            ctx.allow_insecure = True
            self._close()
            return
        self._say("… Opening the vault")
        self._open(Secret(password))

    @work(thread=True, exclusive=True)
    def _open(self, password: Secret) -> None:
        """Open the vault with ``password`` now, so a wrong one is said here, not later."""
        ws = self.wizard.workspace
        ws.ctx.vault_password = password
        try:
            ws.secrets()
        except WizardError as exc:
            ws.ctx.vault_password = None
            self.app.call_from_thread(self._say, f"✗ {exc.message}")
            return
        self.app.call_from_thread(self._close)

    def _say(self, text: str) -> None:
        self.query_one("#vault-problem", DataStatic).update(plain(text))

    def _close(self) -> None:
        for field in self.query(Input):
            field.value = ""
        self.dismiss(True)
