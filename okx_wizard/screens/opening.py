"""Where the wizard begins: a new setup's first step at once, or the launch screen to decide.

Kept apart from the launch screen so a first setup does not load it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from okx_wizard.core.errors import WizardError
from okx_wizard.core.wizard_state import WizardState

if TYPE_CHECKING:
    from textual.screen import Screen

    from okx_wizard.core.metadata import ProfileMeta
    from okx_wizard.screens.protocol import WizardHost


def opening_screen(app: WizardHost) -> Screen[None]:
    """The first screen: a new setup's first step at once when nothing comes before it.

    Otherwise a :class:`LaunchScreen`, which decides once mounted: the home screen, a rotation,
    a draft to resume, or the vault to open first. Profiles are a small local file, read here
    synchronously; the keyring probe (imports and D-Bus, ~0.2 s) is skipped when a vault
    password or plaintext consent settles storage, answered at once when there is certainly no
    Secret Service, and otherwise runs in the background after the first screen is shown.
    """
    ws = app.workspace
    try:
        profiles = ws.profiles()
        drafts = ws.pending_names()
    except WizardError as exc:
        return _launch_screen(failure=exc.message)
    vault_reason, probe = _storage(app)
    asks_first = _asks_first(app, profiles, drafts)
    if vault_reason is not None and not asks_first and app.simulator:
        from okx_wizard.screens.vault import vault_file_exists

        if not vault_file_exists(app):  # sample keys: the wizard first, the vault at capture
            app.defer_vault(vault_reason)
            vault_reason = None
    if vault_reason is not None or asks_first:
        return _launch_screen(profiles, drafts, vault_reason=vault_reason, probe=probe)
    app.remember_profiles(profiles)
    screen = app.first_step_screen(WizardState(profile=app.launch_profile or ""))
    if probe:
        app.call_later(app.probe_storage)
    return screen


def _storage(app: WizardHost) -> tuple[str | None, bool]:
    """Why the vault must be opened first (None: it need not), and whether to probe the keyring.

    Nothing to decide when a vault password or plaintext consent settles storage; the fast
    check answers when there is certainly no Secret Service (or certainly one); otherwise the
    keyring is probed in the background once the first screen is up.
    """
    if not _vault_may_be_needed(app):
        return None, False
    from okx_wizard.core.secret_store import known_backend_status

    known = known_backend_status()
    if known is None:
        return None, True
    return (None if known.secure else known.reason), False


def _asks_first(app: WizardHost, profiles: list[ProfileMeta], drafts: list[str]) -> bool:
    """Whether a screen comes before a new setup: a rotation, the home screen, a resume."""
    mode, name = app.launch_mode, app.launch_profile
    if mode == "rotate" or (mode == "home" and profiles):
        return True
    return bool((name and name in drafts) or (not name and drafts))


def _vault_may_be_needed(app: WizardHost) -> bool:
    """True unless a vault password or plaintext consent already settles where secrets go."""
    ctx = app.workspace.ctx
    return (
        ctx.vault_password is None
        and not ctx.allow_insecure
        and not os.environ.get("OKX_WIZARD_VAULT_PASSWORD")
    )


def _launch_screen(
    profiles: list[ProfileMeta] | None = None,
    drafts: list[str] | None = None,
    *,
    vault_reason: str | None = None,
    probe: bool = False,
    failure: str = "",
) -> Screen[None]:
    from okx_wizard.screens.launch import LaunchScreen

    return LaunchScreen(profiles, drafts, vault_reason=vault_reason, probe=probe, failure=failure)
