"""How one run talks to OKX and where it keeps things."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from okx_wizard.core.secret import Secret

if TYPE_CHECKING:
    from okx_wizard.core.vault_password import PasswordPrompt

DEFAULT_MAX_AGE_DAYS = 90


@dataclass
class Context:
    """How this run talks to OKX and where it keeps things."""

    simulator: bool = False
    hosts: Mapping[str, str] | None = None
    allow_insecure: bool = False
    vault_password: Secret | None = None
    prompt_password: PasswordPrompt | None = None
    timeout: float = 15.0
    max_age_days: int = DEFAULT_MAX_AGE_DAYS


def days_between(since: datetime | None, now: datetime) -> int | None:
    """Whole days from ``since`` to ``now``; None when ``since`` is unknown."""
    if since is None:
        return None
    return max(0, (now - since).days)
