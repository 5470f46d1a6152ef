"""A local OKX v5 REST simulator: OKX's signature, timestamp and key rules on loopback sockets.

Tests, screenshots and ``okx-wizard --simulator`` use it so the whole flow can be walked with no
OKX account. It listens on 127.0.0.1 only, one listener per region (``urls``), all sharing one set
of keys, so a key used against another region's listener fails with 50119 as on OKX.

Checks run in this order, each answering with OKX's code and HTTP status: endpoint (404), headers
(50103, 50104, 50106, 50107), timestamp (50112 malformed, 50102 more than 30 s from server time),
key (50111 impossible shape, 50119 unknown here), environment (50101), passphrase (50105),
signature (50113), frozen (50100), IP whitelist (50110).

Run ``python -m okx_wizard.core.simulator`` to serve it in the foreground with the sample keys.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import hmac
import ipaddress
import json
import re
import select
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from types import FrameType
from typing import Any, Literal, cast
from urllib.parse import parse_qs, urlsplit

from okx_wizard.core.regions import REGION_CODES
from okx_wizard.core.signing import parse_okx_timestamp, sign

HOST = "127.0.0.1"
MAX_SKEW_MS = 30_000
DEMO_HEADER = "x-simulated-trading"
FaultKind = Literal["status", "okx_error", "html", "broken_json", "drop", "hang"]

MESSAGES: dict[str, str] = {
    "50001": "Service temporarily unavailable. Please try again later.",
    "50004": "Endpoint request timeout.", "50011": "Too Many Requests",
    "50013": "Systems are busy. Please try again later.",
    "50026": "System error. Try again later.", "50030": "No permission to use this API.",
    "50100": "API frozen, please contact customer service.",
    "50101": "APIKey does not match current environment.", "50102": "Timestamp request expired.",
    "50103": 'Request header "OK-ACCESS-KEY" cannot be empty.',
    "50104": 'Request header "OK-ACCESS-PASSPHRASE" cannot be empty.',
    "50105": 'Request header "OK-ACCESS-PASSPHRASE" incorrect.',
    "50106": 'Request header "OK-ACCESS-SIGN" cannot be empty.',
    "50107": 'Request header "OK-ACCESS-TIMESTAMP" cannot be empty.',
    "50111": "Invalid OK-ACCESS-KEY.", "50112": "Invalid OK-ACCESS-TIMESTAMP.",
    "50113": "Invalid Sign", "50119": "API key doesn't exist.",
    "50120": "API key doesn't have permission for this function.",
}  # fmt: skip
IP_MESSAGE = "Your IP {ip} is not included in your API key's IP whitelist"
# HTTP status OKX sends with a code; codes not listed come with 200 (OKX.md's table).
HTTP_STATUS: dict[str, int] = {
    "50001": 503, "50004": 400, "50011": 429, "50013": 429, "50026": 500, "50035": 403,
    "50100": 400, "50101": 401, "50102": 401, "50103": 401, "50104": 401, "50105": 401,
    "50106": 401, "50107": 401, "50110": 401, "50111": 401, "50112": 401, "50113": 401,
    "50114": 401, "50119": 401,
}  # fmt: skip
_KEY_SHAPE = re.compile(r"[0-9A-Za-z-]{8,64}")
_HTML_PAGE = (
    "<html>\r\n<head><title>{status} {phrase}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {phrase}</h1></center>\r\n<hr><center>cloudflare</center>\r\n"
    "</body>\r\n</html>\r\n"
)
_BROKEN_JSON = b'{"code":"0","msg":"","data":[{"uid":"4483'


@dataclass
class SimKey:
    """One API key and the account behind it, as the simulated OKX knows them.

    ``uid != main_uid`` makes it a sub-account key. ``trading`` rows are account/balance details
    (``ccy`` and ``eq`` at least; missing fields default from ``eq``), ``funding`` rows are
    asset/balances rows (``ccy`` and ``bal``).
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


def _sample(name: str, api_key: str, secret: str, passphrase: str, **account: Any) -> SimKey:
    return SimKey(api_key, secret, passphrase, **({"label": f"Sim{name.title()}"} | account))


