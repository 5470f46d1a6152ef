"""The automatic path (SPEC §9, issue #14): okx-wizard makes the key with an admin key.

Walked by keys at 80x24 against the in-process simulator: no secret of the new key is typed,
pasted or shown; the admin key is refused when it cannot serve, forgotten unless kept.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from okx_wizard.core.admin import read_settings
from okx_wizard.core.simulator import SAMPLE, Simulator
from okx_wizard.widgets.secret_input import SecretInput
from tests.ui.conftest import SIZE, press, screen_name, settle, text_of

SUB = "SimGood01"


async def walk_to_admin_key(pilot: Pilot[Any], *, profile: str = "auto1") -> None:
    """Steps start → sub-account (automatic chosen) → permissions; ends on the admin key."""
    await settle(pilot)
    await press(pilot, *profile, "enter")
    await press(pilot, "space", "tab", "space", "enter")
    assert screen_name(pilot.app) == "SubAccountScreen"
    await press(pilot, "tab", *SUB, "tab", "down", "enter")
    assert screen_name(pilot.app) == "PermissionsScreen"
    await press(pilot, *"203.0.113.7", "enter")
    assert screen_name(pilot.app) == "AdminKeyScreen"


async def wait_created(pilot: Pilot[Any]) -> None:
    """Until the create step has a result (or an error)."""
    for _ in range(300):
        await settle(pilot, 0.02)
        screen = pilot.app.screen
        if screen_name(pilot.app) != "CreateKeyScreen" or not screen.running:  # type: ignore[attr-defined]
            return
    raise AssertionError("the key was not made")


async def test_automatic_path_by_keys_to_saved(make_app, workspace, sim: Simulator) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_admin_key(pilot)
        await press(pilot, "ctrl+t", "enter")
        await settle(pilot, 0.2)
        assert screen_name(app) == "CreateKeyScreen"
        await wait_created(pilot)
        assert "✓ Key" in text_of(app, "#create-result")
        await press(pilot, "enter")
        await settle(pilot, 0.2)
        assert screen_name(app) == "AutoSavedScreen"
        summary = text_of(app, "#saved-summary")
        assert "saved" in summary
    meta = workspace.profile("auto1")
    assert meta is not None
    assert meta.intentions.sub_account_name == SUB
    creds = workspace.credentials("auto1")
    assert creds.hint == meta.api_key_hint
    assert creds.api_key not in {k.api_key for k in SAMPLE.values()}
    assert read_settings(workspace) is None  # the admin key was forgotten after use
