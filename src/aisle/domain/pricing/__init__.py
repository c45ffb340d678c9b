"""Pricing: a pure function of (lines, promotions, tax rules, time) that returns a result.

The screen and the receipt render from :class:`PricingResult`; nothing else computes a price.
:func:`price_lines` filters the live offers, lets the optimiser choose the combination that
makes the shopper's total lowest, shares each discount out to the lines to the cent, and adds
deposits and tax.
"""

from aisle.domain.pricing._engine import (
    DepositLine,
    PricedLine,
    PricingPolicy,
    PricingResult,
    TaxLine,
    TaxMode,
    TaxScope,
    price_lines,
)
from aisle.domain.pricing._facts import CatalogFacts, ProductFacts
from aisle.domain.pricing._file import (
    Problem,
    PromotionFileError,
    conflicts,
    parse_promotions,
    rule_document,
)
from aisle.domain.pricing._integer import warm_up
from aisle.domain.pricing._lines import Adjustment, Hint, LineToPrice, line_gross, per_kg
from aisle.domain.pricing._promotions import PriceReduction
from aisle.domain.pricing._rules import (
    AmountOff,
    Benefit,
    Bundle,
    BuyGet,
    Conditions,
    FixedPrice,
    Group,
    Multibuy,
    Offer,
    PercentOff,
    Shopper,
    SpendOffer,
    UnitOffer,
)

__all__ = [
    "Adjustment",
    "AmountOff",
    "Benefit",
    "Bundle",
    "BuyGet",
    "CatalogFacts",
    "Conditions",
    "DepositLine",
    "FixedPrice",
    "Group",
    "Hint",
    "LineToPrice",
    "Multibuy",
    "Offer",
    "PercentOff",
    "PriceReduction",
    "PricedLine",
    "PricingPolicy",
    "PricingResult",
    "Problem",
    "ProductFacts",
    "PromotionFileError",
    "Shopper",
    "SpendOffer",
    "TaxLine",
    "TaxMode",
    "TaxScope",
    "UnitOffer",
    "conflicts",
    "line_gross",
    "parse_promotions",
    "per_kg",
    "price_lines",
    "rule_document",
    "warm_up",
]
