"""Asked when no secure system keyring exists: a vault password, or consent to plaintext.

Unlock or create is decided by the vault file: one that exists (even holding only a pending
key) is unlocked, never created again. Plaintext consent sits behind its own key (ctrl+t), out
of the Tab order, so a password typed after a Tab never lands in a field that shows it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from okx_wizard.core.errors import WizardError
from okx_wizard.core.secret import Secret
from okx_wizard.screens.base import Field, shown
from okx_wizard.screens.protocol import HostedScreen, WizardHost
from okx_wizard.widgets.plain import DataStatic, plain

PLAINTEXT_CONSENT = "store my keys in plaintext"
VAULT_MIN_LENGTH = 10


def vault_file_exists(host: WizardHost) -> bool:
    """Whether this realm's vault file exists (then it is unlocked, not created)."""
    from okx_wizard.core.vault import default_vault_path

    return default_vault_path(simulator=host.workspace.ctx.simulator).exists()


class VaultScreen(HostedScreen, ModalScreen[bool]):
    """No secure keyring here (typical over SSH): unlock or create the encrypted vault."""

    DEFAULT_CSS = """
    VaultScreen > #vault-dialog {
        width: 78;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    VaultScreen #vault-scroll { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reveal", "Show/hide"),
        Binding("ctrl+t", "plaintext", "Plaintext instead"),
        Binding("ctrl+q", "app.quit", "Quit"),
    ]

    def __init__(self, reason: str, *, unlock: bool | None = None) -> None:
        """``unlock`` None: decided by whether the vault file exists (the usual case)."""
        super().__init__()
        self.reason = reason
        self._unlock = unlock

    @property
    def unlock(self) -> bool:
        if self._unlock is None:
            self._unlock = vault_file_exists(self.wizard)
        return self._unlock

    def compose(self) -> ComposeResult:
        unlock = self.unlock
        with Vertical(id="vault-dialog"):
            title = "Unlock the vault" if unlock else "No secure keyring on this machine"
            yield Static(title, classes="dialog-title")
            with VerticalScroll(id="vault-scroll"):
                yield DataStatic(
                    plain(
                        f"{self.reason}. okx-wizard never writes a secret in plaintext silently: "
                        "it keeps keys in an encrypted vault file (memory-hard key derivation, "
                        "authenticated encryption), unlocked by a password you choose. Scripts "
                        "pass it in OKX_WIZARD_VAULT_PASSWORD."
                    ),
                    classes="dialog-text",
                )
                if unlock:
                    yield Label("Password of the existing vault:")
                else:
                    yield Label(
                        f"Choose a vault password (at least {VAULT_MIN_LENGTH} characters):"
                    )
                yield Field(password=True, id="vault-password")
                yield Label("The same again:", id="confirm-label")
                yield Field(password=True, id="vault-confirm")
                yield Static(
                    "Or ctrl+t: keep keys in plaintext instead (not recommended).",
                    id="plaintext-hint",
                    classes="hint",
                )
                with Vertical(id="plaintext-fields"):
                    yield Label(f'Type "{PLAINTEXT_CONSENT}" (no encryption at all):')
                    yield Field(id="plaintext-consent")
            yield DataStatic(id="vault-problem", classes="field-check")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        if self.unlock:
            self.query_one("#vault-confirm", Input).display = False
            self.query_one("#confirm-label", Label).display = False
        self.query_one("#plaintext-fields").display = False
        self.query_one("#vault-password", Input).focus()

    def on_resize(self, event: events.Resize) -> None:
        """Fit any terminal: the text scrolls, the title and the problem line stay in view."""
        scroll = self.query_one("#vault-scroll")
        scroll.styles.max_height = max(3, event.size.height - 5)  # border, title, problem, footer

    def action_plaintext(self) -> None:
        """Show the plaintext-consent field (kept out of the Tab order until asked for)."""
        self.query_one("#plaintext-hint").display = False
        self.query_one("#plaintext-fields").display = True
        self.query_one("#plaintext-consent", Input).focus()

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
        consent_field = self.query_one("#plaintext-consent", Input)
        consent = consent_field.value.strip().lower() if shown(consent_field) else ""
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
        if self.unlock:
            return "Type the vault's password (or ctrl+t for plaintext)."
        return "Choose a vault password (or ctrl+t for plaintext)."

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
