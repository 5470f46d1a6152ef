"""Day one as a newcomer lives it (issue #11): paths around the happy path, at 80x24, by keys."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import Button, Input

from okx_wizard.app import OkxWizardApp
from okx_wizard.core.simulator import SAMPLE
from okx_wizard.widgets.choice_list import ChoiceList
from okx_wizard.widgets.secret_input import SecretInput
from tests.ui.conftest import (
    SIZE,
    press,
    run_test_step,
    screen_name,
    settle,
)
from tests.ui.test_app_snapshots import captured


async def open_step(pilot: Pilot[Any], step: int, state: Any) -> OkxWizardApp:
    app = pilot.app
    assert isinstance(app, OkxWizardApp)
    await settle(pilot)
    app.start_wizard(state, step)
    await settle(pilot, 0.1)
    return app


async def test_leaving_capture_before_the_pending_save_does_not_crash(make_app, workspace) -> None:
    """Back from the test step, a new secret pasted, Enter at once: the timer must not crash."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, 6, captured(secret="0" * 32))
        await run_test_step(pilot)
        await press(pilot, "escape")
        assert screen_name(app) == "CaptureScreen"
        await press(pilot, "tab")
        assert app.focused is not None and app.focused.id == "secret-key"
        field = app.focused
        assert isinstance(field, SecretInput)
        field.value = ""
        old_screen = app.screen
        # Paste and Enter in the same breath: no settling in between.
        field.post_message(events.Paste(SAMPLE["good"].secret_key))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert screen_name(app) == "TestConnectionScreen"
        await run_test_step(pilot)
        # The save that was due when the step was left still happens (nothing is lost) ...
        for _ in range(100):
            if app.state.pending_saved:
                break
            await settle(pilot, 0.02)
        assert app.state.pending_saved
        # ... and nothing crashed: the app still runs and shows the verified key.
        assert app.is_running and app.return_code is None
        assert app.state.report is not None and app.state.report.ok
        pending = workspace.pending("bot")
        assert pending is not None and pending[0] is not None
        assert pending[0].secret_key.reveal() == SAMPLE["good"].secret_key
        # A timer or worker answering late, once its step is gone, changes nothing on screen.
        old_screen._status("late")  # type: ignore[attr-defined]
        old_screen._keep_pending()  # type: ignore[attr-defined]
        await settle(pilot)
        assert app.is_running and screen_name(app) == "TestConnectionScreen"


async def test_edit_after_a_region_failure_lands_on_the_region(make_app) -> None:
    """The button says where it goes; the next typing cannot rename the profile."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, 6, captured(region="eea"))  # a global key tried at EEA
        await run_test_step(pilot)
        assert app.state.report is not None and app.state.report.error is not None
        assert app.state.report.error.kind == "region"
        button = app.screen.query_one("#error-edit", Button)
        assert "Change region" in str(button.label)
        await press(pilot, "e")
        assert screen_name(app) == "StartScreen"
        assert app.focused is app.screen.query_one("#region", ChoiceList)
        await press(pilot, *SAMPLE["good"].api_key[:8])  # a stray paste lands nowhere harmful
        assert app.screen.query_one("#profile", Input).value == "bot"
        await press(pilot, "up")
        assert app.state.region == "global"


async def test_edit_after_an_auth_failure_lands_on_the_failing_value(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, 6, captured(secret="0" * 32))  # 50113: the secret is wrong
        await run_test_step(pilot)
        button = app.screen.query_one("#error-edit", Button)
        assert "secret key" in str(button.label)
        await press(pilot, "e")
        assert screen_name(app) == "CaptureScreen"
        assert app.focused is app.screen.query_one("#secret-key", SecretInput)


def footer_keys(app: OkxWizardApp) -> dict[str, str]:
    """What the footer offers: key → words."""
    return {
        binding.key: binding.description
        for (_, binding, enabled, _) in app.active_bindings.values()
        if enabled and binding.show
    }


async def test_escape_on_the_first_step_says_quit(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "StartScreen"
        assert footer_keys(app)["escape"] == "Quit"
        await press(pilot, *"bot", "enter")
        assert footer_keys(app)["escape"] == "Back"
        await press(pilot, "escape")
        assert screen_name(app) == "StartScreen"
        assert footer_keys(app)["escape"] == "Quit"
        await press(pilot, "escape")
        assert app.return_code == 0  # quit (nothing captured: no question)
