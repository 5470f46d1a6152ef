"""How one run talks to OKX and where it keeps things."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
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


def days_between(since: datetime | None, now: datetime) -> int | None:
    """Whole days from ``since`` to ``now``; None when ``since`` is unknown."""
    if since is None:
        return None
    return max(0, (now - since).days)
