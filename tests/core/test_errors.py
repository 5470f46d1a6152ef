"""The one error table: every code's cause and fix, and what each code means for the flow."""

from __future__ import annotations

import re

import pytest

from okx_wizard.core.errors import OKX_CODES, WizardError, describe_code

SUB_ACCOUNT_CODES = ["59500", "59501", "59502", "59503", "59504", "59505", "59506", "59510",
                     "59601", "59603", "59604", "50035"]  # fmt: skip


@pytest.mark.parametrize("code", sorted(OKX_CODES))
def test_every_code_has_a_cause_and_a_fix_apart(code: str) -> None:
    info = OKX_CODES[code]
    assert info.cause.endswith(".") and info.fix.endswith(".")
    assert "Fix:" not in info.cause and "Fix:" not in info.fix


@pytest.mark.parametrize("code", SUB_ACCOUNT_CODES)
def test_the_sub_account_key_api_codes_are_in_the_table(code: str) -> None:
    assert code in OKX_CODES


def test_flow_meanings_are_flags_of_the_table() -> None:
    flagged = {
        flag: sorted(c for c, info in OKX_CODES.items() if getattr(info, flag))
        for flag in ("moves_region", "moves_environment", "key_gone", "key_still_there",
                     "clock", "names_ip")
    }  # fmt: skip
    assert flagged == {
        "moves_region": ["50119"],
        "moves_environment": ["50101"],
        "key_gone": ["50111", "50119", "59506"],
        "key_still_there": ["50100", "50110"],
        "clock": ["50102", "50112"],
        "names_ip": ["50110"],
    }


def test_words_that_were_wrong() -> None:
    assert "tick the Read" not in OKX_CODES["50030"].fix
    assert "Read itself is always granted" in OKX_CODES["50030"].cause
    assert "Read" not in OKX_CODES["50120"].fix
    assert "whitelist does not help" in OKX_CODES["50121"].fix
    assert "where the account lives now" in OKX_CODES["50119"].fix
    assert "tr.okx.com" in OKX_CODES["50119"].fix


def test_50110_names_the_ip_and_the_rebind_command() -> None:
    msg = "Your IP 198.51.100.23 is not included in your API key's IP whitelist."
    error = WizardError.from_okx("50110", msg)
    assert error.kind == "ip" and error.okx_code == "50110"
    assert error.cause.endswith("OKX sees this machine as 198.51.100.23.")
    assert "okx-wizard rebind PROFILE --ip 198.51.100.23" in error.fix
    v6 = WizardError.from_okx("50110", "Your IP 2001:db8::1 is not included")
    assert "2001:db8::1" in v6.fix
    plain = WizardError.from_okx("50110", "")
    assert plain.fix == OKX_CODES["50110"].fix


def test_unknown_code_quotes_okx_cleaned() -> None:
    info = describe_code("51999", "bad\x1b[2J [b]thing[/b]\nline two" + "x" * 500)
    assert info.kind == "server"
    assert "\x1b" not in info.cause and "\n" not in info.cause and "[" not in info.cause
    assert re.search(r"OKX said: “bad\\x1b\(2J \(b\)thing\(/b\) line two", info.cause)
    assert len(info.cause) < 200


def test_message_joins_cause_and_fix() -> None:
    error = WizardError("auth", "Wrong.", "Do this.", okx_code="50113")
    assert error.message == "Wrong. Fix: Do this."
    assert error.to_json() == {"kind": "auth", "okx_code": "50113", "message": error.message}
    assert error.code_info is OKX_CODES["50113"]
    assert WizardError("network", "Down.").message == "Down."
