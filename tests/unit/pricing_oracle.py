"""A brute-force oracle for the best price: tries every way the rules allow, keeps the best.

It reads the rules of ``aisle.domain.pricing._rules`` afresh and shares no code with the
optimiser: every unit tries every offer it may take, every "buy k get j" tries every way to cut
its units into applications, and the spend offers are evaluated on the result. Only small baskets
(a handful of units) are within its reach, which is what the property tests give it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from aisle.domain.catalog import SoldBy
from aisle.domain.pricing import (
    AmountOff,
    Bundle,
    BuyGet,
    FixedPrice,
    LineToPrice,
    Multibuy,
    Offer,
    SpendOffer,
    UnitOffer,
    line_gross,
    per_kg,
)


@dataclass(frozen=True)
class _Unit:
    line: LineToPrice
    gross: int

    @property
    def weighed(self) -> bool:
        return self.line.sold_by is SoldBy.WEIGHT and self.line.label_price is None

    @property
    def final(self) -> bool:
        return self.line.label_price is not None


def _pct(minor: int, percent: Decimal) -> int:
    return int((Decimal(minor) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _covers(offer_group: object, unit: _Unit) -> bool:
    line = unit.line
    return offer_group.covers(line.gtin, line.category, line.brand, line.department)  # type: ignore[attr-defined]


def _unit_disc(unit: _Unit, offer: UnitOffer) -> int:
    benefit = offer.benefit
    if unit.weighed:
        weight = unit.line.weight_g or 0
        if isinstance(benefit, FixedPrice):
            return max(0, unit.gross - per_kg(benefit.price, weight).minor)
        if isinstance(benefit, AmountOff):
            return min(unit.gross, per_kg(benefit.amount, weight).minor)
        return _pct(unit.gross, benefit.percent)
    if isinstance(benefit, FixedPrice):
        return max(0, unit.gross - benefit.price.minor)
    if isinstance(benefit, AmountOff):
        return min(unit.gross, benefit.amount.minor)
    return _pct(unit.gross, benefit.percent)


def _choices(unit: _Unit, items: Sequence[Offer]) -> list[tuple[int, int] | None]:
    found: list[tuple[int, int] | None] = [None]
    if unit.final:
        return found
    for index, offer in enumerate(items):
        if isinstance(offer, UnitOffer):
            if _covers(offer.group, unit) and _unit_disc(unit, offer) > 0:
                found.append((index, 0))
        elif unit.weighed:
            continue
        elif isinstance(offer, Multibuy | BuyGet):
            if _covers(offer.group, unit):
                found.append((index, 0))
        elif isinstance(offer, Bundle):
            for slot, group in enumerate(offer.slots):
                if _covers(group, unit):
                    found.append((index, slot))
    return found


def _partitions(items: list[int], size: int) -> Iterator[list[list[int]]]:
    """Every way to cut ``items`` into groups of ``size`` (order of groups ignored)."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for others in itertools.combinations(rest, size - 1):
        remaining = [i for i in rest if i not in others]
        for tail in _partitions(remaining, size):
            yield [[first, *others], *tail]


def best_saving(lines: Sequence[LineToPrice], offers: Sequence[Offer]) -> int:
    """The largest total saving any allowed combination gives (minor units)."""
    units: list[_Unit] = []
    for line in lines:
        if line.sold_by is SoldBy.WEIGHT and line.label_price is None:
            units.append(_Unit(line, line_gross(line).minor))
        else:
            unit_price = line.label_price or line.unit_price
            units.extend(_Unit(line, unit_price.minor) for _ in range(line.quantity))
    items = [o for o in offers if not isinstance(o, SpendOffer)]
    spends = [o for o in offers if isinstance(o, SpendOffer)]
    eligible = {
        i: {
            u for u, unit in enumerate(units) if any(c and c[0] == i for c in _choices(unit, items))
        }
        for i in range(len(items))
    }
    best = 0
    for assignment in itertools.product(*(_choices(u, items) for u in units)):
        for outcome in _outcomes(units, items, assignment):
            saving, nets, parts_of = outcome
            saving += _spend_savings(units, items, spends, assignment, nets, parts_of, eligible)
            best = max(best, saving)
    return best


