"""UI test fixtures: the app on a throwaway home against the simulator, driven by keys at 80x24.

The UI tests keep secrets in the encrypted vault (the D-Bus session is hidden from them), so
what the screens say about storage is the same on every machine; the keyring itself is tested
by the storage tests. Dates are pinned so that snapshots do not change from day to day.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from okx_wizard.app import OkxWizardApp
from okx_wizard.core.api import Context, Workspace
from okx_wizard.core.regions import REGION_CODES
from okx_wizard.core.secret import Credentials, Secret
from okx_wizard.core.simulator import SAMPLE, SimKey, Simulator
from okx_wizard.core.wizard_state import CHECKLIST, WizardState

SIZE = (80, 24)
FIXED_TODAY = date(2025, 1, 15)
FIXED_NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
# How long a wait for a condition may take before the test fails saying what never came. Generous:
# it is a bound for a broken app on a loaded machine, not a time anything waits for.
WAIT_TIMEOUT = 30.0


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Freeze every Input's cursor in the visible state (stable snapshots)."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda _self: None)


@pytest.fixture(autouse=True)
def ui_home(isolated_home: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A throwaway home, the vault as the store, and a fixed date."""
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setattr("okx_wizard.screens.permissions.today", lambda: FIXED_TODAY)
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


# -- waiting for conditions ----------------------------------------------------------------------
def timers_due(app: App[Any]) -> list[str]:
    """The one-shot timers the app's own code set on the current screen that have not fired yet.

    The app's debounce delays (capture's ``PENDING_DELAY``, the passphrase meter's
    ``METER_DELAY``) are module constants a test may set, but not to 0 or near it: Textual's Timer
    divides by the interval, and a one-shot timer whose interval has passed before its first look
    at the clock skips its only tick. So tests keep the real delays and wait until the timer fired.

    Reads Textual's timer bookkeeping (``_timers``, ``_task``, ``_repeat``, ``_callback``), stable
    in the pinned Textual version; repeating timers (cursor blink) and Textual's own timers (a
    notification's timeout) are not waited for.
    """
    nodes = [app, *app.screen.walk_children(with_self=True)]
    due = []
    for node in nodes:
        for timer in list(node._timers):
            task = timer._task
            owner = getattr(timer._callback, "__module__", "") or ""
            pending = timer._repeat == 0 and task is not None and not task.done()
            if pending and owner.startswith("okx_wizard"):
                due.append(timer.name)
    return due


def busy(app: App[Any]) -> list[str]:
    """What the app is still doing: messages waiting in a queue (a paste's Changed, bubbling up
    after the paste itself was handled), running workers, due timers. Empty when it is idle."""
    nodes = [app, *app.screen.walk_children(with_self=True)]
    queued = [
        f"messages for {type(n).__name__}: "
        + ", ".join(type(m).__name__ for m in list(n._message_queue.values))
        for n in nodes
        if n.message_queue_size
    ]
    running = [f"worker {w.name!r}" for w in app.workers if not w.is_finished]
    return queued + running + [f"timer {name}" for name in timers_due(app)]


async def wait_until(
    pilot: Pilot[Any],
    predicate: Callable[[], object],
    what: str,
    *,
    timeout: float = WAIT_TIMEOUT,
) -> None:
    """Let the app run (messages, workers) until ``predicate()`` holds; fail saying ``what``
    never came (and what the app was still doing) if it does not within ``timeout`` seconds."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    while True:
        await pilot.pause()
        if predicate():
            return
        if time.monotonic() > deadline:
            raise AssertionError(
                f"waited {timeout:.0f} s for {what}; it never came "
                f"(screen {type(app.screen).__name__}, still busy: {busy(app) or 'nothing'})"
            )
        await app.workers.wait_for_complete()


async def settle(pilot: Pilot[Any]) -> None:
    """Let the keys land: every message handled, no worker running, no timer of the app due,
    seen twice in a row (a handler may post a message or start a worker as it ends)."""
    app = pilot.app
    for _ in range(2):
        await wait_until(pilot, lambda: not busy(app), "the app to finish its work")


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


# -- the answers of steps 0–4 ---------------------------------------------------------------------
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


def filled_state(setup: Setup | None = None) -> WizardState:
    """The state ``walk_to_capture`` leaves for ``setup``, built directly: what a test that is about
    a later step starts from (``test_filled_state_is_what_the_walk_leaves`` holds the two equal)."""
    setup = setup or Setup()
    return WizardState(
        profile=setup.profile,
        region=REGION_CODES[setup.region_downs],
        demo=setup.demo,
        use_case="read_only" if setup.read_only else "trading",
        checklist={item.id: item.id in ("2fa", "official_site") for item in CHECKLIST},
        sub_account_name=setup.sub_account,
        withdraw=setup.withdraw_confirmation is not None,
        withdraw_confirmation=setup.withdraw_confirmation or "",
        ip_text=setup.ips,
        key_label=f"{setup.profile}{FIXED_TODAY:%Y%m%d}",
        passphrase=Secret(setup.passphrase),
        passphrase_confirm=Secret(setup.passphrase),
    )


async def start_at(pilot: Pilot[Any], name: str, state: WizardState) -> None:
    """Open the wizard at the step called ``name`` with ``state`` (as Back/Next would), settled.

    The one place that knows how the app is told where to start (by the step's name, as the step
    registry of issue #10 does it).
    """
    app = pilot.app
    assert isinstance(app, OkxWizardApp)
    await settle(pilot)
    app.start_wizard(state, name)
    await settle(pilot)
    assert app.state is state


async def seed_profile(
    workspace: Workspace, name: str = "bot", key: SimKey = SAMPLE["good"]
) -> None:
    """A saved, verified profile, made through the same facade the wizard's last step uses."""
    creds = Credentials(key.api_key, Secret(key.secret_key), Secret(key.passphrase))
    intentions = filled_state(Setup(profile=name, key=key)).intentions()
    endpoint = workspace.endpoint("global", False)
    report = await workspace.verify(name, creds, endpoint, intentions)
    assert report.ok, report.error
    workspace.commit(name, creds, report, intentions, key_label=key.label)


# -- walking by keys ------------------------------------------------------------------------------
async def walk_to_capture(pilot: Pilot[Any], setup: Setup) -> None:
    """Steps 0–4 by keys; ends on step 5 (capture). Tests about a later step use ``start_at``."""
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
    """Step 5: paste what OKX showed, then Enter (twice if a format warning asks)."""
    secret = setup.secret if setup.secret is not None else setup.key.secret_key
    await paste(pilot, setup.key.api_key)
    await press(pilot, "tab")
    await paste(pilot, secret)
    await press(pilot, "tab")
    await paste(pilot, setup.key.passphrase)
    await press(pilot, "enter")
    if screen_name(pilot.app) == "CaptureScreen":
        await press(pilot, "enter")


async def run_test_step(pilot: Pilot[Any]) -> None:
    """Wait until the test step has a report."""
    app = pilot.app
    assert isinstance(app, OkxWizardApp)
    await wait_until(pilot, lambda: app.state.report is not None, "the connection test's report")
    await settle(pilot)


async def full_setup(pilot: Pilot[Any], setup: Setup) -> None:
    """Steps 0–7 by keys: ends on the saved screen with the key committed."""
    await walk_to_capture(pilot, setup)
    await capture(pilot, setup)
    await run_test_step(pilot)
    await press(pilot, "enter")
    assert screen_name(pilot.app) == "SavedScreen"
