"""A QR code of a URL drawn with half-block characters, so a phone can open the official page.

Two QR modules share one text row (``▀``, ``▄``, ``█`` or space), so the key-page URLs of
every region fit in 33 columns by 17 rows, quiet zone included.

Polarity: the *light* modules (and the quiet zone) are drawn as block characters in white
on a black background. With colours, that is a normal dark-on-light code whatever the
terminal's theme. With NO_COLOR Textual keeps black and white (its monochrome filter); where
colours are dropped completely, the blocks take the terminal's foreground colour, which is
light on the dark themes most terminals use: again a normal code. On a light theme without
colours the code comes out inverted, which current phone cameras (iOS, Google Lens, ZXing)
still read.
"""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

QR_BORDER = 2
_HALF_BLOCKS = {
    (True, True): "█",
    (True, False): "▀",
    (False, True): "▄",
    (False, False): " ",
}


def qr_lines(data: str, border: int = QR_BORDER) -> list[str]:
    """The QR code of ``data`` as text rows, two modules per row, light modules drawn.

    Error correction L keeps the code small (the URL is short and shown on screen).
    """
    import qrcode  # lazy: only the screen with a QR code pays for it
    from qrcode.constants import ERROR_CORRECT_L

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_L, border=border)
    code.add_data(data)
    code.make(fit=True)
    # get_matrix() is True for dark modules; draw the light ones.
    light = [[not dark for dark in row] for row in code.get_matrix()]
    if len(light) % 2:
        # The extra half row below the code is outside the quiet zone: leave it dark.
        light.append([False] * len(light[0]))
    return [
        "".join(_HALF_BLOCKS[top, bottom] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(light[::2], light[1::2], strict=True)
    ]


class QrCode(Widget):
    """A scannable QR code of :attr:`url` (reactive: set it to redraw)."""

    DEFAULT_CSS = """
    QrCode {
        width: auto;
        height: auto;
        color: #ffffff;
        background: #000000;
        text-style: none;
    }
    """

    url: reactive[str] = reactive("", layout=True)

    def __init__(
        self,
        url: str = "",
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._lines: list[str] = []
        self.set_reactive(QrCode.url, url)
        self._lines = qr_lines(url) if url else []

    def watch_url(self, url: str) -> None:
        """Redraw for a new URL (an empty URL draws nothing)."""
        self._lines = qr_lines(url) if url else []

    @property
    def lines(self) -> list[str]:
        """The rows currently drawn (for tests and screenshots)."""
        return list(self._lines)

    def render(self) -> Content:
        """The rows as plain text; colours come from DEFAULT_CSS."""
        return Content("\n".join(self._lines))
