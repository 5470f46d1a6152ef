"""Step 7: the verified key becomes the profile's key; a summary and how to use it."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from okx_wizard.core.errors import WizardError
from okx_wizard.core.models import Report
from okx_wizard.core.regions import region
from okx_wizard.screens.base import StepScreen
from okx_wizard.widgets.error_panel import ErrorPanel
from okx_wizard.widgets.plain import DataStatic, plain

if TYPE_CHECKING:
    from okx_wizard.core.metadata import ProfileMeta


def summary_text(meta: ProfileMeta, report: Report, *, skip: tuple[str, ...] = ()) -> str:
    """What was saved, in a few lines (no secret); warnings in ``skip`` are said elsewhere."""
    env = "demo trading" if meta.demo else "live trading"
    lines = [
        f"✓ Profile {meta.name!r} saved: key {meta.api_key_hint} in the {meta.storage} store.",
        f"  {region(meta.region).title}, {env}.",
    ]
    account = report.account
    if account is not None:
        where = f"sub-account {account.uid}" if account.sub_account else "MAIN account"
        perms = ", ".join(account.permissions) or "none"
        ips = ", ".join(account.ip_whitelist) or "no IP binding"
        lines.append(f"  {where}; permissions {perms}; {ips}.")
    if report.balance is not None:
        lines.append(f"  Total equity {report.balance.total_eq_usd} USD.")
    for warning in report.warnings:
        if warning.code in skip:
            continue
        lines.append(f"! {warning.code}: {warning.message}")
    return "\n".join(lines)


def usage_text(name: str, simulator: bool) -> str:
    """How a bot gets the key: exec, the environment, or Python (ccxt / python-okx).

    The simulator lives only while a command runs, so its bots go through ``exec`` (which keeps
    it running), never through ``env``.
    """
    cli = "okx-wizard --simulator" if simulator else "okx-wizard"
    # Each command under the line that says what it does: a wrapped line loses its indent.
    lines = [
        "Run your bot with the key in its environment only (no file, no history):",
        f"  {cli} exec {name} -- python bot.py",
    ]
    if not simulator:
        lines += [
            "Or set OKX_API_KEY, OKX_SECRET_KEY, OKX_PASSPHRASE (OKX's own names) here:",
            f'  eval "$({cli} env {name})"',
        ]
    lines += [
        "Or in Python (ccxt, python-okx)"
        + (", in a bot started by the exec above:" if simulator else ":"),
        "  from okx_wizard import load_credentials",
        f"  creds = load_credentials({name!r}{', simulator=True' if simulator else ''})",
        "  exchange = creds.ccxt_exchange()",
        "  account = okx.Account.AccountAPI(**creds.python_okx_kwargs())",
    ]
    return "\n".join(lines)


class SavedScreen(StepScreen):
    """Step 7: commit (pending → active), then the summary and, for a rotation, the old key."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "done", "Done", show=False),
        Binding("enter", "done", "Done", priority=True),
        Binding("c", "check_previous", "Check old key"),
    ]

    def compose_body(self) -> ComposeResult:
        yield DataStatic(plain("… Saving the key"), id="saved-summary")
        yield ErrorPanel(id="error", edit=False)
        yield DataStatic(id="rotation", classes="warning")
        yield DataStatic(id="usage", classes="usage")

    def started(self) -> None:
        self.query_one("#rotation", Static).display = False
        self._commit()

    @work(thread=True, exclusive=True, group="commit")
    def _commit(self) -> None:
        state, ws = self.state, self.wizard.workspace
        creds, report = state.credentials, state.report
        if creds is None or report is None:
            self.app.call_from_thread(self.wizard.show_step, "capture")
            return
        try:
            meta = ws.commit(
                state.profile, creds, report, state.intentions(), key_label=state.key_label
            )
        except WizardError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._committed, meta, report)

    def _failed(self, error: WizardError) -> None:
        if not self.is_attached:
            return
        self.query_one("#saved-summary", DataStatic).update(
            plain("✗ The key is verified but could not be saved. It is still pending: retry (r).")
        )
        panel = self.query_one("#error", ErrorPanel)
        panel.show_error(error)
        panel.focus()

    def _committed(self, meta: ProfileMeta, report: Report) -> None:
        state = self.state
        state.saved = True
        state.clear_secrets()
        self.wizard.profile_names.add(meta.name)
        self.wizard.profile_metas[meta.name] = meta
        if not self.is_attached:
            return  # saved all the same; the summary had nowhere to go
        self.query_one("#error", ErrorPanel).show_error(None)
        rotating = state.mode == "rotate" and bool(meta.previous_key_hint)
        skip = ("previous-key-active",) if rotating else ()
        summary = self.query_one("#saved-summary", DataStatic)
        summary.update(plain(summary_text(meta, report, skip=skip)))
        usage = plain(usage_text(meta.name, self.wizard.simulator))
        self.query_one("#usage", DataStatic).update(usage)
        if rotating:
            self._show_rotation(meta, report.previous_key_active)
            if report.previous_key_active is False:
                self._check_previous()  # erases the copy kept here
        self.refresh_bindings()

    def _show_rotation(self, meta: ProfileMeta, active: bool | None, checked: str = "") -> None:
        rotation = self.query_one("#rotation", DataStatic)
        rotation.display = True
        label = f" ({meta.previous_key_label})" if meta.previous_key_label else ""
        url = region(meta.region).key_page_url(meta.demo)
        if active is False:
            rotation.update(
                plain("✓ The old key no longer works on OKX: its copy here was erased.")
            )
            return
        still = f"Checked at {checked}: it still works." if checked else "Until then it works."
        rotation.update(
            plain(
                f"! Now delete the OLD key {meta.previous_key_hint}{label} on OKX ({url}).\n"
                f"  {still} Press c to check that it is gone."
            )
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "check_previous":
            return self.state.saved and self.state.mode == "rotate"
        return True

    def action_done(self) -> None:
        if not self.state.saved:
            self.notify("The key is not saved yet.", severity="warning")
            return
        self.wizard.leave_wizard()

    def action_next(self) -> None:
        self.action_done()

    def action_back(self) -> None:
        self.action_done()

    def action_check_previous(self) -> None:
        self.query_one("#rotation", DataStatic).update(
            plain("… Checking whether the old key still works")
        )
        self._check_previous()

    @work(exclusive=True, group="check")
    async def _check_previous(self) -> None:
        ws = self.wizard.workspace
        report = await ws.check(self.state.profile)
        meta = await asyncio.to_thread(ws.profile, self.state.profile)
        if meta is None or not self.is_attached:
            return
        if report.previous_key_active is False:
            self.query_one("#rotation", DataStatic).update(
                plain("✓ The old key no longer works on OKX: its copy here was erased.")
            )
        elif report.previous_key_active is None:
            self.query_one("#rotation", DataStatic).update(
                plain(
                    "? Could not tell whether the old key still works "
                    f"({report.error.message if report.error else 'no answer'}). Press c to retry."
                )
            )
        else:
            self._show_rotation(meta, True, checked=datetime.now().strftime("%H:%M:%S"))

    @on(ErrorPanel.Retry)
    def _retry(self) -> None:
        self.query_one("#saved-summary", DataStatic).update(plain("… Saving the key"))
        self._commit()
