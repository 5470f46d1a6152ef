"""The OKX simulator on real loopback sockets, signed with our own signer."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from okx_wizard.core.signing import okx_timestamp, sign
from okx_wizard.core.simulator import (
    IP_MESSAGE,
    SAMPLE,
    SAMPLE_KEYS,
    SIM_REGIONS,
    Fault,
    SimKey,
    Simulator,
    ip_allowed,
)

CONFIG = "/api/v5/account/config"
BALANCE = "/api/v5/account/balance"
FUNDING = "/api/v5/asset/balances"
TIME = "/api/v5/public/time"


@functools.cache
def http() -> httpx.Client:
    """One shared client: making an httpx.Client costs ~50 ms (its TLS context)."""
    return httpx.Client(timeout=5)


@pytest.fixture(autouse=True, scope="module")
def _close_http() -> Iterator[None]:
    yield
    http().close()
    http.cache_clear()


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with Simulator() as running:
        yield running


def headers_for(
    key: SimKey,
    path: str,
    *,
    ts_ms: int | None = None,
    timestamp: str | None = None,
    secret: str | None = None,
    passphrase: str | None = None,
    demo: bool | None = None,
    omit: str = "",
) -> dict[str, str]:
    """OKX's four auth headers for ``key``, each overridable, ``omit`` one of them."""
    stamp = timestamp or okx_timestamp(ts_ms if ts_ms is not None else int(time.time() * 1000))
    headers = {
        "OK-ACCESS-KEY": key.api_key,
        "OK-ACCESS-PASSPHRASE": passphrase if passphrase is not None else key.passphrase,
        "OK-ACCESS-TIMESTAMP": stamp,
        "OK-ACCESS-SIGN": sign(secret or key.secret_key, stamp, "GET", path),
        "Content-Type": "application/json",
    }
    if demo if demo is not None else key.demo:
        headers["x-simulated-trading"] = "1"
    headers.pop(omit, None)
    return headers


def get(
    sim: Simulator, key: SimKey, path: str = CONFIG, *, region: str | None = None, **kw: Any
) -> httpx.Response:
    url = sim.url(region or key.region) + path
    return http().get(url, headers=headers_for(key, path, **kw))


def assert_error(response: httpx.Response, code: str, status: int = 401) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    assert (response.status_code, body["code"]) == (status, code), body
    assert body["msg"]
    return body


# --- endpoints and shapes -------------------------------------------------------------------


def test_public_time_needs_no_auth_and_follows_the_clock_offset(sim: Simulator) -> None:
    before = int(time.time() * 1000)
    body = http().get(sim.url() + TIME).json()
    assert body["code"] == "0" and body["msg"] == ""
    assert before - 50 <= int(body["data"][0]["ts"]) <= int(time.time() * 1000) + 50
    sim.clock_offset_ms = -120_000
    shifted = int(http().get(sim.url("us") + TIME).json()["data"][0]["ts"])
    assert abs(shifted - (time.time() * 1000 - 120_000)) < 1_000


