"""OKX regions: where the account lives now decides which host accepts its keys.

An account moved to the EEA has its keys on eea.okx.com (site my.okx.com), whatever site it was
registered on.
"""

from __future__ import annotations

from typing import NamedTuple


class Region(NamedTuple):
    """One OKX region: its website (where keys are made) and its REST host.

    ``spot_only``: the region offers spot trading only (OKX US), so a key there is expected in
    Spot mode.
    """

    code: str
    title: str
    site: str
    rest_host: str
    spot_only: bool = False

    @property
    def rest_url(self) -> str:
        return f"https://{self.rest_host}"

    def key_page_url(self, demo: bool) -> str:
        """The official key-management page, the one to open (never a link from a message)."""
        trading = "go-demo-trading=1" if demo else "go-live-trading=1"
        return f"https://{self.site}/account/my-api?{trading}"


REGIONS: dict[str, Region] = {
    "global": Region("global", "Global (www.okx.com)", "www.okx.com", "www.okx.com"),
    "eea": Region("eea", "EEA (my.okx.com)", "my.okx.com", "eea.okx.com"),
    "us": Region("us", "US (app.okx.com)", "app.okx.com", "us.okx.com", spot_only=True),
    "tr": Region("tr", "TR (tr.okx.com)", "tr.okx.com", "tr.okx.com"),
}
REGION_CODES: tuple[str, ...] = tuple(REGIONS)


def region(code: str) -> Region:
    """The region called ``code``; ValueError names the valid ones."""
    try:
        return REGIONS[code]
    except KeyError:
        raise ValueError(
            f"unknown region {code!r}: choose one of {', '.join(REGION_CODES)}"
        ) from None
