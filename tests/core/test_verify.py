"""verify_key against the simulator: what a check finds, what it says, and how fast it is."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import replace
from typing import Any

import pytest

from okx_wizard.core import verify
from okx_wizard.core.models import CHECK_STEPS, Endpoint, Intentions, Report
from okx_wizard.core.simulator import SAMPLE, Fault, SimKey, Simulator
from okx_wizard.core.verify import verify_key
from tests.core.test_client import creds_of, free_port

CONFIG = "/api/v5/account/config"
TIME = "/api/v5/public/time"


class Steps:
    """Records on_step calls, as the TUI's checklist would receive them."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []

    def __call__(self, step: str, status: str, detail: str) -> None:
        self.calls.append((step, status, detail))

    @property
    def final(self) -> dict[str, str]:
        return {step: status for step, status, _ in self.calls if status != "running"}

    def detail(self, step: str) -> str:
        return next(d for s, st, d in self.calls if s == step and st != "running")


async def check(
    sim: Simulator,
    key: SimKey,
    *,
    region: str = "global",
    demo: bool = False,
    intentions: Intentions | None = None,
    steps: Steps | None = None,
    **kwargs: Any,
) -> Report:
    creds = kwargs.pop("creds", None) or creds_of(key)
    return await verify_key(
        creds,
        Endpoint(region, demo, sim.url(region)),
        intentions or Intentions(),
        profile="bot",
        hosts=sim.urls,
        on_step=steps,
        **kwargs,
    )


def assert_clean(report: Report, key: SimKey) -> None:
    text = json.dumps(report.to_json()) + repr(report)
    assert key.secret_key not in text
    assert key.passphrase not in text


async def test_good_key_is_verified_with_everything_okx_reports(sim: Simulator) -> None:
    good = SAMPLE["good"]
    steps = Steps()
    report = await check(sim, good, steps=steps)
    assert report.ok, report.error
    assert report.warnings == []
    account = report.account
    assert account is not None
    assert account.uid == good.uid
    assert account.main_uid == good.main_uid
    assert account.sub_account
    assert account.account_type == "1"
    assert account.acct_lv == "2"
    assert account.position_mode == "net_mode"
    assert account.permissions == ["read_only", "trade"]
    assert account.ip_whitelist == ["203.0.113.7"]
    assert account.label == "SimGood"
    assert report.balance is not None
    assert report.balance.total_eq_usd == "125.5"
    assert report.balance.trading[0]["ccy"] == "USDT"
    assert report.balance.funding == [
        {"ccy": "USDT", "bal": "20", "availBal": "20", "frozenBal": "0"}
    ]
    assert report.clock_skew_ms is not None and abs(report.clock_skew_ms) < 500
    assert report.api_key_hint == "55b2…e9a8"
    assert report.endpoint.base_url == sim.url()
    assert report.suggested_endpoint is None
    assert report.previous_key_active is None
    rows = [s for s in CHECK_STEPS if s != "previous"]
    assert steps.calls[: len(rows)] == [(s, "running", "") for s in rows]
    assert [s for s, st, _ in steps.calls if st != "running"] == rows
    assert set(steps.final.values()) == {"ok"}
    assert_clean(report, good)


@pytest.mark.parametrize(
    ("wrong", "code", "kind"),
    [
        ({"passphrase": "Wrong#Pass123"}, "50105", "auth"),
        ({"secret": "A" * 32}, "50113", "auth"),
    ],
)
async def test_wrong_passphrase_or_secret(
    sim: Simulator, wrong: dict[str, str], code: str, kind: str
) -> None:
    good = SAMPLE["good"]
    steps = Steps()
    report = await check(sim, good, creds=creds_of(good, **wrong), steps=steps)
    assert not report.ok
    assert report.error is not None
    assert (report.error.kind, report.error.okx_code) == (kind, code)
    assert report.account is None
    assert steps.final["reach"] == "ok"
    assert steps.final["signature"] == "failed"
    assert steps.detail("signature") == report.error.message
    assert all(steps.final[s] == "skipped" for s in CHECK_STEPS[2:-1])
    assert_clean(report, good)


