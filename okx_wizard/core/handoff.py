"""How each tool a bot runs names OKX credentials (SPEC §8): one table, both directions.

``env`` and ``exec`` build a tool's variables from a profile (:func:`tool_env`); ``check
--from-env`` and ``import --from dotenv`` read them back (:func:`credentials_from_env`). Every
name here was checked against the tool's own source; the README cites the files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from okx_wizard.core.errors import UsageError
from okx_wizard.core.secret import Credentials, Secret

Tool = Literal["okx", "ccxt", "freqtrade", "python-okx"]
TOOLS: tuple[Tool, ...] = ("okx", "ccxt", "freqtrade", "python-okx")

# The REST host of each region (TR included even where core.regions does not list it yet).
REST_HOSTS: dict[str, str] = {
    "global": "www.okx.com",
    "eea": "eea.okx.com",
    "us": "us.okx.com",
    "tr": "tr.okx.com",
}
# ccxt's class (and its CLI's ID prefix) per region: okx, myokx (EEA), okxus (US); TR is okx
# with the hostname tr.okx.com. freqtrade's exchange.name is the same ccxt id.
CCXT_CLASS: dict[str, str] = {"global": "okx", "eea": "myokx", "us": "okxus", "tr": "okx"}
# OKX's trade kit: OKX_SITE values it accepts and the API host each one defaults to
# (okx/agent-trade-kit packages/core/src/constants.ts, OKX_SITES). It knows no "tr".
KIT_SITE: dict[str, str] = {"global": "global", "eea": "eea", "us": "us", "tr": "global"}
KIT_DEFAULT_URL: dict[str, str] = {
    "global": "https://www.okx.com",
    "eea": "https://eea.okx.com",
    "us": "https://app.okx.com",
}


@dataclass(frozen=True)
class ToolNames:
    """The three credential variables of one tool, and whether it can use a demo key."""

    api_key: str
    secret_key: str
    passphrase: str
    demo_refused: str = ""  # why a demo key cannot be handed to this tool ("" = it can)


NAMES: dict[Tool, ToolNames] = {
    "okx": ToolNames("OKX_API_KEY", "OKX_SECRET_KEY", "OKX_PASSPHRASE"),
    # ccxt's CLI: (exchangeId + "_" + credential).toUpperCase(); {ID} is OKX, MYOKX or OKXUS.
    "ccxt": ToolNames(
        "{ID}_APIKEY",
        "{ID}_SECRET",
        "{ID}_PASSWORD",
        demo_refused="ccxt reads no demo (sandbox) setting from the environment, so a demo key "
        "would be sent to live trading and refused",
    ),
    "freqtrade": ToolNames(
        "FREQTRADE__EXCHANGE__KEY",
        "FREQTRADE__EXCHANGE__SECRET",
        "FREQTRADE__EXCHANGE__PASSWORD",
        demo_refused="freqtrade has no demo (sandbox) mode for OKX; use its dry-run mode "
        "with a live read-only key instead",
    ),
    "python-okx": ToolNames("OKX_API_KEY", "OKX_API_SECRET", "OKX_PASSPHRASE"),
}
DEMO_FIX = {
    "ccxt": "In Python use okx_wizard.load_credentials(PROFILE).ccxt_exchange() (sandbox mode "
    "on), or ccxt's CLI with --sandbox and `okx-wizard exec PROFILE --for okx`.",
    "freqtrade": "Use a live key (freqtrade's dry_run trades on paper with it).",
}


def rest_url(region: str) -> str:
    """The REST base URL OKX serves ``region``'s keys on."""
    try:
        return f"https://{REST_HOSTS[region]}"
    except KeyError:
        raise UsageError(f"unknown region {region!r}") from None


def tool_env(
    tool: str, creds: Credentials, region: str, demo: bool, base_url: str
) -> dict[str, str]:
    """The variables ``tool`` reads for these credentials (UsageError when it cannot use them)."""
    names = tool_names(tool)
    if demo and names.demo_refused:
        raise UsageError(
            f"--for {tool}: this is a demo-trading key and {names.demo_refused}. "
            f"{DEMO_FIX.get(tool, '')}".rstrip()
        )
    ident = CCXT_CLASS.get(region, "okx")
    values = {
        names.api_key.replace("{ID}", ident.upper()): creds.api_key,
        names.secret_key.replace("{ID}", ident.upper()): creds.secret_key.reveal(),
        names.passphrase.replace("{ID}", ident.upper()): creds.passphrase.reveal(),
    }
    base = base_url.rstrip("/")
    if tool == "okx":
        values["OKX_SITE"] = KIT_SITE.get(region, "global")
        if demo:
            values["OKX_DEMO"] = "1"
        if base != KIT_DEFAULT_URL.get(region):
            values["OKX_API_BASE_URL"] = base
    elif tool == "freqtrade":
        values["FREQTRADE__EXCHANGE__NAME"] = ident
        if region == "tr" or base != rest_url(region):
            values["FREQTRADE__EXCHANGE__CCXT_CONFIG__HOSTNAME"] = urlsplit(base).netloc
    elif tool == "python-okx":
        values["OKX_FLAG"] = "1" if demo else "0"
        values["OKX_DOMAIN"] = base
    return values


