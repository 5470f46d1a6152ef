"""Secret hygiene: run the flows with known, random secrets, then look for them everywhere.

Everything written or printed — HOME with its config, data, cache and state dirs, the temp dir,
stdout, stderr, exception messages and reprs, log records — is scanned for each secret and
every 8-character piece of it, in any letter case. ``env`` exists to print the secrets: its
stdout is the scanner's positive control, never part of the scan.

Files okx-wizard writes are 0600 and its folders 0700 whatever the umask, every rewrite goes
through a temporary file, fsync, an atomic rename and a directory fsync, and a process killed
with SIGKILL in the middle of writing leaves the old file or the new one, never a mix.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
import tomllib
import traceback
from pathlib import Path
from typing import Any

import pytest

from okx_wizard.core import fsutil
from okx_wizard.core.api import Context, StoredCredentials, Workspace
from okx_wizard.core.errors import StorageError, UsageError, WizardError
from okx_wizard.core.metadata import MetadataStore, ProfileMeta
from okx_wizard.core.models import Intentions
from okx_wizard.core.secret import Credentials, Secret
from okx_wizard.core.simulator import Fault, SimKey, Simulator
from okx_wizard.core.validation import parse_stdin_credentials
from okx_wizard.core.vault import CHEAPEST_KDF, VaultKeyring
from tests.hardening.conftest import HomeFactory, Record
from tests.hardening.faulty_keyring import FaultyKeyring
from tests.hardening.support import (
    ROOT,
    CliRun,
    RawServer,
    files_under,
    random_key,
    run_process,
    scan,
    secret_pieces,
    stdin_json,
)


def _secrets_of(*keys: SimKey) -> list[str]:
    """What must never show: secret keys and passphrases (the API key is shown as a hint)."""
    return [value for key in keys for value in (key.secret_key, key.passphrase)]


def _creds(key: SimKey) -> Credentials:
    return Credentials(key.api_key, Secret(key.secret_key), Secret(key.passphrase))


# -- the CLI flows --------------------------------------------------------------------------------
def test_cli_flows_leak_no_secret(make_home: HomeFactory, record: Record) -> None:
    first = random_key()
    second = random_key(label="rotated")
    wrong = random_key()  # only its passphrase is used: a wrong one, typed by mistake
    home = make_home()
    outputs: dict[str, CliRun] = {}
    with Simulator([first, second]) as sim, RawServer("echo") as echo:
        url = sim.url()

        def cli(label: str, *args: str, stdin: bytes = b"") -> CliRun:
            run = home.cli(*args, stdin=stdin)
            outputs[label] = run
            return run

        login = ("login", "--profile", "bot", "--stdin", "--base-url", url)
        cli("login-wrong-passphrase", *login, stdin=stdin_json(first, passphrase=wrong.passphrase))
        cli("login-wrong-type", *login, stdin=stdin_json(first, secret_key=12345))
        cli(
            "login-four-lines",
            *login,
            stdin=f"{first.secret_key}\n{first.passphrase}\nx\ny".encode(),
        )
        assert cli("login", *login, "--json", stdin=stdin_json(first)).code == 0
        assert cli("check-json", "check", "bot", "--json").code == 0
        assert cli("check", "check", "bot").code == 0
        cli("list", "list")
        cli("list-json", "list", "--json")
        cli(
            "login-same-passphrase",
            *login,
            "--replace",
            stdin=stdin_json(second, passphrase=first.passphrase),
        )
        assert cli("rotate", *login, "--replace", "--json", stdin=stdin_json(second)).code == 0
        assert cli("check-all", "check", "--all", "--json").code == 0
        cli("check-echo-proxy", "--timeout", "2", "check", "bot", "--base-url", echo.url())
        sim.add_fault(Fault("broken_json", times=-1))
        cli("check-broken-json", "--timeout", "2", "check", "bot", "--json")
        sim.clear_faults()
        env_run = home.cli("env", "bot", "--format", "json")
        child = (
            "import os; e = os.environ; print(len(e['OKX_SECRET_KEY']), len(e['OKX_PASSPHRASE']))"
        )
        cli("exec", "exec", "bot", "--", sys.executable, "-c", child)
        assert cli("remove", "remove", "bot", "--yes").code == 0

    sources: dict[str, bytes | str] = {}
    for label, run in outputs.items():
        sources[f"{label}: stdout"] = run.stdout
        sources[f"{label}: stderr"] = run.stderr
    sources["env: stderr"] = env_run.stderr
    written = files_under(home.home, home.tmp)
    sources.update(written)
    secrets = _secrets_of(first, second, wrong)
    findings = scan(sources, secrets)
    control = scan({"env stdout": env_run.stdout}, _secrets_of(second))
    record(
        area="secrets",
        case="cli-flows",
        command="login (wrong, malformed, ok), check, list, login --replace, check --all, "
        "echo proxy, exec, remove",
        tried=f"{len(secrets)} random secrets, {len(secret_pieces(secrets))} pieces of 8, "
        f"in {len(outputs) * 2 + 1} outputs and {len(written)} files",
        exit=None,
        kind=None,
        stored=f"{len(written)} files under HOME and TMPDIR scanned",
        message=f"secrets found: {len(findings)} "
        f"(positive control: env stdout found {'yes' if control else 'NO'})",
        secrets_found=len(findings),
        traceback=any(run.traceback for run in outputs.values()),
    )
    assert control, "the scanner must find the secrets where they are meant to be"
    assert findings == [], [f.where for f in findings]
    assert outputs["exec"].stdout.split() == ["32", str(len(second.passphrase))]
    assert "not quoted here" in outputs["check-echo-proxy"].stdout
    assert not any(run.traceback for run in outputs.values())


# -- in process: exceptions, reprs, reports and logs ----------------------------------------------
def test_exceptions_reprs_and_logs_leak_no_secret(
    isolated_home: dict[str, str], caplog: pytest.LogCaptureFixture, record: Record
) -> None:
    import keyring
    import keyring.core

    key = random_key()
    seen: dict[str, str] = {}
    caplog.set_level(logging.DEBUG)

    def keep(label: str, exc: BaseException) -> None:
        seen[f"{label}: str"] = str(exc)
        seen[f"{label}: repr"] = repr(exc)
        seen[f"{label}: traceback"] = "".join(traceback.format_exception(exc))

    creds = _creds(key)
    ws = Workspace(Context())
    with Simulator([key]) as sim, RawServer("echo") as echo:
        for label, url, fault in (
            ("verify-ok", sim.url(), None),
            ("verify-echo-proxy", echo.url(), None),
            ("verify-html", sim.url(), Fault("html", status=502, times=-1)),
            ("verify-broken-json", sim.url(), Fault("broken_json", times=-1)),
        ):
            sim.clear_faults()
            if fault is not None:
                sim.add_fault(fault)
            endpoint = ws.endpoint("global", False, url)
            report = asyncio.run(ws.verify("bot", creds, endpoint, Intentions()))
            seen[f"{label}: report"] = json.dumps(report.to_json())
            seen[f"{label}: repr"] = repr(report)
            if report.error is not None:
                keep(label, report.error)
        sim.clear_faults()
        wrong = Credentials(key.api_key, creds.secret_key, Secret(key.passphrase[::-1]))
        endpoint = ws.endpoint("global", False, sim.url())
        report = asyncio.run(ws.verify("bot", wrong, endpoint, Intentions()))
        assert report.error is not None
        keep("verify-wrong-passphrase", report.error)
        ok_report = asyncio.run(ws.verify("bot", creds, endpoint, Intentions()))
    for label, data in (
        ("stdin-wrong-type", stdin_json(key, api_key=[key.secret_key])),
        ("stdin-extra-field", stdin_json(key, copy=key.passphrase)),
        ("stdin-four-lines", f"{key.api_key}\n{key.secret_key}\n{key.passphrase}\nx".encode()),
        ("stdin-control", f"{key.api_key}\n{key.secret_key}\x07\n{key.passphrase}".encode()),
    ):
        with pytest.raises(UsageError) as caught:
            parse_stdin_credentials(data)
        keep(label, caught.value)
    saved = keyring.core._keyring_backend
    try:
        keyring.set_keyring(FaultyKeyring(faults=[("set", 1, "raise")]))
        failing = Workspace(Context())
        with pytest.raises(StorageError) as storage:
            failing.commit("bot", creds, ok_report, Intentions())
        keep("keyring-raises-with-the-secret-in-its-message", storage.value)
    finally:
        keyring.core._keyring_backend = saved
    seen["repr Credentials"] = repr(creds) + str(creds)
    seen["repr Secret"] = repr(creds.secret_key) + str(creds.passphrase) + f"{creds.passphrase}"
    stored = StoredCredentials("bot", creds, "global", False, "https://www.okx.com")
    seen["repr StoredCredentials"] = repr(stored) + str(stored)
    seen["repr SimKey"] = repr(key)
    seen["repr ProfileMeta"] = repr(ProfileMeta(name="bot", api_key_hint=creds.hint))
    seen["log records"] = "\n".join(r.getMessage() + repr(r.args) for r in caplog.records)
    secrets = [*_secrets_of(key), key.passphrase[::-1]]
    findings = scan(seen, secrets)
    control = scan({"to_store": json.dumps(creds.to_store())}, secrets)
    record(
        area="secrets",
        case="exceptions-reprs-logs",
        command="verify, parse_stdin_credentials, Workspace.commit (in process)",
        tried=f"{len(seen)} exception texts, tracebacks, reports, reprs and "
        f"{len(caplog.records)} log records (DEBUG)",
        exit=None,
        kind=None,
        stored="n/a",
        message=f"secrets found: {len(findings)}",
        secrets_found=len(findings),
        traceback=False,
    )
    assert control
    assert findings == [], [f.where for f in findings]
    assert isinstance(report.error, WizardError)


# -- file modes, atomic writes, SIGKILL -----------------------------------------------------------
@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077], ids=["000", "022", "077"])
def test_files_0600_and_folders_0700(umask: int, make_home: HomeFactory, record: Record) -> None:
    key = random_key()
    home = make_home()

    def cli(*args: str, stdin: bytes = b"") -> CliRun:
        argv = ["sh", "-c", f'umask {umask:03o} && exec "$0" "$@"', sys.executable, "-m",
                "okx_wizard", *args]  # fmt: skip
        return run_process(argv, home.env, stdin)

    with Simulator([key]) as sim:
        login = ("login", "--profile", "bot", "--stdin", "--base-url", sim.url())
        assert cli(*login, stdin=stdin_json(key)).code == 0
        assert cli("check", "bot").code == 0
        metadata = home.metadata_path.read_bytes()
        home.metadata_path.write_bytes(b"[broken")
        assert cli("list").code == 1  # a copy of the broken file is put aside
        home.metadata_path.write_bytes(metadata)
        assert cli("list").code == 0
    ours = [home.config_dir, home.data_dir]
    modes = {}
    for folder in ours:
        if folder.exists():
            modes[str(folder.relative_to(home.home))] = folder.stat().st_mode & 0o777
            for path in folder.rglob("*"):
                modes[str(path.relative_to(home.home))] = path.stat().st_mode & 0o777
    wrong = {
        p: oct(m)
        for p, m in modes.items()
        if m != (0o700 if Path(home.home, p).is_dir() else 0o600)
    }
    record(
        area="files",
        case=f"modes-umask-{umask:03o}",
        command="login, check, list of a broken file",
        tried=f"umask {umask:03o}",
        exit=None,
        kind=None,
        stored=f"{len(modes)} paths: "
        + ", ".join(f"{_short(p)} {oct(m)[2:]}" for p, m in sorted(modes.items())),
        message="all files 0600, folders 0700" if not wrong else f"WRONG: {wrong}",
        traceback=False,
    )
    assert home.config_dir.exists()
    assert wrong == {}


def _short(path: str) -> str:
    """``.config/okx-wizard/profiles.toml.broken-2025…`` → ``config/profiles.toml.broken-*``."""
    parts = Path(path).parts
    where = "config" if ".config" in parts else "data"
    name = re.sub(r"broken-[0-9T-]+", "broken-*", parts[-1])
    return where if name == "okx-wizard" else f"{where}/{name}"


def test_every_rewrite_is_atomic_and_fsynced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, record: Record
) -> None:
    events: list[tuple[str, str]] = []
    fds: dict[int, str] = {}
    real_open, real_fsync, real_replace = os.open, os.fsync, os.replace

    def spy_open(path: Any, flags: int, mode: int = 0o777, **kw: Any) -> int:
        fd = real_open(path, flags, mode, **kw)
        fds[fd] = str(path)
        if flags & (os.O_WRONLY | os.O_RDWR) and not str(path).endswith(".lock"):
            exclusive = bool(flags & os.O_EXCL)
            events.append(("open-excl" if exclusive else "open-write", Path(path).name))
        return fd

    def spy_fsync(fd: int) -> None:
        events.append(("fsync", Path(fds.get(fd, "?")).name))
        real_fsync(fd)

    def spy_replace(src: Any, dst: Any) -> None:
        events.append(("replace", f"{Path(src).name}->{Path(dst).name}"))
        real_replace(src, dst)

    monkeypatch.setattr(os, "open", spy_open)
    monkeypatch.setattr(os, "fsync", spy_fsync)
    monkeypatch.setattr(os, "replace", spy_replace)
    store = MetadataStore(tmp_path / "cfg" / "profiles.toml")
    store.save(ProfileMeta(name="bot", api_key_hint="55b2…e9a8"))
    store.save_draft("next", {"step": "capture"})
    vault = VaultKeyring(tmp_path / "data" / "vault.bin", Secret("pw"), kdf=CHEAPEST_KDF)
    vault.set_password("svc", "bot:active", "value")
    vault.delete_password("svc", "bot:active")
    writes = [e for e in events if e[0].startswith("open")]
    assert writes and all(kind == "open-excl" and name.endswith(".tmp") for kind, name in writes)
    # Each rewrite: temporary file, its fsync, the rename, then the folder's fsync.
    for index, (_, tmp_name) in enumerate(writes):
        start = events.index(writes[index])
        target = tmp_name[1:].rsplit(".", 2)[0]
        assert events[start + 1] == ("fsync", tmp_name)
        assert events[start + 2] == ("replace", f"{tmp_name}->{target}")
        folder = "cfg" if target.startswith("profiles") else "data"
        assert events[start + 3] == ("fsync", folder)
    record(
        area="files",
        case="atomic-writes",
        command="MetadataStore.save, save_draft, vault set/delete",
        tried=f"{len(writes)} rewrites traced (os.open, os.fsync, os.replace)",
        exit=None,
        kind=None,
        stored=" → ".join(k for k, _ in events[:4]) + " (each time)",
        message="every rewrite: O_EXCL temp file, fsync, atomic rename, folder fsync",
        traceback=False,
    )
    assert fsutil.PRIVATE_FILE_MODE == 0o600


KILL_WRITER = """
import sys
from okx_wizard.core.metadata import MetadataStore, ProfileMeta
store = MetadataStore(__import__("pathlib").Path(sys.argv[1]))
n = 0
while True:
    n += 1
    store.save(ProfileMeta(name=f"p{n % 50}", api_key_hint="x" * (n % 300), key_label=str(n)))
