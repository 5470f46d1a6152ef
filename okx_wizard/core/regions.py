"""OKX regions: where a user registered decides which host accepts their keys."""

from __future__ import annotations

from typing import NamedTuple


class Region(NamedTuple):
    """One OKX region: its website (where keys are made) and its REST host."""

    code: str
    title: str
    site: str
    rest_host: str

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
    "us": Region("us", "US (app.okx.com)", "app.okx.com", "us.okx.com"),
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
