"""The live list of a hands-free job's steps (create, rotate), drawn with the check list's rows."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from okx_wizard.widgets.check_list import CheckRow

#: Every step okx_wizard.core.hands_free reports, with the words shown for it.
HANDS_FREE_STEPS: dict[str, str] = {
    "sub_account": "Sub-account",
    "old_key": "The profile's key on OKX",
    "create": "OKX creates the key (secret straight to the store)",
    "verify": "Verify the new key with signed requests",
    "modes": "Account and position mode",
    "activate": "Profile saved and active",
    "swap": "New key in use, old key kept as previous",
    "cleanup": "Delete the failed new key",
    "delete_old": "Delete the old key on OKX",
    "old_refused": "OKX refuses the old key",
    "erase": "Erase the old key here",
}


class JobRow(CheckRow):
    """A check row under its own id (``job-<step>``): a screen may show a check list too."""

    def __init__(self, step: str, title: str) -> None:
        Horizontal.__init__(self, id=f"job-{step}", classes="-pending")
        self.step = step
        self.step_title = title
        self.status = "pending"
        self.detail = ""


class ProgressList(Vertical):
    """One row per step of ``steps``; a step that never reports stays "waiting" (or hidden).

    :meth:`set_status` matches ``HandsFree.on_step``; ``optional`` rows are shown only once
    their step reports (fixing the modes, cleaning up after a failure).
    """

    DEFAULT_CSS = """
    ProgressList { height: auto; width: 1fr; max-width: 80; }
    """

    def __init__(
        self, steps: tuple[str, ...], *, optional: tuple[str, ...] = (), id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.rows = {step: JobRow(step, HANDS_FREE_STEPS[step]) for step in steps}
        self.optional = optional
        for step, row in self.rows.items():
            row.display = step not in optional

    def compose(self) -> ComposeResult:
        yield from self.rows.values()

    def set_status(self, step: str, status: str, detail: str = "") -> None:
        """Show ``status`` and ``detail`` for ``step`` (a step not listed is ignored)."""
        row = self.rows.get(step)
        if row is None:
            return
        row.display = True
        row.set_status(status, detail)

    def status(self, step: str) -> str:
        return self.rows[step].status

    def reset(self) -> None:
        for step, row in self.rows.items():
            row.set_status("pending")
            row.display = step not in self.optional
