"""Fixtures for the simulator's bot-facing tests: a running simulator, with or without limits."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from okx_wizard.core.simulator import ManualClock, Simulator


@pytest.fixture
def sim() -> Iterator[Simulator]:
    """The simulator with the sample keys, rate limits off."""
    with Simulator() as running:
        yield running


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def limited(clock: ManualClock) -> Iterator[Simulator]:
    """The simulator with OKX's rate limits on and a clock the test moves."""
    with Simulator(rate_limits=True, clock=clock) as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as http:
        yield http
