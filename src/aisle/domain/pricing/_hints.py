"""Upsell hints: what one more item, or a little more spend, would save."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from aisle.domain.money import Money
from aisle.domain.pricing._lines import Hint, LineToPrice
from aisle.domain.pricing._programme import percent_of
from aisle.domain.pricing._rules import BuyGet, Multibuy

if TYPE_CHECKING:
    from aisle.domain.pricing._optimiser import Found, _Problem, _Spend


def upsell_hints(
    problem: _Problem,
    lines: Sequence[LineToPrice],
    currency: str,
    found: Found,
) -> tuple[Hint, ...]:
    """What one more purchase would save: one or two more units of a multibuy or "buy k get j",
    or a little more spend on a threshold.

    The saving is the new application's, made of the group's units that no offer took and the
    cheapest covered product: an estimate (pricing the basket again would be exact, and would
    cost a whole solve per hint on every scan).
    """
    hints: list[Hint] = []
    taken = {a.line_id for a in found.adjustments}
    for index, offer in enumerate(problem.items):
        if not isinstance(offer, Multibuy | BuyGet):
            continue
        covered = sorted(problem.covered[index], key=lambda ci: problem.classes[ci].gross)
        if not covered:
            continue
        size = offer.quantity if isinstance(offer, Multibuy) else offer.buy + offer.get
        units = sum(problem.classes[ci].count for ci in covered)
        missing = -units % size
        if not missing or missing > 2:
            continue
        cheapest = problem.classes[covered[0]]
        template = next(line for line in lines if line.line_id == cheapest.line_ids[0])
        saving = _upsell_saving(problem, offer, covered, taken, missing)
        if saving <= 0:
            continue
        what = offer.group.name or template.name or "item"
        hints.append(
            Hint(
                promotion_id=offer.id,
                message=f"Add {missing} more {what}: {offer.name}",
                saving=Money(minor=saving, currency=currency),
            )
        )
    for spend in problem.spends:
        if spend.mode != "in-doubt":
            continue
        paid = _paid_towards(problem, spend, found)
        short = spend.threshold - paid
        if 0 < short <= spend.threshold // 2:
            what = spend.offer.group.name or ("your shop" if spend.offer.group.everything else "")
            hints.append(
                Hint(
                    promotion_id=spend.offer.id,
                    message=(
                        f"Spend {Money(minor=short, currency=currency)} more"
                        f"{' on ' + what if what else ''}: {spend.offer.name}"
                    ),
                    saving=Money(minor=spend.amount, currency=currency),
                )
            )
    return tuple(hints)


def _upsell_saving(
    problem: _Problem,
    offer: Multibuy | BuyGet,
    covered: list[int],
    taken: set[str],
    missing: int,
) -> int:
    free = sorted(
        (
            problem.classes[ci].gross
            for ci in covered
            for line_id in problem.classes[ci].line_ids
            if line_id not in taken
        ),
        reverse=True,
    )
    cheapest = problem.classes[covered[0]].gross
    if isinstance(offer, Multibuy):
        joined = free[: offer.quantity - missing]
        if len(joined) + missing != offer.quantity:
            return 0
        return sum(joined) + missing * cheapest - offer.price.minor
    joined = free[: offer.buy + offer.get - missing] + [cheapest] * missing
    if len(joined) != offer.buy + offer.get:
        return 0
    return sum(percent_of(g, offer.percent_off) for g in sorted(joined)[: offer.get])


def _paid_towards(problem: _Problem, spend: _Spend, found: Found) -> int:
    """What the qualifying lines cost after the chosen item offers (a hint's estimate)."""
    discounts: dict[str, int] = {}
    for adjustment in found.adjustments:
        if adjustment.promotion_id != spend.offer.id:
            discounts[adjustment.line_id] = (
                discounts.get(adjustment.line_id, 0) + adjustment.amount.minor
            )
    paid = 0
    seen: set[str] = set()
    for ci in spend.classes:
        cls = problem.classes[ci]
        paid += cls.gross * cls.count
        for line_id in cls.line_ids:
            if line_id not in seen:
                seen.add(line_id)
                paid -= discounts.get(line_id, 0)
    return paid
