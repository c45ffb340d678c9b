"""A store's scanning rules: how its weighed and priced labels are laid out, and its coupons.

Restricted-circulation numbers (EAN-13 prefixes 02 and 20-29, UPC-A number system 2) mean what
the GS1 office of the store's country says they mean. For the countries biip knows (``region``,
an `biip.rcn.RcnRegion` value) biip reads them; for the others, and for a store's own in-house
layouts, `VariableMeasureRule` describes where the value sits. A store's own rules are tried
first, in order, then biip's rules for its region; a restricted number that neither covers is
looked up as the plain GTIN it is.

>>> rules_preset("us").variable_measure == (US_UPC_A_PRICE,)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from biip.rcn import RcnRegion

from aisle.domain.money import CURRENCY_EXPONENTS

__all__ = [
    "CROATIA_EAN13",
    "DEFAULT_RULES",
    "IN_STORE_EAN13",
    "PRESETS",
    "US_UPC_A_PRICE",
    "US_UPC_A_PRICE_CHECKED",
    "MeasureKind",
    "ScanRules",
    "VariableMeasureRule",
    "rules_preset",
]

#: What the value digits hold: a weight in kilograms, a price in the currency's major unit, or a
#: count of pieces, each with `VariableMeasureRule.decimals` decimal places.
MeasureKind = Literal["weight", "price", "count"]

_RESTRICTED_13 = ("02", "04", *(f"{d}" for d in range(20, 30)), *(f"{d}" for d in range(40, 50)))


@dataclass(frozen=True, slots=True, kw_only=True)
class VariableMeasureRule:
    """Where the weight, price or count sits in one store label layout.

    Positions count from 0 in the code as printed: ``length`` 13 for EAN-13, 12 for UPC-A; the
    last digit is the code's check digit. ``check_digit_at`` is the position of the GS1 price or
    weight check digit over a 4- or 5-digit value, for layouts that have one.

    >>> rule = VariableMeasureRule(prefix="28", value_kind="weight", value_start=7,
    ...                            value_length=5, decimals=3)
    >>> rule.matches("2801234012344")
    True
    >>> VariableMeasureRule(prefix="30", value_kind="weight", value_start=7, value_length=5)
    Traceback (most recent call last):
    ...
    ValueError: Variable-measure prefix '30' is not a restricted-circulation prefix: expected 02, 04, 20-29 or 40-49 for EAN-13
    """  # noqa: E501

    prefix: str
    value_kind: MeasureKind
    value_start: int
    value_length: int
    decimals: int = 0
    length: Literal[12, 13] = 13
    check_digit_at: int | None = None

    def __post_init__(self) -> None:
        if self.length not in (12, 13):
            raise ValueError(
                f"Variable-measure layout length {self.length!r}: expected 13 (EAN-13) "
                "or 12 (UPC-A)"
            )
        self._check_prefix()
        if self.value_kind not in ("weight", "price", "count"):
            raise ValueError(
                f"Variable-measure value kind {self.value_kind!r}: "
                "expected 'weight', 'price' or 'count'"
            )
        first, last = len(self.prefix), self.length - 2
        end = self.value_start + self.value_length - 1
        if not (1 <= self.value_length <= 6 and first <= self.value_start and end <= last):
            raise ValueError(
                f"Variable-measure value at {self.value_start}-{end} in {self.prefix!r} layout: "
                f"expected 1 to 6 digits between the prefix and the check digit "
                f"(positions {first}-{last})"
            )
        if not 0 <= self.decimals <= self.value_length or (
            self.value_kind == "count" and self.decimals
        ):
            raise ValueError(
                f"Variable-measure decimals {self.decimals!r} for a {self.value_length}-digit "
                f"{self.value_kind}: expected 0 to {self.value_length} (0 for a count)"
            )
        if self.check_digit_at is not None:
            self._check_check_digit(first, last, end)

    def _check_prefix(self) -> None:
        ok = 1 <= len(self.prefix) <= 3 and self.prefix.isascii() and self.prefix.isdigit()
        if self.length == 13:
            ok = ok and (
                self.prefix[:2] in _RESTRICTED_13 or (len(self.prefix) == 1 and self.prefix in "24")
            )
            expected = "02, 04, 20-29 or 40-49 for EAN-13"
        else:
            ok = ok and self.prefix[0] in "24"
            expected = "2 or 4 for UPC-A"
        if not ok:
            raise ValueError(
                f"Variable-measure prefix {self.prefix!r} is not a restricted-circulation prefix: "
                f"expected {expected}"
            )

    def _check_check_digit(self, first: int, last: int, end: int) -> None:
        at = self.check_digit_at
        assert at is not None
        if not first <= at <= last or self.value_start <= at <= end:
            raise ValueError(
                f"Variable-measure check digit at {at}: expected a position between "
                f"{first} and {last}, outside the value at {self.value_start}-{end}"
            )
        if self.value_length not in (4, 5):
            raise ValueError(
                f"Variable-measure check digit over a {self.value_length}-digit value: GS1 "
                "price/weight check digits cover 4 or 5 digits"
            )

    def matches(self, code13: str) -> bool:
        """Whether a code, in its 13-digit form, has this layout's prefix."""
        if self.length == 13:
            return code13.startswith(self.prefix)
        return code13.startswith("0") and code13[1:].startswith(self.prefix)


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanRules:
    """How one store reads its scans.

    ``region`` is the lowercase country code of a biip `RcnRegion` (``"se"``, ``"de"``, ``"gb"``
    ...) or None; ``variable_measure`` the store's own layouts, tried in order before biip's;
    ``currency`` the ISO 4217 code that embedded prices are in; ``coupon_prefixes`` the starts
    of the store's own coupon codes, which win over every other reading of a scan (choose ones
    that no product code starts with).

    >>> ScanRules(region="hr")
    Traceback (most recent call last):
    ...
    ValueError: RCN region 'hr' is not one biip knows: expected one of de, dk, ee, fi, gb, lt, lv, no, se or None (use variable_measure rules instead)
    """  # noqa: E501

    region: str | None = None
    variable_measure: tuple[VariableMeasureRule, ...] = ()
    currency: str = "EUR"
    coupon_prefixes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        known = sorted(region.value for region in RcnRegion)
        if self.region is not None and self.region not in known:
            raise ValueError(
                f"RCN region {self.region!r} is not one biip knows: expected one of "
                f"{', '.join(known)} or None (use variable_measure rules instead)"
            )
        if self.currency not in CURRENCY_EXPONENTS:
            known_currencies = ", ".join(sorted(CURRENCY_EXPONENTS))
            raise ValueError(f"Currency {self.currency!r}: expected one of {known_currencies}")
        exponent = CURRENCY_EXPONENTS[self.currency]
        for rule in self.variable_measure:
            if rule.value_kind == "price" and rule.decimals > exponent:
                raise ValueError(
                    f"Variable-measure prices under prefix {rule.prefix!r} have {rule.decimals} "
                    f"decimals: {self.currency} has {exponent}"
                )
        for prefix in self.coupon_prefixes:
            if not prefix or prefix != prefix.strip() or prefix.startswith("]"):
                raise ValueError(
                    f"Coupon prefix {prefix!r}: expected the non-empty start of a code, "
                    "without spaces or a symbology identifier"
                )


