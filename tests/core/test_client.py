"""OkxClient against the simulator on real loopback sockets: signing, retries, faults, messages."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import ssl
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from okx_wizard.core.client import OkxClient
from okx_wizard.core.errors import WizardError
from okx_wizard.core.models import Endpoint
from okx_wizard.core.secret import Credentials, Secret
from okx_wizard.core.simulator import SAMPLE, Fault, SimKey, Simulator

CONFIG = "/api/v5/account/config"


def creds_of(
    key: SimKey, *, secret: str | None = None, passphrase: str | None = None
) -> Credentials:
    return Credentials(
        key.api_key,
        Secret(secret if secret is not None else key.secret_key),
        Secret(passphrase if passphrase is not None else key.passphrase),
    )


def client_for(url: str, *, demo: bool = False, timeout: float = 5.0) -> OkxClient:
    return OkxClient(Endpoint("global", demo, url), timeout=timeout)


def requests_to(sim: Simulator, path: str) -> int:
    return sum(1 for r in sim.requests if r.path == path)


async def failure(client: OkxClient, key: SimKey, **wrong: str) -> WizardError:
    async with client:
        with pytest.raises(WizardError) as caught:
            await client.get(CONFIG, creds_of(key, **wrong))
    return caught.value


def assert_no_secret(text: str, key: SimKey) -> None:
    assert key.secret_key not in text
    assert key.passphrase not in text


async def test_signed_get_returns_okx_data(sim: Simulator) -> None:
    good = SAMPLE["good"]
    async with client_for(sim.url()) as client:
        data = await client.get(CONFIG, creds_of(good))
    assert data[0]["uid"] == good.uid
    assert data[0]["perm"] == "read_only,trade"
    assert not sim.requests[-1].demo


async def test_demo_endpoint_sends_the_simulated_trading_header(sim: Simulator) -> None:
    demo = SAMPLE["demo"]
    async with client_for(sim.url(), demo=True) as client:
        data = await client.get("/api/v5/account/balance", creds_of(demo))
    assert data[0]["totalEq"] == "5000"
    assert sim.requests[-1].demo


async def test_server_time_and_clock_skew(sim: Simulator) -> None:
    sim.clock_offset_ms = -12_000
    async with client_for(sim.url()) as client:
        server = await client.server_time_ms()
        skew = await client.measure_clock_skew_ms()
    assert abs(server - (time.time() * 1000 - 12_000)) < 1_000
    assert abs(skew + 12_000) < 500


async def test_signing_with_a_time_offset_gets_past_a_skewed_clock(sim: Simulator) -> None:
    sim.clock_offset_ms = 45_000
    good = SAMPLE["good"]
    async with client_for(sim.url()) as client:
        refused = await failure(client_for(sim.url()), good)
        data = await client.get(CONFIG, creds_of(good), time_offset_ms=45_000)
    assert refused.okx_code == "50102"
    assert refused.kind == "clock"
    assert data[0]["uid"] == good.uid


@pytest.mark.parametrize(
    ("wrong", "code", "kind"),
    [({"passphrase": "Wrong#Pass123"}, "50105", "auth"), ({"secret": "0" * 32}, "50113", "auth")],
)
async def test_auth_errors_map_to_kind_and_are_not_retried(
    sim: Simulator, wrong: dict[str, str], code: str, kind: str
) -> None:
    good = SAMPLE["good"]
    error = await failure(client_for(sim.url()), good, **wrong)
    assert (error.okx_code, error.kind) == (code, kind)
    assert "Fix:" in error.message
    assert requests_to(sim, CONFIG) == 1
    assert_no_secret(error.message, good)
    assert "Wrong#Pass123" not in error.message


async def test_ip_error_names_the_ip_to_whitelist(sim: Simulator) -> None:
    sim.public_ip = "198.51.100.23"
    error = await failure(client_for(sim.url()), SAMPLE["good"])
    assert (error.kind, error.okx_code) == ("ip", "50110")
    assert "OKX sees this machine as 198.51.100.23." in error.cause
    assert error.fix.startswith("Add 198.51.100.23 to the key's IP whitelist")
    assert "okx-wizard rebind PROFILE --ip 198.51.100.23" in error.fix


async def test_server_error_once_is_retried(sim: Simulator) -> None:
    sim.add_fault(Fault("status", path=CONFIG, status=500))
    async with client_for(sim.url()) as client:
        data = await client.get(CONFIG, creds_of(SAMPLE["good"]))
    assert data[0]["uid"] == SAMPLE["good"].uid
    assert requests_to(sim, CONFIG) == 2


async def test_okx_retry_code_in_a_200_answer_is_retried(sim: Simulator) -> None:
    sim.add_fault(Fault("okx_error", path=CONFIG, status=200, code="50004"))
    async with client_for(sim.url()) as client:
        data = await client.get(CONFIG, creds_of(SAMPLE["good"]))
    assert data
    assert [r.code for r in sim.requests if r.path == CONFIG] == ["50004", "0"]


async def test_rate_limit_honours_retry_after(sim: Simulator) -> None:
    sim.add_fault(Fault("status", path=CONFIG, status=429, retry_after=1))
    started = time.monotonic()
    async with client_for(sim.url()) as client:
        data = await client.get(CONFIG, creds_of(SAMPLE["good"]))
    elapsed = time.monotonic() - started
    assert data
    assert 0.95 <= elapsed < 2.5
    assert [r.code for r in sim.requests if r.path == CONFIG] == ["50011", "0"]


async def test_retries_are_bounded_and_end_with_the_okx_error(sim: Simulator) -> None:
    sim.add_fault(Fault("status", path=CONFIG, status=429, times=-1))
    error = await failure(client_for(sim.url()), SAMPLE["good"])
    assert (error.kind, error.okx_code) == ("rate_limit", "50011")
    assert requests_to(sim, CONFIG) == 3  # one try and two retries


async def test_a_retry_after_beyond_the_time_budget_ends_the_call_at_once(sim: Simulator) -> None:
    sim.add_fault(Fault("status", path=CONFIG, status=429, times=-1, retry_after=30))
    started = time.monotonic()
    error = await failure(client_for(sim.url(), timeout=5), SAMPLE["good"])
    assert error.kind == "rate_limit"
    assert "OKX asked to wait 30 s" in error.message
    assert time.monotonic() - started < 0.5
    assert requests_to(sim, CONFIG) == 1


async def test_backoff_never_outlasts_the_time_budget(sim: Simulator) -> None:
    sim.add_fault(Fault("status", path=CONFIG, status=503, times=-1))
    client = OkxClient(Endpoint("global", False, sim.url()), timeout=0.5, retries=10)
    started = time.monotonic()
    error = await failure(client, SAMPLE["good"])
    assert error.kind == "server"
    assert time.monotonic() - started < 0.7


async def test_html_error_page_becomes_a_short_server_error(sim: Simulator) -> None:
    sim.add_fault(Fault("html", path=CONFIG, status=502, times=-1))
    error = await failure(client_for(sim.url()), SAMPLE["good"])
    assert error.kind == "server"
    assert "HTTP 502" in error.message
    assert "502 Bad Gateway" in error.message  # the page's title, not the page
    assert "<" not in error.message
    assert "cloudflare" not in error.message
    assert len(error.message) < 400
    assert requests_to(sim, CONFIG) == 3  # 5xx is retried


async def test_html_4xx_page_is_not_retried(sim: Simulator) -> None:
    sim.add_fault(Fault("html", path=CONFIG, status=403))
    error = await failure(client_for(sim.url()), SAMPLE["good"])
    assert error.kind == "server"
    assert "HTTP 403" in error.message
    assert requests_to(sim, CONFIG) == 1


async def test_broken_json_becomes_a_server_error(sim: Simulator) -> None:
    sim.add_fault(Fault("broken_json", path=CONFIG))
    error = await failure(client_for(sim.url()), SAMPLE["good"])
    assert error.kind == "server"
    assert "HTTP 200" in error.message
    assert "not OKX's JSON" in error.message
    assert len(error.message) < 400


async def test_dropped_connection_is_retried(sim: Simulator) -> None:
    sim.add_fault(Fault("drop", path=CONFIG))
    async with client_for(sim.url()) as client:
        data = await client.get(CONFIG, creds_of(SAMPLE["good"]))
    assert data
    assert requests_to(sim, CONFIG) == 2


async def test_connection_dropped_every_time_is_a_network_error(sim: Simulator) -> None:
    sim.add_fault(Fault("drop", path=CONFIG, times=-1))
    error = await failure(client_for(sim.url()), SAMPLE["good"])
    assert error.kind == "network"
    assert "dropped" in error.message
    assert "127.0.0.1" in error.message


async def test_hanging_server_is_bounded_by_the_timeout(sim: Simulator) -> None:
    sim.add_fault(Fault("hang", path=CONFIG, times=-1))
    started = time.monotonic()
    error = await failure(client_for(sim.url(), timeout=0.8), SAMPLE["good"])
    elapsed = time.monotonic() - started
    assert error.kind == "network"
    assert "did not answer within the 0.8 s" in error.message
    assert 0.7 < elapsed < 1.3


_HELD_PORTS: list[socket.socket] = []


def free_port() -> int:
    """A loopback port that refuses connections: bound but never listening, and kept bound for
    the rest of the run, so no other test (or pytest-xdist worker) can start listening on it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    _HELD_PORTS.append(sock)
    return int(sock.getsockname()[1])


