"""Home screen, automatic rotation: the admin key (stored, or asked for once), then live progress.

The job is the core's (``core.hands_free.HandsFree.rotate``): new key → verified → swapped in →
old key deleted on OKX → refused as unknown → erased here. The result says which keys exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from okx_wizard.core.errors import WizardError
from okx_wizard.screens.admin_form import AdminKeyForm, check_admin, refusal_text, sample_admin
from okx_wizard.screens.protocol import HostedScreen, host_of
from okx_wizard.widgets.plain import DataStatic, plain
from okx_wizard.widgets.progress_list import ProgressList

if TYPE_CHECKING:
    from okx_wizard.core.admin import Admin
    from okx_wizard.core.hands_free import KeyResult
    from okx_wizard.core.metadata import ProfileMeta
    from okx_wizard.core.secret import Credentials


class HomeLike(Protocol):
    """The home screen as the rotation sees it: its app, and a reload of the profiles."""

    @property
    def app(self) -> Any: ...

    def reload(self, *, clear: bool = False) -> None: ...


ROTATE_STEPS = (
    "old_key",
    "create",
    "verify",
    "modes",
    "swap",
    "cleanup",
    "delete_old",
    "old_refused",
    "erase",
)


def rotation_text(result: KeyResult) -> str:
    """What the rotation did, and which keys exist on OKX now (hints only)."""
    keys = ", ".join(result.keys_on_okx) or "none"
    if result.ok:
        head = (
            f"✓ Profile {result.profile!r} now uses key {result.new_key_hint}. The old key "
            f"{result.old_key_hint} was deleted on OKX and is refused."
        )
    elif result.error is not None:
        head = f"✗ {result.error.message}"
    else:
        head = "✗ The new key did not pass; the profile keeps its key."
    lines = [head, f"  Keys of sub-account {result.sub_account} on OKX: {keys}."]
    lines += [f"  {note}" for note in result.notes]
    return "\n".join(lines)


class AdminKeyModal(HostedScreen, ModalScreen["Admin | None"]):
    """Ask for the admin key once (verified as admin); Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "submit", "Verify"),
        Binding("ctrl+t", "use_sample", "Fill sample"),
    ]

    def __init__(self, meta: ProfileMeta) -> None:
        super().__init__()
        self.meta = meta

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static("Admin key for the automatic rotation", classes="dialog-title")
            yield AdminKeyForm(id="admin-form")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#admin-api-key").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a field: verify (the fields' own Enter binding posts this)."""
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        form = self.query_one(AdminKeyForm)
        creds = form.credentials()
        if creds is None:
            form.say(f"✗ {form.problem()}")
            return
        self._verify(creds, form.keep)

    @work(exclusive=True, group="admin")
    async def _verify(self, creds: Credentials, keep: bool) -> None:
        form = self.query_one(AdminKeyForm)
        form.say("… Verifying the admin key with OKX")
        ws = self.wizard.workspace
        try:
            endpoint = ws.endpoint(self.meta.region, self.meta.demo, self.meta.base_url)
            admin, report = await check_admin(ws, creds, endpoint, keep=keep)
        except WizardError as exc:
            form.say(f"✗ {exc.message}")
            return
        if admin is None:
            form.say(refusal_text(report))
            return
        self.dismiss(admin)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "use_sample":
            return self.wizard.simulator
        return True

    def action_use_sample(self) -> None:
        if self.wizard.simulator:
            self.query_one(AdminKeyForm).fill(sample_admin())

    def action_cancel(self) -> None:
        self.dismiss(None)


class AutoRotateScreen(HostedScreen, ModalScreen[bool]):
    """The rotation, step by step, live; Enter or Escape closes it once it is over."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape", "close", "Close"),
    ]

    def __init__(self, meta: ProfileMeta, admin: Admin | None) -> None:
        super().__init__()
        self.meta = meta
        self.admin = admin
        self.result: KeyResult | None = None
        self.running = True

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield DataStatic(
                plain(f"Automatic rotation of {self.meta.name}"), classes="dialog-title"
            )
            yield DataStatic(plain("… Working"), id="rotate-result", classes="result")
            yield ProgressList(ROTATE_STEPS, optional=("modes", "cleanup"), id="progress")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self._rotate()

    @work(exclusive=True, group="auto-rotate")
    async def _rotate(self) -> None:
        import asyncio

        from okx_wizard.core.admin import load_admin
        from okx_wizard.core.client import OkxClient
        from okx_wizard.core.hands_free import HandsFree
        from okx_wizard.core.metadata import utc_now
        from okx_wizard.core.subaccount import SubAccountApi

        ws = self.wizard.workspace
        progress = self.query_one("#progress", ProgressList)
        try:
            admin = self.admin
            if admin is None:
                admin = await asyncio.to_thread(load_admin, ws)
            async with OkxClient(admin.endpoint, timeout=ws.ctx.timeout) as client:
                job = HandsFree(ws, admin, SubAccountApi(client, admin.credentials))
                job.on_step = progress.set_status
                self.result = await job.rotate(self.meta.name, now=utc_now())
        except WizardError as exc:
            self._over(f"✗ {exc.message}\n  The profile keeps its key.")
            return
        self._over(rotation_text(self.result) + "\nPress Enter to close.")

    def _over(self, text: str) -> None:
        self.running = False
        self.query_one("#rotate-result", DataStatic).update(plain(text))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close":
            return not self.running
        return True

    def action_close(self) -> None:
        if not self.running:
            self.dismiss(self.result is not None and self.result.ok)


def start_auto_rotation(home: HomeLike, meta: ProfileMeta) -> None:
    """Rotate ``meta``'s key with the stored admin key, or with one asked for now."""
    from okx_wizard.core.admin import read_settings

    app = home.app

    def rotate(admin: Admin | None) -> None:
        app.push_screen(AutoRotateScreen(meta, admin), lambda _ok: home.reload())

    try:
        stored = read_settings(host_of(app).workspace) is not None
    except WizardError as exc:
        app.notify(exc.message, severity="error", markup=False)
        stored = False
    if stored:
        rotate(None)
        return

    def answered(admin: Admin | None) -> None:
        if admin is not None:
            rotate(admin)

    app.push_screen(AdminKeyModal(meta), answered)
