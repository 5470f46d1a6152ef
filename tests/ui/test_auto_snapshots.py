"""Snapshots of the automatic path's screens at 80x24 (NO_COLOR, as the UI fixtures set it).

The simulator makes a new key with a random id: it is pinned here so the create step's final
state is the same on every run. Update: ``pytest tests/ui/test_auto_snapshots.py
--snapshot-update``, then look at the SVGs before committing them.
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from textual.pilot import Pilot

from okx_wizard.core.wizard_state import WizardState
from okx_wizard.widgets.check_list import CheckList
from tests.ui.conftest import SIZE, press, settle, wait_until
from tests.ui.test_app_snapshots import CLOCK_DETAIL, at_step

PINNED_KEY = uuid.UUID("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9")


def auto_answers() -> WizardState:
    return WizardState(
        profile="autobot",
        checklist={"2fa": True, "official_site": True},
        sub_account_name="SimGood01",
        key_source="auto",
        ip_text="203.0.113.7",
        key_label="autobot20250115",
    )


@pytest.fixture
def snap(snap_compare: Any, make_app: Any) -> Any:
    def compare(run_before: Any) -> bool:
        async def settle_first(pilot: Pilot[Any]) -> None:
            await settle(pilot)
            await run_before(pilot)

        return bool(snap_compare(make_app(), terminal_size=SIZE, run_before=settle_first))

    return compare


async def fill_sample(pilot: Pilot[Any]) -> None:
    await press(pilot, "ctrl+t")


async def made(pilot: Pilot[Any]) -> None:
    await press(pilot, "ctrl+t", "enter")
    app = pilot.app
    await wait_until(
        pilot,
        lambda: type(app.screen).__name__ == "CreateKeyScreen" and not app.screen.running,  # type: ignore[attr-defined]
        "the key to be made",
    )
    checks = app.screen.query_one(CheckList)
    checks.set_status("reach", "ok", CLOCK_DETAIL)  # the only value that varies
    await settle(pilot)


def test_sub_account_create_for_me(snap) -> None:
    assert snap(at_step("sub_account", auto_answers()))


def test_admin_key_step(snap) -> None:
    assert snap(at_step("admin_key", auto_answers(), fill_sample))


def test_create_key_step_done(snap, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "okx_wizard.core.simulator.subaccounts.uuid", SimpleNamespace(uuid4=lambda: PINNED_KEY)
    )
    assert snap(at_step("admin_key", auto_answers(), made))
