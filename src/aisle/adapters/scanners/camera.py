"""Barcodes in camera frames, decoded with zxing-cpp into what a handheld scanner would send.

Only retail symbologies are searched (EAN/UPC, the GS1 DataBar family, Code 128 for GS1-128,
QR and Data Matrix), which is faster and never turns a stray pattern into a code of a kind a
store does not use. zxing-cpp itself looks for codes in every orientation, at smaller scales
and inverted. When that finds nothing, two more tries, each only if the one before found
nothing: a small frame at twice its size (zxing-cpp can downscale but not upscale, and thin
bars in small photos are what it misses most), then the frame with its histogram equalised
(dim, low-contrast photos). On zxing-cpp's retail samples these take the decode rate from 86 %
to 90 % without one more wrong reading; sharpening found a few more but also misread some, so
it is not used (``benchmarks/decode.py``). EAN add-ons (a periodical's issue, a book's price)
are not read: they do not say which product it is.

Each code comes back with its text as the symbol holds it (digits, a GS1 element string with
FNC1 as the GS character, a link), its AIM symbology identifier and zxing-cpp's format name;
``scanner_text`` is the two together, which is what `aisle.domain.barcodes.parse_scan` takes.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import zxingcpp
from PIL import Image, ImageOps

__all__ = [
    "ACCEPTED_FORMATS",
    "MAX_PIXELS",
    "RETAIL_FORMATS",
    "DecodedBarcode",
    "NotAnImage",
    "decode_image",
    "load_image",
    "read_frame",
]

#: Pillow's names of the image formats a frame may come in.
ACCEPTED_FORMATS = frozenset({"PNG", "JPEG", "WEBP"})

#: Larger frames are refused before their pixels are decoded (a 48 MP phone photo still fits).
MAX_PIXELS = 50_000_000

#: Frames smaller than this on their longer side get a second try at twice their size.
_UPSCALE_BELOW = 1_000

RETAIL_FORMATS = zxingcpp.BarcodeFormats(
    [
        zxingcpp.BarcodeFormat.EAN13,
        zxingcpp.BarcodeFormat.EAN8,
        zxingcpp.BarcodeFormat.UPCA,
        zxingcpp.BarcodeFormat.UPCE,
        zxingcpp.BarcodeFormat.DataBar,
        zxingcpp.BarcodeFormat.Code128,
        zxingcpp.BarcodeFormat.QRCode,
        zxingcpp.BarcodeFormat.DataMatrix,
    ]
)


class NotAnImage(ValueError):
    """The bytes are not a PNG, JPEG or WebP image this decoder will read."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DecodedBarcode:
    """One code found in a frame.

    >>> DecodedBarcode(text="4006381333931", symbology="]E0", format="EAN-13").scanner_text
    ']E04006381333931'
    """

    text: str
    symbology: str
    format: str

    @property
    def scanner_text(self) -> str:
        """The symbology identifier and the text, as a scanner with AIM identifiers sends it."""
        return f"{self.symbology}{self.text}"


def decode_image(data: bytes) -> list[DecodedBarcode]:
    """Every retail code in an encoded image, or raise `NotAnImage`."""
    return read_frame(load_image(data))


def load_image(data: bytes) -> Image.Image:
    """Decode PNG/JPEG/WebP bytes into an upright 8-bit grey frame (transparency on white)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as error:
            raise NotAnImage("The upload is not a readable PNG, JPEG or WebP image") from error
        except Image.DecompressionBombError as error:
            raise NotAnImage(f"The image is too large: {error}") from error
    if image.format not in ACCEPTED_FORMATS:
        raise NotAnImage(f"The upload is a {image.format} image: expected PNG, JPEG or WebP")
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise NotAnImage(
            f"The image is {width}x{height} pixels: expected at most "
            f"{MAX_PIXELS // 1_000_000} megapixels"
        )
    try:
        image.load()
    except (OSError, SyntaxError, ValueError) as error:
        raise NotAnImage(f"The {image.format} image is damaged or cut short") from error
    frame: Image.Image = ImageOps.exif_transpose(image)
    if frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info:
        frame = frame.convert("RGBA")
        white = Image.new("RGBA", frame.size, (255, 255, 255, 255))
        frame = Image.alpha_composite(white, frame)
    return frame.convert("L")


def read_frame(frame: Image.Image) -> list[DecodedBarcode]:
    """The codes in one grey frame, each (symbology, text) once, in zxing-cpp's order."""
    found = _read(frame)
    if not found and max(frame.size) < _UPSCALE_BELOW:
        found = _read(frame.resize((frame.width * 2, frame.height * 2), Image.Resampling.LANCZOS))
    if not found:
        found = _read(ImageOps.equalize(frame))
    codes: dict[tuple[str, str], DecodedBarcode] = {}
    for barcode in found:
        code = DecodedBarcode(
            text=barcode.text,
            symbology=barcode.symbology_identifier,
            format=str(barcode.format),
        )
        codes.setdefault((code.symbology, code.text), code)
    return list(codes.values())


def _read(frame: Image.Image) -> list[zxingcpp.Barcode]:
    return zxingcpp.read_barcodes(
        frame,
        formats=RETAIL_FORMATS,
        try_rotate=True,
        try_downscale=True,
        try_invert=True,
        text_mode=zxingcpp.TextMode.Plain,
        ean_add_on_symbol=zxingcpp.EanAddOnSymbol.Ignore,
    )
