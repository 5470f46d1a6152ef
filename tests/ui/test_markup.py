"""Text from a server, a file or the user is data on every screen: never markup, never a control.

Each test feeds one screen a profile, report or error whose every string is :data:`HOSTILE` —
the attacks of issue #12 (a link whose text lies, a style, a click action, a stray closing tag
that used to crash the app with ``MarkupError``, and an escape sequence) — and checks what is
drawn: the characters literally, no link or action in any cell, no escape code, no crash.
The server's and the file's answers come through the workspace facade, replaced here by one
returning the hostile values (the same objects a hostile OKX or profiles.toml would produce).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from okx_wizard.app import OkxWizardApp
from okx_wizard.core.errors import WizardError
from okx_wizard.core.metadata import ProfileMeta
from okx_wizard.core.models import AccountInfo, Balance, Endpoint, Intentions, Report, ReportWarning
from okx_wizard.core.secret import Credentials, Secret
from okx_wizard.core.simulator import SAMPLE
from okx_wizard.core.wizard_state import WizardState
from okx_wizard.widgets.plain import DataStatic, plain
from tests.ui.conftest import SIZE, paste, press, settle

HOSTILE = (
    '[link="https://evil.example"]EVILLINK[/link] [b red on yellow]EVILSTYLE '
    "[@click=app.quit]EVILCLICK[/] [/bold] \x1b[2J"
)
#: What must be on screen, literally, wherever HOSTILE is shown (no space inside: wrapping
#: cannot split them).
LITERALS = (
    '[link="https://evil.example"]EVILLINK[/link]',
    "yellow]EVILSTYLE",
    "[@click=app.quit]EVILCLICK[/]",
    "[/bold]",
    "[2J",  # after the escape character made visible (␛, or \x1b where a name is quoted)
)


def drawn(app: OkxWizardApp) -> tuple[str, list[Any]]:
    """The current screen as drawn: its text, and every segment."""
    strips = app.screen._compositor.render_strips()
    segments = [segment for strip in strips for segment in strip]
    return "\n".join("".join(s.text for s in strip) for strip in strips), segments


def assert_shown_as_data(app: OkxWizardApp, *, literals: tuple[str, ...] = LITERALS) -> None:
    assert app.is_running and app.return_code is None, "the app stopped"
    text, segments = drawn(app)
    assert "\x1b" not in text
    for literal in literals:
        assert literal in text, f"{literal!r} is not shown as is"
    for segment in segments:
        style = segment.style
        if style is None:
            continue
        assert not style.link, f"a link was drawn: {segment.text!r} -> {style.link}"
        if "EVIL" in segment.text:
            assert "@click" not in (style.meta or {}), f"an action was drawn: {segment.text!r}"


def hostile_meta(**changes: Any) -> ProfileMeta:
    meta = ProfileMeta(
        name=HOSTILE,
        region=HOSTILE,
        storage="vault",
        api_key_hint=HOSTILE,
        key_label=HOSTILE,
        last_check={"ok": False, "error_kind": HOSTILE, "at": HOSTILE},
        previous_key_hint=HOSTILE,
        previous_key_label=HOSTILE,
        intentions=Intentions(ip_whitelist=[HOSTILE]),
    )
    for name, value in changes.items():
        setattr(meta, name, value)
    return meta


def hostile_report(*, ok: bool) -> Report:
    return Report(
        profile=HOSTILE,
        endpoint=Endpoint("global", False, "https://127.0.0.1:1"),
        error=None if ok else WizardError("auth", HOSTILE, HOSTILE, okx_code=HOSTILE),
        account=AccountInfo(
            uid=HOSTILE,
            main_uid=HOSTILE,
            sub_account=True,
            account_type="1",
            acct_lv="2",
            position_mode="net_mode",
            permissions=[HOSTILE],
            ip_whitelist=[HOSTILE],
            label=HOSTILE,
        ),
        balance=Balance(total_eq_usd=HOSTILE, trading=[], funding=[]),
        api_key_hint=HOSTILE,
        warnings=[ReportWarning(HOSTILE, HOSTILE)],
        previous_key_active=True,
    )


def captured_state(**changes: Any) -> WizardState:
    key = SAMPLE["good"]
    state = WizardState(
        profile="bot",
        checklist={"2fa": True, "official_site": True},
        sub_account_name="trading2025",
        ip_text="203.0.113.7",
        key_label="bot20250115",
        passphrase=Secret(key.passphrase),
        passphrase_confirm=Secret(key.passphrase),
    )
    state.set_credentials(Credentials(key.api_key, Secret(key.secret_key), Secret(key.passphrase)))
    for name, value in changes.items():
        setattr(state, name, value)
    return state


async def start_at(pilot: Pilot[Any], step: str, state: WizardState) -> None:
    app = pilot.app
    assert isinstance(app, OkxWizardApp)
    await settle(pilot)
    app.start_wizard(state, step)
    await settle(pilot)


def test_data_static_refuses_a_markup_string() -> None:
    with pytest.raises(TypeError, match="plain"):
        DataStatic("[b]markup[/b]")  # type: ignore[arg-type]
    static = DataStatic(plain(HOSTILE))
    with pytest.raises(TypeError, match="plain"):
        static.update("[/bold]")  # type: ignore[arg-type]
    assert plain(HOSTILE).plain == HOSTILE.replace("\x1b", "\u241b")
    assert plain("a\u009bb\x07\tc\nd").plain == "a\ufffdb\u2407\tc\nd"


async def test_home_shows_profiles_and_a_check_result_as_data(
    make_app: Callable[..., OkxWizardApp], workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    meta = hostile_meta()
    monkeypatch.setattr(workspace, "profiles", lambda: [meta])
    monkeypatch.setattr(workspace, "pending_names", lambda: [])

    async def check(name: str, **_: Any) -> Report:
        return hostile_report(ok=False)

    monkeypatch.setattr(workspace, "check", check)
    app = make_app(mode="home")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        row = app.screen.query_one(DataTable).get_row_at(0)
        assert all(isinstance(cell, Text) for cell in row)
        assert_shown_as_data(app, literals=LITERALS[:1])  # the rest is off to the right
        await press(pilot, "c")
        await settle(pilot)
        detail = app.screen.query_one("#home-detail", Static)
        assert HOSTILE.replace("\x1b", "\u241b") in str(detail.render())
        assert_shown_as_data(app)


async def test_test_step_shows_a_failed_report_as_data(
    make_app: Callable[..., OkxWizardApp], workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def verify(*_: Any, **__: Any) -> Report:
        return hostile_report(ok=False)

    monkeypatch.setattr(workspace, "verify", verify)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_at(pilot, "test_connection", captured_state())
        assert type(app.screen).__name__ == "TestConnectionScreen"
        assert app.state.report is not None
        assert_shown_as_data(app)


async def test_saved_step_shows_the_account_and_old_key_as_data(
    make_app: Callable[..., OkxWizardApp], workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        workspace, "commit", lambda *_, **__: hostile_meta(name="bot", region="global")
    )

    async def check(name: str, **_: Any) -> Report:
        return hostile_report(ok=True)

    monkeypatch.setattr(workspace, "check", check)
    state = captured_state(mode="rotate", report=hostile_report(ok=True))
    app = make_app()
    async with app.run_test(size=SIZE, tooltips=False) as pilot:
        await start_at(pilot, "saved", state)
        assert type(app.screen).__name__ == "SavedScreen"
        assert app.state.saved
        body = app.screen.query_one(".step-body")
        for literal in LITERALS:  # the summary is longer than the screen: look at each part
            text = "\n".join(str(w.render()) for w in body.query(Static))
            assert literal in text
        assert_shown_as_data(app, literals=LITERALS[:1])
        await press(pilot, "c")  # check the old key again: its answer is data too
        await settle(pilot)
        assert app.is_running


@pytest.mark.parametrize("dialog", ["remove", "resume"])
async def test_dialogs_show_names_as_data(
    make_app: Callable[..., OkxWizardApp], dialog: str
) -> None:
    from okx_wizard.screens.modals import ConfirmRemoveScreen, ResumeScreen

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = (
            ConfirmRemoveScreen(HOSTILE, HOSTILE)
            if dialog == "remove"
            else ResumeScreen(HOSTILE, has_key=True, rotate=False)
        )
        app.push_screen(screen)
        await settle(pilot)
        assert_shown_as_data(app)


async def test_vault_dialog_shows_the_reason_and_the_store_error_as_data(
    make_app: Callable[..., OkxWizardApp], workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from okx_wizard.screens.vault import VaultScreen

    def secrets(*_: Any) -> Any:
        raise WizardError("storage", HOSTILE, HOSTILE)

    monkeypatch.setattr(workspace, "secrets", secrets)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(VaultScreen(HOSTILE, unlock=True))
        await settle(pilot)
        assert_shown_as_data(app, literals=LITERALS[:1])
        await press(pilot, *"a password", "enter")
        await settle(pilot)
        problem = app.screen.query_one("#vault-problem", Static)
        assert HOSTILE.replace("\x1b", "\u241b") in str(problem.render())
        assert_shown_as_data(app)


async def test_launch_failure_is_shown_as_data(
    make_app: Callable[..., OkxWizardApp], workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def profiles() -> list[ProfileMeta]:
        raise WizardError("storage", HOSTILE, HOSTILE)

    monkeypatch.setattr(workspace, "profiles", profiles)
    app = make_app(mode="home")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "LaunchScreen"
        assert_shown_as_data(app)


async def test_what_the_user_types_is_shown_as_data(
    make_app: Callable[..., OkxWizardApp],
) -> None:
    """A profile name, IPs and a key name from a draft file (resumed), shown and re-checked."""
    draft = {"mode": "rotate", "profile": "[b]bot", "ip_text": HOSTILE, "key_label": HOSTILE}
    state = WizardState.from_draft(draft)
    assert state.ip_text == HOSTILE.replace("\x1b", "")  # a file's control characters go
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_at(pilot, "permissions", state)
        assert type(app.screen).__name__ == "PermissionsScreen"
        assert "rotating [b]bot" in str(app.screen.query_one(".step-bar", Static).render())
        assert app.screen.query_one("#ips", Input).value == state.ip_text
        await press(pilot, "enter")  # the problem line quotes the typed IP
        form = str(app.screen.query_one("#form-values", Static).render())
        assert state.ip_text in form
        assert_shown_as_data(app, literals=LITERALS[:2])


async def test_a_storage_error_notification_is_data(
    make_app: Callable[..., OkxWizardApp], workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def backend_status() -> Any:
        raise WizardError("storage", HOSTILE, HOSTILE)

    monkeypatch.setattr(workspace, "backend_status", backend_status)
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        app.probe_storage()
        await settle(pilot)
        assert len(app._notifications) == 1
        assert_shown_as_data(app, literals=(LITERALS[0], "[2J"))


async def test_a_paste_brings_no_control_character_into_a_field(
    make_app: Callable[..., OkxWizardApp],
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_at(pilot, "permissions", captured_state(ip_text=""))
        ips = app.screen.query_one("#ips", Input)
        assert app.focused is ips
        await paste(pilot, "203.0.113.7\x1b[2J\x07 [/bold]\r\nsecond line")
        assert ips.value == "203.0.113.7[2J [/bold]"
        assert_shown_as_data(app, literals=("[2J", "[/bold]"))
        await press(pilot, "tab")
        name = app.screen.query_one("#key-label", Input)
        assert app.focused is name
        await paste(pilot, "\x1b]52;c;aGk=\x07x")
        assert "\x1b" not in name.value and "\x07" not in name.value
        assert_shown_as_data(app, literals=())