def test_account_config_has_okx_fields(sim: Simulator) -> None:
    response = get(sim, SAMPLE["good"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert (body["code"], body["msg"]) == ("0", "")
    config = body["data"][0]
    good = SAMPLE["good"]
    assert config["uid"] == good.uid != config["mainUid"] == good.main_uid
    assert (config["type"], config["acctLv"], config["posMode"]) == ("1", "2", "net_mode")
    assert (config["perm"], config["ip"]) == ("read_only,trade", "203.0.113.7")
    assert config["label"] == good.label and config["kycLv"] == "2"
    for extra in ("autoLoan", "ctIsoMode", "greeksType", "level", "roleType", "settleCcy"):
        assert extra in config


def test_account_balance_shape_and_ccy_filter(sim: Simulator) -> None:
    data = get(sim, SAMPLE["good"], BALANCE).json()["data"][0]
    assert data["totalEq"] == "125.5"
    [usdt] = data["details"]
    assert usdt["ccy"] == "USDT"
    for name, value in {"eq": "125.5", "availBal": "125.5", "eqUsd": "125.5", "cashBal": "125.5",
                        "frozenBal": "0"}.items():  # fmt: skip
        assert usdt[name] == value
    main = get(sim, SAMPLE["main"], BALANCE + "?ccy=BTC").json()["data"][0]
    assert [d["ccy"] for d in main["details"]] == ["BTC"]
    assert all(isinstance(v, str) for d in main["details"] for v in d.values())
    empty = get(sim, SAMPLE["readonly"], BALANCE).json()["data"][0]
    assert (empty["totalEq"], empty["details"]) == ("0", [])


def test_funding_balances_list_only_currencies_with_a_balance(sim: Simulator) -> None:
    rows = get(sim, SAMPLE["good"], FUNDING).json()["data"]
    assert rows == [{"ccy": "USDT", "bal": "20", "availBal": "20", "frozenBal": "0"}]
    rows = get(sim, SAMPLE["main"], FUNDING).json()["data"]
    assert rows == [{"ccy": "USDT", "bal": "250", "availBal": "200", "frozenBal": "50"}]
    assert get(sim, SAMPLE["readonly"], FUNDING).json()["data"] == []


def test_unknown_endpoint_is_an_okx_style_404(sim: Simulator) -> None:
    response = http().get(sim.url() + "/api/v5/account/nothing")
    assert response.status_code == 404
    assert response.json()["code"] == "404" and response.json()["data"] == []
    assert http().post(sim.url() + CONFIG, content="{}").status_code == 404


def test_every_sample_key_works_on_its_own_region_and_environment(sim: Simulator) -> None:
    for name, key in SAMPLE.items():
        response = get(sim, key)
        assert response.json()["code"] == "0", name
    assert tuple(SAMPLE.values()) == SAMPLE_KEYS


def test_sample_keys_look_like_okx_keys_and_match_the_contract() -> None:
    assert list(SAMPLE) == [
        "good",
        "demo",
        "eea",
        "withdraw",
        "main",
        "readonly",
        "rotated",
        "admin",
        "tr",
    ]
    for key in SAMPLE_KEYS:
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                            key.api_key)  # fmt: skip
        assert re.fullmatch(r"[0-9A-F]{32}", key.secret_key)
        phrase = key.passphrase
        assert 8 <= len(phrase) <= 32 and not set(phrase) & set("$&'\"` \\")
        assert re.search(r"[A-Z]", phrase) and re.search(r"[a-z]", phrase)
        assert re.search(r"\d", phrase) and re.search(r"[^0-9A-Za-z]", phrase)
        assert key.secret_key not in repr(key) and key.passphrase not in repr(key)
    assert len({k.api_key for k in SAMPLE_KEYS}) == len(SAMPLE_KEYS)
    good, rotated, main = SAMPLE["good"], SAMPLE["rotated"], SAMPLE["main"]
    assert (good.region, good.demo, good.ip, good.total_eq) == ("global", False, "203.0.113.7",
                                                                "125.5")  # fmt: skip
    assert good.uid != good.main_uid and good.perm == "read_only,trade"
    assert rotated.uid == good.uid and rotated.api_key != good.api_key
    assert main.uid == main.main_uid and main.ip == "" and "trade" in main.perm
    assert SAMPLE["demo"].demo and SAMPLE["eea"].region == "eea"
    assert "withdraw" in SAMPLE["withdraw"].perm
    assert SAMPLE["readonly"].perm == "read_only" and SAMPLE["readonly"].ip == ""


# --- authentication errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("OK-ACCESS-KEY", "50103"),
        ("OK-ACCESS-PASSPHRASE", "50104"),
        ("OK-ACCESS-SIGN", "50106"),
        ("OK-ACCESS-TIMESTAMP", "50107"),
    ],
)
def test_missing_header(sim: Simulator, header: str, code: str) -> None:
    body = assert_error(get(sim, SAMPLE["good"], omit=header), code)
    assert "data" not in body  # OKX often sends auth errors without data


