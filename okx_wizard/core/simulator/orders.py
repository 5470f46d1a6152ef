"""The trade endpoints: place, cancel, query and list orders, with balances that follow them.

SPOT orders (``tdMode`` cash) fill at once when marketable (a market order, or a limit price
that crosses the best bid/ask: at that price, no fee) and change the account's balances; a
resting order holds its funds (``frozenBal``) until it is cancelled. SWAP / FUTURES / OPTION
limit orders rest without holding funds; positions are not simulated.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal
from typing import Any

from okx_wizard.core.simulator import market
from okx_wizard.core.simulator.account import available, credit, number, text
from okx_wizard.core.simulator.codes import OkxError, message
from okx_wizard.core.simulator.model import SimKey
from okx_wizard.core.simulator.state import Call, Order

BATCH_MAX = 20
_ORD_TYPES = ("market", "limit", "post_only", "fok", "ioc")
_CL_ORD_ID = re.compile(r"[0-9A-Za-z]{1,32}")


class _Refused(Exception):
    def __init__(self, code: str, *args: str) -> None:
        super().__init__(code)
        self.code, self.msg = code, message(code, *args)


def _result(call: Call, rows: list[dict[str, Any]], in_ms: int) -> dict[str, Any]:
    """OKX's answer to a batch: code 0 all done, 2 some, 1 none (each row has sCode)."""
    failed = sum(row["sCode"] != "0" for row in rows)
    code = "0" if not failed else "1" if failed == len(rows) else "2"
    out = str(call.state.now_ms() * 1000)
    return {"code": code, "msg": "" if code == "0" else message(code), "data": rows,
            "inTime": str(in_ms * 1000), "outTime": out}  # fmt: skip


def _orders_of(body: Any) -> list[Any]:
    if isinstance(body, list):
        if not body:
            raise OkxError("50014", "body")
        if len(body) > BATCH_MAX:
            raise OkxError("51000", "orders")
        return body
    raise OkxError("50002")


def place(call: Call) -> dict[str, Any]:
    """POST /api/v5/trade/order."""
    if not isinstance(call.body, dict):
        raise OkxError("50002")
    return place_batch(call, [call.body])


def place_batch(call: Call, body: Any = None) -> dict[str, Any]:
    """POST /api/v5/trade/batch-orders (at most 20 orders; ccxt places orders here)."""
    in_ms = call.state.now_ms()
    rows = [_place_one(call, request) for request in _orders_of(body or call.body)]
    return _result(call, rows, in_ms)


def _place_one(call: Call, request: Any) -> dict[str, Any]:
    cl_ord_id = str(request.get("clOrdId", "")) if isinstance(request, dict) else ""
    tag = str(request.get("tag", "")) if isinstance(request, dict) else ""
    now = call.state.now_ms()
    try:
        order = _new_order(call, request, now)
    except _Refused as refused:
        return {"ordId": "", "clOrdId": cl_ord_id, "tag": tag, "ts": str(now),
                "sCode": refused.code, "sMsg": refused.msg}  # fmt: skip
    row = order.row
    return {"ordId": row["ordId"], "clOrdId": row["clOrdId"], "tag": row["tag"], "ts": str(now),
            "sCode": "0", "sMsg": "Order placed"}  # fmt: skip


def _field(request: dict[str, Any], name: str) -> str:
    value = request.get(name, "")
    return "" if value is None else str(value)


