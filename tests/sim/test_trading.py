"""Market data and the trade endpoints on the wire: OKX's fields, codes and permission rules."""

from __future__ import annotations

import httpx
import pytest

from okx_wizard.core.simulator import SAMPLE, Simulator
from tests.sim.support import answer, call, variant

ORDER, BATCH = "/api/v5/trade/order", "/api/v5/trade/batch-orders"
CANCEL, CANCEL_BATCH = "/api/v5/trade/cancel-order", "/api/v5/trade/cancel-batch-orders"
PENDING, BALANCE = "/api/v5/trade/orders-pending", "/api/v5/account/balance"


def order(inst_id: str = "BTC-USDT", **fields: str) -> dict[str, str]:
    base = {"instId": inst_id, "tdMode": "cash", "side": "buy", "ordType": "limit",
            "sz": "0.001", "px": "1000"}  # fmt: skip
    return base | fields


def usdt(client: httpx.Client, sim: Simulator, name: str = "good") -> dict[str, str]:
    details = answer(call(client, sim, SAMPLE[name], "GET", BALANCE))["data"][0]["details"]
    return {row["ccy"]: row for row in details}["USDT"]


@pytest.mark.parametrize(
    ("query", "code"),
    [("", "50014"), ("?instType=BONDS", "51000"), ("?instType=OPTION", "50015")],
)
def test_instruments_need_okx_parameters(
    sim: Simulator, client: httpx.Client, query: str, code: str
) -> None:
    answer(client.get(sim.url() + "/api/v5/public/instruments" + query), code)


def test_instruments_and_tickers_have_okx_fields(sim: Simulator, client: httpx.Client) -> None:
    base = sim.url("eea") + "/api/v5/public/instruments?instType="
    swaps = answer(client.get(base + "SWAP"))["data"]
    swap = {row["instId"]: row for row in swaps}["BTC-USDT-SWAP"]
    assert (swap["ctType"], swap["settleCcy"], swap["ctVal"], swap["uly"]) == (
        "linear", "USDT", "0.01", "BTC-USDT")  # fmt: skip
    futures = answer(client.get(base + "FUTURES"))["data"]
    assert futures and all(int(row["expTime"]) > 0 for row in futures)
    eth = answer(client.get(base + "OPTION&instFamily=ETH-USD"))["data"]
    assert {row["uly"] for row in eth} == {"ETH-USD"}
    tickers = answer(client.get(sim.url("us") + "/api/v5/market/tickers?instType=SPOT"))["data"]
    assert {"BTC-USDT", "ETH-USDT"} <= {t["instId"] for t in tickers}
    assert all(isinstance(value, str) for t in tickers for value in t.values())
    answer(client.get(sim.url() + "/api/v5/market/ticker?instId=NOPE-USDT"), "51001")


def test_currencies_are_signed_and_missing_in_demo(sim: Simulator, client: httpx.Client) -> None:
    rows = answer(call(client, sim, SAMPLE["good"], "GET", "/api/v5/asset/currencies"))["data"]
    assert {"BTC", "ETH", "USDT"} <= {row["ccy"] for row in rows}
    assert {row["chain"] for row in rows if row["ccy"] == "USDT"} == {"USDT-TRC20", "USDT-ERC20"}
    answer(client.get(sim.url() + "/api/v5/asset/currencies"), "50103", status=401)
    demo = call(client, sim, SAMPLE["demo"], "GET", "/api/v5/asset/currencies")
    assert demo.status_code == 404 and demo.json()["code"] == "404"


@pytest.mark.parametrize(
    ("method", "path"), [("POST", ORDER), ("POST", BATCH), ("POST", CANCEL), ("POST", CANCEL_BATCH)]
)
def test_trading_needs_the_trade_permission(
    sim: Simulator, client: httpx.Client, method: str, path: str
) -> None:
    body = [order()] if "batch" in path else order()
    answer(call(client, sim, SAMPLE["readonly"], method, path, body), "50120")
    assert sim.state.orders == {}


