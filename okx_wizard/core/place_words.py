"""Where a key works, in words: a region's site, live or demo, and what to change when a key
belongs elsewhere (OKX's 50119 on the wrong region's host, 50101 in the wrong environment)."""

from __future__ import annotations

from okx_wizard.core.errors import ErrorKind, WizardError
from okx_wizard.core.models import Endpoint
from okx_wizard.core.regions import REGIONS


def site_name(code: str) -> str:
    """``the EEA site (my.okx.com)``; a region unknown to REGIONS keeps its code."""
    known = REGIONS.get(code)
    if known is None:
        return f"the {code} site"
    return f"the {known.title.split(' (')[0]} site ({known.site})"


def environment(demo: bool) -> str:
    return "demo trading" if demo else "live trading"


def describe_endpoint(endpoint: Endpoint) -> str:
    site = site_name(endpoint.region)
    return f"{site[0].upper()}{site[1:]}, {environment(endpoint.demo)}."


def key_page(endpoint: Endpoint) -> str:
    known = REGIONS.get(endpoint.region)
    return known.key_page_url(endpoint.demo) if known else ""


def where_error(tried: Endpoint, works: Endpoint, okx_code: str | None) -> WizardError:
    """Where the key belongs and what to change in the profile (kind region or environment)."""
    other_region = works.region != tried.region
    other_env = works.demo != tried.demo
    env_key = "a demo-trading key" if works.demo else "a live-trading key"
    env_fix = (
        "turn demo trading on (--demo)"
        if works.demo
        else "turn demo trading off (leave out --demo)"
    )
    if other_region and other_env:
        cause = f"This key belongs to {site_name(works.region)} and is {env_key}."
        fix = f"Set the profile's region to {works.region} (--region {works.region}) and {env_fix}."
    elif other_region:
        cause = (
            f"This key belongs to {site_name(works.region)}, where the account lives now "
            "(an account moved to another region has its keys there)."
        )
        fix = f"Set the profile's region to {works.region} (--region {works.region})."
    else:
        cause = f"This is {env_key}: OKX accepts it only in {environment(works.demo)}."
        fix = (
            f"{env_fix[0].upper()}{env_fix[1:]} for the profile, or create a key in "
            f"{environment(tried.demo)} on OKX."
        )
    kind: ErrorKind = "region" if other_region else "environment"
    return WizardError(kind, cause, fix, okx_code=okx_code)


def not_found_anywhere(error: WizardError, region: str, others: list[str]) -> WizardError:
    """A key no region's host knows: mistyped or deleted."""
    if not others:
        return error
    return WizardError(
        error.kind,
        f"OKX does not know this API key on {site_name(region)}, nor on the other regions' "
        f"sites ({', '.join(others)}): it was most likely mistyped or deleted.",
        "Paste the API key again exactly as OKX showed it; if it was deleted on OKX, create a "
        "new one.",
        okx_code=error.okx_code,
    )
