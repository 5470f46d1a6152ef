"""Hands-free keys (SPEC §9): create, rotate and rebind sub-account keys through OKX's API.

The secret of a key made here is never shown, typed or pasted: it goes from OKX's answer into a
:class:`~okx_wizard.core.secret.Secret` and from there into the secure store, as *pending* the
moment OKX answers, so nothing that fails afterwards can lose it. Every flow ends with a key that
works stored, and its result says exactly which keys exist on OKX.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from okx_wizard.core.errors import UsageError, WizardError
from okx_wizard.core.models import Intentions, Report
from okx_wizard.core.secret import Credentials, Secret

if TYPE_CHECKING:
    from okx_wizard.core.admin import Admin
    from okx_wizard.core.api import Workspace
    from okx_wizard.core.client import OkxClient
    from okx_wizard.core.subaccount import NewKey, SubAccountApi

Permission = Literal["read_only", "trade"]
# on_step(step, status, detail): status is "running", "ok", "failed" or "skipped".
Progress = Callable[[str, str, str], None]
# Codes with which OKX refuses a key it does not know (deleted, or never existed).
UNKNOWN_KEY_CODES = frozenset({"50119", "50111"})
LABEL_MAX = 50
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")


def _quiet(_step: str, _status: str, _detail: str) -> None:
    """The default progress callback: say nothing."""


def key_label(profile: str, when: datetime) -> str:
    """A key note OKX accepts (≤ 50 letters and digits), new for every key made.

    OKX refuses a note another key of the sub-account has (59502): the time says when the key
    was made, and four random hex digits keep two keys made in one second apart.
    """
    import secrets

    base = _NOT_ALNUM.sub("", profile)[:30] or "okxwizard"
    return f"{base}{when:%Y%m%d%H%M%S}{secrets.token_hex(2)}"[:LABEL_MAX]


@dataclass(slots=True)
class KeyResult:
    """What a create / rotate / rebind did: the check report and the keys that exist on OKX."""

    profile: str
    action: Literal["create", "rotate", "rebind"]
    sub_account: str
    report: Report | None = None
    error: WizardError | None = None
    new_key_hint: str = ""
    old_key_hint: str = ""
    old_key_deleted: bool = False
    old_key_refused: bool = False
    keys_on_okx: list[str] = field(default_factory=list)
    ip_whitelist: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        if self.error is not None or (self.report is not None and not self.report.ok):
            return False
        if self.action == "rotate":
            return self.old_key_deleted and self.old_key_refused
        return True

    def to_json(self) -> dict[str, Any]:
        error = self.error or (self.report.error if self.report is not None else None)
        data: dict[str, Any] = {
            "profile": self.profile,
            "action": self.action,
            "ok": self.ok,
            "error": error.to_json() if error else None,
            "sub_account": self.sub_account,
            "api_key_hint": self.new_key_hint,
            "keys_on_okx": list(self.keys_on_okx),
            "notes": list(self.notes),
            "report": self.report.to_json() if self.report is not None else None,
        }
        if self.action == "rotate":
            data["old_key_hint"] = self.old_key_hint
            data["old_key_deleted"] = self.old_key_deleted
            data["old_key_refused"] = self.old_key_refused
        if self.action == "rebind":
            data["ip_whitelist"] = list(self.ip_whitelist)
        return data


@dataclass(slots=True)
class HandsFree:
    """The admin key's sub-account API plus the workspace where profiles live."""

    ws: Workspace
    admin: Admin
    api: SubAccountApi
    on_step: Progress = _quiet
    # Each verification check as it happens (the TUI's live check list); None: not shown.
    on_check: Progress | None = None

    def step(self, name: str, status: str, detail: str = "") -> None:
        self.on_step(name, status, detail)

    # -- create -------------------------------------------------------------------------------
    async def create(
        self,
        profile: str,
        *,
        sub_account: str,
        new_sub_account: bool = False,
        permission: Permission = "trade",
        ips: list[str],
        label: str = "",
        now: datetime,
        fix_modes: bool = False,
    ) -> KeyResult:
        """Make a sub-account key for a new profile, store it as pending, verify, activate.

        ``fix_modes``: where the account or position mode differs from the plan, set it with
        the new key (OKX refuses while the account has open positions or orders).
        """
        from okx_wizard.core.passphrase import generate_passphrase

        if self.ws.profile(profile) is not None:
            raise UsageError(
                f"profile {profile!r} exists already: rotate its key with "
                f"`okx-wizard rotate {profile} --auto`, or pick another name"
            )
        result = KeyResult(profile, "create", sub_account)
        if new_sub_account:
            self.step("sub_account", "running", f"creating sub-account {sub_account}")
            await self.api.create_subaccount(sub_account, label=_NOT_ALNUM.sub("", profile)[:20])
            self.step("sub_account", "ok", f"sub-account {sub_account} created")
        intentions = Intentions(
            use_case="read_only" if permission == "read_only" else "trading",
            sub_account=True,
            sub_account_name=sub_account,
            ip_whitelist=list(ips),
        )
        made, report = await self._make_and_verify(
            result,
            intentions,
            label=label or key_label(profile, now),
            passphrase=generate_passphrase(),
            permission=permission,
            fix_modes=fix_modes,
        )
        creds = made.credentials
        if not report.ok:
            result.notes.append(
                f"The new key {creds.hint} exists on OKX (sub-account {sub_account}) and is kept "
                f"here as pending: fix what the report says, then `okx-wizard setup --profile "
                f"{profile}` resumes it; or delete it on OKX and `okx-wizard remove {profile}`."
            )
            return result
        self.ws.commit(profile, creds, report, intentions, key_label=made.info.label)
        self.step("activate", "ok", f"profile {profile} uses key {creds.hint}")
        return result

    # -- rotate -------------------------------------------------------------------------------
    async def rotate(self, profile: str, *, now: datetime, fix_modes: bool = False) -> KeyResult:
        """New key with the profile's settings → verified → swapped in → old key deleted on
        OKX → a signed request with the old key refused → previous credentials erased."""
        meta = self.ws.require(profile)
        sub = meta.intentions.sub_account_name
        if not meta.intentions.sub_account or not sub:
            raise UsageError(
                f"profile {profile!r} has no known sub-account, so its key cannot be rotated "
                f"through OKX's API: rotate it in the wizard (`okx-wizard rotate {profile}`)"
            )
        old = self.ws.credentials(profile)
        result = KeyResult(profile, "rotate", sub, old_key_hint=old.hint)
        self.step("old_key", "running", f"reading key {old.hint} on OKX")
        found = await self.api.list_keys(sub, old.api_key)
        old_info = next((k for k in found if k.api_key == old.api_key), None)
        if old_info is None:
            raise WizardError(
                "region",
                f"OKX does not list the profile's key {old.hint} in sub-account {sub}.",
                f"Check that the admin key belongs to the same main account and site; "
                f"`okx-wizard audit` lists the keys that exist. To replace the key anyway, "
                f"use the wizard: okx-wizard rotate {profile}",
            )
        result.keys_on_okx.append(old.hint)
        self.step("old_key", "ok", f"key {old.hint}: {', '.join(old_info.permissions)}")
        intentions = replace(meta.intentions, ip_whitelist=list(old_info.ip_whitelist))
        permission: Permission = "trade" if "trade" in old_info.permissions else "read_only"
        made, report = await self._make_and_verify(
            result,
            intentions,
            label=key_label(profile, now),
            passphrase=_new_passphrase(old),
            permission=permission,
            fix_modes=fix_modes,
        )
        new = made.credentials
        if not report.ok:
            await self._drop_failed_key(result, sub, new)
            return result
        self.ws.commit(profile, new, report, intentions, key_label=made.info.label)
        self.step("swap", "ok", f"profile {profile} uses key {new.hint}; {old.hint} is previous")
        await self._retire(result, sub, old)
        return result

    async def _make_and_verify(
        self,
        result: KeyResult,
        intentions: Intentions,
        *,
        label: str,
        passphrase: Secret,
        permission: Permission,
        fix_modes: bool,
    ) -> tuple[NewKey, Report]:
        """OKX makes the key; it is kept as pending at once, then verified (modes fixed)."""
        self.step("create", "running", "OKX creates the key")
        made = await self.api.create_key(
            result.sub_account,
            label=label,
            passphrase=passphrase,
            permission=permission,
            ips=intentions.ip_whitelist,
        )
        creds = made.credentials
        result.new_key_hint = creds.hint
        result.keys_on_okx.append(creds.hint)
        self._keep_pending(result.profile, creds, intentions, made.info.label)
        self.step("create", "ok", f"key {creds.hint} created and kept as pending")
        report = await self._verify(result.profile, creds, intentions)
        report = await self._modes(result, report, creds, intentions, fix_modes)
        result.report = report
        return made, report

    async def _drop_failed_key(self, result: KeyResult, sub: str, new: Credentials) -> None:
        """The new key failed verification: delete it on OKX; the old key stays active."""
        self.step("cleanup", "running", f"deleting the failed new key {new.hint}")
        try:
            await self.api.delete_key(sub, new.api_key)
        except WizardError as exc:
            result.notes.append(
                f"The new key {new.hint} failed verification and could not be deleted on OKX "
                f"({exc.cause}); it is kept as pending. The old key {result.old_key_hint} is "
                "still the profile's key and still works."
            )
            self.step("cleanup", "failed", exc.cause)
            return
        self.ws.discard_pending(result.profile)
        result.keys_on_okx.remove(new.hint)
        result.notes.append(
            f"The new key {new.hint} failed verification and was deleted on OKX; the old key "
            f"{result.old_key_hint} is still the profile's key."
        )
        self.step("cleanup", "ok", f"key {new.hint} deleted")

    async def _retire(self, result: KeyResult, sub: str, old: Credentials) -> None:
        """Delete the old key on OKX, prove it gone, then erase it from the store."""
        self.step("delete_old", "running", f"deleting key {old.hint} on OKX")
        try:
            await self.api.delete_key(sub, old.api_key)
        except WizardError as exc:
            result.error = WizardError(
                exc.kind,
                f"The new key {result.new_key_hint} works and is stored, but deleting the old "
                f"key {old.hint} on OKX failed: {exc.cause}",
                f"Delete key {old.hint} in sub-account {sub} on OKX's site; `okx-wizard check "
                f"{result.profile}` warns until it is gone, then erases it here.",
                okx_code=exc.okx_code,
            )
            self.step("delete_old", "failed", exc.cause)
            return
        result.old_key_deleted = True
        self.step("delete_old", "ok", f"key {old.hint} deleted on OKX")
        self.step("old_refused", "running", "signing a request with the old key")
        result.old_key_refused = await old_key_refused(self.api.client, old)
        if not result.old_key_refused:
            result.error = WizardError(
                "server",
                f"OKX accepted the delete of key {old.hint} but still answers requests signed "
                "with it.",
                f"Run `okx-wizard check {result.profile}` in a minute: it tests the old key "
                "again and erases it once OKX refuses it.",
            )
            self.step("old_refused", "failed", "the old key still works")
            return
        result.keys_on_okx.remove(old.hint)
        self.step("old_refused", "ok", f"OKX refuses key {old.hint} as unknown")
        forget_previous(self.ws, result.profile)
        self.step("erase", "ok", "previous credentials erased")

    # -- rebind -------------------------------------------------------------------------------
    async def rebind(self, profile: str, ips: list[str]) -> KeyResult:
        """Change the key's IP list on OKX, then check that OKX reports exactly that list."""
        meta = self.ws.require(profile)
        sub = meta.intentions.sub_account_name
        if not meta.intentions.sub_account or not sub:
            raise UsageError(
                f"profile {profile!r} has no known sub-account: change its IPs on OKX's site"
            )
        creds = self.ws.credentials(profile)
        result = KeyResult(profile, "rebind", sub, new_key_hint=creds.hint)
        self.step("rebind", "running", f"binding key {creds.hint} to {', '.join(ips)}")
        await self.api.modify_key(sub, creds.api_key, ips=ips)
        reported = await self.api.list_keys(sub, creds.api_key)
        info = next((k for k in reported if k.api_key == creds.api_key), None)
        result.ip_whitelist = list(info.ip_whitelist) if info else []
        result.keys_on_okx.append(creds.hint)
        if sorted(result.ip_whitelist) != sorted(ips):
            result.error = WizardError(
                "ip",
                f"OKX reports the IPs {', '.join(result.ip_whitelist) or 'none'} for key "
                f"{creds.hint}, not the {', '.join(ips)} asked for.",
                "Look at the key on OKX's site and run the command again.",
            )
            self.step("rebind", "failed", result.error.cause)
            return result
        set_ip_whitelist(self.ws, profile, result.ip_whitelist)
        self.step("rebind", "ok", f"OKX reports {', '.join(result.ip_whitelist)}")
        return result

    # -- fix it for me ----------------------------------------------------------------------
    async def _modes(
        self,
        result: KeyResult,
        report: Report,
        creds: Credentials,
        intentions: Intentions,
        fix: bool,
    ) -> Report:
        """Offer (or, with ``fix``, do) what makes the account and position mode the plan's."""
        from okx_wizard.core.findings import expected_modes

        account = report.account
        wrong = {w.code for w in report.warnings} & {
            "account-mode-mismatch",
            "position-mode-mismatch",
        }
        if not report.ok or not wrong or account is None:
            return report
        # Both at once: a Spot-mode account shows no position mode to compare until it is
        # switched, so the position mode is set whenever the plan names one that differs.
        want_lv, want_pos = expected_modes(intentions, report.endpoint.region)
        acct_lv = want_lv if want_lv and want_lv != account.acct_lv else None
        pos_mode = want_pos if want_pos and want_pos != account.position_mode else None
        if not fix:
            result.notes.append(
                "The account or position mode differs from the plan: add --fix-modes to set it "
                "with the new key. OKX allows it only while the sub-account has no open "
                "positions or orders."
            )
            return report
        self.step("modes", "running", "setting the account and position mode with the new key")
        try:
            await self.api.set_modes(creds, acct_lv=acct_lv, pos_mode=pos_mode)
        except WizardError as exc:
            result.notes.append(f"The modes were not changed: {exc.message}")
            self.step("modes", "failed", exc.cause)
            return report
        self.step("modes", "ok", "account and position mode set as planned")
        return await self._verify(result.profile, creds, intentions)

    # -- shared -------------------------------------------------------------------------------
    def _keep_pending(
        self, profile: str, creds: Credentials, intentions: Intentions, label: str
    ) -> None:
        endpoint = self.admin.endpoint
        draft = {
            "version": 1,
            "mode": "setup",
            "profile": profile,
            "region": endpoint.region,
            "demo": endpoint.demo,
            "use_case": intentions.use_case,
            "sub_account": True,
            "sub_account_name": intentions.sub_account_name,
            "ip_text": " ".join(intentions.ip_whitelist),
            "key_label": label,
            "passphrase_generated": True,
        }
        self.ws.save_pending(profile, creds, draft)

    async def _verify(self, profile: str, creds: Credentials, intentions: Intentions) -> Report:
        self.step("verify", "running", "testing the new key with signed requests")
        report = await self.ws.verify(
            profile, creds, self.admin.endpoint, intentions, on_step=self.on_check
        )
        detail = report.error.cause if report.error else f"key {creds.hint} verified"
        self.step("verify", "ok" if report.ok else "failed", detail)
        return report


