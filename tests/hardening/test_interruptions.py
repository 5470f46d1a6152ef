"""SIGTERM, SIGHUP (an SSH drop) and SIGINT during ``login``, ``check`` and ``remove``.

Two kinds of moment are tried. *Mid-request*: the simulator answers slowly and the signal comes
while okx-wizard waits for OKX. *At every step of a save*: tests/hardening/pause.py stops the
real CLI just before each keyring or metadata write of a save, and the signal comes there.

Whatever the moment, what is left must be the old state or the complete new one — never a
profile whose metadata and stored key disagree, a key without its profile, or a half-written
file — and a re-run must then work.
"""

from __future__ import annotations

import signal
import sys
from dataclasses import dataclass
from typing import Any

import pytest

from okx_wizard.core.secret import key_hint
from okx_wizard.core.simulator import SAMPLE, Simulator
from tests.hardening.conftest import HomeFactory, Record, selected_cases
from tests.hardening.pause import ANNOUNCE, GO_ENV, PAUSE_AT_ENV, PAUSE_S_ENV
from tests.hardening.support import (
    Home,
    Interrupted,
    Snapshot,
    describe_change,
    run_matrix,
    signal_midway,
    stdin_json,
)

GOOD, ROTATED = SAMPLE["good"], SAMPLE["rotated"]
SIGNALS = {"SIGTERM": signal.SIGTERM, "SIGHUP": signal.SIGHUP, "SIGINT": signal.SIGINT}
EXIT_FOR = {"SIGTERM": 128 + signal.SIGTERM, "SIGHUP": 128 + signal.SIGHUP, "SIGINT": 130}
STORE = "okx_wizard.core.secret_store:SecretStore"
META = "okx_wizard.core.metadata:MetadataStore"
# The writes of each save, in the order okx-wizard makes them.
SAVE_STEPS: dict[str, list[str]] = {
    "login": [f"{STORE}.set:1", f"{META}.save:1", f"{META}.delete_draft:1"],
    "rotate": [f"{STORE}.set:1", f"{STORE}.set:2", f"{META}.save:1", f"{META}.delete_draft:1"],
    "remove": [
        f"{STORE}.delete:1",
        f"{STORE}.delete:2",
        f"{STORE}.delete:3",
        f"{META}.delete_draft:1",
        f"{META}.delete:1",
    ],
}
PAUSE_S = 10.0  # at most: the test lets it go as soon as its signal is sent


def _argv(command: str, url: str) -> tuple[list[str], bytes]:
    if command == "check":
        return ["check", "bot", "--base-url", url], b""
    if command == "remove":
        return ["remove", "bot", "--yes"], b""
    replace = ["--replace"] if command == "rotate" else []
    key = ROTATED if command == "rotate" else GOOD
    return ["login", "--profile", "bot", "--stdin", "--base-url", url, *replace], stdin_json(key)


def _state(home: Home) -> str:
    """Which state the user's profile ``bot`` is in: none, good, rotated, or half (inconsistent)."""
    profiles = home.profiles()
    entries = home.entry_values()
    active = home.credentials("bot")
    previous = home.credentials("bot", "previous")
    if "bot" not in profiles:
        return "none" if not entries else f"half: keys {sorted(entries)} without a profile"
    row = profiles["bot"]
    if active is None:
        return "half: profile without its key"
    if row["api_key_hint"] != key_hint(active["api_key"]):
        return "half: the profile names another key than the one stored"
    if active["api_key"] == GOOD.api_key:
        return "good"
    if active["api_key"] == ROTATED.api_key:
        has_previous = previous is not None and previous["api_key"] == GOOD.api_key
        if not has_previous or row["previous_key_hint"] != key_hint(GOOD.api_key):
            return "half: rotated without the previous key kept"
        return "rotated"
    return "half: unknown key"


# What each command may leave: the state before it, or the state it makes.
OUTCOMES = {
    "login": ("none", "good"),
    "rotate": ("good", "rotated"),
    "check": ("good", "good"),
    "remove": ("good", "none"),
}


@dataclass
class Observed:
    interrupted: Interrupted
    before: Snapshot
    after: Snapshot
    state: str
    temp_files: list[str]
    rerun_code: int | None
    state_after_rerun: str | None


@pytest.fixture(scope="module")
def template(module_homes: HomeFactory) -> Home:
    home = module_homes()
    with Simulator() as sim:
        run = home.cli(
            "login", "--profile", "bot", "--stdin", "--base-url", sim.url(),
            stdin=stdin_json(GOOD),
        )  # fmt: skip
    assert run.code == 0, run.output
    return home


