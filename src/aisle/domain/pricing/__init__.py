"""Pricing: a pure function of (lines, promotions, tax rules, time) that returns a result.

The screen and the receipt render from :class:`PricingResult`; nothing else computes a price.
Promotions plug in through :class:`PromotionEngine`; the foundation ships one engine, temporary
price reductions, and the full optimising engine replaces it behind the same seam.
"""

from aisle.domain.pricing._engine import (
    Adjustment,
    LineToPrice,
    PricedLine,
    PricingPolicy,
    PricingResult,
    PromotionEngine,
    TaxLine,
    TaxMode,
    line_gross,
    price_lines,
)
from aisle.domain.pricing._promotions import NoPromotions, PriceReduction, PriceReductions

__all__ = [
    "Adjustment",
    "LineToPrice",
    "NoPromotions",
    "PriceReduction",
    "PriceReductions",
    "PricedLine",
    "PricingPolicy",
    "PricingResult",
    "PromotionEngine",
    "TaxLine",
    "TaxMode",
    "line_gross",
    "price_lines",
]
