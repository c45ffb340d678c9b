"""What every source needs: GTINs from text, prices from text, reasons people can act on."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from aisle.domain.barcodes import normalise_gtin
from aisle.domain.errors import DomainError
from aisle.domain.money import Money


class RowProblem(Exception):
    """This row can't be imported; the message says why."""


def gtin_from(text: str, *, pad: bool = False) -> str:
    """A GTIN in 14-digit form; ``pad`` restores leading zeros a spreadsheet stripped."""
    digits = text.strip()
    if not digits:
        raise RowProblem("missing barcode")
    if not digits.isdigit():
        raise RowProblem(f"barcode {digits!r} is not all digits")
    if pad and len(digits) < 14:
        digits = digits.zfill(14)
    if len(digits) not in (8, 12, 13, 14):
        raise RowProblem(f"barcode {digits} has {len(digits)} digits: expected 8, 12, 13 or 14")
    try:
        return normalise_gtin(digits)
    except DomainError:
        raise RowProblem(f"bad check digit in barcode {digits}") from None


def money_from(text: str, currency: str, *, decimal_comma: bool = False) -> Money:
    raw = text.strip()
    if decimal_comma:
        raw = raw.replace(".", "").replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise RowProblem(f"price {text!r} is not a number") from None
    if value < 0:
        raise RowProblem(f"price {text!r} is negative")
    try:
        return Money.parse(str(value), currency)
    except ValueError as error:
        raise RowProblem(f"price {text!r}: {error}") from None
