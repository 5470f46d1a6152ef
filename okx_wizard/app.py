"""The Textual app: its keys, the step sequence, and the safety rules for a secrets-handling TUI.

Screens gather input and show results (okx_wizard/screens); the rules live in okx_wizard/core.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from textual import work
from textual.app import App, SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.screen import Screen

from okx_wizard.core.errors import WizardError
from okx_wizard.core.secret import Secret
from okx_wizard.core.wizard_state import WizardState
from okx_wizard.screens import steps
from okx_wizard.widgets.plain import visible

if TYPE_CHECKING:
    from okx_wizard.core.api import Workspace
    from okx_wizard.core.metadata import ProfileMeta
    from okx_wizard.screens.base import StepScreen
    from okx_wizard.screens.protocol import WizardHost


def step_screen(name: str) -> StepScreen:
    """A fresh screen for the wizard step ``name`` (it loads itself from the state object).

    Only that step's module is imported, so start-up does not pay for the later steps (the
    strength meter, the QR code, the check list).
    """
    import importlib

    step = steps.step_named(name)
    screen_class: type[StepScreen] = getattr(importlib.import_module(step.module), step.screen)
    screen = screen_class()
    screen.step_name = step.name
    return screen


class OkxWizardApp(App[int]):
    """okx-wizard's terminal UI: home, first-time setup and key rotation."""

    CSS_PATH = "app.tcss"
    TITLE = "okx-wizard"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", show=True, priority=True),
        Binding("ctrl+l", "clear_clipboard", "Clear clipboard", show=True),
    ]

    def __init__(
        self,
        workspace: Workspace,
        *,
        mode: Literal["home", "setup", "rotate"] = "home",
        profile: str | None = None,
        ready_hook: Callable[[OkxWizardApp], None] | None = None,
    ) -> None:
        super().__init__()
        self._ready_hook = ready_hook
        self.workspace = workspace
        self.launch_mode = mode
        self.launch_profile = profile
        self.state = WizardState()
        self.clipboard_has_secret = False
        self._copied_secret: Secret | None = None
        self.profile_names: set[str] = set()
        self.profile_metas: dict[str, ProfileMeta] = {}
        self._draft_name = ""
        self.home_below = False
        self._deferred_vault: str | None = None

    def on_ready(self) -> None:
        """The first frame is on screen: run the hook given by the entry point (signals)."""
        if self._ready_hook is not None:
            self._ready_hook(self)

    @property
    def simulator(self) -> bool:
        return self.workspace.ctx.simulator

    # -- styles ----------------------------------------------------------------------------------
    def load_all_styles(self) -> None:
        """Add the styles of the screens after the first step (once; app.tcss has the rest).

        Parsed here, not at start, so the first paint does not pay for screens it does not show.
        Only the new file is parsed: the stylesheet keeps the others' rules.
        """
        path = Path(__file__).with_name("screens.tcss")
        if self.stylesheet.has_source(str(path)):
            return
        self.stylesheet.read(path)
        self.stylesheet.parse()
        self.stylesheet.update(self)
        for screen in self.screen_stack:
            self.stylesheet.update(screen)

    def push_screen(self, *args: Any, **kwargs: Any) -> Any:
        self.load_all_styles()
        return super().push_screen(*args, **kwargs)

    def switch_screen(self, screen: Screen[Any] | str) -> AwaitComplete:
        self.load_all_styles()
        return super().switch_screen(screen)

    def get_default_screen(self) -> Screen[None]:
        from okx_wizard.screens.opening import opening_screen

        return opening_screen(self)

    @work(thread=True, exclusive=True, group="storage-probe")
    def probe_storage(self) -> None:
        """Look for a secure keyring in the background; ask for a vault when there is none."""
        try:
            backend = self.workspace.backend_status()
        except WizardError as exc:
            self.call_from_thread(self.notify, visible(exc.message), severity="error", markup=False)
            return
        if not backend.secure:
            self.call_from_thread(self._ask_vault, backend.reason)

    def _ask_vault(self, reason: str) -> None:
        from okx_wizard.screens.vault import VaultScreen, vault_file_exists

        if (
            self.simulator
            and not vault_file_exists(self)
            and steps.comes_before(self.state.step or steps.first(self.state.mode), steps.CAPTURE)
        ):
            self.defer_vault(reason)
            return
        self.push_screen(VaultScreen(reason))

    def defer_vault(self, reason: str) -> None:
        """Ask for the vault only when a key is about to be captured (the simulator's first run).

        Someone trying the tool with ``--simulator`` meets the wizard first, not a password
        demand; nothing is stored before the capture step, and from there on only in the store
        the user chose (the vault, or plaintext with typed consent), as for a real key.
        """
        self._deferred_vault = reason

    # -- the step sequence -----------------------------------------------------------------------
    def start_wizard(self, state: WizardState, step: str | None = None) -> None:
        """Begin (or resume) a setup or rotation with ``state`` at the step named ``step``."""
        self.push_screen(
            self._begin_wizard(state, step, home_below=self._screen_is_home(self.screen))
        )

    def first_step_screen(self, state: WizardState) -> Screen[None]:
        """The first step of a new setup as the app's first screen (nothing below it)."""
        return self._begin_wizard(state, None, home_below=False)

    def _begin_wizard(
        self, state: WizardState, step: str | None, *, home_below: bool
    ) -> Screen[None]:
        self.state = state
        past_first = steps.is_past_first(state.mode, state.step, state)
        self._draft_name = state.profile if past_first else ""
        self.home_below = home_below
        named = steps.first(state.mode, state) if step is None else steps.step_named(step).name
        self.state.step = named
        return step_screen(self.state.step)

    def show_step(self, name: str) -> None:
        """Replace the current step with the step ``name``; the draft is saved on the way."""
        if name in steps.STORING and self._deferred_vault is not None:
            from okx_wizard.screens.vault import VaultScreen

            reason, self._deferred_vault = self._deferred_vault, None
            self.push_screen(VaultScreen(reason), lambda _opened: self.show_step(name))
            return
        self.state.step = steps.step_named(name).name
        self.save_draft()
        self.switch_screen(step_screen(name))

    def go_next(self) -> None:
        """On to the next step of the setup or rotation (the registry's order)."""
        following = steps.after(self.state.mode, self.state.step, self.state)
        if following is not None:
            self.show_step(following)

    def at_first_step(self) -> bool:
        return self.state.step == steps.first(self.state.mode)

    def go_back(self) -> None:
        """Back one step; from the first, out of the wizard (home, or quit when started alone)."""
        previous = steps.before(self.state.mode, self.state.step, self.state)
        if previous is not None:
            self.show_step(previous)
            return
        if self.home_below:
            self.leave_wizard()
        else:
            self.request_quit()

    def leave_wizard(self) -> None:
        """Back to the home screen (or out, when the wizard was started directly)."""
        if not self.home_below:
            self.exit(0)
            return
        self.state = WizardState()
        self.pop_screen()
        from okx_wizard.screens.home import HomeScreen

        if isinstance(self.screen, HomeScreen):
            self.screen.reload(clear=True)

    def remember_profiles(self, profiles: list[ProfileMeta]) -> None:
        """Keep the profiles just read, for the screens that list or check names."""
        self.profile_names = {p.name for p in profiles}
        self.profile_metas = {p.name: p for p in profiles}

    def show_home(self) -> None:
        from okx_wizard.screens.home import HomeScreen

        self.push_screen(HomeScreen())

    @staticmethod
    def _screen_is_home(screen: Screen[object]) -> bool:
        # Not loaded means not shown: a first setup does not pay for the home screen's import.
        home = sys.modules.get("okx_wizard.screens.home")
        return home is not None and isinstance(screen, home.HomeScreen)

    # -- drafts (no secrets) ---------------------------------------------------------------------
    def save_draft(self) -> None:
        """Keep the answers so a re-run can resume, once the profile has a name."""
        state = self.state
        if not state.profile or state.saved:
            return
        self._write_draft(state.profile, state.to_draft(), self._draft_name)
        self._draft_name = state.profile

    @work(thread=True, group="draft", exclusive=False)
    def _write_draft(self, name: str, draft: dict[str, object], old_name: str) -> None:
        ws = self.workspace
        if old_name and old_name != name and ws.profile(old_name) is None:
            ws.discard_pending(old_name)
        ws.save_draft(name, draft)

    # -- quitting --------------------------------------------------------------------------------
    async def action_quit(self) -> None:
        """Quit; first ask when captured credentials are not yet saved."""
        self.request_quit()

    def request_quit(self) -> None:
        """Exit now, or ask first while captured credentials are not saved."""
        if not self.state.unsaved:
            self.exit(0)
            return
        from okx_wizard.screens.modals import QuitScreen

        if isinstance(self.screen, QuitScreen):
            self.exit(0)
            return

        def answer(quit_now: bool | None) -> None:
            if quit_now:
                self.exit(0)

        self.push_screen(QuitScreen(pending=self.state.pending_saved), answer)

    # -- clipboard -------------------------------------------------------------------------------
    def copy_text(self, text: str, *, what: str, secret: bool = False) -> None:
        """Copy ``text`` by OSC 52 (works over SSH) and pyperclip when available; never needed."""
        self.copy_to_clipboard(text)
        if not self.is_headless:
            self._copy_local(text)
        self.clipboard_has_secret = secret
        self._copied_secret = Secret(text) if secret else None
        self.refresh_bindings()
        tail = " Press ctrl+l to clear the clipboard when done." if secret else ""
        self.notify(f"Copied {what}.{tail}", timeout=6 if secret else 3)

    def action_clear_clipboard(self) -> None:
        self.copy_to_clipboard("")
        if not self.is_headless:
            self._copy_local("")
        self.forget_copied_secret()
        self.clipboard_has_secret = False
        self.refresh_bindings()
        self.notify("Clipboard cleared.")

    def exit(self, *args: Any, **kwargs: Any) -> None:
        """Quit; a secret copied to tmux's paste buffers does not outlive the app."""
        self.forget_copied_secret()
        super().exit(*args, **kwargs)

    def forget_copied_secret(self) -> None:
        """Delete tmux's paste buffers that hold the copied secret (OSC 52 fills one per copy).

        Clearing the terminal's clipboard with an empty OSC 52 leaves tmux's earlier buffer.
        """
        copied, self._copied_secret = self._copied_secret, None
        if copied is not None:
            from okx_wizard.core.tmux_clipboard import forget_tmux_copies

            forget_tmux_copies(copied)

    @work(thread=True, group="clipboard")
    def _copy_local(self, text: str) -> None:
        try:
            import pyperclip

            pyperclip.copy(text)
        except Exception:  # noqa: S110 - no local clipboard (SSH, no X): OSC 52 already went out
            pass

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_clipboard":
            return self.clipboard_has_secret
        return True

    # -- safety ----------------------------------------------------------------------------------
    def secrets_in_memory(self) -> list[str]:
        """Every secret value the app holds, to scrub from a crash report."""
        state = self.state
        values = [
            state.passphrase,
            state.passphrase_confirm,
            state.captured_secret,
            state.captured_passphrase,
        ]
        if state.admin is not None:
            values += [state.admin.credentials.secret_key, state.admin.credentials.passphrase]
        found = [v.reveal() for v in values if v]
        if state.captured_api_key:
            found.append(state.captured_api_key)
        return [v for v in found if len(v) >= 4]

    def _fatal_error(self) -> None:
        """Exit after an unexpected error: a traceback without local variables or secrets."""
        self.bell()
        from okx_wizard.screens.crash import render_crash

        self._exit_renderables.append(render_crash(self.console, self.secrets_in_memory()))
        self._close_messages_no_wait()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette's commands, without "Screenshot": it could capture a revealed secret."""
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot":
                yield command

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Disabled: a screenshot could capture a revealed secret."""
        self.notify("Screenshots are disabled in okx-wizard: they could capture secrets.")

    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        """Disabled for the same reason as :meth:`action_screenshot`."""
        self.action_screenshot()
        return None


if TYPE_CHECKING:

    def _is_a_wizard_host(app: OkxWizardApp) -> WizardHost:
        return app  # mypy proves here that the app implements what the screens may ask of it


__all__ = ["OkxWizardApp", "step_screen"]