async def test_unknown_key_is_looked_for_on_every_region(sim: Simulator) -> None:
    stranger = replace(SAMPLE["good"], api_key=str(uuid.uuid4()))
    report = await check(sim, stranger)
    assert report.error is not None
    assert (report.error.kind, report.error.okx_code) == ("region", "50119")
    assert "nor on the other regions' sites (eea, us, tr)" in report.error.cause
    assert "Paste the API key again" in report.error.fix
    assert report.suggested_endpoint is None
    asked = {r.region for r in sim.requests if r.path == CONFIG}
    assert asked == {"global", "eea", "us", "tr"}


async def test_eea_key_on_the_global_host_is_detected(sim: Simulator) -> None:
    eea = SAMPLE["eea"]
    steps = Steps()
    report = await check(sim, eea, steps=steps)
    assert report.error is not None
    assert report.error.kind == "region"
    assert report.error.cause.startswith("This key belongs to the EEA site (my.okx.com)")
    assert report.error.fix == "Set the profile's region to eea (--region eea)."
    assert report.suggested_endpoint == Endpoint("eea", False, sim.url("eea"))
    assert report.endpoint.region == "global"
    assert report.account is not None and report.account.uid == eea.uid
    assert report.balance is not None and report.balance.total_eq_usd == "80"
    assert steps.final["region"] == "failed"
    assert steps.final["signature"] == "ok"
    assert steps.final["balance"] == "ok"


async def test_tr_key_on_the_global_host_is_found_on_tr(sim: Simulator) -> None:
    key = replace(SAMPLE["good"], api_key=str(uuid.uuid4()), region="tr")
    sim.add_key(key)
    report = await check(sim, key)
    assert report.error is not None
    assert (report.error.kind, report.error.okx_code) == ("region", "50119")
    assert report.error.cause.startswith("This key belongs to the TR site (tr.okx.com)")
    assert report.error.fix == "Set the profile's region to tr (--region tr)."
    assert report.suggested_endpoint == Endpoint("tr", False, sim.url("tr"))


async def test_us_trading_key_in_spot_mode_is_as_planned(sim: Simulator) -> None:
    key = replace(SAMPLE["good"], api_key=str(uuid.uuid4()), region="us", acct_lv="1")
    sim.add_key(key)
    report = await check(sim, key, region="us")
    assert report.ok, report.error
    assert report.warnings == []


async def test_region_detection_is_off_for_an_explicit_base_url(sim: Simulator) -> None:
    eea = SAMPLE["eea"]
    endpoint = Endpoint("global", False, sim.url("global"), explicit_base_url=True)
    report = await verify_key(creds_of(eea), endpoint, Intentions(), hosts=sim.urls)
    assert report.error is not None and report.error.okx_code == "50119"
    assert report.suggested_endpoint is None
    assert {r.region for r in sim.requests} == {"global"}


async def test_region_detection_can_be_turned_off(sim: Simulator) -> None:
    report = await check(sim, SAMPLE["eea"], auto_detect=False)
    assert report.error is not None and report.error.okx_code == "50119"
    assert {r.region for r in sim.requests} == {"global"}


async def test_demo_key_used_as_live_says_it_is_a_demo_key(sim: Simulator) -> None:
    demo = SAMPLE["demo"]
    report = await check(sim, demo)
    assert report.error is not None
    assert (report.error.kind, report.error.okx_code) == ("environment", "50101")
    assert "demo-trading key" in report.error.message
    assert "--demo" in report.error.message
    assert report.suggested_endpoint == Endpoint("global", True, sim.url())
    assert report.account is not None and report.account.uid == demo.uid


async def test_live_key_used_as_demo_says_it_is_a_live_key(sim: Simulator) -> None:
    report = await check(sim, SAMPLE["good"], demo=True)
    assert report.error is not None
    assert report.error.kind == "environment"
    assert "live-trading key" in report.error.message
    assert report.suggested_endpoint == Endpoint("global", False, sim.url())


