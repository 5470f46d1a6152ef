"""The one cleaner for outside text, and the one report formatter built on it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from okx_wizard.core.errors import WizardError
from okx_wizard.core.models import AccountInfo, Balance, Endpoint, Report
from okx_wizard.core.report_text import report_lines
from okx_wizard.core.text import printable, quote

FORGED = "x\x1b[2J\x1b]8;;https://evil.example\x07y\r\n✓ forged\u2028z\u2029\u202e\x9b1m"


def test_printable_keeps_ordinary_text() -> None:
    for text in ("", "bot", "Jürgen's bot ✓ 🚀", "https://[::1]:8443", "a\\b"):
        assert printable(text) == text


def test_printable_shows_controls_as_text() -> None:
    assert printable("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert printable("a\nb\rc") == "a\\x0ab\\x0dc"
    assert printable("a\u2028b\u202ec") == "a\\u2028b\\u202ec"


# Controls, zero-width and bidi marks, line separators, bidi overrides and isolates, BOM.
ACTIVE = {*range(0x20), *range(0x7F, 0xA0), *range(0x200B, 0x2010), 0x2028, 0x2029,
          *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF}  # fmt: skip


@given(st.text())
def test_printable_leaves_nothing_active(text: str) -> None:
    out = printable(text)
    assert not [c for c in out if ord(c) in ACTIVE]
    if not [c for c in text if ord(c) in ACTIVE]:
        assert out == text


def test_quote_is_one_short_line_without_markup() -> None:
    quoted = quote('[link="https://evil.example"]OKX[/link]\n' + "x" * 300, 60)
    assert "[" not in quoted and "]" not in quoted
    assert len(quoted) == 60 and quoted.endswith("…")


ENDPOINT = Endpoint("global", False, "https://www.okx.com")


def test_report_lines_for_a_verified_key() -> None:
    report = Report(
        "bot",
        ENDPOINT,
        account=AccountInfo("2", "1", True, "1", "2", "net_mode", ["read_only"], [], "l"),
        balance=Balance("12.5", [], []),
        key_age_days=3,
        api_key_hint="55b2…e9a8",
    )
    report.warn("no-balance", "Nothing here.")
    assert report_lines(report) == [
        "✓ bot: verified — global live, key 55b2…e9a8",
        "  account: sub-account uid 2, permissions read_only, IPs none",
        "  balance: 12.5 USD",
        "  key age: 3 days",
        "  ! no-balance: Nothing here.",
    ]
    assert report_lines(report, brief=True) == [
        "✓ bot: the key works.",
        "! no-balance: Nothing here.",
    ]


def test_report_lines_for_a_failure() -> None:
    report = Report("bot", ENDPOINT, error=WizardError.from_okx("50113"))
    lines = report_lines(report)
    assert lines[0] == "✗ bot: auth error [OKX 50113] — global live"
    assert lines[1].startswith("  The signature is invalid") and " Fix: Paste" in lines[1]
    brief = report_lines(report, brief=True)
    assert brief[0].startswith("✗ bot: auth (OKX 50113) — The signature is invalid")


def test_report_lines_clean_every_outside_string() -> None:
    account = AccountInfo(FORGED, "1", True, "1", "2", "", [FORGED], [FORGED], FORGED)
    report = Report(FORGED, Endpoint(FORGED, False, ""), account=account, api_key_hint=FORGED)
    report.warn("previous-key-active", FORGED)
    report.balance = Balance(FORGED, [], [])
    failed = Report(FORGED, ENDPOINT, error=WizardError("server", FORGED, FORGED, okx_code=FORGED))
    for lines in (report_lines(report), report_lines(failed), report_lines(failed, brief=True)):
        for line in lines:
            assert "\x1b" not in line and "\n" not in line and "\r" not in line
            assert "\u2028" not in line and "\u202e" not in line and "\x9b" not in line