# The sample accounts, all live unless said: good (global sub-account, read_only+trade, bound to
# 203.0.113.7, 125.5 USDT), demo (demo-trading key), eea (region eea), withdraw (also withdraw),
# main (the main account, trade, no IP), readonly (read-only sub-account, no IP, empty), rotated
# (a second good key on good's sub-account, for rotation).
_GOOD_UID, _MAIN_UID = "448300000000000101", "448300000000000001"
_USDT = [{"ccy": "USDT", "eq": "125.5", "eqUsd": "125.5"}]
SAMPLE: dict[str, SimKey] = {
    "good": _sample(
        "good", "55b271b5-a561-5dac-8d40-ed83af31e9a8", "BE0744DE60107C959F56170A01E4BE21",
        "Good#Sim2024", uid=_GOOD_UID, ip="203.0.113.7", total_eq="125.5", trading=_USDT,
        funding=[{"ccy": "USDT", "bal": "20"}, {"ccy": "BTC", "bal": "0"}],
    ),
    "demo": _sample(
        "demo", "b3650e48-9922-56bf-9318-d87f05bbce41", "9F9347B2B793F60E9C3EA6C0866C9198",
        "Demo@Sim2024", demo=True, uid="448300000000000102", total_eq="5000",
        trading=[{"ccy": "USDT", "eq": "5000", "eqUsd": "5000"}],
    ),
    "eea": _sample(
        "eea", "315a3c85-7c68-5535-bfe7-6f8f50cac637", "52EE94169E12741B744095091F2A438F",
        "Eea_Sim#2024", region="eea", uid="448300000000000201", main_uid="448300000000000002",
        ip="203.0.113.7", total_eq="80", trading=[{"ccy": "EUR", "eq": "75", "eqUsd": "80"}],
    ),
    "withdraw": _sample(
        "withdraw", "8f2fa089-d9ad-5dda-805f-9e5668bf247c", "8CD996A8B8C77DDAEA086A66604243BE",
        "Withdraw%Sim24", uid="448300000000000103", perm="read_only,trade,withdraw",
        ip="203.0.113.7", total_eq="125.5", trading=_USDT,
    ),
    "main": _sample(
        "main", "e48a1c51-e8f5-5530-b143-4dcaa2e91a3d", "F8E2A21335C70C22D77A5BF8F4A0E443",
        "Main+Sim2024", uid=_MAIN_UID, account_type="0", acct_lv="3", pos_mode="long_short_mode",
        total_eq="31000", trading=[{"ccy": "BTC", "eq": "0.5", "eqUsd": "30000"},
                                   {"ccy": "USDT", "eq": "1000", "eqUsd": "1000"}],
        funding=[{"ccy": "USDT", "bal": "250", "availBal": "200", "frozenBal": "50"}],
    ),
    "readonly": _sample(
        "readonly", "33a41061-3abe-5100-bac1-a7ef5f497e27", "53ADF63A39C7B8E94A1CA9032E910D94",
        "Read.Only#24", uid="448300000000000104", perm="read_only",
    ),
    "rotated": _sample(
        "rotated", "a8fa2c05-0326-5901-9f9f-62ed13a96d82", "CDE7E09AB926D3D85E060A308BA721AE",
        "Rotated@Sim24", uid=_GOOD_UID, ip="203.0.113.7", total_eq="125.5", trading=_USDT,
    ),
}  # fmt: skip
SAMPLE_KEYS: tuple[SimKey, ...] = tuple(SAMPLE.values())


def _ok(data: list[dict[str, Any]]) -> dict[str, Any]:
    return {"code": "0", "msg": "", "data": data}


def _error(code: str, msg: str = "") -> dict[str, Any]:
    """OKX's error body; auth errors (501xx) come without ``data``, as OKX often sends them."""
    body: dict[str, Any] = {"code": code, "msg": msg or MESSAGES.get(code, "")}
    if not code.startswith("501"):
        body["data"] = []
    return body


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode())


def ip_allowed(public_ip: str, whitelist: str) -> bool:
    """Whether ``public_ip`` is inside a comma-joined list of IPv4/IPv6 addresses or CIDRs."""
    try:
        address = ipaddress.ip_address(public_ip.strip())
    except ValueError:
        return False
    for entry in whitelist.split(","):
        try:
            network = ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            continue
        if address in network:
            return True
    return False


def _config(key: SimKey, ccys: set[str]) -> list[dict[str, Any]]:
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


