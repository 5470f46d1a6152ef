"""How one run talks to OKX and where it keeps things, and the one clock ("now")."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from okx_wizard.core.secret import Secret

DEFAULT_MAX_AGE_DAYS = 90


class PasswordPrompt(Protocol):
    """Asks for the vault password; ``new`` when the vault is being created (ask twice)."""

    def __call__(self, purpose: str, *, new: bool | None = None) -> Secret: ...


@dataclass
class Context:
    """How this run talks to OKX and where it keeps things."""

    simulator: bool = False
    hosts: Mapping[str, str] | None = None
    allow_insecure: bool = False
    vault_password: Secret | None = None
    prompt_password: PasswordPrompt | Callable[[str], Secret] | None = None
    timeout: float = 15.0
    max_age_days: int = DEFAULT_MAX_AGE_DAYS


def utc_now() -> datetime:
    """Now, in UTC (one place, so tests and faketime agree)."""
    return datetime.now(UTC)


def age_days(since: datetime | None, now: datetime | None = None) -> int | None:
    """Whole days since ``since``; None when unknown."""
    if since is None:
        return None
    delta = (now or utc_now()) - since
    return max(0, delta.days)
