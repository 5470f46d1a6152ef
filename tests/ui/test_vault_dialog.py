"""The vault dialog: unlock or create by the vault file, the rule said up front, a password
never typed into a field that shows it, ^q in its footer, and it fits 60x20 (issue #11 item 6);
with ``--simulator`` and no vault yet it comes when a key is about to be captured, not first
(issue #11 item 7)."""

from __future__ import annotations

import pytest
from textual.widgets import Footer, Input
from textual.widgets._footer import FooterKey

from okx_wizard.core.secret import Credentials, Secret
from okx_wizard.core.simulator import SAMPLE
from okx_wizard.core.vault import default_vault_path
from okx_wizard.core.wizard_state import WizardState
from tests.ui.conftest import paste, press, screen_name, settle, text_of


def answered() -> WizardState:
    """The answers of the steps before the capture, as a user would have given them."""
    key = SAMPLE["good"]
    return WizardState(
        profile="bot",
        checklist={"2fa": True, "official_site": True},
        sub_account_name="trading2025",
        ip_text="203.0.113.7",
        passphrase=Secret(key.passphrase),
        passphrase_confirm=Secret(key.passphrase),
    )


async def on_to_the_capture(pilot) -> None:
    """A first simulator run with no keyring: the wizard first; the vault before the capture."""
    app = pilot.app
    await settle(pilot)
    assert screen_name(app) == "StartScreen"  # not a password demand
    app.start_wizard(answered(), "passphrase")
    await settle(pilot)
    await press(pilot, "enter")
    assert screen_name(app) == "VaultScreen"


def keep_a_pending_key(workspace) -> None:
    """What a first setup leaves when it stops after the capture: a vault with a pending key."""
    key = SAMPLE["good"]
    creds = Credentials(key.api_key, Secret(key.secret_key), Secret(key.passphrase))
    workspace.save_pending("bot", creds, {"step": "capture", "profile": "bot"})


async def test_an_existing_vault_is_unlocked_even_with_no_profile(
    make_app, workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    keep_a_pending_key(workspace)
    assert default_vault_path(simulator=True).exists()
    assert workspace.profiles() == []
    monkeypatch.delenv("OKX_WIZARD_VAULT_PASSWORD")
    app = make_app(mode="home")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert screen_name(app) == "VaultScreen"
        assert not app.screen.query_one("#vault-confirm", Input).display  # unlocking
        assert "existing vault" in str(app.screen.query_one("Label").render())


async def test_a_new_vault_states_its_minimum_length_up_front(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OKX_WIZARD_VAULT_PASSWORD")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await on_to_the_capture(pilot)
        assert app.screen.query_one("#vault-confirm", Input).display  # creating
        assert "at least 10 characters" in str(app.screen.query_one("Label").render())
        assert text_of(app, "#vault-problem") == ""  # said before any failure


@pytest.mark.parametrize("existing", [True, False])
async def test_tab_never_takes_the_password_to_the_plaintext_field(
    make_app, workspace, monkeypatch: pytest.MonkeyPatch, existing: bool
) -> None:
    if existing:
        keep_a_pending_key(workspace)
    monkeypatch.delenv("OKX_WIZARD_VAULT_PASSWORD")
    app = make_app(mode="home")
    async with app.run_test(size=(80, 24)) as pilot:
        if existing:
            await settle(pilot)
        else:
            await on_to_the_capture(pilot)
        consent = app.screen.query_one("#plaintext-consent", Input)
        for _ in range(4):
            await press(pilot, "tab")
            assert app.focused is not consent
            shows_typing = isinstance(app.focused, Input) and not app.focused.password
            assert not shows_typing, app.focused
        await press(pilot, *"secret words")
        assert consent.value == ""
        await press(pilot, "ctrl+t")  # asked for: now it takes the typed consent
        assert app.focused is consent


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_the_dialog_fits_and_offers_quit(
    make_app, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    monkeypatch.delenv("OKX_WIZARD_VAULT_PASSWORD")
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await on_to_the_capture(pilot)
        dialog = app.screen.query_one("#vault-dialog")
        screen = app.screen.region
        assert dialog.region.right <= screen.right and dialog.region.bottom <= screen.bottom
        assert dialog.region.x >= 0 and dialog.region.y >= 0
        assert app.screen.query_one("#vault-problem").region.bottom <= dialog.region.bottom
        footer_keys = [k.key for k in app.screen.query_one(Footer).query(FooterKey)]
        assert "ctrl+q" in footer_keys
        await paste(pilot, "short")
        await press(pilot, "enter", "enter")
        problem = app.screen.query_one("#vault-problem")
        assert "at least" in text_of(app, "#vault-problem")
        assert problem.region.bottom <= dialog.region.bottom  # the problem line is in view
        await press(pilot, "ctrl+q")
        assert app.return_code == 0


async def test_simulator_asks_for_the_vault_before_the_capture_and_goes_on(
    make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OKX_WIZARD_VAULT_PASSWORD")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await on_to_the_capture(pilot)
        await paste(pilot, "a long vault password")
        await press(pilot, "enter")
        await paste(pilot, "a long vault password")
        await press(pilot, "enter")
        await settle(pilot)
        assert screen_name(app) == "CaptureScreen"
        assert app.state.step == "capture"
        assert app.workspace.ctx.vault_password == Secret("a long vault password")
