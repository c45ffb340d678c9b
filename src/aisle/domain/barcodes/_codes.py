"""The kinds of code a scan can be: what the cart looks up, weighs, prices or redeems."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from biip.checksums import gs1_standard_check_digit

__all__ = [
    "Coupon",
    "CouponScheme",
    "Gs1Data",
    "Gs1Source",
    "Gtin",
    "Plu",
    "ScannedCode",
    "VariableMeasure",
]

#: Where a coupon's rules come from: a GS1 EAN-13 coupon (prefixes 981-984 and 99), a North
#: American GS1 DataBar coupon (AI 8110 or 8112), or the store's own coupon prefixes.
CouponScheme = Literal["gs1", "gs1-north-america", "store"]

#: The carrier a GS1 element string came in, from its symbology identifier; ``element-string``
#: when the scanner sent none, ``hri`` for the bracketed text printed under the bars.
Gs1Source = Literal[
    "gs1-128", "databar", "datamatrix", "qr", "dotcode", "digital-link", "element-string", "hri"
]


def _check_gtin14(value: str, owner: str) -> None:
    if len(value) != 14 or not value.isascii() or not value.isdigit():
        raise ValueError(f"{owner} {value!r}: expected the 14-digit form of a GTIN")
    if gs1_standard_check_digit(value[:-1]) != int(value[-1]):
        raise ValueError(f"{owner} {value!r}: expected a valid GS1 check digit")


@dataclass(frozen=True, slots=True, kw_only=True)
class Gtin:
    """A GTIN-8/12/13/14 (UPC-E expanded to UPC-A) with a valid check digit, in 14-digit form.

    >>> Gtin(gtin14="04006381333931").display
    '4006381333931'
    """

    gtin14: str

    def __post_init__(self) -> None:
        _check_gtin14(self.gtin14, "Gtin")

    @property
    def display(self) -> str:
        """The shortest usual form: GTIN-13 (EAN) or GTIN-8, as printed under the bars."""
        stripped = self.gtin14.lstrip("0")
        if len(stripped) <= 8:
            return self.gtin14[-8:]
        if len(stripped) <= 13:
            return self.gtin14[-13:]
        return self.gtin14


@dataclass(frozen=True, slots=True, kw_only=True)
class Plu:
    """A produce price look-up code (IFPS): 4 digits, or 5 with a leading 9 for organic.

    A PLU has no check digit and carries no weight: the cart's scale weighs what is sold by
    weight, and the catalog says which PLUs are sold by the piece.

    >>> Plu(code="94011").organic
    True
    """

    code: str

    def __post_init__(self) -> None:
        plain = len(self.code) == 4
        organic = len(self.code) == 5 and self.code.startswith("9")
        if not (self.code.isascii() and self.code.isdigit() and (plain or organic)):
            raise ValueError(f"Plu {self.code!r}: expected 4 digits, or 5 starting with 9")

    @property
    def organic(self) -> bool:
        """The IFPS 9-prefix: the organically grown version of the 4-digit PLU's produce."""
        return len(self.code) == 5


@dataclass(frozen=True, slots=True, kw_only=True)
class VariableMeasure:
    """A store label with the weight, price or count printed into a restricted-circulation number.

    ``item_gtin14`` is the key the store files the item under: the scanned code with every digit
    of the embedded value set to zero, its price/weight check digit (if the layout has one)
    recomputed for the zeroed value, and the GTIN check digit recomputed, in 14-digit form. So
    ``2145739012349`` (item 45739, 1.234 kg) and ``2145739004566`` (0.456 kg) are both the item
    ``02145739000001``, which is what the catalog lists. ``raw`` is the code as printed (13 digits,
    12 for a UPC-A). Exactly one of ``weight_g``, ``price_minor`` (minor units of the store's
    currency) and ``count`` is set. A zero value is kept as it is: it is the bare item key, as on a
    shelf-edge label, and the item still has to be weighed or priced.
    """

    item_gtin14: str
    raw: str
    weight_g: int | None = None
    price_minor: int | None = None
    count: int | None = None

    def __post_init__(self) -> None:
        _check_gtin14(self.item_gtin14, "VariableMeasure item")
        values = [v for v in (self.weight_g, self.price_minor, self.count) if v is not None]
        if len(values) != 1 or values[0] < 0:
            raise ValueError(
                f"VariableMeasure {self.raw!r}: expected exactly one of weight_g, price_minor and "
                f"count, not negative; got {self.weight_g!r}, {self.price_minor!r}, {self.count!r}"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class Gs1Data:
    """A product identified by a GS1 element string or Digital Link, with what the code adds.

    ``expiry`` is AI 17 (use by / expiry), ``best_before`` AI 15, ``batch`` AI 10 (batch or lot),
    ``serial`` AI 21. ``net_weight_g`` comes from AI 310n (kilograms) or 320n (pounds, at the
    exact 453.59237 g), rounded half up to whole grams; ``price_minor`` from AI 392n (or 393n in
    the store's currency), in minor units of the store's currency. A code that carries nothing
    but its GTIN is a plain `Gtin`. Two-digit years are read with GS1's sliding window (General
    Specifications 7.12, as biip does it): up to 49 years back and 50 ahead of the current year.
    """

    gtin14: str
    source: Gs1Source
    expiry: date | None = None
    best_before: date | None = None
    batch: str | None = None
    serial: str | None = None
    net_weight_g: int | None = None
    price_minor: int | None = None

    def __post_init__(self) -> None:
        _check_gtin14(self.gtin14, "Gs1Data GTIN")


@dataclass(frozen=True, slots=True, kw_only=True)
class Coupon:
    """A coupon: the code to look up in the store's offers, and whose rules it follows."""

    code: str
    scheme: CouponScheme


ScannedCode = Gtin | Plu | VariableMeasure | Gs1Data | Coupon
