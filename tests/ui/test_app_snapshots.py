"""Snapshots of every screen at 80x24 (NO_COLOR, as the UI fixtures set it).

Update after an intended change: ``pytest tests/ui/test_app_snapshots.py --snapshot-update``,
then look at the SVGs (or ``scripts/screenshots.py``) before committing them.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from okx_wizard.app import OkxWizardApp
from okx_wizard.core.api import Workspace
from okx_wizard.core.secret import Credentials, Secret
from okx_wizard.core.simulator import SAMPLE, SimKey
from okx_wizard.core.wizard_state import WizardState
from okx_wizard.widgets.check_list import CheckList
from tests.ui.conftest import SIZE, paste, press, settle, start_at, wait_until

CLOCK_DETAIL = "OKX answered; this machine's clock is within 0.0 s of OKX's."


def answered(key: SimKey = SAMPLE["good"], **changes: Any) -> WizardState:
    """The answers of steps 0–4 for ``key``, as a user would have given them."""
    state = WizardState(
        profile="bot",
        checklist={"2fa": True, "official_site": True},
        sub_account_name="trading2025",
        ip_text="203.0.113.7",
        key_label="bot20250115",
        passphrase=Secret(key.passphrase),
        passphrase_confirm=Secret(key.passphrase),
    )
    for name, value in changes.items():
        setattr(state, name, value)
    return state


def captured(
    key: SimKey = SAMPLE["good"], secret: str | None = None, **changes: Any
) -> WizardState:
    state = answered(key, **changes)
    state.set_credentials(
        Credentials(key.api_key, Secret(secret or key.secret_key), Secret(key.passphrase))
    )
    state.pending_saved_for = None
    return state


async def wait_for_report(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, OkxWizardApp)
    await wait_until(pilot, lambda: app.state.report is not None, "the connection test's report")
    await settle(pilot)
    checks = app.screen.query(CheckList)
    if checks and checks.first().status("reach") == "ok":
        checks.first().set_status("reach", "ok", CLOCK_DETAIL)  # the only value that varies
    await settle(pilot)


def at_step(
    step: str, state: WizardState, then: Callable[[Pilot[Any]], Awaitable[None]] | None = None
) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A ``run_before`` that opens the step named ``step`` with ``state``, as Back/Next would."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await start_at(pilot, step, state)
        if then is not None:
            await then(pilot)

    return run_before


def seed_profile(workspace: Workspace, name: str = "bot", key: SimKey = SAMPLE["good"]) -> None:
    """A saved, verified profile, made through the same facade the wizard uses."""
    creds = Credentials(key.api_key, Secret(key.secret_key), Secret(key.passphrase))
    intentions = answered(key).intentions()
    endpoint = workspace.endpoint("global", False)
    report = asyncio.run(workspace.verify(name, creds, endpoint, intentions))
    assert report.ok, report.error
    workspace.commit(name, creds, report, intentions, key_label=key.label)


@pytest.fixture
def snap(snap_compare: Any, make_app: Callable[..., OkxWizardApp]) -> Callable[..., bool]:
    def compare(
        run_before: Callable[[Pilot[Any]], Awaitable[None]] | None = None,
        press: tuple[str, ...] = (),
        mode: str = "setup",
        profile: str | None = None,
    ) -> bool:
        async def settle_first(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            if run_before is not None:
                await run_before(pilot)

        app = make_app(mode=mode, profile=profile)
        return bool(snap_compare(app, press=press, terminal_size=SIZE, run_before=settle_first))

    return compare


def test_step0_start(snap) -> None:
    assert snap(press=tuple("bot"))


def test_step1_before_you_start(snap) -> None:
    assert snap(at_step("before_you_start", answered()))


def test_step2_sub_account(snap) -> None:
    assert snap(at_step("sub_account", answered()))


def test_step2_main_account_warning(snap) -> None:
    assert snap(at_step("sub_account", answered(sub_account=False)))


def test_step3_permissions(snap) -> None:
    assert snap(at_step("permissions", answered()))


def test_step3_permissions_no_ip_and_withdraw(snap) -> None:
    assert snap(at_step("permissions", answered(ip_text="", withdraw=True)))


def test_step4_passphrase(snap) -> None:
    assert snap(at_step("passphrase", answered()))


def test_step5_capture(snap) -> None:
    async def fill(pilot: Pilot[Any]) -> None:
        await paste(pilot, SAMPLE["good"].api_key)

    assert snap(at_step("capture", answered(), fill))


def test_step6_test_connection_ok(snap) -> None:
    assert snap(at_step("test_connection", captured(), wait_for_report))


def test_step6_test_connection_wrong_secret(snap) -> None:
    assert snap(at_step("test_connection", captured(secret="0" * 32), wait_for_report))


def test_step7_saved(snap) -> None:
    async def save(pilot: Pilot[Any]) -> None:
        await wait_for_report(pilot)
        await press(pilot, "enter")

    assert snap(at_step("test_connection", captured(), save))


def test_home(snap, workspace) -> None:
    seed_profile(workspace)
    assert snap(mode="home")


def test_quit_modal(snap) -> None:
    async def quit_(pilot: Pilot[Any]) -> None:
        await paste(pilot, SAMPLE["good"].api_key)
        await press(pilot, "ctrl+q")

    assert snap(at_step("capture", answered(), quit_))


def test_resume_modal(snap, workspace) -> None:
    key = SAMPLE["good"]
    state = captured()
    state.step = "capture"
    creds = Credentials(key.api_key, Secret(key.secret_key), Secret(key.passphrase))
    workspace.save_pending("bot", creds, state.to_draft())
    assert snap()


def test_vault_modal(snap, monkeypatch) -> None:
    """The simulator's first run with no keyring asks for the vault before the capture."""
    monkeypatch.delenv("OKX_WIZARD_VAULT_PASSWORD")
    assert snap(at_step("passphrase", answered()), press=("enter",))


