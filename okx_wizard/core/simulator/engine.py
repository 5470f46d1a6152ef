"""The simulator: shared state and settings, one loopback listener per region, start and stop."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from email.message import Message
from typing import Any

from okx_wizard.core.regions import REGION_CODES
from okx_wizard.core.simulator import routing
from okx_wizard.core.simulator.faults import FaultQueue
from okx_wizard.core.simulator.model import Fault, SimKey, SimRequest, SubAccount
from okx_wizard.core.simulator.ratelimit import RateLimiter
from okx_wizard.core.simulator.samples import SAMPLE_KEYS, sample_sub_accounts
from okx_wizard.core.simulator.server import HOST, RegionServer
from okx_wizard.core.simulator.state import SimState

# One listener per region okx-wizard knows, and OKX TR (tr.okx.com) in any case.
SIM_REGIONS: tuple[str, ...] = tuple(dict.fromkeys((*REGION_CODES, "tr")))


class Simulator:
    """The simulated OKX: keys, faults and settings shared by one loopback listener per region.

    ``latency_ms``, ``clock_offset_ms`` (server time = real time + offset), ``public_ip`` (the
    address OKX would see, checked against IP whitelists) and ``rate_limits`` (OKX's documented
    limits, 50011 beyond them; off unless asked, so tests that hammer one key stay deterministic;
    ``python -m okx_wizard.core.simulator`` turns them on) may be changed while it runs.
    ``clock`` (seconds since the epoch, e.g. a :class:`ManualClock`) is "now" for what the
    simulator stamps (key and order ``ts``) and for rate-limit windows; it never moves the
    signature's 30 s window. Keys are copied in: change them through :meth:`key`.
    ``sub_accounts`` defaults to the sub-accounts the keys name.
    """

    def __init__(
        self,
        keys: Iterable[SimKey] = SAMPLE_KEYS,
        *,
        latency_ms: float = 0,
        clock_offset_ms: int = 0,
        public_ip: str = "203.0.113.7",
        port_base: int = 0,
        rate_limits: bool = False,
        clock: Callable[[], float] = time.time,
        sub_accounts: Iterable[SubAccount] | None = None,
    ) -> None:
        self.latency_ms = latency_ms
        self.clock_offset_ms = clock_offset_ms
        self.public_ip = public_ip
        self.port_base = port_base
        self.rate_limits = rate_limits
        self.requests: list[SimRequest] = []
        self.urls: dict[str, str] = {}
        self.log: Callable[[str], None] | None = None
        self.stopping = threading.Event()
        self.state = SimState(clock)
        self.limiter = RateLimiter(clock)
        key_list = list(keys)
        subs = sample_sub_accounts(key_list) if sub_accounts is None else list(sub_accounts)
        self.state.load(key_list, subs)
        self._faults = FaultQueue()
        self._servers: list[RegionServer] = []
        self._threads: list[threading.Thread] = []

    def start(self) -> Simulator:
        """Bind one listener per region (ports ``port_base + i``, or free ones) and serve."""
        if self._servers:
            return self
        self.stopping.clear()
        try:
            for index, code in enumerate(SIM_REGIONS):
                port = self.port_base + index if self.port_base else 0
                server = RegionServer(port, code, self)
                self._servers.append(server)
                self.urls[code] = f"http://{HOST}:{server.server_port}"
        except OSError:
            self.stop()
            raise
        for server in self._servers:
            name = f"okx-sim-{server.region}"
            thread = threading.Thread(
                target=server.serve_forever, args=(0.05,), name=name, daemon=True
            )
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop serving, wake hanging requests, cut open connections and release the ports."""
        self.stopping.set()
        stoppers = [  # in parallel: each waits up to one poll interval
            threading.Thread(target=server.shutdown, daemon=True)
            for server, _ in zip(self._servers, self._threads, strict=False)
        ]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()
        for server in self._servers:
            server.server_close()
            server.cut_connections()
        for thread in self._threads:
            thread.join(timeout=2)
        self._servers, self._threads = [], []
        self.urls.clear()

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def url(self, region: str = "global") -> str:
        """Base URL of ``region``'s listener, e.g. ``http://127.0.0.1:40123``."""
        if not self.urls:
            raise RuntimeError("the simulator is not running: call start() first")
        try:
            return self.urls[region]
        except KeyError:
            raise ValueError(f"no simulated region {region!r}: {', '.join(self.urls)}") from None

    @property
    def sub_account_limit(self) -> int:
        """How many sub-accounts a main account may have (59603 beyond)."""
        return self.state.sub_account_limit

    @sub_account_limit.setter
    def sub_account_limit(self, value: int) -> None:
        self.state.sub_account_limit = value

    def add_key(self, key: SimKey) -> None:
        """Create (or replace) a key; a copy is stored."""
        with self.state.lock:
            self.state.load([key], [])

    def delete_key(self, api_key: str) -> None:
        """Delete a key, as the user would on OKX's site: it then answers 50119."""
        with self.state.lock:
            del self.state.keys[api_key]

    def key(self, api_key: str) -> SimKey:
        """The live key object: changes to it apply to the next request."""
        with self.state.lock:
            return self.state.keys[api_key]

    def add_sub_account(self, sub: SubAccount) -> None:
        """Create (or replace) a sub-account under ``sub.main_uid``; a copy is stored."""
        with self.state.lock:
            self.state.load([], [sub])

    def sub_account(self, main_uid: str, name: str) -> SubAccount:
        """The live sub-account object (KeyError when there is none)."""
        with self.state.lock:
            return self.state.sub_accounts[main_uid][name]

    def add_fault(self, fault: Fault) -> None:
        """Queue a fault; the first matching fault wins and its ``times`` counts down."""
        self._faults.add(fault)

    def clear_faults(self) -> None:
        """Remove every queued fault."""
        self._faults.clear()

    def server_time_ms(self) -> int:
        """The simulated OKX clock: real time plus ``clock_offset_ms``."""
        return int(time.time() * 1000) + int(self.clock_offset_ms)

    def take_fault(self, path: str) -> Fault | None:
        """The fault the next request under ``path`` gets, if any (counted down)."""
        return self._faults.take(path)

    def record(self, record: SimRequest) -> None:
        """Remember a request (``requests``)."""
        with self.state.lock:
            self.requests.append(record)

    def respond(
        self, method: str, raw_path: str, region: str, headers: Message, body: str = ""
    ) -> tuple[int, dict[str, Any]]:
        """HTTP status and JSON body OKX would answer to this request (faults aside)."""
        return routing.handle(self, method, raw_path, region, headers, body)
