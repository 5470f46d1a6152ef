"""The account endpoints: configuration, trading balance and funding balance of a key's account.

Balances come from the key's ``trading`` / ``funding`` rows; what open orders hold is shown as
frozen (``frozenBal``, ``ordFrozen``) and taken from ``availBal``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from okx_wizard.core.simulator.codes import OkxError
from okx_wizard.core.simulator.model import SimKey
from okx_wizard.core.simulator.state import Call

_CENT = Decimal("0.01")


def number(text: str | None) -> Decimal:
    """A decimal from OKX's string field ("" and garbage: 0)."""
    try:
        return Decimal(text or "0")
    except InvalidOperation:
        return Decimal(0)


def text(value: Decimal) -> str:
    """OKX's string form of a number: no exponent, no trailing zeros."""
    formatted = format(value.normalize(), "f")
    return "0" if formatted in ("-0", "") else formatted


def config(key: SimKey) -> list[dict[str, Any]]:
    """GET /api/v5/account/config."""
    return [{
        "uid": key.uid, "mainUid": key.main_uid, "type": key.account_type, "acctLv": key.acct_lv,
        "posMode": key.pos_mode, "perm": key.perm, "ip": key.ip, "label": key.label,
        "kycLv": key.kyc_lv, "autoLoan": False, "ctIsoMode": "automatic", "greeksType": "PA",
        "level": "Lv1", "levelTmp": "", "mgnIsoMode": "automatic", "spotOffsetType": "",
        "roleType": "0", "traderInsts": [], "spotRoleType": "0", "spotTraderInsts": [],
        "opAuth": "0", "settleCcy": "USDT", "settleCcyList": ["USD", "USDC", "USDT"],
        "feeType": "0", "liquidationGear": "-1", "enableSpotBorrow": False,
        "spotBorrowAutoRepay": False,
    }]  # fmt: skip


def balance(
    key: SimKey, ccys: set[str], frozen: dict[str, Decimal], now_ms: int
) -> list[dict[str, Any]]:
    """GET /api/v5/account/balance; ``frozen`` is what open orders hold, per currency."""
    now = str(now_ms)
    details = []
    for row in key.trading:
        ccy = row.get("ccy", "")
        if ccys and ccy not in ccys:
            continue
        eq = row.get("eq", "0")
        base = {"ccy": "", "eq": eq, "cashBal": eq, "availBal": eq, "availEq": eq, "eqUsd": "",
                "frozenBal": "0", "ordFrozen": "0", "disEq": "", "upl": "0", "liab": "",
                "uTime": now}  # fmt: skip
        detail = base | row
        held = frozen.get(ccy, Decimal(0))
        if held:
            avail = text(number(eq) - held)
            detail |= {"frozenBal": text(held), "ordFrozen": text(held), "availBal": avail,
                       "availEq": avail}  # fmt: skip
        details.append(detail)
    return [{
        "totalEq": key.total_eq, "adjEq": "", "isoEq": "0", "ordFroz": "", "imr": "", "mmr": "",
        "mgnRatio": "", "notionalUsd": "", "upl": "", "borrowFroz": "", "uTime": now,
        "details": details,
    }]  # fmt: skip


def funding(key: SimKey, ccys: set[str]) -> list[dict[str, Any]]:
    """GET /api/v5/asset/balances: only currencies with a balance."""
    rows = []
    for row in key.funding:
        if ccys and row.get("ccy") not in ccys:
            continue
        if number(row.get("bal", "0")) != 0 or not _parses(row.get("bal", "0")):
            bal = row.get("bal", "0")
            rows.append({"ccy": "", "bal": bal, "availBal": bal, "frozenBal": "0"} | row)
    return rows


def _parses(value: str) -> bool:
    try:
        Decimal(value or "0")
    except InvalidOperation:
        return False
    return True


def available(key: SimKey, ccy: str, frozen: dict[str, Decimal]) -> Decimal:
    """What ``key``'s trading account can spend in ``ccy``: equity minus what orders hold."""
    eq = sum((number(r.get("eq")) for r in key.trading if r.get("ccy") == ccy), Decimal(0))
    return eq - frozen.get(ccy, Decimal(0))


def credit(key: SimKey, ccy: str, amount: Decimal, usd_price: Decimal | None) -> None:
    """Add ``amount`` (negative: take) of ``ccy`` to ``key``'s trading account, totals kept."""
    row = next((r for r in key.trading if r.get("ccy") == ccy), None)
    if row is None:
        row = {"ccy": ccy, "eq": "0"}
        key.trading.append(row)
    eq = number(row.get("eq")) + amount
    fresh = {"eq": text(eq)}
    if usd_price is not None:
        fresh["eqUsd"] = text((eq * usd_price).quantize(_CENT))
    for name in ("cashBal", "availBal", "availEq"):
        if name in row:
            fresh[name] = text(eq)
    row.update(fresh)
    key.total_eq = text(sum((number(r.get("eqUsd")) for r in key.trading), Decimal(0)))


ACCOUNT_LEVELS = ("1", "2", "3", "4")
POSITION_MODES = ("net_mode", "long_short_mode")


def _settable(call: Call, name: str, allowed: tuple[str, ...]) -> str:
    body = call.body if isinstance(call.body, dict) else {}
    value = str(body.get(name) or "")
    if value not in allowed:
        raise OkxError("51000", name)
    if any(order.is_open for order in call.state.account_orders(call.caller)):
        raise OkxError("59000")  # OKX refuses while positions or open orders exist
    return value


def set_account_level(call: Call) -> list[dict[str, Any]]:
    """POST /api/v5/account/set-account-level: every key of the account sees the new level."""
    level = _settable(call, "acctLv", ACCOUNT_LEVELS)
    for key in call.state.account_keys(call.caller.uid, call.caller.demo):
        key.acct_lv = level
    return [{"acctLv": level}]


def set_position_mode(call: Call) -> list[dict[str, Any]]:
    """POST /api/v5/account/set-position-mode (net_mode = one-way, long_short_mode)."""
    mode = _settable(call, "posMode", POSITION_MODES)
    for key in call.state.account_keys(call.caller.uid, call.caller.demo):
        key.pos_mode = mode
    return [{"posMode": mode}]
