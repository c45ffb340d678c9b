"""The store's catalog as the cart sees it: products, how they are sold, and tax classes.

A product sold by weight has a price per kilogram and is found by its PLU code; everything else
has a price per piece and is found by its GTIN.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from aisle.domain.money import Money

__all__ = ["NetContent", "Product", "SoldBy", "TaxClass"]


class SoldBy(StrEnum):
    EACH = "each"
    WEIGHT = "weight"


@dataclass(frozen=True, slots=True, kw_only=True)
class NetContent:
    """Declared net quantity of a package: grams, millilitres or a count."""

    amount: int
    unit: str  # "g", "ml" or "pcs"

    def __post_init__(self) -> None:
        if self.unit not in ("g", "ml", "pcs"):
            raise ValueError(f"Net content unit {self.unit!r}: expected 'g', 'ml' or 'pcs'")
        if self.amount <= 0:
            raise ValueError(f"Net content {self.amount} {self.unit}: expected a positive amount")

    def __str__(self) -> str:
        if self.unit in ("g", "ml") and self.amount >= 1000 and self.amount % 100 == 0:
            big = "kg" if self.unit == "g" else "l"
            return f"{Decimal(self.amount) / 1000:g} {big}"
        return f"{self.amount} {self.unit}"


@dataclass(frozen=True, slots=True, kw_only=True)
class TaxClass:
    """A named tax rate, in percent, such as ``standard`` at 25 %."""

    code: str
    name: str
    rate_percent: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Product:
    gtin: str  # 14-digit form; weighed produce gets a store-internal GTIN too
    name: str
    brand: str
    department: str
    price: Money  # per piece, or per kilogram when sold by weight
    tax_class: str
    sold_by: SoldBy = SoldBy.EACH
    net_content: NetContent | None = None
    plu: str | None = None
    age_restricted: bool = False
    aisle: str = ""
    shelf: str = ""

    def __post_init__(self) -> None:
        if self.price.minor < 0:
            raise ValueError(f"{self.name}: price {self.price} must not be negative")
        if self.sold_by is SoldBy.WEIGHT and self.plu is None:
            raise ValueError(f"{self.name}: a product sold by weight needs a PLU code")
