"""A malicious "OKX" on loopback against the real CLI: nothing it sends gets in or blows up.

For each attack of tests/hardening/hostile_server.py, ``okx-wizard check`` of a stored profile
runs in a subprocess against the hostile server. Whatever the server sends, the process must
end with exit 1, within its ``--timeout`` plus 5 s, with a peak memory under 300 MB, no
traceback, and no escape sequence, markup or forged line in what it prints.

The figures (seconds, peak MB, bytes the server sent) are kept per attack; with
``OKX_WIZARD_HOSTILE_JSON`` set they are written there, and ``python -m
tests.hardening.hostile_server --doc FILE`` puts them into docs/reliability.md.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from okx_wizard.core.simulator import SAMPLE, Simulator
from tests.hardening.conftest import HomeFactory
from tests.hardening.hostile_server import (
    ATTACKS,
    BY_ID,
    HostileServer,
    Measured,
    cli_argv,
    run_measured,
)
from tests.hardening.support import ROOT, TRACEBACK, Home, stdin_json

pytestmark = pytest.mark.slow

TIMEOUT_S = 4.0
SLACK_S = 5.0
PEAK_MB = 300.0
JSON_ENV = "OKX_WIZARD_HOSTILE_JSON"
# Anything that would act on a terminal or a markup renderer, or forge a line of the report.
_ACTIVE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_MARKUP = ("[link", "[b ", "[@click", "[/", "[bold", "]8;;")
ROWS: dict[str, dict[str, Any]] = {}


@pytest.fixture(scope="module")
def home(module_homes: HomeFactory) -> Home:
    """A user with one working profile, ``bot``, made by the real ``login`` (simulator)."""
    user = module_homes()
    with Simulator() as sim:
        run = user.cli(
            "login", "--profile", "bot", "--stdin", "--base-url", sim.url(),
            stdin=stdin_json(SAMPLE["good"]),
        )  # fmt: skip
    assert run.code == 0, run.output
    return user


@pytest.fixture(scope="module", autouse=True)
def _write_figures() -> Iterator[None]:
    yield
    target = os.environ.get(JSON_ENV)
    if target and ROWS:
        rows = [ROWS[a.id] for a in ATTACKS if a.id in ROWS]
        Path(target).write_text(json.dumps(rows, indent=1), "utf-8")


def attack(home: Home, attack_id: str, *extra: str) -> tuple[Measured, HostileServer]:
    with HostileServer(attack_id) as server:
        argv = cli_argv(
            "--timeout", f"{TIMEOUT_S:g}", "check", "bot", *extra, "--base-url", server.url()
        )
        seen = run_measured(argv, home.env, ROOT, kill_after=TIMEOUT_S + SLACK_S + 10)
    return seen, server


@pytest.mark.parametrize("attack_id", [a.id for a in ATTACKS])
def test_hostile_server(home: Home, attack_id: str) -> None:
    seen, server = attack(home, attack_id)
    lines = seen.stdout.splitlines()
    ROWS[attack_id] = {
        "attack": attack_id,
        "tried": BY_ID[attack_id].tried,
        "exit": seen.code,
        "seconds": seen.elapsed,
        "peak_mb": seen.peak_mb,
        "server_sent_mb": round(server.bytes_sent / 1024 / 1024, 2),
        "requests": server.requests,
        "said": lines[1].strip() if len(lines) > 1 else seen.stderr.strip()[:300],
    }
    assert not seen.killed, f"still running after {TIMEOUT_S + SLACK_S + 10} s"
    assert seen.code == 1, seen.stdout + seen.stderr
    assert TRACEBACK not in seen.stderr and TRACEBACK not in seen.stdout
    assert seen.elapsed <= TIMEOUT_S + SLACK_S, seen.elapsed
    assert seen.peak_mb < PEAK_MB, seen.peak_mb
    assert server.requests >= 1
    assert not _ACTIVE.search(seen.stdout), repr(seen.stdout)
    assert not any(mark in seen.stdout for mark in _MARKUP), seen.stdout
    # Exactly the report of one failed check: a verdict line, then indented lines.
    assert lines and lines[0].startswith("✗ bot: "), seen.stdout
    assert all(line.startswith("  ") for line in lines[1:]), seen.stdout


def test_hostile_msg_in_json_report(home: Home) -> None:
    """``check --json`` keeps its fields; the message quoting the server is cleaned."""
    seen, _ = attack(home, "hostile-msg", "--json")
    assert seen.code == 1
    report = json.loads(seen.stdout)
    assert report["ok"] is False
    assert report["error"]["kind"] == "server"
    assert report["error"]["okx_code"] == "59999"
    message = report["error"]["message"]
    assert not _ACTIVE.search(message), repr(message)
    assert not any(mark in message for mark in _MARKUP), message
    assert "OKX said: “(link=" in message  # quoted, as text that no renderer reads as markup