def _balance(key: SimKey, ccys: set[str]) -> list[dict[str, Any]]:
    now = str(int(time.time() * 1000))
    details = []
    for row in key.trading:
        if ccys and row.get("ccy") not in ccys:
            continue
        eq = row.get("eq", "0")
        base = {"ccy": "", "eq": eq, "cashBal": eq, "availBal": eq, "availEq": eq, "eqUsd": "",
                "frozenBal": "0", "ordFrozen": "0", "disEq": "", "upl": "0", "liab": "",
                "uTime": now}  # fmt: skip
        details.append(base | row)
    return [{
        "totalEq": key.total_eq, "adjEq": "", "isoEq": "0", "ordFroz": "", "imr": "", "mmr": "",
        "mgnRatio": "", "notionalUsd": "", "upl": "", "borrowFroz": "", "uTime": now,
        "details": details,
    }]  # fmt: skip


def _funding(key: SimKey, ccys: set[str]) -> list[dict[str, Any]]:
    rows = []
    for row in key.funding:
        if ccys and row.get("ccy") not in ccys:
            continue
        try:
            empty = float(row.get("bal", "0") or "0") == 0
        except ValueError:
            empty = False
        if not empty:
            bal = row.get("bal", "0")
            rows.append({"ccy": "", "bal": bal, "availBal": bal, "frozenBal": "0"} | row)
    return rows


_PRIVATE: dict[str, Callable[[SimKey, set[str]], list[dict[str, Any]]]] = {
    "/api/v5/account/config": _config,
    "/api/v5/account/balance": _balance,
    "/api/v5/asset/balances": _funding,
}


class Simulator:
    """The simulated OKX: keys, faults and settings shared by one loopback listener per region.

    ``latency_ms``, ``clock_offset_ms`` (server time = real time + offset) and ``public_ip`` (the
    address OKX would see, checked against IP whitelists) may be changed while it runs. Keys
    are copied in: change them through :meth:`key`.
    """

    def __init__(
        self,
        keys: Iterable[SimKey] = SAMPLE_KEYS,
        *,
        latency_ms: float = 0,
        clock_offset_ms: int = 0,
        public_ip: str = "203.0.113.7",
        port_base: int = 0,
    ) -> None:
        self.latency_ms = latency_ms
        self.clock_offset_ms = clock_offset_ms
        self.public_ip = public_ip
        self.port_base = port_base
        self.requests: list[SimRequest] = []
        self.urls: dict[str, str] = {}
        self.log: Callable[[str], None] | None = None
        self._lock = threading.Lock()
        self._keys = {key.api_key: copy.deepcopy(key) for key in keys}
        self._faults: list[Fault] = []
        self._stopping = threading.Event()
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []

    def start(self) -> Simulator:
        """Bind one listener per region (ports ``port_base + i``, or free ones) and serve."""
        if self._servers:
            return self
        self._stopping.clear()
        try:
            for index, code in enumerate(REGION_CODES):
                server = _Server(self.port_base + index if self.port_base else 0, code, self)
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
        self._stopping.set()
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

    def add_key(self, key: SimKey) -> None:
        """Create (or replace) a key; a copy is stored."""
        with self._lock:
            self._keys[key.api_key] = copy.deepcopy(key)

    def delete_key(self, api_key: str) -> None:
        """Delete a key, as the user would on OKX's site: it then answers 50119."""
        with self._lock:
            del self._keys[api_key]

    def key(self, api_key: str) -> SimKey:
        """The live key object: changes to it apply to the next request."""
        with self._lock:
            return self._keys[api_key]

    def add_fault(self, fault: Fault) -> None:
        """Queue a fault; the first matching fault wins and its ``times`` counts down."""
        with self._lock:
            self._faults.append(fault)

    def clear_faults(self) -> None:
        """Remove every queued fault."""
        with self._lock:
            self._faults.clear()

    def server_time_ms(self) -> int:
        """The simulated OKX clock: real time plus ``clock_offset_ms``."""
        return int(time.time() * 1000) + int(self.clock_offset_ms)

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.times != 0 and (fault.path is None or path.startswith(fault.path)):
                    if fault.times > 0:
                        fault.times -= 1
                        if fault.times == 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def _record(self, record: SimRequest) -> None:
        with self._lock:
            self.requests.append(record)

    def respond(
        self, method: str, raw_path: str, region: str, headers: Message, body: str = ""
    ) -> tuple[int, dict[str, Any]]:
        """HTTP status and JSON body OKX would answer to this request (faults aside)."""
        split = urlsplit(raw_path)
        if method == "GET" and split.path == "/api/v5/public/time":
            return 200, _ok([{"ts": str(self.server_time_ms())}])
        endpoint = _PRIVATE.get(split.path) if method == "GET" else None
        if endpoint is None:
            return 404, {"code": "404", "msg": f"Not Found: {method} {split.path}", "data": []}
        outcome = self._authenticate(method, raw_path, region, headers, body)
        if isinstance(outcome, tuple):
            code, msg = outcome
            return HTTP_STATUS.get(code, 200), _error(code, msg)
        ccys = {c for v in parse_qs(split.query).get("ccy", []) for c in v.split(",") if c}
        return 200, _ok(endpoint(outcome, ccys))

    def _authenticate(
        self, method: str, raw_path: str, region: str, headers: Message, body: str
    ) -> SimKey | tuple[str, str]:
        """The key a request proves it holds, or the OKX (code, msg) refusing it."""
        api_key = headers.get("OK-ACCESS-KEY", "").strip()
        passphrase = headers.get("OK-ACCESS-PASSPHRASE", "")
        signature = headers.get("OK-ACCESS-SIGN", "").strip()
        timestamp = headers.get("OK-ACCESS-TIMESTAMP", "").strip()
        for value, code in (
            (api_key, "50103"), (passphrase.strip(), "50104"),
            (signature, "50106"), (timestamp, "50107"),
        ):  # fmt: skip
            if not value:
                return code, ""
        try:
            stamp_ms = parse_okx_timestamp(timestamp)
        except (ValueError, OverflowError):
            return "50112", ""
        if abs(stamp_ms - self.server_time_ms()) > MAX_SKEW_MS:
            return "50102", ""
        if not _KEY_SHAPE.fullmatch(api_key):
            return "50111", ""
        with self._lock:
            key = self._keys.get(api_key)
        if key is None or key.region != region:
            return "50119", ""
        if (headers.get(DEMO_HEADER, "").strip() == "1") != key.demo:
            return "50101", ""
        if not _same(passphrase, key.passphrase):
            return "50105", ""
        if not _same(signature, sign(key.secret_key, timestamp, method, raw_path, body)):
            return "50113", ""
        if key.frozen:
            return "50100", ""
        if key.ip and not ip_allowed(self.public_ip, key.ip):
            return "50110", IP_MESSAGE.format(ip=self.public_ip)
        return key


