"""A keyring backend that fails on purpose, for the CLI in a subprocess and for in-process tests.

The CLI picks it up through keyring's own ``PYTHON_KEYRING_BACKEND`` variable
(``tests.hardening.faulty_keyring.FaultyKeyring``). Its entries live in a JSON file
(``$OKX_TEST_KEYRING_FILE``) so several processes see the same keyring, and
``$OKX_TEST_KEYRING_FAULT`` says which call fails and how: ``OP:N:MODE`` (``set:2:raise`` fails
the second ``set_password``), several joined by commas. OP is ``get``, ``set``, ``delete`` or
``any``; MODE is ``raise`` (a RuntimeError whose text holds the value it was given, to prove
okx-wizard never repeats it), ``locked`` (keyring's KeyringLocked) or ``hang`` (never answers).
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import ClassVar

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError

FILE_ENV = "OKX_TEST_KEYRING_FILE"
FAULT_ENV = "OKX_TEST_KEYRING_FAULT"
HANG_S = 120.0


class InjectedFault(RuntimeError):
    """The fault a test asked for."""


def parse_faults(spec: str) -> list[tuple[str, int, str]]:
    """``"set:2:raise,get:1:hang"`` → ``[("set", 2, "raise"), ("get", 1, "hang")]``."""
    faults = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        op, n, mode = part.split(":")
        faults.append((op, int(n), mode))
    return faults


class FaultyKeyring(KeyringBackend):
    """Entries in memory or a JSON file; the calls named by ``faults`` fail as told."""

    priority: ClassVar[float] = 5  # type: ignore[misc]

    def __init__(
        self, path: Path | None = None, faults: list[tuple[str, int, str]] | None = None
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        env_path = os.environ.get(FILE_ENV)
        self.path = path if path is not None else (Path(env_path) if env_path else None)
        self.faults = faults if faults is not None else parse_faults(os.environ.get(FAULT_ENV, ""))
        self.calls: dict[str, int] = {"get": 0, "set": 0, "delete": 0, "any": 0}
        self.memory: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()

    # -- faults -------------------------------------------------------------------------------
    def _maybe_fail(self, op: str, value: str = "") -> None:
        with self._lock:
            self.calls[op] += 1
            self.calls["any"] += 1
            counts = dict(self.calls)
        for fault_op, n, mode in self.faults:
            if counts.get(fault_op) == n and fault_op in (op, "any"):
                if mode == "hang":
                    time.sleep(HANG_S)
                if mode == "locked":
                    raise KeyringLocked("the collection is locked")
                raise InjectedFault(f"backend exploded while handling {op} of {value!r}")

    # -- storage ------------------------------------------------------------------------------
    def _load(self) -> dict[str, dict[str, str]]:
        if self.path is None:
            return self.memory
        try:
            data: dict[str, dict[str, str]] = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return {}
        return data

    def _save(self, data: dict[str, dict[str, str]]) -> None:
        if self.path is None:
            self.memory = data
            return
        tmp = self.path.with_name(self.path.name + ".new")
        tmp.write_text(json.dumps(data), "utf-8")
        tmp.replace(self.path)

    def get_password(self, service: str, username: str) -> str | None:
        self._maybe_fail("get", username)
        return self._load().get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self._maybe_fail("set", password)
        data = self._load()
        data.setdefault(service, {})[username] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        self._maybe_fail("delete", username)
        data = self._load()
        if username not in data.get(service, {}):
            raise PasswordDeleteError("not found")
        del data[service][username]
        self._save(data)


# keyring must never choose it by itself in other tests: only when named explicitly.
KeyringBackend._classes.discard(FaultyKeyring)
