"""Step 6: verify the captured key against OKX, one live row per check."""

from __future__ import annotations

import asyncio
import hmac
import re
from functools import partial
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Button

from okx_wizard.core.errors import WizardError
from okx_wizard.core.models import Endpoint, Report
from okx_wizard.core.regions import region
from okx_wizard.core.secret import Credentials
from okx_wizard.core.wizard_state import WizardState
from okx_wizard.screens.base import StepScreen
from okx_wizard.screens.focus import request_focus
from okx_wizard.widgets.check_list import CheckList
from okx_wizard.widgets.error_panel import ErrorPanel
from okx_wizard.widgets.plain import DataStatic, plain

PLACE_KINDS = ("region", "environment")

# After an auth failure: which captured value OKX's code points at (field id, words).
AUTH_FIELDS: dict[str, tuple[str, str]] = {
    "50111": ("#api-key", "API key"),
    "50113": ("#secret-key", "secret key"),
    "50105": ("#passphrase", "passphrase"),
}


def edit_target(state: WizardState) -> tuple[str, str, str]:
    """Where Edit goes after a failure: (step name, field to focus, button words).

    A wrong region or environment is an answer of the start step (in a setup; a rotation keeps
    the profile's place, so it re-captures); a refused value is a field of the capture step.
    """
    report = state.report
    error = report.error if report is not None else None
    if error is not None and error.kind in PLACE_KINDS and state.mode == "setup":
        if error.kind == "region":
            return "start", "#region", "Change region, back to Start"
        return "start", "#env", "Change live/demo, back to Start"
    code = error.okx_code if error is not None else None
    selector, words = AUTH_FIELDS.get(code or "", ("#api-key", "key"))
    return "capture", selector, f"Fix the {words}, back to Create the key"


def describe_place(endpoint: Endpoint) -> str:
    """``EEA (my.okx.com), demo trading`` — where a key was tested or belongs."""
    env = "demo trading" if endpoint.demo else "live trading"
    return f"{region(endpoint.region).title}, {env}"


_CLI_FLAGS = re.compile(r" \((?:--region \w+|--demo|leave out --demo)\)")


def in_tui_words(error: WizardError, tried: Endpoint, suggested: Endpoint | None) -> WizardError:
    """The error as this screen says it: keys to press, not command-line flags.

    The core's cause names the fix for the CLI (``--region eea``); here a wrong region or
    environment is one key away (s) or a change on the Start step (e).
    """
    cause = _CLI_FLAGS.sub("", error.cause)
    fix = _CLI_FLAGS.sub("", error.fix)
    if suggested is not None and error.kind in PLACE_KINDS:
        cause = (
            f"OKX knows this key at {describe_place(suggested)}, not at {describe_place(tried)}."
        )
        fix = (
            f"Press s to switch the profile to {describe_place(suggested)} and test again, "
            "or e to change it on the Start step."
        )
    return WizardError(error.kind, cause, fix, okx_code=error.okx_code)


def show_step_status(checks: CheckList, step: str, status: str, detail: str = "") -> None:
    """A check row as this screen says it (no command-line flags in its detail)."""
    checks.set_status(step, status, _CLI_FLAGS.sub("", detail))


def same_key_report(profile: str, endpoint: Endpoint, creds: Credentials) -> Report:
    """A rotation to the key it replaces: refused before asking OKX (nothing would change)."""
    error = WizardError(
        "auth",
        "This is the key you are replacing: the profile already holds it.",
        "Create a new key on OKX's Create API key form, paste that one here, and delete the "
        "old key on OKX once the new one is saved.",
    )
    return Report(profile, endpoint, error=error, api_key_hint=creds.hint)


