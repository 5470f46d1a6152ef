"""Hands-free key fixtures: a simulator whose clock the test moves, and the admin key."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from okx_wizard.core.admin import Admin
from okx_wizard.core.api import Context, Workspace
from okx_wizard.core.client import OkxClient
from okx_wizard.core.hands_free import HandsFree
from okx_wizard.core.models import Endpoint
from okx_wizard.core.secret import Credentials, Secret
from okx_wizard.core.simulator import SAMPLE, ManualClock, SimKey, Simulator
from okx_wizard.core.subaccount import SubAccountApi

ADMIN_IP = "203.0.113.7"


def creds_of(key: SimKey) -> Credentials:
    return Credentials(key.api_key, Secret(key.secret_key), Secret(key.passphrase))


@pytest.fixture
def clock() -> ManualClock:
    """The simulator's "now", moved by the pacing's sleeps: OKX's 1 write/s, without waiting."""
    return ManualClock()


@pytest.fixture
def sim(clock: ManualClock) -> Iterator[Simulator]:
    """The simulator with OKX's rate limits on (1 write per second for the key API)."""
    with Simulator(clock=clock, rate_limits=True) as simulator:
        yield simulator


@pytest.fixture
def ws(sim: Simulator, isolated_home: dict[str, str]) -> Workspace:
    return Workspace(Context(simulator=True, hosts=dict(sim.urls), timeout=10))


@pytest.fixture
def admin(sim: Simulator) -> Admin:
    return Admin(creds_of(SAMPLE["admin"]), Endpoint("global", False, sim.urls["global"]))


@pytest.fixture
def steps() -> list[tuple[str, str, str]]:
    """The progress a flow reported: (step, status, detail)."""
    return []


@pytest.fixture
async def hands(
    ws: Workspace, admin: Admin, clock: ManualClock, steps: list[tuple[str, str, str]]
) -> AsyncIterator[HandsFree]:
    """HandsFree whose pacing sleeps move the simulator's clock instead of waiting."""

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)

    async with OkxClient(admin.endpoint, timeout=10) as client:
        api = SubAccountApi(client, admin.credentials, clock=clock, sleep=sleep)
        yield HandsFree(ws, admin, api, lambda *step: steps.append(step))
