"""One region's loopback listener: a ThreadingHTTPServer whose handler reads, records, waits the
simulated latency, then answers or plays a fault."""

from __future__ import annotations

import contextlib
import json
import select
import socket
import sys
import threading
import time
from collections.abc import Callable
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from typing import Any, Protocol, cast
from urllib.parse import urlsplit

from okx_wizard.core.simulator.auth import is_demo
from okx_wizard.core.simulator.faults import phrase, reply
from okx_wizard.core.simulator.model import Fault, SimRequest

HOST = "127.0.0.1"


class Host(Protocol):
    """What a listener needs from the simulator it serves."""

    latency_ms: float
    log: Callable[[str], None] | None
    stopping: threading.Event

    def take_fault(self, path: str) -> Fault | None: ...

    def record(self, record: SimRequest) -> None: ...

    def respond(
        self, method: str, raw_path: str, region: str, headers: Message, body: str = ""
    ) -> tuple[int, dict[str, Any]]: ...


class RegionServer(ThreadingHTTPServer):
    """One region's listener: a thread per connection, never joined, connections tracked."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 256

    def __init__(self, port: int, region: str, sim: Host) -> None:
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
        server = cast(RegionServer, self.server)
        if server.sim.log is not None:
            server.sim.log(f"[{server.region}] {format % args}")

    def _serve(self) -> None:
        server = cast(RegionServer, self.server)
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
            demo=is_demo(self.headers),
        )
        sim.record(record)
        if sim.latency_ms > 0 and sim.stopping.wait(sim.latency_ms / 1000):
            self._close(record)
            return
        fault = sim.take_fault(split.path)
        if fault is not None:
            self._play(fault, record)
            return
        status, payload = sim.respond(self.command, self.path, server.region, self.headers, body)
        record.code = str(payload.get("code"))
        self._send(record, status, json.dumps(payload).encode(), "application/json")

    do_GET = do_POST = _serve

    def _play(self, fault: Fault, record: SimRequest) -> None:
        answer = reply(fault)
        if answer is None:
            if fault.kind == "hang":
                self._hang()
            self._close(record)
            return
        if answer.code is not None:
            record.code = answer.code
        self._send(record, answer.status, answer.body, answer.content_type, *answer.headers)

    def _hang(self) -> None:
        """Wait until the simulator stops or the client hangs up."""
        sim = cast(RegionServer, self.server).sim
        while not sim.stopping.wait(0.05):
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
            self.send_response(status, phrase(status))
            headers = (("Content-Type", ctype), ("Content-Length", str(len(body))), *extra)
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            self.close_connection = True
