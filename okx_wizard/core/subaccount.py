"""OKX's sub-account key API, called with the main account's *admin key* (OKX.md, SPEC §9).

Typed calls over :class:`~okx_wizard.core.client.OkxClient`: list sub-accounts, create one,
create / list / modify / delete a sub-account's keys. OKX allows one write request per second per
user: writes are paced here, and a 50011 (rate limit) answer to a write is retried with backoff
(OKX refused it, so nothing was done and a retry cannot create a second key).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from okx_wizard.core.errors import WizardError
from okx_wizard.core.secret import Credentials, Secret, key_hint

if TYPE_CHECKING:
    from okx_wizard.core.client import OkxClient

SUBACCOUNT_LIST = "/api/v5/users/subaccount/list"
SUBACCOUNT_CREATE = "/api/v5/users/subaccount/create-subaccount"
APIKEY = "/api/v5/users/subaccount/apikey"
APIKEY_MODIFY = "/api/v5/users/subaccount/modify-apikey"
APIKEY_DELETE = "/api/v5/users/subaccount/delete-apikey"
SET_ACCOUNT_LEVEL = "/api/v5/account/set-account-level"
SET_POSITION_MODE = "/api/v5/account/set-position-mode"

# OKX: write endpoints of the sub-account API allow 1 request per second per user.
WRITE_INTERVAL_S = 1.0
# 50011 (rate limit) on a write: tries in all, and the first backoff in seconds (doubling).
WRITE_TRIES = 4
WRITE_BACKOFF_S = 1.0

Sleep = Callable[[float], Awaitable[None]]


def _split(value: Any) -> list[str]:
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


def _created(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(str(value)) / 1000, UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


@dataclass(frozen=True, slots=True)
class SubAccount:
    """One sub-account as ``/users/subaccount/list`` reports it."""

    name: str
    uid: str
    label: str
    enabled: bool


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """One sub-account key as OKX reports it: never its secret."""

    sub_account: str
    api_key: str
    label: str
    permissions: list[str] = field(default_factory=list)
    ip_whitelist: list[str] = field(default_factory=list)
    created_at: datetime | None = None

    @property
    def hint(self) -> str:
        return key_hint(self.api_key)

    @classmethod
    def from_row(cls, sub_account: str, row: dict[str, Any]) -> KeyInfo:
        return cls(
            sub_account=str(row.get("subAcct") or sub_account),
            api_key=str(row.get("apiKey") or ""),
            label=str(row.get("label") or ""),
            permissions=_split(row.get("perm")),
            ip_whitelist=_split(row.get("ip")),
            created_at=_created(row.get("ts")),
        )


@dataclass(frozen=True, slots=True)
class NewKey:
    """A key OKX has just created: what it reports, and the three values to store."""

    info: KeyInfo
    credentials: Credentials


class SubAccountApi:
    """The sub-account key API for one admin key; write calls paced to OKX's 1 per second."""

    def __init__(
        self,
        client: OkxClient,
        admin: Credentials,
        *,
        write_interval: float = WRITE_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.client = client
        self.admin = admin
        self.write_interval = write_interval
        self._clock = clock
        self._sleep = sleep
        self._last_write: float | None = None
        self._write_lock = asyncio.Lock()

    # -- reads --------------------------------------------------------------------------------
    async def list_subaccounts(self) -> list[SubAccount]:
        rows = await self.client.get(SUBACCOUNT_LIST, self.admin, {"limit": "100"})
        return [
            SubAccount(
                name=str(row.get("subAcct") or ""),
                uid=str(row.get("uid") or ""),
                label=str(row.get("label") or ""),
                enabled=row.get("enable") not in (False, "false"),
            )
            for row in rows
            if row.get("subAcct")
        ]

    async def list_keys(self, sub_account: str, api_key: str | None = None) -> list[KeyInfo]:
        params = {"subAcct": sub_account}
        if api_key:
            params["apiKey"] = api_key
        rows = await self.client.get(APIKEY, self.admin, params)
        return [KeyInfo.from_row(sub_account, row) for row in rows if row.get("apiKey")]

    # -- writes -------------------------------------------------------------------------------
    async def create_subaccount(self, name: str, label: str) -> SubAccount:
        rows = await self._write(SUBACCOUNT_CREATE, {"subAcct": name, "type": "1", "label": label})
        row = rows[0] if rows else {}
        return SubAccount(name, str(row.get("uid") or ""), str(row.get("label") or label), True)

    async def create_key(
        self,
        sub_account: str,
        *,
        label: str,
        passphrase: Secret,
        permission: str,
        ips: Sequence[str],
    ) -> NewKey:
        """Create a key; its secret comes back in the answer and goes straight into a Secret."""
        body = {
            "subAcct": sub_account,
            "label": label,
            "passphrase": passphrase.reveal(),
            "perm": permission,
            "ip": ",".join(ips),
        }
        rows = await self._write(APIKEY, body)
        row = rows[0] if rows else {}
        api_key = str(row.get("apiKey") or "")
        secret = str(row.pop("secretKey", "") or "")
        row.pop("passphrase", None)
        if not api_key or not secret:
            raise WizardError(
                "server",
                "OKX answered the key creation without an API key or secret key.",
                "Look at the sub-account's keys on OKX's site (okx-wizard audit lists them) and "
                "delete a key you did not get, then try again.",
            )
        info = KeyInfo.from_row(sub_account, row)
        return NewKey(info, Credentials(api_key, Secret(secret), passphrase))

    async def modify_key(
        self, sub_account: str, api_key: str, *, ips: Sequence[str] | None = None
    ) -> KeyInfo:
        """Change a key's IP list (``[]`` unbinds all); OKX answers with the key's new settings."""
        body: dict[str, Any] = {"subAcct": sub_account, "apiKey": api_key}
        if ips is not None:
            body["ip"] = ",".join(ips)
        rows = await self._write(APIKEY_MODIFY, body)
        return KeyInfo.from_row(sub_account, rows[0] if rows else {"apiKey": api_key})

    async def delete_key(self, sub_account: str, api_key: str) -> None:
        await self._write(APIKEY_DELETE, {"subAcct": sub_account, "apiKey": api_key})

    async def _write(self, path: str, body: dict[str, Any]) -> list[dict[str, Any]]:
        return await self.paced_post(path, body, self.admin)

    async def paced_post(
        self, path: str, body: dict[str, Any], creds: Credentials
    ) -> list[dict[str, Any]]:
        """POST ``body`` signed by ``creds``, no sooner than ``write_interval`` after the last.

        A 50011 (rate limit) answer is retried with backoff: OKX refused it, so nothing was
        done and a retry cannot create a second key. Other failures are raised as they are.
        """
        async with self._write_lock:
            delay = WRITE_BACKOFF_S
            for attempt in range(1, WRITE_TRIES + 1):
                if self._last_write is not None:
                    wait = self._last_write + self.write_interval - self._clock()
                    if wait > 0:
                        await self._sleep(wait)
                self._last_write = self._clock()
                try:
                    return await self.client.post(path, body, creds)
                except WizardError as exc:
                    if exc.okx_code != "50011" or attempt == WRITE_TRIES:
                        raise
                await self._sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    async def set_modes(
        self, creds: Credentials, *, acct_lv: str | None = None, pos_mode: str | None = None
    ) -> None:
        """Set a key's own account level and position mode, with that key (Trade; paced)."""
        if acct_lv:
            await self.paced_post(SET_ACCOUNT_LEVEL, {"acctLv": acct_lv}, creds)
        if pos_mode:
            await self.paced_post(SET_POSITION_MODE, {"posMode": pos_mode}, creds)
