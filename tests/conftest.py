"""Shared fixtures: a running simulator, a throwaway home, and a way to run the real CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from okx_wizard.core.simulator import SAMPLE, SimKey, Simulator
from scripts.throwaway_home import throwaway_home_env

VAULT_PASSWORD = "correct horse battery staple 42"
HERE = Path(__file__).parent
# Set by .ci/with-keyring.sh: the session's Secret Service is a throwaway one, and each
# pytest-xdist worker may start its own the same way.
KEYRING_PER_WORKER = "OKX_WIZARD_TEST_KEYRING_PER_WORKER"


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist, inside .ci/with-keyring.sh: give this worker its own D-Bus session and
    gnome-keyring (a fresh, unlocked default collection), so workers never share a keyring: one
    worker's locked-collection test and its unlock prompt, or its items, cannot reach another's."""
    if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get(KEYRING_PER_WORKER):
        _start_own_keyring(config)


def _start_own_keyring(config: pytest.Config) -> None:
    root = Path(tempfile.mkdtemp(prefix="okx-wizard-keyring-"))
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert bus.stdout is not None
    address = bus.stdout.readline().strip()
    if not address:
        bus.kill()
        raise pytest.UsageError("dbus-daemon did not start a session bus for this worker")
    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": address, "XDG_DATA_HOME": str(root)}
    env["XDG_RUNTIME_DIR"] = str(root)  # its control socket too: not the other workers' daemon
    subprocess.run(
        ["gnome-keyring-daemon", "--unlock", "--components=secrets"],
        input=b"okx-wizard-ci",  # at least one byte, or it asks a GUI prompter (see the script)
        env=env,
        stdout=subprocess.DEVNULL,
        check=True,
        timeout=30,
    )
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = address

    def stop() -> None:
        bus.terminate()  # gnome-keyring-daemon leaves with its bus
        bus.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)

    config.add_cleanup(stop)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``slow`` what starts processes: the hardening suites (the real CLI in subprocesses,
    tmux) and every test that runs the CLI (``cli_env``). ``pytest -m "not slow"`` is the quick
    local loop; CI runs everything."""
    hardening = HERE / "hardening"
    for item in items:
        if hardening in item.path.parents or "cli_env" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def sim() -> Iterator[Simulator]:
    """A local OKX simulator on loopback with the sample keys."""
    with Simulator() as simulator:
        yield simulator


@pytest.fixture
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A throwaway HOME and XDG dirs, a unique keyring service, in this process and for children.

    Uses the session's Secret Service when there is one (CI runs under dbus-run-session), else the
    encrypted vault with a test password: both are real stores.
    """
    home = tmp_path / "home"
    service = f"okx-wizard-test-{uuid.uuid4().hex[:12]}"
    env = throwaway_home_env(home, service=service, vault_password=VAULT_PASSWORD)
    env["NO_COLOR"] = "1"
    home.mkdir(mode=0o700)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("TEXTUAL_LOG", raising=False)
    return env


@pytest.fixture
def cli_env(isolated_home: dict[str, str]) -> dict[str, str]:
    """The environment a CLI subprocess runs with: the isolated home, nothing of the user's."""
    keep = ("PATH", "LANG", "LC_ALL", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "TMPDIR")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(isolated_home)
    env.setdefault("LANG", "C.UTF-8")
    return env


def run_cli(
    *args: str, env: dict[str, str], stdin: bytes = b"", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``okx-wizard ARGS`` in a subprocess, as a script would."""
    result = subprocess.run(
        [sys.executable, "-m", "okx_wizard", *args],
        input=stdin,
        env=env,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    return subprocess.CompletedProcess(
        result.args,
        result.returncode,
        result.stdout.decode("utf-8", "replace"),
        result.stderr.decode("utf-8", "replace"),
    )


def stdin_for(key: SimKey, *, passphrase: str | None = None, secret: str | None = None) -> bytes:
    """The JSON ``login --stdin`` reads, for a simulator key (optionally with a wrong part)."""
    import json

    return json.dumps(
        {
            "api_key": key.api_key,
            "secret_key": secret if secret is not None else key.secret_key,
            "passphrase": passphrase if passphrase is not None else key.passphrase,
        }
    ).encode()


__all__ = ["SAMPLE", "VAULT_PASSWORD", "run_cli", "stdin_for"]
