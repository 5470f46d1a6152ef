"""The live list of verification checks: one row per step, status as a symbol and a word."""

from __future__ import annotations

from typing import Literal

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from okx_wizard.core.models import CHECK_STEPS, CHECK_TITLES

Status = Literal["pending", "running", "ok", "warning", "failed", "skipped"]
STATUSES: tuple[str, ...] = ("pending", "running", "ok", "warning", "failed", "skipped")

#: Symbol and word per status: the word keeps it readable without colour.
STATUS_LABELS: dict[str, str] = {
    "pending": "· waiting",
    "running": "… running",
    "ok": "✓ ok",
    "warning": "! warning",
    "failed": "✗ failed",
    "skipped": "- skipped",
}


class CheckRow(Horizontal):
    """One check: status label, title, and a detail line that wraps under the title."""

    DEFAULT_CSS = """
    CheckRow {
        height: auto;
        width: 1fr;
        & > .check-status { width: 11; height: 1; }
        & > Vertical { height: auto; width: 1fr; }
        & .check-title { height: auto; }
        & .check-detail { height: auto; color: $text-muted; }
        &.-running > .check-status { color: $text-accent; }
        &.-ok > .check-status { color: $text-success; }
        &.-warning > .check-status { color: $text-warning; }
        &.-failed > .check-status { color: $text-error; text-style: bold; }
        &.-skipped > .check-status, &.-pending > .check-status { color: $text-muted; }
        &.-failed .check-title { text-style: bold; }
    }
    """

    def __init__(self, step: str, title: str) -> None:
        super().__init__(id=f"check-{step}", classes="-pending")
        self.step = step
        self.step_title = title
        self.status: str = "pending"
        self.detail = ""

    def compose(self) -> ComposeResult:
        yield Static(Content(STATUS_LABELS["pending"]), classes="check-status")
        with Vertical():
            yield Static(Content(self.step_title), classes="check-title")
            detail = Static(Content(""), classes="check-detail")
            detail.display = False
            yield detail

    def set_status(self, status: str, detail: str = "") -> None:
        """Show ``status`` (one of :data:`STATUSES`) and ``detail`` (plain text, may wrap)."""
        if status not in STATUS_LABELS:
            raise ValueError(f"unknown check status {status!r}")
        for name in STATUSES:
            self.set_class(name == status, f"-{name}")
        self.status, self.detail = status, detail
        if self.is_mounted:
            self._render_status()

    def _render_status(self) -> None:
        status, detail = self.status, self.detail
        self.query_one(".check-status", Static).update(Content(STATUS_LABELS[status]))
        detail_widget = self.query_one(".check-detail", Static)
        detail_widget.update(Content(detail))
        detail_widget.display = bool(detail)

    def on_mount(self) -> None:
        self._render_status()


class CheckList(Vertical):
    """The rows of :data:`CHECK_STEPS`, in order, updated live by :meth:`set_status`.

    The ``previous`` row (is the rotated-out key gone?) is hidden unless ``show_previous``;
    toggle it later with :meth:`show_step`. ``set_status`` matches verify_key's ``on_step``
    callback, so it can be passed through ``app.call_from_thread`` from a worker.
    """

    DEFAULT_CSS = """
    CheckList {
        height: auto;
        width: 1fr;
        max-width: 80;
    }
    """

    def __init__(
        self,
        *,
        show_previous: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rows: dict[str, CheckRow] = {
            step: CheckRow(step, CHECK_TITLES.get(step, step)) for step in CHECK_STEPS
        }
        self.rows["previous"].display = show_previous

    def compose(self) -> ComposeResult:
        yield from self.rows.values()

    def set_status(self, step: str, status: str, detail: str = "") -> None:
        """Show ``status`` and ``detail`` for ``step``; unknown steps raise ``KeyError``."""
        row = self.rows[step]
        row.set_status(status, detail)

    def status(self, step: str) -> str:
        """The status currently shown for ``step``."""
        return self.rows[step].status

    def show_step(self, step: str, visible: bool = True) -> None:
        """Show or hide one row (used for ``previous``, which only rotations have)."""
        self.rows[step].display = visible

    def reset(self) -> None:
        """Set every row back to waiting, e.g. before a retry."""
        for row in self.rows.values():
            row.set_status("pending")

    @property
    def failed(self) -> list[str]:
        """The steps whose status is ``failed``."""
        return [step for step, row in self.rows.items() if row.status == "failed"]
