"""The store's catalog as the cart sees it: products, how they are sold, and tax classes.

A product sold by weight has a price per kilogram and is found by its PLU code; everything else
has a price per piece and is found by its GTIN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from aisle.domain.money import Money

__all__ = ["NetContent", "PriceChange", "Product", "SoldBy", "TaxClass", "parse_net_content"]


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
    """A named tax rate, in percent, such as ``standard`` at 25 %.

    ``snap_eligible`` (US stores): what is sold under this class may be paid with SNAP/EBT
    benefits, such as ``grocery`` at 0 %; prepared food, taxed, is not.
    """

    code: str
    name: str
    rate_percent: Decimal
    snap_eligible: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Product:
    gtin: str  # 14-digit form; weighed produce gets a store-internal GTIN too
    name: str
    brand: str
    department: str
    price: Money | None  # per piece, or per kg when sold by weight; None: not priced yet
    tax_class: str
    sold_by: SoldBy = SoldBy.EACH
    net_content: NetContent | None = None
    plu: str | None = None
    age_restricted: bool = False
    aisle: str = ""
    shelf: str = ""
    category: str = ""
    alternate_gtins: tuple[str, ...] = ()  # multipacks' inner codes, old codes, other forms
    deposit: Money | None = None  # a bottle deposit, charged on its own line, never discounted
    image_url: str = ""

    def __post_init__(self) -> None:
        if self.price is not None and self.price.minor < 0:
            raise ValueError(f"{self.name}: price {self.price} must not be negative")


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceChange:
    """A product's price from a moment on; never edited: a change is a new row."""

    gtin: str
    price: Money
    effective_from: datetime
    source: str = ""
    store: str = ""  # "" for every store of the chain; a store's own price wins over it


_UNITS: dict[str, tuple[str, Decimal]] = {
    # unit as written -> (NetContent unit, factor to it); US units are exact by definition
    "g": ("g", Decimal(1)),
    "gr": ("g", Decimal(1)),
    "kg": ("g", Decimal(1000)),
    "mg": ("g", Decimal("0.001")),
    "oz": ("g", Decimal("28.349523125")),
    "lb": ("g", Decimal("453.59237")),
    "lbs": ("g", Decimal("453.59237")),
    "ml": ("ml", Decimal(1)),
    "cl": ("ml", Decimal(10)),
    "dl": ("ml", Decimal(100)),
    "l": ("ml", Decimal(1000)),
    "lt": ("ml", Decimal(1000)),
    "fl oz": ("ml", Decimal("29.5735295625")),
    "floz": ("ml", Decimal("29.5735295625")),
    "pt": ("ml", Decimal("473.176473")),  # US liquid pint
    "quart": ("ml", Decimal("946.352946")),
    "qt": ("ml", Decimal("946.352946")),
    "gal": ("ml", Decimal("3785.411784")),
    "gallon": ("ml", Decimal("3785.411784")),
    # UN/ECE Recommendation 20 codes, as GS1 and USDA data write units
    "grm": ("g", Decimal(1)),
    "kgm": ("g", Decimal(1000)),
    "onz": ("g", Decimal("28.349523125")),
    "lbr": ("g", Decimal("453.59237")),
    "mlt": ("ml", Decimal(1)),
    "ltr": ("ml", Decimal(1000)),
    "oza": ("ml", Decimal("29.5735295625")),  # US fluid ounce
    "ea": ("pcs", Decimal(1)),
    "h87": ("pcs", Decimal(1)),
    "1n": ("pcs", Decimal(1)),
    "grams": ("g", Decimal(1)),
    "pieces": ("pcs", Decimal(1)),
    "pcs": ("pcs", Decimal(1)),
    "pc": ("pcs", Decimal(1)),
    "ko": ("pcs", Decimal(1)),  # Croatian "komad"
    "kom": ("pcs", Decimal(1)),
    "ct": ("pcs", Decimal(1)),
    "count": ("pcs", Decimal(1)),
}
_MULTIPACK = re.compile(r"^\s*(?P<count>[0-9]+)\s*[x\u00d7]\s*(?P<each>.+)$")
_QUANTITY = re.compile(
    r"^\s*(?P<amount>[0-9]+(?:[.,][0-9]+)?)\s*(?P<unit>[a-zA-Z1][a-zA-Z0-9 .]*?)\s*$"
)


def parse_net_content(text: str) -> NetContent:
    """Read a declared quantity as written on packs and price lists, to whole g, ml or pieces.

    Rounded half-up to the whole unit. Where several forms are given ("16 oz/454 g"), the first
    metric one wins.

    >>> parse_net_content("0.30 kg")
    NetContent(amount=300, unit='g')
    >>> parse_net_content("1,5 l")
    NetContent(amount=1500, unit='ml')
    >>> parse_net_content("32 ONZ")
    NetContent(amount=907, unit='g')
    >>> parse_net_content("8.5 oz (240 g)")
    NetContent(amount=240, unit='g')
    >>> parse_net_content("46 OZA")
    NetContent(amount=1360, unit='ml')
    >>> parse_net_content("6 x 330 ml")
    NetContent(amount=1980, unit='ml')
    >>> parse_net_content("12 fl oz/355 mL")
    NetContent(amount=355, unit='ml')
    >>> parse_net_content("100.00 m")
    Traceback (most recent call last):
    ...
    ValueError: unknown unit 'm' in '100.00 m': expected g, kg, ml, l, oz, lb, fl oz or pieces
    """
    # "8.5 oz (240 g)", "225 g e, 10 cookies": alternatives, and the e-mark of estimated quantity
    cleaned = re.sub(r"\s*\u212e|\s+e\b", "", text)
    parts = [part for part in re.split(r"[/();]|,\s", cleaned) if part.strip()]
    if not parts:
        raise ValueError(f"no quantity in {text!r}: expected something like '500 g' or '1 l'")
    parsed: list[tuple[NetContent, str]] = []
    problems: list[ValueError] = []
    for part in parts:
        try:
            parsed.append(_parse_one(part, text))
        except ValueError as problem:
            problems.append(problem)
    if not parsed:
        raise problems[0]
    metric = [p for p, unit in parsed if unit in ("g", "kg", "ml", "l", "cl", "dl")]
    return (metric or [p for p, _ in parsed])[0]


def _parse_one(part: str, whole: str) -> tuple[NetContent, str]:
    multipack = _MULTIPACK.match(part)
    count = 1
    if multipack is not None:
        count, part = int(multipack["count"]), multipack["each"]
    match = _QUANTITY.match(part)
    if match is None:
        raise ValueError(f"{whole!r} is not a quantity: expected something like '500 g' or '1 l'")
    unit_text = " ".join(match["unit"].lower().replace(".", " ").split())
    if unit_text not in _UNITS:
        raise ValueError(
            f"unknown unit {match['unit']!r} in {whole!r}: "
            "expected g, kg, ml, l, oz, lb, fl oz or pieces"
        )
    unit, factor = _UNITS[unit_text]
    exact = Decimal(match["amount"].replace(",", ".")) * factor * count
    amount = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if amount <= 0:
        raise ValueError(f"{whole!r} is less than one {unit}")
    return NetContent(amount=amount, unit=unit), unit_text
