"""The wizard in a real terminal: tmux at 80x24, keys sent as a person types them.

At every step of the wizard the okx-wizard process is sent SIGTERM or SIGHUP (an SSH drop).
What is left must be nothing, a draft (answers, no secrets), a complete pending record (draft
and the captured key in the secure store) or a complete profile — never half of one — and a
re-run must offer to resume and then finish the setup.

The secret-hygiene walk types a key with random secrets, captures the screen at every step, sets
``TEXTUAL_LOG`` and Textual's automatic screenshots, and scans all of it plus HOME and the temp
dir for every 8-character piece of the secrets.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

import pytest

from okx_wizard.core.metadata import MetadataStore
from okx_wizard.core.secret import key_hint
from okx_wizard.core.simulator import SAMPLE, SimKey
from tests.hardening.conftest import HomeFactory, Record, selected_cases
from tests.hardening.support import (
    ROOT,
    TRACEBACK,
    Home,
    files_under,
    random_key,
    run_matrix,
    scan,
    secret_pieces,
)
from tests.hardening.tui_harness import EXTRA_KEY_ENV

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)"
)
SOCKET = f"okx-wizard-hardening-{os.getpid()}"
EXIT_MARK = "OKX-EXIT="
GOOD = SAMPLE["good"]
STEPS = {
    1: "Start",
    2: "Before you start",
    3: "Sub-account",
    4: "Permissions",
    5: "Passphrase",
    6: "Create the key",
    7: "Test the connection",
    8: "Saved",
}


def tmux(*args: str) -> str:
    result = subprocess.run(
        ["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=False, timeout=20
    )
    return result.stdout


@pytest.fixture(scope="module", autouse=True)
def tmux_server() -> Iterator[None]:
    """This module's own tmux server (its own socket), stopped at the end."""
    yield
    tmux("kill-server")


class Tui:
    """okx-wizard running in a detached 80x24 tmux session."""

    def __init__(self, home: Home, name: str, argv: list[str], env: dict[str, str]) -> None:
        self.name = name
        full_env = {**home.env, "TERM": "xterm-256color", **env}
        words = " ".join(shlex.quote(f"{k}={v}") for k, v in full_env.items())
        command = " ".join(shlex.quote(a) for a in argv)
        shell = f"cd {shlex.quote(str(ROOT))} && env -i {words} {command}; "
        shell += f"echo {EXIT_MARK}$?; sleep 300"
        tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24", shell)
        self.captures: list[str] = []

    def screen(self, styled: bool = False) -> str:
        """The screen's text (``styled``: with colours, where focus shows)."""
        return tmux("capture-pane", "-p", *(["-e"] if styled else []), "-t", self.name)

    def wait_for(self, text: str, timeout: float = 20) -> str:
        """Wait until ``text`` is on screen and the screen has settled (focus set, drawn)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            shown = self.screen()
            if text in shown:
                return self._settled(shown, end)
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never showed; the screen:\n{self.screen()}")

    def _settled(self, shown: str, end: float) -> str:
        """Wait until the text on screen stays the same for 0.15 s (the step is drawn)."""
        while time.monotonic() < end:
            time.sleep(0.15)
            again = self.screen()
            if again == shown:
                break
            shown = again
        self.captures.append(shown)
        return shown

    def tab(self) -> None:
        """Move the focus on. Focus shows only in colours, which the cursor's blinking also
        changes: give the app a moment instead (keys typed before it lands go astray)."""
        self.keys("Tab")
        time.sleep(0.8)

    def keys(self, *keys: str, pause: float = 0.06) -> None:
        for key in keys:
            tmux("send-keys", "-t", self.name, key)
            time.sleep(pause)

    def type(self, text: str, masked: bool = False, nth: int = 1) -> None:
        """Type ``text`` into the focused field and wait until the field shows it (as bullets
        when ``masked``; ``nth``: how many fields then show that many bullets)."""
        tmux("send-keys", "-t", self.name, "-l", text)
        shown = f"▊  {'•' * len(text) if masked else text} "
        end = time.monotonic() + 15
        while self.screen().count(shown) < nth:
            if time.monotonic() > end:
                raise AssertionError(f"typing did not arrive; the screen:\n{self.screen()}")
            time.sleep(0.05)

    def pid(self) -> int:
        """The okx-wizard process: the child of the pane's shell."""
        pane = tmux("display-message", "-p", "-t", self.name, "#{pane_pid}").strip()
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", pane], capture_output=True, text=True, check=False
        ).stdout.split()
        assert children, "okx-wizard is not running"
        return int(children[0])

    def exit_code(self, timeout: float = 15) -> int:
        shown = self.wait_for(EXIT_MARK, timeout)
        return int(shown.split(EXIT_MARK, 1)[1].split()[0])

    def close(self) -> None:
        tmux("kill-session", "-t", self.name)


