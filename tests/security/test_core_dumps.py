"""No core dump of okx-wizard (issue #12, item 5): a crash must not write the secret key, the
passphrase or the vault password to disk, and other processes must not read its memory.

The real CLI is started paused in ``login --stdin`` (it waits for the credentials on stdin),
and its limits and dumpable flag are read from outside, through /proc:

- ``/proc/PID/limits``: "Max core file size" must be 0 (soft and hard);
- dumpability: the kernel gives a process that is not dumpable (``PR_SET_DUMPABLE`` 0) a
  ``/proc/PID`` owned by root:root instead of its effective uid and gid (proc(5)). Run as root,
  the child gets another group (``group=``), so "owned by root:root" can only mean "not
  dumpable"; run as another user, its own uid shows the same.

The CLI turns core dumps off right after parsing its arguments (cli_runtime.harden_process),
before any command runs, the TUI included.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SAMPLE, stdin_for

OTHER_GROUP = 12345
# The read(2) system call number, by machine (/proc/PID/syscall shows it first).
READ_SYSCALL = {"x86_64": "0", "aarch64": "63", "arm64": "63"}


def _blocked_reading_stdin(pid: int) -> bool:
    """Whether some thread of ``pid`` sits in read(0, …): the CLI waits for its credentials."""
    nr = READ_SYSCALL.get(platform.machine())
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            call = (task / "syscall").read_text().split()
            wchan = (task / "wchan").read_text()
        except OSError:
            continue
        if call[:2] == [nr, "0x0"] or wchan == "pipe_read":
            return True
    return False


def _wait_until_reading(process: subprocess.Popen[bytes], limit_s: float = 30) -> None:
    deadline = time.monotonic() + limit_s
    while not _blocked_reading_stdin(process.pid):
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "the CLI never waited on stdin"
        time.sleep(0.02)  # polling a condition: /proc offers no event to wait on


def _status_ids(pid: int) -> tuple[int, int]:
    """The effective uid and gid of ``pid`` (the second field of Uid: and Gid:)."""
    ids = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Uid", "Gid"):
            ids[key] = int(rest.split()[1])
    return ids["Uid"], ids["Gid"]


def _core_limits(pid: int) -> list[str]:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max core file size"):
            return line.split()[4:6]
    raise AssertionError("no core limit in /proc/PID/limits")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux's /proc")
def test_the_cli_runs_with_no_core_dump_and_not_dumpable(cli_env: dict[str, str]) -> None:
    extra = {"group": OTHER_GROUP, "extra_groups": []} if os.geteuid() == 0 else {}
    process = subprocess.Popen(
        [sys.executable, "-m", "okx_wizard", "login", "--profile", "bot", "--stdin",
         "--base-url", "http://127.0.0.1:9"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=cli_env, **extra,  # type: ignore[arg-type]
    )  # fmt: skip
    try:
        _wait_until_reading(process)
        limits = _core_limits(process.pid)
        euid, egid = _status_ids(process.pid)
        info = os.stat(f"/proc/{process.pid}/status")
        owner = (info.st_uid, info.st_gid)
    finally:
        process.communicate(stdin_for(SAMPLE["good"]), timeout=60)
    assert limits == ["0", "0"], f"core file size limit is {limits}"
    assert (euid, egid) != (0, 0), "the test needs a child with a non-root uid or gid"
    assert owner == (0, 0), f"/proc/PID is owned by {owner}: the process is dumpable"
