"""OKX's sub-account key API (main account only), with OKX's rules and codes (OKX.md).

The list and create-subaccount calls refuse a sub-account's key with 59604, the key calls with
59500. Write calls need Trade (50120) and an IP-bound caller key (50035); the routes add one
write request per second per user (50011). A created key works at once for signed requests.
"""

from __future__ import annotations

import copy
import ipaddress
import re
import secrets
import uuid
from typing import Any

from okx_wizard.core.simulator.codes import OkxError
from okx_wizard.core.simulator.model import SimKey, SubAccount
from okx_wizard.core.simulator.state import KEYS_PER_SUB_ACCOUNT, Call

MAX_IPS = 20
_NAME = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9]{6,20}")
_LABEL = re.compile(r"[A-Za-z0-9]{1,50}")
_PERMS = ("read_only", "trade", "withdraw")


def valid_passphrase(text: str) -> bool:
    """OKX's rule for passphrases of keys made by API: 8–32, digit, upper, lower, special."""
    return (
        8 <= len(text) <= 32
        and text.isprintable()
        and " " not in text
        and all(re.search(p, text) for p in (r"\d", r"[A-Z]", r"[a-z]", r"[^0-9A-Za-z]"))
    )


def _main_key(call: Call, code: str, write: bool) -> SimKey:
    key = call.caller
    if not key.is_main:
        raise OkxError(code)
    if write:
        if not key.can("trade"):
            raise OkxError("50120")
        if not key.ip.strip():
            raise OkxError("50035")
    return key


def _text(source: dict[str, Any], name: str, required: bool = True) -> str:
    value = source.get(name, "")
    value = "" if value is None else str(value)
    if required and not value:
        raise OkxError("50014", name)
    return value


def _body(call: Call) -> dict[str, Any]:
    if not isinstance(call.body, dict):
        raise OkxError("50002")
    return call.body


def _sub(call: Call, name: str) -> SubAccount:
    sub = call.state.sub_accounts.get(call.caller.main_uid, {}).get(name)
    if sub is None:
        raise OkxError("59510")
    return sub


def _sub_row(sub: SubAccount) -> dict[str, Any]:
    return {
        "enable": sub.enable, "subAcct": sub.name, "type": sub.type, "label": sub.label,
        "mobile": "", "gAuth": False, "frozenFunc": [], "canTransOut": True,
        "ts": str(sub.created_ms), "uid": sub.uid, "subAcctLv": "1",
        "firstLvSubAcct": sub.name, "ifDma": False,
    }  # fmt: skip


def list_sub_accounts(call: Call) -> list[dict[str, Any]]:
    """GET /api/v5/users/subaccount/list (``enable``, ``subAcct``, ``limit`` filters)."""
    key = _main_key(call, "59604", write=False)
    enable, name = call.query.get("enable", ""), call.query.get("subAcct", "")
    try:
        limit = min(max(int(call.query.get("limit", "100") or "100"), 1), 100)
    except ValueError:
        raise OkxError("51000", "limit") from None
    subs = sorted(call.state.sub_accounts.get(key.main_uid, {}).values(),
                  key=lambda s: s.created_ms, reverse=True)  # fmt: skip
    rows = [
        _sub_row(sub) for sub in subs
        if (not name or sub.name == name)
        and (not enable or str(sub.enable).lower() == enable.lower())
    ]  # fmt: skip
    return rows[:limit]


def create_sub_account(call: Call) -> list[dict[str, Any]]:
    """POST /api/v5/users/subaccount/create-subaccount: ``subAcct``, ``type`` 1, ``label``."""
    key = _main_key(call, "59604", write=True)
    body = _body(call)
    name, kind = _text(body, "subAcct"), _text(body, "type")
    label = _text(body, "label")
    if not _NAME.fullmatch(name):
        raise OkxError("51000", "subAcct")
    if kind != "1":
        raise OkxError("51000", "type")
    if len(label) > 50:
        raise OkxError("51000", "label")
    state = call.state
    if any(name in subs for subs in state.sub_accounts.values()):
        raise OkxError("59601")
    mine = state.sub_accounts.setdefault(key.main_uid, {})
    if len(mine) >= state.sub_account_limit:
        raise OkxError("59603")
    sub = SubAccount(name, state.next_id(), key.main_uid, label=label, type=kind,
                     created_ms=state.now_ms())  # fmt: skip
    mine[name] = sub
    return [{"subAcct": sub.name, "label": sub.label, "uid": sub.uid, "ts": str(sub.created_ms)}]


def _perm(value: str) -> str:
    """Normalised ``perm`` ("read_only" always in); withdraw is refused with 59504."""
    asked = [p.strip() for p in value.split(",") if p.strip()]
    for perm in asked:
        if perm not in _PERMS:
            raise OkxError("51000", "perm")
    if "withdraw" in asked:
        raise OkxError("59504")
    return "read_only,trade" if "trade" in asked else "read_only"