@pytest.mark.parametrize(
    "stamp", ["yesterday", "1597026383.085", "2020-13-45T00:00:00.000Z", "2020-12-08 09:08:57"]
)
def test_malformed_timestamp_is_50112(sim: Simulator, stamp: str) -> None:
    assert_error(get(sim, SAMPLE["good"], timestamp=stamp), "50112")


def test_timestamp_more_than_30_s_off_is_50102(sim: Simulator) -> None:
    now = int(time.time() * 1000)
    assert_error(get(sim, SAMPLE["good"], ts_ms=now - 31_000), "50102")
    assert_error(get(sim, SAMPLE["good"], ts_ms=now + 31_000), "50102")
    assert get(sim, SAMPLE["good"], ts_ms=now - 25_000).json()["code"] == "0"


def test_clock_offset_rejects_our_clock_until_we_use_server_time(sim: Simulator) -> None:
    sim.clock_offset_ms = 45_000
    assert_error(get(sim, SAMPLE["good"]), "50102")
    server_ms = int(http().get(sim.url() + TIME).json()["data"][0]["ts"])
    assert get(sim, SAMPLE["good"], ts_ms=server_ms).json()["code"] == "0"


def test_unknown_and_malformed_keys(sim: Simulator) -> None:
    stranger = dataclasses.replace(SAMPLE["good"], api_key="00000000-0000-4000-8000-000000000000")
    assert_error(get(sim, stranger), "50119", status=200)  # OKX documents 200 for 50119
    for shape in ("not a key", "x" * 65, "ab"):
        assert_error(get(sim, dataclasses.replace(stranger, api_key=shape)), "50111")


def test_regions_share_state_but_keys_live_in_one(sim: Simulator) -> None:
    assert list(sim.urls) == ["global", "eea", "us", "tr"]
    assert len(set(sim.urls.values())) == len(sim.urls)
    assert all(url.startswith("http://127.0.0.1:") for url in sim.urls.values())
    assert_error(get(sim, SAMPLE["eea"], region="global"), "50119", status=200)
    assert_error(get(sim, SAMPLE["good"], region="eea"), "50119", status=200)
    assert_error(get(sim, SAMPLE["good"], region="us"), "50119", status=200)
    assert_error(get(sim, SAMPLE["good"], region="tr"), "50119", status=200)
    assert_error(get(sim, SAMPLE["tr"], region="global"), "50119", status=200)
    assert get(sim, SAMPLE["tr"]).json()["data"][0]["uid"] == SAMPLE["tr"].uid
    assert get(sim, SAMPLE["eea"]).json()["data"][0]["uid"] == SAMPLE["eea"].uid
    sim.key(SAMPLE["eea"].api_key).region = "us"  # shared state: visible on every listener
    assert get(sim, SAMPLE["eea"], region="us").json()["code"] == "0"
    assert [r.region for r in sim.requests[-2:]] == ["eea", "us"]


def test_deleted_key_is_50119_and_added_key_works(sim: Simulator) -> None:
    good = SAMPLE["good"]
    sim.delete_key(good.api_key)
    assert_error(get(sim, good), "50119", status=200)
    with pytest.raises(KeyError):
        sim.key(good.api_key)
    sim.add_key(good)
    assert get(sim, good).json()["code"] == "0"


def test_wrong_passphrase_and_wrong_secret(sim: Simulator) -> None:
    assert_error(get(sim, SAMPLE["good"], passphrase="Wrong#Pass1"), "50105")
    assert_error(get(sim, SAMPLE["good"], secret="0" * 32), "50113")


def test_query_string_is_part_of_the_signed_path(sim: Simulator) -> None:
    good = SAMPLE["good"]
    headers = headers_for(good, BALANCE)  # signed without the query that is then sent
    response = http().get(sim.url() + BALANCE + "?ccy=USDT", headers=headers)
    assert_error(response, "50113")
    assert get(sim, good, BALANCE + "?ccy=USDT").json()["code"] == "0"


