"""The real python-okx (httpx inside), with ``domain=`` the simulator and ``flag`` 0 (live) or 1
(demo): market data, balance, placing, querying and cancelling orders, the sub-account calls."""

from __future__ import annotations

from typing import Any

import okx.Account
import okx.Funding
import okx.MarketData
import okx.PublicData
import okx.SubAccount
import okx.Trade
import pytest

from okx_wizard.core.simulator import SAMPLE, SimKey, Simulator

# python-okx posts with data=str, which httpx deprecates; not ours to change.
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=:DeprecationWarning")


def kwargs(sim: Simulator, key: SimKey) -> dict[str, Any]:
    return {
        "api_key": key.api_key,
        "api_secret_key": key.secret_key,
        "passphrase": key.passphrase,
        "flag": "1" if key.demo else "0",
        "domain": sim.url(key.region),
        "debug": False,
    }


@pytest.mark.parametrize("name", ["good", "demo", "tr"])
def test_python_okx_trades_on_the_simulator(sim: Simulator, name: str) -> None:
    key = SAMPLE[name]
    flag, domain = kwargs(sim, key)["flag"], sim.url(key.region)
    public = okx.PublicData.PublicAPI(flag=flag, domain=domain, debug=False)
    spot = public.get_instruments(instType="SPOT")
    assert spot["code"] == "0" and "BTC-USDT" in {row["instId"] for row in spot["data"]}
    options = public.get_instruments(instType="OPTION", uly="BTC-USD")["data"]
    assert options and {row["optType"] for row in options} == {"C", "P"}
    assert public.get_instruments(instType="OPTION")["code"] == "50015"
    assert int(public.get_system_time()["data"][0]["ts"]) > 0
    ticker = okx.MarketData.MarketAPI(flag=flag, domain=domain, debug=False)
    last = ticker.get_ticker(instId="BTC-USDT")["data"][0]
    assert float(last["bidPx"]) < float(last["last"]) < float(last["askPx"])

    account = okx.Account.AccountAPI(**kwargs(sim, key))
    [usdt] = account.get_account_balance(ccy="USDT")["data"][0]["details"]
    start = float(usdt["availBal"])
    trade = okx.Trade.TradeAPI(**kwargs(sim, key))
    placed = trade.place_order(instId="BTC-USDT", tdMode="cash", side="buy", ordType="limit",
                               sz="0.002", px="1000", clOrdId="bot1")  # fmt: skip
    assert placed["code"] == "0" and placed["data"][0]["sCode"] == "0"
    ord_id = placed["data"][0]["ordId"]
    got = trade.get_order(instId="BTC-USDT", clOrdId="bot1")["data"][0]
    assert (got["ordId"], got["state"], got["px"], got["sz"]) == (ord_id, "live", "1000", "0.002")
    assert [o["ordId"] for o in trade.get_order_list(instId="BTC-USDT")["data"]] == [ord_id]
    [usdt] = account.get_account_balance(ccy="USDT")["data"][0]["details"]
    assert (float(usdt["availBal"]), usdt["frozenBal"]) == (pytest.approx(start - 2), "2")

    cancelled = trade.cancel_order(instId="BTC-USDT", ordId=ord_id)
    assert cancelled["data"][0]["sCode"] == "0"
    assert trade.get_order(instId="BTC-USDT", ordId=ord_id)["data"][0]["state"] == "canceled"
    assert trade.get_order_list()["data"] == []
    again = trade.cancel_order(instId="BTC-USDT", ordId=ord_id)
    assert (again["code"], again["data"][0]["sCode"]) == ("1", "51400")
    assert trade.get_order(instId="BTC-USDT", ordId="1")["code"] == "51603"

    currencies = okx.Funding.FundingAPI(**kwargs(sim, key)).get_currencies()
    assert currencies["code"] == ("404" if key.demo else "0")  # demo trading lacks it


def test_python_okx_sub_account_calls_with_the_admin_key(sim: Simulator) -> None:
    admin = okx.SubAccount.SubAccountAPI(**kwargs(sim, SAMPLE["admin"]))
    subs = admin.get_subaccount_list()
    assert subs["code"] == "0"
    assert {row["subAcct"]: row["uid"] for row in subs["data"]}["SimGood01"] == SAMPLE["good"].uid
    changed = admin.reset_subaccount_apikey("SimGood01", SAMPLE["rotated"].api_key, ip="10.0.0.9")
    assert changed["code"] == "0" and changed["data"][0]["ip"] == "10.0.0.9"
    assert sim.key(SAMPLE["rotated"].api_key).ip == "10.0.0.9"
    refused = okx.SubAccount.SubAccountAPI(**kwargs(sim, SAMPLE["good"])).get_subaccount_list()
    assert refused["code"] == "59604"