def forget_previous(ws: Workspace, profile: str) -> None:
    """Erase a profile's previous key (OKX refuses it now) and its hint (blocking)."""
    meta = ws.require(profile)
    ws.secrets(meta.storage).delete(profile, "previous")
    meta.previous_key_hint = None
    meta.previous_key_label = None
    ws.meta.save(meta)


def set_ip_whitelist(ws: Workspace, profile: str, ips: list[str]) -> None:
    """Record the IPs OKX now reports for a profile's key as what the profile intends."""
    meta = ws.require(profile)
    meta.intentions.ip_whitelist = list(ips)
    ws.meta.save(meta)


def _new_passphrase(old: Credentials) -> Secret:
    """A generated passphrase that differs from the old key's (SPEC §4)."""
    from okx_wizard.core.passphrase import generate_passphrase

    while True:
        passphrase = generate_passphrase()
        if passphrase.reveal() != old.passphrase.reveal():
            return passphrase


async def old_key_refused(client: OkxClient, old: Credentials) -> bool:
    """True when OKX refuses a signed request with ``old`` as an unknown key."""
    from okx_wizard.core.verify import CONFIG_PATH

    try:
        await client.get(CONFIG_PATH, old)
    except WizardError as exc:
        return exc.okx_code in UNKNOWN_KEY_CODES
    return False
