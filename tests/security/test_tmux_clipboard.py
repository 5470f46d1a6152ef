"""Clearing the clipboard inside tmux (issue #12, item 5): a secret copied by OSC 52 lands in a
tmux paste buffer, which an empty OSC 52 does not remove. :func:`forget_tmux_copies` deletes it.

A real tmux server on a private socket; the secret reaches it the way the app sends it, as an
OSC 52 sequence written by a program in a pane.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from okx_wizard.core.secret import Secret
from okx_wizard.core.tmux_clipboard import forget_tmux_copies

SECRET = "8F3A1C9E0B7D4A2F6E5C3B1A9D8E7F60"

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def _tmux(socket: Path, *args: str) -> str:
    return subprocess.run(
        ["tmux", "-S", str(socket), *args], capture_output=True, text=True, timeout=10, check=True
    ).stdout


@pytest.fixture
def tmux_socket() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="okxw-", dir="/tmp"))  # socket paths are short
    socket = folder / "s"
    payload = base64.b64encode(SECRET.encode()).decode()
    pane = f"printf '\\033]52;c;{payload}\\007'; exec cat"
    _tmux(socket, "-f", "/dev/null", "start-server", ";", "set-option", "-g", "set-clipboard",
          "on", ";", "new-session", "-d", "-x", "80", "-y", "24", pane)  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while SECRET not in _buffers(socket):
            assert time.monotonic() < deadline, "tmux never stored the OSC 52 copy"
            time.sleep(0.02)  # polling a condition: tmux offers no event to wait on
        yield socket
    finally:
        subprocess.run(["tmux", "-S", str(socket), "kill-server"], capture_output=True, check=False)
        shutil.rmtree(folder, ignore_errors=True)


def _buffers(socket: Path) -> list[str]:
    try:
        names = _tmux(socket, "list-buffers", "-F", "#{buffer_name}").split()
    except subprocess.CalledProcessError:
        return []
    return [_tmux(socket, "show-buffer", "-b", name) for name in names]


def test_clearing_deletes_tmux_s_copy_of_the_secret_and_nothing_else(tmux_socket: Path) -> None:
    _tmux(tmux_socket, "set-buffer", "-b", "mine", "the user's own copy")
    env = {"PATH": os.environ["PATH"], "TMUX": f"{tmux_socket},1,0"}
    assert forget_tmux_copies(Secret(SECRET), env=env) == 1
    left = _buffers(tmux_socket)
    assert SECRET not in left
    assert "the user's own copy" in left


def test_outside_tmux_nothing_is_touched(tmux_socket: Path) -> None:
    assert forget_tmux_copies(SECRET, env={"PATH": os.environ["PATH"]}) == 0
    assert SECRET in _buffers(tmux_socket)


async def test_the_app_s_clear_clipboard_and_quit_delete_tmux_s_copy(
    tmux_socket: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """ctrl+l after copying a secret, and quitting after copying one, leave no tmux buffer."""
    from okx_wizard.app import OkxWizardApp
    from okx_wizard.core.api import Context, Workspace

    monkeypatch.setenv("TMUX", f"{tmux_socket},1,0")
    monkeypatch.setenv("HOME", str(tmp_path))
    app = OkxWizardApp(Workspace(Context(simulator=True, hosts={})), mode="setup")
    async with app.run_test(size=(80, 24)) as pilot:
        app.copy_text(SECRET, what="the secret", secret=True)
        await pilot.press("ctrl+l")
        assert SECRET not in _buffers(tmux_socket)
        _tmux(tmux_socket, "set-buffer", SECRET)  # copied again
        app.copy_text(SECRET, what="the secret", secret=True)
        app.exit()
    assert SECRET not in _buffers(tmux_socket)