class TestConnectionScreen(StepScreen):
    """Step 6: the checklist turns live as OKX answers; a failure says code, cause and fix."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "switch", "Switch"),
        Binding("r", "retry", "Retry"),
        Binding("e", "edit", "Edit"),
    ]

    def compose_body(self) -> ComposeResult:
        yield DataStatic(id="test-where", classes="hint")
        yield DataStatic(id="test-result", classes="result")
        yield ErrorPanel(id="error")
        yield CheckList(id="checks", show_previous=self.state.mode == "rotate")

    def started(self) -> None:
        self.run_check()

    def problems(self) -> list[str]:
        report = self.state.report
        if report is None:
            return ["The test is still running."]
        if not report.ok:
            return ["The key did not pass: Retry (r), Edit (e) or Back (Esc)."]
        return []

    # -- running ---------------------------------------------------------------------------------
    def run_check(self) -> None:
        state = self.state
        creds = state.credentials
        if creds is None:
            self.wizard.show_step("capture")
            return
        state.report = None
        try:
            endpoint = self.wizard.workspace.endpoint(state.region, state.demo)
        except WizardError as exc:  # the simulator could not start
            self.query_one("#test-result", DataStatic).update(plain("✗ The test could not start."))
            self.query_one("#error", ErrorPanel).show_error(exc)
            return
        self.query_one("#test-where", DataStatic).update(
            plain(f"Testing key {creds.hint} at {describe_place(endpoint)}…")
        )
        self.query_one("#test-result", DataStatic).update(plain("… Asking OKX"))
        self.query_one("#error", ErrorPanel).show_error(None)
        self.query_one(".step-body").focus()
        self.query_one("#checks", CheckList).reset()
        self.refresh_bindings()
        self._verify(creds, endpoint)

    @work(exclusive=True, group="verify")
    async def _verify(self, creds: Credentials, endpoint: Endpoint) -> None:
        state, ws = self.state, self.wizard.workspace
        previous = None
        if state.mode == "rotate":
            try:
                previous = await asyncio.to_thread(ws.credentials, state.profile)
            except WizardError:
                previous = None
        if previous is not None and hmac.compare_digest(previous.api_key, creds.api_key):
            self._show(same_key_report(state.profile, endpoint, creds))
            return
        checks = self.query_one("#checks", CheckList)
        report = await ws.verify(
            state.profile,
            creds,
            endpoint,
            state.intentions(),
            on_step=partial(show_step_status, checks),
            previous=previous,
        )
        self._show(report)

    def _show(self, report: Report) -> None:
        if not self.is_attached:
            return  # the step was left while OKX answered: its report belongs to nobody
        self.state.report = report
        self.query_one("#test-where", DataStatic).update(
            plain(f"Key {report.api_key_hint} at {describe_place(report.endpoint)}:")
        )
        result = self.query_one("#test-result", DataStatic)
        if report.ok:
            count = len(report.warnings)
            tail = f" with {count} warning(s) — read them below" if count else ""
            result.update(plain(f"✓ Verified{tail}. Press Enter to save the key."))
        else:
            kept = " (kept as pending: safe to quit and resume)" if self.state.pending_saved else ""
            result.update(plain(f"✗ The key did not pass. It is not saved{kept}."))
            if report.error is not None:
                shown = in_tui_words(report.error, report.endpoint, self._suggested())
                self.query_one("#error", ErrorPanel).show_error(shown)
            _, _, words = edit_target(self.state)
            self.query_one("#error-edit", Button).label = f"{words} (e)"
            suggested = self._suggested()
            if suggested is not None:
                result.update(
                    plain(f"✗ The key belongs to {describe_place(suggested)}: press s to switch.")
                )
        self.refresh_bindings()
        self.query_one(".step-body").scroll_home(animate=False)

    def _suggested(self) -> Endpoint | None:
        report = self.state.report
        if report is None or report.error is None or report.error.kind not in PLACE_KINDS:
            return None
        return report.suggested_endpoint

    # -- keys ------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        report = self.state.report
        if action == "switch":
            return self._suggested() is not None
        if action in ("retry", "edit"):
            return report is not None and not report.ok
        return True

    def action_switch(self) -> None:
        """Use the region and environment where OKX knows the key, and test again."""
        suggested = self._suggested()
        if suggested is None:
            return
        self.state.region, self.state.demo = suggested.region, suggested.demo
        self.notify(f"Switched the profile to {describe_place(suggested)}.")
        self.wizard.save_draft()
        self.run_check()

    def action_retry(self) -> None:
        self.run_check()

    def action_edit(self) -> None:
        """Back to the answer that needs changing, with the focus on it."""
        step, selector, _ = edit_target(self.state)
        request_focus(self.state, selector)
        self.wizard.show_step(step)

    @on(ErrorPanel.Retry)
    def _retry(self) -> None:
        self.action_retry()

    @on(ErrorPanel.Edit)
    def _edit(self) -> None:
        self.action_edit()

    def action_back(self) -> None:
        self.wizard.show_step("capture")