class _Server(ThreadingHTTPServer):
    """One region's listener: a thread per connection, never joined, connections tracked."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 256

    def __init__(self, port: int, region: str, sim: Simulator) -> None:
        self.region = region
        self.sim = sim
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__((HOST, port), _Handler)

    def server_bind(self) -> None:
        TCPServer.server_bind(self)  # skip HTTPServer's getfqdn(): a DNS lookup
        self.server_name, self.server_port = HOST, int(self.server_address[1])

    def process_request(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        if isinstance(request, socket.socket):
            with self.sockets_lock:
                self.open_sockets.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: socket.socket | tuple[bytes, socket.socket]) -> None:
        with self.sockets_lock:
            self.open_sockets.discard(cast(socket.socket, request))
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)

    def cut_connections(self) -> None:
        """Shut every open connection so its handler thread ends now."""
        with self.sockets_lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    """Reads one request, records it, waits ``latency_ms``, then answers or plays a fault."""

    protocol_version = "HTTP/1.1"
    server_version = "okx-simulator"
    sys_version = ""
    timeout = 120
    disable_nagle_algorithm = True  # else each answer waits ~40 ms for a delayed ACK

    def log_message(self, format: str, *args: Any) -> None:
        server = cast(_Server, self.server)
        if server.sim.log is not None:
            server.sim.log(f"[{server.region}] {format % args}")

    def _serve(self) -> None:
        server = cast(_Server, self.server)
        sim = server.sim
        length = int(self.headers.get("Content-Length", "0") or "0")
        body = self.rfile.read(length).decode("utf-8", "replace") if length > 0 else ""
        split = urlsplit(self.path)
        record = SimRequest(
            method=self.command,
            path=split.path,
            region=server.region,
            api_key=self.headers.get("OK-ACCESS-KEY", "").strip(),
            time_started=time.monotonic(),
            query=split.query,
            demo=self.headers.get(DEMO_HEADER, "").strip() == "1",
        )
        sim._record(record)
        if sim.latency_ms > 0 and sim._stopping.wait(sim.latency_ms / 1000):
            self._close(record)
            return
        fault = sim._take_fault(split.path)
        if fault is not None:
            self._play(fault, record)
            return
        status, payload = sim.respond(self.command, self.path, server.region, self.headers, body)
        record.code = str(payload.get("code"))
        self._send(record, status, json.dumps(payload).encode(), "application/json")

    do_GET = do_POST = _serve

    def _play(self, fault: Fault, record: SimRequest) -> None:
        if fault.kind == "drop":
            self._close(record)
        elif fault.kind == "hang":
            self._hang()
            self._close(record)
        elif fault.kind == "broken_json":
            self._send(record, 200, _BROKEN_JSON, "application/json")
        else:
            wait = () if fault.retry_after is None else (("Retry-After", f"{fault.retry_after:g}"),)
            if fault.kind == "html":
                phrase = _phrase(fault.status)
                page = _HTML_PAGE.format(status=fault.status, phrase=phrase).encode()
                self._send(record, fault.status, page, "text/html; charset=UTF-8", *wait)
                return
            code, status = fault.code, fault.status
            if fault.kind == "status" and status == 429 and code == "50001":
                code = "50011"
            if fault.kind == "okx_error" and status == 500:
                status = HTTP_STATUS.get(code, 200)
            record.code = code
            payload = json.dumps(_error(code, fault.msg)).encode()
            self._send(record, status, payload, "application/json", *wait)

    def _hang(self) -> None:
        """Wait until the simulator stops or the client hangs up."""
        sim = cast(_Server, self.server).sim
        while not sim._stopping.wait(0.05):
            try:
                readable, _, _ = select.select([self.connection], [], [], 0)
                if readable and not self.connection.recv(1, socket.MSG_PEEK):
                    return
            except OSError:
                return

    def _close(self, record: SimRequest) -> None:
        record.time_finished = time.monotonic()
        self.close_connection = True

    def _send(
        self, record: SimRequest, status: int, body: bytes, ctype: str, *extra: tuple[str, str]
    ) -> None:
        record.status = status
        record.time_finished = time.monotonic()
        try:
            self.send_response(status, _phrase(status))
            headers = (("Content-Type", ctype), ("Content-Length", str(len(body))), *extra)
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            self.close_connection = True


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def describe(sim: Simulator) -> str:
    """The text ``python -m okx_wizard.core.simulator`` prints: URLs and sample credentials."""
    lines = ["OKX simulator (loopback only, not OKX). Ctrl+C to stop.", ""]
    lines += [f"  {code:<7} {url}" for code, url in sim.urls.items()]
    lines += [f"\n  latency {sim.latency_ms:g} ms, clock offset {sim.clock_offset_ms} ms, "
              f"public IP {sim.public_ip}\n\nSample keys (simulator only):"]  # fmt: skip
    for name, key in SAMPLE.items():
        kind = "main account" if key.uid == key.main_uid else "sub-account"
        lines.append(
            f"  {name}: region={key.region} {'demo' if key.demo else 'live'} {kind} "
            f"perm={key.perm} ip={key.ip or '-'}\n    api_key={key.api_key}\n"
            f"    secret_key={key.secret_key}\n    passphrase={key.passphrase}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the simulator with the sample keys until Ctrl+C or SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m okx_wizard.core.simulator")
    parser.add_argument("--port-base", type=int, default=0, help="first port (0: free ports)")
    parser.add_argument("--latency-ms", type=float, default=0)
    parser.add_argument("--clock-offset-ms", type=int, default=0)
    parser.add_argument("--public-ip", default="203.0.113.7")
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args(argv)
    settings = {name: value for name, value in vars(args).items() if name != "quiet"}
    sim = Simulator(**settings)
    if not args.quiet:
        sim.log = lambda line: print(line, file=sys.stderr, flush=True)
    done = threading.Event()

    def finish(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGINT, finish)
    signal.signal(signal.SIGTERM, finish)
    try:
        sim.start()
    except OSError as exc:
        print(f"cannot listen on {HOST}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(describe(sim), flush=True)
    try:
        while not done.wait(0.5):
            pass
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
