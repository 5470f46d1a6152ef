"""OKX's documented rate limits: 50011 with HTTP 429 beyond them, counted per IP, user or
instrument, windows on the simulator's clock (moved by the test, never slept)."""

from __future__ import annotations

import httpx
import pytest

from okx_wizard.core.simulator import SAMPLE, ManualClock, Simulator
from tests.sim.support import answer, call

TIME, CONFIG = "/api/v5/public/time", "/api/v5/account/config"
ORDER = "/api/v5/trade/order"


def test_public_time_10_per_2_seconds_per_ip(
    limited: Simulator, clock: ManualClock, client: httpx.Client
) -> None:
    for region in ("global", "eea") * 5:
        answer(client.get(limited.url(region) + TIME))
    answer(client.get(limited.url("us") + TIME), "50011", status=429)
    limited.public_ip = "198.51.100.9"  # another caller has its own window
    answer(client.get(limited.url() + TIME))
    limited.public_ip = "203.0.113.7"
    clock.advance(2)
    answer(client.get(limited.url() + TIME))


@pytest.mark.parametrize(("path", "count"), [(CONFIG, 5), ("/api/v5/account/balance", 10)])
def test_account_endpoints_per_user(
    limited: Simulator, clock: ManualClock, client: httpx.Client, path: str, count: int
) -> None:
    good, rotated = SAMPLE["good"], SAMPLE["rotated"]  # one sub-account: one user
    for index in range(count):
        answer(call(client, limited, good if index % 2 else rotated, "GET", path))
    answer(call(client, limited, good, "GET", path), "50011", status=429)
    answer(call(client, limited, SAMPLE["main"], "GET", path))  # another user
    clock.advance(1.9)
    answer(call(client, limited, good, "GET", path), "50011", status=429)
    clock.advance(0.2)
    answer(call(client, limited, good, "GET", path))


def test_place_order_60_per_2_seconds_per_instrument(
    limited: Simulator, clock: ManualClock, client: httpx.Client
) -> None:
    main = SAMPLE["main"]

    def place(inst_id: str) -> httpx.Response:
        body = {"instId": inst_id, "tdMode": "cash", "side": "buy", "ordType": "limit",
                "sz": "0.001", "px": "1"}  # fmt: skip
        return call(client, limited, main, "POST", ORDER, body)

    for _ in range(60):
        answer(place("BTC-USDT"))
    answer(place("BTC-USDT"), "50011", status=429)
    answer(place("ETH-USDT"))
    clock.advance(2)
    answer(place("BTC-USDT"))


def test_limits_can_be_turned_off_while_running(limited: Simulator, client: httpx.Client) -> None:
    for _ in range(5):
        answer(call(client, limited, SAMPLE["good"], "GET", CONFIG))
    answer(call(client, limited, SAMPLE["good"], "GET", CONFIG), "50011", status=429)
    limited.rate_limits = False
    for _ in range(20):
        answer(call(client, limited, SAMPLE["good"], "GET", CONFIG))


def test_off_by_default(sim: Simulator, client: httpx.Client) -> None:
    assert sim.rate_limits is False
    for _ in range(30):
        answer(client.get(sim.url() + TIME))