def _ips(value: str) -> str:
    entries = [e.strip() for e in value.replace(" ", ",").split(",") if e.strip()]
    if len(entries) > MAX_IPS:
        raise OkxError("59503")
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise OkxError("51000", "ip") from None
    return ",".join(entries)


def _label(value: str, sub_keys: list[SimKey], except_key: str = "") -> str:
    if not _LABEL.fullmatch(value):
        raise OkxError("51000", "label")
    if any(k.label == value and k.api_key != except_key for k in sub_keys):
        raise OkxError("59502")
    return value


def _key_row(key: SimKey) -> dict[str, Any]:
    return {"label": key.label, "apiKey": key.api_key, "perm": key.perm, "ip": key.ip,
            "ts": str(key.created_ms)}  # fmt: skip


def create_key(call: Call) -> list[dict[str, Any]]:
    """POST /api/v5/users/subaccount/apikey: the answer carries the secret and passphrase."""
    caller = _main_key(call, "59500", write=True)
    body, state = _body(call), call.state
    sub = _sub(call, _text(body, "subAcct"))
    sub_keys = state.sub_account_keys(sub, caller.demo)
    label = _label(_text(body, "label"), sub_keys)
    passphrase = _text(body, "passphrase")
    if not valid_passphrase(passphrase):
        raise OkxError("59505")
    perm, ip = _perm(_text(body, "perm", required=False)), _ips(_text(body, "ip", False))
    if len(sub_keys) >= KEYS_PER_SUB_ACCOUNT:
        raise OkxError("59501")
    siblings = state.account_keys(sub.uid, caller.demo)
    model = siblings[0] if siblings else None
    key = SimKey(
        str(uuid.uuid4()), secrets.token_hex(16).upper(), passphrase, region=caller.region,
        demo=caller.demo, uid=sub.uid, main_uid=sub.main_uid, account_type=sub.type,
        acct_lv=model.acct_lv if model else "2", pos_mode=model.pos_mode if model else "net_mode",
        perm=perm, ip=ip, label=label, total_eq=model.total_eq if model else "0",
        trading=copy.deepcopy(model.trading) if model else [],
        funding=copy.deepcopy(model.funding) if model else [],
        sub_account=sub.name, created_ms=state.now_ms(),
    )  # fmt: skip
    state.keys[key.api_key] = key
    return [{"subAcct": sub.name, "label": label, "apiKey": key.api_key,
             "secretKey": key.secret_key, "passphrase": passphrase, "perm": perm, "ip": ip,
             "ts": str(key.created_ms)}]  # fmt: skip


def _sub_key(call: Call, sub: SubAccount, api_key: str) -> SimKey:
    key = call.state.keys.get(api_key)
    if key is None or key.uid != sub.uid or key.main_uid != sub.main_uid:
        raise OkxError("59506")
    if key.demo != call.caller.demo:
        raise OkxError("59506")
    return key


def get_keys(call: Call) -> list[dict[str, Any]]:
    """GET /api/v5/users/subaccount/apikey: ``subAcct`` (+ ``apiKey``); no secrets."""
    caller = _main_key(call, "59500", write=False)
    sub = _sub(call, _text(call.query, "subAcct"))
    api_key = call.query.get("apiKey", "")
    if api_key:
        return [_key_row(_sub_key(call, sub, api_key))]
    return [_key_row(k) for k in call.state.sub_account_keys(sub, caller.demo)]


def modify_key(call: Call) -> list[dict[str, Any]]:
    """POST /api/v5/users/subaccount/modify-apikey: ``label``, ``perm``, ``ip`` ("" unbinds)."""
    caller = _main_key(call, "59500", write=True)
    body = _body(call)
    sub = _sub(call, _text(body, "subAcct"))
    key = _sub_key(call, sub, _text(body, "apiKey"))
    sub_keys = call.state.sub_account_keys(sub, caller.demo)
    label = _label(str(body["label"]), sub_keys, key.api_key) if body.get("label") else key.label
    perm = _perm(str(body["perm"])) if body.get("perm") else key.perm
    ip = _ips(str(body["ip"] or "")) if "ip" in body else key.ip
    key.label, key.perm, key.ip = label, perm, ip
    return [{"subAcct": sub.name} | _key_row(key)]


def delete_key(call: Call) -> list[dict[str, Any]]:
    """POST /api/v5/users/subaccount/delete-apikey: the key then answers 50119."""
    _main_key(call, "59500", write=True)
    body = _body(call)
    sub = _sub(call, _text(body, "subAcct"))
    key = _sub_key(call, sub, _text(body, "apiKey"))
    del call.state.keys[key.api_key]
    return [{"subAcct": sub.name}]
