"""One error hierarchy, and one table that maps every OKX error code to a cause and a fix."""

from __future__ import annotations

from typing import Literal, NamedTuple

from okx_wizard.core.regions import REGIONS
from okx_wizard.core.text import quote

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

# The sites a key can belong to, in the words of the 50119 fix (one per region of regions.py).
_SITES = ", ".join(r.site for r in REGIONS.values())
# How much of OKX's own ``msg`` an error quotes; it is cleaned of control characters first.
MSG_CHARS = 120


class CodeInfo(NamedTuple):
    """What one OKX error code means for the user and for the check's flow.

    ``kind``, ``cause`` and ``fix`` are what the user reads. The flags say what the code means
    for the flow, so no other module keeps its own list of codes:

    - ``retry``: transient; the same request may succeed if sent again.
    - ``moves_region``: the host does not know the key: the other regions' hosts may (50119).
    - ``moves_environment``: the key belongs to the other environment, demo vs live (50101).
    - ``key_gone``: OKX does not know the key here (deleted or never there): a rotated-out key
      that answers this has been deleted.
    - ``key_still_there``: OKX knows the key and refuses the request for another reason.
    - ``clock``: this machine's clock is at fault; re-signing with OKX's time may get through.
    - ``names_ip``: OKX's ``msg`` names this machine's IP address, which the error repeats.
    """

    kind: ErrorKind
    cause: str
    fix: str
    retry: bool = False
    moves_region: bool = False
    moves_environment: bool = False
    key_gone: bool = False
    key_still_there: bool = False
    clock: bool = False
    names_ip: bool = False


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
        "OKX does not let this key use this endpoint: the endpoint is restricted for this "
        "account type or region (Read itself is always granted).",
        "Check that the account (main or sub-account, its region) may use this function; "
        "a key's permissions cannot lift this restriction.",
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
        key_still_there=True,
    ),
    "50101": CodeInfo(
        "environment",
        "The key belongs to the other environment (demo trading vs live trading).",
        "Demo keys work only with demo trading: switch the profile's environment, "
        "or create the key in the environment you want.",
        moves_environment=True,
    ),
    "50102": CodeInfo(
        "clock",
        "The request's timestamp expired: this machine's clock is off by more than 30 seconds.",
        "Turn on time synchronisation (timedatectl set-ntp true).",
        clock=True,
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
        key_still_there=True,
        names_ip=True,
    ),
    "50111": CodeInfo(
        "auth",
        "OKX does not accept this API key.",
        "Check that the API key was pasted completely.",
        key_gone=True,
    ),
    "50112": CodeInfo(
        "clock",
        "OKX rejected the request's timestamp as malformed.",
        "Check this machine's clock and time zone settings.",
        clock=True,
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
        "Check the key, and that the profile's region is the site where the account lives "
        f"now ({_SITES}): an account moved to the EEA has its keys on my.okx.com.",
        moves_region=True,
        key_gone=True,
    ),
    "50120": CodeInfo(
        "permission",
        "The key lacks the permission this function needs (for example Trade).",
        "Edit the key on OKX and grant the permission the function needs, or use a key "
        "that has it.",
    ),
    "50121": CodeInfo(
        "ip",
        "OKX refuses access from this machine's IP address itself (a region or compliance "
        "block), whatever the key's IP whitelist says.",
        "Run from a machine in a place OKX serves for this account; changing the key's "
        "IP whitelist does not help.",
    ),
    "59000": CodeInfo(
        "permission",
        "OKX refuses to change the account or position mode while the account has open "
        "positions or orders.",
        "Close the sub-account's positions and cancel its open orders, then try again.",
    ),
    # -- the sub-account key API (OKX.md "Sub-account key API"); all answered with HTTP 200 ----
    "59500": CodeInfo(
        "permission",
        "Only the main account's API key may do this.",
        "Use an admin key made on the main account, not a sub-account's key.",
    ),
    "59501": CodeInfo(
        "permission",
        "The account already has 50 API keys, OKX's limit.",
        "Delete keys that are no longer used (okx-wizard audit lists them), then try again.",
    ),
    "59502": CodeInfo(
        "permission",
        "Another key of this sub-account already has this note (label).",
        "Choose a different label for the key.",
    ),
    "59503": CodeInfo(
        "ip",
        "A key can be bound to at most 20 IP addresses.",
        "Bind 20 addresses or fewer (a CIDR range counts as one).",
    ),
    "59504": CodeInfo(
        "permission",
        "A sub-account's key cannot be given the Withdraw permission.",
        "Ask for Read or Read + Trade only.",
    ),
    "59505": CodeInfo(
        "auth",
        "OKX refused the key's passphrase format.",
        "Use 8–32 characters with at least one digit, one upper-case letter, one lower-case "
        "letter and one special character (okx-wizard's generator makes such passphrases).",
    ),
    "59506": CodeInfo(
        "auth",
        "OKX says this API key does not exist in that sub-account.",
        "Check the sub-account name and the key; it may already have been deleted.",
        key_gone=True,
    ),
    "59510": CodeInfo(
        "permission",
        "OKX says this sub-account does not exist.",
        "Check the sub-account name (case sensitive), or create it first.",
    ),
    "59601": CodeInfo(
        "permission",
        "A sub-account with this name already exists.",
        "Choose another name (6–20 letters and digits), or use the existing sub-account.",
    ),
    "59603": CodeInfo(
        "permission",
        "The main account has reached OKX's limit of sub-accounts.",
        "Use an existing sub-account, or remove one you no longer need on OKX.",
    ),
    "59604": CodeInfo(
        "permission",
        "Only the main account's API key can use this API.",
        "Use an admin key made on the main account, not a sub-account's key.",
    ),
}