async def test_demo_key_on_the_wrong_region_and_environment(sim: Simulator) -> None:
    key = replace(SAMPLE["demo"], api_key=str(uuid.uuid4()), region="us")
    sim.add_key(key)
    report = await check(sim, key)
    assert report.error is not None and report.error.kind == "region"
    assert "US site (app.okx.com) and is a demo-trading key" in report.error.message
    assert report.suggested_endpoint == Endpoint("us", True, sim.url("us"))


async def test_clock_far_off_is_corrected_and_warned(sim: Simulator) -> None:
    sim.clock_offset_ms = 45_000
    steps = Steps()
    report = await check(sim, SAMPLE["good"], steps=steps)
    assert report.ok, report.error
    assert report.clock_skew_ms is not None
    assert abs(report.clock_skew_ms - 45_000) <= 1_500
    codes = [w.code for w in report.warnings]
    assert codes == ["clock-skew"]
    message = report.warnings[0].message
    assert "45.0 s behind OKX's" in message
    assert "timedatectl set-ntp true" in message
    assert steps.final["reach"] == "warning"
    assert steps.final["signature"] == "ok"
    assert [r.code for r in sim.requests if r.path == CONFIG] == ["50102", "0"]


async def test_clock_a_little_off_is_warned_without_a_retry(sim: Simulator) -> None:
    sim.clock_offset_ms = -9_000
    report = await check(sim, SAMPLE["good"])
    assert report.ok
    assert [w.code for w in report.warnings] == ["clock-skew"]
    assert "ahead of OKX's" in report.warnings[0].message
    assert [r.code for r in sim.requests if r.path == CONFIG] == ["0"]


async def test_withdraw_permission_is_refused(sim: Simulator) -> None:
    steps = Steps()
    report = await check(sim, SAMPLE["withdraw"], steps=steps)
    assert not report.ok
    assert report.error is not None
    assert report.error.kind == "permission"
    assert "Withdraw" in report.error.message
    assert report.account is not None and "withdraw" in report.account.permissions
    assert steps.final["permissions"] == "failed"
    assert steps.final["balance"] == "ok"


async def test_withdraw_permission_allowed_on_purpose_is_still_warned(sim: Simulator) -> None:
    report = await check(sim, SAMPLE["withdraw"], intentions=Intentions(allow_withdraw=True))
    assert report.ok
    assert [w.code for w in report.warnings] == ["permission-mismatch"]
    assert "withdraw" in report.warnings[0].message


async def test_main_account_key(sim: Simulator) -> None:
    steps = Steps()
    report = await check(sim, SAMPLE["main"], steps=steps)
    assert report.ok
    codes = [w.code for w in report.warnings]
    assert codes == [
        "main-account",
        "account-mode-mismatch",
        "position-mode-mismatch",
        "no-ip-whitelist",
    ]
    by_code = {w.code: w.message for w in report.warnings}
    assert "not to a sub-account as planned" in by_code["main-account"]
    assert "“Multi-currency margin”" in by_code["account-mode-mismatch"]
    assert "“Futures mode”" in by_code["account-mode-mismatch"]
    assert "“Long/short (hedge)”" in by_code["position-mode-mismatch"]
    assert "“One-way”" in by_code["position-mode-mismatch"]
    assert "14 days" in by_code["no-ip-whitelist"]
    assert steps.final["sub_account"] == "warning"
    assert steps.final["modes"] == "warning"
    assert steps.final["ip"] == "warning"


async def test_main_account_by_choice_gets_a_gentler_warning(sim: Simulator) -> None:
    intended = Intentions(sub_account=False, acct_lv="3", position_mode="long_short_mode")
    report = await check(sim, SAMPLE["main"], intentions=intended)
    codes = [w.code for w in report.warnings]
    assert codes == ["main-account", "no-ip-whitelist"]
    assert "as you chose" in report.warnings[0].message


async def test_trade_key_without_ip_whitelist(sim: Simulator) -> None:
    key = replace(SAMPLE["good"], api_key=str(uuid.uuid4()), ip="")
    sim.add_key(key)
    report = await check(sim, key)
    assert report.ok
    assert [w.code for w in report.warnings] == ["no-ip-whitelist"]
    assert "deletes such keys after 14 days of inactivity" in report.warnings[0].message


