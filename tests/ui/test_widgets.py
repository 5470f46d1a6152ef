"""The reusable widgets, driven by the keyboard at 80x24 as a user would."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from textual import events, on
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Footer, Input

from okx_wizard.core.errors import WizardError
from okx_wizard.core.models import CHECK_STEPS, CHECK_TITLES
from okx_wizard.core.regions import REGIONS
from okx_wizard.core.validation import (
    check_api_key,
    check_profile_name,
    check_secret_key,
    strip_paste_artifacts,
)
from okx_wizard.widgets.check_list import STATUS_LABELS, CheckList
from okx_wizard.widgets.checked_input import CheckedInput, FieldCheckValidator
from okx_wizard.widgets.choice_list import ChoiceList
from okx_wizard.widgets.error_panel import ErrorPanel
from okx_wizard.widgets.qr_code import QrCode, qr_lines
from okx_wizard.widgets.secret_input import SecretInput
from okx_wizard.widgets.strength_meter import StrengthMeter
from okx_wizard.widgets.tick import Tick

API_KEY = "8a0f3c2e-5b1d-4e7f-9a6b-0c1d2e3f9d21"
SECRET_KEY = "2B7E151628AED2A6ABF7158809CF4F3C"
SIZE = (80, 24)


def screen_text(app: App[Any]) -> str:
    """The visible text of the screen, from the same SVG export users see in screenshots."""
    svg = app.export_screenshot()
    body = svg.split("<g", 1)[-1]
    text = html.unescape(re.sub(r"<[^>]+>", "", body))
    return text.replace("\xa0", " ")


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type ``text`` key by key (dashes and the like are sent as key names)."""
    names = {"-": "minus", " ": "space", "$": "dollar_sign", ".": "full_stop"}
    await pilot.press(*(names.get(c, c) for c in text))


class SecretApp(App[None]):
    """One API key input, one secret key input, one passphrase input with a meter."""

    def compose(self) -> ComposeResult:
        yield SecretInput(placeholder="API key", check=check_api_key, id="api-key")
        yield SecretInput(placeholder="Secret key", check=check_secret_key, id="secret-key")
        yield SecretInput(placeholder="Passphrase", cleaner=strip_paste_artifacts, id="passphrase")
        yield StrengthMeter(id="meter")
        yield Footer()

    @on(Input.Changed, "#passphrase")
    def _passphrase_changed(self, event: Input.Changed) -> None:
        assert isinstance(event.input, SecretInput)
        self.query_one(StrengthMeter).update_for(event.input.secret)


# --- SecretInput ------------------------------------------------------------------------------


async def test_typed_secret_is_masked_on_screen() -> None:
    app = SecretApp()
    async with app.run_test(size=SIZE) as pilot:
        field = app.query_one("#api-key", SecretInput)
        assert app.focused is field
        await type_text(pilot, API_KEY)
        await pilot.pause()
        assert field.value == API_KEY
        assert field.secret.reveal() == API_KEY
        assert repr(field.secret) == "Secret('********')"
        svg = app.export_screenshot()
        assert API_KEY not in svg and API_KEY[:8] not in svg
        assert "•" * len(API_KEY) in screen_text(app)
        assert "Looks like an OKX API key." in screen_text(app)


