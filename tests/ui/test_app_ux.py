"""Day one as a newcomer lives it (issue #11): paths around the happy path, at 80x24, by keys."""

from __future__ import annotations

import asyncio
from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import Button, Input

from okx_wizard.app import OkxWizardApp
from okx_wizard.core.simulator import SAMPLE
from okx_wizard.widgets.choice_list import ChoiceList
from okx_wizard.widgets.error_panel import ErrorPanel
from okx_wizard.widgets.secret_input import SecretInput
from tests.ui.conftest import (
    SIZE,
    press,
    run_test_step,
    screen_name,
    settle,
    text_of,
)
from tests.ui.test_app_snapshots import answered, captured, seed_profile


async def open_step(pilot: Pilot[Any], step: str, state: Any) -> OkxWizardApp:
    app = pilot.app
    assert isinstance(app, OkxWizardApp)
    await settle(pilot)
    app.start_wizard(state, step)
    await settle(pilot)
    return app


async def test_leaving_capture_before_the_pending_save_does_not_crash(make_app, workspace) -> None:
    """Back from the test step, a new secret pasted, Enter at once: the timer must not crash."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, "test_connection", captured(secret="0" * 32))
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
            await settle(pilot)
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
        await open_step(
            pilot, "test_connection", captured(region="eea")
        )  # a global key tried at EEA
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
        await open_step(
            pilot, "test_connection", captured(secret="0" * 32)
        )  # 50113: the secret is wrong
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


async def test_rotating_to_the_same_key_is_refused(make_app, workspace) -> None:
    await asyncio.to_thread(seed_profile, workspace)
    app = make_app(mode="rotate", profile="bot")
    async with app.run_test(size=SIZE) as pilot:
        await open_step(
            pilot, "test_connection", captured(mode="rotate")
        )  # the key "bot" already holds
        await run_test_step(pilot)
        report = app.state.report
        assert report is not None and report.error is not None
        assert "the key you are replacing" in report.error.cause
        assert "✗" in text_of(app, "#test-result")
        await press(pilot, "enter")
        assert screen_name(app) == "TestConnectionScreen"  # nothing to save
    assert workspace.credentials("bot").api_key == SAMPLE["good"].api_key


async def test_region_fix_is_said_in_keys_not_cli_flags(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, "test_connection", captured(region="eea"))
        await run_test_step(pilot)
        panel = app.screen.query_one(ErrorPanel)
        words = text_of(app, "#error-cause") + text_of(app, "#error-fix")
        assert panel.display
        assert "--region" not in words and "--demo" not in words
        assert "Press s" in words and "Global" in words
        rows = " ".join(str(d.render()) for d in app.screen.query(".check-detail"))
        assert "belongs to the Global site" in rows and "--region" not in rows


async def test_the_sample_fits_the_chosen_region_and_environment(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, "capture", answered(region="eea"))
        sample = text_of(app, "#sample")
        assert SAMPLE["eea"].api_key in sample and "'eea': EEA, live" in sample
        assert "step 4" not in sample and "python -m" not in sample
        assert "demo" in sample  # the others are listed in the app
        await press(pilot, "ctrl+n")
        assert SAMPLE["eea"].api_key not in text_of(app, "#sample")
        shown = next(k for k in SAMPLE.values() if k.api_key in text_of(app, "#sample"))
        await press(pilot, "ctrl+t")
        assert app.screen.query_one("#api-key", SecretInput).value == shown.api_key
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, "capture", answered(demo=True))
        assert SAMPLE["demo"].api_key in text_of(app, "#sample")


async def test_notices_do_not_follow_to_the_next_step(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, "permissions", answered())
        await press(pilot, "ctrl+o")
        assert any("Copied" in n.message for n in app._notifications)
        await press(pilot, "enter")
        assert screen_name(app) == "PassphraseScreen"
        assert not list(app._notifications)


async def test_the_passphrase_step_says_why_it_is_typed_three_times(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, "passphrase", answered())
        hints = " ".join(str(s.render()) for s in app.screen.query(".hint"))
        assert "twice" in hints and "once more" in hints
        await press(pilot, "enter")
        await open_step(pilot, "capture", answered())
        assert "checked against the one you chose" in text_of(app, ".hint")


async def test_a_confirmed_withdraw_is_not_also_never_withdraw(make_app) -> None:
    from okx_wizard.core.wizard_state import WITHDRAW_CONFIRMATION

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        state = answered(withdraw=True, withdraw_confirmation=WITHDRAW_CONFIRMATION)
        await open_step(pilot, "permissions", state)
        form = text_of(app, "#form-values")
        assert "Withdraw (you confirmed it)" in form and "never Withdraw" not in form


async def test_home_footer_drops_profile_keys_when_none_is_left(make_app, workspace) -> None:
    await asyncio.to_thread(seed_profile, workspace)
    app = make_app(mode="home")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "HomeScreen"
        assert {"r", "c", "d"} <= set(footer_keys(app))
        await press(pilot, "d")
        dialog = " ".join(str(s.render()) for s in app.screen.query(".dialog-text"))
        assert "does not delete the key on OKX" in dialog
        await press(pilot, "y")
        await settle(pilot)
        assert workspace.profile("bot") is None
        keys = footer_keys(app)
        assert "n" in keys and not {"r", "c", "d"} & set(keys)


def test_remove_dialog_names_a_previous_key_still_live() -> None:
    from okx_wizard.screens.modals import ConfirmRemoveScreen

    dialog = ConfirmRemoveScreen("bot", "a8fa…2d82", "55b2…e9a8")
    assert "55b2…e9a8" in dialog.text and "still work on OKX" in dialog.text
    assert "*" not in dialog.text


async def test_permissions_show_the_whole_form_at_80x24_and_say_more_below_at_60x20(
    make_app,
) -> None:
    from textual.widgets import Static

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, "permissions", answered(ip_text=""))
        box = app.screen.query_one("#form-values", Static)
        body = app.screen.query_one(".step-body")
        assert box.region.bottom <= body.region.bottom  # every row of the summary is on screen
        assert "account/my-api" in text_of(app, "#form-path")
        assert "Create API key" in text_of(app, "#form-path")
        assert "trading2025" in text_of(app, "#form-path")
        assert not app.screen.query_one("#more-below").display
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await open_step(pilot, "permissions", answered(ip_text=""))
        more = app.screen.query_one("#more-below", Static)
        assert more.display and "More below" in str(more.render())
        for _ in range(6):  # Tab reaches the scroll area; the outline marks it
            if app.focused is app.screen.query_one(".step-body"):
                break
            await press(pilot, "tab")
        assert app.focused is app.screen.query_one(".step-body")
        await press(pilot, "end")
        assert not more.display


async def test_typing_on_the_sub_account_step_lands_in_the_name_field(make_app) -> None:
    """Found by a new user: focus began on the choice, so a typed name (and the passphrase
    typed after it) went into the wrong fields."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, "sub_account", answered(sub_account_name=""))
        await press(pilot, *"tradebot01")
        assert app.screen.query_one("#sub-name", Input).value == "tradebot01"


async def test_escape_on_a_resumed_first_step_does_what_the_footer_says(make_app) -> None:
    """With nothing but the wizard below, Escape on its first step quits: the footer says Quit."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_step(pilot, "start", answered())
        assert app.screen_stack[0] is not app.screen  # resumed over the first screen
        assert footer_keys(app)["escape"] == "Quit"
        await press(pilot, "escape")
        assert app.return_code == 0  # quit, as the footer said (nothing captured: no question)