def test_demo_header_must_match_the_key_environment(sim: Simulator) -> None:
    demo, good = SAMPLE["demo"], SAMPLE["good"]
    assert_error(get(sim, demo, demo=False), "50101")
    assert_error(get(sim, good, demo=True), "50101")
    assert get(sim, demo).json()["data"][0]["uid"] == demo.uid
    assert [r.demo for r in sim.requests] == [False, True, True]


def test_frozen_key_is_50100_with_http_400(sim: Simulator) -> None:
    sim.key(SAMPLE["good"].api_key).frozen = True
    assert_error(get(sim, SAMPLE["good"]), "50100", status=400)
    assert SAMPLE["good"].frozen is False  # the simulator holds copies


def test_ip_whitelist_names_the_ip_to_add(sim: Simulator) -> None:
    sim.public_ip = "198.51.100.23"
    body = assert_error(get(sim, SAMPLE["good"]), "50110")
    assert body["msg"] == IP_MESSAGE.format(ip="198.51.100.23")
    assert body["msg"] == "Your IP 198.51.100.23 is not included in your API key's IP whitelist"
    assert get(sim, SAMPLE["readonly"]).json()["code"] == "0"  # no whitelist: any IP
    sim.key(SAMPLE["good"].api_key).ip = "203.0.113.7,198.51.100.0/24"
    assert get(sim, SAMPLE["good"]).json()["code"] == "0"


@pytest.mark.parametrize(
    ("ip", "whitelist", "allowed"),
    [
        ("203.0.113.7", "203.0.113.7", True),
        ("203.0.113.7", "10.0.0.1, 203.0.113.0/24", True),
        ("203.0.113.7", "203.0.112.0/24", False),
        ("2001:db8::7", "2001:db8::/32", True),
        ("2001:db8::7", "203.0.113.7,2001:db9::1", False),
        ("203.0.113.7", "garbage,2001:db8::/32", False),
        ("not-an-ip", "203.0.113.7", False),
    ],
)
def test_ip_whitelist_entries(ip: str, whitelist: str, allowed: bool) -> None:
    assert ip_allowed(ip, whitelist) is allowed


def test_ipv6_public_ip_through_the_wire(sim: Simulator) -> None:
    sim.public_ip = "2001:db8::7"
    sim.key(SAMPLE["good"].api_key).ip = "2001:db8::/48"
    assert get(sim, SAMPLE["good"]).json()["code"] == "0"
    sim.key(SAMPLE["good"].api_key).ip = "2001:db9::/48"
    assert "2001:db8::7" in assert_error(get(sim, SAMPLE["good"]), "50110")["msg"]


# --- faults ---------------------------------------------------------------------------------


def test_status_fault_with_retry_after_then_recovers(sim: Simulator) -> None:
    sim.add_fault(Fault("status", status=503, retry_after=1.5, times=2))
    for _ in range(2):
        response = get(sim, SAMPLE["good"])
        body = assert_error(response, "50001", status=503)
        assert response.headers["retry-after"] == "1.5" and body["data"] == []
    assert get(sim, SAMPLE["good"]).json()["code"] == "0"


def test_rate_limit_fault_is_429_50011(sim: Simulator) -> None:
    sim.add_fault(Fault("status", status=429, retry_after=2))
    response = get(sim, SAMPLE["good"])
    assert_error(response, "50011", status=429)
    assert response.headers["retry-after"] == "2"


def test_okx_error_fault_uses_okx_status_or_the_given_one(sim: Simulator) -> None:
    sim.add_fault(Fault("okx_error", code="50030", msg="No permission"))
    body = assert_error(get(sim, SAMPLE["good"]), "50030", status=200)
    assert body["msg"] == "No permission"
    sim.add_fault(Fault("okx_error", code="50013"))
    assert_error(get(sim, SAMPLE["good"]), "50013", status=429)
    sim.add_fault(Fault("okx_error", code="50026", status=502))
    assert_error(get(sim, SAMPLE["good"]), "50026", status=502)


