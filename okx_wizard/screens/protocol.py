"""What a screen may ask of the app: a small protocol, so no screen imports the app module.

Calls go down from the app to screens (it builds and shows them); a screen reaches up only
through :class:`WizardHost`, which ``okx_wizard.app.OkxWizardApp`` implements (mypy checks it
there). :class:`HostedScreen` gives every screen the one typed ``wizard`` accessor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

    from okx_wizard.core.api import Workspace
    from okx_wizard.core.metadata import ProfileMeta
    from okx_wizard.core.wizard_state import WizardState


class WizardHost(Protocol):
    """The app as the screens see it: the workspace, the one state object, and navigation."""

    workspace: Workspace
    state: WizardState
    profile_names: set[str]
    profile_metas: dict[str, ProfileMeta]
    home_below: bool  # the wizard was opened from the home screen: Back from its first step

    @property
    def launch_mode(self) -> str:
        """What the app was started for: ``home``, ``setup`` or ``rotate``."""
        ...

    @property
    def launch_profile(self) -> str | None:
        """The profile named on the command line, if any."""
        ...

    @property
    def simulator(self) -> bool:
        """The simulator realm (sample keys, local OKX) rather than the real one."""
        ...

    def first_step_screen(self, state: WizardState) -> Screen[None]:
        """A new setup's first step, to be the app's first screen."""
        ...

    def start_wizard(self, state: WizardState, step: str | None = None) -> None:
        """Begin or resume a setup or rotation at the step named ``step`` (default: its first)."""
        ...

    def show_step(self, name: str) -> None:
        """Show the step called ``name`` (a name of ``okx_wizard.screens.steps.STEPS``)."""
        ...

    def go_next(self) -> None:
        """On to the next step."""
        ...

    def at_first_step(self) -> bool:
        """The wizard shows the first step of its mode (setup: start; rotation: permissions)."""
        ...

    def go_back(self) -> None:
        """Back one step, or out of the wizard from its first step."""
        ...

    def leave_wizard(self) -> None:
        """Back to the home screen, or out when the wizard was started alone."""
        ...

    def show_home(self) -> None:
        """Show the home screen (the profiles)."""
        ...

    def remember_profiles(self, profiles: list[ProfileMeta]) -> None:
        """Keep the profiles just read, for the screens that list or check names."""
        ...

    def save_draft(self) -> None:
        """Save the answers (never a secret) so a re-run can resume."""
        ...

    def probe_storage(self) -> object:
        """Look for a secure keyring in the background; ask for a vault when there is none."""
        ...

    def defer_vault(self, reason: str) -> None:
        """Ask for the vault only when a key is about to be captured (simulator's first run)."""
        ...

    def copy_text(self, text: str, *, what: str, secret: bool = False) -> None:
        """Copy ``text`` to the clipboard (OSC 52 and locally) and say so."""
        ...

    def request_quit(self) -> None:
        """Quit, or ask first while captured credentials are not saved."""
        ...

    def call_later(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
        """Run ``callback`` once the current message is handled (Textual's ``call_later``)."""
        ...


class HostedScreen:
    """Mixin for screens: :attr:`wizard` is the running app, typed as a :class:`WizardHost`."""

    @property
    def wizard(self: Screen[Any]) -> WizardHost:  # type: ignore[misc]
        return host_of(self.app)


def host_of(app: App[Any]) -> WizardHost:
    """``app`` seen as a :class:`WizardHost` (the wizard's app is the only app these run in)."""
    return cast("WizardHost", app)