def describe_code(code: str, msg: str = "") -> CodeInfo:
    """The table entry for ``code``; an unknown code is a server error quoting OKX's words."""
    info = OKX_CODES.get(code)
    if info is not None:
        return info
    said = quote_server_text(msg)
    return CodeInfo(
        "server",
        f"OKX answered with error {quote_server_text(code, 12)}."
        + (f" OKX said: “{said}”" if said else ""),
        "Try again; if it persists, look the code up in OKX's API documentation.",
    )


def quote_server_text(text: str, limit: int = MSG_CHARS) -> str:
    """A server's words made safe to quote (:func:`okx_wizard.core.text.quote`)."""
    return quote(text, limit)


def first_ip(text: str) -> str | None:
    """The first IPv4 or IPv6 address among the words of ``text`` (OKX's 50110 message)."""
    import ipaddress

    for word in text.split():
        candidate = word.strip(".,;:()[]{}'\"")
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


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

    @property
    def code_info(self) -> CodeInfo | None:
        """The error table's entry for this error's OKX code; None when OKX gave no known code."""
        return OKX_CODES.get(self.okx_code) if self.okx_code else None

    def to_json(self) -> dict[str, str | None]:
        return {"kind": self.kind, "okx_code": self.okx_code, "message": self.message}

    @classmethod
    def from_okx(cls, code: str, msg: str = "") -> WizardError:
        """The table's error for OKX's ``code``; ``msg`` adds what it names (50110's IP)."""
        info = describe_code(code, msg)
        cause, fix = info.cause, info.fix
        ip = first_ip(msg) if info.names_ip else None
        if ip is not None:
            cause = f"{cause} OKX sees this machine as {ip}."
            fix = (
                f"Add {ip} to the key's IP whitelist on OKX; for a key whose sub-account "
                f"okx-wizard knows, `okx-wizard rebind PROFILE --ip {ip}` adds it for you "
                "(list the key's other IPs too)."
            )
        return cls(info.kind, cause, fix, okx_code=code)


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
