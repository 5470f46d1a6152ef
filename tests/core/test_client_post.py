"""The client's signed POST and its bounded reader, through real httpx on loopback sockets.

The simulator answers no write endpoint yet, so a small recording server stands in for OKX
here: it checks nothing itself, it keeps what it received so the test can check the signature
independently (HMAC-SHA256 of ts + "POST" + path + body, as OKX's docs and python-okx say).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from okx_wizard.core.client import OkxClient
from okx_wizard.core.errors import WizardError
from okx_wizard.core.models import Endpoint
from okx_wizard.core.secret import Credentials, Secret
from tests.hardening.hostile_server import HostileServer

APIKEY = "/api/v5/users/subaccount/apikey"
CREDS = Credentials(
    "5b2e0f94-8f1b-4a53-9c1d-0d6f3a0be9a8",
    Secret("0123456789ABCDEF0123456789ABCDEF"),
    Secret("Admin#Pass123"),
)


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Recorder:
    """Answers each request with the next scripted (status, JSON) and keeps what it received."""

    script: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    rec = Recorder()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            rec.received.append(Received(self.command, self.path, dict(self.headers), body))
            status, payload = rec.script.pop(0) if rec.script else (200, {"code": "0", "data": []})
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _serve

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    rec.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield rec
    finally:
        server.shutdown()
        server.server_close()


def expected_sign(secret: str, stamp: str, path: str, body: str) -> str:
    digest = hmac.new(secret.encode(), f"{stamp}POST{path}{body}".encode(), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode()


async def test_post_signs_the_json_body(recorder: Recorder) -> None:
    recorder.script = [(200, {"code": "0", "data": [{"subAcct": "bot01", "apiKey": "k"}]})]
    body = {"subAcct": "bot01", "label": "bot", "perm": "read_only,trade", "ip": "203.0.113.7"}
    async with OkxClient(Endpoint("global", True, recorder.url), timeout=5) as client:
        data = await client.post(APIKEY, body, CREDS)
    assert data == [{"subAcct": "bot01", "apiKey": "k"}]
    (got,) = recorder.received
    assert (got.method, got.path) == ("POST", APIKEY)
    assert json.loads(got.body) == body
    headers = {k.lower(): v for k, v in got.headers.items()}
    assert headers["content-type"] == "application/json"
    assert headers["x-simulated-trading"] == "1"
    assert headers["ok-access-key"] == CREDS.api_key
    assert headers["ok-access-passphrase"] == "Admin#Pass123"
    stamp = headers["ok-access-timestamp"]
    secret = CREDS.secret_key.reveal()
    assert headers["ok-access-sign"] == expected_sign(secret, stamp, APIKEY, got.body.decode())


async def test_post_is_not_resent_after_a_server_error(recorder: Recorder) -> None:
    recorder.script = [(500, {"code": "50026", "msg": "system error"})] * 3
    async with OkxClient(Endpoint("global", False, recorder.url), timeout=5) as client:
        with pytest.raises(WizardError) as caught:
            await client.post(APIKEY, {"subAcct": "bot01"}, CREDS)
    assert caught.value.okx_code == "50026"
    assert len(recorder.received) == 1  # OKX may have acted on it: never sent twice


async def test_get_is_resent_after_a_server_error(recorder: Recorder) -> None:
    recorder.script = [(500, {"code": "50026", "msg": "system error"})]
    async with OkxClient(Endpoint("global", False, recorder.url), timeout=5) as client:
        assert await client.get(APIKEY, CREDS, {"subAcct": "bot01"}) == []
    assert [r.method for r in recorder.received] == ["GET", "GET"]


@pytest.mark.parametrize(
    "refusal", [(200, {"code": "50011", "msg": "rate limit"}), (429, {"code": "50011"})]
)
async def test_post_is_resent_when_the_rate_limit_refused_it(
    recorder: Recorder, refusal: tuple[int, dict[str, Any]]
) -> None:
    recorder.script = [refusal]
    async with OkxClient(Endpoint("global", False, recorder.url), timeout=5) as client:
        await client.post(APIKEY, {"subAcct": "bot01"}, CREDS)
    assert len(recorder.received) == 2
    assert recorder.received[0].body == recorder.received[1].body


async def test_sub_account_codes_come_out_with_cause_and_fix(recorder: Recorder) -> None:
    recorder.script = [(200, {"code": "59503", "msg": "At most 20 IPs"})]
    async with OkxClient(Endpoint("global", False, recorder.url), timeout=5) as client:
        with pytest.raises(WizardError) as caught:
            await client.post(APIKEY, {"ip": ",".join(["1.1.1.1"] * 21)}, CREDS)
    error = caught.value
    assert (error.kind, error.okx_code) == ("ip", "59503")
    assert "20 IP addresses" in error.cause and error.fix


# -- the bounded reader, through the client ------------------------------------------------------
@pytest.mark.parametrize(
    ("attack", "kind", "words"),
    [
        ("gzip-bomb", "server", "once decompressed"),
        ("huge-content-length", "server", "declared 1500000000 bytes"),
        ("endless-chunked", "server", "larger than the 1048576 bytes"),
        ("nested-json", "server", "not OKX's JSON"),
        ("not-an-object", "server", "not OKX's JSON"),
        ("redirect", "server", "HTTP 302"),
    ],
)
async def test_hostile_bodies_end_in_a_clear_error(attack: str, kind: str, words: str) -> None:
    with HostileServer(attack) as server:
        async with OkxClient(Endpoint("global", False, server.url()), timeout=5) as client:
            started = time.monotonic()
            with pytest.raises(WizardError) as caught:
                await client.get("/api/v5/account/config", CREDS)
    assert caught.value.kind == kind
    assert words in caught.value.cause
    assert " Fix: " not in caught.value.cause and caught.value.fix
    assert time.monotonic() - started < 5


async def test_slow_loris_is_cut_at_the_deadline() -> None:
    with HostileServer("slow-loris") as server:
        async with OkxClient(Endpoint("global", False, server.url()), timeout=1.0) as client:
            started = time.monotonic()
            with pytest.raises(WizardError) as caught:
                await client.get("/api/v5/account/config", CREDS)
    assert caught.value.kind == "network"
    assert "did not answer within the 1 s allowed" in caught.value.cause
    assert time.monotonic() - started < 1.5
