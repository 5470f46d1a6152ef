"""The real ccxt, pointed straight at the simulator: what a ccxt bot does first, every region,
live and demo (demo = ccxt's sandbox mode, which sends x-simulated-trading: 1)."""

from __future__ import annotations

from typing import Any

import ccxt
import pytest

from okx_wizard.core.simulator import SAMPLE, SimKey, Simulator
from tests.sim.support import variant

CURRENCIES = "/api/v5/asset/currencies"
INSTRUMENTS = "/api/v5/public/instruments"

# region → (ccxt class, instrument types it loads, the symbol it trades)
CLASSES: dict[str, tuple[type[ccxt.okx], set[str], str]] = {
    "global": (ccxt.okx, {"SPOT", "FUTURES", "SWAP", "OPTION"}, "BTC/USDT"),
    "eea": (ccxt.myokx, {"SPOT", "SWAP"}, "BTC/EUR"),
    "us": (ccxt.okxus, {"SPOT"}, "BTC/USDT"),
    "tr": (ccxt.okx, {"SPOT", "FUTURES", "SWAP", "OPTION"}, "BTC/USDT"),
}


def key_for(region: str, demo: bool) -> SimKey:
    """A sample key of ``region`` in live or demo trading (new ones where no sample exists)."""
    if region == "us":
        return variant("good", region="us", demo=demo)
    if region == "global" and demo:
        return SAMPLE["demo"]
    name = {"global": "good", "eea": "eea", "tr": "tr"}[region]
    return variant(name, demo=True) if demo else SAMPLE[name]


def exchange(sim: Simulator, key: SimKey, **config: Any) -> ccxt.okx:
    """The region's ccxt class with the key, its REST URL pointed at the simulator's listener."""
    cls = CLASSES[key.region][0]
    ex = cls({"apiKey": key.api_key, "secret": key.secret_key, "password": key.passphrase,
              "timeout": 10_000, **config})  # fmt: skip
    url = sim.url(key.region)
    ex.urls["api"]["rest"] = url  # ccxt builds request URLs from urls['api']['rest']
    ex.urls["test"]["rest"] = url  # set_sandbox_mode(True) swaps 'test' in
    if key.demo:
        ex.set_sandbox_mode(True)
    return ex


@pytest.mark.parametrize("demo", [False, True], ids=["live", "demo"])
@pytest.mark.parametrize("region", list(CLASSES))
def test_ccxt_loads_markets_reads_balance_places_and_cancels(
    sim: Simulator, region: str, demo: bool
) -> None:
    key = key_for(region, demo)
    sim.add_key(key)
    _, types, symbol = CLASSES[region]
    ex = exchange(sim, key)
    assert ex.headers.get("x-simulated-trading") == ("1" if demo else None)

    markets = ex.load_markets()
    assert symbol in markets and markets[symbol]["spot"] and markets[symbol]["active"]
    asked = {r.query.split("instType=")[1].split("&")[0] for r in sim.requests
             if r.path == INSTRUMENTS}  # fmt: skip
    assert asked == types
    currencies = [r for r in sim.requests if r.path == CURRENCIES]
    assert len(currencies) == (0 if demo else 1)  # ccxt skips them in sandbox mode
    assert all(r.code == "0" and r.demo is demo for r in sim.requests if r.api_key)
    if "OPTION" in types:
        assert any(m["option"] for m in markets.values())

    quote = markets[symbol]["quote"]
    start = dict(ex.fetch_balance()["free"])
    held = {row["ccy"]: float(row["eq"]) for row in key.trading}
    assert start == held

    order = ex.create_order(symbol, "limit", "buy", 0.001, 1000)
    placed = [r for r in sim.requests if r.path == "/api/v5/trade/batch-orders"]
    assert len(placed) == 1 and placed[0].code == "0"
    assert ex.fetch_open_orders(symbol)[0]["id"] == order["id"]
    balance = ex.fetch_balance()
    assert balance["free"][quote] == pytest.approx(start[quote] - 1)
    assert balance["used"][quote] == pytest.approx(1)

    ex.cancel_order(order["id"], symbol)
    assert ex.fetch_order(order["id"], symbol)["status"] == "canceled"
    assert ex.fetch_open_orders(symbol) == []
    assert ex.fetch_balance()["free"] == start


def test_ccxt_market_order_fills_and_moves_the_balance(sim: Simulator) -> None:
    ex = exchange(sim, SAMPLE["good"])
    ex.load_markets()
    order = ex.create_order("BTC/USDT", "market", "buy", 10, params={"tgtCcy": "quote_ccy"})
    assert ex.fetch_order(order["id"], "BTC/USDT")["status"] == "closed"
    free = ex.fetch_balance()["free"]
    assert free["BTC"] > 0 and free["USDT"] == pytest.approx(115.5, abs=0.01)


def test_ccxt_read_only_key_cannot_trade(sim: Simulator) -> None:
    ex = exchange(sim, SAMPLE["readonly"])
    ex.load_markets()
    with pytest.raises(ccxt.ExchangeError, match="50120"):
        ex.create_order("BTC/USDT", "limit", "buy", 0.001, 1000)


def test_ccxt_with_the_wrong_region_is_told_the_key_does_not_exist(sim: Simulator) -> None:
    eea_on_global = exchange(sim, SAMPLE["eea"])
    eea_on_global.urls["api"]["rest"] = sim.url("global")
    with pytest.raises(ccxt.ExchangeError, match="50119"):
        eea_on_global.fetch_balance()


def test_ccxt_demo_without_sandbox_fails_where_okx_fails(sim: Simulator) -> None:
    """A demo key with only the header (no sandbox mode) makes load_markets ask for
    /asset/currencies, which demo trading lacks (ccxt #17295)."""
    demo = SAMPLE["demo"]
    ex = exchange(sim, SAMPLE["good"], headers={"x-simulated-trading": "1"})
    ex.apiKey, ex.secret, ex.password = demo.api_key, demo.secret_key, demo.passphrase
    with pytest.raises(ccxt.BaseError):
        ex.load_markets()
    [asked] = [r for r in sim.requests if r.path == CURRENCIES]
    assert asked.status == 404 and asked.demo
