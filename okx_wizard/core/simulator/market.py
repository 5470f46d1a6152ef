"""The simulated market: a handful of realistic instruments, their tickers and currencies.

Prices are fixed (BTC 60000 USDT, ETH 3000 USDT, …): what a bot needs to load markets, read a
ticker and place an order, not a matching engine.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from okx_wizard.core.simulator.codes import OkxError

INST_TYPES = ("SPOT", "MARGIN", "SWAP", "FUTURES", "OPTION")
_LIST_TIME = "1548133413000"
# instId → last price (quote currency per base currency; contracts: settle per underlying).
LAST: dict[str, Decimal] = {
    "BTC-USDT": Decimal("60000"), "ETH-USDT": Decimal("3000"), "ETH-BTC": Decimal("0.05"),
    "BTC-EUR": Decimal("55000"), "BTC-USDT-SWAP": Decimal("60010"),
    "ETH-USDT-SWAP": Decimal("3001"), "BTC-USD-SWAP": Decimal("60005"),
}  # fmt: skip
# USD value of one unit, for eqUsd of balances changed by fills.
USD_PRICE: dict[str, Decimal] = {
    "USDT": Decimal("1"), "USDC": Decimal("1"), "USD": Decimal("1"), "BTC": Decimal("60000"),
    "ETH": Decimal("3000"), "EUR": Decimal("1.0666"), "TRY": Decimal("0.029"), "OKB": Decimal("50"),
}  # fmt: skip
_CURRENCIES = [  # (ccy, name, chain suffix, min withdrawal, fee, withdrawal precision)
    ("BTC", "Bitcoin", "Bitcoin", "0.0005", "0.0001", "8"),
    ("ETH", "Ethereum", "ERC20", "0.001", "0.0005", "8"),
    ("USDT", "Tether", "TRC20", "0.1", "1", "6"),
    ("USDT", "Tether", "ERC20", "1", "3", "6"),
    ("USDC", "USD Coin", "ERC20", "1", "3", "6"),
    ("OKB", "OKB", "X Layer", "0.01", "0.001", "8"),
]


def _base(inst_type: str, inst_id: str, **fields: str) -> dict[str, str]:
    row = {
        "instType": inst_type, "instId": inst_id, "uly": "", "instFamily": "", "category": "1",
        "baseCcy": "", "quoteCcy": "", "settleCcy": "", "ctVal": "", "ctMult": "",
        "ctValCcy": "", "optType": "", "stk": "", "listTime": _LIST_TIME, "contTdSwTime": "",
        "expTime": "", "lever": "", "tickSz": "0.1", "lotSz": "1", "minSz": "1", "ctType": "",
        "alias": "", "state": "live", "ruleType": "normal", "maxLmtSz": "9999999999",
        "maxMktSz": "1000000", "maxLmtAmt": "20000000", "maxMktAmt": "1000000",
        "maxTwapSz": "9999999999", "maxIcebergSz": "9999999999", "maxTriggerSz": "9999999999",
        "maxStopSz": "1000000", "instIdCode": "",
    }  # fmt: skip
    return row | fields


def _spot(inst_id: str, tick: str, lot: str, minimum: str) -> dict[str, str]:
    base, quote = inst_id.split("-")
    return _base("SPOT", inst_id, baseCcy=base, quoteCcy=quote, tickSz=tick, lotSz=lot,
                 minSz=minimum, lever="10")  # fmt: skip


def _contract(inst_type: str, inst_id: str, uly: str, settle: str, ct_val: str,
              ct_val_ccy: str, **fields: str) -> dict[str, str]:  # fmt: skip
    linear = settle != uly.split("-")[0]
    defaults = {"uly": uly, "instFamily": uly, "settleCcy": settle, "ctVal": ct_val,
                "ctMult": "1", "ctValCcy": ct_val_ccy, "ctType": "linear" if linear else "inverse",
                "lever": "100", "lotSz": "0.01", "minSz": "0.01"}  # fmt: skip
    return _base(inst_type, inst_id, **(defaults | fields))


def _expiry(now_ms: int, weeks: int) -> dt.datetime:
    """The Friday 08:00 UTC at least ``weeks`` weeks after ``now_ms``."""
    start = dt.datetime.fromtimestamp(now_ms / 1000, tz=dt.UTC) + dt.timedelta(weeks=weeks)
    friday = start + dt.timedelta(days=(4 - start.weekday()) % 7)
    return friday.replace(hour=8, minute=0, second=0, microsecond=0)


def instruments(now_ms: int) -> list[dict[str, str]]:
    """Every instrument the simulator lists, futures and options expiring after ``now_ms``."""
    rows = [
        _spot("BTC-USDT", "0.1", "0.00000001", "0.00001"),
        _spot("ETH-USDT", "0.01", "0.000001", "0.0001"),
        _spot("ETH-BTC", "0.00001", "0.000001", "0.0001"),
        _spot("BTC-EUR", "0.1", "0.00000001", "0.00001"),
        _contract("SWAP", "BTC-USDT-SWAP", "BTC-USDT", "USDT", "0.01", "BTC"),
        _contract("SWAP", "ETH-USDT-SWAP", "ETH-USDT", "USDT", "0.1", "ETH"),
        _contract("SWAP", "BTC-USD-SWAP", "BTC-USD", "BTC", "100", "USD", lotSz="1", minSz="1"),
    ]
    expiry = _expiry(now_ms, 1)
    exp_ms, ymd = str(int(expiry.timestamp() * 1000)), expiry.strftime("%y%m%d")
    rows += [
        _contract("FUTURES", f"BTC-USDT-{ymd}", "BTC-USDT", "USDT", "0.01", "BTC",
                  expTime=exp_ms, alias="next_week"),
        _contract("FUTURES", f"BTC-USD-{ymd}", "BTC-USD", "BTC", "100", "USD", expTime=exp_ms,
                  alias="next_week", lotSz="1", minSz="1"),
    ]  # fmt: skip
    for uly, strike in (("BTC-USD", "100000"), ("ETH-USD", "4000")):
        for opt in ("C", "P"):
            rows.append(_contract(
                "OPTION", f"{uly}-{ymd}-{strike}-{opt}", uly, uly.split("-")[0], "0.01",
                uly.split("-")[0], optType=opt, stk=strike, expTime=exp_ms, tickSz="0.0005",
                lotSz="1", minSz="1", lever="",
            ))  # fmt: skip
    return rows


def find_instrument(inst_id: str, now_ms: int) -> dict[str, str] | None:
    return next((row for row in instruments(now_ms) if row["instId"] == inst_id), None)


def _of_type(
    query: dict[str, str], now_ms: int, *, option_family: bool = False
) -> list[dict[str, str]]:
    """The instruments of the required ``instType`` (and ``instFamily`` / ``uly``, if given;
    ``option_family``: required for OPTION)."""
    inst_type = query.get("instType", "")
    if not inst_type:
        raise OkxError("50014", "instType")
    if inst_type not in INST_TYPES:
        raise OkxError("51000", "instType")
    family = query.get("instFamily") or query.get("uly", "")
    if option_family and inst_type == "OPTION" and not family:
        raise OkxError("50015", "uly", "instFamily")
    return [
        row for row in instruments(now_ms)
        if row["instType"] == inst_type and (not family or row["instFamily"] == family)
    ]  # fmt: skip


def list_instruments(query: dict[str, str], now_ms: int) -> list[dict[str, str]]:
    """GET /api/v5/public/instruments: ``instType`` required, OPTION also ``uly``/``instFamily``."""
    wanted = query.get("instId", "")
    rows = _of_type(query, now_ms, option_family=True)
    return [row for row in rows if not wanted or row["instId"] == wanted]


def last_price(inst_id: str) -> Decimal:
    """The last traded price of ``inst_id`` (contracts and options of an index: the index)."""
    if inst_id in LAST:
        return LAST[inst_id]
    parts = inst_id.split("-")
    if len(parts) == 3 and parts[2].isdigit():  # a future
        return LAST.get(f"{parts[0]}-{parts[1]}-SWAP", Decimal("0"))
    return Decimal("0.01")  # an option's premium, in its settle currency


def ticker(row: dict[str, str], now_ms: int) -> dict[str, str]:
    """OKX's ticker row of instrument ``row``: best bid/ask one tick around the last price."""
    last, tick = last_price(row["instId"]), Decimal(row["tickSz"])
    volume = "1234.5"
    return {
        "instType": row["instType"], "instId": row["instId"], "last": str(last),
        "lastSz": row["minSz"], "askPx": str(last + tick), "askSz": "2.5",
        "bidPx": str(last - tick), "bidSz": "3.1", "open24h": str(last), "high24h": str(last),
        "low24h": str(last), "volCcy24h": str(last * Decimal(volume)), "vol24h": volume,
        "sodUtc0": str(last), "sodUtc8": str(last), "ts": str(now_ms),
    }  # fmt: skip


