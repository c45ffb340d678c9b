"""The pricing function and the values it works on.

Rounding rules, written down:
- a weighed line costs price-per-kg x grams / 1000, rounded half-up to the minor unit;
- tax is computed once per rate over the document (the EU VAT-summary way), with the policy's
  rounding rule (half-up by default): inclusive mode extracts ``net x r / (100 + r)`` from
  tax-inclusive prices, exclusive mode adds ``net x r / 100``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from aisle.domain.catalog import SoldBy
from aisle.domain.money import Money, Rounding


class TaxMode(StrEnum):
    INCLUSIVE = "inclusive"  # EU-style VAT: shelf prices include tax
    EXCLUSIVE = "exclusive"  # US-style sales tax: added at the till


@dataclass(frozen=True, slots=True, kw_only=True)
class PricingPolicy:
    currency: str
    tax_mode: TaxMode = TaxMode.INCLUSIVE
    tax_rounding: Rounding = Rounding.HALF_UP


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


@dataclass(frozen=True, slots=True, kw_only=True)
class Adjustment:
    """A discount on one line, with the promotion that gave it and why (for the receipt)."""

    line_id: str
    promotion_id: str
    description: str
    amount: Money  # positive: taken off the line


@dataclass(frozen=True, slots=True, kw_only=True)
class PricedLine:
    line_id: str
    gross: Money
    adjustments: tuple[Adjustment, ...]
    net: Money
    tax_rate: Decimal

    @property
    def discount(self) -> Money:
        return self.gross - self.net


@dataclass(frozen=True, slots=True, kw_only=True)
class TaxLine:
    rate: Decimal
    base: Money  # the amount the rate applied to: tax-inclusive in inclusive mode
    tax: Money
    net: Money  # without tax
    gross: Money  # with tax


@dataclass(frozen=True, slots=True, kw_only=True)
class PricingResult:
    currency: str
    lines: tuple[PricedLine, ...]
    subtotal: Money  # sum of gross line amounts
    discount_total: Money
    tax_total: Money
    total: Money  # what the shopper pays
    taxes: tuple[TaxLine, ...] = field(default=())

    def line(self, line_id: str) -> PricedLine:
        for priced in self.lines:
            if priced.line_id == line_id:
                return priced
        raise KeyError(line_id)


class PromotionEngine(Protocol):
    """Finds the discounts for a basket at a moment; must not exceed any line's gross amount."""

    def adjustments(
        self, lines: Sequence[LineToPrice], gross: dict[str, Money], at: datetime
    ) -> Sequence[Adjustment]: ...


def line_gross(line: LineToPrice) -> Money:
    """What a line costs before promotions."""
    if line.label_price is not None:
        return line.label_price * line.quantity
    if line.sold_by is SoldBy.WEIGHT:
        if line.weight_g is None:
            raise ValueError(f"Line {line.line_id} is sold by weight but has no weight")
        exact = line.unit_price.amount * line.weight_g / 1000
        return Money.from_decimal(exact, line.unit_price.currency, Rounding.HALF_UP)
    return line.unit_price * line.quantity


def price_lines(
    lines: Sequence[LineToPrice],
    promotions: PromotionEngine,
    policy: PricingPolicy,
    at: datetime,
) -> PricingResult:
    """Price a basket. Pure: the same inputs always give the same result."""
    zero = Money.zero(policy.currency)
    gross = {line.line_id: line_gross(line) for line in lines}
    by_line: dict[str, list[Adjustment]] = {line.line_id: [] for line in lines}
    for adjustment in promotions.adjustments(lines, gross, at):
        by_line[adjustment.line_id].append(adjustment)

    priced: list[PricedLine] = []
    base_by_rate: dict[Decimal, Money] = {}
    for line in lines:
        adjustments = tuple(by_line[line.line_id])
        discount = sum((a.amount for a in adjustments), zero)
        if discount.minor > gross[line.line_id].minor:
            raise ValueError(f"Discounts on line {line.line_id} exceed its amount")
        net = gross[line.line_id] - discount
        priced.append(
            PricedLine(
                line_id=line.line_id,
                gross=gross[line.line_id],
                adjustments=adjustments,
                net=net,
                tax_rate=line.tax_rate,
            )
        )
        base_by_rate[line.tax_rate] = base_by_rate.get(line.tax_rate, zero) + net

    taxes = tuple(_tax_line(rate, base, policy) for rate, base in sorted(base_by_rate.items()))
    subtotal = sum((p.gross for p in priced), zero)
    discount_total = sum((p.discount for p in priced), zero)
    tax_total = sum((t.tax for t in taxes), zero)
    net_total = subtotal - discount_total
    total = net_total if policy.tax_mode is TaxMode.INCLUSIVE else net_total + tax_total
    return PricingResult(
        currency=policy.currency,
        lines=tuple(priced),
        subtotal=subtotal,
        discount_total=discount_total,
        tax_total=tax_total,
        total=total,
        taxes=taxes,
    )


def _tax_line(rate: Decimal, base: Money, policy: PricingPolicy) -> TaxLine:
    if policy.tax_mode is TaxMode.INCLUSIVE:
        exact = base.amount * rate / (100 + rate)
    else:
        exact = base.amount * rate / 100
    tax = Money.from_decimal(exact, base.currency, policy.tax_rounding)
    if policy.tax_mode is TaxMode.INCLUSIVE:
        return TaxLine(rate=rate, base=base, tax=tax, net=base - tax, gross=base)
    return TaxLine(rate=rate, base=base, tax=tax, net=base, gross=base + tax)
