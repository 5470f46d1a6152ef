"""First-time setup, by keys, at 80x24, against the simulator: the happy path and every failure."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from okx_wizard.core.simulator import SAMPLE
from okx_wizard.core.wizard_state import WITHDRAW_CONFIRMATION
from okx_wizard.widgets.check_list import CheckList
from okx_wizard.widgets.error_panel import ErrorPanel
from tests.ui.conftest import (
    SIZE,
    Setup,
    capture,
    filled_state,
    full_setup,
    press,
    run_test_step,
    screen_name,
    start_at,
    text_of,
)


async def at_capture(pilot: Pilot[Any], setup: Setup) -> None:
    """Open the capture step with the answers of steps 0–4 for ``setup``. The way there by keys
    is walked by ``test_first_setup_verifies_and_saves_the_key``, and test_app_flow's
    ``test_filled_state_is_what_the_walk_leaves`` holds both ways to the same state."""
    await start_at(pilot, "capture", filled_state(setup))


async def at_permissions(pilot: Pilot[Any], setup: Setup) -> None:
    """Open the permissions step with the answers of steps 0–2 for ``setup`` (and its passphrase,
    so that the passphrase step lets Enter through)."""
    await start_at(pilot, "permissions", filled_state(setup))
    assert screen_name(pilot.app) == "PermissionsScreen"


async def test_first_setup_verifies_and_saves_the_key(make_app, workspace) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await full_setup(pilot, Setup())
        summary = text_of(app, "#saved-summary")
        assert "Profile 'bot' saved" in summary
        assert SAMPLE["good"].api_key[:4] in summary
        assert "okx-wizard --simulator exec bot -- python bot.py" in text_of(app, "#usage")
        assert not app.state.unsaved
        await press(pilot, "enter")
    meta = workspace.profile("bot")
    assert meta is not None and meta.simulator
    assert meta.intentions.sub_account_name == "trading2025"
    assert meta.intentions.ip_whitelist == ["203.0.113.7"]
    assert meta.key_label == SAMPLE["good"].label
    stored = workspace.credentials("bot")
    assert stored.api_key == SAMPLE["good"].api_key
    assert stored.secret_key.reveal() == SAMPLE["good"].secret_key
    assert workspace.pending_names() == []


async def test_every_check_row_turns_live(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await at_capture(pilot, Setup())
        await capture(pilot, Setup())
        await run_test_step(pilot)
        checks = app.screen.query_one(CheckList)
        statuses = {step: checks.status(step) for step in checks.rows if step != "previous"}
        assert set(statuses.values()) == {"ok"}, statuses
        assert app.state.report is not None and app.state.report.ok


async def test_wrong_secret_shows_code_cause_fix_and_edit_goes_back(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await at_capture(pilot, Setup())
        await capture(pilot, Setup(secret="0" * 32))
        await run_test_step(pilot)
        report = app.state.report
        assert report is not None and report.error is not None
        assert report.error.okx_code == "50113"
        panel = app.screen.query_one(ErrorPanel)
        assert panel.display
        assert "50113" in str(panel.border_title)
        assert app.screen.query_one(CheckList).status("signature") == "failed"
        # Retry runs the check again (same outcome).
        await press(pilot, "r")
        await run_test_step(pilot)
        assert app.state.report is not None and app.state.report.error is not None
        # Edit goes back to the capture step, with what was typed.
        await press(pilot, "e")
        assert screen_name(app) == "CaptureScreen"
        assert app.state.captured_api_key == SAMPLE["good"].api_key


async def test_wrong_region_offers_the_switch(make_app, workspace) -> None:
    app = make_app()
    setup = Setup(region_downs=1)  # EEA, but the key is a global one
    async with app.run_test(size=SIZE) as pilot:
        await at_capture(pilot, setup)
        assert app.state.region == "eea"
        await capture(pilot, setup)
        await run_test_step(pilot)
        report = app.state.report
        assert report is not None and report.error is not None
        assert report.error.kind == "region"
        assert "Global" in text_of(app, "#test-result") and "press s" in text_of(
            app, "#test-result"
        )
        await press(pilot, "s")
        await run_test_step(pilot)
        assert app.state.region == "global"
        assert app.state.report is not None and app.state.report.ok
        await press(pilot, "enter")
        assert screen_name(app) == "SavedScreen"
    meta = workspace.profile("bot")
    assert meta is not None and meta.region == "global"


async def test_wrong_region_edit_goes_back_to_start(make_app) -> None:
    app = make_app()
    setup = Setup(region_downs=1)
    async with app.run_test(size=SIZE) as pilot:
        await at_capture(pilot, setup)
        await capture(pilot, setup)
        await run_test_step(pilot)
        await press(pilot, "e")
        assert screen_name(app) == "StartScreen"


async def test_demo_key_on_live_profile_is_environment_error(make_app) -> None:
    app = make_app()
    setup = Setup(key=SAMPLE["demo"], passphrase=SAMPLE["demo"].passphrase, ips="")
    async with app.run_test(size=SIZE) as pilot:
        await at_capture(pilot, setup)
        await capture(pilot, setup)
        await run_test_step(pilot)
        report = app.state.report
        assert report is not None and report.error is not None
        assert report.error.kind == "environment"
        assert report.error.okx_code == "50101"
        assert "demo trading" in text_of(app, "#test-result")
        await press(pilot, "s")
        await run_test_step(pilot)
        assert app.state.demo is True
        assert app.state.report is not None and app.state.report.ok


async def test_withdraw_key_is_refused(make_app) -> None:
    app = make_app()
    setup = Setup(key=SAMPLE["withdraw"], passphrase=SAMPLE["withdraw"].passphrase)
    async with app.run_test(size=SIZE) as pilot:
        await at_capture(pilot, setup)
        await capture(pilot, setup)
        await run_test_step(pilot)
        report = app.state.report
        assert report is not None and report.error is not None
        assert report.error.kind == "permission"
        assert app.screen.query_one(CheckList).status("permissions") == "failed"
        assert "Withdraw" in str(app.screen.query_one("#error-cause").render())


async def test_withdraw_key_with_typed_confirmation_passes_with_warning(make_app) -> None:
    app = make_app()
    setup = Setup(key=SAMPLE["withdraw"], passphrase=SAMPLE["withdraw"].passphrase)
    async with app.run_test(size=SIZE) as pilot:
        # The confirmation is typed on the permissions step, by keys; then on to the capture step.
        await at_permissions(pilot, setup)
        await press(pilot, "tab", "tab", "space", "tab", *WITHDRAW_CONFIRMATION, "enter")
        assert screen_name(app) == "PassphraseScreen"
        await press(pilot, "enter")
        assert screen_name(app) == "CaptureScreen"
        assert app.state.intentions().allow_withdraw
        await capture(pilot, setup)
        await run_test_step(pilot)
        report = app.state.report
        assert report is not None and report.ok
        assert "permission-mismatch" in {w.code for w in report.warnings}
        assert app.screen.query_one(CheckList).status("permissions") == "warning"


async def test_withdraw_needs_the_exact_confirmation(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await at_permissions(pilot, Setup())
        await press(pilot, "tab", "tab", "space", "tab", *"yes", "enter")
        assert screen_name(app) == "PermissionsScreen"
        assert app.state.withdraw and not app.state.intentions().allow_withdraw
        assert "I accept withdraw risk" in text_of(app, ".step-problem")


async def test_ip_not_whitelisted_names_the_ip(make_app, sim) -> None:
    sim.public_ip = "198.51.100.23"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await at_capture(pilot, Setup())
        await capture(pilot, Setup())
        await run_test_step(pilot)
        report = app.state.report
        assert report is not None and report.error is not None
        assert report.error.kind == "ip"
        assert report.error.okx_code == "50110"
        assert "198.51.100.23" in str(app.screen.query_one("#error-cause").render())


async def test_clock_off_is_verified_with_a_warning(make_app, sim) -> None:
    sim.clock_offset_ms = 90_000
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await at_capture(pilot, Setup())
        await capture(pilot, Setup())
        await run_test_step(pilot)
        report = app.state.report
        assert report is not None and report.ok
        assert "clock-skew" in {w.code for w in report.warnings}
        assert app.screen.query_one(CheckList).status("reach") == "warning"
        assert "warning" in text_of(app, "#test-result")


async def test_read_only_use_case_with_trade_key_warns(make_app) -> None:
    app = make_app()
    setup = Setup(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await at_capture(pilot, setup)
        assert app.state.use_case == "read_only"
        await capture(pilot, setup)
        await run_test_step(pilot)
        report = app.state.report
        assert report is not None and report.ok
        assert "permission-mismatch" in {w.code for w in report.warnings}