def get_ticker(query: dict[str, str], now_ms: int) -> list[dict[str, str]]:
    """GET /api/v5/market/ticker: ``instId`` required."""
    inst_id = query.get("instId", "")
    if not inst_id:
        raise OkxError("50014", "instId")
    row = find_instrument(inst_id, now_ms)
    if row is None:
        raise OkxError("51001")
    return [ticker(row, now_ms)]


def get_tickers(query: dict[str, str], now_ms: int) -> list[dict[str, str]]:
    """GET /api/v5/market/tickers: ``instType`` required (``uly`` / ``instFamily`` filter)."""
    return [ticker(row, now_ms) for row in _of_type(query, now_ms)]


def currencies(query: dict[str, str]) -> list[dict[str, Any]]:
    """GET /api/v5/asset/currencies: one row per currency and chain (``ccy`` filters)."""
    wanted = {c for c in query.get("ccy", "").split(",") if c}
    rows: list[dict[str, Any]] = []
    for ccy, name, chain, min_wd, fee, precision in _CURRENCIES:
        if wanted and ccy not in wanted:
            continue
        rows.append({
            "ccy": ccy, "name": name, "chain": f"{ccy}-{chain}", "logoLink": "",
            "canDep": True, "canWd": True, "canInternal": True, "minDep": "0.00000001",
            "minWd": min_wd, "maxWd": "9999999", "wdTickSz": precision, "wdQuota": "10000000",
            "usedWdQuota": "0", "minFee": fee, "maxFee": fee, "fee": fee, "mainNet": False,
            "needTag": False, "minDepArrivalConfirm": "2", "minWdUnlockConfirm": "3",
            "depQuotaFixed": "", "usedDepQuotaFixed": "", "depQuoteDailyLayer2": "",
            "ctAddr": "", "burningFeeRate": "", "depEstOpenTime": "", "wdEstOpenTime": "",
            "minInternal": "0.0001",
        })  # fmt: skip
    return rows