def walk(tui: Tui, to_step: int, key: SimKey = GOOD, sample: bool = True) -> None:
    """Go through the wizard, as a person types, until step ``to_step`` is on screen."""
    tui.wait_for("Step 1/8")
    if to_step == 1:
        return
    tui.type("bot")
    tui.keys("Enter")
    tui.wait_for("Step 2/8")
    if to_step == 2:
        return
    tui.keys("Space", "Tab", "Space", "Tab", "Space", "Tab", "Space", "Enter")
    tui.wait_for("Step 3/8")
    if to_step == 3:
        return
    tui.tab()
    tui.type("botsub2025")
    tui.keys("Enter")
    tui.wait_for("Step 4/8")
    if to_step == 4:
        return
    tui.keys("Enter")
    tui.wait_for("Step 5/8")
    if to_step == 5:
        return
    tui.type(key.passphrase, masked=True)
    tui.tab()
    tui.type(key.passphrase, masked=True, nth=2)
    tui.keys("Enter")
    tui.wait_for("Step 6/8")
    if sample:
        tui.keys("C-t")
    else:
        for value in (key.api_key, key.secret_key, key.passphrase):
            tui.type(value, masked=True)
            tui.tab()
    tui.wait_for("Kept as pending")
    if to_step == 6:
        return
    tui.keys("Enter")
    tui.wait_for("Step 7/8")
    tui.wait_for("Verified")
    if to_step == 7:
        return
    tui.keys("Enter")
    tui.wait_for("Step 8/8")
    tui.wait_for("Profile 'bot' saved")


def tui_state(home: Home, api_key: str = GOOD.api_key) -> str:
    """nothing, draft, pending (draft and captured key), saved — or what is half done."""
    store = MetadataStore(home.config_dir / "simulator-profiles.toml", simulator=True)
    meta = store.get("bot")
    draft = store.get_draft("bot")
    entries = home.entry_values(simulator=True)
    if meta is not None:
        active = entries.get("bot:active")
        if active is None or meta.api_key_hint != key_hint(json.loads(active)["api_key"]):
            return "half: profile without its key"
        leftovers = sorted(set(entries) - {"bot:active"})
        return "saved" if not leftovers and draft is None else f"half: leftovers {leftovers}"
    if draft is None:
        return "nothing" if not entries else f"half: keys {sorted(entries)} without a draft"
    pending = entries.get("bot:pending")
    if draft.get("_has_pending"):
        if pending is None or json.loads(pending)["api_key"] != api_key:
            return "half: draft says pending, no key"
        return "pending"
    return "draft" if not entries else f"half: keys {sorted(entries)} the draft does not know"


EXPECTED = {1: "nothing", 2: "draft", 3: "draft", 4: "draft", 5: "draft", 6: "pending",
            7: "pending", 8: "saved"}  # fmt: skip
RESUME_AFTER = {4, 6}  # a re-run is driven to the end after these


@dataclass
class Observed:
    code: int
    state: str
    traceback: bool
    temp_files: list[str]
    elapsed: float
    resumed: str | None


class WalkFailed(Exception):
    """The keys did not get where they were sent (tmux on a loaded machine), before any
    interruption: the case may be walked again from the start, in a fresh HOME."""


