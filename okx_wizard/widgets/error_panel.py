"""A failure shown the same way everywhere: what kind, OKX's code, cause and fix, Retry and Edit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button

from okx_wizard.core.errors import WizardError
from okx_wizard.widgets.plain import DataStatic, plain

KIND_TITLES: dict[str, str] = {
    "auth": "OKX refused the credentials",
    "region": "Wrong region, or the key does not exist",
    "environment": "Demo and live trading mixed up",
    "ip": "IP whitelist",
    "frozen": "The key is frozen",
    "permission": "Permissions",
    "clock": "This machine's clock",
    "rate_limit": "Rate limit",
    "server": "OKX had a problem",
    "network": "OKX could not be reached",
    "storage": "Storing the key failed",
}


class ErrorPanel(Vertical):
    """Shows a :class:`WizardError` with Retry (``r``) and Edit (``e``).

    The buttons and keys post :class:`ErrorPanel.Retry` and :class:`ErrorPanel.Edit`; the
    screen decides what they do. The keys work while focus is inside the panel (call
    :meth:`focus` to put it on Retry). Hidden while :attr:`error` is None.
    """

    DEFAULT_CSS = """
    ErrorPanel {
        height: auto;
        width: 1fr;
        max-width: 80;
        border: round $error;
        border-title-color: $text-error;
        border-title-style: bold;
        padding: 0 1;
        & > Static { height: auto; width: 1fr; }
        & > #error-fix { margin-top: 1; }
        & > Horizontal { height: auto; margin-top: 1; }
        & Button { margin-right: 2; min-width: 12; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Retry"),
        Binding("e", "edit", "Edit"),
    ]

    @dataclass
    class Retry(Message):
        """The user asked to run the failed step again."""

        panel: ErrorPanel
        error: WizardError | None

        @property
        def control(self) -> ErrorPanel:
            return self.panel

    @dataclass
    class Edit(Message):
        """The user asked to go back and change what they entered."""

        panel: ErrorPanel
        error: WizardError | None

        @property
        def control(self) -> ErrorPanel:
            return self.panel

    def __init__(
        self,
        error: WizardError | None = None,
        *,
        retry: bool = True,
        edit: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.error = error
        self.allow_retry = retry
        self.allow_edit = edit

    def compose(self) -> ComposeResult:
        yield DataStatic(id="error-cause")
        yield DataStatic(id="error-fix")
        with Horizontal():
            yield Button("Retry (r)", id="error-retry", variant="primary", compact=True)
            yield Button("Edit (e)", id="error-edit", compact=True)

    def on_mount(self) -> None:
        self._render_error()

    def show_error(self, error: WizardError | None) -> None:
        """Show ``error``, or hide the panel when it is None."""
        self.error = error
        if self.is_mounted:
            self._render_error()
        else:
            self.display = error is not None

    def _render_error(self) -> None:
        error = self.error
        self.display = error is not None
        if error is None:
            return
        code = f"OKX code {error.okx_code}: " if error.okx_code else ""
        title = KIND_TITLES.get(error.kind, "Error")
        # Short, code first: at 60 columns the end of a border title is cut off.
        self.border_title = plain(f"✗ {code}{title}")
        cause, fix = error.cause.strip(), error.fix.strip()
        self.query_one("#error-cause", DataStatic).update(plain(cause))
        fix_widget = self.query_one("#error-fix", DataStatic)
        fix_widget.update(plain(f"Fix: {fix}"))
        fix_widget.display = bool(fix)
        self.query_one("#error-retry", Button).display = self.allow_retry
        self.query_one("#error-edit", Button).display = self.allow_edit
        self.refresh_bindings()

    def focus(self, scroll_visible: bool = True) -> ErrorPanel:
        """Focus the first button, so that ``r`` and ``e`` work right away."""
        target = "#error-retry" if self.allow_retry else "#error-edit"
        self.query_one(target, Button).focus(scroll_visible)
        return self

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return self.allow_retry and self.error is not None
        if action == "edit":
            return self.allow_edit and self.error is not None
        return True

    def action_retry(self) -> None:
        """Post :class:`ErrorPanel.Retry`."""
        self.post_message(self.Retry(self, self.error))

    def action_edit(self) -> None:
        """Post :class:`ErrorPanel.Edit`."""
        self.post_message(self.Edit(self, self.error))

    @on(Button.Pressed, "#error-retry")
    def _retry_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_retry()

    @on(Button.Pressed, "#error-edit")
    def _edit_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_edit()