def _new_order(call: Call, request: Any, now: int) -> Order:
    """Validate one order request, then fill it or let it rest (the state lock is held)."""
    if not isinstance(request, dict):
        raise _Refused("51000", "order")
    key, state = call.caller, call.state
    inst_id, td_mode, side = (_field(request, n) for n in ("instId", "tdMode", "side"))
    ord_type, cl_ord_id = _field(request, "ordType"), _field(request, "clOrdId")
    for name, value in (("instId", inst_id), ("tdMode", td_mode), ("side", side),
                        ("ordType", ord_type), ("sz", _field(request, "sz"))):  # fmt: skip
        if not value:
            raise _Refused("50014", name)
    inst = market.find_instrument(inst_id, now)
    if inst is None:
        raise _Refused("51001")
    spot = inst["instType"] == "SPOT"
    if not spot and key.acct_lv == "1":
        raise _Refused("51010")
    if td_mode not in (("cash", "cross", "isolated") if spot else ("cross", "isolated")):
        raise _Refused("51000", "tdMode")
    if side not in ("buy", "sell"):
        raise _Refused("51000", "side")
    if ord_type not in _ORD_TYPES:
        raise _Refused("51000", "ordType")
    size, price = number(_field(request, "sz")), number(_field(request, "px"))
    if size <= 0:
        raise _Refused("51000", "sz")
    if ord_type != "market" and price <= 0:
        raise _Refused("51000", "px")
    if cl_ord_id and not _CL_ORD_ID.fullmatch(cl_ord_id):
        raise _Refused("51000", "clOrdId")
    orders = state.account_orders(key)
    if cl_ord_id and any(o.row["clOrdId"] == cl_ord_id and o.is_open for o in orders):
        raise _Refused("51016")
    tgt_ccy = _field(request, "tgtCcy")
    if not tgt_ccy and spot and ord_type == "market":
        tgt_ccy = "quote_ccy" if side == "buy" else "base_ccy"
    row = _row(inst, request, state.next_id(), tgt_ccy, now)
    order = Order(row)
    ticker = market.ticker(inst, now)
    touch = number(ticker["askPx"] if side == "buy" else ticker["bidPx"])
    crosses = ord_type == "market" or (price >= touch if side == "buy" else price <= touch)
    if not spot:
        if ord_type in ("market", "fok", "ioc"):
            raise _Refused("51000", "ordType")  # no positions: contracts only rest
    elif crosses:
        _fill(call, order, inst, touch, size, price)
    elif ord_type in ("fok", "ioc"):
        row["state"] = "canceled"
    else:
        _hold(key, order, inst, side, size, price, state.frozen(key))
    orders.append(order)
    return order


def _row(inst: dict[str, str], request: dict[str, Any], ord_id: str, tgt_ccy: str,
         now: int) -> dict[str, Any]:  # fmt: skip
    """OKX's order row (GET /trade/order) for a new order."""
    get = request.get
    return {
        "instType": inst["instType"], "instId": inst["instId"], "tgtCcy": tgt_ccy,
        "ccy": str(get("ccy", "")), "ordId": ord_id, "clOrdId": str(get("clOrdId", "")),
        "tag": str(get("tag", "")), "px": str(get("px", "")), "pxUsd": "", "pxVol": "",
        "pxType": "", "sz": str(get("sz", "")), "pnl": "0", "ordType": str(get("ordType")),
        "side": str(get("side")), "posSide": str(get("posSide", "net") or "net"),
        "tdMode": str(get("tdMode")), "accFillSz": "0", "fillPx": "", "tradeId": "",
        "fillSz": "0", "fillTime": "", "avgPx": "", "state": "live", "stpId": "",
        "stpMode": str(get("stpMode", "cancel_maker")), "lever": "", "attachAlgoClOrdId": "",
        "tpTriggerPx": "", "tpTriggerPxType": "", "tpOrdPx": "", "slTriggerPx": "",
        "slTriggerPxType": "", "slOrdPx": "", "attachAlgoOrds": [], "linkedAlgoOrd": {},
        "feeCcy": inst["quoteCcy"] or inst["settleCcy"], "fee": "0", "rebateCcy": "",
        "rebate": "0", "source": "", "category": "normal",
        "reduceOnly": str(get("reduceOnly", "false")).lower(), "isTpLimit": "false",
        "cancelSource": "", "cancelSourceReason": "", "quickMgnType": "", "algoClOrdId": "",
        "algoId": "", "uTime": str(now), "cTime": str(now),
    }  # fmt: skip


def _hold(key: SimKey, order: Order, inst: dict[str, str], side: str, size: Decimal,
          price: Decimal, frozen: dict[str, Decimal]) -> None:  # fmt: skip
    ccy, amount = (inst["quoteCcy"], size * price) if side == "buy" else (inst["baseCcy"], size)
    if available(key, ccy, frozen) < amount:
        raise _Refused("51008", ccy)
    order.hold_ccy, order.hold = ccy, amount


