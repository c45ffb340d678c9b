"""Reading the weight, price or count that a store printed into a restricted-circulation number.

Weights become whole grams and prices whole minor units of the store's currency; both round half
up, which only ever matters for a custom layout with more decimals than that.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from biip import ParseConfig, ParseError
from biip.checksums import gs1_price_weight_check_digit, gs1_standard_check_digit
from biip.gtin import Gtin as BiipGtin
from biip.gtin import GtinFormat
from biip.rcn import Rcn, RcnUsage

from aisle.domain.barcodes import _refusals
from aisle.domain.barcodes._codes import VariableMeasure
from aisle.domain.barcodes._rules import MeasureKind, ScanRules, VariableMeasureRule
from aisle.domain.money import CURRENCY_EXPONENTS

__all__ = ["grams", "minor_units", "read_variable_measure"]

_GRAMS_PER_KG = Decimal(1000)


def grams(kilograms: Decimal) -> int:
    """Kilograms as whole grams, half up.

    >>> grams(Decimal("1.2345"))
    1235
    """
    return int((kilograms * _GRAMS_PER_KG).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def minor_units(amount: Decimal, currency: str) -> int:
    """A major-unit amount as whole minor units of ``currency``, half up.

    >>> minor_units(Decimal("12.5"), "EUR")
    1250
    """
    scaled = amount.scaleb(CURRENCY_EXPONENTS[currency])
    return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def read_variable_measure(gtin: BiipGtin, rules: ScanRules) -> VariableMeasure | None:
    """The store label in a GTIN-12/13, or None when these rules see no measure in it.

    >>> from aisle.domain.barcodes._rules import rules_preset
    >>> read_variable_measure(BiipGtin.parse("2145739012349"), rules_preset("hr"))
    VariableMeasure(item_gtin14='02145739000001', raw='2145739012349', weight_g=1234, price_minor=None, count=None)
    """  # noqa: E501
    if not isinstance(gtin, Rcn) or gtin.format not in (GtinFormat.GTIN_12, GtinFormat.GTIN_13):
        return None
    code13 = gtin.as_gtin_13()
    printed = code13 if gtin.format is GtinFormat.GTIN_13 else code13[1:]
    for rule in rules.variable_measure:
        if rule.matches(code13):
            return _by_rule(rule, code13, printed, rules.currency)
    if rules.region is None or gtin.usage is not RcnUsage.GEOGRAPHICAL:
        return None
    return _by_region(code13, printed, rules)


def _by_rule(
    rule: VariableMeasureRule, code13: str, printed: str, currency: str
) -> VariableMeasure:
    digits = list(code13 if rule.length == 13 else code13[1:])
    start, end = rule.value_start, rule.value_start + rule.value_length
    value = "".join(digits[start:end])
    zeroed = "0" * rule.value_length
    if rule.check_digit_at is not None:
        if gs1_price_weight_check_digit(value) != int(digits[rule.check_digit_at]):
            raise _refusals.misread(printed)
        digits[rule.check_digit_at] = str(gs1_price_weight_check_digit(zeroed))
    digits[start:end] = list(zeroed)
    payload = "".join(digits[:-1])
    key = f"{payload}{gs1_standard_check_digit(payload)}".zfill(14)
    amount = Decimal(value).scaleb(-rule.decimals)
    return _measure(rule.value_kind, amount, key, printed, currency)


def _by_region(code13: str, printed: str, rules: ScanRules) -> VariableMeasure | None:
    try:
        rcn = BiipGtin.parse(code13, config=ParseConfig(rcn_region=rules.region))
    except ParseError:  # the region's price/weight check digit did not match
        raise _refusals.misread(printed) from None
    assert isinstance(rcn, Rcn)
    kind: MeasureKind
    if rcn.weight is not None:
        kind, amount = "weight", rcn.weight
    elif rcn.price is not None:
        kind, amount = "price", rcn.price
    elif rcn.count is not None:
        kind, amount = "count", Decimal(rcn.count)
    else:  # the region has no layout for this prefix
        return None
    key = rcn.without_variable_measure().as_gtin_14()
    return _measure(kind, amount, key, printed, rules.currency)


def _measure(
    kind: MeasureKind, amount: Decimal, key: str, printed: str, currency: str
) -> VariableMeasure:
    if kind == "weight":
        return VariableMeasure(item_gtin14=key, raw=printed, weight_g=grams(amount))
    if kind == "price":
        return VariableMeasure(
            item_gtin14=key, raw=printed, price_minor=minor_units(amount, currency)
        )
    return VariableMeasure(item_gtin14=key, raw=printed, count=int(amount))