async def test_reveal_toggle_shows_and_hides_the_value() -> None:
    app = SecretApp()
    async with app.run_test(size=SIZE) as pilot:
        field = app.query_one("#api-key", SecretInput)
        await type_text(pilot, API_KEY)
        assert "^r Reveal" in screen_text(app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert not field.masked and field.has_class("-revealed")
        assert API_KEY in screen_text(app)
        assert "^r Hide" in screen_text(app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert field.masked
        assert API_KEY not in app.export_screenshot()


async def test_paste_is_cleaned() -> None:
    app = SecretApp()
    async with app.run_test(size=SIZE) as pilot:
        field = app.query_one("#api-key", SecretInput)
        app.post_message(events.Paste(f"\x1b[200~  {API_KEY[:12]}\r\n{API_KEY[12:]}\u200b\n"))
        await pilot.pause()
        assert field.value == API_KEY
        await pilot.press("tab")
        app.post_message(events.Paste("[200~ 2В7Е151628АЕD2А6АВF7158809СF4F3С\t[201~"))
        await pilot.pause()
        assert app.query_one("#secret-key", SecretInput).value == SECRET_KEY
        await pilot.press("tab")
        app.post_message(events.Paste("\x1b[200~ Pа$$ wörd–1\r\n"))
        await pilot.pause()
        # Passphrases lose only paste artefacts, never characters.
        assert app.query_one("#passphrase", SecretInput).value == "Pа$$ wörd–1"


async def test_paste_replaces_the_selection() -> None:
    app = SecretApp()
    async with app.run_test(size=SIZE) as pilot:
        field = app.query_one("#api-key", SecretInput)
        await type_text(pilot, "wrong")
        await pilot.press("ctrl+shift+a")
        app.post_message(events.Paste(API_KEY))
        await pilot.pause()
        assert field.value == API_KEY


async def test_copy_and_cut_do_nothing_while_masked() -> None:
    app = SecretApp()
    async with app.run_test(size=SIZE) as pilot:
        field = app.query_one("#api-key", SecretInput)
        await type_text(pilot, API_KEY)
        await pilot.press("ctrl+shift+a", "ctrl+c")
        await pilot.pause()
        assert app.clipboard == ""
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert app.clipboard == ""
        assert field.value == API_KEY
        await pilot.press("ctrl+r", "ctrl+shift+a", "ctrl+c")
        await pilot.pause()
        assert app.clipboard == API_KEY


async def test_check_message_is_shown_under_the_field() -> None:
    app = SecretApp()
    async with app.run_test(size=SIZE) as pilot:
        field = app.query_one("#api-key", SecretInput)
        await type_text(pilot, SECRET_KEY)
        await pilot.pause()
        assert "! This looks like the secret key, not the API key." in screen_text(app)
        assert field.is_valid  # a warning asks for confirmation; it does not block
        assert field.check_result is not None and field.check_result.level == "warning"
        await pilot.press("ctrl+u", *"é")
        await pilot.pause()
        assert not field.is_valid
        assert "✗ Has characters an API key cannot have" in screen_text(app)
        await pilot.press("backspace")
        await pilot.pause()
        assert field.check_result is None
        assert field.border_subtitle is None
        assert "cannot have" not in screen_text(app)


async def test_checked_input_for_plain_fields() -> None:
    class NameApp(App[None]):
        def compose(self) -> ComposeResult:
            yield CheckedInput(placeholder="Profile name", check=check_profile_name)
            yield Input(validators=[FieldCheckValidator(check_profile_name)], id="plain")

    app = NameApp()
    async with app.run_test(size=SIZE) as pilot:
        field = app.query_one(CheckedInput)
        await type_text(pilot, "my bot")
        await pilot.pause()
        assert not field.is_valid
        assert "✗ Profile names are 1–64 letters" in screen_text(app)
        assert "my bot" in screen_text(app)  # not a secret: shown as typed
        await pilot.press("ctrl+u")
        app.post_message(events.Paste("bot-1\nsecond line"))
        await pilot.pause()
        assert field.value == "bot-1" and field.is_valid
        plain = app.query_one("#plain", Input)
        assert plain.validate("a/b") is not None and not plain.is_valid
        assert plain.validate("ok") is not None and plain.is_valid


# --- StrengthMeter ----------------------------------------------------------------------------


async def test_strength_meter_updates_live() -> None:
    app = SecretApp()
    async with app.run_test(size=(80, 30)) as pilot:
        meter = app.query_one(StrengthMeter)
        assert "Type a passphrase" in screen_text(app)
        app.query_one("#passphrase", SecretInput).focus()
        await type_text(pilot, "pass")
        await pilot.pause()
        weak = screen_text(app)
        assert meter.strength.score == 0
        assert "0/4 very weak" in weak
        assert "✗ 8–32 characters" in weak and "✓ lower case" in weak and "✗ digit" in weak
        await type_text(pilot, "$Vq8.Lm3+Tz9")
        await pilot.pause()
        strong = screen_text(app)
        assert meter.strength.score == 4
        assert "4/4 very strong" in strong and "████████████" in strong
        assert "✓ 8–32 characters" in strong and "✓ special" in strong
        assert "! Breaks shells and .env files: $" in strong
        assert "Time to guess it if a hashed copy leaked: centuries" in strong
        assert "pass$Vq8" not in app.export_screenshot()


# --- QrCode -----------------------------------------------------------------------------------


@pytest.mark.parametrize("region", sorted(REGIONS))
@pytest.mark.parametrize("demo", [False, True])
def test_key_page_qr_code_fits(region: str, demo: bool) -> None:
    lines = qr_lines(REGIONS[region].key_page_url(demo))
    assert len(lines) <= 20
    assert max(len(line) for line in lines) <= 40
    assert set("".join(lines)) <= set("▀▄█ ")


def test_qr_lines_encode_the_code_exactly() -> None:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_L

    url = REGIONS["eea"].key_page_url(False)
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_L, border=2)
    code.add_data(url)
    matrix = code.get_matrix()
    tops = {"█": True, "▀": True, "▄": False, " ": False}
    bottoms = {"█": True, "▀": False, "▄": True, " ": False}
    decoded: list[list[bool]] = []
    for line in qr_lines(url):
        decoded.append([tops[c] for c in line])
        decoded.append([bottoms[c] for c in line])
    # light modules are drawn; the quiet zone is light; the padding half-row is not part of it
    assert decoded[: len(matrix)] == [[not dark for dark in row] for row in matrix]
    assert all(decoded[0]) and all(row[0] and row[1] for row in decoded[: len(matrix)])


async def test_qr_code_widget_size_and_colours() -> None:
    class QrApp(App[None]):
        def compose(self) -> ComposeResult:
            yield QrCode(REGIONS["global"].key_page_url(False))

    app = QrApp()
    async with app.run_test(size=SIZE) as pilot:
        qr = app.query_one(QrCode)
        assert qr.size.width <= 40 and qr.size.height <= 20
        assert qr.size.height == len(qr.lines)
        assert qr.styles.color.hex == "#FFFFFF" and qr.styles.background.hex == "#000000"
        first = qr.lines
        qr.url = REGIONS["us"].key_page_url(True)
        await pilot.pause()
        assert qr.lines != first
        assert qr.lines[1] in screen_text(app)


# --- CheckList --------------------------------------------------------------------------------


class CheckApp(App[None]):
    def compose(self) -> ComposeResult:
        yield CheckList(id="checks")


async def test_check_list_statuses_render_as_words() -> None:
    app = CheckApp()
    async with app.run_test(size=SIZE) as pilot:
        checks = app.query_one(CheckList)
        text = screen_text(app)
        for step in CHECK_STEPS[:-1]:
            assert CHECK_TITLES[step] in text
        assert CHECK_TITLES["previous"] not in text
        checks.set_status("reach", "ok", "clock skew 12 ms")
        checks.set_status("signature", "running")
        checks.set_status("region", "warning", "demo key")
        checks.set_status("permissions", "failed", "withdraw")
        checks.set_status("sub_account", "skipped")
        await pilot.pause()
        text = screen_text(app)
        for label in ("✓ ok", "… running", "! warning", "✗ failed", "- skipped", "· waiting"):
            assert label in text
        assert "clock skew 12 ms" in text
        assert checks.status("permissions") == "failed"
        assert checks.failed == ["permissions"]
        checks.reset()
        await pilot.pause()
        assert screen_text(app).count(STATUS_LABELS["pending"]) == len(CHECK_STEPS) - 1


async def test_check_list_detail_wraps_within_80_columns() -> None:
    app = CheckApp()
    async with app.run_test(size=SIZE) as pilot:
        checks = app.query_one(CheckList)
        detail = "word " * 40
        checks.set_status("signature", "failed", detail.strip())
        await pilot.pause()
        row = checks.rows["signature"]
        assert row.size.width <= 80
        assert row.size.height >= 3  # title plus at least two wrapped detail lines
        assert screen_text(app).count("word") == 40


async def test_check_list_previous_row() -> None:
    app = CheckApp()
    async with app.run_test(size=SIZE) as pilot:
        checks = app.query_one(CheckList)
        assert not checks.rows["previous"].display
        checks.show_step("previous")
        checks.set_status("previous", "warning", "the old key still works")
        await pilot.pause()
        assert "Previous key deleted on OKX" in screen_text(app)
        assert "the old key still works" in screen_text(app)
        with pytest.raises(ValueError):
            checks.set_status("reach", "done")
        with pytest.raises(KeyError):
            checks.set_status("nope", "ok")


# --- ErrorPanel -------------------------------------------------------------------------------


class ErrorApp(App[None]):
    def __init__(self, error: WizardError | None) -> None:
        super().__init__()
        self.error = error
        self.posted: list[str] = []

    def compose(self) -> ComposeResult:
        yield ErrorPanel(self.error)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ErrorPanel).focus()

    def on_error_panel_retry(self, message: ErrorPanel.Retry) -> None:
        assert message.control is self.query_one(ErrorPanel)
        self.posted.append(f"retry:{message.error.okx_code if message.error else None}")

    def on_error_panel_edit(self, message: ErrorPanel.Edit) -> None:
        self.posted.append(f"edit:{message.error.okx_code if message.error else None}")