def _outcomes(
    units: list[_Unit], items: list[Offer], assignment: tuple[tuple[int, int] | None, ...]
) -> Iterator[tuple[int, list[int], list[tuple[list[int], int]]]]:
    """For one assignment of units to offers: (item saving, net per unit, whole-priced parts)."""
    by_offer: dict[int, list[tuple[int, int]]] = {}
    for u, choice in enumerate(assignment):
        if choice is not None:
            by_offer.setdefault(choice[0], []).append((u, choice[1]))
    saving = 0
    nets = [unit.gross for unit in units]
    parts: list[tuple[list[int], int]] = []  # applications priced as a whole, with the price
    buyget_ways: list[tuple[BuyGet, list[list[list[int]]]]] = []
    for index, taken in by_offer.items():
        offer = items[index]
        limit = offer.when.max_applications
        members = [u for u, _ in taken]
        if isinstance(offer, UnitOffer):
            if limit is not None and len(members) > limit:
                return
            for u in members:
                disc = _unit_disc(units[u], offer)
                saving += disc
                nets[u] -= disc
        elif isinstance(offer, Multibuy):
            if len(members) % offer.quantity:
                return
            apps = len(members) // offer.quantity
            if limit is not None and apps > limit:
                return
            if not any(  # no application may cost more than its units
                all(sum(units[u].gross for u in app) >= offer.price.minor for app in cut)
                for cut in _partitions(members, offer.quantity)
            ):
                return
            saving += sum(units[u].gross for u in members) - offer.price.minor * apps
            parts.extend(
                (members[i : i + offer.quantity], offer.price.minor)
                for i in range(0, len(members), offer.quantity)
            )
        elif isinstance(offer, Bundle):
            per_slot = [[u for u, s in taken if s == slot] for slot in range(len(offer.slots))]
            counts = {len(s) for s in per_slot}
            if len(counts) != 1:
                return
            apps = counts.pop()
            if limit is not None and apps > limit:
                return
            if not any(
                all(
                    sum(units[u].gross for u in app) >= offer.price.minor
                    for app in zip(*cut, strict=True)
                )
                for cut in itertools.product(*(itertools.permutations(s) for s in per_slot))
            ):
                return
            saving += sum(units[u].gross for u in members) - offer.price.minor * apps
            parts.extend((list(app), offer.price.minor) for app in zip(*per_slot, strict=True))
        else:
            assert isinstance(offer, BuyGet)
            size = offer.buy + offer.get
            if len(members) % size:
                return
            if limit is not None and len(members) // size > limit:
                return
            # the rule: applications are consecutive in order of price, dearest first (a till
            # sorts and groups); units of equal price are interchangeable
            ranked = sorted(members, key=lambda u: -units[u].gross)
            buyget_ways.append(
                (offer, [[ranked[i : i + size] for i in range(0, len(ranked), size)]])
            )
    for ways in itertools.product(*(w for _, w in buyget_ways)):
        extra = 0
        these = list(nets)
        for (offer, _), apps in zip(buyget_ways, ways, strict=True):
            for app in apps:
                cheapest = sorted(app, key=lambda u: units[u].gross)[: offer.get]
                for u in cheapest:
                    disc = _pct(units[u].gross, offer.percent_off)
                    extra += disc
                    these[u] -= disc
        yield saving + extra, these, parts


def _spend_savings(
    units: list[_Unit],
    items: list[Offer],
    spends: list[SpendOffer],
    assignment: tuple[tuple[int, int] | None, ...],
    nets: list[int],
    parts: list[tuple[list[int], int]],
    eligible: dict[int, set[int]],
) -> int:
    in_part = {u for part, _ in parts for u in part}
    total_saving = 0
    for spend in spends:
        qualifying = {u for u, unit in enumerate(units) if _covers(spend.group, unit)}

        def counts(u: int, spend: SpendOffer = spend, qualifying: set[int] = qualifying) -> bool:
            choice = assignment[u]
            if u not in qualifying:
                return False
            if choice is None:
                return True
            offer = items[choice[0]]
            if spend.when.exclusive or offer.when.exclusive:
                return False
            return isinstance(offer, UnitOffer) or eligible[choice[0]] <= qualifying

        contributions: list[int] = []
        for part, price in parts:
            if counts(part[0]):
                contributions.append(price)
        contributions += [nets[u] for u in range(len(units)) if u not in in_part and counts(u)]
        spent = sum(contributions)
        if not contributions or spent < spend.threshold.minor:
            continue
        if isinstance(spend.benefit, AmountOff):
            total_saving += min(spend.benefit.amount.minor, spent)
        else:
            total_saving += sum(_pct(c, spend.benefit.percent) for c in contributions)
    return total_saving