#: US UPC-A random-weight labels, ``2 IIIII PPPPP C``: a 5-digit item, the price in cents.
US_UPC_A_PRICE = VariableMeasureRule(
    prefix="2", length=12, value_kind="price", value_start=6, value_length=5, decimals=2
)

#: The other common US layout, ``2 IIIII V PPPP C``: a 5-digit item, a price check digit, and
#: the price in cents (up to 99.99).
US_UPC_A_PRICE_CHECKED = VariableMeasureRule(
    prefix="2",
    length=12,
    value_kind="price",
    value_start=7,
    value_length=4,
    decimals=2,
    check_digit_at=6,
)


def _in_store(prefix: str, kind: MeasureKind) -> VariableMeasureRule:
    return VariableMeasureRule(
        prefix=prefix,
        value_kind=kind,
        value_start=7,
        value_length=5,
        decimals=2 if kind == "price" else 3,
    )


#: A typical in-store EAN-13 layout, ``2X IIIII VVVVV C``: price in cents under 20-27, weight in
#: grams under 28 and 29 (the split most national rules in biip follow: low prefixes price, high
#: ones weight, as in Germany's 28/29).
IN_STORE_EAN13: tuple[VariableMeasureRule, ...] = (
    *(_in_store(f"2{d}", "price") for d in range(8)),
    _in_store("28", "weight"),
    _in_store("29", "weight"),
)

#: Croatia (no biip region). Konzum's price lists carry weighed items under 21 with the value
#: digits zeroed (``2145739000001``, octopus sold by the kilogram), which fits ``21 IIIII VVVVV
#: C`` with the weight in grams; its 20-codes are whole items sold by the piece (``2011171540101``,
#: one avocado) and stay plain GTINs. Other prefixes have no published layout: they are looked
#: up as they are until the store adds its own rule.
CROATIA_EAN13: tuple[VariableMeasureRule, ...] = (_in_store("21", "weight"),)

#: Looks every restricted-circulation number up as the plain GTIN it is.
DEFAULT_RULES = ScanRules()

_REGION_CURRENCY = {
    "dk": "DKK",
    "de": "EUR",
    "ee": "EUR",
    "fi": "EUR",
    "gb": "GBP",
    "lt": "EUR",
    "lv": "EUR",
    "no": "NOK",
    "se": "SEK",
}

#: Named starting points for a store's settings; adjust one with `dataclasses.replace`.
PRESETS = MappingProxyType(
    {
        "default": DEFAULT_RULES,
        "us": ScanRules(currency="USD", variable_measure=(US_UPC_A_PRICE,)),
        "us-price-check": ScanRules(currency="USD", variable_measure=(US_UPC_A_PRICE_CHECKED,)),
        "in-store": ScanRules(variable_measure=IN_STORE_EAN13),
        "hr": ScanRules(currency="EUR", variable_measure=CROATIA_EAN13),
        **{
            region: ScanRules(region=region, currency=currency)
            for region, currency in _REGION_CURRENCY.items()
        },
    }
)


def rules_preset(name: str) -> ScanRules:
    """The preset called ``name``, or an error that lists the ones there are.

    >>> rules_preset("se").currency
    'SEK'
    >>> rules_preset("xx")
    Traceback (most recent call last):
    ...
    ValueError: No scanning preset 'xx': expected one of de, default, dk, ee, fi, gb, hr, in-store, lt, lv, no, se, us, us-price-check
    """  # noqa: E501
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(
            f"No scanning preset {name!r}: expected one of {', '.join(sorted(PRESETS))}"
        ) from None
