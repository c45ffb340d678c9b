"""Every reason a scan is refused, worded for the shopper, in one place.

Each quotes what was scanned and says what to do; nothing changes in the cart.
"""

from __future__ import annotations

from aisle.domain.errors import MisreadBarcode, NotABarcode

__all__ = [
    "add_on_only",
    "foreign_price",
    "misread",
    "no_product_number",
    "not_a_barcode",
    "not_a_produce_code",
    "not_a_product_link",
    "nothing_scanned",
    "shipping_label",
    "unreadable_label",
    "wrong_length",
]


def misread(shown: str) -> MisreadBarcode:
    """A check digit did not match: the scanner saw a digit wrong."""
    return MisreadBarcode(f"That barcode didn't scan properly ({shown}): please scan it again")


def nothing_scanned() -> NotABarcode:
    return NotABarcode("Nothing was scanned: please scan the barcode again")


def not_a_barcode(shown: str) -> NotABarcode:
    return NotABarcode(f"{shown!r} is not a product barcode: scan the code on the product")


def not_a_produce_code(digits: str) -> NotABarcode:
    return NotABarcode(
        f"{digits} is not a product code: produce codes have 4 digits, or 5 starting with 9"
    )


def wrong_length(digits: str) -> NotABarcode:
    return NotABarcode(
        f"{digits} is not a product barcode: expected 8, 12, 13 or 14 digits, got {len(digits)}"
    )


def add_on_only(digits: str) -> NotABarcode:
    return NotABarcode(
        f"{digits} is the small add-on code beside the barcode: scan the main barcode"
    )


def no_product_number(shown: str) -> NotABarcode:
    return NotABarcode(
        f"That code {shown} does not say which product it is: scan the product's barcode"
    )


def shipping_label(sscc: str) -> NotABarcode:
    return NotABarcode(
        f"That is a shipping label (SSCC {sscc}), not a product: scan the product's barcode"
    )


def foreign_price(shown: str, currency: str) -> NotABarcode:
    return NotABarcode(
        f"That label {shown} is priced in another currency (ISO 4217 {currency}): ask an associate"
    )


def unreadable_label(shown: str) -> NotABarcode:
    return NotABarcode(
        f"That label's code is not valid ({shown}): scan the product's barcode or ask an associate"
    )


def not_a_product_link(link: str) -> NotABarcode:
    return NotABarcode(
        f"That QR code is a web link ({link}), not a product code: scan the product's barcode"
    )