def _interrupt_with_retry(step: int, sig_name: str, homes: HomeFactory) -> Observed:
    try:
        return _interrupt(step, sig_name, homes(), "a")
    except WalkFailed:
        return _interrupt(step, sig_name, homes(), "b")


def _interrupt(step: int, sig_name: str, home: Home, attempt: str) -> Observed:
    name = f"int-{step}-{sig_name}-{attempt}"
    argv = [sys.executable, "-m", "okx_wizard", "--simulator", "setup"]
    tui = Tui(home, name, argv, {})
    try:
        try:
            walk(tui, step)
        except AssertionError as exc:
            raise WalkFailed(str(exc)) from exc
        start = time.monotonic()
        pid = tui.pid()
        if sig_name == "hangup":
            # A real SSH drop: the terminal itself goes away (the kernel sends SIGHUP).
            tui.close()
            code = _wait_gone(pid)
            shown = ""
        else:
            os.kill(pid, getattr(signal, sig_name))
            code = tui.exit_code()
            shown = tui.screen()
        elapsed = time.monotonic() - start
    finally:
        tui.close()
    state = tui_state(home)
    resumed = None
    if step in RESUME_AFTER:
        again = Tui(home, f"{name}-again", argv[:-1], {})
        try:
            again.wait_for("Resume the unfinished setup")
            again.keys("r")
            again.wait_for(f"Step {step}/8")
            if step == 4:
                again.keys("Enter")
                again.wait_for("Step 5/8")
                again.type(GOOD.passphrase, masked=True)
                again.tab()
                again.type(GOOD.passphrase, masked=True, nth=2)
                again.keys("Enter")
                again.wait_for("Step 6/8")
                again.keys("C-t")
                again.wait_for("Kept as pending")
            again.keys("Enter")
            again.wait_for("Verified")
            again.keys("Enter")
            again.wait_for("Step 8/8")
            again.wait_for("Profile 'bot' saved")
            again.keys("C-q")
            assert again.exit_code() == 0
        finally:
            again.close()
        resumed = tui_state(home)
    return Observed(code, state, TRACEBACK in shown, home.temp_files(), elapsed, resumed)


