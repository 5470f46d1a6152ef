"""Entry point of the terminal UI: makes the environment safe for secrets, then runs the app.

Textual reads its environment variables when it is first imported, so this module imports
nothing of Textual at the top: :func:`run_tui` scrubs the environment first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from okx_wizard.core.api import Context

# Textual variables that only change looks or speed; every other TEXTUAL* one (log file, devtools,
# debug features, auto key presses, auto screenshots, a custom driver) goes unless --debug.
_HARMLESS = frozenset(
    {
        "TEXTUAL_ANIMATIONS",
        "TEXTUAL_COLOR_SYSTEM",
        "TEXTUAL_DIM_FACTOR",
        "TEXTUAL_DISABLE_KITTY_KEY",
        "TEXTUAL_FILTERS",
        "TEXTUAL_FPS",
        "TEXTUAL_SMOOTH_SCROLL",
        "TEXTUAL_SPEEDUPS",
        "TEXTUAL_THEME",
    }
)

TuiMode = Literal["home", "setup", "rotate"]


def scrub_environment(debug: bool) -> list[str]:
    """Remove Textual's logging, devtools and automation variables unless ``debug``.

    Returns the names removed. Also switches off a log file or screenshot timer in case Textual
    was imported before (its constants are read at import time).
    """
    if debug:
        return []
    removed = [name for name in os.environ if name.startswith("TEXTUAL") and name not in _HARMLESS]
    for name in removed:
        del os.environ[name]
    import sys

    constants = sys.modules.get("textual.constants")
    if constants is not None:
        constants.LOG_FILE = None  # type: ignore[attr-defined]
        constants.DEBUG = False  # type: ignore[attr-defined]
        constants.SCREENSHOT_DELAY = -1  # type: ignore[attr-defined]
        constants.PRESS = ""  # type: ignore[attr-defined]
    return removed


def run_tui(
    ctx: Context,
    mode: TuiMode,
    profile: str | None,
    debug: bool,
    *,
    headless: bool = False,
    auto_pilot: Callable[[Any], Coroutine[Any, Any, None]] | None = None,
    ready_hook: Callable[[Any], None] | None = None,
) -> int:
    """Run the wizard: ``home`` (profiles, or first setup), ``setup`` or ``rotate`` a profile.

    ``ready_hook`` is called with the app once its first frame is on screen. ``headless`` and
    ``auto_pilot`` are for tests that drive the real entry point.
    Returns the process exit code.
    """
    scrub_environment(debug)
    from okx_wizard.app import OkxWizardApp
    from okx_wizard.core.api import Workspace

    app = OkxWizardApp(Workspace(ctx), mode=mode, profile=profile, ready_hook=ready_hook)
    app.run(headless=headless, auto_pilot=auto_pilot)
    code = app.return_code
    return 0 if code is None else int(code)
