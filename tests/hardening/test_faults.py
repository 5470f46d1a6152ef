"""Network faults, through the simulator and real sockets, against the real CLI.

Every fault is tried on three commands: ``login`` of a new profile, ``check`` of a stored one
and ``login --replace`` (a rotation). A fault that persists must end in bounded time with exit 1,
the right error kind, a clear message, no traceback, and nothing stored or changed (``check``
records its failed result, nothing else). A fault that happens once must be retried away.

The cases run side by side on a few threads (each has its own simulator and HOME), then each
test asserts on its own case and records what it saw.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from okx_wizard.core.simulator import SAMPLE, Fault, Simulator
from tests.hardening.conftest import HomeFactory, Record, prefetch, prefetched, selected_cases
from tests.hardening.support import (
    CliRun,
    Home,
    RawServer,
    Snapshot,
    closed_port,
    describe_change,
    run_matrix,
    stdin_json,
)

CONFIG = "/api/v5/account/config"
DEFAULT_TIMEOUT = 15.0
# From the first request to the end of the process, on top of the check's own bound.
SLACK_S = 2.0
# Process start-up and vault unlock on a loaded 2-core machine, before the first request.
STARTUP_S = 2.5


@dataclass(frozen=True)
class NetFault:
    """One way the network or the server can fail, and what the user must then see."""

    id: str
    tried: str
    exit: int
    kind: str | None
    sim_fault: Fault | None = None
    latency_ms: float = 0
    target: str = "sim"  # sim, sim-https, raw-http, raw-https, refused, nxdomain
    raw: str = ""  # RawServer behaviour for raw-* targets
    timeout: float | None = 2.0  # --timeout; None: the default
    retried: str | None = None  # a fault that happens once: this path must be asked again
    min_elapsed: float = 0.0
    word: str = ""  # the message must say this


FAULTS = [
    NetFault("http-500", "HTTP 500 (OKX 50001) on every request", 1, "server",
             Fault("status", times=-1)),
    NetFault("http-500-once", "HTTP 500 once, then normal answers", 0, None,
             Fault("status", path=CONFIG, times=1), retried=CONFIG, timeout=5.0),
    NetFault("http-429", "HTTP 429 with Retry-After: 0.5 on every request", 1, "rate_limit",
             Fault("status", status=429, retry_after=0.5, times=-1), word="Too many requests"),
    NetFault("http-429-once", "HTTP 429 with Retry-After: 1 once, then normal answers", 0, None,
             Fault("status", status=429, retry_after=1, path=CONFIG, times=1), retried=CONFIG,
             min_elapsed=1.0, timeout=5.0),
    NetFault("okx-busy", "OKX 50013 'systems busy' on every request", 1, "rate_limit",
             Fault("okx_error", code="50013", times=-1)),
    NetFault("html-502", "HTML error page (HTTP 502, CDN) on every request", 1, "server",
             Fault("html", status=502, times=-1), word="not OKX's JSON"),
    NetFault("html-503-once", "HTML error page (HTTP 503) once, then normal answers", 0, None,
             Fault("html", status=503, path=CONFIG, times=1), retried=CONFIG, timeout=5.0),
    NetFault("broken-json", "truncated JSON body with HTTP 200 on every request", 1, "server",
             Fault("broken_json", times=-1), word="not OKX's JSON"),
    NetFault("drop", "connection closed before any answer, every time", 1, "network",
             Fault("drop", times=-1), word="dropped"),
    NetFault("drop-once", "connection closed once, then normal answers", 0, None,
             Fault("drop", path=CONFIG, times=1), retried=CONFIG, timeout=5.0),
    NetFault("hang", "server never answers (--timeout 2)", 1, "network",
             Fault("hang", times=-1), word="did not answer"),
    NetFault("hang-default", "server never answers (default timeout, 15 s)", 1, "network",
             Fault("hang", times=-1), timeout=None, min_elapsed=DEFAULT_TIMEOUT - 0.5),
    NetFault("slow", "server answers after 3 s (--timeout 1)", 1, "network",
             latency_ms=3000, timeout=1.0),
    NetFault("refused", "connection refused (closed port)", 1, "network",
             target="refused", word="refused"),
    NetFault("nxdomain", "unresolvable host okx-wizard-test.invalid", 1, "network",
             target="nxdomain", word="resolve"),
    NetFault("tls-plain-http", "TLS handshake with a plain-HTTP server", 1, "network",
             target="sim-https", word="TLS"),
    NetFault("tls-garbage", "TLS handshake answered with garbage bytes", 1, "network",
             target="raw-https", raw="garbage", word="TLS"),
    NetFault("silent-tcp", "TCP server accepts, never sends a byte (--timeout 2)", 1, "network",
             target="raw-http", raw="silent"),
    NetFault("not-http", "server answers bytes that are not HTTP", 1, "network",
             target="raw-http", raw="garbage"),
    NetFault("reset", "connection reset (TCP RST) on accept", 1, "network",
             target="raw-http", raw="reset"),
]  # fmt: skip
BY_ID = {f.id: f for f in FAULTS}
ROTATE = ("http-500", "http-500-once", "hang", "refused")
CASES = [(cmd, f.id) for cmd in ("login", "check") for f in FAULTS] + [
    ("rotate", fid) for fid in ROTATE
]


@dataclass
class Observed:
    run: CliRun
    before: Snapshot
    after: Snapshot
    temp_files: list[str]
    requests: dict[str, int]
    contact: float | None  # time.monotonic() of the first request the server saw


def _target(fault: NetFault, sim: Simulator, raw: RawServer | None) -> str:
    if fault.target == "sim":
        return sim.url()
    if fault.target == "sim-https":
        return sim.url().replace("http://", "https://")
    if fault.target == "refused":
        return f"http://127.0.0.1:{closed_port()}"
    if fault.target == "nxdomain":
        return "https://okx-wizard-test.invalid"  # http:// is refused off loopback (#12)
    assert raw is not None
    return raw.url("https" if fault.target == "raw-https" else "http")


def _run_case(command: str, fault: NetFault, template: Template | None, home: Home) -> Observed:
    if command == "login" or template is None:
        before = home.snapshot(with_profiles=False)  # an empty HOME: nothing to list
        assert before.metadata is None and not before.entries
    else:
        home.clone_from(template.home)
        before = home.snapshot(with_profiles=False)
        assert before.metadata == template.before.metadata
        before.profiles = template.before.profiles  # a byte-for-byte copy lists the same
    with Simulator() as sim, RawServer(fault.raw or "silent") as raw:
        sim.latency_ms = fault.latency_ms
        if fault.sim_fault is not None:
            sim.add_fault(copy.copy(fault.sim_fault))  # its count goes down as it fires
        timeout = [] if fault.timeout is None else ["--timeout", f"{fault.timeout:g}"]
        where = ["--base-url", _target(fault, sim, raw if fault.raw else None)]
        if command == "check":
            run = home.cli(*timeout, "check", "bot", "--json", *where)
        else:
            key = SAMPLE["good"] if command == "login" else SAMPLE["rotated"]
            replace = ["--replace"] if command == "rotate" else []
            args = ("login", "--profile", "bot", "--stdin", "--json", *replace, *where)
            run = home.cli(*timeout, *args, stdin=stdin_json(key))
        requests: dict[str, int] = {}
        for request in sim.requests:
            requests[request.path] = requests.get(request.path, 0) + 1
        starts = [r.time_started for r in sim.requests]
        contact = min(starts) if starts else raw.first_contact
    return Observed(run, before, home.snapshot(), home.temp_files(), requests, contact)


@dataclass
class Template:
    home: Home
    before: Snapshot


def _make_template(home: Home) -> Template:
    """A user with one working profile, ``bot``, made by the real ``login``."""
    with Simulator() as sim:
        run = home.cli(
            "login", "--profile", "bot", "--stdin", "--base-url", sim.url(),
            stdin=stdin_json(SAMPLE["good"]),
        )  # fmt: skip
    assert run.code == 0, run.output
    return Template(home, home.snapshot())


@pytest.fixture(scope="module")
def template(module_homes: HomeFactory) -> Template:
    return _make_template(module_homes())


# The cases that wait out the default 15 s start with the session (see conftest.prefetch).
SLOW = [case for case in CASES if BY_ID[case[1]].timeout is None]


def _standalone(command: str, fault_id: str) -> Callable[[HomeFactory], Observed]:
    def job(homes: HomeFactory) -> Observed:
        template = _make_template(homes()) if command != "login" else None
        return _run_case(command, BY_ID[fault_id], template, homes())

    return job


for _case in SLOW:
    prefetch(f"faults:{_case}", __name__, _standalone(*_case))


def _expected_seconds(case: tuple[str, str]) -> float:
    fault = BY_ID[case[1]]
    return (fault.timeout or DEFAULT_TIMEOUT) if fault.exit and fault.kind == "network" else 0.0


@pytest.fixture(scope="module")
def observed(
    request: pytest.FixtureRequest, template: Template, module_homes: HomeFactory
) -> dict[Any, Any]:
    cases = selected_cases(request, "command", "fault_id")
    now = [case for case in cases if case not in SLOW]
    homes = {case: module_homes() for case in now}
    slowest_first = sorted(now, key=_expected_seconds, reverse=True)
    seen = run_matrix(
        {case: case for case in slowest_first},
        lambda case: _run_case(case[0], BY_ID[case[1]], template, homes[case]),
        workers=6,
    )
    for case in cases:
        if case in SLOW:
            seen[case] = prefetched(f"faults:{case}", lambda c=case: _standalone(*c)(module_homes))
    return seen


@pytest.mark.parametrize(("command", "fault_id"), CASES, ids=[f"{c}-{f}" for c, f in CASES])
def test_network_fault(
    command: str, fault_id: str, observed: dict[str, Any], record: Record
) -> None:
    fault = BY_ID[fault_id]
    seen = observed[(command, fault_id)]
    if isinstance(seen, Exception):
        raise seen
    run, before, after = seen.run, seen.before, seen.after
    change = describe_change(before, after)
    retries = max(seen.requests.values(), default=1) - 1
    record(
        area="network",
        case=fault_id,
        command={"login": "login --stdin", "check": "check", "rotate": "login --replace"}[command],
        tried=fault.tried,
        exit=run.code,
        kind=run.error_kind,
        elapsed=run.elapsed,
        stored=change,
        message=run.message if run.code else f"recovered after {retries} retry(ies)",
        traceback=run.traceback,
    )
    assert not run.traceback, run.output
    assert run.code == fault.exit, run.output
    assert seen.temp_files == []
    bound = (fault.timeout or DEFAULT_TIMEOUT) + SLACK_S
    assert fault.min_elapsed <= run.elapsed < bound + STARTUP_S, run.elapsed
    if seen.contact is not None:
        assert run.ended - seen.contact < bound, run.ended - seen.contact
    report = run.report
    assert isinstance(report, dict), run.output
    if fault.exit == 1:
        assert report["ok"] is False
        assert report["error"]["kind"] == fault.kind
        assert "Fix:" in report["error"]["message"]
        assert fault.word in report["error"]["message"]
        assert after.entries == before.entries, "the stored keys changed"
        assert after.files.keys() == before.files.keys()
        if command == "check":
            _assert_only_last_check_changed(before, after, fault.kind)
        else:
            assert after.metadata == before.metadata
            assert after.profiles == before.profiles
        return
    assert report["ok"] is True and report["error"] is None
    assert fault.retried is not None and seen.requests.get(fault.retried, 0) >= 2
    if command == "login":
        assert list(after.profiles) == ["bot"]
        assert set(after.entries) == {"bot:active"}
    elif command == "rotate":
        assert after.profiles["bot"]["api_key_hint"] == report["api_key_hint"]
        assert set(after.entries) == {"bot:active", "bot:previous"}
        assert after.entries["bot:previous"] == before.entries["bot:active"]


def _assert_only_last_check_changed(before: Snapshot, after: Snapshot, kind: str | None) -> None:
    old, new = before.profiles["bot"], after.profiles["bot"]
    assert {k: v for k, v in old.items() if k != "last_check"} == {
        k: v for k, v in new.items() if k != "last_check"
    }
    assert new["last_check"]["ok"] is False
    assert new["last_check"]["error_kind"] == kind