def test_remove_modal(snap, workspace) -> None:
    seed_profile(workspace)
    assert snap(mode="home", press=("d",))


# -- text contrast: every letter of every screen >= 3:1, in colour and in NO_COLOR --------------
def _scenarios(workspace: Workspace) -> dict[str, tuple[str, Any, tuple[str, ...]]]:
    async def fill(pilot: Pilot[Any]) -> None:
        await paste(pilot, SAMPLE["good"].api_key)

    async def save(pilot: Pilot[Any]) -> None:
        await wait_for_report(pilot)
        await press(pilot, "enter")
        await settle(pilot)

    async def quit_(pilot: Pilot[Any]) -> None:
        await paste(pilot, SAMPLE["good"].api_key)
        await press(pilot, "ctrl+q")

    async def seeded(pilot: Pilot[Any]) -> None:
        await settle(pilot)

    async def blur_name(pilot: Pilot[Any]) -> None:
        await press(pilot, *"bot", "tab")

    return {
        "start": ("setup", blur_name, ()),
        "before_you_start": ("setup", at_step("before_you_start", answered()), ()),
        "sub_account": ("setup", at_step("sub_account", answered()), ()),
        "main_account": ("setup", at_step("sub_account", answered(sub_account=False)), ()),
        "permissions": ("setup", at_step("permissions", answered()), ()),
        "permissions_withdraw": (
            "setup",
            at_step("permissions", answered(ip_text="", withdraw=True)),
            (),
        ),
        "passphrase": ("setup", at_step("passphrase", answered()), ("tab",)),
        "capture": ("setup", at_step("capture", answered(), fill), ("tab",)),
        "test_ok": ("setup", at_step("test_connection", captured(), wait_for_report), ()),
        "test_wrong_secret": (
            "setup",
            at_step("test_connection", captured(secret="0" * 32), wait_for_report),
            (),
        ),
        "saved": ("setup", at_step("test_connection", captured(), save), ()),
        "quit_modal": ("setup", at_step("capture", answered(), quit_), ()),
        "home": ("home", seeded, ()),
        "remove_modal": ("home", seeded, ("d",)),
    }


SCENARIOS = (
    "start",
    "before_you_start",
    "sub_account",
    "main_account",
    "permissions",
    "permissions_withdraw",
    "passphrase",
    "capture",
    "test_ok",
    "test_wrong_secret",
    "saved",
    "quit_modal",
    "home",
    "remove_modal",
)


@pytest.mark.parametrize("colour", ["colour", "no_color"])
@pytest.mark.parametrize("scenario", SCENARIOS)
async def test_every_letter_has_contrast(
    scenario: str, colour: str, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.ui.contrast import letters, low_contrast

    if colour == "colour":
        monkeypatch.delenv("NO_COLOR", raising=False)
    mode, run_before, keys = _scenarios(workspace)[scenario]
    if mode == "home":
        await asyncio.to_thread(seed_profile, workspace)
    app = OkxWizardApp(workspace, mode=mode)  # type: ignore[arg-type]
    assert app.no_color == (colour == "no_color")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_before(pilot)
        await press(pilot, *keys)
        assert len(letters(app)) > 100  # the screen is drawn
        faint = low_contrast(app)
        assert not faint, f"{scenario} ({colour}): " + "; ".join(faint)


@pytest.mark.parametrize("scenario", SCENARIOS[:-2])
async def test_usable_at_60x20(scenario: str, workspace: Workspace) -> None:
    """Nothing cut short at 60x20: no title or label ends in "…", the SIMULATOR badge shows."""
    from tests.ui.contrast import screen_text

    mode, run_before, keys = _scenarios(workspace)[scenario]
    app = OkxWizardApp(workspace, mode=mode)  # type: ignore[arg-type]
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await run_before(pilot)
        await press(pilot, *keys)
        lines = screen_text(app)
        assert "SIMULATOR" in lines[0]
        hint = re.compile(r"[0-9a-f]{4}…[0-9a-f]{4}")  # a key hint such as 55b2…e9a8
        cut = [line for line in lines if "…" in hint.sub("", line)]
        assert not cut, f"{scenario}: cut at 60x20: {cut}"