def _fill(call: Call, order: Order, inst: dict[str, str], touch: Decimal, size: Decimal,
          price: Decimal) -> None:  # fmt: skip
    """Fill ``order`` at ``touch`` and move the money between the account's currencies."""
    key, row = call.caller, order.row
    base_ccy, quote_ccy = inst["baseCcy"], inst["quoteCcy"]
    in_quote = row["tgtCcy"] == "quote_ccy"
    base_qty = (size / touch).quantize(Decimal(inst["lotSz"]), ROUND_DOWN) if in_quote else size
    if base_qty <= 0:
        raise _Refused("51000", "sz")
    cost = base_qty * touch
    if row["side"] == "buy":
        spend, spend_ccy, get, get_ccy = cost, quote_ccy, base_qty, base_ccy
    else:
        spend, spend_ccy, get, get_ccy = base_qty, base_ccy, cost, quote_ccy
    if available(key, spend_ccy, call.state.frozen(key)) < spend:
        raise _Refused("51008", spend_ccy)
    for holder in call.state.account_keys(key.uid, key.demo):
        credit(holder, spend_ccy, -spend, market.USD_PRICE.get(spend_ccy))
        credit(holder, get_ccy, get, market.USD_PRICE.get(get_ccy))
    row.update({
        "state": "filled", "accFillSz": text(base_qty), "fillSz": text(base_qty),
        "fillPx": text(touch), "avgPx": text(touch), "fillTime": row["cTime"],
        "tradeId": call.state.next_id(),
    })  # fmt: skip


def _find(call: Call, inst_id: str, ord_id: str, cl_ord_id: str) -> Order | None:
    for order in call.state.account_orders(call.caller):
        row = order.row
        if row["instId"] == inst_id and (
            (ord_id and row["ordId"] == ord_id) or (not ord_id and row["clOrdId"] == cl_ord_id)
        ):
            return order
    return None


def _cancel_one(call: Call, request: Any) -> dict[str, Any]:
    now = str(call.state.now_ms())
    if not isinstance(request, dict):
        request = {}
    ord_id, cl_ord_id = _field(request, "ordId"), _field(request, "clOrdId")
    answer = {"ordId": ord_id, "clOrdId": cl_ord_id, "ts": now, "sCode": "0", "sMsg": ""}
    if not _field(request, "instId"):
        return answer | {"sCode": "50014", "sMsg": message("50014", "instId")}
    if not ord_id and not cl_ord_id:
        return answer | {"sCode": "51003", "sMsg": message("51003")}
    order = _find(call, _field(request, "instId"), ord_id, cl_ord_id)
    if order is None or not order.is_open:
        return answer | {"sCode": "51400", "sMsg": message("51400")}
    order.row.update({"state": "canceled", "uTime": now, "cancelSource": "1"})
    return answer | {"ordId": order.row["ordId"], "clOrdId": order.row["clOrdId"]}


def cancel(call: Call) -> dict[str, Any]:
    """POST /api/v5/trade/cancel-order."""
    if not isinstance(call.body, dict):
        raise OkxError("50002")
    in_ms = call.state.now_ms()
    return _result(call, [_cancel_one(call, call.body)], in_ms)


def cancel_batch(call: Call) -> dict[str, Any]:
    """POST /api/v5/trade/cancel-batch-orders (at most 20)."""
    in_ms = call.state.now_ms()
    return _result(call, [_cancel_one(call, r) for r in _orders_of(call.body)], in_ms)


def query(call: Call) -> list[dict[str, Any]]:
    """GET /api/v5/trade/order: ``instId`` and ``ordId`` or ``clOrdId``."""
    inst_id = call.query.get("instId", "")
    if not inst_id:
        raise OkxError("50014", "instId")
    ord_id, cl_ord_id = call.query.get("ordId", ""), call.query.get("clOrdId", "")
    if not ord_id and not cl_ord_id:
        raise OkxError("51003")
    order = _find(call, inst_id, ord_id, cl_ord_id)
    if order is None:
        raise OkxError("51603")
    return [dict(order.row)]


def pending(call: Call) -> list[dict[str, Any]]:
    """GET /api/v5/trade/orders-pending: open orders, newest first (filters as OKX's)."""
    filters = {name: call.query.get(name, "") for name in ("instType", "instId", "ordType")}
    state_filter = call.query.get("state", "")
    try:
        limit = min(max(int(call.query.get("limit", "100") or "100"), 1), 100)
    except ValueError:
        raise OkxError("51000", "limit") from None
    rows = [
        dict(order.row) for order in reversed(call.state.account_orders(call.caller))
        if order.is_open
        and all(not wanted or order.row[name] == wanted for name, wanted in filters.items())
        and (not state_filter or order.row["state"] == state_filter)
    ]  # fmt: skip
    return rows[:limit]
