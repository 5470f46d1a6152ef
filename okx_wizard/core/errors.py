"""One error hierarchy, and one table that maps every OKX error code to a cause and a fix."""

from __future__ import annotations

from typing import Literal, NamedTuple

ErrorKind = Literal[
    "auth",
    "region",
    "environment",
    "ip",
    "frozen",
    "permission",
    "clock",
    "rate_limit",
    "server",
    "network",
    "storage",
]
ERROR_KINDS: tuple[str, ...] = (
    "auth",
    "region",
    "environment",
    "ip",
    "frozen",
    "permission",
    "clock",
    "rate_limit",
    "server",
    "network",
    "storage",
)


class CodeInfo(NamedTuple):
    """What one OKX error code means for the user: kind, cause and fix in plain words."""

    kind: ErrorKind
    cause: str
    fix: str
    retry: bool = False


OKX_CODES: dict[str, CodeInfo] = {
    "50001": CodeInfo(
        "server",
        "OKX's service is temporarily unavailable.",
        "Wait a minute and try again.",
        retry=True,
    ),
    "50004": CodeInfo(
        "server",
        "OKX timed out answering the request.",
        "Try again; if it persists, check OKX's status page.",
        retry=True,
    ),
    "50011": CodeInfo(
        "rate_limit",
        "Too many requests: OKX's rate limit was reached.",
        "Wait a few seconds and try again; stop other bots using this key meanwhile.",
        retry=True,
    ),
    "50013": CodeInfo(
        "rate_limit", "OKX's systems are busy.", "Wait a few seconds and try again.", retry=True
    ),
    "50026": CodeInfo(
        "server", "OKX reported a system error.", "Try again in a minute.", retry=True
    ),
    "50030": CodeInfo(
        "permission",
        "This key has no permission to use this endpoint.",
        "Edit the key on OKX and tick the Read permission.",
    ),
    "50035": CodeInfo(
        "ip",
        "This endpoint requires a key bound to an IP address.",
        "Edit the key on OKX and add this machine's public IP.",
    ),
    "50100": CodeInfo(
        "frozen",
        "The API key is frozen by OKX.",
        "Contact OKX customer service, or delete the key and create a new one.",
    ),
    "50101": CodeInfo(
        "environment",
        "The key belongs to the other environment (demo trading vs live trading).",
        "Demo keys work only with demo trading: switch the profile's environment, "
        "or create the key in the environment you want.",
    ),
    "50102": CodeInfo(
        "clock",
        "The request's timestamp expired: this machine's clock is off by more than 30 seconds.",
        "Turn on time synchronisation (timedatectl set-ntp true).",
    ),
    "50103": CodeInfo(
        "auth", "The request carried no API key.", "Paste the API key OKX showed you."
    ),
    "50104": CodeInfo(
        "auth",
        "The request carried no passphrase.",
        "Enter the passphrase you chose when you created the key.",
    ),
    "50105": CodeInfo(
        "auth",
        "The passphrase is wrong.",
        "Enter the exact passphrase you typed on OKX's form. It cannot be recovered: "
        "if it is lost, delete the key and create a new one.",
    ),
    "50106": CodeInfo(
        "auth", "The request carried no signature.", "Paste the secret key OKX showed you."
    ),
    "50107": CodeInfo(
        "auth",
        "The request carried no timestamp.",
        "This is a bug in okx-wizard: please report it.",
    ),
    "50110": CodeInfo(
        "ip",
        "This machine's IP address is not in the key's IP whitelist.",
        "Edit the key on OKX and add this machine's public IP, or run from a whitelisted machine.",
    ),
    "50111": CodeInfo(
        "auth", "OKX does not accept this API key.", "Check that the API key was pasted completely."
    ),
    "50112": CodeInfo(
        "clock",
        "OKX rejected the request's timestamp as malformed.",
        "Check this machine's clock and time zone settings.",
    ),
    "50113": CodeInfo(
        "auth",
        "The signature is invalid: the secret key is wrong.",
        "Paste the secret key exactly as OKX showed it. If it is lost, delete the "
        "key on OKX and create a new one: OKX shows a secret only once.",
    ),
    "50114": CodeInfo(
        "auth", "OKX rejected the authorization.", "Check the API key, secret key and passphrase."
    ),
    "50119": CodeInfo(
        "region",
        "OKX says this API key does not exist: it was deleted, "
        "mistyped, or belongs to another region's site.",
        "Check the key, and that the profile's region is the site where you "
        "created it (www.okx.com, my.okx.com or app.okx.com).",
    ),
    "50120": CodeInfo(
        "permission",
        "The key lacks the permission this function needs.",
        "Edit the key on OKX and grant the Read permission.",
    ),
    "50121": CodeInfo(
        "ip",
        "OKX does not allow access from this IP address.",
        "Use the key from a machine whose IP is allowed, or edit its IP whitelist.",
    ),
}


def describe_code(code: str, msg: str = "") -> CodeInfo:
    """The table entry for ``code``; an unknown code is a server error quoting OKX's words."""
    info = OKX_CODES.get(code)
    if info is not None:
        return info
    said = f" OKX said: {msg}" if msg else ""
    return CodeInfo(
        "server",
        f"OKX answered with error {code}.{said}",
        "Try again; if it persists, look the code up in OKX's API documentation.",
    )


class WizardError(Exception):
    """An expected failure, as data: its kind, OKX's code (if any), the cause and the fix.

    ``cause`` and ``fix`` are plain sentences with no secret in them; a screen shows them apart,
    the CLI joins them (:attr:`message`). Expected failures are shown, never raised to a traceback.
    """

    def __init__(
        self, kind: ErrorKind, cause: str, fix: str = "", *, okx_code: str | None = None
    ) -> None:
        super().__init__(cause)
        self.kind: ErrorKind = kind
        self.cause = cause
        self.fix = fix
        self.okx_code = okx_code

    @property
    def message(self) -> str:
        """Cause and fix in one line, as the CLI and the JSON report print them."""
        return f"{self.cause} Fix: {self.fix}" if self.fix else self.cause

    def __str__(self) -> str:
        return self.message

    def with_cause(self, cause: str) -> WizardError:
        """The same error (kind, code, fix) with its cause said differently."""
        return type(self)(self.kind, cause, self.fix, okx_code=self.okx_code)

    def to_json(self) -> dict[str, str | None]:
        return {"kind": self.kind, "okx_code": self.okx_code, "message": self.message}

    @classmethod
    def from_okx(cls, code: str, msg: str = "", extra: str = "") -> WizardError:
        info = describe_code(code, msg)
        return cls(info.kind, f"{info.cause} {extra}".strip(), info.fix, okx_code=code)


class UsageError(Exception):
    """Bad input from the user or a script: exit code 2, a clear message, nothing changed."""


class StorageError(WizardError):
    """The secure store or the metadata file failed; the cause says which, the fix what to do."""

    def __init__(
        self, cause: str, fix: str = "", *, kind: ErrorKind = "storage", okx_code: str | None = None
    ) -> None:
        super().__init__(kind, cause, fix, okx_code=okx_code)

    def with_cause(self, cause: str) -> StorageError:
        return StorageError(cause, self.fix, kind=self.kind, okx_code=self.okx_code)
