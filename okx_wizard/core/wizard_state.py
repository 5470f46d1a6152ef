"""The wizard's answers: one object every step reads and writes, so Back and resume lose nothing.

Secrets (the passphrase typed on its step, the credentials captured on the capture step) live
here in memory only, as :class:`Secret` / :class:`Credentials`; :meth:`WizardState.to_draft`
never includes them. Which step is shown is a plain name here: the order is the UI's business.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from okx_wizard.core.secret import Credentials, Secret

if TYPE_CHECKING:  # models load with the first check, not with the first screen
    from okx_wizard.core.admin import Admin
    from okx_wizard.core.models import Intentions, Report, UseCase

Mode = Literal["setup", "rotate"]
# Who makes the key: the user on OKX's site ("manual"), or okx-wizard with an admin key ("auto").
KeySource = Literal["manual", "auto"]
# Version 2 saves the step by name (version 1 saved its index; the UI migrates those).
DRAFT_VERSION = 2


class ChecklistItem(NamedTuple):
    """One line of the "Before you start" checklist."""

    id: str
    label: str
    required: bool


CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem("2fa", "2FA (authenticator app) is on", True),
    ChecklistItem("official_site", "I opened OKX's site myself", True),
    ChecklistItem("anti_phishing", "Anti-phishing code is set", False),
    ChecklistItem("password_manager", "A password manager is ready", False),
)

# What the user must type to keep a withdraw-capable key (SPEC §3, permissions).
WITHDRAW_CONFIRMATION = "I accept withdraw risk"

_DRAFT_FIELDS: tuple[str, ...] = (
    "mode",
    "step",
    "profile",
    "region",
    "demo",
    "use_case",
    "checklist",
    "sub_account",
    "sub_account_name",
    "key_source",
    "main_account_ack",
    "withdraw",
    "ip_text",
    "key_label",
    "passphrase_generated",
    "previous_key_hint",
    "previous_key_label",
)


# A draft is a file: its strings lose control characters (but tab and newline), so that no
# escape sequence from it reaches the terminal through a field that shows it.
_NO_CONTROLS: dict[int, None] = {
    code: None for code in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if code not in (0x09, 0x0A)
}


def _same_type(value: object, expected: type) -> bool:
    """``value`` is exactly of the plain type ``expected`` (a bool is not an int here)."""
    if expected is int and isinstance(value, bool):
        return False
    return expected in (bool, int, str) and isinstance(value, expected)


@dataclass(eq=False)  # a mutable state: the same object, not equal values, is what counts
class WizardState:
    """Every answer up to the capture step, plus in-memory secrets that never reach a draft."""

    mode: Mode = "setup"
    step: str = ""  # the name of the step shown (the UI's step registry); "" before any
    profile: str = ""
    region: str = "global"
    demo: bool = False
    use_case: UseCase = "trading"
    checklist: dict[str, bool] = field(default_factory=dict)
    sub_account: bool = True
    sub_account_name: str = ""
    key_source: KeySource = "manual"
    main_account_ack: bool = False
    withdraw: bool = False
    withdraw_confirmation: str = ""
    ip_text: str = ""
    key_label: str = ""
    passphrase_generated: bool = False
    previous_key_hint: str = ""
    previous_key_label: str = ""
    # -- in memory only: never in a draft ------------------------------------------------------
    passphrase: Secret | None = field(default=None, repr=False)
    passphrase_confirm: Secret | None = field(default=None, repr=False)
    captured_api_key: str = field(default="", repr=False)
    captured_secret: Secret | None = field(default=None, repr=False)
    captured_passphrase: Secret | None = field(default=None, repr=False)
    pending_saved_for: Credentials | None = field(default=None, repr=False)  # stored as pending
    report: Report | None = field(default=None, repr=False)
    admin: Admin | None = field(default=None, repr=False)  # for this setup only, unless kept
    saved: bool = False

    # -- derived ---------------------------------------------------------------------------------
    @property
    def ip_whitelist(self) -> list[str]:
        """The trusted IPs as typed: one per line or separated by commas/spaces."""
        return [part for part in self.ip_text.replace(",", " ").split() if part]

    @property
    def withdraw_confirmed(self) -> bool:
        return self.withdraw_confirmation.strip().lower() == WITHDRAW_CONFIRMATION.lower()

    def intentions(self) -> Intentions:
        """What the user means to create, for verification and the stored profile."""
        from okx_wizard.core.models import Intentions

        return Intentions(
            use_case=self.use_case,
            sub_account=self.sub_account,
            sub_account_name=self.sub_account_name if self.sub_account else "",
            ip_whitelist=self.ip_whitelist,
            allow_withdraw=self.withdraw and self.withdraw_confirmed,
        )

    def checklist_ready(self) -> bool:
        """True when every required checklist item is ticked."""
        return all(self.checklist.get(item.id, False) for item in CHECKLIST if item.required)

    @property
    def credentials(self) -> Credentials | None:
        """The captured credentials, once all three values are there."""
        if not (self.captured_api_key and self.captured_secret and self.captured_passphrase):
            return None
        return Credentials(self.captured_api_key, self.captured_secret, self.captured_passphrase)

    @property
    def has_captured(self) -> bool:
        """Something of the shown-once values has been typed or pasted."""
        return bool(self.captured_api_key or self.captured_secret or self.captured_passphrase)

    @property
    def pending_saved(self) -> bool:
        """The captured credentials are safe in the store as *pending*."""
        creds = self.credentials
        return creds is not None and creds == self.pending_saved_for

    @property
    def unsaved(self) -> bool:
        """Captured credentials that are not yet the profile's saved key."""
        return self.has_captured and not self.saved

    def set_credentials(self, creds: Credentials | None) -> None:
        """Restore captured credentials (resume): they fill the capture step and the passphrase."""
        if creds is None:
            return
        self.captured_api_key = creds.api_key
        self.captured_secret = creds.secret_key
        self.captured_passphrase = creds.passphrase
        self.pending_saved_for = creds
        if self.passphrase is None:
            self.passphrase = creds.passphrase
            self.passphrase_confirm = creds.passphrase

    def clear_secrets(self) -> None:
        """Drop every secret held in memory."""
        self.passphrase = self.passphrase_confirm = None
        self.captured_api_key = ""
        self.captured_secret = self.captured_passphrase = None
        self.pending_saved_for = None
        self.admin = None

    # -- drafts ----------------------------------------------------------------------------------
    def to_draft(self) -> dict[str, Any]:
        """The answers as plain data for resume. No secret, no API key."""
        draft: dict[str, Any] = {"version": DRAFT_VERSION}
        for name in _DRAFT_FIELDS:
            value = getattr(self, name)
            draft[name] = dict(value) if isinstance(value, dict) else value
        return draft

    @classmethod
    def from_draft(cls, draft: dict[str, Any]) -> WizardState:
        """Rebuild the answers from :meth:`to_draft`'s output; unknown or odd values are ignored."""
        state = cls()
        defaults = cls()
        for name in _DRAFT_FIELDS:
            if name not in draft:
                continue
            value = draft[name]
            expected = type(getattr(defaults, name))
            if isinstance(value, str) and expected is str:
                setattr(state, name, value.translate(_NO_CONTROLS))
            elif _same_type(value, expected):
                setattr(state, name, value)
            elif expected is dict and isinstance(value, dict):
                setattr(state, name, {str(k): bool(v) for k, v in value.items()})
        if state.mode not in ("setup", "rotate"):
            state.mode = "setup"
        if state.key_source not in ("manual", "auto"):
            state.key_source = "manual"
        if state.use_case not in ("read_only", "trading"):
            state.use_case = "trading"
        if state.region not in ("global", "eea", "us"):
            state.region = "global"
        return state
