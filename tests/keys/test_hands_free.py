"""create, rotate --auto and rebind against the simulator, which follows OKX's documented rules."""

from __future__ import annotations

from datetime import timedelta

import pytest

from okx_wizard.core.api import Workspace
from okx_wizard.core.client import OkxClient
from okx_wizard.core.errors import UsageError, WizardError
from okx_wizard.core.hands_free import HandsFree, old_key_refused
from okx_wizard.core.metadata import utc_now
from okx_wizard.core.simulator import SAMPLE, Fault, ManualClock, Simulator

from .conftest import creds_of

SUB = "SimGood01"


async def _create(hands: HandsFree, name: str = "bot", **options: object) -> object:
    settings: dict[str, object] = {"sub_account": SUB, "ips": ["203.0.113.7"], "now": utc_now()}
    settings.update(options)
    return await hands.create(name, **settings)  # type: ignore[arg-type]


async def test_create_makes_a_verified_least_privilege_ip_bound_key(
    hands: HandsFree, ws: Workspace, sim: Simulator, steps: list[tuple[str, str, str]]
) -> None:
    result = await _create(hands, permission="trade")
    assert result.ok, result.to_json()  # type: ignore[attr-defined]
    meta = ws.require("bot")
    assert meta.intentions.sub_account_name == SUB
    stored = ws.credentials("bot")
    on_okx = sim.key(stored.api_key)
    assert (on_okx.perm, on_okx.ip, on_okx.sub_account) == ("read_only,trade", "203.0.113.7", SUB)
    assert stored.secret_key.reveal() == on_okx.secret_key
    assert ws.pending_names() == []  # pending became active
    assert [s for s, status, _ in steps if status == "ok"] == ["create", "verify", "activate"]


async def test_create_stores_the_key_as_pending_before_verifying_it(
    hands: HandsFree, ws: Workspace, sim: Simulator
) -> None:
    frozen = Fault("okx_error", "/api/v5/account/config", times=-1, code="50100")
    sim.add_fault(frozen)  # the new key's first signed request: "API frozen"
    result = await _create(hands)
    assert not result.ok  # type: ignore[attr-defined]
    assert result.report.error.okx_code == "50100"  # type: ignore[attr-defined]
    assert ws.profile("bot") is None
    pending = ws.pending("bot")
    assert pending is not None and pending[0] is not None
    assert sim.key(pending[0].api_key).sub_account == SUB  # the key OKX made is not lost


async def test_create_a_read_only_key_in_a_new_sub_account(
    hands: HandsFree, ws: Workspace, sim: Simulator
) -> None:
    result = await _create(
        hands, "tracker", sub_account="Tracker2026", new_sub_account=True, permission="read_only"
    )
    assert result.ok, result.to_json()  # type: ignore[attr-defined]
    assert sim.key(ws.credentials("tracker").api_key).perm == "read_only"
    assert ws.require("tracker").intentions.use_case == "read_only"


async def test_create_refuses_an_existing_profile_before_asking_okx(
    hands: HandsFree, sim: Simulator
) -> None:
    await _create(hands)
    before = len(sim.state.keys)
    with pytest.raises(UsageError, match="exists already"):
        await _create(hands)
    assert len(sim.state.keys) == before


async def test_rotate_deletes_the_old_key_only_after_the_new_one_works_and_proves_it_gone(
    hands: HandsFree, ws: Workspace, sim: Simulator, steps: list[tuple[str, str, str]]
) -> None:
    await _create(hands)
    old = ws.credentials("bot")
    steps.clear()
    result = await hands.rotate("bot", now=utc_now() + timedelta(seconds=5))
    assert result.ok, result.to_json()
    new = ws.credentials("bot")
    assert new.api_key != old.api_key and new.passphrase != old.passphrase
    assert result.old_key_deleted and result.old_key_refused
    with pytest.raises(KeyError):
        sim.key(old.api_key)
    order = [s for s, status, _ in steps if status == "ok"]
    assert order.index("verify") < order.index("swap") < order.index("delete_old")
    assert order[-2:] == ["old_refused", "erase"]
    meta = ws.require("bot")
    assert meta.previous_key_hint is None
    assert ws.secrets(meta.storage).get("bot", "previous") is None
    assert result.keys_on_okx == [new.hint]
    assert sim.key(new.api_key).ip == "203.0.113.7"  # the profile's settings carried over


async def test_a_new_key_that_fails_verification_is_deleted_and_the_old_one_kept(
    hands: HandsFree, ws: Workspace, sim: Simulator
) -> None:
    await _create(hands)
    old = ws.credentials("bot")
    sim.add_fault(Fault("okx_error", "/api/v5/account/config", times=-1, code="50100"))
    result = await hands.rotate("bot", now=utc_now() + timedelta(seconds=5))
    assert not result.ok
    assert ws.credentials("bot") == old
    assert sim.key(old.api_key)  # still on OKX, still the profile's key
    assert result.keys_on_okx == [old.hint]
    assert (
        len(sim.state.sub_account_keys(sim.sub_account(SAMPLE["good"].main_uid, SUB), False)) == 3
    )


