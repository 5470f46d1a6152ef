"""Step 1: the account's safety basics, and the official key page as a QR code."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Static

from okx_wizard.core.regions import region
from okx_wizard.core.wizard_state import CHECKLIST
from okx_wizard.screens.base import StepScreen
from okx_wizard.screens.focus import show_more_below
from okx_wizard.widgets.qr_code import QrCode
from okx_wizard.widgets.tick import Tick

NARROW = 80  # columns: under it the QR code goes below the checklist


class BeforeYouStartScreen(StepScreen):
    """Step 1: 2FA, the official site, anti-phishing code, a password manager."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "copy_url", "Copy URL"),
    ]

    def compose_body(self) -> ComposeResult:
        state = self.state
        url = region(state.region).key_page_url(state.demo)
        with Horizontal(id="before-columns"):
            with Vertical(id="before-list"):
                yield Static("Tick what is true (Space). Items marked * are required.")
                for item in CHECKLIST:
                    star = " *" if item.required else ""
                    yield Tick(f"{item.label}{star}", id=f"item-{item.id}")
                yield Static(
                    "Open OKX's key page yourself: scan the QR code with your phone, or type "
                    "the address. Never follow a link from a mail or chat.",
                    classes="hint",
                )
                yield Static(url, id="official-url", classes="url")
            yield QrCode(url, id="qr")

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    def started(self) -> None:
        show_more_below(self)

    def load(self) -> None:
        for item in CHECKLIST:
            self.query_one(f"#item-{item.id}", Tick).value = self.state.checklist.get(
                item.id, False
            )

    def store(self) -> None:
        for item in CHECKLIST:
            self.state.checklist[item.id] = self.query_one(f"#item-{item.id}", Tick).value

    def problems(self) -> list[str]:
        missing = [
            item.label
            for item in CHECKLIST
            if item.required and not self.query_one(f"#item-{item.id}", Tick).value
        ]
        return [f"Required: {label}." for label in missing]

    @on(Checkbox.Changed)
    def _ticked(self) -> None:
        self.store()
        self.recheck()

    def action_copy_url(self) -> None:
        url = region(self.state.region).key_page_url(self.state.demo)
        self.wizard.copy_text(url, what="the official key page address")

    def on_unmount(self) -> None:
        """Notices about this step ("Copied…") do not follow the user to the next one."""
        self.app.clear_notifications()
