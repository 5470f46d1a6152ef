"""What the security tests share: simulator keys with chosen answers, the real CLI, a recorder.

Every attack runs against the real thing: the CLI in a subprocess with an isolated home, the
simulator (or a raw socket) on loopback, real files on disk.
"""

from __future__ import annotations

import json
import socket
import threading
import uuid
from dataclasses import replace
from typing import Any

from okx_wizard.core.simulator import SAMPLE, SimKey

TRACEBACK = "Traceback (most recent call last)"


def key_with(**account: Any) -> SimKey:
    """The simulator's good sample key with a fresh API key and the account fields given."""
    return replace(SAMPLE["good"], api_key=str(uuid.uuid4()), **account)


def stdin_of(key: SimKey) -> bytes:
    """The JSON ``login --stdin`` reads for ``key``."""
    return json.dumps(
        {"api_key": key.api_key, "secret_key": key.secret_key, "passphrase": key.passphrase}
    ).encode()


class Recorder:
    """A TCP listener on loopback that keeps every byte it is sent and answers nothing useful.

    Used as an HTTP proxy (``HTTP_PROXY``) or as a host a request must never reach.
    """

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.received = bytearray()
        self.connections = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def __enter__(self) -> Recorder:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._sock.close()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
            with conn:
                conn.settimeout(2)
                try:
                    data = conn.recv(65536)
                    with self._lock:
                        self.received += data
                    conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    pass
