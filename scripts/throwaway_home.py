"""A throwaway user for okx-wizard, said once: HOME and the XDG dirs under one folder, a keyring
service of its own, and a vault password, so nothing of the real user's is read or written.

Shared by the tests (tests/conftest.py, tests/hardening/support.py), scripts/screenshots.py and
bench/run.py; they import it as ``scripts.throwaway_home`` with the repository root on sys.path.
"""

from __future__ import annotations

from pathlib import Path


def throwaway_home_env(home: Path, *, service: str, vault_password: str) -> dict[str, str]:
    """The variables that point okx-wizard at ``home`` and at keyring service ``service``."""
    return {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "OKX_WIZARD_KEYRING_SERVICE": service,
        "OKX_WIZARD_VAULT_PASSWORD": vault_password,
    }