def _wait_gone(pid: int, timeout: float = 15) -> int:
    """Wait for a process that is not our child to end; 128 + SIGHUP if it did."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return 128 + signal.SIGHUP
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)  # our own process, stuck: do not leave it behind
    return -1


CASES = [(step, sig) for step in STEPS for sig in ("SIGTERM", "SIGHUP")] + [(6, "hangup")]


@pytest.fixture(scope="module")
def observed(request: pytest.FixtureRequest, module_homes: HomeFactory) -> dict[Any, Any]:
    cases = selected_cases(request, "step", "sig_name")
    slowest_first: list[Any] = sorted(cases, key=lambda c: -(c[0] + 8 * (c[0] in RESUME_AFTER)))
    if any(item.name == "test_tui_walk_leaks_no_secret" for item in request.session.items):
        slowest_first.insert(0, "hygiene")

    def run(case: Any) -> Any:
        if case == "hygiene":
            return _hygiene_walk(module_homes())
        return _interrupt_with_retry(*case, module_homes)

    return run_matrix({case: case for case in slowest_first}, run, workers=5)


@pytest.mark.parametrize(("step", "sig_name"), CASES, ids=[f"step{s}-{g}" for s, g in CASES])
def test_signal_at_every_wizard_step(
    step: int, sig_name: str, observed: dict[Any, Any], record: Record
) -> None:
    seen = observed[(step, sig_name)]
    if isinstance(seen, Exception):
        raise seen
    stored = {
        "nothing": "nothing stored",
        "draft": "draft of the answers kept (no secret)",
        "pending": "draft + captured key kept as pending",
        "saved": "profile complete",
    }.get(seen.state, seen.state)
    if seen.resumed is not None:
        stored += f"; re-run: resume offered, finished → {seen.resumed}"
    how = "terminal closed (tmux kill-session: SSH drop)" if sig_name == "hangup" else sig_name
    record(
        area="interruption",
        case=f"tui-step{step}-{sig_name}",
        command="okx-wizard --simulator setup (tmux 80x24)",
        tried=f"{how} on wizard step {step}/8 ({STEPS[step]})",
        exit=seen.code,
        kind=None,
        elapsed=round(seen.elapsed, 2),
        stored=stored,
        message=(
            "process ended"
            if sig_name == "hangup"
            else "exited, back at the shell prompt, no traceback on screen"
            if not seen.traceback
            else "TRACEBACK"
        ),
        traceback=seen.traceback,
    )
    # A closed terminal is a SIGHUP too; there, what counts is that the process ended.
    assert seen.code == 128 + getattr(signal, "SIGHUP" if sig_name == "hangup" else sig_name)
    assert not seen.traceback
    assert seen.temp_files == []
    assert seen.state == EXPECTED[step]
    if seen.resumed is not None:
        assert seen.resumed == "saved"


@dataclass
class HygieneObserved:
    key: SimKey
    code: int
    captures: list[str]
    files: int
    log_written: bool
    screenshots: int
    findings: list[Any]
    saved_hint: str | None


def _hygiene_walk(home: Home) -> HygieneObserved:
    """Walk the whole wizard typing a key with random secrets; collect all it showed and wrote."""
    key = random_key()
    log = home.root / "textual.log"
    shots = home.root / "shots"
    shots.mkdir()
    env = {
        EXTRA_KEY_ENV: json.dumps(asdict(key)),
        "TEXTUAL_LOG": str(log),
        "TEXTUAL_SCREENSHOT": "1",
        "TEXTUAL_SCREENSHOT_LOCATION": str(shots),
        "TEXTUAL_SCREENSHOT_FILENAME": "okx.svg",
    }
    argv = [sys.executable, "-m", "tests.hardening.tui_harness", "--simulator", "setup"]
    tui = Tui(home, "hygiene", argv, env)
    try:
        walk(tui, 8, key, sample=False)
        tui.keys("Enter")
        code = tui.exit_code()
        tui.captures.append(tui.screen())
    finally:
        tui.close()
    sources: dict[str, bytes | str] = {f"screen {i}": shown for i, shown in enumerate(tui.captures)}
    written = files_under(home.home, home.tmp, shots, ROOT / "okx.svg")
    sources.update(written)
    if log.exists():
        sources["TEXTUAL_LOG"] = log.read_bytes()
    saved = MetadataStore(home.config_dir / "simulator-profiles.toml", simulator=True).get("bot")
    return HygieneObserved(
        key,
        code,
        tui.captures,
        len(written),
        log.exists(),
        len(list(shots.iterdir())),
        scan(sources, [key.secret_key, key.passphrase]),
        saved.api_key_hint if saved is not None else None,
    )


def test_tui_walk_leaks_no_secret(observed: dict[Any, Any], record: Record) -> None:
    seen = observed["hygiene"]
    if isinstance(seen, Exception):
        raise seen
    secrets = [seen.key.secret_key, seen.key.passphrase]
    record(
        area="secrets",
        case="tui-walk",
        command="okx-wizard --simulator setup (tmux 80x24), typed by hand",
        tried=f"{len(secrets)} random secrets ({len(secret_pieces(secrets))} pieces of 8) in "
        f"{len(seen.captures)} screen captures, {seen.files} files, TEXTUAL_LOG "
        f"({'written' if seen.log_written else 'not written'}), auto-screenshots "
        f"({seen.screenshots} made)",
        exit=seen.code,
        kind=None,
        stored="profile complete" if seen.saved_hint else "NO PROFILE",
        message=f"secrets found: {len(seen.findings)}",
        secrets_found=len(seen.findings),
        traceback=any(TRACEBACK in shown for shown in seen.captures),
    )
    assert seen.code == 0
    assert seen.saved_hint == key_hint(seen.key.api_key)
    assert seen.findings == [], [f.where for f in seen.findings]
    assert not seen.log_written  # Textual's log file is switched off unless --debug
    assert seen.screenshots == 0  # and so are its automatic screenshots
