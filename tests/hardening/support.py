"""What the hardening tests share: throwaway homes, the CLI with a stopwatch, state snapshots,
misbehaving servers and the secret scanner.

Everything observed here is what a test then records (conftest.py's ``record``), so the table in
docs/reliability.md shows what really happened, not what was expected.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from okx_wizard.core.simulator import SimKey
from scripts.throwaway_home import throwaway_home_env

ROOT = Path(__file__).resolve().parents[2]
VAULT_PASSWORD = "correct horse battery staple 42"
PROFILE_FILE = "profiles.toml"
TRACEBACK = "Traceback (most recent call last)"
_KIND_RE = re.compile(r"\b(auth|region|environment|ip|frozen|permission|clock|rate_limit|server|"
                      r"network|storage) error\b")  # fmt: skip


def secret_service_usable() -> bool:
    """True when this session has an unlocked Secret Service (CI under dbus-run-session)."""
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return False
    from okx_wizard.core.secret_store import probe_secret_service

    return probe_secret_service(timeout=5) is None


STORE_KIND = "keyring" if secret_service_usable() else "vault"


# -- running the CLI ------------------------------------------------------------------------------
@dataclass
class CliRun:
    """One finished ``okx-wizard`` process and what it showed."""

    args: list[str]
    code: int
    stdout: str
    stderr: str
    elapsed: float
    ended: float = 0.0  # time.monotonic() when the process had exited
    home: str = ""  # the user's HOME, shown as ~ in the recorded message

    @property
    def traceback(self) -> bool:
        return TRACEBACK in self.stdout or TRACEBACK in self.stderr

    @property
    def report(self) -> Any:
        """The JSON on stdout (``--json`` commands), or None."""
        try:
            return json.loads(self.stdout)
        except ValueError:
            return None

    @property
    def error_kind(self) -> str | None:
        """The error kind the user was told: from the JSON report, else from the text."""
        report = self.report
        if isinstance(report, dict) and isinstance(report.get("error"), dict):
            return str(report["error"]["kind"])
        found = _KIND_RE.search(self.stdout + "\n" + self.stderr)
        if found:
            return found.group(1)
        if self.code == 2 and "error" in self.stderr:
            return "usage"
        return None

    @property
    def message(self) -> str:
        """The first line that explains a failure, as the user saw it (shortened)."""
        report = self.report
        if isinstance(report, dict) and isinstance(report.get("error"), dict):
            text = str(report["error"]["message"])
        else:
            lines = [ln.strip() for ln in (self.stderr + "\n" + self.stdout).splitlines()]
            wanted = [ln for ln in lines if ln and not ln.startswith(("usage:", "["))]
            text = next((ln for ln in wanted if "error" in ln), wanted[0] if wanted else "")
        text = text.removeprefix("okx-wizard: ")
        if self.home:
            text = text.replace(self.home, "~")
        return text if len(text) <= 200 else text[:197] + "..."

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def base_env(home: Path, service: str) -> dict[str, str]:
    """The environment of one throwaway user: nothing of the real user's, no proxies."""
    keep = ("PATH", "LANG", "LC_ALL", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(throwaway_home_env(home, service=service, vault_password=VAULT_PASSWORD))
    env.update({"TMPDIR": str(home.parent / "tmp"), "NO_COLOR": "1", "PYTHONPATH": str(ROOT)})
    env.setdefault("LANG", "C.UTF-8")
    return env


def run_process(
    argv: list[str], env: dict[str, str], stdin: bytes = b"", timeout: float = 60
) -> CliRun:
    start = time.monotonic()
    result = subprocess.run(
        argv, input=stdin, env=env, capture_output=True, timeout=timeout, check=False, cwd=ROOT
    )
    return CliRun(
        argv[3:] if argv[1:3] == ["-m", "okx_wizard"] else argv,
        result.returncode,
        result.stdout.decode("utf-8", "replace"),
        result.stderr.decode("utf-8", "replace"),
        round(time.monotonic() - start, 2),
        time.monotonic(),
    )


# -- a throwaway user -----------------------------------------------------------------------------
@dataclass
class Snapshot:
    """Everything okx-wizard keeps for one user, at one moment."""

    metadata: bytes | None
    profiles: dict[str, dict[str, Any]]
    entries: dict[str, str]  # store entry ("bot:active") -> digest of its value
    files: dict[str, bytes]  # every file under the config and data dirs, by relative path


@dataclass
class Home:
    """One user's HOME, XDG dirs, temp dir and keyring service, used by CLI subprocesses."""

    root: Path
    service: str = field(default_factory=lambda: f"okx-wizard-hard-{uuid.uuid4().hex[:12]}")
    # Where this user's secrets go: the session's store (Secret Service or vault), "vault"
    # (no D-Bus for this user: the encrypted vault) or "faulty" (tests/hardening/faulty_keyring).
    store: str = STORE_KIND
    extra_env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.home.mkdir(parents=True, mode=0o700, exist_ok=True)
        self.tmp.mkdir(parents=True, exist_ok=True)
        if self.store == "vault":
            self.create_cheap_vault()

    def create_cheap_vault(self) -> None:
        """An empty vault with a cheap key derivation, which every later write keeps.

        The vault's real cost (Argon2id, 64 MiB) is tested in tests/core/test_vault.py; here
        it would only spend 0.3 s of CPU in each of the hundreds of processes these tests run.
        """
        from okx_wizard.core.fsutil import ensure_private_dir
        from okx_wizard.core.secret import Secret
        from okx_wizard.core.vault import CHEAPEST_KDF, VaultKeyring

        ensure_private_dir(self.data_dir)
        for path in (self.vault_path, self.data_dir / "vault-simulator.bin"):
            vault = VaultKeyring(path, Secret(VAULT_PASSWORD), kdf=CHEAPEST_KDF)
            vault._store({})

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    @property
    def config_dir(self) -> Path:
        return self.home / ".config" / "okx-wizard"

    @property
    def data_dir(self) -> Path:
        return self.home / ".local" / "share" / "okx-wizard"

    @property
    def metadata_path(self) -> Path:
        return self.config_dir / PROFILE_FILE

    @property
    def vault_path(self) -> Path:
        return self.data_dir / "vault.bin"

    @property
    def keyring_file(self) -> Path:
        return self.root / "faulty-keyring.json"

    @property
    def env(self) -> dict[str, str]:
        env = base_env(self.home, self.service)
        if self.store == "faulty":
            from tests.hardening.faulty_keyring import FILE_ENV

            env["PYTHON_KEYRING_BACKEND"] = "tests.hardening.faulty_keyring.FaultyKeyring"
            env[FILE_ENV] = str(self.keyring_file)
        elif self.store == "vault" and STORE_KIND == "keyring":
            env.pop("DBUS_SESSION_BUS_ADDRESS", None)  # as over SSH: no Secret Service
            env["XDG_RUNTIME_DIR"] = str(self.root / "no-runtime-dir")
        env.update(self.extra_env)
        return env

    def cli(
        self,
        *args: str,
        stdin: bytes = b"",
        timeout: float = 60,
        env: dict[str, str] | None = None,
    ) -> CliRun:
        """``okx-wizard ARGS`` in a subprocess, as a script would run it."""
        argv = [sys.executable, "-m", "okx_wizard", *args]
        run = run_process(argv, {**self.env, **(env or {})}, stdin, timeout)
        run.home = str(self.home)
        return run

    def popen(self, argv: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        """Start a process as this user, for tests that signal it midway."""
        return subprocess.Popen(
            argv,
            env={**self.env, **(env or {})},
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    # -- what is stored -------------------------------------------------------------------------
    def profiles(self) -> dict[str, dict[str, Any]]:
        """``okx-wizard list --json``, by profile name."""
        run = self.cli("list", "--json")
        if run.code != 0:
            return {"<list failed>": {"code": run.code, "message": run.message}}
        return {row["profile"]: row for row in json.loads(run.stdout)}

    def entries(self) -> dict[str, str]:
        """The secret store's entries of this user: entry name → digest of the value."""
        values = self.entry_values()
        return {
            name: hashlib.sha256(value.encode()).hexdigest()[:16] for name, value in values.items()
        }

    def entry_values(self, *, simulator: bool = False) -> dict[str, str]:
        """The secret store's entries (of the simulator realm: ``simulator``), with values."""
        if simulator:
            service = f"{self.service}-simulator"
            if self.store == "keyring":
                return _secret_service_entries(service)
            from okx_wizard.core.secret import Secret
            from okx_wizard.core.vault import VaultKeyring

            path = self.data_dir / "vault-simulator.bin"
            if not path.exists():
                return {}
            return dict(VaultKeyring(path, Secret(VAULT_PASSWORD))._load().get(service, {}))
        if self.store == "faulty":
            try:
                data = json.loads(self.keyring_file.read_text("utf-8"))
            except FileNotFoundError:
                return {}
            return dict(data.get(self.service, {}))
        if self.store == "keyring":
            return _secret_service_entries(self.service)
        if not self.vault_path.exists():
            return {}
        from okx_wizard.core.secret import Secret
        from okx_wizard.core.vault import VaultKeyring

        entries = VaultKeyring(self.vault_path, Secret(VAULT_PASSWORD))._load()
        return dict(entries.get(self.service, {}))

    def credentials(self, profile: str, slot: str = "active") -> dict[str, str] | None:
        """The stored credentials of one slot (for the test's own checks only)."""
        value = self.entry_values().get(f"{profile}:{slot}")
        return json.loads(value) if value else None

    def files(self) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for base in (self.config_dir, self.data_dir):
            if base.is_dir():
                for path in sorted(base.rglob("*")):
                    if path.is_file():
                        found[str(path.relative_to(self.home))] = path.read_bytes()
        return found

    def temp_files(self) -> list[str]:
        """Leftovers of interrupted atomic writes (``.NAME.XXXX.tmp``) anywhere in HOME."""
        return sorted(
            str(p.relative_to(self.home)) for p in self.home.rglob(".*.tmp") if p.is_file()
        )

    def snapshot(self, *, with_profiles: bool = True) -> Snapshot:
        metadata = self.metadata_path.read_bytes() if self.metadata_path.exists() else None
        return Snapshot(
            metadata,
            self.profiles() if with_profiles else {},
            self.entries(),
            self.files(),
        )

    def clone_from(self, other: Home) -> None:
        """Start as a copy of ``other``: same files and, in a system keyring, same entries."""
        if other.home.exists():
            shutil.rmtree(self.home)
            shutil.copytree(other.home, self.home, symlinks=True)
        self.store = other.store
        if other.store == "faulty":
            data = json.loads(other.keyring_file.read_text("utf-8"))
            self.keyring_file.write_text(json.dumps({self.service: data[other.service]}))
        elif other.store == "keyring":
            _copy_secret_service_entries(other.service, self.service)
        else:
            self.service = other.service  # the vault file holds the entries under this name

    def cleanup(self) -> None:
        if self.store == "keyring":
            _delete_secret_service_entries(self.service)
            _delete_secret_service_entries(f"{self.service}-simulator")


def _secret_service_entries(service: str) -> dict[str, str]:
    import secretstorage

    found = {}
    with contextlib.closing(secretstorage.dbus_init()) as connection:
        collection = secretstorage.get_default_collection(connection)
        for item in collection.search_items({"service": service}):
            found[item.get_attributes()["username"]] = item.get_secret().decode("utf-8")
    return found


def _copy_secret_service_entries(source: str, target: str) -> None:
    from keyring.backends.SecretService import Keyring

    backend = Keyring()
    for username, value in _secret_service_entries(source).items():
        backend.set_password(target, username, value)


def _delete_secret_service_entries(service: str) -> None:
    import secretstorage

    with contextlib.closing(secretstorage.dbus_init()) as connection:
        collection = secretstorage.get_default_collection(connection)
        for item in collection.search_items({"service": service}):
            item.delete()


def describe_change(before: Snapshot, after: Snapshot) -> str:
    """What changed between two snapshots, in words (the table's "stored / changed" column)."""
    parts: list[str] = []
    for name in sorted(set(after.profiles) - set(before.profiles)):
        parts.append(f"profile {name} added (key {after.profiles[name].get('api_key_hint')})")
    for name in sorted(set(before.profiles) - set(after.profiles)):
        parts.append(f"profile {name} removed")
    for name in sorted(set(before.profiles) & set(after.profiles)):
        old, new = before.profiles[name], after.profiles[name]
        changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        if changed == ["last_check"] or set(changed) == {"last_check", "verified_at"}:
            last = new.get("last_check") or {}
            verdict = "ok" if last.get("ok") else f"failed: {last.get('error_kind')}"
            parts.append(f"{name}: last check recorded ({verdict})")
        elif changed:
            what = ", ".join(k for k in changed if k not in ("last_check", "verified_at"))
            parts.append(f"{name}: {what} changed")
    added = sorted(set(after.entries) - set(before.entries))
    removed = sorted(set(before.entries) - set(after.entries))
    rewritten = sorted(
        k for k in set(before.entries) & set(after.entries) if before.entries[k] != after.entries[k]
    )
    if added:
        parts.append("secrets stored: " + ", ".join(added))
    if removed:
        parts.append("secrets erased: " + ", ".join(removed))
    if rewritten:
        parts.append("secrets replaced: " + ", ".join(rewritten))
    if not parts:
        same_meta = before.metadata == after.metadata
        return "nothing" if same_meta else "metadata rewritten, same content"
    return "; ".join(parts)


# -- servers that misbehave -----------------------------------------------------------------------
class RawServer:
    """A loopback TCP server that answers wrongly on purpose.

    ``silent``: accepts and never answers. ``garbage``: answers bytes that are not HTTP.
    ``reset``: accepts and resets the connection. ``echo``: a 502 HTML page that repeats the
    request's headers, HTML-escaped and last first, as some proxies' debug pages do.
    """

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.1)
        self.port = int(self._listener.getsockname()[1])
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.connections = 0
        self.first_contact: float | None = None  # time.monotonic() of the first connection

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for conn in self._held:
            with contextlib.suppress(OSError):
                conn.close()
        self._listener.close()

    def url(self, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            if self.first_contact is None:
                self.first_contact = time.monotonic()
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            if self.behaviour == "silent":
                self._held.append(conn)
                return
            if self.behaviour == "reset":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()
                return
            conn.settimeout(5)
            if self.behaviour == "garbage":
                conn.recv(4096)  # an HTTP request or a TLS hello: either way, answer nonsense
                conn.sendall(b"\x16\x03\x01garbage, not HTTP\r\n\r\n")
                conn.close()
                return
            request = _read_head(conn)
            if self.behaviour == "echo":
                # Last header first: the credentials okx-wizard adds come right at the top.
                lines = request.decode("latin-1").split("\r\n")[::-1]
                text = html.escape("\n".join(line for line in lines if line))
                page = f"<html><body><pre>{text}</pre><p>502 upstream failed</p></body></html>"
                page_bytes = page.encode("latin-1")
                conn.sendall(
                    b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nConnection: close\r\n"
                    + f"Content-Length: {len(page_bytes)}\r\n\r\n".encode()
                    + page_bytes
                )
            conn.close()


def _read_head(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


_HELD_PORTS: list[socket.socket] = []


def closed_port() -> int:
    """A loopback port nothing listens on (connection refused): bound but never listening, and
    kept bound for the rest of the run, so no other test or xdist worker can take it meanwhile."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    _HELD_PORTS.append(sock)
    return int(sock.getsockname()[1])


# -- the secret scanner ---------------------------------------------------------------------------
def secret_pieces(secrets: Iterable[str], size: int = 8) -> set[str]:
    """Each secret and every ``size``-character piece of it, case-folded."""
    pieces: set[str] = set()
    for secret in secrets:
        folded = secret.casefold()
        if len(folded) <= size:
            pieces.add(folded)
        pieces.update(folded[i : i + size] for i in range(len(folded) - size + 1))
    return pieces


@dataclass
class Finding:
    where: str
    piece_index: int  # which piece (never the piece itself: the report must not leak either)


def scan(sources: dict[str, bytes | str], secrets: Iterable[str]) -> list[Finding]:
    """Every source that contains a secret or an 8-character piece of one (any case)."""
    pieces = sorted(secret_pieces(secrets))
    findings = []
    for where, content in sources.items():
        if isinstance(content, bytes):
            text = content.decode("latin-1").casefold() + "\n" + _utf8(content).casefold()
        else:
            text = content.casefold()
        for index, piece in enumerate(pieces):
            if piece in text:
                findings.append(Finding(where, index))
                break
    return findings


def _utf8(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def files_under(*roots: Path) -> dict[str, bytes]:
    """Every regular file under ``roots`` (symlinks not followed), by path."""
    found: dict[str, bytes] = {}
    for root in roots:
        if not root.exists():
            continue
        for path in root.rglob("*"):
            if path.is_file() and not path.is_symlink():
                found[str(path)] = path.read_bytes()
    return found


def random_key(**account: Any) -> SimKey:
    """A fresh simulator key with random secrets, so a scan can only find what leaked."""
    import secrets as random_source

    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    body = "".join(random_source.choice(alphabet) for _ in range(14))
    # Characters that HTML escaping, shells and JSON all treat specially.
    passphrase = f"{body[:7]}&<{body[7:]}>\"'#9"
    key = dict(
        api_key=str(uuid.uuid4()),
        secret_key=random_source.token_hex(16).upper(),
        passphrase=passphrase,
        uid="448300000000000777",
        ip="203.0.113.7",
        total_eq="50",
        trading=[{"ccy": "USDT", "eq": "50", "eqUsd": "50"}],
    )
    key.update(account)
    return SimKey(**key)


def stdin_json(key: SimKey, **override: Any) -> bytes:
    payload: dict[str, Any] = {
        "api_key": key.api_key,
        "secret_key": key.secret_key,
        "passphrase": key.passphrase,
    }
    payload.update(override)
    return json.dumps(payload).encode()


def run_matrix(cases: dict[str, Any], run: Any, workers: int = 4) -> dict[str, Any]:
    """Run ``run(case)`` for every case on a few threads (most cases wait on sockets or
    subprocesses); a case that raised gives its exception, for its test to re-raise."""
    from concurrent.futures import ThreadPoolExecutor

    def guarded(case: Any) -> Any:
        try:
            return run(case)
        except Exception as exc:  # handed to the case's own test
            return exc

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {key: pool.submit(guarded, case) for key, case in cases.items()}
        return {key: future.result() for key, future in futures.items()}


@dataclass
class Interrupted:
    """A process signalled midway: its exit code, output, and when the signal went."""

    code: int
    stdout: str
    stderr: str
    signalled_after: float  # seconds from start to the signal
    elapsed: float

    @property
    def traceback(self) -> bool:
        return TRACEBACK in self.stdout or TRACEBACK in self.stderr


def signal_midway(
    proc: subprocess.Popen[bytes],
    sig: int,
    ready: Any,
    stdin: bytes = b"",
    wait_s: float = 15.0,
    after_signal: Any = None,
) -> Interrupted:
    """Feed ``stdin``, wait until ``ready(stderr_so_far)`` is true, send ``sig`` (then call
    ``after_signal``), collect all."""
    start = time.monotonic()
    out: list[bytes] = []
    err: list[bytes] = []

    def pump(stream: Any, sink: list[bytes]) -> None:
        for line in iter(stream.readline, b""):
            sink.append(line)

    threads = [
        threading.Thread(target=pump, args=(proc.stdout, out), daemon=True),
        threading.Thread(target=pump, args=(proc.stderr, err), daemon=True),
    ]
    for thread in threads:
        thread.start()
    assert proc.stdin is not None
    with contextlib.suppress(BrokenPipeError):
        proc.stdin.write(stdin)
        proc.stdin.close()
    while not ready(b"".join(err).decode("utf-8", "replace")):
        if proc.poll() is not None or time.monotonic() - start > wait_s:
            proc.kill()
            proc.wait()
            raise AssertionError(
                "the process never reached the point to interrupt: "
                + b"".join(out + err).decode("utf-8", "replace")[-2000:]
            )
        time.sleep(0.01)
    signalled = time.monotonic() - start
    proc.send_signal(sig)
    if after_signal is not None:
        after_signal()
    try:
        code = proc.wait(timeout=wait_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError(f"the process did not end within {wait_s} s of signal {sig}") from None
    for thread in threads:
        thread.join(timeout=5)
    return Interrupted(
        code,
        b"".join(out).decode("utf-8", "replace"),
        b"".join(err).decode("utf-8", "replace"),
        round(signalled, 2),
        round(time.monotonic() - start, 2),
    )