async def test_demo_key_without_ip_whitelist_is_not_warned(sim: Simulator) -> None:
    report = await check(sim, SAMPLE["demo"], demo=True)
    assert report.ok
    assert report.warnings == []


async def test_read_only_key_for_portfolio_tracking(sim: Simulator) -> None:
    steps = Steps()
    intended = Intentions(use_case="read_only")
    report = await check(sim, SAMPLE["readonly"], intentions=intended, steps=steps)
    assert report.ok
    assert [w.code for w in report.warnings] == ["no-balance"]
    assert "Assets → Transfer" in report.warnings[0].message
    assert "USDT" in report.warnings[0].message
    assert steps.final["ip"] == "ok"
    assert steps.final["balance"] == "warning"


async def test_read_only_key_for_a_trading_bot_lacks_trade(sim: Simulator) -> None:
    report = await check(sim, SAMPLE["readonly"])
    assert report.error is not None
    assert report.error.kind == "permission"
    assert "lacks the Trade permission" in report.error.message


async def test_trade_key_for_portfolio_tracking_is_more_than_needed(sim: Simulator) -> None:
    report = await check(sim, SAMPLE["good"], intentions=Intentions(use_case="read_only"))
    assert report.ok
    assert [w.code for w in report.warnings] == ["permission-mismatch"]
    assert "untick Trade" in report.warnings[0].message


async def test_ip_not_whitelisted_names_the_ip(sim: Simulator) -> None:
    sim.public_ip = "198.51.100.23"
    steps = Steps()
    report = await check(sim, SAMPLE["good"], steps=steps)
    assert report.error is not None
    assert (report.error.kind, report.error.okx_code) == ("ip", "50110")
    assert "OKX sees this machine as 198.51.100.23" in report.error.cause
    assert "Add 198.51.100.23 to the key's IP whitelist" in report.error.fix
    assert "okx-wizard rebind PROFILE --ip 198.51.100.23" in report.error.fix
    assert steps.final["ip"] == "failed"
    assert steps.final["permissions"] == "skipped"


async def test_frozen_key(sim: Simulator) -> None:
    sim.key(SAMPLE["good"].api_key).frozen = True
    report = await check(sim, SAMPLE["good"])
    assert report.error is not None
    assert (report.error.kind, report.error.okx_code) == ("frozen", "50100")


# -- faults ---------------------------------------------------------------------------------------
async def test_server_error_once_then_success(sim: Simulator) -> None:
    sim.add_fault(Fault("status", path=CONFIG, status=500))
    report = await check(sim, SAMPLE["good"])
    assert report.ok, report.error
    assert [r.status for r in sim.requests if r.path == CONFIG] == [500, 200]


async def test_rate_limited_once_with_retry_after(sim: Simulator) -> None:
    sim.add_fault(Fault("status", path=CONFIG, status=429, retry_after=1))
    started = time.monotonic()
    report = await check(sim, SAMPLE["good"])
    assert report.ok, report.error
    assert time.monotonic() - started >= 0.95


async def test_html_page_instead_of_json(sim: Simulator) -> None:
    sim.add_fault(Fault("html", path=CONFIG, status=502, times=-1))
    steps = Steps()
    report = await check(sim, SAMPLE["good"], steps=steps)
    assert report.error is not None
    assert report.error.kind == "server"
    assert "HTTP 502" in report.error.message
    assert "<html>" not in report.error.message
    assert steps.final["reach"] == "ok"
    assert steps.final["signature"] == "failed"


async def test_broken_json(sim: Simulator) -> None:
    sim.add_fault(Fault("broken_json", path=CONFIG))
    report = await check(sim, SAMPLE["good"])
    assert report.error is not None
    assert report.error.kind == "server"


async def test_dropped_connection_is_retried(sim: Simulator) -> None:
    sim.add_fault(Fault("drop", path=CONFIG))
    report = await check(sim, SAMPLE["good"])
    assert report.ok, report.error


