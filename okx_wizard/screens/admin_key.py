"""Automatic path: the admin key that makes the new key (stored one, or asked for this once)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from okx_wizard.core.errors import WizardError
from okx_wizard.core.secret import Credentials
from okx_wizard.screens.admin_form import (
    AdminKeyForm,
    check_admin,
    refusal_text,
    sample_admin,
    stored_text,
)
from okx_wizard.screens.base import StepScreen
from okx_wizard.widgets.plain import DataStatic, plain

if TYPE_CHECKING:
    from okx_wizard.core.admin import Admin


class AdminKeyScreen(StepScreen):
    """Use the stored admin key, or ask for one and verify it before going on."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+t", "use_sample", "Fill sample"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._stored = False
        self._elsewhere = ""  # the stored admin key works on another site or environment
        self._busy = False

    def compose_body(self) -> ComposeResult:
        yield DataStatic(id="admin-stored", classes="hint")
        yield AdminKeyForm(id="admin-form")

    def load(self) -> None:
        from okx_wizard.core.admin import read_settings

        try:
            settings = read_settings(self.wizard.workspace)
        except WizardError as exc:
            settings = None
            self.query_one("#admin-stored", DataStatic).update(plain(f"! {exc.message}"))
        self._stored = settings is not None
        self.query_one("#admin-form").display = not self._stored
        self.query_one("#admin-stored").display = self._stored
        if settings is not None:
            self.query_one("#admin-stored", DataStatic).update(plain(stored_text(settings)))
            if (settings.region, settings.demo) != (self.state.region, self.state.demo):
                env = "demo" if settings.demo else "live"
                self._elsewhere = (
                    f"The stored admin key works on {settings.region} ({env}), not where this "
                    "profile goes: pick that on the Start step, or forget the stored key "
                    "(okx-wizard admin remove) and give the right one here."
                )

    def problems(self) -> list[str]:
        if self._elsewhere:
            return [self._elsewhere]
        if self._stored or self.state.admin is not None:
            return []
        problem = self.query_one(AdminKeyForm).problem()
        return [problem] if problem else []

    def go_on(self) -> None:
        """Verify the admin key (or load the stored one), then on to making the key."""
        if self._busy or self.refresh_problems():
            return
        if self._stored:
            self._use_stored()
            return
        form = self.query_one(AdminKeyForm)
        creds = form.credentials()
        admin = self.state.admin
        if admin is not None and (creds is None or creds == admin.credentials):
            self.wizard.go_next()
            return
        if creds is not None:
            self._verify(creds, keep=form.keep)

    @work(thread=True, exclusive=True, group="admin")
    def _use_stored(self) -> None:
        from okx_wizard.core.admin import load_admin

        try:
            admin = load_admin(self.wizard.workspace)
        except WizardError as exc:
            self.app.call_from_thread(self._problem_line, f"✗ {exc.message}")
            return
        self.app.call_from_thread(self._verified, admin)

    @work(exclusive=True, group="admin")
    async def _verify(self, creds: Credentials, *, keep: bool) -> None:
        form = self.query_one(AdminKeyForm)
        self._busy = True
        form.say("… Verifying the admin key with OKX")
        try:
            endpoint = self.wizard.workspace.endpoint(self.state.region, self.state.demo)
            admin, report = await check_admin(self.wizard.workspace, creds, endpoint, keep=keep)
        except WizardError as exc:
            form.say(f"✗ {exc.message}")
            return
        finally:
            self._busy = False
        if admin is None:
            form.say(refusal_text(report))
            return
        form.say(f"✓ Admin key {creds.hint} verified" + (" and kept." if keep else "."))
        self._verified(admin)

    def _verified(self, admin: Admin) -> None:
        self.state.admin = admin
        self.wizard.go_next()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "use_sample":
            return self.wizard.simulator and not self._stored
        return True

    def action_use_sample(self) -> None:
        """Simulator only: fill in the simulator's sample admin key."""
        if self.wizard.simulator and not self._stored:
            self.query_one(AdminKeyForm).fill(sample_admin())
