"""What a scanner typed, turned into a code the store can look up.

A scan is raw scanner text: digits for a retail barcode, possibly behind an AIM symbology
identifier such as ``]E0``. GTIN check digits are verified with biip; every GTIN is normalised to
its 14-digit form so that the leading-zero forms of one product are the same product. Produce PLU
codes (4 or 5 digits) have no check digit.

>>> parse_scan("4006381333931")
Gtin(gtin14='04006381333931')
>>> parse_scan("]E04006381333931")
Gtin(gtin14='04006381333931')
>>> parse_scan("4011")
Plu(code='4011')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from biip import ParseError
from biip.gtin import Gtin as BiipGtin

from aisle.domain.errors import MisreadBarcode, NotABarcode

__all__ = ["Gtin", "Plu", "ScannedCode", "normalise_gtin", "parse_scan"]

_SYMBOLOGY = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
_DIGITS = re.compile(r"^[0-9]+$")


@dataclass(frozen=True, slots=True)
class Gtin:
    """A GTIN with a valid check digit, in its 14-digit form."""

    gtin14: str

    @property
    def display(self) -> str:
        """The shortest usual form: GTIN-13 (EAN) or GTIN-8, as printed under the bars."""
        stripped = self.gtin14.lstrip("0")
        if len(stripped) <= 8:
            return self.gtin14[-8:]
        if len(stripped) <= 13:
            return self.gtin14[-13:]
        return self.gtin14


@dataclass(frozen=True, slots=True)
class Plu:
    """A produce price look-up code (IFPS): 4 digits, or 5 with a leading 9 for organic."""

    code: str


ScannedCode = Gtin | Plu


def normalise_gtin(text: str) -> str:
    """Return the 14-digit form of a GTIN-8/12/13/14, or raise if its check digit is wrong.

    >>> normalise_gtin("96385074")
    '00000096385074'
    """
    try:
        return BiipGtin.parse(text).as_gtin_14()
    except ParseError as error:
        raise MisreadBarcode(
            f"That barcode didn't scan properly ({text}): please scan it again"
        ) from error


def parse_scan(raw: str) -> ScannedCode:
    """Turn raw scanner text into a code, or raise with a reason a shopper understands."""
    text = raw.strip()
    text = _SYMBOLOGY.sub("", text, count=1)
    if not text:
        raise NotABarcode("Nothing was scanned: please scan the barcode again")
    if not _DIGITS.match(text):
        raise NotABarcode(f"{raw.strip()!r} is not a product barcode: scan the code on the product")
    if len(text) in (4, 5):
        if len(text) == 5 and not text.startswith("9"):
            raise NotABarcode(
                f"{text} is not a product code: produce codes have 4 digits, or 5 starting with 9"
            )
        return Plu(code=text)
    if len(text) in (8, 12, 13, 14):
        return Gtin(gtin14=normalise_gtin(text))
    raise NotABarcode(
        f"{text} is not a product barcode: expected 8, 12, 13 or 14 digits, got {len(text)}"
    )
