"""What the user sees when okx-wizard crashes: a traceback without local variables or secrets.

Textual's default crash report shows every frame's local variables, which in this app can be
a revealed secret. This one never does, and masks every secret the app holds in memory.
"""

from __future__ import annotations

import io

import rich
from rich.console import Console
from rich.text import Text
from rich.traceback import Traceback


def render_crash(console: Console, secrets: list[str]) -> Text:
    """The current exception's traceback as plain text: no local variables, secrets masked."""
    buffer = io.StringIO()
    plain = Console(
        file=buffer,
        width=console.width or 100,
        color_system=None,
        force_terminal=False,
        legacy_windows=False,
    )
    plain.print(Traceback(show_locals=False, width=None, suppress=[rich]))
    text = buffer.getvalue()
    for value in sorted(secrets, key=len, reverse=True):
        text = text.replace(value, "********")
    note = (
        "okx-wizard stopped on an unexpected error (a bug: please report it). The report "
        "below has no variable values and no secrets. A key you had captured is kept as "
        "pending in the secure store: run okx-wizard again to resume.\n"
    )
    return Text(note + text)
