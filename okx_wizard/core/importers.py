"""Credentials that already sit in a plaintext file: read them, and scrub them out after.

Sources (SPEC §8): freqtrade's config JSON (``exchange.name/key/secret/password``), OKX's
CLI ``~/.okx/config.toml`` (``[profiles.NAME]`` with ``api_key``, ``secret_key``,
``passphrase``, ``demo``, ``site``, ``base_url``; ``default_profile``) and a dotenv file with
any of the hand-off name sets. Scrubbing rewrites the file atomically, in the same directory,
with the same mode, without the secret values; no copy that holds them is left behind.
"""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from okx_wizard.core.errors import UsageError
from okx_wizard.core.handoff import NAMES, credentials_from_env, rest_url
from okx_wizard.core.secret import Credentials

Source = Literal["freqtrade", "okx-cli", "dotenv"]
SOURCES: tuple[Source, ...] = ("freqtrade", "okx-cli", "dotenv")
MAX_FILE = 1024 * 1024
_FREQTRADE_REGIONS = {"okx": "global", "myokx": "eea", "okxus": "us"}
_KIT_SITES = {"global": "global", "eea": "eea", "us": "us"}


@dataclass(frozen=True)
class ImportedKey:
    """A key found in a file, where it works, and what to scrub (``entry``: its place)."""

    source: Source
    credentials: Credentials
    region: str
    demo: bool
    base_url: str | None
    entry: str  # okx-cli: the profile's name; dotenv: the variable names; freqtrade: "exchange"

    def __repr__(self) -> str:
        return (
            f"ImportedKey(source={self.source!r}, api_key={self.credentials.hint!r}, "
            f"region={self.region!r}, demo={self.demo}, entry={self.entry!r})"
        )


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE:
        raise UsageError(f"{path} is larger than 1 MiB: not a configuration file")
    return data.decode("utf-8", "replace").lstrip("\ufeff")


def _clean(api_key: object, secret: object, passphrase: object, where: str) -> Credentials:
    """The three values checked as ``login --stdin`` checks them (never quoted in errors)."""
    from okx_wizard.core.validation import parse_stdin_credentials

    values = {"api_key": api_key, "secret_key": secret, "passphrase": passphrase}
    missing = [k for k, v in values.items() if not isinstance(v, str) or not v.strip()]
    if missing:
        raise UsageError(f"{where}: no {', '.join(missing)} found")
    try:
        return parse_stdin_credentials(json.dumps(values).encode())
    except UsageError as exc:
        raise UsageError(f"{where}: {exc}") from None


def read_import(source: str, path: Path, profile: str | None = None) -> ImportedKey:
    """The key in ``path`` as ``source`` writes it (UsageError says what is wrong)."""
    path = Path(path)
    text = _read_text(path)
    if source == "freqtrade":
        return _freqtrade(text, path)
    if source == "okx-cli":
        return _okx_cli(text, path, profile)
    if source == "dotenv":
        return _dotenv(text, path)
    raise UsageError(f"unknown source {source!r}: choose one of {', '.join(SOURCES)}")


def _freqtrade(text: str, path: Path) -> ImportedKey:
    try:
        config = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{path} is not JSON: {exc}") from None
    exchange = config.get("exchange") if isinstance(config, dict) else None
    if not isinstance(exchange, dict):
        raise UsageError(f"{path} has no exchange section")
    name = str(exchange.get("name", "")).lower()
    if name not in _FREQTRADE_REGIONS:
        raise UsageError(f"{path}: exchange.name is not okx, myokx or okxus")
    creds = _clean(exchange.get("key"), exchange.get("secret"), exchange.get("password"), str(path))
    region = _FREQTRADE_REGIONS[name]
    ccxt_config = exchange.get("ccxt_config")
    hostname = ccxt_config.get("hostname") if isinstance(ccxt_config, dict) else None
    base = None
    if isinstance(hostname, str) and hostname:
        region = "tr" if hostname.lower() == "tr.okx.com" else region
        base = None if f"https://{hostname}" == rest_url(region) else f"https://{hostname}"
    return ImportedKey("freqtrade", creds, region, False, base, "exchange")


