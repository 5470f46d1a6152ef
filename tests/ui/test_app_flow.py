"""Moving around: Back keeps what was typed, quitting asks first, resume, rotation, home."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

from okx_wizard.app import OkxWizardApp
from okx_wizard.core.api import Context, Workspace
from okx_wizard.core.secret import Secret
from okx_wizard.core.simulator import SAMPLE
from okx_wizard.core.wizard_state import WITHDRAW_CONFIRMATION
from okx_wizard.widgets.check_list import CheckList
from okx_wizard.widgets.choice_list import ChoiceList
from okx_wizard.widgets.secret_input import SecretInput
from okx_wizard.widgets.tick import Tick
from tests.ui.conftest import (
    SIZE,
    Setup,
    capture,
    filled_state,
    paste,
    press,
    run_test_step,
    screen_name,
    seed_profile,
    settle,
    start_at,
    text_of,
    wait_until,
    walk_to_capture,
)
from tests.ui.test_vault_dialog import on_to_the_capture


@pytest.mark.parametrize(
    "setup",
    [
        Setup(),
        Setup(
            profile="tracker1",
            region_downs=2,
            demo=True,
            read_only=True,
            sub_account="watcher2025",
            ips="198.51.100.0/24, 203.0.113.9",
            withdraw_confirmation=WITHDRAW_CONFIRMATION,
            passphrase="Other:Pass2024x",
        ),
    ],
    ids=["defaults", "every-answer-changed"],
)
async def test_filled_state_is_what_the_walk_leaves(make_app, setup: Setup) -> None:
    """Steps 0–4 by keys leave exactly the state ``filled_state`` builds, so the tests that
    ``start_at`` a later step start where a user would be."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_capture(pilot, setup)
        walked = app.state
    built = filled_state(setup)
    assert {**walked.to_draft(), "step": None} == {**built.to_draft(), "step": None}
    assert walked.passphrase == built.passphrase == Secret(setup.passphrase)
    assert walked.passphrase_confirm == built.passphrase_confirm
    assert not walked.has_captured and not built.has_captured


async def test_back_keeps_every_answer(make_app) -> None:
    app = make_app()
    setup = Setup(region_downs=2, read_only=True, ips="203.0.113.7 198.51.100.0/24")
    async with app.run_test(size=SIZE) as pilot:
        await walk_to_capture(pilot, setup)
        await paste(pilot, SAMPLE["good"].api_key)
        # Back through every step to the start.
        for expected in (
            "PassphraseScreen",
            "PermissionsScreen",
            "SubAccountScreen",
            "BeforeYouStartScreen",
            "StartScreen",
        ):
            await press(pilot, "escape")
            assert screen_name(app) == expected
        screen = app.screen
        assert screen.query_one("#profile", Input).value == "bot"
        assert screen.query_one("#region", ChoiceList).selected == 2
        assert screen.query_one("#use-case", ChoiceList).selected == 1
        # And forward again: each step shows what was typed.
        await press(pilot, "enter")
        assert app.screen.query_one("#item-2fa", Tick).value
        assert app.screen.query_one("#item-official_site", Tick).value
        await press(pilot, "enter")
        assert app.screen.query_one("#sub-name", Input).value == "trading2025"
        await press(pilot, "enter")
        assert app.screen.query_one("#ips", Input).value == setup.ips
        await press(pilot, "enter")
        assert app.screen.query_one("#passphrase", SecretInput).value == setup.passphrase
        assert app.screen.query_one("#passphrase-confirm", SecretInput).value == setup.passphrase
        await press(pilot, "enter")  # both fields are filled: Enter goes on
        assert screen_name(app) == "CaptureScreen"
        assert app.screen.query_one("#api-key", SecretInput).value == SAMPLE["good"].api_key


async def test_required_checklist_items_gate_next(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, *"bot", "enter")
        await press(pilot, "enter")
        assert screen_name(app) == "BeforeYouStartScreen"
        assert "2FA" in text_of(app, ".step-problem")
        await press(pilot, "space", "enter")
        assert screen_name(app) == "BeforeYouStartScreen"
        assert "official site" in text_of(app, ".step-problem") or "site" in text_of(
            app, ".step-problem"
        )
        await press(pilot, "tab", "space", "enter")
        assert screen_name(app) == "SubAccountScreen"


async def test_bad_names_stop_next(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, *"my bot", "enter")
        assert screen_name(app) == "StartScreen"
        assert "Profile names" in text_of(app, ".step-problem")
        await press(pilot, "backspace", "backspace", "backspace", "backspace", "enter")
        assert screen_name(app) == "BeforeYouStartScreen"
        await press(pilot, "space", "tab", "space", "enter")
        await press(pilot, "tab", *"abc", "enter")  # too short for OKX
        assert screen_name(app) == "SubAccountScreen"
        assert "6–20" in text_of(app, ".step-problem")


