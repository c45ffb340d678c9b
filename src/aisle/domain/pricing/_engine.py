"""The pricing function and the values it works on.

Rounding rules, written down:
- a weighed line costs price-per-kg x grams / 1000, rounded half-up to the minor unit;
- promotions round as :mod:`aisle.domain.pricing._rules` says, and line discounts always sum
  exactly to each promotion's discount;
- tax is computed with the policy's rule (half-up or half-even) either once per rate over the
  document (the EU VAT-summary way, the default) or per line and then summed per rate:
  inclusive mode extracts ``net x r / (100 + r)`` from tax-inclusive prices, exclusive mode
  (US sales tax) adds ``net x r / 100``; tax is on what the shopper pays, after discounts;
- a bottle deposit is its own line: never discounted, never counted towards a spend offer, and
  untaxed unless the policy says deposits are taxed (then at the product's rate).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from aisle.domain.money import Money, Rounding
from aisle.domain.pricing._collector import collector_paused
from aisle.domain.pricing._lines import Adjustment, Hint, LineToPrice, line_gross
from aisle.domain.pricing._optimiser import optimise
from aisle.domain.pricing._rules import Offer, Shopper


class TaxMode(StrEnum):
    INCLUSIVE = "inclusive"  # EU-style VAT: shelf prices include tax
    EXCLUSIVE = "exclusive"  # US-style sales tax: added at the till


class TaxScope(StrEnum):
    DOCUMENT = "document"  # round once per rate over the whole receipt
    LINE = "line"  # round each line's tax, then add them up per rate


@dataclass(frozen=True, slots=True, kw_only=True)
class PricingPolicy:
    currency: str
    tax_mode: TaxMode = TaxMode.INCLUSIVE
    tax_rounding: Rounding = Rounding.HALF_UP
    tax_scope: TaxScope = TaxScope.DOCUMENT
    deposits_taxed: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class PricedLine:
    line_id: str
    gross: Money
    adjustments: tuple[Adjustment, ...]
    net: Money
    tax_rate: Decimal
    snap_eligible: bool = False

    @property
    def discount(self) -> Money:
        return self.gross - self.net


@dataclass(frozen=True, slots=True, kw_only=True)
class DepositLine:
    """A bottle deposit for a line's units: its own line, never discounted."""

    line_id: str
    quantity: int
    unit_amount: Money
    amount: Money
    tax_rate: Decimal  # 0 unless the policy taxes deposits


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
    total: Money  # what the shopper pays, deposits and (exclusive mode) tax included
    taxes: tuple[TaxLine, ...] = field(default=())
    deposits: tuple[DepositLine, ...] = field(default=())
    deposit_total: Money | None = None
    hints: tuple[Hint, ...] = field(default=())
    snap_eligible_total: Money | None = None  # what SNAP/EBT may pay (after discounts)

    def line(self, line_id: str) -> PricedLine:
        for priced in self.lines:
            if priced.line_id == line_id:
                return priced
        raise KeyError(line_id)


def price_lines(
    lines: Sequence[LineToPrice],
    offers: Sequence[Offer],
    policy: PricingPolicy,
    at: datetime,
    *,
    shopper: Shopper | None = None,
    store: str = "",
) -> PricingResult:
    """Price a basket at its best. Pure: the same inputs always give the same result.

    ``offers`` may hold offers that are not live: they are filtered here by time, store,
    membership and coupons.
    """
    who = shopper or Shopper()
    gross = {line.line_id: line_gross(line) for line in lines}
    live = [offer for offer in offers if offer.when.active(at, store, who)]
    with collector_paused():  # it could free nothing here: a tenth of the time (_collector)
        found = optimise(lines, gross, live, policy.currency)
    by_line: dict[str, list[Adjustment]] = {line.line_id: [] for line in lines}
    for adjustment in found.adjustments:
        by_line[adjustment.line_id].append(adjustment)

    priced: list[PricedLine] = []
    for line in lines:
        adjustments = tuple(by_line[line.line_id])
        discount = Money.total((a.amount for a in adjustments), policy.currency)
        if discount.minor > gross[line.line_id].minor:
            raise ValueError(f"Discounts on line {line.line_id} exceed its amount")
        priced.append(
            PricedLine(
                line_id=line.line_id,
                gross=gross[line.line_id],
                adjustments=adjustments,
                net=gross[line.line_id] - discount,
                tax_rate=line.tax_rate,
                snap_eligible=line.snap_eligible,
            )
        )

    deposits = tuple(
        DepositLine(
            line_id=line.line_id,
            quantity=line.quantity,
            unit_amount=line.deposit,
            amount=line.deposit * line.quantity,
            tax_rate=line.tax_rate if policy.deposits_taxed else Decimal(0),
        )
        for line in lines
        if line.deposit is not None and line.deposit.minor > 0
    )
    taxable: list[tuple[Decimal, Money]] = [(p.tax_rate, p.net) for p in priced]
    taxable += [(d.tax_rate, d.amount) for d in deposits]
    taxes = _taxes(taxable, policy)
    subtotal = Money.total((p.gross for p in priced), policy.currency)
    discount_total = Money.total((p.discount for p in priced), policy.currency)
    deposit_total = Money.total((d.amount for d in deposits), policy.currency)
    tax_total = Money.total((t.tax for t in taxes), policy.currency)
    total = subtotal - discount_total + deposit_total
    if policy.tax_mode is TaxMode.EXCLUSIVE:
        total += tax_total
    return PricingResult(
        currency=policy.currency,
        lines=tuple(priced),
        subtotal=subtotal,
        discount_total=discount_total,
        tax_total=tax_total,
        total=total,
        taxes=taxes,
        deposits=deposits,
        deposit_total=deposit_total,
        hints=tuple(found.hints),
        snap_eligible_total=Money.total(
            (p.net for p in priced if p.snap_eligible), policy.currency
        ),
    )


def _taxes(taxable: Sequence[tuple[Decimal, Money]], policy: PricingPolicy) -> tuple[TaxLine, ...]:
    currency = policy.currency
    base_by_rate: dict[Decimal, int] = {}  # minor units
    tax_by_rate: dict[Decimal, int] = {}
    for rate, amount in taxable:
        if amount.currency != currency:
            raise ValueError(f"Cannot combine {currency} with {amount.currency}")
        base_by_rate[rate] = base_by_rate.get(rate, 0) + amount.minor
        if policy.tax_scope is TaxScope.LINE:
            tax_by_rate[rate] = tax_by_rate.get(rate, 0) + _tax(rate, amount, policy).minor
    lines = []
    for rate, minor in sorted(base_by_rate.items()):
        base = Money(minor=minor, currency=currency)
        if policy.tax_scope is TaxScope.LINE:
            tax = Money(minor=tax_by_rate[rate], currency=currency)
        else:
            tax = _tax(rate, base, policy)
        if policy.tax_mode is TaxMode.INCLUSIVE:
            lines.append(TaxLine(rate=rate, base=base, tax=tax, net=base - tax, gross=base))
        else:
            lines.append(TaxLine(rate=rate, base=base, tax=tax, net=base, gross=base + tax))
    return tuple(lines)


def _tax(rate: Decimal, base: Money, policy: PricingPolicy) -> Money:
    if policy.tax_mode is TaxMode.INCLUSIVE:
        exact = base.amount * rate / (100 + rate)
    else:
        exact = base.amount * rate / 100
    return Money.from_decimal(exact, base.currency, policy.tax_rounding)
