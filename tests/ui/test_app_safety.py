"""Secrets never leak from the TUI: crash reports, Textual's log, screenshots, the clipboard."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from okx_wizard.core.secret import Credentials, Secret
from okx_wizard.core.simulator import SAMPLE
from okx_wizard.core.wizard_state import WizardState
from okx_wizard.tui import scrub_environment
from tests.ui.conftest import (
    SIZE,
    Setup,
    filled_state,
    paste,
    press,
    screen_name,
    settle,
    start_at,
)

CRASH_SECRET = "S3cretCrashValue-7f1e9a2b"

# Runs the real entry point headless; an action raises while a revealed secret is a local
# variable (and, with "message", also inside the exception's message).
CRASH_SCRIPT = textwrap.dedent(
    """
    import sys
    from okx_wizard.app import OkxWizardApp
    from okx_wizard.core.api import Context
    from okx_wizard.core.secret import Secret
    from okx_wizard.tui import run_tui

    SECRET = {secret!r}
    WHERE = sys.argv[1]

    def action_crash(self):
        held = Secret(SECRET)
        self.state.captured_secret = held
        revealed = held.reveal()
        if WHERE == "message":
            raise RuntimeError("failed with " + revealed)
        raise RuntimeError("boom")

    OkxWizardApp.action_crash = action_crash
    if WHERE == "stock":
        from textual.app import App
        OkxWizardApp._fatal_error = App._fatal_error

    async def auto_pilot(pilot):
        await pilot.pause()
        pilot.app.call_later(pilot.app.action_crash)
        await pilot.pause()

    sys.exit(run_tui(Context(simulator=True), "setup", None, False,
                     headless=True, auto_pilot=auto_pilot))
    """
).format(secret=CRASH_SECRET)


def run_python(
    script: str, *args: str, env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def project_env(cli_env: dict[str, str]) -> dict[str, str]:
    root = Path(__file__).resolve().parents[2]
    return {**cli_env, "PYTHONPATH": str(root), "COLUMNS": "100"}


@pytest.mark.parametrize("where", ["local", "message"])
def test_crash_report_has_no_locals_and_no_secret(
    where: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    result = run_python(CRASH_SCRIPT, where, env=project_env(cli_env), cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "RuntimeError" in output  # the crash is reported...
    assert "action_crash" in output
    assert CRASH_SECRET not in output  # ...without the secret
    assert "locals" not in output.lower()


def test_stock_textual_would_have_leaked_the_secret(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    """The control: Textual's own crash report shows locals, so the test above means something."""
    result = run_python(CRASH_SCRIPT, "stock", env=project_env(cli_env), cwd=tmp_path)
    assert CRASH_SECRET in result.stdout + result.stderr


TYPING_SCRIPT = textwrap.dedent(
    """
    import sys
    from okx_wizard.core.api import Context
    from okx_wizard.tui import run_tui

    async def auto_pilot(pilot):
        await pilot.pause()
        await pilot.press(*{secret!r})
        pilot.app.log("typed", pilot.app.focused)
        pilot.app.exit()

    sys.exit(run_tui(Context(simulator=True), "setup", None, sys.argv[1] == "debug",
                     headless=True, auto_pilot=auto_pilot))
    """
).format(secret="typedsecret42")


