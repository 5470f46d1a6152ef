"""OKX's sub-account key API on the simulator: every rule and code of OKX.md, and keys that work."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from okx_wizard.core.simulator import SAMPLE, ManualClock, SimKey, Simulator
from tests.sim.support import answer, call, variant

LIST, CREATE_SUB = "/api/v5/users/subaccount/list", "/api/v5/users/subaccount/create-subaccount"
APIKEY, MODIFY = "/api/v5/users/subaccount/apikey", "/api/v5/users/subaccount/modify-apikey"
DELETE, CONFIG = "/api/v5/users/subaccount/delete-apikey", "/api/v5/account/config"
ADMIN = SAMPLE["admin"]
PASS = "Bot#Pass2026"


def new_key(client: httpx.Client, sim: Simulator, **fields: Any) -> httpx.Response:
    body = {"subAcct": "SimGood01", "label": "bot2", "passphrase": PASS, "perm": "trade",
            "ip": "198.51.100.4"} | fields  # fmt: skip
    return call(client, sim, ADMIN, "POST", APIKEY, body)


def as_key(row: dict[str, str], region: str = "global") -> SimKey:
    return SimKey(row["apiKey"], row["secretKey"], row["passphrase"], region=region)


def test_the_admin_sample_is_a_main_account_key_bound_to_this_ip() -> None:
    assert ADMIN.is_main and ADMIN.perm == "read_only,trade" and "withdraw" not in ADMIN.perm
    assert "127.0.0.1" in ADMIN.ip.split(",") and "203.0.113.7" in ADMIN.ip.split(",")
    assert ADMIN.uid == SAMPLE["main"].uid


def test_list_sub_accounts(sim: Simulator, client: httpx.Client) -> None:
    rows = answer(call(client, sim, ADMIN, "GET", LIST))["data"]
    by_name = {row["subAcct"]: row for row in rows}
    assert {"SimGood01", "SimReadOnly01", "SimWithdraw01"} <= set(by_name)
    assert "SimEea01" not in by_name  # another main account's
    good = by_name["SimGood01"]
    assert (good["uid"], good["type"], good["enable"]) == (SAMPLE["good"].uid, "1", True)
    assert all(re.fullmatch(r"\d{13}", row["ts"]) for row in rows)
    one = answer(call(client, sim, SAMPLE["main"], "GET", LIST + "?subAcct=SimGood01"))["data"]
    assert [row["subAcct"] for row in one] == ["SimGood01"]  # Read: no IP needed


@pytest.mark.parametrize(("method", "path"), [("GET", LIST), ("POST", CREATE_SUB)])
def test_sub_account_calls_refuse_a_sub_account_key_59604(
    sim: Simulator, client: httpx.Client, method: str, path: str
) -> None:
    body = {"subAcct": "NewSub01", "type": "1", "label": "x"} if method == "POST" else None
    answer(call(client, sim, SAMPLE["good"], method, path, body), "59604")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("GET", APIKEY + "?subAcct=SimGood01", None),
     ("POST", APIKEY, {"subAcct": "SimGood01", "label": "x1", "passphrase": PASS}),
     ("POST", MODIFY, {"subAcct": "SimGood01", "apiKey": SAMPLE["good"].api_key, "ip": ""}),
     ("POST", DELETE, {"subAcct": "SimGood01", "apiKey": SAMPLE["good"].api_key})],
)  # fmt: skip
def test_key_calls_refuse_a_sub_account_key_59500(
    sim: Simulator, client: httpx.Client, method: str, path: str, body: Any
) -> None:
    answer(call(client, sim, SAMPLE["good"], method, path, body), "59500")


@pytest.mark.parametrize("path", [CREATE_SUB, APIKEY, MODIFY, DELETE])
def test_write_calls_need_trade_and_an_ip_bound_key(
    sim: Simulator, client: httpx.Client, path: str
) -> None:
    body = {"subAcct": "SimGood01", "apiKey": SAMPLE["good"].api_key, "type": "1"}
    read_only = variant("admin", perm="read_only")
    sim.add_key(read_only)
    answer(call(client, sim, read_only, "POST", path, body), "50120")
    answer(call(client, sim, SAMPLE["main"], "POST", path, body), "50035", status=403)
    assert SAMPLE["good"].api_key in sim.state.keys


def test_create_sub_account_and_its_name_rules(sim: Simulator, client: httpx.Client) -> None:
    body = {"subAcct": "Trader2026", "type": "1", "label": "desk"}
    [made] = answer(call(client, sim, ADMIN, "POST", CREATE_SUB, body))["data"]
    assert (made["subAcct"], made["label"]) == ("Trader2026", "desk") and made["uid"].isdigit()
    answer(call(client, sim, ADMIN, "POST", CREATE_SUB, body), "59601")
    for bad in ("Short", "A" * 21, "has_underscore", "with space", "123456"):
        answer(call(client, sim, ADMIN, "POST", CREATE_SUB, body | {"subAcct": bad}), "51000")
    answer(call(client, sim, ADMIN, "POST", CREATE_SUB, {"type": "1", "label": "x"}), "50014")
    listed = answer(call(client, sim, ADMIN, "GET", LIST + "?subAcct=Trader2026"))["data"]
    assert listed[0]["uid"] == made["uid"]
    sim.sub_account_limit = len(sim.state.sub_accounts[ADMIN.main_uid])
    answer(call(client, sim, ADMIN, "POST", CREATE_SUB, body | {"subAcct": "Another01"}), "59603")


def test_created_key_works_then_is_gone_after_delete(sim: Simulator, client: httpx.Client) -> None:
    [row] = answer(new_key(client, sim, ip="203.0.113.7,198.51.100.4"))["data"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                        row["apiKey"])  # fmt: skip
    assert re.fullmatch(r"[0-9A-F]{32}", row["secretKey"]) and row["passphrase"] == PASS
    assert (row["subAcct"], row["label"], row["perm"]) == ("SimGood01", "bot2", "read_only,trade")
    key = as_key(row)
    config = answer(call(client, sim, key, "GET", CONFIG))["data"][0]
    assert (config["uid"], config["mainUid"]) == (SAMPLE["good"].uid, ADMIN.main_uid)
    assert (config["perm"], config["ip"], config["label"]) == (
        "read_only,trade", "203.0.113.7,198.51.100.4", "bot2")  # fmt: skip
    balance = answer(call(client, sim, key, "GET", "/api/v5/account/balance"))["data"][0]
    assert balance["totalEq"] == "125.5"  # the sub-account's money
    listed = answer(call(client, sim, ADMIN, "GET", APIKEY + "?subAcct=SimGood01"))["data"]
    assert row["apiKey"] in {k["apiKey"] for k in listed}
    assert all("secretKey" not in k and "passphrase" not in k for k in listed)
    gone = {"subAcct": "SimGood01", "apiKey": row["apiKey"]}
    assert answer(call(client, sim, ADMIN, "POST", DELETE, gone))["data"] == [
        {"subAcct": "SimGood01"}]  # fmt: skip
    answer(call(client, sim, key, "GET", CONFIG), "50119")
    answer(call(client, sim, ADMIN, "POST", DELETE, gone), "59506")


def test_modify_changes_what_config_reports(sim: Simulator, client: httpx.Client) -> None:
    [row] = answer(new_key(client, sim, ip="203.0.113.7"))["data"]
    key = as_key(row)
    change = {"subAcct": "SimGood01", "apiKey": row["apiKey"], "ip": "203.0.113.0/24,10.1.1.1"}
    [changed] = answer(call(client, sim, ADMIN, "POST", MODIFY, change))["data"]
    assert changed["ip"] == "203.0.113.0/24,10.1.1.1" and changed["label"] == "bot2"
    assert answer(call(client, sim, key, "GET", CONFIG))["data"][0]["ip"] == changed["ip"]
    answer(call(client, sim, ADMIN, "POST", MODIFY, change | {"ip": "", "perm": "read_only"}))
    config = answer(call(client, sim, key, "GET", CONFIG))["data"][0]
    assert (config["ip"], config["perm"]) == ("", "read_only")
    taken = change | {"label": SAMPLE["good"].label}
    answer(call(client, sim, ADMIN, "POST", MODIFY, taken), "59502")


@pytest.mark.parametrize(
    "passphrase", ["Sh0rt#", "alllower#123", "ALLUPPER#123", "NoDigits#Here", "NoSpecial123",
                   "Way#Too1Long" * 3]
)  # fmt: skip
def test_passphrase_format_59505(sim: Simulator, client: httpx.Client, passphrase: str) -> None:
    answer(new_key(client, sim, passphrase=passphrase), "59505")


@pytest.mark.parametrize(
    ("fields", "code"),
    [({"label": SAMPLE["good"].label}, "59502"), ({"label": "x" * 51}, "51000"),
     ({"label": "with space"}, "51000"), ({"perm": "read_only,trade,withdraw"}, "59504"),
     ({"perm": "admin"}, "51000"),
     ({"ip": ",".join(f"10.0.0.{i}" for i in range(21))}, "59503"),
     ({"ip": "not-an-ip"}, "51000"), ({"subAcct": "NoSuchSub01"}, "59510"),
     ({"subAcct": "SimEea01"}, "59510")],
)  # fmt: skip
def test_create_key_rules(
    sim: Simulator, client: httpx.Client, fields: dict[str, str], code: str
) -> None:
    before = len(sim.state.keys)
    answer(new_key(client, sim, **fields), code)
    assert len(sim.state.keys) == before


def test_twenty_ips_and_fifty_keys_are_the_limits(sim: Simulator, client: httpx.Client) -> None:
    twenty = ",".join(f"10.0.0.{i}" for i in range(20))
    answer(new_key(client, sim, ip=twenty, label="twenty"))
    have = len(sim.state.sub_account_keys(sim.sub_account(ADMIN.main_uid, "SimGood01"), False))
    for index in range(50 - have):
        answer(new_key(client, sim, label=f"k{index}"))
    answer(new_key(client, sim, label="fiftyone"), "59501")


def test_unknown_keys_and_sub_accounts(sim: Simulator, client: httpx.Client) -> None:
    stranger = {"subAcct": "SimGood01", "apiKey": "00000000-0000-4000-8000-000000000000"}
    for path in (MODIFY, DELETE):
        answer(call(client, sim, ADMIN, "POST", path, stranger | {"ip": ""}), "59506")
    other = {"subAcct": "SimReadOnly01", "apiKey": SAMPLE["good"].api_key}  # not its key
    answer(call(client, sim, ADMIN, "POST", DELETE, other), "59506")
    answer(call(client, sim, ADMIN, "GET", APIKEY + f"?subAcct=SimGood01&apiKey={'0' * 8}"),
           "59506")  # fmt: skip
    answer(call(client, sim, ADMIN, "GET", APIKEY + "?subAcct=Nobody01"), "59510")


def test_one_write_per_second_and_ts_from_the_clock(
    limited: Simulator, clock: ManualClock, client: httpx.Client
) -> None:
    clock.now = 1_700_000_000.0
    [first] = answer(new_key(client, limited, label="first"))["data"]
    assert first["ts"] == "1700000000000"
    refused = new_key(client, limited, label="second")
    answer(refused, "50011", status=429)
    answer(call(client, limited, ADMIN, "GET", LIST))  # reads have their own limit
    clock.advance(1)
    [second] = answer(new_key(client, limited, label="second"))["data"]
    assert second["ts"] == "1700000001000"
    clock.advance(86_400 * 100)  # a hundred days later, for an audit
    listed = answer(call(client, limited, ADMIN, "GET", APIKEY + "?subAcct=SimGood01"))["data"]
    ts = {row["label"]: int(row["ts"]) for row in listed}
    assert ts["first"] == 1_700_000_000_000 and ts["second"] == 1_700_000_001_000
    limited.key(first["apiKey"]).created_ms = 1_600_000_000_000  # or set a key's age directly
    one = APIKEY + f"?subAcct=SimGood01&apiKey={first['apiKey']}"
    row = answer(call(client, limited, ADMIN, "GET", one))["data"][0]
    assert row["ts"] == "1600000000000"
