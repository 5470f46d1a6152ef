"""The pure parts of hands-free keys: audit flags, admin rules, key notes, OKX's key rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from okx_wizard.core.admin import judge_admin
from okx_wizard.core.audit import AuditResult, judge
from okx_wizard.core.hands_free import LABEL_MAX, key_label
from okx_wizard.core.models import AccountInfo, Endpoint, Report
from okx_wizard.core.subaccount import KeyInfo

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _key(perm: str = "read_only,trade", ip: str = "203.0.113.7", age_days: int = 3) -> KeyInfo:
    created = NOW - timedelta(days=age_days)
    row = {
        "apiKey": "8a0f1c2d-aaaa-bbbb-cccc-0123456789ab",
        "label": "bot",
        "perm": perm,
        "ip": ip,
        "ts": str(int(created.timestamp() * 1000)),
    }
    return KeyInfo.from_row("tradebot01", row)


def test_key_rows_parse_okx_fields() -> None:
    info = _key(ip="203.0.113.7,2001:db8::1")
    assert info.sub_account == "tradebot01"
    assert info.permissions == ["read_only", "trade"]
    assert info.ip_whitelist == ["203.0.113.7", "2001:db8::1"]
    assert info.created_at == NOW - timedelta(days=3)
    assert info.hint == "8a0f…89ab"


def test_a_key_row_with_a_broken_timestamp_has_no_age() -> None:
    info = KeyInfo.from_row("sub", {"apiKey": "k" * 36, "ts": "soon"})
    assert info.created_at is None
    assert judge(info, ("bot", False), now=NOW, max_age_days=90).age_days is None


def test_a_held_ip_bound_young_key_has_no_flag() -> None:
    key = judge(_key(), ("bot", False), now=NOW, max_age_days=90)
    assert (key.profile, key.orphan, key.flags, key.age_days) == ("bot", False, [], 3)


@pytest.mark.parametrize(
    ("owner", "perm", "ip", "age", "flags"),
    [
        (None, "read_only", "1.2.3.4", 1, ["orphan"]),
        (("bot", True), "read_only", "1.2.3.4", 1, ["previous-key"]),
        (("bot", False), "read_only,trade", "", 1, ["no-ip"]),
        (("bot", False), "read_only", "", 1, []),  # read-only keys are not deleted by OKX
        (("bot", False), "read_only", "1.2.3.4", 91, ["old"]),
        (("bot", False), "read_only", "1.2.3.4", 90, []),
        (None, "read_only,trade", "", 400, ["orphan", "no-ip", "old"]),
    ],
)
def test_audit_flags(
    owner: tuple[str, bool] | None, perm: str, ip: str, age: int, flags: list[str]
) -> None:
    key = judge(_key(perm, ip, age), owner, now=NOW, max_age_days=90)
    assert key.flags == flags


def test_audit_counts_flagged_keys_but_not_deleted_ones() -> None:
    orphan = judge(_key(), None, now=NOW, max_age_days=90)
    held = judge(_key(), ("bot", False), now=NOW, max_age_days=90)
    result = AuditResult([orphan, held])
    assert result.flagged == 1
    orphan.deleted = True
    assert result.flagged == 0
    assert result.to_json()["keys"][0]["orphan"] is True


def test_key_labels_are_okx_notes_and_differ_even_within_a_second() -> None:
    first = key_label("my-bot.eu_1", NOW)
    later = key_label("my-bot.eu_1", NOW)
    assert first.isalnum() and later.isalnum()
    assert first != later
    assert first.startswith("myboteu1")
    assert len(key_label("x" * 64, NOW)) <= LABEL_MAX


def _report(**account: object) -> Report:
    fields: dict[str, object] = {
        "uid": "1001",
        "main_uid": "1001",
        "sub_account": False,
        "account_type": "0",
        "acct_lv": "2",
        "position_mode": "net_mode",
        "permissions": ["read_only", "trade"],
        "ip_whitelist": ["203.0.113.7"],
        "label": "admin",
    }
    fields.update(account)
    report = Report("admin", Endpoint("global", False, "https://www.okx.com"))
    report.account = AccountInfo(**fields)  # type: ignore[arg-type]
    report.warn("main-account", "this is the main account")
    return report


def test_a_main_account_trade_key_bound_to_ips_is_an_admin_key() -> None:
    report = judge_admin(_report())
    assert report.ok
    assert report.warnings == []  # "main account" is what an admin key is meant to be


@pytest.mark.parametrize(
    ("account", "kind", "code"),
    [
        ({"sub_account": True, "uid": "2002"}, "permission", "59500"),
        ({"permissions": ["read_only"]}, "permission", "50120"),
        ({"ip_whitelist": []}, "ip", "50035"),
    ],
)
def test_keys_that_cannot_be_admin_are_refused(
    account: dict[str, object], kind: str, code: str
) -> None:
    report = judge_admin(_report(**account))
    assert not report.ok
    assert report.error is not None
    assert (report.error.kind, report.error.okx_code) == (kind, code)
    assert report.error.fix
