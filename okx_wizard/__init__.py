"""okx-wizard: create, verify, store and rotate OKX API keys the safe way."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "credentials_from_env", "load_credentials"]

if TYPE_CHECKING:
    from okx_wizard.core.stored import StoredCredentials


def load_credentials(profile: str, **kwargs: Any) -> StoredCredentials:
    """Return the stored, active credentials of ``profile`` (see ``okx_wizard.core.api``)."""
    from okx_wizard.core.api import load_credentials as _load

    return _load(profile, **kwargs)


def credentials_from_env(tool: str | None = None) -> StoredCredentials:
    """The credentials ``okx-wizard exec --for TOOL`` put in this process's environment.

    ``tool`` None: the first of okx, ccxt, freqtrade, python-okx whose names are set.
    """
    from okx_wizard.core.stored import StoredCredentials as _Stored

    return _Stored.from_env(tool)