def test_textual_log_is_off_unless_debug(cli_env: dict[str, str], tmp_path: Path) -> None:
    log = tmp_path / "textual.log"
    env = {**project_env(cli_env), "TEXTUAL_LOG": str(log), "TEXTUAL": "devtools,debug"}
    result = run_python(TYPING_SCRIPT, "normal", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not log.exists()
    # The control: with --debug the variable is honoured, so the check above is real.
    env.pop("TEXTUAL")
    result = run_python(TYPING_SCRIPT, "debug", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert log.exists() and log.stat().st_size > 0


def test_scrub_environment_keeps_harmless_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "environ", dict(os.environ))  # restored afterwards, whole
    monkeypatch.setenv("TEXTUAL_LOG", "/tmp/x")
    monkeypatch.setenv("TEXTUAL", "devtools")
    monkeypatch.setenv("TEXTUAL_PRESS", "a,b")
    monkeypatch.setenv("TEXTUAL_SCREENSHOT", "1")
    monkeypatch.setenv("TEXTUAL_THEME", "nord")
    removed = scrub_environment(debug=False)
    assert {"TEXTUAL_LOG", "TEXTUAL", "TEXTUAL_PRESS", "TEXTUAL_SCREENSHOT"} <= set(removed)
    assert os.environ.get("TEXTUAL_THEME") == "nord"
    assert "TEXTUAL_LOG" not in os.environ
    monkeypatch.setenv("TEXTUAL_LOG", "/tmp/x")
    assert scrub_environment(debug=True) == []
    assert os.environ["TEXTUAL_LOG"] == "/tmp/x"


async def test_no_screenshot_command_and_the_action_writes_nothing(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Screenshot" not in titles and "Quit" in titles
        app.action_screenshot()
        assert app.deliver_screenshot() is None
        await settle(pilot)
    assert list(cwd.iterdir()) == []


async def test_clipboard_copies_form_values_and_clears_a_copied_passphrase(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, *"bot", "enter")
        await press(pilot, "ctrl+o")
        assert app.clipboard == "https://www.okx.com/account/my-api?go-live-trading=1"
        assert not app.clipboard_has_secret
        await press(pilot, "space", "tab", "space", "enter")
        await press(pilot, "tab", *"trading2025", "enter")
        await press(pilot, "ctrl+o")
        assert "API key name: bot20250115" in app.clipboard
        assert "Read, Trade" in app.clipboard
        await press(pilot, "enter")
        await press(pilot, "ctrl+y")
        assert app.clipboard.startswith("API key name")  # nothing typed yet: nothing copied
        await press(pilot, "ctrl+g")
        generated = app.state.passphrase
        assert generated is not None and len(generated) == 24
        await press(pilot, "ctrl+y")
        assert app.clipboard == generated.reveal()
        assert app.clipboard_has_secret
        await press(pilot, "ctrl+l")
        assert app.clipboard == ""
        assert not app.clipboard_has_secret


async def test_passphrase_stays_masked_until_revealed(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        mine = "Unique:Pass2024x"
        state = filled_state(Setup())
        state.passphrase = state.passphrase_confirm = None
        await start_at(pilot, "passphrase", state)
        await press(pilot, *mine, "enter")  # typed by keys, pasted again, on to the capture step
        await paste(pilot, mine)
        await press(pilot, "enter")
        assert screen_name(app) == "CaptureScreen"
        await press(pilot, "escape")
        field = app.screen.query_one("#passphrase")
        assert field.password  # type: ignore[attr-defined]
        assert mine not in app.export_screenshot()
        await press(pilot, "ctrl+r")
        assert not field.password  # type: ignore[attr-defined]


def test_draft_never_holds_a_secret() -> None:
    good = SAMPLE["good"]
    state = WizardState(profile="bot", ip_text="203.0.113.7", sub_account_name="trading2025")
    state.passphrase = Secret(good.passphrase)
    state.set_credentials(
        Credentials(good.api_key, Secret(good.secret_key), Secret(good.passphrase))
    )
    draft = state.to_draft()
    text = repr(draft) + repr(state)
    for value in (good.api_key, good.secret_key, good.passphrase):
        assert value not in text
    again = WizardState.from_draft(draft)
    assert again.credentials is None and again.passphrase is None
    assert (again.profile, again.ip_whitelist, again.sub_account_name) == (
        "bot",
        ["203.0.113.7"],
        "trading2025",
    )


def test_from_draft_ignores_odd_values() -> None:
    state = WizardState.from_draft(
        {"profile": 7, "region": "mars", "step": 99, "demo": "yes", "use_case": "x", "mode": "y"}
    )
    assert (state.profile, state.region, state.demo, state.use_case, state.mode) == (
        "",
        "global",
        False,
        "trading",
        "setup",
    )
    assert state.step == ""  # an index is a version-1 step: the UI's registry reads those