async def test_error_panel_shows_kind_code_cause_and_fix() -> None:
    app = ErrorApp(WizardError.from_okx("50113"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "OKX code 50113: OKX refused the credentials" in text
        assert "The signature is invalid: the secret key is wrong." in text
        assert "Fix: Paste the secret key exactly as OKX showed it." in text
        assert "Retry (r)" in text and "Edit (e)" in text
        assert "r Retry" in text and "e Edit" in text  # footer


async def test_error_panel_keys_post_messages() -> None:
    app = ErrorApp(WizardError.from_okx("50119"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await pilot.press("e")
        await pilot.press("enter")  # the focused Retry button
        await pilot.press("tab", "enter")  # the Edit button
        await pilot.pause()
        assert app.posted == ["retry:50119", "edit:50119", "retry:50119", "edit:50119"]


async def test_error_panel_hidden_without_error_and_updates() -> None:
    app = ErrorApp(None)
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(ErrorPanel)
        assert not panel.display
        panel.show_error(WizardError("network", "OKX could not be reached.", "Check the proxy."))
        await pilot.pause()
        assert panel.display
        text = screen_text(app)
        assert "✗ OKX could not be reached" in text
        assert "Fix: Check the proxy." in text
        assert "reached. Fix:" not in text  # cause and fix on lines of their own
        panel.show_error(None)
        await pilot.pause()
        assert not panel.display


# --- NO_COLOR ---------------------------------------------------------------------------------


async def test_widgets_are_readable_without_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")

    class Everything(App[None]):
        def compose(self) -> ComposeResult:
            yield SecretInput(check=check_api_key, id="key")
            yield CheckList()

    app = Everything()
    assert app.no_color
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, API_KEY.upper())
        app.query_one(CheckList).set_status("reach", "failed", "no route")
        await pilot.pause()
        text = screen_text(app)
        assert "! OKX keys are lower case: check the key." in text
        assert "✗ failed" in text and "· waiting" in text
        assert API_KEY.upper() not in app.export_screenshot()


class ChoiceApp(App[None]):
    """Two choice lists and an input, as on the start screen; records every Changed message."""

    def __init__(self) -> None:
        super().__init__()
        self.changes: list[tuple[str, int]] = []

    def compose(self) -> ComposeResult:
        yield Input(id="name")
        yield ChoiceList("Global", "EEA", "US", id="region")
        yield ChoiceList("Live trading", "Demo trading", selected=1, id="env")
        yield Footer()

    @on(ChoiceList.Changed)
    def _changed(self, event: ChoiceList.Changed) -> None:
        self.changes.append((event.control.id or "", event.index))


async def test_choice_list_arrows_choose_and_wrap() -> None:
    app = ChoiceApp()
    async with app.run_test(size=SIZE) as pilot:
        region = app.query_one("#region", ChoiceList)
        await pilot.press("tab")
        assert region.has_focus and region.selected == 0
        await pilot.press("down", "right")
        assert region.selected == 2
        await pilot.press("down")  # past the last option: back to the first
        assert region.selected == 0
        await pilot.press("up", "left")
        assert region.selected == 1
        await pilot.pause()
        assert app.changes[-1] == ("region", 1)
        await pilot.press("tab")  # Tab leaves the list: the choice stays
        assert app.query_one("#env", ChoiceList).has_focus and region.selected == 1


async def test_choice_list_marks_the_choice_without_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = ChoiceApp()
    async with app.run_test(size=SIZE) as pilot:
        assert app.no_color
        await pilot.pause()
        text = screen_text(app)
        assert "(•) Global" in text and "( ) EEA" in text and "( ) US" in text
        assert "( ) Live trading" in text and "(•) Demo trading" in text
        app.query_one("#env", ChoiceList).selected = 0  # set by code, as a screen's load() does
        await pilot.pause()
        assert "(•) Live trading" in screen_text(app) and ("env", 0) in app.changes


async def test_choice_list_click_chooses_and_bad_index_is_clamped() -> None:
    app = ChoiceApp()
    async with app.run_test(size=SIZE) as pilot:
        region = app.query_one("#region", ChoiceList)
        await pilot.click("#region", offset=(2, 2))  # the third line: US
        assert region.selected == 2
        region.selected = 7
        assert region.selected == 2
        region.selected = -3
        assert region.selected == 0
    with pytest.raises(ValueError, match="at least one option"):
        ChoiceList()


async def test_tick_reads_as_a_box_and_space_ticks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")

    class TickApp(App[None]):
        def compose(self) -> ComposeResult:
            yield Tick("2FA is on", id="tick")

    app = TickApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "[ ] 2FA is on" in screen_text(app)
        await pilot.press("space")
        assert app.query_one(Tick).value
        assert "[x] 2FA is on" in screen_text(app)
