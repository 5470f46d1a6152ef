"""What the simulated OKX remembers: keys, sub-accounts, orders, its clock; one lock for all."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from okx_wizard.core.simulator.model import SimKey, SubAccount

KEYS_PER_SUB_ACCOUNT = 50


@dataclass
class Order:
    """One order: OKX's row (``row``) and what it holds while open (``hold`` of ``hold_ccy``)."""

    row: dict[str, Any]
    hold_ccy: str = ""
    hold: Decimal = Decimal(0)

    @property
    def is_open(self) -> bool:
        return self.row["state"] in ("live", "partially_filled")


@dataclass
class SimState:
    """The shared state behind every listener; hold ``lock`` while reading or changing it."""

    clock: Callable[[], float]
    keys: dict[str, SimKey] = field(default_factory=dict)
    sub_accounts: dict[str, dict[str, SubAccount]] = field(default_factory=dict)
    orders: dict[tuple[str, bool], list[Order]] = field(default_factory=dict)
    sub_account_limit: int = 1000
    lock: threading.RLock = field(default_factory=threading.RLock)
    _sequence: int = 0

    def now_ms(self) -> int:
        """The simulator's "now" (the injectable clock) in milliseconds."""
        return int(self.clock() * 1000)

    def next_id(self) -> str:
        """A fresh numeric id, as OKX's order ids and uids look."""
        self._sequence += 1
        return str(700_000_000_000_000_000 + self._sequence)

    def load(self, keys: Iterable[SimKey], subs: Iterable[SubAccount]) -> None:
        created = self.now_ms()
        for key in keys:
            stored = copy.deepcopy(key)
            stored.created_ms = stored.created_ms or created
            self.keys[stored.api_key] = stored
        for sub in subs:
            stored_sub = copy.deepcopy(sub)
            stored_sub.created_ms = stored_sub.created_ms or created
            self.sub_accounts.setdefault(sub.main_uid, {})[sub.name] = stored_sub

    def account_keys(self, uid: str, demo: bool) -> list[SimKey]:
        """Every key of one account (same uid, same environment): they share its balances."""
        return [k for k in self.keys.values() if k.uid == uid and k.demo == demo]

    def account_orders(self, key: SimKey) -> list[Order]:
        return self.orders.setdefault((key.uid, key.demo), [])

    def frozen(self, key: SimKey) -> dict[str, Decimal]:
        """What open orders of ``key``'s account hold, per currency."""
        held: dict[str, Decimal] = {}
        for order in self.orders.get((key.uid, key.demo), []):
            if order.is_open and order.hold:
                held[order.hold_ccy] = held.get(order.hold_ccy, Decimal(0)) + order.hold
        return held

    def sub_account_keys(self, sub: SubAccount, demo: bool) -> list[SimKey]:
        """The keys of sub-account ``sub`` in one environment, oldest first."""
        keys = [
            k for k in self.keys.values()
            if k.uid == sub.uid and k.main_uid == sub.main_uid and k.demo == demo
        ]  # fmt: skip
        return sorted(keys, key=lambda k: k.created_ms)


@dataclass
class Call:
    """One request as a handler sees it: the state, the caller's key (None: public), its input
    and OKX's server time when it arrived (``server_ms``)."""

    state: SimState
    key: SimKey | None
    region: str
    demo: bool
    query: dict[str, str]
    server_ms: int = 0
    body: Any = None

    @property
    def caller(self) -> SimKey:
        """The authenticated key (handlers of signed endpoints only)."""
        assert self.key is not None, "a signed endpoint without a key"
        return self.key