async def test_main_account_needs_an_explicit_ack(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, *"bot", "enter")
        await press(pilot, "space", "tab", "space", "enter")
        await press(pilot, "down")  # "Use my main account"
        assert "main account can reach everything" in text_of(app, "#main-fields .warning")
        await press(pilot, "enter")
        assert screen_name(app) == "SubAccountScreen"
        await press(pilot, "tab", "space", "enter")
        assert screen_name(app) == "PermissionsScreen"
        assert app.state.sub_account is False


async def test_quit_asks_while_a_captured_key_is_unsaved(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_at(pilot, "capture", filled_state())
        await paste(pilot, SAMPLE["good"].api_key)
        await press(pilot, "ctrl+q")
        assert screen_name(app) == "QuitScreen"
        assert "not saved anywhere" in text_of(app, ".dialog-text")
        await press(pilot, "n")
        assert screen_name(app) == "CaptureScreen"
        assert app.return_code is None
        await press(pilot, "ctrl+q", "ctrl+q")  # asked again; ctrl+q there quits
        assert app.return_code == 0


async def test_quit_without_a_captured_key_does_not_ask(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, *"bot")
        await press(pilot, "ctrl+q")
        assert app.return_code == 0
        assert not app.screen.is_modal


async def test_resume_after_quitting_at_capture(make_app, workspace) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_at(pilot, "capture", filled_state())
        for value in (SAMPLE["good"].api_key, SAMPLE["good"].secret_key):
            await paste(pilot, value)
            await press(pilot, "tab")
        await paste(pilot, SAMPLE["good"].passphrase)
        await wait_until(pilot, lambda: app.state.pending_saved, "the key kept as pending")
        await settle(pilot)
        assert "Kept as pending" in text_of(app, "#pending-status")
        await press(pilot, "ctrl+q")
        assert screen_name(app) == "QuitScreen"
        assert "pending" in text_of(app, ".dialog-text")
        await press(pilot, "y")
    assert workspace.pending_names() == ["bot"]
    # A re-run offers to resume, lands on the capture step with the key, and finishes.
    app = make_app(mode="home")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "ResumeScreen"
        await press(pilot, "r")
        assert screen_name(app) == "CaptureScreen"
        assert app.state.captured_api_key == SAMPLE["good"].api_key
        assert app.state.sub_account_name == "trading2025"
        await press(pilot, "enter")
        if screen_name(app) == "CaptureScreen":
            await press(pilot, "enter")
        await run_test_step(pilot)
        assert app.state.report is not None and app.state.report.ok
        await press(pilot, "enter")
        assert screen_name(app) == "SavedScreen"
    assert workspace.profile("bot") is not None
    assert workspace.pending_names() == []


async def test_discard_forgets_the_pending_key(make_app, workspace) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_at(pilot, "capture", filled_state())
        await press(pilot, "escape")
        assert screen_name(app) == "PassphraseScreen"
    assert workspace.pending_names() == ["bot"]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "ResumeScreen"
        await press(pilot, "d")
        assert screen_name(app) == "StartScreen"
        assert app.state.profile == ""
    assert workspace.pending_names() == []


async def test_rotation_needs_a_new_passphrase_and_tracks_the_old_key(
    make_app, workspace, sim
) -> None:
    await seed_profile(workspace)
    rotated = SAMPLE["rotated"]
    app = make_app(mode="rotate", profile="bot")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "PermissionsScreen"
        assert app.state.mode == "rotate"
        assert app.screen.query_one("#ips", Input).value == "203.0.113.7"
        await press(pilot, "enter")
        assert screen_name(app) == "PassphraseScreen"
        old = SAMPLE["good"].passphrase
        await paste(pilot, old)
        await press(pilot, "tab")
        await paste(pilot, old)
        await press(pilot, "enter")
        assert screen_name(app) == "PassphraseScreen"
        assert "new passphrase" in text_of(app, ".step-problem")
        for selector in ("#passphrase", "#passphrase-confirm"):
            app.screen.query_one(selector, SecretInput).value = ""
        app.screen.query_one("#passphrase", SecretInput).focus()
        await settle(pilot)
        await paste(pilot, rotated.passphrase)
        await press(pilot, "tab")
        await paste(pilot, rotated.passphrase)
        await press(pilot, "enter")
        assert screen_name(app) == "CaptureScreen"
        await capture(pilot, Setup(key=rotated))
        await run_test_step(pilot)
        report = app.state.report
        assert report is not None and report.ok
        assert report.previous_key_active is True
        assert app.screen.query_one(CheckList).status("previous") == "warning"
        await press(pilot, "enter")
        assert screen_name(app) == "SavedScreen"
        rotation = text_of(app, "#rotation")
        assert SAMPLE["good"].api_key[:4] in rotation and "delete the OLD key" in rotation
        # The user deletes the old key on OKX, then checks.
        sim.delete_key(SAMPLE["good"].api_key)
        await press(pilot, "c")
        await settle(pilot)
        assert "no longer works" in text_of(app, "#rotation")
    assert workspace.credentials("bot").api_key == rotated.api_key
    meta = workspace.profile("bot")
    assert meta is not None and meta.previous_key_hint is None


async def test_home_lists_checks_and_removes(make_app, workspace) -> None:
    await seed_profile(workspace)
    app = make_app(mode="home")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "HomeScreen"
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        row = [str(cell) for cell in table.get_row("bot")]  # cells are Text: data, not markup
        assert row[:4] == [
            "bot",
            "global",
            "live",
            SAMPLE["good"].api_key[:4] + "…" + SAMPLE["good"].api_key[-4:],
        ]
        assert row[4] == "0 d"
        await press(pilot, "c")
        await settle(pilot)
        assert "the key works" in text_of(app, "#home-detail")
        assert str(table.get_row("bot")[5]).startswith("✓ ok")
        await press(pilot, "d")
        assert screen_name(app) == "ConfirmRemoveScreen"
        await press(pilot, "n")
        assert workspace.profile("bot") is not None
        await press(pilot, "d", "y")
        await settle(pilot)
        assert table.row_count == 0
    assert workspace.profile("bot") is None


async def test_home_new_and_escape_back(make_app, workspace) -> None:
    await seed_profile(workspace)
    app = make_app(mode="home")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        assert screen_name(app) == "StartScreen"
        await press(pilot, *"bot", "enter")
        assert "exists" in text_of(app, ".step-problem")
        await press(pilot, "escape")
        assert screen_name(app) == "HomeScreen"


async def test_vault_password_is_asked_when_no_keyring(make_app, monkeypatch) -> None:
    monkeypatch.delenv("OKX_WIZARD_VAULT_PASSWORD")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await on_to_the_capture(pilot)  # the simulator asks before the capture, not first
        await paste(pilot, "short")
        await press(pilot, "enter")
        await press(pilot, "enter")
        assert "at least" in text_of(app, "#vault-problem")
        app.screen.query_one("#vault-password", Input).value = ""
        app.screen.query_one("#vault-password", Input).focus()
        await settle(pilot)
        await paste(pilot, "a long vault password")
        await press(pilot, "enter")
        await paste(pilot, "a long vault password")
        await press(pilot, "enter")
        assert screen_name(app) == "CaptureScreen"
        assert app.workspace.ctx.vault_password == Secret("a long vault password")
        assert not app.workspace.ctx.allow_insecure


async def test_a_wrong_vault_password_is_said_at_once(workspace, monkeypatch, sim) -> None:
    await seed_profile(workspace)  # the vault now exists, with the test password
    monkeypatch.delenv("OKX_WIZARD_VAULT_PASSWORD")
    app = OkxWizardApp(Workspace(Context(simulator=True, hosts=dict(sim.urls))), mode="home")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "VaultScreen"
        assert not app.screen.query_one("#vault-confirm", Input).display  # unlocking
        await paste(pilot, "not the password")
        await press(pilot, "enter")
        await settle(pilot)
        assert screen_name(app) == "VaultScreen"
        assert "✗" in text_of(app, "#vault-problem")
        assert app.workspace.ctx.vault_password is None


async def test_vault_screen_plaintext_needs_typed_consent(make_app, monkeypatch) -> None:
    monkeypatch.delenv("OKX_WIZARD_VAULT_PASSWORD")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await on_to_the_capture(pilot)
        await press(pilot, "ctrl+t")  # the consent field is out of the Tab order until asked for
        await paste(pilot, "sure")
        await press(pilot, "enter")
        assert screen_name(app) == "VaultScreen"
        app.screen.query_one("#plaintext-consent", Input).value = "store my keys in plaintext"
        await press(pilot, "enter")
        assert screen_name(app) == "CaptureScreen"
        assert app.workspace.ctx.allow_insecure
        assert app.workspace.ctx.vault_password is None


async def test_enter_in_an_empty_field_stays_there(make_app) -> None:
    """Enter on an empty passphrase must not carry the next typing into the confirm field."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "b", "o", "t", "enter")
        await press(pilot, "space", "tab", "space", "enter")
        await press(pilot, "tab", *"trading2025", "enter")
        await press(pilot, *"203.0.113.7", "enter")
        assert screen_name(app) == "PassphraseScreen"
        await press(pilot, "enter")
        assert screen_name(app) == "PassphraseScreen"
        first = app.screen.query_one("#passphrase", SecretInput)
        assert app.focused is first
        await press(pilot, *"Good#Sim2024")
        assert first.value == "Good#Sim2024"
        assert app.screen.query_one("#passphrase-confirm", SecretInput).value == ""
