"""The basket as pricing sees it: lines in, adjustments and hints out."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from aisle.domain.catalog import SoldBy
from aisle.domain.money import Money, Rounding


@dataclass(frozen=True, slots=True, kw_only=True)
class LineToPrice:
    line_id: str
    gtin: str
    quantity: int
    unit_price: Money
    tax_rate: Decimal  # percent
    sold_by: SoldBy = SoldBy.EACH
    weight_g: int | None = None
    label_price: Money | None = None  # a price printed on the item: it is the line's price
    name: str = ""
    category: str = ""
    brand: str = ""
    department: str = ""
    deposit: Money | None = None  # per unit, charged on its own line
    snap_eligible: bool = False  # US: may be paid with SNAP/EBT benefits


@dataclass(frozen=True, slots=True, kw_only=True)
class Adjustment:
    """A discount on one line, with the promotion that gave it and why (for the receipt)."""

    line_id: str
    promotion_id: str
    description: str
    amount: Money  # positive: taken off the line


@dataclass(frozen=True, slots=True, kw_only=True)
class Hint:
    """What one more purchase would save: "add 1 more yogurt: 3 for €5"."""

    promotion_id: str
    message: str
    saving: Money  # what the shopper would save with it; zero where it can't be told


def line_gross(line: LineToPrice) -> Money:
    """What a line costs before promotions."""
    if line.label_price is not None:
        return line.label_price * line.quantity
    if line.sold_by is SoldBy.WEIGHT:
        if line.weight_g is None:
            raise ValueError(f"Line {line.line_id} is sold by weight but has no weight")
        return per_kg(line.unit_price, line.weight_g)
    return line.unit_price * line.quantity


def per_kg(price: Money, weight_g: int) -> Money:
    """A price per kg for a weight in grams, rounded half-up."""
    exact = price.amount * weight_g / 1000
    return Money.from_decimal(exact, price.currency, Rounding.HALF_UP)
