"""What a bot gets: a profile's credentials with ready settings for ccxt and python-okx.

No secret needs to sit in a file or a long-lived environment: ``load_credentials(profile)``
reads the secure store, and the helpers here speak each library's language. The names and
settings come from the one hand-off table (:mod:`okx_wizard.core.handoff`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from okx_wizard.core.handoff import CCXT_CLASS, credentials_from_env, rest_url, tool_env
from okx_wizard.core.secret import Credentials, Secret

# Set by `okx-wizard --simulator exec` for the child: {"global": "http://127.0.0.1:PORT", ...}.
SIMULATOR_URLS_ENV = "OKX_WIZARD_SIMULATOR_URLS"


@dataclass(frozen=True)
class StoredCredentials:
    """A profile's active credentials for a bot, with helpers for ccxt and python-okx."""

    profile: str
    credentials: Credentials
    region: str
    demo: bool
    base_url: str

    def __repr__(self) -> str:
        return (
            f"StoredCredentials(profile={self.profile!r}, api_key={self.credentials.hint!r}, "
            f"region={self.region!r}, demo={self.demo})"
        )

    @classmethod
    def from_env(
        cls, tool: str | None = None, env: Mapping[str, str] | None = None
    ) -> StoredCredentials:
        """The credentials `okx-wizard exec --for TOOL` put in this process's environment."""
        found = credentials_from_env(os.environ if env is None else env, tool)
        base = found.base_url or rest_url(found.region)
        return cls("(environment)", found.credentials, found.region, found.demo, base)

    @property
    def api_key(self) -> str:
        return self.credentials.api_key

    @property
    def secret_key(self) -> Secret:
        return self.credentials.secret_key

    @property
    def passphrase(self) -> Secret:
        return self.credentials.passphrase

    @property
    def hostname(self) -> str:
        """Host and port of the REST base URL (ccxt's ``hostname``)."""
        return urlsplit(self.base_url).netloc

    @property
    def ccxt_class(self) -> str:
        """ccxt's exchange id for this region: okx, myokx (EEA) or okxus (US)."""
        return CCXT_CLASS.get(self.region, "okx")

    def ccxt_config(self) -> dict[str, Any]:
        """Settings for ``ccxt.<ccxt_class>(config)``: keys, host, and sandbox mode for demo.

        Demo keys need ccxt's sandbox mode (a header alone makes ``load_markets`` call an
        endpoint demo trading lacks). A base URL that is not plain ``https://host`` (the
        simulator's ``http://127.0.0.1:PORT``, a proxy path) replaces ccxt's REST URL whole, so
        its scheme and port survive.
        """
        config: dict[str, Any] = {
            "apiKey": self.api_key,
            "secret": self.secret_key.reveal(),
            "password": self.passphrase.reveal(),
            "hostname": self.hostname,
        }
        parts = urlsplit(self.base_url)
        if parts.scheme != "https" or parts.path.strip("/"):
            rest = self.base_url.rstrip("/")
            config["urls"] = {"api": {"rest": rest}, "test": {"rest": rest}}
        if self.demo:
            config["sandbox"] = True
        return config

    def ccxt_exchange(self, *, asynchronous: bool = False, **options: Any) -> Any:
        """A ready ccxt exchange of the right class, sandbox mode on for a demo key.

        ``asynchronous`` gives the ``ccxt.async_support`` class; ``options`` are added to the
        config (e.g. ``enableRateLimit``). Needs ccxt installed.
        """
        if asynchronous:
            import ccxt.async_support as library
        else:
            import ccxt as library

        config = {**self.ccxt_config(), **options}
        sandbox = bool(config.pop("sandbox", False))
        exchange = getattr(library, self.ccxt_class)(config)
        if sandbox:
            exchange.set_sandbox_mode(True)
        return exchange

    def python_okx_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for python-okx API classes, e.g. ``okx.Account.AccountAPI(**kw)``."""
        return {
            "api_key": self.api_key,
            "api_secret_key": self.secret_key.reveal(),
            "passphrase": self.passphrase.reveal(),
            "flag": "1" if self.demo else "0",
            "domain": self.base_url,
            "debug": False,  # python-okx's debug log prints the passphrase header
        }

    def env(self, tool: str = "okx") -> dict[str, str]:
        """The variables `okx-wizard env --for TOOL` prints and `exec --for TOOL` sets."""
        return tool_env(tool, self.credentials, self.region, self.demo, self.base_url)