def test_html_fault_is_a_cloudflare_like_page(sim: Simulator) -> None:
    sim.add_fault(Fault("html", status=502))
    response = get(sim, SAMPLE["good"])
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert "502 Bad Gateway" in response.text and "cloudflare" in response.text


def test_broken_json_fault(sim: Simulator) -> None:
    sim.add_fault(Fault("broken_json"))
    response = get(sim, SAMPLE["good"])
    assert response.status_code == 200 and response.text.startswith('{"code":"0"')
    with pytest.raises(ValueError):
        response.json()


def test_drop_fault_closes_without_an_answer(sim: Simulator) -> None:
    sim.add_fault(Fault("drop"))
    with pytest.raises(httpx.RemoteProtocolError):
        get(sim, SAMPLE["good"])
    assert get(sim, SAMPLE["good"]).json()["code"] == "0"
    assert sim.requests[0].status is None and sim.requests[0].time_finished is not None


def test_hang_fault_times_out_and_stop_is_prompt() -> None:
    sim = Simulator().start()
    sim.add_fault(Fault("hang", times=-1))
    with pytest.raises(httpx.ReadTimeout):
        http().get(sim.url() + TIME, timeout=0.3)

    async def hang_many() -> list[BaseException | httpx.Response]:
        async with httpx.AsyncClient(timeout=10) as client:
            calls = [client.get(sim.url() + TIME) for _ in range(5)]
            return await asyncio.gather(*calls, return_exceptions=True)

    async def stop_soon() -> list[BaseException | httpx.Response]:
        task = asyncio.ensure_future(hang_many())
        await asyncio.sleep(0.3)
        started = time.monotonic()
        await asyncio.to_thread(sim.stop)
        assert time.monotonic() - started < 1.0
        return await task

    outcomes = asyncio.run(stop_soon())
    assert all(isinstance(o, httpx.TransportError) for o in outcomes), outcomes
    assert len(sim.requests) == 6 and all(r.status is None for r in sim.requests)


def test_faults_match_path_prefix_and_count_down(sim: Simulator) -> None:
    fault = Fault("status", path="/api/v5/account/", times=2, status=500, code="50026")
    sim.add_fault(fault)
    assert http().get(sim.url() + TIME).json()["code"] == "0"  # other path: untouched
    assert_error(get(sim, SAMPLE["good"], BALANCE), "50026", status=500)
    assert_error(get(sim, SAMPLE["good"], CONFIG), "50026", status=500)
    assert get(sim, SAMPLE["good"], CONFIG).json()["code"] == "0"
    assert fault.times == 0
    sim.add_fault(Fault("status", times=-1))
    for _ in range(3):
        assert_error(http().get(sim.url("eea") + TIME), "50001", status=500)
    sim.clear_faults()
    assert http().get(sim.url() + TIME).json()["code"] == "0"


# --- concurrency, records, lifecycle --------------------------------------------------------


async def test_latency_does_not_serialise_requests() -> None:
    with Simulator(latency_ms=300) as sim:
        good = SAMPLE["good"]
        async with httpx.AsyncClient(timeout=10) as client:
            started = time.monotonic()
            calls = [
                client.get(sim.url() + CONFIG, headers=headers_for(good, CONFIG)) for _ in range(20)
            ]
            responses = await asyncio.gather(*calls)
            elapsed = time.monotonic() - started
        assert all(r.json()["code"] == "0" for r in responses)
        assert 0.3 <= elapsed < 1.2
        waits = [(r.time_finished or 0) - r.time_started for r in sim.requests]
        assert len(waits) == 20 and min(waits) >= 0.29


async def test_one_hundred_concurrent_requests() -> None:
    with Simulator(latency_ms=300) as sim:
        limits = httpx.Limits(max_connections=100)
        async with httpx.AsyncClient(timeout=10, limits=limits) as client:
            started = time.monotonic()
            calls = [client.get(sim.url(("global", "eea", "us")[i % 3]) + TIME) for i in range(100)]
            responses = await asyncio.gather(*calls)
            elapsed = time.monotonic() - started
        assert [r.status_code for r in responses] == [200] * 100
        assert elapsed < 2.5
        assert len(sim.requests) == 100