def test_a_resting_order_holds_funds_until_cancelled(sim: Simulator, client: httpx.Client) -> None:
    body = answer(call(client, sim, SAMPLE["good"], "POST", ORDER, order(clOrdId="a1")))
    [placed] = body["data"]
    assert (placed["sCode"], placed["clOrdId"]) == ("0", "a1") and placed["ordId"].isdigit()
    held = usdt(client, sim)
    assert (held["availBal"], held["frozenBal"], held["eq"]) == ("124.5", "1", "125.5")
    # the rotated key is the same sub-account: it sees the same order and balance
    pending = answer(call(client, sim, SAMPLE["rotated"], "GET", PENDING))["data"]
    assert [(o["ordId"], o["state"]) for o in pending] == [(placed["ordId"], "live")]
    again = answer(call(client, sim, SAMPLE["good"], "POST", ORDER, order(clOrdId="a1")), "1")
    assert again["data"][0]["sCode"] == "51016"
    cancel = {"instId": "BTC-USDT", "clOrdId": "a1"}
    assert (
        answer(call(client, sim, SAMPLE["good"], "POST", CANCEL, cancel))["data"][0]["sCode"] == "0"
    )
    assert usdt(client, sim)["availBal"] == "125.5"
    query = f"{ORDER}?instId=BTC-USDT&ordId={placed['ordId']}"
    assert answer(call(client, sim, SAMPLE["good"], "GET", query))["data"][0]["state"] == "canceled"


def test_orders_beyond_the_balance_are_refused(sim: Simulator, client: httpx.Client) -> None:
    big = order(sz="1", px="200")  # 200 USDT of 125.5
    body = answer(call(client, sim, SAMPLE["good"], "POST", ORDER, big), "1")
    assert body["msg"] == "All operations failed"
    assert (body["data"][0]["sCode"], body["data"][0]["sMsg"]) == (
        "51008", "Order failed. Insufficient USDT balance in account")  # fmt: skip
    empty = answer(call(client, sim, SAMPLE["readonly"], "GET", PENDING))
    assert empty["data"] == []


def test_batch_orders_answer_per_order_and_partial_success(
    sim: Simulator, client: httpx.Client
) -> None:
    orders = [order(), order("NOPE-USDT"), order(side="sideways"), order("ETH-USDT", px="10")]
    body = answer(call(client, sim, SAMPLE["good"], "POST", BATCH, orders), "2")
    assert [row["sCode"] for row in body["data"]] == ["0", "51001", "51000", "0"]
    rows = zip(orders, body["data"], strict=True)
    ids = [{"instId": o["instId"], "ordId": r["ordId"]} for o, r in rows]
    cancelled = answer(call(client, sim, SAMPLE["good"], "POST", CANCEL_BATCH, ids), "2")
    assert [row["sCode"] for row in cancelled["data"]] == ["0", "51003", "51003", "0"]
    too_many = answer(call(client, sim, SAMPLE["good"], "POST", BATCH, [order()] * 21), "51000")
    assert too_many["data"] == []


def test_spot_market_orders_fill_and_move_balances(sim: Simulator, client: httpx.Client) -> None:
    main = SAMPLE["main"]
    sell = order(side="sell", ordType="market", sz="0.1", px="")
    [row] = answer(call(client, sim, main, "POST", ORDER, sell))["data"]
    filled = answer(call(client, sim, main, "GET", f"{ORDER}?instId=BTC-USDT&ordId={row['ordId']}"))
    got = filled["data"][0]
    assert (got["state"], got["accFillSz"], got["avgPx"]) == ("filled", "0.1", "59999.9")
    details = answer(call(client, sim, SAMPLE["admin"], "GET", BALANCE))["data"][0]
    eq = {d["ccy"]: d["eq"] for d in details["details"]}
    assert eq == {"BTC": "0.4", "USDT": "6999.99"}  # the admin key shares the main account
    assert details["totalEq"] == "30999.99"


def test_contracts_rest_and_spot_mode_refuses_them(sim: Simulator, client: httpx.Client) -> None:
    swap = order("BTC-USDT-SWAP", tdMode="cross", sz="1", px="50000")
    [row] = answer(call(client, sim, SAMPLE["good"], "POST", ORDER, swap))["data"]
    assert row["sCode"] == "0"
    assert usdt(client, sim)["availBal"] == "125.5"  # no positions or margin simulated
    spot_mode = variant("good", acct_lv="1")
    sim.add_key(spot_mode)
    refused = answer(call(client, sim, spot_mode, "POST", ORDER, swap), "1")
    assert refused["data"][0]["sCode"] == "51010"


@pytest.mark.parametrize(("body", "code"), [("{", "50002"), ("", "50000"), ("[1]", "50002")])
def test_malformed_bodies(sim: Simulator, client: httpx.Client, body: str, code: str) -> None:
    from okx_wizard.core.signing import okx_timestamp, sign

    good, stamp = SAMPLE["good"], okx_timestamp(sim.server_time_ms())
    headers = {"OK-ACCESS-KEY": good.api_key, "OK-ACCESS-PASSPHRASE": good.passphrase,
               "OK-ACCESS-TIMESTAMP": stamp, "OK-ACCESS-SIGN": sign(good.secret_key, stamp,
               "POST", ORDER, body)}  # fmt: skip
    answer(client.post(sim.url() + ORDER, headers=headers, content=body), code)
