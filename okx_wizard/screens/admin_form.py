"""The admin key asked for in the TUI: three masked fields, verified as an admin key, kept or not.

Shared by the wizard's admin-key step and the home screen's automatic rotation. The rules (main
account, Read + Trade, IP-bound, no Withdraw) are the core's (``core.admin.verify_admin``).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from okx_wizard.core.secret import Credentials, Secret
from okx_wizard.core.validation import check_api_key, check_secret_key, strip_paste_artifacts
from okx_wizard.widgets.plain import DataStatic, plain
from okx_wizard.widgets.secret_input import SecretField, SecretInput
from okx_wizard.widgets.tick import Tick

if TYPE_CHECKING:
    from okx_wizard.core.admin import Admin, AdminSettings
    from okx_wizard.core.api import Workspace
    from okx_wizard.core.models import Endpoint, Report

ADMIN_HELP = (
    "A key of your MAIN account that may manage sub-account keys: Read + Trade, bound to "
    "this machine's IP, never Withdraw. Create it on OKX's API page while logged in to the "
    "main account. It is used for this key only, unless you keep it below."
)
KEEP_LABEL = "Keep this admin key for later rotations"


def stored_text(settings: AdminSettings) -> str:
    """What the stored admin key is, without any secret."""
    env = "demo" if settings.demo else "live"
    return (
        f"✓ Using the stored admin key {settings.api_key_hint} ({settings.region}, {env}, "
        f"{settings.storage} store). Press Enter to go on; `okx-wizard admin remove` forgets it."
    )


def refusal_text(report: Report) -> str:
    """Why a key cannot serve as admin key, cause and fix on their own lines."""
    error = report.error
    if error is None:
        return ""
    code = f" (OKX {error.okx_code})" if error.okx_code else ""
    return f"✗ Not usable as admin key{code}: {error.cause}\n  Fix: {error.fix}".rstrip()


class AdminKeyForm(Vertical):
    """API key, secret key and passphrase of the admin key (masked), and "keep it" (off)."""

    DEFAULT_CSS = """
    AdminKeyForm { height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Static(ADMIN_HELP, classes="hint")
        fields = (
            SecretField(id="admin-api-key", check=check_api_key),
            SecretField(id="admin-secret-key", check=check_secret_key),
            SecretField(id="admin-passphrase", cleaner=strip_paste_artifacts),
        )
        titles = ("Admin API key", "Admin secret key", "Admin passphrase")
        for field, title in zip(fields, titles, strict=True):
            field.border_title = title
            yield field
        yield Tick(KEEP_LABEL, id="admin-keep")
        yield DataStatic(id="admin-result", classes="field-check")

    @property
    def keep(self) -> bool:
        return self.query_one("#admin-keep", Tick).value

    def credentials(self) -> Credentials | None:
        """The three values, once each is there and the two keys have their format."""
        api_key = self.query_one("#admin-api-key", SecretInput).value.strip()
        secret = self.query_one("#admin-secret-key", SecretInput).secret
        passphrase = self.query_one("#admin-passphrase", SecretInput).secret
        if check_api_key(api_key).blocking or not secret or not passphrase:
            return None
        if check_secret_key(secret.reveal()).blocking:
            return None
        return Credentials(api_key, secret, passphrase)

    def problem(self) -> str:
        """What is missing, or "" when the three values are there."""
        if self.credentials() is None:
            return "Fill in the admin key's API key, secret key and passphrase (ctrl+r reveals)."
        return ""

    def fill(self, creds: Credentials) -> None:
        """Put ``creds`` in the fields (the simulator's sample admin key)."""
        self.query_one("#admin-api-key", SecretInput).value = creds.api_key
        self.query_one("#admin-secret-key", SecretInput).value = creds.secret_key.reveal()
        self.query_one("#admin-passphrase", SecretInput).value = creds.passphrase.reveal()

    def say(self, text: str) -> None:
        self.query_one("#admin-result", DataStatic).update(plain(text))


def sample_admin() -> Credentials:
    """The simulator's sample admin key (a main-account key of the simulator, not a real one)."""
    from okx_wizard.core.simulator import SAMPLE

    key = SAMPLE["admin"]
    return Credentials(key.api_key, Secret(key.secret_key), Secret(key.passphrase))


async def check_admin(
    ws: Workspace, creds: Credentials, endpoint: Endpoint, *, keep: bool
) -> tuple[Admin | None, Report]:
    """Verify ``creds`` as admin key; store it only when ``keep`` and it passed."""
    from okx_wizard.core.admin import Admin, save_admin, verify_admin

    report = await verify_admin(ws, creds, endpoint)
    if not report.ok:
        return None, report
    if keep:
        await asyncio.to_thread(save_admin, ws, creds, report)
    return Admin(creds, report.endpoint), report
