"""Keyring faults: a backend that raises, is locked, or never answers — at every call.

In process, each operation of the facade (save the captured key as pending, commit a new key,
commit a rotation, check, read, remove) is run once per keyring call it makes, with that call
failing, in each of the three ways. Every failure must be a StorageError (or, for ``check``, a
report of kind ``storage``) with a clear message that repeats nothing of the secrets, and must
lose nothing: the captured or old key is still there, and the same operation then succeeds.

Through the CLI the same faults come from tests/hardening/faulty_keyring.py loaded by keyring's
``PYTHON_KEYRING_BACKEND``: exit 1, kind ``storage``, a message, no traceback, nothing lost.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from okx_wizard.core.api import Context, Workspace
from okx_wizard.core.errors import StorageError
from okx_wizard.core.models import Intentions, Report
from okx_wizard.core.secret import Credentials, Secret, key_hint
from okx_wizard.core.simulator import SAMPLE, Simulator
from tests.hardening.conftest import HomeFactory, Record, prefetch, prefetched, selected_cases
from tests.hardening.faulty_keyring import FAULT_ENV, FaultyKeyring
from tests.hardening.support import Home, run_matrix, scan, stdin_json

GOOD, ROTATED = SAMPLE["good"], SAMPLE["rotated"]
CREDS = Credentials(GOOD.api_key, Secret(GOOD.secret_key), Secret(GOOD.passphrase))
NEW = Credentials(ROTATED.api_key, Secret(ROTATED.secret_key), Secret(ROTATED.passphrase))
SECRETS = [GOOD.secret_key, GOOD.passphrase, ROTATED.secret_key, ROTATED.passphrase]
HANG_TIMEOUT_S = 0.2
MODES = ("raise", "locked", "hang")


@pytest.fixture(scope="module")
def sim() -> Iterator[Simulator]:
    with Simulator() as simulator:
        yield simulator


@pytest.fixture(scope="module")
def reports(sim: Simulator) -> dict[str, Report]:
    """Verified reports for the good and the rotated key (commit needs one)."""
    ws = Workspace(Context())
    found = {}
    for name, creds in (("good", CREDS), ("rotated", NEW)):
        endpoint = ws.endpoint("global", False, sim.url())
        report = asyncio.run(ws.verify("bot", creds, endpoint, Intentions()))
        assert report.ok, report.error
        found[name] = report
    return found


@pytest.fixture
def keyring_backend() -> Iterator[Callable[[FaultyKeyring], None]]:
    """Install a keyring backend for this test; put back keyring's own choice after."""
    import keyring
    import keyring.core

    saved = keyring.core._keyring_backend
    yield keyring.set_keyring
    keyring.core._keyring_backend = saved


# -- in process: every call of every operation ----------------------------------------------------
Setup = Callable[[Workspace, dict[str, Report]], None]
Operation = Callable[[Workspace, dict[str, Report]], Any]


def _pending(ws: Workspace, r: dict[str, Report]) -> None:
    ws.save_pending("bot", CREDS, {"step": "capture"})


def _profile(ws: Workspace, r: dict[str, Report]) -> None:
    ws.commit("bot", CREDS, r["good"], Intentions())


def _rotated(ws: Workspace, r: dict[str, Report]) -> None:
    _profile(ws, r)
    ws.commit("bot", NEW, r["rotated"], Intentions())


def _nothing(ws: Workspace, r: dict[str, Report]) -> None:
    return None


def _check(ws: Workspace, r: dict[str, Report]) -> Report:
    report = asyncio.run(ws.check("bot"))
    if report.error is not None and report.error.kind == "storage":
        raise StorageError(report.error.message)
    assert report.ok, report.error
    return report


@dataclass(frozen=True)
class Op:
    setup: Setup
    run: Operation
    # The states the user may be left in: before the operation, and after it.
    old: str
    new: str
    # remove only: a profile partly erased (the user asked for it to go), which a re-run ends.
    partial_ok: bool = False


OPS: dict[str, Op] = {
    "save pending": Op(_nothing, _pending, "none", "pending"),
    "commit new key": Op(_pending, lambda ws, r: _profile(ws, r), "pending", "good"),
    "commit rotation": Op(
        _profile, lambda ws, r: ws.commit("bot", NEW, r["rotated"], Intentions()), "good", "rotated"
    ),
    "check": Op(_rotated, _check, "rotated", "rotated"),
    "read credentials": Op(_profile, lambda ws, r: ws.credentials("bot"), "good", "good"),
    "resume pending": Op(_pending, lambda ws, r: ws.pending("bot"), "pending", "pending"),
    "remove": Op(_rotated, lambda ws, r: ws.remove("bot"), "rotated", "none", partial_ok=True),
}


