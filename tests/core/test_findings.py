"""The pure findings of a verification: what OKX reported against what the user meant.

No server: an AccountInfo, Intentions and a region in, a Finding out.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from okx_wizard.core.errors import WizardError
from okx_wizard.core.findings import (
    Finding,
    balance_finding,
    expected_modes,
    ip_finding,
    modes_finding,
    parse_account,
    permissions_finding,
    previous_finding,
    reach_finding,
    sub_account_finding,
)
from okx_wizard.core.models import AccountInfo, Endpoint, Intentions
from okx_wizard.core.place_words import not_found_anywhere, where_error

SUB = AccountInfo(
    uid="2",
    main_uid="1",
    sub_account=True,
    account_type="1",
    acct_lv="2",
    position_mode="net_mode",
    permissions=["read_only", "trade"],
    ip_whitelist=["203.0.113.7"],
    label="bot",
)
TRACKER = Intentions(use_case="read_only")
BOT = Intentions()


def codes(finding: Finding) -> list[str]:
    return [w.code for w in finding.warnings]


def test_parse_account_is_lenient() -> None:
    account = parse_account({"uid": 7, "mainUid": "7", "perm": "read_only, trade,", "ip": ""})
    assert account.uid == "7" and not account.sub_account
    assert account.permissions == ["read_only", "trade"]
    assert account.ip_whitelist == []
    assert account.acct_lv == "" and account.label == ""


# -- account and position mode follow the use case and the region ---------------------------------
@pytest.mark.parametrize(
    ("intentions", "region", "expected"),
    [
        (TRACKER, "global", (None, None)),
        (TRACKER, "us", (None, None)),
        (BOT, "us", ("1", None)),
        (BOT, "global", ("2", "net_mode")),
        (BOT, "eea", ("2", "net_mode")),
        (BOT, "tr", ("2", "net_mode")),
        (
            Intentions(acct_lv="3", position_mode="long_short_mode"),
            "global",
            ("3", "long_short_mode"),
        ),
    ],
)
def test_expected_modes(
    intentions: Intentions, region: str, expected: tuple[str | None, str | None]
) -> None:
    assert expected_modes(intentions, region) == expected


@pytest.mark.parametrize("acct_lv", ["1", "2", "3", "4"])
def test_a_read_only_tracker_accepts_any_account_mode(acct_lv: str) -> None:
    account = replace(SUB, acct_lv=acct_lv, position_mode="long_short_mode")
    finding = modes_finding(account, TRACKER, "global")
    assert finding.status == "ok"
    assert finding.warnings == ()


def test_a_us_account_is_expected_in_spot_mode() -> None:
    spot = replace(SUB, acct_lv="1", position_mode="")
    finding = modes_finding(spot, BOT, "us")
    assert (finding.status, finding.detail) == ("ok", "Spot mode.")
    futures = modes_finding(SUB, BOT, "us")
    assert codes(futures) == ["account-mode-mismatch"]
    assert "“Futures mode”; you planned “Spot mode”" in futures.detail


def test_a_trading_bot_elsewhere_expects_futures_mode_and_one_way() -> None:
    assert modes_finding(SUB, BOT, "global").detail == "Futures mode, One-way position mode."
    margin = replace(SUB, acct_lv="3", position_mode="long_short_mode")
    finding = modes_finding(margin, BOT, "eea")
    assert codes(finding) == ["account-mode-mismatch", "position-mode-mismatch"]
    assert "“Multi-currency margin”" in finding.detail and "“Futures mode”" in finding.detail
    assert "“Long/short (hedge)”" in finding.detail and "“One-way”" in finding.detail


def test_spot_mode_has_no_position_mode_to_compare() -> None:
    spot = replace(SUB, acct_lv="1", position_mode="long_short_mode")
    finding = modes_finding(spot, Intentions(acct_lv="1"), "global")
    assert finding.status == "ok"


# -- permissions ---------------------------------------------------------------------------------
def test_withdraw_is_refused_with_cause_and_fix_apart() -> None:
    finding = permissions_finding(replace(SUB, permissions=["read_only", "withdraw"]), BOT)
    assert finding.status == "failed"
    error = finding.error
    assert error is not None and error.kind == "permission"
    assert "Withdraw" in error.cause and "Trade" in error.cause
    assert " Fix: " not in error.cause
    assert error.fix.startswith("Delete the key on OKX")
    assert "tick Trade" in error.fix
    assert finding.detail == error.message


def test_confirmed_withdraw_is_a_warning_that_says_so_once() -> None:
    perms = ["read_only", "trade", "withdraw"]
    finding = permissions_finding(replace(SUB, permissions=perms), Intentions(allow_withdraw=True))
    assert finding.status == "warning" and finding.error is None
    assert codes(finding) == ["permission-mismatch"]
    assert finding.detail.count("as you confirmed") == 1
    assert "never" not in finding.detail


def test_more_than_a_tracker_needs_is_a_warning() -> None:
    finding = permissions_finding(SUB, TRACKER)
    assert finding.status == "warning"
    assert "untick Trade" in finding.detail


def test_exactly_what_the_use_case_needs() -> None:
    assert permissions_finding(SUB, BOT).status == "ok"
    assert permissions_finding(replace(SUB, permissions=["read_only"]), TRACKER).status == "ok"


# -- sub-account, IP, balance ---------------------------------------------------------------------
def test_main_account_warnings_depend_on_the_plan() -> None:
    main = replace(SUB, uid="1", sub_account=False, account_type="0")
    planned = sub_account_finding(main, BOT)
    chosen = sub_account_finding(main, Intentions(sub_account=False))
    assert codes(planned) == codes(chosen) == ["main-account"]
    assert "not to a sub-account as planned" in planned.detail
    assert "as you chose" in chosen.detail
    assert sub_account_finding(SUB, BOT).status == "ok"


def test_ip_findings() -> None:
    unbound = replace(SUB, ip_whitelist=[])
    assert codes(ip_finding(unbound, BOT, demo=False)) == ["no-ip-whitelist"]
    assert ip_finding(unbound, BOT, demo=True).status == "ok"
    assert ip_finding(replace(unbound, permissions=["read_only"]), TRACKER, False).status == "ok"
    planned = Intentions(ip_whitelist=["203.0.113.7", "198.51.100.1"])
    assert "Planned but not bound: 198.51.100.1." in ip_finding(SUB, planned, False).detail


def test_balance_findings() -> None:
    balance, finding = balance_finding(
        [{"totalEq": "0", "details": []}], [{"ccy": "USDT", "bal": "0"}], SUB
    )
    assert balance is not None and balance.empty
    assert codes(finding) == ["no-balance"]
    assert "sub-account" in finding.detail
    refused = WizardError("server", "OKX broke.")
    balance, finding = balance_finding(
        [{"totalEq": "12", "details": [{"ccy": "BTC", "eq": "1", "junk": "x"}, "not a row"]}],
        refused,
        SUB,
    )
    assert balance is not None and balance.trading == [{"ccy": "BTC", "eq": "1"}]
    assert finding.status == "warning"
    assert "funding account could not be read: OKX broke." in finding.detail
    balance, finding = balance_finding(refused, refused, SUB)
    assert balance is None and finding.status == "warning"


# -- the previous key, where the key belongs, the clock ---------------------------------------
ENDPOINT = Endpoint("global", False, "https://www.okx.com")


@pytest.mark.parametrize(
    ("code", "active"),
    [("50119", False), ("50111", False), ("59506", False), ("50110", True), ("50100", True),
     ("50105", None), ("50001", None)],
)  # fmt: skip
def test_previous_key_state_comes_from_the_error_table(code: str, active: bool | None) -> None:
    state, finding = previous_finding(WizardError.from_okx(code), "55b2…e9a8", ENDPOINT)
    assert state is active
    if active:
        assert codes(finding) == ["previous-key-active"]
        assert "https://www.okx.com/account/my-api" in finding.detail


def test_previous_key_that_answers_is_active() -> None:
    state, finding = previous_finding([{"label": "old"}], "55b2…e9a8", ENDPOINT)
    assert state is True and "label “old”" in finding.detail


def test_where_the_key_belongs() -> None:
    eea = Endpoint("eea", False, "https://eea.okx.com")
    error = where_error(ENDPOINT, eea, "50119")
    assert (error.kind, error.okx_code) == ("region", "50119")
    assert "EEA site (my.okx.com)" in error.cause and "where the account lives now" in error.cause
    assert error.fix == "Set the profile's region to eea (--region eea)."
    tr_demo = Endpoint("tr", True, "https://tr.okx.com")
    both = where_error(ENDPOINT, tr_demo, "50119")
    assert "TR site (tr.okx.com) and is a demo-trading key" in both.cause
    assert "--region tr" in both.fix and "--demo" in both.fix
    env = where_error(ENDPOINT, replace(ENDPOINT, demo=True), "50101")
    assert env.kind == "environment" and " Fix: " not in env.cause


def test_not_found_anywhere_names_every_other_region() -> None:
    error = not_found_anywhere(WizardError.from_okx("50119"), "global", ["eea", "us", "tr"])
    assert "(eea, us, tr)" in error.cause and error.okx_code == "50119"
    assert error.fix.startswith("Paste the API key again")


def test_clock() -> None:
    assert reach_finding(900).status == "ok"
    assert codes(reach_finding(-9_000)) == ["clock-skew"]
    assert "45.0 s behind OKX's" in reach_finding(45_000).detail


def test_warnings_keep_cause_and_fix_apart() -> None:
    for finding in (
        modes_finding(replace(SUB, acct_lv="3"), BOT, "global"),
        ip_finding(replace(SUB, ip_whitelist=[]), BOT, demo=False),
        sub_account_finding(replace(SUB, sub_account=False), BOT),
        permissions_finding(SUB, TRACKER),
        reach_finding(60_000),
        previous_finding([], "55b2…e9a8", ENDPOINT)[1],
    ):
        (warning,) = finding.warnings
        assert warning.fix and " Fix: " not in warning.cause
        assert warning.message == f"{warning.cause} Fix: {warning.fix}"
        assert warning.to_json() == {"code": warning.code, "message": warning.message}


def test_ips_planned_but_not_bound_are_warned_even_for_demo_and_read_only_keys() -> None:
    planned = Intentions(use_case="read_only", ip_whitelist=["203.0.113.7", "198.51.100.2"])
    unbound = AccountInfo(**{**SUB.to_json(), "ip_whitelist": [], "permissions": ["read_only"]})
    for demo in (False, True):
        found = ip_finding(unbound, planned, demo)
        assert found.status == "warning"
        assert [w.code for w in found.warnings] == ["no-ip-whitelist"]
        assert "203.0.113.7, 198.51.100.2" in found.warnings[0].fix
