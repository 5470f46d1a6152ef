"""tmux's own copies of what okx-wizard put on the clipboard, found and deleted.

Copying over SSH uses OSC 52; inside tmux (``set-clipboard on``, its default ``external`` for
applications that ask) tmux keeps every such copy in a *paste buffer* of its own, and an empty
OSC 52 ("clear the clipboard") only adds another buffer: the secret stays in ``tmux
list-buffers`` for anyone with the tmux socket, long after okx-wizard said it was cleared.
:func:`forget_tmux_copies` deletes the buffers that hold exactly what was copied.

Outside tmux (``$TMUX`` unset) or without the tmux program it does nothing. The buffers are
compared in this process (tmux is asked for each candidate's content, never given the secret
on a command line).
"""

from __future__ import annotations

import hmac
import os
import shutil
import subprocess
from collections.abc import Mapping

from okx_wizard.core.secret import Secret

_TIMEOUT_S = 2.0


def _tmux(args: list[str], env: Mapping[str, str], tmux: str) -> bytes | None:
    """stdout of ``tmux ARGS``; None when it fails or takes too long (a tmux gone away)."""
    try:
        done = subprocess.run(
            [tmux, *args],
            env=dict(env),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def forget_tmux_copies(text: Secret | str, *, env: Mapping[str, str] | None = None) -> int:
    """Delete every tmux paste buffer whose content is ``text``; how many were deleted.

    Call it when the clipboard is cleared (and when the app quits after copying a secret).
    ``env`` defaults to this process's environment (``TMUX`` names the server's socket).
    """
    env = os.environ if env is None else env
    value = text.reveal() if isinstance(text, Secret) else text
    tmux = shutil.which("tmux", path=env.get("PATH"))
    if not value or not env.get("TMUX") or tmux is None:
        return 0
    wanted = value.encode("utf-8")
    listing = _tmux(["list-buffers", "-F", "#{buffer_size} #{buffer_name}"], env, tmux)
    if listing is None:
        return 0
    deleted = 0
    for line in listing.decode("utf-8", "replace").splitlines():
        size, _, name = line.partition(" ")
        # A terminal may add a trailing newline; anything else of another size is not it.
        if not name or size not in (str(len(wanted)), str(len(wanted) + 1)):
            continue
        content = _tmux(["show-buffer", "-b", name], env, tmux)
        if content is None:
            continue
        same = hmac.compare_digest(content, wanted) or hmac.compare_digest(content, wanted + b"\n")
        if same and _tmux(["delete-buffer", "-b", name], env, tmux) is not None:
            deleted += 1
    return deleted