def state_of(ws: Workspace, backend: FaultyKeyring) -> str:
    """none, pending, good, rotated — or what is inconsistent."""
    entries = backend.memory.get(ws.secrets().service, {})

    def stored(slot: str) -> str | None:
        value = entries.get(f"bot:{slot}")
        return json.loads(value)["api_key"] if value else None

    meta = ws.profile("bot")
    draft = ws.meta.get_draft("bot")
    if meta is None:
        if draft is not None and draft.get("_has_pending"):
            return "pending" if stored("pending") == GOOD.api_key else "half: draft, no key"
        extra = sorted(k for k in entries if not k.endswith(":pending"))
        return "none" if not extra else f"half: keys {extra} without a profile"
    active = stored("active")
    if active is None or meta.api_key_hint != key_hint(active):
        return "half: profile and stored key disagree"
    if active == GOOD.api_key:
        return "good"
    if stored("previous") == GOOD.api_key and meta.previous_key_hint == key_hint(GOOD.api_key):
        return "rotated"
    return "half: rotated without its previous key"


def _workspace(root: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(root / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(root / "data"))
    return Workspace(Context())


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("op_name", list(OPS))
def test_keyring_fault_at_every_call(
    op_name: str,
    mode: str,
    reports: dict[str, Report],
    keyring_backend: Callable[[FaultyKeyring], None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    isolated_home: dict[str, str],
    record: Record,
) -> None:
    op = OPS[op_name]
    # How many keyring calls the operation makes when nothing fails.
    backend = FaultyKeyring(faults=[])
    keyring_backend(backend)
    ws = _workspace(tmp_path / "count", monkeypatch)
    op.setup(ws, reports)
    before = backend.calls["any"]
    op.run(ws, reports)
    calls = backend.calls["any"] - before
    assert calls > 0

    outcomes: dict[str, int] = {}
    messages: set[str] = set()
    for n in range(1, calls + 1):
        backend = FaultyKeyring(faults=[])
        keyring_backend(backend)
        ws = _workspace(tmp_path / f"{n}", monkeypatch)
        op.setup(ws, reports)
        ws.secrets().timeout = HANG_TIMEOUT_S
        backend.faults = [("any", backend.calls["any"] + n, mode)]
        try:
            op.run(ws, reports)
            failed = None
        except StorageError as exc:
            failed = exc
        assert failed is not None, f"a failing keyring call #{n} went unnoticed"
        message = failed.message
        messages.add(message.split(". ")[0])
        assert "keyring" in message
        assert not scan({"message": message, "repr": repr(failed)}, SECRETS)
        state = state_of(ws, backend)
        if op.partial_ok and state.startswith("half: profile"):
            state = "partly removed"
        assert state in (op.old, op.new, "partly removed"), f"call #{n} failing left: {state}"
        assert state != "partly removed" or op.partial_ok
        outcomes[state] = outcomes.get(state, 0) + 1
        # Nothing is lost: once the keyring works again, the same operation succeeds.
        backend.faults = []
        again = Workspace(Context())
        op.run(again, reports)
        assert state_of(again, backend) == op.new

    said = {
        op.new: "new state complete",
        op.old: "old state kept",
        "partly removed": "re-run ends it",
    }
    if op.old == op.new:
        said[op.old] = "unchanged"
    record(
        area="keyring",
        case=f"{op_name}-{mode}",
        command=f"Workspace: {op_name}",
        tried=f"keyring {'never answers' if mode == 'hang' else mode} at each of its "
        f"{calls} call(s)",
        faults=calls,
        exit=None,
        kind="storage",
        elapsed=None,
        stored="; ".join(f"{k} ({said[k]}) ×{v}" for k, v in sorted(outcomes.items()))
        + "; retry then completed",
        message=" / ".join(sorted(messages))[:200],
        traceback=False,
    )


# -- through the CLI ------------------------------------------------------------------------------
@dataclass(frozen=True)
class CliFault:
    command: str  # login, rotate, check, remove, env
    fault: str  # FaultyKeyring spec
    tried: str
    word: str  # the message must say this
    slow: bool = False


CLI_FAULTS = [
    CliFault("login", "set:1:raise", "keyring raises when the new key is stored", "failed"),
    CliFault("login", "set:1:locked", "keyring is locked when the new key is stored", "locked"),
    CliFault("login", "set:1:hang", "keyring never answers when the new key is stored",
             "did not answer", slow=True),
    CliFault("rotate", "set:2:raise", "keyring raises storing the new key (old one copied)",
             "failed"),
    CliFault("check", "get:1:raise", "keyring raises reading the key", "failed"),
    CliFault("check", "get:1:locked", "keyring is locked reading the key", "locked"),
    CliFault("check", "get:1:hang", "keyring never answers reading the key", "did not answer",
             slow=True),
    CliFault("remove", "delete:1:raise", "keyring raises erasing the key", "failed"),
    CliFault("env", "get:1:locked", "keyring is locked reading the key for env", "locked"),
]  # fmt: skip
STORE_TIMEOUT_S = 10.0  # okx-wizard's bound on one keyring call


@dataclass
class CliObserved:
    run: Any
    state: str
    rerun_code: int
    state_after: str


def _cli_state(home: Home) -> str:
    profiles = home.profiles()
    active = home.credentials("bot")
    if "bot" not in profiles:
        return "none" if active is None else "half: key without profile"
    if active is None or profiles["bot"]["api_key_hint"] != key_hint(active["api_key"]):
        return "half: profile and key disagree"
    return "good" if active["api_key"] == GOOD.api_key else "rotated"


def _cli_case(case: CliFault, url: str, template: Home, home: Home) -> CliObserved:
    if case.command == "login":
        home.store = "faulty"
    else:
        home.clone_from(template)
    args: tuple[str, ...]
    stdin = b""
    if case.command in ("login", "rotate"):
        replace = ("--replace",) if case.command == "rotate" else ()
        key = ROTATED if case.command == "rotate" else GOOD
        args = ("login", "--profile", "bot", "--stdin", "--base-url", url, *replace)
        stdin = stdin_json(key)
    elif case.command == "check":
        args = ("check", "bot", "--json")
    elif case.command == "remove":
        args = ("remove", "bot", "--yes")
    else:
        args = ("env", "bot")
    run = home.cli(*args, stdin=stdin, env={FAULT_ENV: case.fault})
    state = _cli_state(home)
    rerun = home.cli(*args, stdin=stdin)
    return CliObserved(run, state, rerun.code, _cli_state(home))


def _make_cli_template(home: Home, url: str) -> Home:
    """A user whose profile ``bot`` lives in the FaultyKeyring file, made by the real login."""
    home.store = "faulty"
    run = home.cli(
        "login", "--profile", "bot", "--stdin", "--base-url", url, stdin=stdin_json(GOOD)
    )
    assert run.code == 0, run.output
    return home


@pytest.fixture(scope="module")
def cli_template(module_homes: HomeFactory, sim: Simulator) -> Home:
    return _make_cli_template(module_homes(), sim.url())


def _standalone(case: CliFault) -> Callable[[HomeFactory], CliObserved]:
    def job(homes: HomeFactory) -> CliObserved:
        with Simulator() as own_sim:
            template = _make_cli_template(homes(), own_sim.url())
            return _cli_case(case, own_sim.url(), template, homes())

    return job


# The cases that wait out the keyring's 10 s start with the session (see conftest.prefetch).
for _case in CLI_FAULTS:
    if _case.slow:
        prefetch(f"keyring:{_case}", __name__, _standalone(_case))


@pytest.fixture(scope="module")
def cli_observed(
    request: pytest.FixtureRequest, cli_template: Home, module_homes: HomeFactory, sim: Simulator
) -> dict[Any, Any]:
    cases = selected_cases(request, "case")
    now = [case for case in cases if not case.slow]
    homes = {case: module_homes() for case in now}
    seen = run_matrix(
        {case: case for case in now},
        lambda case: _cli_case(case, sim.url(), cli_template, homes[case]),
        workers=6,
    )
    for case in cases:
        if case.slow:
            seen[case] = prefetched(f"keyring:{case}", lambda c=case: _standalone(c)(module_homes))
    return seen


OLD_STATE = {"login": "none", "rotate": "good", "check": "good", "remove": "good", "env": "good"}
NEW_STATE = {"login": "good", "rotate": "rotated", "check": "good", "remove": "none", "env": "good"}


@pytest.mark.parametrize(
    "case", CLI_FAULTS, ids=[f"{c.command}-{c.fault.replace(':', '-')}" for c in CLI_FAULTS]
)
def test_cli_keyring_fault(case: CliFault, cli_observed: dict[Any, Any], record: Record) -> None:
    seen = cli_observed[case]
    if isinstance(seen, Exception):
        raise seen
    run = seen.run
    record(
        area="keyring",
        case=f"cli-{case.command}-{case.fault}",
        command={"rotate": "login --replace", "login": "login --stdin"}.get(
            case.command, case.command
        ),
        tried=case.tried,
        exit=run.code,
        kind=run.error_kind,
        elapsed=run.elapsed,
        stored=("old state kept" if seen.state == OLD_STATE[case.command] else seen.state)
        + f"; re-run without the fault: exit {seen.rerun_code}",
        message=run.message,
        traceback=run.traceback,
    )
    assert not run.traceback, run.output
    assert run.code == 1, run.output
    assert run.error_kind == "storage", run.output
    assert case.word in run.output
    assert not scan({"output": run.output}, SECRETS)
    if case.command == "env":
        assert run.stdout == ""  # not one variable printed before the failure
    assert seen.state == OLD_STATE[case.command]
    assert seen.rerun_code == 0
    assert seen.state_after == NEW_STATE[case.command]
    if case.slow:
        assert STORE_TIMEOUT_S <= run.elapsed < STORE_TIMEOUT_S + 4