async def test_connection_refused_is_a_network_error() -> None:
    error = await failure(client_for(f"http://127.0.0.1:{free_port()}"), SAMPLE["good"])
    assert error.kind == "network"
    assert "refused" in error.message
    assert "Fix:" in error.message


async def test_unresolvable_host_is_a_network_error() -> None:
    started = time.monotonic()
    error = await failure(client_for("https://okx-wizard-test.invalid"), SAMPLE["good"])
    assert error.kind == "network"
    assert "resolve the host name okx-wizard-test.invalid" in error.message
    assert time.monotonic() - started < 5.5


async def test_invalid_base_url_is_explained() -> None:
    error = await failure(client_for("ftp://example.com"), SAMPLE["good"])
    assert error.kind == "network"
    assert "not a valid http(s) URL" in error.message


def self_signed_context(tmp_path: Path) -> ssl.SSLContext:
    """A server TLS context with a throwaway self-signed certificate for 127.0.0.1."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "okx-wizard test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context


@pytest.fixture
async def tls_server(tmp_path: Path) -> AsyncIterator[str]:
    """An HTTPS listener on loopback whose certificate no CA vouches for."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=self_signed_context(tmp_path))
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"https://127.0.0.1:{port}"


async def test_untrusted_certificate_is_refused(tls_server: str) -> None:
    error = await failure(client_for(tls_server), SAMPLE["good"])
    assert error.kind == "network"
    assert "TLS" in error.message
    assert "certificate" in error.message
    assert "never turns certificate checks off" in error.message
