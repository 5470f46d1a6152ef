"""The sample keys and sub-accounts: stable names and values that docs and users refer to.

Keep every name and value as it is; add new samples at the end.
"""

from __future__ import annotations

from typing import Any

from okx_wizard.core.simulator.model import SimKey, SubAccount


def _sample(name: str, api_key: str, secret: str, passphrase: str, **account: Any) -> SimKey:
    return SimKey(api_key, secret, passphrase, **({"label": f"Sim{name.title()}"} | account))


# The sample accounts, all live unless said: good (global sub-account, read_only+trade, bound to
# 203.0.113.7, 125.5 USDT), demo (demo-trading key), eea (region eea), withdraw (also withdraw),
# main (the main account, trade, no IP), readonly (read-only sub-account, no IP, empty), rotated
# (a second good key on good's sub-account, for rotation), admin (the main account's admin key
# for the sub-account key API: read_only+trade, bound to 203.0.113.7 and 127.0.0.1), tr (region
# tr, OKX TR, a sub-account key like good).
_GOOD_UID, _MAIN_UID = "448300000000000101", "448300000000000001"
_EEA_MAIN_UID, _TR_MAIN_UID = "448300000000000002", "448300000000000003"
_USDT = [{"ccy": "USDT", "eq": "125.5", "eqUsd": "125.5"}]
_MAIN_TRADING = [{"ccy": "BTC", "eq": "0.5", "eqUsd": "30000"},
                 {"ccy": "USDT", "eq": "1000", "eqUsd": "1000"}]  # fmt: skip
_MAIN_FUNDING = [{"ccy": "USDT", "bal": "250", "availBal": "200", "frozenBal": "50"}]
SAMPLE: dict[str, SimKey] = {
    "good": _sample(
        "good", "55b271b5-a561-5dac-8d40-ed83af31e9a8", "BE0744DE60107C959F56170A01E4BE21",
        "Good#Sim2024", uid=_GOOD_UID, ip="203.0.113.7", total_eq="125.5", trading=_USDT,
        funding=[{"ccy": "USDT", "bal": "20"}, {"ccy": "BTC", "bal": "0"}],
        sub_account="SimGood01",
    ),
    "demo": _sample(
        "demo", "b3650e48-9922-56bf-9318-d87f05bbce41", "9F9347B2B793F60E9C3EA6C0866C9198",
        "Demo@Sim2024", demo=True, uid="448300000000000102", total_eq="5000",
        trading=[{"ccy": "USDT", "eq": "5000", "eqUsd": "5000"}], sub_account="SimDemo01",
    ),
    "eea": _sample(
        "eea", "315a3c85-7c68-5535-bfe7-6f8f50cac637", "52EE94169E12741B744095091F2A438F",
        "Eea_Sim#2024", region="eea", uid="448300000000000201", main_uid=_EEA_MAIN_UID,
        ip="203.0.113.7", total_eq="80", trading=[{"ccy": "EUR", "eq": "75", "eqUsd": "80"}],
        sub_account="SimEea01",
    ),
    "withdraw": _sample(
        "withdraw", "8f2fa089-d9ad-5dda-805f-9e5668bf247c", "8CD996A8B8C77DDAEA086A66604243BE",
        "Withdraw%Sim24", uid="448300000000000103", perm="read_only,trade,withdraw",
        ip="203.0.113.7", total_eq="125.5", trading=_USDT, sub_account="SimWithdraw01",
    ),
    "main": _sample(
        "main", "e48a1c51-e8f5-5530-b143-4dcaa2e91a3d", "F8E2A21335C70C22D77A5BF8F4A0E443",
        "Main+Sim2024", uid=_MAIN_UID, account_type="0", acct_lv="3", pos_mode="long_short_mode",
        total_eq="31000", trading=_MAIN_TRADING, funding=_MAIN_FUNDING,
    ),
    "readonly": _sample(
        "readonly", "33a41061-3abe-5100-bac1-a7ef5f497e27", "53ADF63A39C7B8E94A1CA9032E910D94",
        "Read.Only#24", uid="448300000000000104", perm="read_only", sub_account="SimReadOnly01",
    ),
    "rotated": _sample(
        "rotated", "a8fa2c05-0326-5901-9f9f-62ed13a96d82", "CDE7E09AB926D3D85E060A308BA721AE",
        "Rotated@Sim24", uid=_GOOD_UID, ip="203.0.113.7", total_eq="125.5", trading=_USDT,
        sub_account="SimGood01",
    ),
    "admin": _sample(
        "admin", "80237be0-fede-5f01-a3f9-e270f5389447", "7BDE82A90B9FCE954C0517F9D4248C09",
        "Admin#Sim2026", uid=_MAIN_UID, account_type="0", acct_lv="3",
        pos_mode="long_short_mode", ip="203.0.113.7,127.0.0.1", total_eq="31000",
        trading=_MAIN_TRADING, funding=_MAIN_FUNDING,
    ),
    "tr": _sample(
        "tr", "b8b22041-2ecb-5b55-bb5d-18dc01ee85d0", "5DDA98156BE268698A888F94E9BBC07C",
        "Tr.Sim#2026", region="tr", uid="448300000000000301", main_uid=_TR_MAIN_UID,
        ip="203.0.113.7", total_eq="200", trading=[{"ccy": "USDT", "eq": "200", "eqUsd": "200"}],
        sub_account="SimTr01",
    ),
}  # fmt: skip
SAMPLE_KEYS: tuple[SimKey, ...] = tuple(SAMPLE.values())


def sample_sub_accounts(keys: tuple[SimKey, ...] | list[SimKey]) -> list[SubAccount]:
    """The sub-accounts the given keys name (one per name and main account)."""
    seen: dict[tuple[str, str], SubAccount] = {}
    for key in keys:
        if key.sub_account and not key.is_main:
            seen.setdefault(
                (key.main_uid, key.sub_account),
                SubAccount(key.sub_account, key.uid, key.main_uid, label=key.sub_account),
            )
    return list(seen.values())