def tool_names(tool: str) -> ToolNames:
    try:
        return NAMES[tool]  # type: ignore[index]
    except KeyError:
        raise UsageError(f"unknown tool {tool!r}: choose one of {', '.join(TOOLS)}") from None


@dataclass(frozen=True)
class FoundCredentials:
    """Credentials read from a tool's variables, with where they work."""

    tool: Tool
    credentials: Credentials
    region: str
    demo: bool
    base_url: str | None  # None: the region's own host

    def __repr__(self) -> str:
        return (
            f"FoundCredentials(tool={self.tool!r}, api_key={self.credentials.hint!r}, "
            f"region={self.region!r}, demo={self.demo})"
        )


def _region_of_url(url: str) -> str | None:
    host = (urlsplit(url).hostname or "").lower()
    aliases = {"my.okx.com": "eea", "app.okx.com": "us", "okx.com": "global"}
    for code, rest_host in REST_HOSTS.items():
        if host == rest_host:
            return code
    return aliases.get(host)


def _explicit(url: str | None, region: str) -> str | None:
    """``url`` unless it is just the region's own host (or empty)."""
    if not url:
        return None
    url = url.strip().rstrip("/")
    if _region_of_url(url) == region and urlsplit(url).path in ("", "/"):
        return None
    return url


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true")


def _read(env: Mapping[str, str], tool: Tool, ident: str = "OKX") -> Credentials | None:
    names = NAMES[tool]
    keys = [n.replace("{ID}", ident) for n in (names.api_key, names.secret_key, names.passphrase)]
    values = [env.get(k, "").strip() for k in keys]
    if not any(values):
        return None
    missing = [k for k, v in zip(keys, values, strict=True) if not v]
    if missing:
        raise UsageError(f"{', '.join(missing)} missing: set all of {', '.join(keys)}")
    return Credentials(values[0], Secret(values[1]), Secret(values[2]))


def credentials_from_env(env: Mapping[str, str], tool: str | None = None) -> FoundCredentials:
    """The credentials in ``env`` under ``tool``'s names (None: the first tool whose names
    are there, in the order of :data:`TOOLS`). UsageError says what is missing."""
    tools = [tool] if tool is not None else list(TOOLS)
    for name in tools:
        tool_names(name)
        found = _found(env, name)  # type: ignore[arg-type]
        if found is not None:
            return found
    wanted = " or ".join(tools)
    raise UsageError(
        f"no OKX credentials for {wanted} in the environment: set e.g. OKX_API_KEY, "
        "OKX_SECRET_KEY and OKX_PASSPHRASE"
    )


def _found(env: Mapping[str, str], tool: Tool) -> FoundCredentials | None:
    if tool == "ccxt":
        by_id = {"OKX": "global", "MYOKX": "eea", "OKXUS": "us"}
        for ident, region in by_id.items():
            creds = _read(env, tool, ident)
            if creds is not None:
                return FoundCredentials(tool, creds, region, False, None)
        return None
    creds = _read(env, tool)
    if creds is None:
        return None
    if tool == "okx":
        site = env.get("OKX_SITE", "global").strip() or "global"
        if site not in ("global", "eea", "us"):
            raise UsageError(f"OKX_SITE={site!r}: use global, eea or us")
        url = env.get("OKX_API_BASE_URL", "").strip()
        region = (_region_of_url(url) if url else None) or site
        demo = _truthy(env.get("OKX_DEMO"))
        return FoundCredentials(tool, creds, region, demo, _explicit(url, region))
    if tool == "freqtrade":
        name = env.get("FREQTRADE__EXCHANGE__NAME", "okx").strip().lower()
        regions = {"okx": "global", "myokx": "eea", "okxus": "us"}
        if name not in regions:
            raise UsageError(f"FREQTRADE__EXCHANGE__NAME={name!r} is not an OKX exchange")
        host = env.get("FREQTRADE__EXCHANGE__CCXT_CONFIG__HOSTNAME", "").strip()
        region = (_region_of_url(f"https://{host}") if host else None) or regions[name]
        explicit = _explicit(f"https://{host}", region) if host else None
        return FoundCredentials(tool, creds, region, False, explicit)
    url = env.get("OKX_DOMAIN", "").strip()
    region = (_region_of_url(url) if url else None) or "global"
    flag = env.get("OKX_FLAG", "0").strip()
    return FoundCredentials(tool, creds, region, flag == "1", _explicit(url, region))
