"""The first screen: looks at the store, profiles and drafts, then decides where to begin."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from okx_wizard.core.errors import WizardError
from okx_wizard.core.wizard_state import CAPTURE_STEP, WizardState

if TYPE_CHECKING:
    from okx_wizard.app import OkxWizardApp
    from okx_wizard.core.metadata import ProfileMeta
    from okx_wizard.core.secret_store import BackendStatus


def rotation_state(meta: ProfileMeta) -> WizardState:
    """A rotation reuses the profile's settings; only the key and passphrase are new."""
    intentions = meta.intentions
    return WizardState(
        mode="rotate",
        profile=meta.name,
        region=meta.region,
        demo=meta.demo,
        use_case=intentions.use_case,
        checklist={"2fa": True, "official_site": True},
        sub_account=intentions.sub_account,
        sub_account_name=intentions.sub_account_name,
        main_account_ack=not intentions.sub_account,
        withdraw=intentions.allow_withdraw,
        ip_text="\n".join(intentions.ip_whitelist),
        previous_key_hint=meta.api_key_hint,
        previous_key_label=meta.key_label,
    )


class LaunchScreen(Screen[None]):
    """Shown for a moment at start while the keyring and the profiles are looked at."""

    def compose(self) -> ComposeResult:
        # No footer: this screen is covered before the first frame, unless opening fails, and
        # then its text says how to quit. A footer here costs a visible part of the start-up.
        yield Static("okx-wizard — opening the profiles and the secret store…", id="launch")

    @property
    def wizard(self) -> OkxWizardApp:
        from okx_wizard.app import OkxWizardApp

        assert isinstance(self.app, OkxWizardApp)
        return self.app

    def on_mount(self) -> None:
        """Decide where to begin before the first frame: profiles are a small local file.

        The keyring probe (imports and D-Bus, ~0.2 s) is skipped when a vault password or
        plaintext consent already settles storage, answered at once when there is certainly no
        Secret Service, and otherwise runs in the background after the first screen is shown.
        """
        ws = self.wizard.workspace
        try:
            profiles = ws.profiles()
            drafts = ws.pending_names()
        except WizardError as exc:
            self._fail(exc.message)
            return
        if not self._vault_may_be_needed():
            self._remember(profiles)
            self._begin(profiles, drafts)
            return
        from okx_wizard.core.secret_store import known_backend_status

        known = known_backend_status()
        if known is not None:
            self._opened(known, profiles, drafts)
            return
        self._remember(profiles)
        self._begin(profiles, drafts)
        self._probe()

    def _vault_may_be_needed(self) -> bool:
        ctx = self.wizard.workspace.ctx
        return (
            ctx.vault_password is None
            and not ctx.allow_insecure
            and not os.environ.get("OKX_WIZARD_VAULT_PASSWORD")
        )

    def _remember(self, profiles: list[ProfileMeta]) -> None:
        self.wizard.profile_names = {p.name for p in profiles}
        self.wizard.profile_metas = {p.name: p for p in profiles}

    @work(thread=True, exclusive=True)
    def _probe(self) -> None:
        try:
            backend = self.wizard.workspace.backend_status()
        except WizardError as exc:
            self.app.call_from_thread(self.app.notify, exc.message, severity="error")
            return
        if not backend.secure:
            self.app.call_from_thread(self._ask_vault, backend)

    def _ask_vault(self, backend: BackendStatus) -> None:
        from okx_wizard.screens.vault import VaultScreen

        self.app.push_screen(VaultScreen(backend.reason, unlock=bool(self.wizard.profile_names)))

    def _fail(self, message: str) -> None:
        self.query_one("#launch", Static).update(f"✗ {message}\n\nPress ctrl+q to quit.")

    def _opened(
        self, backend: BackendStatus, profiles: list[ProfileMeta], drafts: list[str]
    ) -> None:
        self._remember(profiles)
        if not backend.secure and self._vault_may_be_needed():
            from okx_wizard.screens.vault import VaultScreen

            self.app.push_screen(
                VaultScreen(backend.reason, unlock=bool(profiles)),
                lambda _ok: self._begin(profiles, drafts),
            )
            return
        self._begin(profiles, drafts)

    def _begin(self, profiles: list[ProfileMeta], drafts: list[str]) -> None:
        app = self.wizard
        mode, name = app.launch_mode, app.launch_profile
        if mode == "rotate":
            meta = app.profile_metas.get(name or "")
            if meta is None:
                known = ", ".join(sorted(app.profile_names)) or "none yet"
                self._fail(f"No profile named {name!r} to rotate (profiles: {known}).")
                return
            if name in drafts:
                self._ask_resume(name, fallback=lambda: app.start_wizard(rotation_state(meta)))
                return
            app.start_wizard(rotation_state(meta))
            return
        if mode == "home" and profiles:
            app.show_home()
            if drafts:
                self._ask_resume(drafts[0], fallback=lambda: None)
            return
        if (name and name in drafts) or (not name and drafts):
            draft = name if name in drafts else drafts[0]
            self._ask_resume(draft or "", fallback=lambda: self._new_setup(name))
            return
        self._new_setup(name)

    def _new_setup(self, name: str | None) -> None:
        self.wizard.start_wizard(WizardState(profile=name or ""))

    # -- resume ------------------------------------------------------------------------------------
    def _ask_resume(self, name: str, fallback: Any) -> None:
        self._resume_lookup(name, fallback)

    @work(thread=True, exclusive=True, group="resume")
    def _resume_lookup(self, name: str, fallback: Any) -> None:
        try:
            found = self.wizard.workspace.pending(name)
        except WizardError as exc:
            self.app.call_from_thread(self.app.notify, exc.message, severity="error")
            self.app.call_from_thread(fallback)
            return
        if found is None:
            self.app.call_from_thread(fallback)
            return
        creds, draft = found
        self.app.call_from_thread(self._offer_resume, name, creds, draft, fallback)

    def _offer_resume(self, name: str, creds: Any, draft: dict[str, Any], fallback: Any) -> None:
        from okx_wizard.screens.modals import ResumeScreen

        state = WizardState.from_draft(draft)
        state.profile = state.profile or name

        def answer(resume: bool | None) -> None:
            if resume:
                state.set_credentials(creds)
                step = CAPTURE_STEP if creds is not None else min(state.step, CAPTURE_STEP - 1)
                self.wizard.start_wizard(state, max(step, state.first_step))
            else:
                self._discard(name)
                fallback()

        self.app.push_screen(
            ResumeScreen(name, has_key=creds is not None, rotate=state.mode == "rotate"), answer
        )

    @work(thread=True, group="resume")
    def _discard(self, name: str) -> None:
        try:
            self.wizard.workspace.discard_pending(name)
        except WizardError as exc:
            self.app.call_from_thread(self.app.notify, exc.message, severity="error")