async def test_hanging_okx_is_bounded_by_the_timeout(sim: Simulator) -> None:
    sim.add_fault(Fault("hang", times=-1))
    steps = Steps()
    started = time.monotonic()
    report = await check(sim, SAMPLE["good"], timeout=1.0, steps=steps)
    elapsed = time.monotonic() - started
    assert report.error is not None
    assert report.error.kind == "network"
    assert elapsed < 1.6
    assert steps.final["reach"] == "failed"
    assert all(steps.final[s] == "skipped" for s in CHECK_STEPS[1:-1])


async def test_server_time_hanging_does_not_hold_the_check(
    sim: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verify, "TIME_GRACE_S", 0.3)
    sim.add_fault(Fault("hang", path=TIME, times=-1))
    steps = Steps()
    started = time.monotonic()
    report = await check(sim, SAMPLE["good"], steps=steps)
    assert report.ok, report.error
    assert report.clock_skew_ms is None
    assert time.monotonic() - started < 1.0
    assert steps.final["reach"] == "warning"
    assert "no answer within 0.3 s" in steps.detail("reach")


async def test_connection_refused() -> None:
    steps = Steps()
    endpoint = Endpoint("global", False, f"http://127.0.0.1:{free_port()}", True)
    report = await verify_key(creds_of(SAMPLE["good"]), endpoint, Intentions(), on_step=steps)
    assert report.error is not None
    assert report.error.kind == "network"
    assert "refused" in report.error.message
    assert steps.final["reach"] == "failed"


async def test_unresolvable_host() -> None:
    endpoint = Endpoint("global", False, "https://okx-wizard-test.invalid", True)
    report = await verify_key(creds_of(SAMPLE["good"]), endpoint, Intentions(), timeout=5)
    assert report.error is not None
    assert report.error.kind == "network"
    assert "resolve" in report.error.message


# -- the previous key -----------------------------------------------------------------------------
async def test_previous_key_still_active(sim: Simulator) -> None:
    old, new = SAMPLE["good"], SAMPLE["rotated"]
    steps = Steps()
    report = await check(sim, new, previous=creds_of(old), steps=steps)
    assert report.ok
    assert report.previous_key_active is True
    assert [w.code for w in report.warnings] == ["previous-key-active"]
    message = report.warnings[0].message
    assert "55b2…e9a8" in message and "SimGood" in message
    assert "https://www.okx.com/account/my-api" in message
    assert steps.final["previous"] == "warning"
    assert_clean(report, old)


async def test_previous_key_deleted(sim: Simulator) -> None:
    old, new = SAMPLE["good"], SAMPLE["rotated"]
    sim.delete_key(old.api_key)
    steps = Steps()
    report = await check(sim, new, previous=creds_of(old), steps=steps)
    assert report.ok
    assert report.previous_key_active is False
    assert report.warnings == []
    assert steps.final["previous"] == "ok"


async def test_previous_key_unknown_state(sim: Simulator) -> None:
    old, new = SAMPLE["good"], SAMPLE["rotated"]
    report = await check(sim, new, previous=creds_of(old, passphrase="Changed#Pass1"))
    assert report.ok
    assert report.previous_key_active is None


async def test_previous_key_checked_with_a_skewed_clock(sim: Simulator) -> None:
    sim.clock_offset_ms = -60_000
    old, new = SAMPLE["good"], SAMPLE["rotated"]
    report = await check(sim, new, previous=creds_of(old))
    assert report.ok, report.error
    assert report.previous_key_active is True
    assert sorted(w.code for w in report.warnings) == ["clock-skew", "previous-key-active"]


# -- speed ----------------------------------------------------------------------------------------
async def test_a_check_costs_about_one_round_trip(sim: Simulator) -> None:
    sim.latency_ms = 300
    started = time.monotonic()
    report = await check(sim, SAMPLE["rotated"], previous=creds_of(SAMPLE["good"]))
    elapsed = time.monotonic() - started
    assert report.ok, report.error
    assert elapsed <= 0.55
    starts = [r.time_started for r in sim.requests]
    assert len(starts) == 5  # time, config, balance, funding, previous key's config
    assert max(starts) - min(starts) < 0.15