async def test_a_failed_delete_leaves_a_working_key_and_says_which_keys_exist(
    hands: HandsFree, ws: Workspace, sim: Simulator
) -> None:
    await _create(hands)
    old = ws.credentials("bot")
    sim.add_fault(Fault("okx_error", "/api/v5/users/subaccount/delete-apikey", -1, code="50026"))
    result = await hands.rotate("bot", now=utc_now() + timedelta(seconds=5))
    assert not result.ok
    assert result.error is not None and old.hint in result.error.cause
    new = ws.credentials("bot")
    assert new.api_key != old.api_key
    assert sorted(result.keys_on_okx) == sorted([old.hint, new.hint])
    assert ws.secrets(ws.require("bot").storage).get("bot", "previous") == old


async def test_rotate_needs_a_known_sub_account(hands: HandsFree, ws: Workspace) -> None:
    await _create(hands)
    meta = ws.require("bot")
    meta.intentions.sub_account_name = ""
    ws.meta.save(meta)
    with pytest.raises(UsageError, match="no known sub-account"):
        await hands.rotate("bot", now=utc_now())


async def test_rebind_changes_the_ips_and_checks_what_okx_reports(
    hands: HandsFree, ws: Workspace, sim: Simulator
) -> None:
    await _create(hands)
    result = await hands.rebind("bot", ["203.0.113.7", "198.51.100.0/24"])
    assert result.ok, result.to_json()
    assert sim.key(ws.credentials("bot").api_key).ip == "203.0.113.7,198.51.100.0/24"
    assert ws.require("bot").intentions.ip_whitelist == ["203.0.113.7", "198.51.100.0/24"]


async def test_writes_are_paced_to_one_per_second(
    hands: HandsFree, clock: ManualClock, sim: Simulator
) -> None:
    start = clock()
    await _create(hands)
    await hands.rotate("bot", now=utc_now() + timedelta(seconds=5))
    # create, create, delete: three writes, each at least a second after the one before; the
    # simulator enforces OKX's limit, so a pacing bug would have failed with 50011 above.
    assert clock() - start >= 2.0
    writes = [r for r in sim.requests if r.method == "POST"]
    assert len(writes) == 3


async def test_old_key_refused_is_false_while_the_key_works(sim: Simulator) -> None:
    from okx_wizard.core.models import Endpoint

    async with OkxClient(Endpoint("global", False, sim.urls["global"]), timeout=10) as client:
        assert not await old_key_refused(client, creds_of(SAMPLE["good"]))
        sim.delete_key(SAMPLE["good"].api_key)
        assert await old_key_refused(client, creds_of(SAMPLE["good"]))


async def test_a_sub_account_key_cannot_act_as_admin(ws: Workspace, sim: Simulator) -> None:
    from okx_wizard.core.admin import verify_admin
    from okx_wizard.core.models import Endpoint

    endpoint = Endpoint("global", False, sim.urls["global"])
    report = await verify_admin(ws, creds_of(SAMPLE["good"]), endpoint)
    assert not report.ok and report.error is not None and report.error.okx_code == "59500"
    report = await verify_admin(ws, creds_of(SAMPLE["main"]), endpoint)  # main, but no IP
    assert not report.ok and report.error is not None and report.error.kind == "ip"
    report = await verify_admin(ws, creds_of(SAMPLE["admin"]), endpoint)
    assert report.ok, report.to_json()


def test_wizard_error_from_a_refused_write_keeps_okx_code() -> None:
    error = WizardError.from_okx("59502")
    assert error.okx_code == "59502" and error.fix


def _spot_mode_sub_account(sim: Simulator) -> None:
    for key in sim.state.keys.values():
        if key.sub_account == SUB:
            key.acct_lv, key.pos_mode = "1", "long_short_mode"


async def test_a_mode_mismatch_is_offered_not_changed_without_fix_modes(
    hands: HandsFree, ws: Workspace, sim: Simulator
) -> None:
    _spot_mode_sub_account(sim)
    result = await _create(hands)
    assert result.ok  # type: ignore[attr-defined]
    codes = {w.code for w in result.report.warnings}  # type: ignore[attr-defined]
    assert "account-mode-mismatch" in codes
    assert any("--fix-modes" in note for note in result.notes)  # type: ignore[attr-defined]
    assert sim.key(ws.credentials("bot").api_key).acct_lv == "1"


async def test_fix_modes_sets_the_planned_modes_with_the_new_key(
    hands: HandsFree, ws: Workspace, sim: Simulator
) -> None:
    _spot_mode_sub_account(sim)
    result = await _create(hands, fix_modes=True)
    assert result.ok  # type: ignore[attr-defined]
    codes = {w.code for w in result.report.warnings}  # type: ignore[attr-defined]
    assert not codes & {"account-mode-mismatch", "position-mode-mismatch"}
    key = sim.key(ws.credentials("bot").api_key)
    assert (key.acct_lv, key.pos_mode) == ("2", "net_mode")
    assert ws.require("bot").reported["acct_lv"] == "2"  # type: ignore[index]
