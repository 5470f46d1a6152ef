"""The simulator's records: a key and its account, a fault to inject, a request it received."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

FaultKind = Literal["status", "okx_error", "html", "broken_json", "drop", "hang"]


@dataclass
class SimKey:
    """One API key and the account behind it, as the simulated OKX knows them.

    ``uid != main_uid`` makes it a sub-account key (``sub_account`` names the sub-account).
    ``trading`` rows are account/balance details (``ccy`` and ``eq`` at least; missing fields
    default from ``eq``), ``funding`` rows are asset/balances rows (``ccy`` and ``bal``).
    ``created_ms`` is the key's creation time (the ``ts`` of the sub-account key API; 0: when
    the simulator was made).
    """

    api_key: str
    secret_key: str = field(repr=False)
    passphrase: str = field(repr=False)
    region: str = "global"
    demo: bool = False
    uid: str = "448300000000000101"
    main_uid: str = "448300000000000001"
    account_type: str = "1"
    acct_lv: str = "2"
    pos_mode: str = "net_mode"
    perm: str = "read_only,trade"
    ip: str = ""
    label: str = "bot"
    frozen: bool = False
    total_eq: str = "0"
    trading: list[dict[str, str]] = field(default_factory=list)
    funding: list[dict[str, str]] = field(default_factory=list)
    kyc_lv: str = "2"
    sub_account: str = ""
    created_ms: int = 0

    @property
    def is_main(self) -> bool:
        """A main-account key (not a sub-account's)."""
        return self.uid == self.main_uid

    def can(self, permission: str) -> bool:
        """Whether ``permission`` (read_only, trade, withdraw) is granted; Read always is."""
        return permission == "read_only" or permission in self.perm.split(",")


@dataclass
class SubAccount:
    """A sub-account under a main account (``main_uid``), in live or demo trading."""

    name: str
    uid: str
    main_uid: str
    label: str = ""
    type: str = "1"
    enable: bool = True
    created_ms: int = 0


@dataclass
class Fault:
    """A failure to inject: the next ``times`` requests under ``path`` (-1: all) get it.

    ``status``: HTTP ``status`` with an OKX JSON error (``code``; a 429 with the default code
    answers 50011). ``okx_error``: ``code``/``msg`` with OKX's HTTP status for that code (200
    when unlisted) unless ``status`` is set to something other than 500. ``html``: an HTML error
    page. ``broken_json``: 200 with truncated JSON. ``drop``: close without answering. ``hang``:
    never answer until the client leaves or the simulator stops. ``retry_after`` adds a
    Retry-After header (seconds, may be fractional).
    """

    kind: FaultKind
    path: str | None = None
    times: int = 1
    status: int = 500
    retry_after: float | None = None
    code: str = "50001"
    msg: str = ""


@dataclass
class SimRequest:
    """One request the simulator received; never holds the secret, passphrase or signature."""

    method: str
    path: str
    region: str
    api_key: str
    time_started: float
    time_finished: float | None = None
    query: str = ""
    demo: bool = False
    status: int | None = None
    code: str | None = None


class ManualClock:
    """A clock a test sets and advances (seconds since the epoch), for ``Simulator(clock=…)``.

    It drives what the simulator stamps (key and order ``ts``) and its rate-limit windows, never
    the signature's 30 s window (that follows real time plus ``clock_offset_ms``).
    """

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward (or back, with a negative number)."""
        self.now += seconds