def test_requests_are_recorded_without_secrets(sim: Simulator) -> None:
    good = SAMPLE["good"]
    headers = headers_for(good, BALANCE + "?ccy=USDT")
    http().get(sim.url() + BALANCE + "?ccy=USDT", headers=headers)
    get(sim, good, passphrase="Wrong#Pass1")
    first, second = sim.requests
    assert (first.method, first.path, first.query, first.region) == (
        "GET", BALANCE, "ccy=USDT", "global",
    )  # fmt: skip
    assert first.api_key == good.api_key and (first.status, first.code) == (200, "0")
    assert first.time_finished is not None and first.time_finished >= first.time_started
    assert (second.status, second.code) == (401, "50105")
    text = repr(sim.requests) + repr(sim.key(good.api_key))
    for secret in (good.secret_key, good.passphrase, "Wrong#Pass1", headers["OK-ACCESS-SIGN"]):
        assert secret not in text


def test_keep_alive_connection_serves_many_requests(sim: Simulator) -> None:
    with httpx.Client(base_url=sim.url()) as client:
        for path in (CONFIG, BALANCE, FUNDING, CONFIG):
            assert client.get(path, headers=headers_for(SAMPLE["good"], path)).status_code == 200
    assert len(sim.requests) == 4


def test_stop_releases_the_ports_and_can_restart() -> None:
    sim = Simulator()
    with pytest.raises(RuntimeError):
        sim.url()
    sim.start()
    with pytest.raises(ValueError):
        sim.url("mars")
    urls = dict(sim.urls)
    client = httpx.Client()  # keeps an idle keep-alive connection open across stop()
    assert client.get(urls["global"] + TIME).status_code == 200
    started = time.monotonic()
    sim.stop()
    sim.stop()  # idempotent
    assert time.monotonic() - started < 1.0
    for url in urls.values():
        port = int(url.rsplit(":", 1)[1])
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=1)
        with socket.socket() as probe:  # the port can be bound again
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", port))
    with pytest.raises(httpx.TransportError):
        client.get(urls["global"] + TIME)
    client.close()
    with sim:
        assert http().get(sim.url() + TIME).status_code == 200


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_port_base_places_regions_on_consecutive_ports() -> None:
    for _ in range(20):  # base+1 or base+2 may be taken by someone else: try another base
        base = free_port()
        try:
            sim = Simulator(port_base=base).start()
        except OSError:
            continue
        with sim:
            expected = {code: f"http://127.0.0.1:{base + i}" for i, code in enumerate(SIM_REGIONS)}
            assert sim.urls == expected
        return
    pytest.fail("no three consecutive free ports")


def test_start_fails_cleanly_when_a_port_is_taken() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        sim = Simulator(port_base=port - 1)  # global gets port-1, eea collides
        with pytest.raises(OSError):
            sim.start()
        assert sim.urls == {}
        with socket.socket() as again:  # the listener bound before the failure was released
            again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            again.bind(("127.0.0.1", port - 1))


def test_command_line_prints_urls_and_credentials_and_stops_on_sigterm() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "okx_wizard.core.simulator", "--latency-ms", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        while len(lines) < 60:
            line = process.stdout.readline()
            lines.append(line)
            if SAMPLE["tr"].passphrase in line:
                break
        text = "".join(lines)
        urls = re.findall(r"^\s+(global|eea|us|tr)\s+(http://127\.0\.0\.1:\d+)$", text, re.M)
        assert [code for code, _ in urls] == ["global", "eea", "us", "tr"]
        assert "rate limits on" in text
        for key in SAMPLE_KEYS:
            assert key.api_key in text and key.secret_key in text and key.passphrase in text
        assert http().get(urls[0][1] + TIME).json()["code"] == "0"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