def _interrupt(
    command: str, sig_name: str, step: str | None, template: Home, home: Home
) -> Observed:
    if command != "login":
        home.clone_from(template)
    before = home.snapshot(with_profiles=False)
    with Simulator() as sim:
        args, stdin = _argv(command, sim.url())
        if step is None:
            sim.latency_ms = 3000
            argv = [sys.executable, "-m", "okx_wizard", *args]
            env: dict[str, str] = {}
            baseline = len(sim.requests)

            def ready(_: str) -> bool:
                return len(sim.requests) > baseline
        else:
            argv = [sys.executable, "-m", "tests.hardening.pause", *args]
            go = home.root / "go"
            env = {PAUSE_AT_ENV: step, PAUSE_S_ENV: str(PAUSE_S), GO_ENV: str(go)}

            def ready(stderr: str) -> bool:
                return ANNOUNCE in stderr

        seen = signal_midway(
            home.popen(argv, env),
            SIGNALS[sig_name],
            ready,
            stdin,
            after_signal=None if step is None else go.touch,
        )
        sim.latency_ms = 0
        state = _state(home)
        after = home.snapshot(with_profiles=False)
        after.profiles = {}
        rerun_code = rerun_state = None
        if state == OUTCOMES[command][0] and command != "check":
            rerun = home.cli(*args, stdin=stdin)
            rerun_code, rerun_state = rerun.code, _state(home)
    return Observed(seen, before, after, state, home.temp_files(), rerun_code, rerun_state)


MIDWAY = [(cmd, sig, None) for cmd in ("login", "check", "rotate") for sig in SIGNALS]
# SIGTERM before every write of every save; SIGHUP (the same handler) before the middle one.
AT_STEPS = [(cmd, "SIGTERM", step) for cmd, steps in SAVE_STEPS.items() for step in steps] + [
    (cmd, "SIGHUP", steps[len(steps) // 2]) for cmd, steps in SAVE_STEPS.items()
]
CASES = MIDWAY + AT_STEPS


def _case_id(case: tuple[str, str, str | None]) -> str:
    command, sig, step = case
    where = "mid-request" if step is None else step.split(":", 1)[1].replace(":", "#")
    return f"{command}-{sig}-{where}"


@pytest.fixture(scope="module")
def observed(
    request: pytest.FixtureRequest, template: Home, module_homes: HomeFactory
) -> dict[Any, Any]:
    cases = selected_cases(request, "case")
    homes = {case: module_homes() for case in cases}
    return run_matrix(
        {case: case for case in cases},
        lambda case: _interrupt(*case, template, homes[case]),
        workers=6,
    )


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_interrupted(
    case: tuple[str, str, str | None], observed: dict[Any, Any], record: Record
) -> None:
    command, sig_name, step = case
    seen = observed[case]
    if isinstance(seen, Exception):
        raise seen
    run = seen.interrupted
    where = "while waiting for OKX" if step is None else f"just before {step.split(':', 1)[1]}"
    old, new = OUTCOMES[command]
    kept = {new: "new state complete", old: "old state kept" if old != new else "unchanged"}
    stored = kept.get(seen.state, seen.state)
    if seen.rerun_code is not None:
        stored += f"; re-run exit {seen.rerun_code} → {seen.state_after_rerun}"
    record(
        area="interruption",
        case=_case_id(case),
        command={"rotate": "login --replace", "login": "login --stdin"}.get(command, command),
        tried=f"{sig_name} {where} (sent after {run.signalled_after:.2f} s)",
        exit=run.code,
        kind=None,
        elapsed=run.elapsed,
        stored=stored,
        message=next(
            (ln for ln in reversed(run.stderr.splitlines()) if ln and ANNOUNCE not in ln), ""
        )[:200],
        traceback=run.traceback,
    )
    assert not run.traceback, run.stderr
    assert run.code == EXIT_FOR[sig_name], run.stdout + run.stderr
    assert seen.temp_files == []
    assert seen.state in OUTCOMES[command], seen.state
    if step is None:
        # Mid-request nothing was written: the very same files and keys as before.
        assert seen.state == OUTCOMES[command][0]
        assert describe_change(seen.before, seen.after) == "nothing"
    if seen.rerun_code is not None:
        assert seen.rerun_code == 0
        assert seen.state_after_rerun == OUTCOMES[command][1]
