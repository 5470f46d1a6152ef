"""The automatic path (SPEC §9, issue #14 items 3 and 7): okx-wizard makes the key itself.

Walked by keys at 80x24 against the in-process simulator: no secret of the new key is typed,
pasted or shown; an admin key that cannot serve is refused with its reason; the admin key is
forgotten after use unless kept; the home screen rotates a key through OKX's API.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from okx_wizard.core.admin import ADMIN_ENTRY, read_settings
from okx_wizard.core.api import Workspace
from okx_wizard.core.simulator import SAMPLE, SimKey, Simulator
from okx_wizard.core.wizard_state import WizardState
from okx_wizard.screens import steps
from okx_wizard.widgets.secret_input import SecretInput
from okx_wizard.widgets.tick import Tick
from tests.ui.conftest import SIZE, paste, press, screen_name, settle, text_of, wait_until

SUB = "SimGood01"
IP = "203.0.113.7"


async def walk_to_admin_key(pilot: Pilot[Any], *, profile: str = "auto1") -> None:
    """Start → sub-account ("create the key for me") → permissions; ends on the admin key."""
    await settle(pilot)
    await press(pilot, *profile, "enter")
    await press(pilot, "space", "tab", "space", "enter")
    assert screen_name(pilot.app) == "SubAccountScreen"
    await press(pilot, "tab", *SUB, "tab", "down")
    assert "Step 3/7" in text_of(pilot.app, ".step-bar")  # the automatic path's length
    await press(pilot, "enter")
    assert screen_name(pilot.app) == "PermissionsScreen"
    await press(pilot, *IP, "enter")
    assert screen_name(pilot.app) == "AdminKeyScreen"


async def type_admin(pilot: Pilot[Any], key: SimKey) -> None:
    """Paste an admin key into the three fields, as a user would."""
    await paste(pilot, key.api_key)
    await press(pilot, "tab")
    await paste(pilot, key.secret_key)
    await press(pilot, "tab")
    await paste(pilot, key.passphrase)


async def wait_created(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await wait_until(
        pilot,
        lambda: screen_name(app) != "CreateKeyScreen" or not app.screen.running,  # type: ignore[attr-defined]
        "making the key",
    )


def sim_keys(sim: Simulator, sub: str = SUB) -> dict[str, SimKey]:
    return {k: v for k, v in sim.state.keys.items() if v.sub_account == sub}


async def test_automatic_path_by_keys_to_saved(make_app, workspace, sim: Simulator) -> None:
    before = set(sim_keys(sim))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_admin_key(pilot)
        await press(pilot, "ctrl+t", "enter")  # the simulator's sample admin key
        await settle(pilot)
        assert screen_name(app) == "CreateKeyScreen"
        await wait_created(pilot)
        result = text_of(app, "#create-result")
        assert "✓ Key" in result and "never shown" in result
        progress = app.screen.query_one("#progress")
        assert [progress.status(s) for s in ("create", "verify", "activate")] == ["ok"] * 3
        assert app.screen.query_one("#checks").status("permissions") == "ok"
        screens = [app.export_screenshot()]
        await press(pilot, "enter")
        await settle(pilot)
        assert screen_name(app) == "AutoSavedScreen"
        assert "Profile 'auto1' saved" in text_of(app, "#saved-summary")
        shown = " ".join(text_of(app, sel) for sel in ("#saved-summary", "#usage"))
        screens.append(app.export_screenshot())
        await press(pilot, "enter")
    made = set(sim_keys(sim)) - before
    assert len(made) == 1
    new = sim.state.keys[made.pop()]
    assert new.perm == "read_only,trade" and new.ip == IP  # least privilege, IP-bound
    meta = workspace.profile("auto1")
    assert meta is not None and meta.intentions.sub_account_name == SUB
    creds = workspace.credentials("auto1")
    assert creds.api_key == new.api_key
    assert creds.secret_key.reveal() == new.secret_key
    assert creds.passphrase.reveal() == new.passphrase
    for secret in (new.secret_key, new.passphrase, SAMPLE["admin"].secret_key):
        assert secret not in shown
        assert all(secret not in screen for screen in screens)
    assert new.api_key[:4] in shown  # the hint, which the screens do show
    assert read_settings(workspace) is None  # forgotten after use (the default)
    assert workspace.secrets().get(ADMIN_ENTRY, "active") is None


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("good", "key of a sub-account"),
        ("main", "not bound to any IP"),
        ("readonly", "Trade permission"),
        ("withdraw", "ithdraw"),
    ],
)
async def test_an_admin_key_that_cannot_serve_is_refused(
    make_app, workspace, name: str, reason: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_admin_key(pilot)
        await type_admin(pilot, SAMPLE[name])
        await press(pilot, "enter")
        await settle(pilot)
        assert screen_name(app) == "AdminKeyScreen"
        refusal = text_of(app, "#admin-result")
        assert "✗ Not usable as admin key" in refusal and reason in refusal
        assert "Fix:" in refusal
        assert app.state.admin is None
    assert workspace.profile("auto1") is None
    assert read_settings(workspace) is None


async def test_kept_admin_key_is_stored_and_used_next_time(make_app, workspace) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_admin_key(pilot)
        await press(pilot, "ctrl+t", "tab", "tab", "tab")
        assert isinstance(app.focused, Tick)
        await press(pilot, "space", "enter")
        await settle(pilot)
        await wait_created(pilot)
        assert app.state.saved
    settings = read_settings(workspace)
    assert settings is not None and settings.api_key_hint == "8023…9447"
    stored = workspace.secrets().get(ADMIN_ENTRY, "active")
    assert stored is not None and stored.api_key == SAMPLE["admin"].api_key
    # The next setup uses it: no field to fill, Enter goes on.
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_admin_key(pilot, profile="auto2")
        assert "stored admin key 8023…9447" in text_of(app, "#admin-stored")
        assert not app.screen.query_one("#admin-form").display
        await press(pilot, "enter")
        await settle(pilot)
        await wait_created(pilot)
        assert "✓ Key" in text_of(app, "#create-result")
    assert workspace.profile("auto2") is not None


async def test_back_keeps_the_automatic_path_and_the_manual_one_comes_back(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_admin_key(pilot)
        await press(pilot, "escape")
        assert screen_name(app) == "PermissionsScreen"
        await press(pilot, "escape")
        assert screen_name(app) == "SubAccountScreen"
        assert app.screen.query_one("#key-source").selected == 1
        # Back to the manual path: the passphrase and capture steps come back.
        await press(pilot, "tab", "tab", "up")
        assert "Step 3/8" in text_of(app, ".step-bar")
        await press(pilot, "enter", "enter")
        assert screen_name(app) == "PassphraseScreen"
        assert not app.screen.query(SecretInput).filter("#admin-api-key")


async def test_a_missing_sub_account_is_offered_and_created(
    make_app, workspace, sim: Simulator
) -> None:
    state = WizardState(
        profile="fresh",
        checklist={"2fa": True, "official_site": True},
        sub_account_name="NewSub2026",
        key_source="auto",
        ip_text=IP,
        key_label="fresh20250115",
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.start_wizard(state, "admin_key")
        await settle(pilot)
        await press(pilot, "ctrl+t", "enter")
        await wait_created(pilot)
        assert "Press n to create sub-account NewSub2026" in text_of(app, "#create-result")
        await press(pilot, "n")
        await wait_created(pilot)
        assert app.screen.query_one("#progress").status("sub_account") == "ok"
        assert "✓ Key" in text_of(app, "#create-result")
    assert sim_keys(sim, "NewSub2026")
    assert workspace.profile("fresh") is not None


async def test_the_vault_is_asked_for_before_the_admin_key(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OKX_WIZARD_VAULT_PASSWORD")
    state = WizardState(
        profile="auto1",
        checklist={"2fa": True, "official_site": True},
        sub_account_name=SUB,
        key_source="auto",
        ip_text=IP,
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "StartScreen"  # not a password demand first
        app.start_wizard(state, "permissions")
        await settle(pilot)
        await press(pilot, "enter")
        assert screen_name(app) == "VaultScreen"
        assert steps.after("setup", "permissions", app.state) == "admin_key"


# -- home: automatic rotation ----------------------------------------------------------------
async def make_profile(workspace: Workspace, name: str, *, keep_admin: bool) -> str:
    """A profile made through the core's create (as the wizard does); the new key's hint."""
    from okx_wizard.core.admin import save_admin, verify_admin
    from okx_wizard.core.client import OkxClient
    from okx_wizard.core.hands_free import HandsFree
    from okx_wizard.core.metadata import utc_now
    from okx_wizard.core.subaccount import SubAccountApi
    from okx_wizard.screens.admin_form import sample_admin

    creds = sample_admin()
    endpoint = workspace.endpoint("global", False)
    report = await verify_admin(workspace, creds, endpoint)
    assert report.ok, report.error
    if keep_admin:
        save_admin(workspace, creds, report)
    from okx_wizard.core.admin import Admin

    admin = Admin(creds, report.endpoint)
    async with OkxClient(endpoint, timeout=10) as client:
        api = SubAccountApi(client, creds)
        made = await HandsFree(workspace, admin, api).create(
            name, sub_account=SUB, ips=[IP], now=utc_now()
        )
    assert made.ok, made.error or made.report
    return made.new_key_hint


def footer_keys(app: Any) -> set[str]:
    return {b.key for (_, b, enabled, _) in app.screen.active_bindings.values() if enabled}


async def test_home_rotates_a_key_with_the_stored_admin_key(
    make_app, workspace, sim: Simulator
) -> None:
    old_hint = await make_profile(workspace, "bot", keep_admin=True)
    old_key = workspace.credentials("bot").api_key
    app = make_app(mode="home")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "HomeScreen"
        assert "a" in footer_keys(app)
        await press(pilot, "a")
        assert screen_name(app) == "AutoRotateScreen"
        await wait_until(pilot, lambda: not app.screen.running, "the rotation")
        result = text_of(app, "#rotate-result")
        assert f"old key {old_hint} was deleted on OKX and is refused" in result
        progress = app.screen.query_one("#progress")
        for step in ("create", "verify", "swap", "delete_old", "old_refused", "erase"):
            assert progress.status(step) == "ok", step
        await press(pilot, "enter")
        assert screen_name(app) == "HomeScreen"
    assert old_key not in sim.state.keys
    new = workspace.credentials("bot")
    assert new.api_key != old_key and new.api_key in sim.state.keys
    meta = workspace.profile("bot")
    assert meta is not None and meta.previous_key_hint is None


async def test_home_asks_for_an_admin_key_when_none_is_stored(
    make_app, workspace, sim: Simulator
) -> None:
    await make_profile(workspace, "bot", keep_admin=False)
    old_key = workspace.credentials("bot").api_key
    app = make_app(mode="home")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "a")
        assert screen_name(app) == "AdminKeyModal"
        await type_admin(pilot, SAMPLE["good"])  # a sub-account key: refused
        await press(pilot, "enter")
        await settle(pilot)
        assert screen_name(app) == "AdminKeyModal"
        assert "key of a sub-account" in text_of(app, "#admin-result")
        await press(pilot, "ctrl+t", "enter")
        await settle(pilot)
        assert screen_name(app) == "AutoRotateScreen"
        await wait_until(pilot, lambda: not app.screen.running, "the rotation")
        assert "deleted on OKX and is refused" in text_of(app, "#rotate-result")
    assert old_key not in sim.state.keys
    assert read_settings(workspace) is None  # used once, not kept


async def test_auto_rotate_is_offered_only_where_the_sub_account_is_known(
    make_app, workspace
) -> None:
    await make_profile(workspace, "bot", keep_admin=True)
    meta = workspace.profile("bot")
    assert meta is not None
    meta.intentions.sub_account_name = ""
    workspace.meta.save(meta)
    app = make_app(mode="home")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "a" not in footer_keys(app)
        await press(pilot, "a")
        assert screen_name(app) == "HomeScreen"


async def test_a_stored_admin_key_of_another_site_is_not_used(make_app, workspace) -> None:
    from okx_wizard.core.admin import save_admin, verify_admin
    from okx_wizard.screens.admin_form import sample_admin

    creds = sample_admin()
    report = await verify_admin(workspace, creds, workspace.endpoint("global", False))
    save_admin(workspace, creds, report)
    state = WizardState(
        profile="eeabot",
        region="eea",
        checklist={"2fa": True, "official_site": True},
        sub_account_name=SUB,
        key_source="auto",
        ip_text=IP,
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.start_wizard(state, "admin_key")
        await settle(pilot)
        await press(pilot, "enter")
        assert screen_name(app) == "AdminKeyScreen"
        assert "works on global (live), not where this profile goes" in text_of(
            app, ".step-problem"
        )
    assert workspace.profile("eeabot") is None


async def test_the_permissions_step_says_okx_wizard_makes_the_key(make_app) -> None:
    """On the automatic path there is no OKX form to fill and no Withdraw to choose."""
    state = WizardState(
        profile="auto1",
        checklist={"2fa": True, "official_site": True},
        sub_account_name=SUB,
        key_source="auto",
        ip_text=IP,
        key_label="auto120250115",
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.start_wizard(state, "permissions")
        await settle(pilot)
        assert "through OKX's API" in text_of(app, "#form-path")
        assert "generated, stored, never shown" in text_of(app, "#form-values")
        assert not app.screen.query_one("#withdraw", Tick).display
