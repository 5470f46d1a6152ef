"""The launch screen: decides where to begin when something comes before a new setup."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.screen import Screen

from okx_wizard.core.errors import WizardError
from okx_wizard.core.wizard_state import WizardState
from okx_wizard.screens import steps
from okx_wizard.screens.protocol import HostedScreen
from okx_wizard.widgets.plain import DataStatic, plain, visible

if TYPE_CHECKING:
    from okx_wizard.core.metadata import ProfileMeta


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


class LaunchScreen(HostedScreen, Screen[None]):
    """Shown for a moment at start when something must be decided before the first screen."""

    def __init__(
        self,
        profiles: list[ProfileMeta] | None = None,
        drafts: list[str] | None = None,
        *,
        vault_reason: str | None = None,
        probe: bool = False,
        failure: str = "",
    ) -> None:
        super().__init__()
        self._profiles = profiles or []
        self._drafts = drafts or []
        self._vault_reason = vault_reason
        self._probe = probe
        self._failure = failure

    def compose(self) -> ComposeResult:
        # No footer: this screen is covered before the first frame, unless opening fails, and
        # then its text says how to quit. A footer here costs a visible part of the start-up.
        yield DataStatic(
            plain("okx-wizard — opening the profiles and the secret store…"), id="launch"
        )

    def on_mount(self) -> None:
        """Go on from what :func:`opening_screen` read and decided, before the first frame."""
        if self._failure:
            self._fail(self._failure)
            return
        profiles, drafts = self._profiles, self._drafts
        self.wizard.remember_profiles(profiles)
        if self._vault_reason is not None:
            from okx_wizard.screens.vault import VaultScreen

            self.app.push_screen(
                VaultScreen(self._vault_reason),
                lambda _ok: self._begin(profiles, drafts),
            )
        else:
            self._begin(profiles, drafts)
        if self._probe:
            self.wizard.probe_storage()

    def _fail(self, message: str) -> None:
        self.query_one("#launch", DataStatic).update(plain(f"✗ {message}\n\nPress ctrl+q to quit."))

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
            self.app.call_from_thread(
                self.app.notify, visible(exc.message), severity="error", markup=False
            )
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
        state.step = saved_at = steps.draft_step(draft)

        def answer(resume: bool | None) -> None:
            if resume:
                state.set_credentials(creds)
                step = steps.resume_step(state.mode, saved_at, has_key=creds is not None)
                self.wizard.start_wizard(state, step)
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
            self.app.call_from_thread(
                self.app.notify, visible(exc.message), severity="error", markup=False
            )
