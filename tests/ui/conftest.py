"""UI test fixtures: the app on a throwaway home against the simulator, driven by keys at 80x24.

The UI tests keep secrets in the encrypted vault (the D-Bus session is hidden from them), so
what the screens say about storage is the same on every machine; the keyring itself is tested
by the storage tests. Dates are pinned so that snapshots do not change from day to day.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from okx_wizard.app import OkxWizardApp
from okx_wizard.core.api import Context, Workspace
from okx_wizard.core.simulator import SAMPLE, SimKey, Simulator

SIZE = (80, 24)
FIXED_NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Freeze every Input's cursor in the visible state (stable snapshots)."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda _self: None)


@pytest.fixture(autouse=True)
def ui_home(isolated_home: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A throwaway home, the vault as the store, and a fixed date."""
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setattr("okx_wizard.screens.permissions.today", lambda: date(2025, 1, 15))
    monkeypatch.setattr("okx_wizard.core.api.utc_now", lambda: FIXED_NOW)
    return isolated_home


@pytest.fixture
def workspace(sim: Simulator) -> Workspace:
    """The simulator realm's profiles, talking to the running simulator."""
    return Workspace(Context(simulator=True, hosts=dict(sim.urls), timeout=10))


@pytest.fixture
def make_app(workspace: Workspace) -> Iterator[Callable[..., OkxWizardApp]]:
    """Build the app as ``okx-wizard --simulator`` would: ``make_app(mode, profile)``."""

    def build(mode: str = "setup", profile: str | None = None) -> OkxWizardApp:
        return OkxWizardApp(workspace, mode=mode, profile=profile)  # type: ignore[arg-type]

    yield build


async def settle(pilot: Pilot[Any], seconds: float = 0.05) -> None:
    """Let the keys land, the workers finish and the screen repaint."""
    app = pilot.app
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await asyncio.sleep(seconds)
    await pilot.pause()


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press keys as a user would, then settle."""
    await pilot.press(*keys)
    await settle(pilot)


async def paste(pilot: Pilot[Any], text: str) -> None:
    """Paste ``text`` into the focused field, as a terminal's bracketed paste does."""
    from textual import events

    focused = pilot.app.focused
    assert focused is not None, "nothing has the focus to paste into"
    focused.post_message(events.Paste(text))
    await settle(pilot)


def screen_name(app: OkxWizardApp) -> str:
    return type(app.screen).__name__


def text_of(app: OkxWizardApp, selector: str) -> str:
    """The plain text a Static shows."""
    from textual.widgets import Static

    return str(app.screen.query_one(selector, Static).render())


@dataclass
class Setup:
    """The answers a walk-through types; defaults give a verified sample ("good") key."""

    profile: str = "bot"
    region_downs: int = 0  # 0 global, 1 eea, 2 us
    demo: bool = False
    read_only: bool = False
    sub_account: str = "trading2025"
    ips: str = "203.0.113.7"
    withdraw_confirmation: str | None = None
    passphrase: str = SAMPLE["good"].passphrase
    key: SimKey = field(default_factory=lambda: SAMPLE["good"])
    secret: str | None = None  # a different secret than the key's (wrong-secret case)


async def walk_to_capture(pilot: Pilot[Any], setup: Setup) -> None:
    """Steps 0–4 by keys; ends on step 5 (capture)."""
    await settle(pilot)
    # 0 start
    await press(pilot, *setup.profile, "tab")
    await press(pilot, *["down"] * setup.region_downs, "tab")
    await press(pilot, *(["down"] if setup.demo else []), "tab")
    await press(pilot, *(["down"] if setup.read_only else []), "enter")
    assert screen_name(pilot.app) == "BeforeYouStartScreen"
    # 1 before you start
    await press(pilot, "space", "tab", "space", "enter")
    assert screen_name(pilot.app) == "SubAccountScreen"
    # 2 sub-account
    await press(pilot, "tab", *setup.sub_account, "enter")
    assert screen_name(pilot.app) == "PermissionsScreen"
    # 3 permissions
    await press(pilot, *setup.ips)
    if setup.withdraw_confirmation is not None:
        await press(pilot, "tab", "tab", "space", "tab", *setup.withdraw_confirmation)
    await press(pilot, "enter")
    assert screen_name(pilot.app) == "PassphraseScreen"
    # 4 passphrase (typed into the first field, pasted into the second)
    await press(pilot, *setup.passphrase, "enter")
    await paste(pilot, setup.passphrase)
    await press(pilot, "enter")
    assert screen_name(pilot.app) == "CaptureScreen"


async def capture(pilot: Pilot[Any], setup: Setup) -> None:
    """Step 5: type what OKX showed, then Enter (twice if a format warning asks)."""
    secret = setup.secret if setup.secret is not None else setup.key.secret_key
    await paste(pilot, setup.key.api_key)
    await press(pilot, "tab")
    await paste(pilot, secret)
    await press(pilot, "tab")
    await paste(pilot, setup.key.passphrase)
    await settle(pilot, 0.2)
    await press(pilot, "enter")
    if screen_name(pilot.app) == "CaptureScreen":
        await press(pilot, "enter")


async def run_test_step(pilot: Pilot[Any]) -> None:
    """Wait until the test step has a report."""
    app = pilot.app
    assert isinstance(app, OkxWizardApp)
    for _ in range(200):
        await settle(pilot, 0.02)
        if app.state.report is not None:
            return
    raise AssertionError("the connection test did not finish")


async def full_setup(pilot: Pilot[Any], setup: Setup) -> None:
    """Steps 0–7: ends on the saved screen with the key committed."""
    await walk_to_capture(pilot, setup)
    await capture(pilot, setup)
    await run_test_step(pilot)
    await press(pilot, "enter")
    await settle(pilot, 0.2)
    assert screen_name(pilot.app) == "SavedScreen"
