"""Automatic path: okx-wizard makes the key with the admin key, live; no secret is ever shown.

The job is the core's (``core.hands_free.HandsFree.create``): the secret goes from OKX's answer
into the store as pending, is verified, and the profile is activated. This screen shows each
step as it happens, then the verification's checks, and offers Retry when something failed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from okx_wizard.core.errors import WizardError
from okx_wizard.screens.base import StepScreen
from okx_wizard.widgets.check_list import CheckList
from okx_wizard.widgets.error_panel import ErrorPanel
from okx_wizard.widgets.plain import DataStatic, plain
from okx_wizard.widgets.progress_list import ProgressList

if TYPE_CHECKING:
    from okx_wizard.core.admin import Admin
    from okx_wizard.core.hands_free import KeyResult

CREATE_STEPS = ("sub_account", "create", "verify", "modes", "activate")
#: OKX's "sub-account doesn't exist": offer to create it.
NO_SUB_ACCOUNT = "59510"


def outcome_text(result: KeyResult) -> str:
    """The result in a few lines: which key exists where, and what to do (no secret)."""
    lines: list[str] = []
    if result.ok:
        lines.append(
            f"✓ Key {result.new_key_hint} made in sub-account {result.sub_account}, verified "
            f"and saved as profile {result.profile!r}. Its secret was never shown. "
            "Press Enter."
        )
    else:
        lines.append("✗ The key is not saved as a profile.")
        if result.keys_on_okx:
            lines.append(f"  Keys made on OKX: {', '.join(result.keys_on_okx)}.")
    lines += [f"  {note}" for note in result.notes]
    return "\n".join(lines)


class CreateKeyScreen(StepScreen):
    """Make, store, verify and activate the key; Retry on failure."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Retry"),
        Binding("n", "new_sub_account", "Create sub-account"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.result: KeyResult | None = None
        self.error: WizardError | None = None
        self.running = False
        self._attempts = 0

    def compose_body(self) -> ComposeResult:
        yield DataStatic(id="create-where", classes="hint")
        yield ProgressList(CREATE_STEPS, optional=("modes",), id="progress")
        yield DataStatic(id="create-result", classes="result")
        yield ErrorPanel(id="error")
        yield CheckList(id="checks")

    def started(self) -> None:
        if self.state.saved:
            self.wizard.go_next()
            return
        self.run_create()

    def problems(self) -> list[str]:
        if self.running:
            return ["The key is still being made."]
        if self.result is None or not self.result.ok:
            return ["The key was not made: Retry (r), or Back (Esc) to change the answers."]
        return []

    # -- running -----------------------------------------------------------------------------
    def run_create(self, *, new_sub_account: bool = False) -> None:
        admin = self.state.admin
        if admin is None:
            self.wizard.show_step("admin_key")
            return
        state = self.state
        self.result, self.error, self.running = None, None, True
        self.query_one("#create-where", DataStatic).update(
            plain(
                f"Making a {'trade' if state.use_case == 'trading' else 'read-only'} key in "
                f"sub-account {state.sub_account_name} with admin key {admin.credentials.hint}…"
            )
        )
        self.query_one("#create-result", DataStatic).update(plain("… Asking OKX"))
        self.query_one("#error", ErrorPanel).show_error(None)
        self.query_one("#progress", ProgressList).reset()
        self.query_one("#checks", CheckList).reset()
        self.query_one(".step-body").focus()
        self.refresh_bindings()
        self._create(admin, new_sub_account)

    @work(exclusive=True, group="create")
    async def _create(self, admin: Admin, new_sub_account: bool) -> None:
        from okx_wizard.core.client import OkxClient
        from okx_wizard.core.hands_free import HandsFree
        from okx_wizard.core.metadata import utc_now
        from okx_wizard.core.subaccount import SubAccountApi

        state, ws = self.state, self.wizard.workspace
        progress = self.query_one("#progress", ProgressList)
        if not new_sub_account:
            progress.set_status("sub_account", "skipped", f"uses {state.sub_account_name}")
        label = state.key_label if self._attempts == 0 else ""  # a retry: a new, unique label
        self._attempts += 1
        try:
            async with OkxClient(admin.endpoint, timeout=ws.ctx.timeout) as client:
                api = SubAccountApi(client, admin.credentials)
                job = HandsFree(
                    ws,
                    admin,
                    api,
                    on_step=progress.set_status,
                    on_check=self.query_one("#checks", CheckList).set_status,
                )
                result = await job.create(
                    state.profile,
                    sub_account=state.sub_account_name,
                    new_sub_account=new_sub_account,
                    permission="read_only" if state.use_case == "read_only" else "trade",
                    ips=state.ip_whitelist,
                    label=label,
                    now=utc_now(),
                )
        except WizardError as exc:
            self._failed(exc)
            return
        self._done(result)

    def _failed(self, error: WizardError) -> None:
        self.running, self.error = False, error
        progress = self.query_one("#progress", ProgressList)
        for step, row in progress.rows.items():
            if row.status == "running":
                progress.set_status(step, "failed", error.cause)
        text = "✗ OKX refused: nothing is saved."
        if error.okx_code == NO_SUB_ACCOUNT:
            text += f" Press n to create sub-account {self.state.sub_account_name} and go on."
        self.query_one("#create-result", DataStatic).update(plain(text))
        self.query_one("#error", ErrorPanel).show_error(error)
        self.refresh_bindings()

    def _done(self, result: KeyResult) -> None:
        self.running, self.result = False, result
        self.state.report = result.report
        if result.ok:
            self.state.saved = True
        self.query_one("#create-result", DataStatic).update(plain(outcome_text(result)))
        error = result.error or (result.report.error if result.report else None)
        self.query_one("#error", ErrorPanel).show_error(error)
        self.refresh_bindings()
        self.query_one(".step-body").scroll_home(animate=False)

    # -- keys --------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        failed = not self.running and (self.error is not None or not self._ok())
        if action == "retry":
            return failed
        if action == "new_sub_account":
            return failed and self.error is not None and self.error.okx_code == NO_SUB_ACCOUNT
        return True

    def _ok(self) -> bool:
        return self.result is not None and self.result.ok

    def action_retry(self) -> None:
        if not self.running and not self._ok():
            self.run_create()

    def action_new_sub_account(self) -> None:
        if not self.running and self.error is not None:
            self.run_create(new_sub_account=True)

    @on(ErrorPanel.Retry)
    def _retry(self) -> None:
        self.action_retry()

    @on(ErrorPanel.Edit)
    def _edit(self) -> None:
        self.wizard.show_step("sub_account")

    def action_back(self) -> None:
        if self.state.saved:
            self.go_on()
            return
        if not self.running:
            self.wizard.go_back()
