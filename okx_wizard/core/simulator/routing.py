"""Which endpoint answers a request, with what permission and rate limit, and the answer.

Order of checks: endpoint (404; demo trading lacks /asset/currencies), public rate limit,
signature (auth.py), permission (50120), user rate limit (50011), then the endpoint's own rules.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from typing import Any, Literal, Protocol
from urllib.parse import parse_qs, urlsplit

from okx_wizard.core.simulator import account, market, orders, subaccounts
from okx_wizard.core.simulator.auth import authenticate, is_demo
from okx_wizard.core.simulator.codes import HTTP_STATUS, OkxError, error, ok
from okx_wizard.core.simulator.ratelimit import Limit, RateLimiter
from okx_wizard.core.simulator.state import Call, SimState

Answer = list[dict[str, Any]] | dict[str, Any]


@dataclass(frozen=True)
class Route:
    """An endpoint: its handler, whether it is signed, the permission and limit it needs."""

    handler: Callable[[Call], Answer]
    signed: bool = True
    perm: Literal["read_only", "trade"] = "read_only"
    limit: Limit | None = None
    live_only: bool = False


class Gateway(Protocol):
    """What the pipeline needs from the simulator."""

    state: SimState
    limiter: RateLimiter
    rate_limits: bool
    public_ip: str

    def server_time_ms(self) -> int: ...


def _ccys(call: Call) -> set[str]:
    return {c for c in call.query.get("ccy", "").split(",") if c}


def _balance(call: Call) -> Answer:
    key = call.caller
    return account.balance(key, _ccys(call), call.state.frozen(key), call.state.now_ms())


_SUB_WRITE = Limit(1, 1, "user", group="subaccount-write")
ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/api/v5/public/time"): Route(
        lambda c: [{"ts": str(c.server_ms)}], False, limit=Limit(10, 2, "ip")
    ),
    ("GET", "/api/v5/public/instruments"): Route(
        lambda c: market.list_instruments(c.query, c.state.now_ms()), False,
        limit=Limit(20, 2, "ip_type"),
    ),
    ("GET", "/api/v5/market/ticker"): Route(
        lambda c: market.get_ticker(c.query, c.state.now_ms()), False, limit=Limit(20, 2, "ip")
    ),
    ("GET", "/api/v5/market/tickers"): Route(
        lambda c: market.get_tickers(c.query, c.state.now_ms()), False, limit=Limit(20, 2, "ip")
    ),
    ("GET", "/api/v5/account/config"): Route(
        lambda c: account.config(c.caller), limit=Limit(5, 2, "user")
    ),
    ("GET", "/api/v5/account/balance"): Route(_balance, limit=Limit(10, 2, "user")),
    ("GET", "/api/v5/asset/balances"): Route(
        lambda c: account.funding(c.caller, _ccys(c)), limit=Limit(6, 1, "user")
    ),
    ("GET", "/api/v5/asset/currencies"): Route(
        lambda c: market.currencies(c.query), limit=Limit(6, 1, "user"), live_only=True
    ),
    ("POST", "/api/v5/account/set-account-level"): Route(
        account.set_account_level, perm="trade", limit=Limit(5, 2, "user")
    ),
    ("POST", "/api/v5/account/set-position-mode"): Route(
        account.set_position_mode, perm="trade", limit=Limit(5, 2, "user")
    ),
    ("POST", "/api/v5/trade/order"): Route(orders.place, perm="trade",
                                           limit=Limit(60, 2, "user_inst")),
    ("POST", "/api/v5/trade/batch-orders"): Route(orders.place_batch, perm="trade",
                                                  limit=Limit(300, 2, "user_inst")),
    ("POST", "/api/v5/trade/cancel-order"): Route(orders.cancel, perm="trade",
                                                  limit=Limit(60, 2, "user_inst")),
    ("POST", "/api/v5/trade/cancel-batch-orders"): Route(orders.cancel_batch, perm="trade",
                                                         limit=Limit(300, 2, "user_inst")),
    ("GET", "/api/v5/trade/order"): Route(orders.query, limit=Limit(60, 2, "user_inst")),
    ("GET", "/api/v5/trade/orders-pending"): Route(orders.pending, limit=Limit(60, 2, "user")),
    ("GET", "/api/v5/users/subaccount/list"): Route(subaccounts.list_sub_accounts,
                                                    limit=Limit(20, 2, "user")),
    ("POST", "/api/v5/users/subaccount/create-subaccount"): Route(
        subaccounts.create_sub_account, limit=_SUB_WRITE),
    ("GET", "/api/v5/users/subaccount/apikey"): Route(subaccounts.get_keys,
                                                      limit=Limit(20, 2, "user")),
    ("POST", "/api/v5/users/subaccount/apikey"): Route(subaccounts.create_key, limit=_SUB_WRITE),
    ("POST", "/api/v5/users/subaccount/modify-apikey"): Route(subaccounts.modify_key,
                                                              limit=_SUB_WRITE),
    ("POST", "/api/v5/users/subaccount/delete-apikey"): Route(subaccounts.delete_key,
                                                              limit=_SUB_WRITE),
}  # fmt: skip


def _not_found(method: str, path: str) -> tuple[int, dict[str, Any]]:
    return 404, {"code": "404", "msg": f"Not Found: {method} {path}", "data": []}


def _instruments(call: Call) -> list[str]:
    """The instrument ids a request is about (each order of a batch counts once)."""
    if isinstance(call.body, list):
        return [str(o.get("instId", "")) if isinstance(o, dict) else "" for o in call.body]
    if isinstance(call.body, dict):
        return [str(call.body.get("instId", ""))]
    return [call.query.get("instId", "")]


def _within_limit(gate: Gateway, route: Route, path: str, call: Call) -> bool:
    limit = route.limit
    if limit is None or not gate.rate_limits:
        return True
    name = limit.group or path
    if limit.scope == "ip":
        return gate.limiter.allow((name, gate.public_ip), limit)
    if limit.scope == "ip_type":
        return gate.limiter.allow((name, gate.public_ip, call.query.get("instType")), limit)
    user = (call.caller.uid, call.caller.demo)
    if limit.scope == "user":
        return gate.limiter.allow((name, user), limit)
    counts: dict[str, int] = {}
    for inst_id in _instruments(call):
        counts[inst_id] = counts.get(inst_id, 0) + 1
    return all(gate.limiter.allow((name, user, i), limit, n) for i, n in counts.items())


def handle(
    gate: Gateway, method: str, raw_path: str, region: str, headers: Message, body: str = ""
) -> tuple[int, dict[str, Any]]:
    """HTTP status and JSON body OKX would answer to this request (faults aside)."""
    split = urlsplit(raw_path)
    route = ROUTES.get((method, split.path))
    demo = is_demo(headers)
    if route is None or (route.live_only and demo):
        return _not_found(method, split.path)
    query = {name: ",".join(values) for name, values in parse_qs(split.query).items()}
    call = Call(gate.state, None, region, demo, query, gate.server_time_ms())
    if route.signed:
        outcome = authenticate(
            gate.state, (method, raw_path, region, body), headers, gate.server_time_ms(),
            gate.public_ip,
        )  # fmt: skip
        if isinstance(outcome, tuple):
            code, msg = outcome
            return HTTP_STATUS.get(code, 200), error(code, msg)
        call.key = outcome
        if not outcome.can(route.perm):
            return 200, error("50120")
    if method == "POST":
        try:
            call.body = json.loads(body) if body.strip() else None
        except (ValueError, RecursionError):
            return 200, error("50002")
        if call.body is None:
            return 200, error("50000")
    try:
        if not _within_limit(gate, route, split.path, call):
            raise OkxError("50011")
        with gate.state.lock:
            answer = route.handler(call)
    except OkxError as refused:
        return refused.status, error(refused.code, refused.msg)
    return 200, answer if isinstance(answer, dict) else ok(answer)