"""


def test_sigkill_mid_write_leaves_old_or_new(tmp_path: Path, record: Record) -> None:
    path = tmp_path / "cfg" / "profiles.toml"
    kills = 6
    intact = 0
    for round_ in range(kills):
        proc = subprocess.Popen(
            [sys.executable, "-c", KILL_WRITER, str(path)], cwd=ROOT, stderr=subprocess.DEVNULL
        )
        before = path.stat().st_mtime_ns if path.exists() else 0
        deadline = time.monotonic() + 10
        while (path.stat().st_mtime_ns if path.exists() else 0) == before:
            assert time.monotonic() < deadline, "the writer never wrote"
            time.sleep(0.01)
        time.sleep(0.03 * round_)  # it is rewriting the file in a loop now
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        document = tomllib.loads(path.read_text("utf-8"))  # complete, or this raises
        assert document["version"] == 1 and document["profiles"]
        MetadataStore(path).load()
        intact += 1
    leftovers = sorted(p.name for p in path.parent.glob(".*.tmp"))
    record(
        area="files",
        case="sigkill-mid-write",
        command="MetadataStore.save in a loop",
        tried=f"SIGKILL {kills} times while rewriting the profile file",
        exit=-signal.SIGKILL,
        kind=None,
        stored=f"file complete and valid after {intact}/{kills} kills; "
        f"{len(leftovers)} orphan temp file(s) (0600, no secrets)",
        message="old or new file, never a mix",
        traceback=False,
    )
    assert intact == kills
    for leftover in path.parent.glob(".*.tmp"):
        assert leftover.stat().st_mode & 0o777 == 0o600