def _okx_cli(text: str, path: Path, profile: str | None) -> ImportedKey:
    import tomllib

    try:
        config = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path} is not TOML: {exc}") from None
    profiles = config.get("profiles")
    if not isinstance(profiles, dict) or not profiles:
        raise UsageError(f"{path} has no [profiles.NAME] section")
    name = profile or config.get("default_profile") or "default"
    table = profiles.get(name)
    if not isinstance(table, dict):
        raise UsageError(
            f"{path} has no profile {str(name)!r} (profiles: {', '.join(map(str, profiles))}); "
            "choose one with --profile"
        )
    creds = _clean(
        table.get("api_key"), table.get("secret_key"), table.get("passphrase"), str(path)
    )
    site = str(table.get("site", "global"))
    if site not in _KIT_SITES:
        raise UsageError(f"{path}: site {site!r} is not global, eea or us")
    base_url = table.get("base_url")
    region = site
    base = None
    if isinstance(base_url, str) and base_url.strip():
        base = base_url.strip().rstrip("/")
        if base == "https://tr.okx.com":
            region, base = "tr", None
        elif base == rest_url(region) or (site == "us" and base == "https://app.okx.com"):
            base = None
    demo = table.get("demo") is True
    return ImportedKey("okx-cli", creds, region, demo, base, str(name))


def parse_dotenv(text: str) -> dict[str, str]:
    """``NAME=value`` lines (``export`` allowed; quotes and ``#`` comments understood)."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, value = line.removeprefix("export ").split("=", 1)
        name, value = name.strip(), value.strip()
        if value[:1] in ("'", '"') and value.count(value[0]) >= 2:
            quote = value[0]
            value = value[1 : value.index(quote, 1)]
            if quote == '"':
                value = value.replace('\\"', '"').replace("\\\\", "\\")
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[name] = value
    return values


def _dotenv(text: str, path: Path) -> ImportedKey:
    values = parse_dotenv(text)
    found = credentials_from_env(values)
    creds = _clean(
        found.credentials.api_key,
        found.credentials.secret_key.reveal(),
        found.credentials.passphrase.reveal(),
        str(path),
    )
    names = _credential_names(values)
    return ImportedKey("dotenv", creds, found.region, found.demo, found.base_url, ",".join(names))


def _credential_names(values: dict[str, str]) -> list[str]:
    """Every variable in ``values`` that holds a key, a secret or a passphrase of any tool."""
    patterns = set()
    for tool_names in NAMES.values():
        for name in (tool_names.api_key, tool_names.secret_key, tool_names.passphrase):
            for ident in ("OKX", "MYOKX", "OKXUS"):
                patterns.add(name.replace("{ID}", ident))
    return [name for name in values if name in patterns]


# -- scrubbing -----------------------------------------------------------------------------------
def scrub(key: ImportedKey, path: Path) -> None:
    """Rewrite ``path`` without ``key``'s secret values (atomically, mode kept, no leftovers)."""
    path = Path(path).resolve()
    text = _read_text(path)
    if key.source == "freqtrade":
        config: dict[str, Any] = json.loads(text)
        for field in ("key", "secret", "password"):
            config["exchange"][field] = ""
        new_text = json.dumps(config, indent=4, ensure_ascii=False) + "\n"
    elif key.source == "okx-cli":
        import tomllib

        import tomli_w

        data = tomllib.loads(text)
        table = data["profiles"][key.entry]
        for field in ("api_key", "secret_key", "passphrase"):
            table.pop(field, None)
        new_text = tomli_w.dumps(data)
    else:
        drop = set(key.entry.split(","))
        kept = []
        for line in text.splitlines(keepends=True):
            stripped = line.strip().removeprefix("export ")
            if "=" in stripped and stripped.split("=", 1)[0].strip() in drop:
                continue
            kept.append(line)
        new_text = "".join(kept)
    replace_keeping_mode(path, new_text.encode("utf-8"))


def replace_keeping_mode(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (a private temporary file beside it, fsync,
    rename); the new file gets the old one's permission bits, and no second copy of the old
    content is ever left in the directory."""
    from okx_wizard.core.fsutil import atomic_write

    atomic_write(path, data, mode=stat.S_IMODE(path.stat().st_mode))
