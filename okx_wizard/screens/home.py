"""The home screen: every profile with its key's age and last check; new, rotate, check, remove."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from okx_wizard.core.api import age_days
from okx_wizard.core.errors import WizardError
from okx_wizard.core.models import Report
from okx_wizard.core.wizard_state import WizardState
from okx_wizard.screens.protocol import HostedScreen
from okx_wizard.widgets.plain import DataStatic, plain, plain_cell

if TYPE_CHECKING:
    from okx_wizard.core.metadata import ProfileMeta

COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Profile"),
    ("region", "Region"),
    ("env", "Env"),
    ("key", "Key"),
    ("age", "Age"),
    ("check", "Last check"),
)


def last_check_text(last: dict[str, Any] | None) -> str:
    """``✓ ok 2025-05-01`` / ``! 2 warnings …`` / ``✗ region …`` / ``never``."""
    if not last:
        return "never"
    day = str(last.get("at", ""))[:10]
    warnings = last.get("warnings") or []
    if not last.get("ok"):
        return f"✗ {last.get('error_kind') or 'failed'} {day}"
    if warnings:
        return f"! {len(warnings)} warning(s) {day}"
    return f"✓ ok {day}"


def auto_rotatable(meta: ProfileMeta) -> bool:
    """The profile's sub-account is known, so an admin key can rotate its key through OKX."""
    return meta.intentions.sub_account and bool(meta.intentions.sub_account_name)


def report_text(report: Report) -> str:
    """A check's outcome in a few lines for the panel under the table."""
    from okx_wizard.core.report_text import report_lines

    return "\n".join(report_lines(report, brief=True))


class HomeScreen(HostedScreen, Screen[None]):
    """The profiles of this realm (real or simulator) and what can be done with them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New"),
        Binding("r", "rotate", "Rotate"),
        Binding("c,enter", "check", "Check"),
        Binding("d", "remove", "Remove"),
        Binding("a", "auto_rotate", "Auto-rotate"),
        Binding("escape", "app.quit", "Quit", show=False),
    ]

    def compose(self) -> ComposeResult:
        sim = " · SIMULATOR profiles" if self.wizard.simulator else ""
        yield Static(f" okx-wizard · your OKX API keys{sim}", classes="step-bar")
        table: DataTable[str] = DataTable(id="profiles", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(
            "n new profile · r rotate the key · c check it now · d remove (asks first)",
            id="home-help",
            classes="hint",
        )
        yield DataStatic(id="home-detail", classes="detail")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one("#profiles", DataTable)
        for key, title in COLUMNS:
            table.add_column(title, key=key)
        self.fill(list(self.wizard.profile_metas.values()))
        table.focus()

    def fill(self, profiles: list[ProfileMeta]) -> None:
        table = self.query_one("#profiles", DataTable)
        table.clear()
        for meta in sorted(profiles, key=lambda m: m.name):
            age = age_days(meta.key_since)
            cells = (
                meta.name,
                meta.region,
                "demo" if meta.demo else "live",
                meta.api_key_hint or "-",
                "-" if age is None else f"{age} d",
                last_check_text(meta.last_check),
            )
            table.add_row(*map(plain_cell, cells), key=meta.name)

    def reload(self, *, clear: bool = False) -> None:
        """Read the profiles again (after a setup, rotation or removal)."""
        if clear:
            self._detail("")
        self._load()

    @work(thread=True, exclusive=True, group="home-load")
    def _load(self) -> None:
        try:
            profiles = self.wizard.workspace.profiles()
        except WizardError as exc:
            self.app.call_from_thread(self._detail, f"✗ {exc.message}")
            return
        self.app.call_from_thread(self._loaded, profiles)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Rotate, check and remove need a profile: hidden from the footer when none is left."""
        if action in ("rotate", "check", "remove"):
            return bool(self.wizard.profile_metas)
        if action == "auto_rotate":
            meta = self.selected()
            return meta is not None and auto_rotatable(meta)
        return True

    def _loaded(self, profiles: list[ProfileMeta]) -> None:
        self.wizard.remember_profiles(profiles)
        self.refresh_bindings()
        self.fill(profiles)
        if not profiles:
            self._detail("No profiles left: press n to set one up.")

    def _detail(self, text: str) -> None:
        self.query_one("#home-detail", DataStatic).update(plain(text))

    def selected(self) -> ProfileMeta | None:
        table = self.query_one("#profiles", DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return self.wizard.profile_metas.get(str(row_key.value))

    # -- actions ---------------------------------------------------------------------------------
    def action_new(self) -> None:
        self.wizard.start_wizard(WizardState())

    def action_rotate(self) -> None:
        from okx_wizard.screens.launch import rotation_state

        meta = self.selected()
        if meta is not None:
            self.wizard.start_wizard(rotation_state(meta))

    def action_check(self) -> None:
        meta = self.selected()
        if meta is None:
            return
        table = self.query_one("#profiles", DataTable)
        table.update_cell(meta.name, "check", plain_cell("… checking"))
        self._detail(f"… Checking {meta.name}")
        self._check(meta.name)

    @work(group="home-check")
    async def _check(self, name: str) -> None:
        try:
            report = await self.wizard.workspace.check(name)
        except WizardError as exc:
            self._detail(f"✗ {name}: {exc.message}")
            return
        self._detail(report_text(report))
        self.reload()

    def action_auto_rotate(self) -> None:
        from okx_wizard.screens.auto_rotate import start_auto_rotation

        meta = self.selected()
        if meta is not None and auto_rotatable(meta):
            start_auto_rotation(self, meta)

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self) -> None:
        self.refresh_bindings()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_check()

    def action_remove(self) -> None:
        from okx_wizard.screens.modals import ConfirmRemoveScreen

        meta = self.selected()
        if meta is None:
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self._remove(meta.name)

        self.app.push_screen(
            ConfirmRemoveScreen(meta.name, meta.api_key_hint, meta.previous_key_hint), answer
        )

    @work(thread=True, group="home-remove")
    def _remove(self, name: str) -> None:
        try:
            self.wizard.workspace.remove(name)
        except WizardError as exc:
            self.app.call_from_thread(self._detail, f"✗ {exc.message}")
            return
        self.app.call_from_thread(self._detail, f"Removed {name!r}. Delete its key on OKX too.")
        self.app.call_from_thread(self.reload)
