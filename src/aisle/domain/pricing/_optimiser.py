"""The optimiser: the combination of offers that makes the shopper's total lowest, exactly.

The basket becomes *units*: a line of three yogurts is three units, a weighed line is one. Units
of the same product at the same price form a *class*. The rules of
:mod:`aisle.domain.pricing._rules` make every offer's saving a sum of per-unit and
per-application terms:

- a unit offer saves a fixed amount on each unit it takes;
- "N for P" saves each unit's price and costs P back at every N-th unit (a complete application);
- "buy k get j" saves on the units at positions k..k+j-1 of each application, taken in order of
  price, highest first; with units in that order the discounted ones are the cheapest of each
  application, and consecutive applications are the best split for a given set of units;
- a bundle saves each unit's price and costs P back when every slot has one more unit;
- a spend offer's threshold is a sum of what each unit or application contributes.

So a dynamic programme over the classes, highest price first, finds the exact optimum. Its state
is, per offer, the little it must remember (units taken towards the current application,
applications against a limit, a bundle's slot counts), and for a spend offer whose threshold is
in doubt, the spend so far (capped at the threshold) and the percentage saving waiting on it.
States that agree on everything keep only the better value; ties keep the first found, and
choices are tried in a fixed order (no offer first), so the same basket always prices the same
way. Offers that share no class are independent, so each connected *component* of classes and
offers is solved on its own and its solution is remembered: a scan re-solves only its component.

A spend offer's threshold is *in doubt* only when the basket could reach it at regular prices
but might not after item offers; one that is always met adds a constant (amount off) or a
per-unit term (percent off), and one that can never be met is dropped.

A unit in a "N for P", "buy k get j" or bundle application whose offer covers products outside a
spend offer's group does not count towards that spend offer: the application's price can't be
split between the groups before it is known.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from aisle.domain.catalog import SoldBy
from aisle.domain.money import Money
from aisle.domain.pricing._lines import Adjustment, Hint, LineToPrice, per_kg
from aisle.domain.pricing._rules import (
    AmountOff,
    Bundle,
    BuyGet,
    FixedPrice,
    Group,
    Multibuy,
    Offer,
    PercentOff,
    SpendOffer,
    UnitOffer,
)

__all__ = ["Found", "clear_cache", "optimise"]

_UNIT, _MULTI, _BUYGET, _BUNDLE = 0, 1, 2, 3
_ItemOffer = UnitOffer | Multibuy | BuyGet | Bundle
_NONE = -1


@dataclass(frozen=True, slots=True, kw_only=True)
class Found:
    adjustments: tuple[Adjustment, ...]
    hints: tuple[Hint, ...]
    saving: int = 0  # minor units: the optimum's total saving


@dataclass(slots=True)
class _Class:
    gross: int  # per unit, minor units
    line_ids: list[str]  # one entry per unit, in line order
    gtin: str
    category: str
    brand: str
    department: str
    weighed: bool
    weight_g: int
    final: bool  # a label price: no item offer

    @property
    def count(self) -> int:
        return len(self.line_ids)

    def covered_by(self, group: Group) -> bool:
        return group.covers(self.gtin, self.category, self.brand, self.department)


@dataclass(frozen=True, slots=True)
class _Option:
    offer: int  # index into the item offers
    slot: int  # a bundle's slot; 0 otherwise
    disc: int  # per-unit saving: a unit offer's, or a "buy k get j" discounted unit's


@dataclass(slots=True)
class _Spend:
    offer: SpendOffer
    threshold: int
    amount: int  # amount off, 0 for percent
    percent: Decimal  # 0 for amount off
    classes: list[int] = field(default_factory=list)  # qualifying classes
    mode: str = "in-doubt"  # "always" or "in-doubt"


def clear_cache() -> None:
    """Forget remembered component solutions (benchmarks time a cold start with it)."""
    _solve.cache_clear()


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _percent_of(minor: int, percent: Decimal) -> int:
    return _half_up(Decimal(minor) * percent / 100)


def optimise(
    lines: Sequence[LineToPrice], gross: Mapping[str, Money], offers: Sequence[Offer], currency: str
) -> Found:
    """The best adjustments for live ``offers`` on ``lines`` (``gross``: each line's amount)."""
    classes = _classes(lines, gross)
    items: list[_ItemOffer] = [o for o in offers if not isinstance(o, SpendOffer)]
    items.sort(key=lambda o: o.id)
    spends = sorted((o for o in offers if isinstance(o, SpendOffer)), key=lambda o: o.id)
    problem = _Problem(classes, items, spends, currency)
    found = problem.solve()
    hints = _hints(problem, lines, currency, found)
    return Found(adjustments=found.adjustments, hints=hints, saving=found.saving)


def _hints(
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
    return sum(_percent_of(g, offer.percent_off) for g in sorted(joined)[: offer.get])


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


def _classes(lines: Sequence[LineToPrice], gross: Mapping[str, Money]) -> list[_Class]:
    by_key: dict[tuple[str, ...], _Class] = {}
    for line in lines:
        if line.label_price is not None:
            key: tuple[str, ...] = ("label", line.gtin, str(line.label_price.minor))
            unit, count = line.label_price.minor, line.quantity
        elif line.sold_by is SoldBy.WEIGHT:
            key, unit, count = ("weighed", line.line_id), gross[line.line_id].minor, 1
        else:
            key = ("each", line.gtin, str(line.unit_price.minor))
            unit, count = line.unit_price.minor, line.quantity
        found = by_key.get(key)
        if found is None:
            found = by_key[key] = _Class(
                gross=unit,
                line_ids=[],
                gtin=line.gtin,
                category=line.category,
                brand=line.brand,
                department=line.department,
                weighed=line.sold_by is SoldBy.WEIGHT and line.label_price is None,
                weight_g=line.weight_g or 0,
                final=line.label_price is not None,
            )
        found.line_ids.extend([line.line_id] * count)
    ordered = sorted(by_key.items(), key=lambda kv: (-kv[1].gross, kv[0]))
    return [c for _, c in ordered]


class _Problem:
    def __init__(
        self,
        classes: list[_Class],
        items: list[_ItemOffer],
        spends: list[SpendOffer],
        currency: str,
    ) -> None:
        self.classes = classes
        self.items = items
        self.currency = currency
        self.options: list[list[_Option]] = [self._options_of(c) for c in classes]
        self.covered: list[set[int]] = [set() for _ in items]  # classes per item offer
        for ci, options in enumerate(self.options):
            for option in options:
                self.covered[option.offer].add(ci)
        self.spends = [s for s in (self._spend(o) for o in spends) if s is not None]
        self.doubt_ignored = False

    # -- building the model -------------------------------------------------------------------

    def _options_of(self, cls: _Class) -> list[_Option]:
        found: list[_Option] = []
        if cls.final:
            return found
        for index, offer in enumerate(self.items):
            if isinstance(offer, UnitOffer):
                if cls.covered_by(offer.group):
                    disc = _unit_saving(cls, offer)
                    if disc > 0:
                        found.append(_Option(index, 0, disc))
            elif cls.weighed:
                continue
            elif isinstance(offer, Multibuy):
                if cls.covered_by(offer.group):
                    found.append(_Option(index, 0, 0))
            elif isinstance(offer, BuyGet):
                if cls.covered_by(offer.group):
                    found.append(_Option(index, 0, _percent_of(cls.gross, offer.percent_off)))
            elif isinstance(offer, Bundle):
                for slot, group in enumerate(offer.slots):
                    if cls.covered_by(group):
                        found.append(_Option(index, slot, 0))
        return found

    def _spend(self, offer: SpendOffer) -> _Spend | None:
        if isinstance(offer.benefit, AmountOff):
            spend = _Spend(offer, offer.threshold.minor, offer.benefit.amount.minor, Decimal(0))
        else:
            spend = _Spend(offer, offer.threshold.minor, 0, offer.benefit.percent)
        spend.classes = [i for i, c in enumerate(self.classes) if c.covered_by(offer.group)]
        most = sum(self.classes[i].gross * self.classes[i].count for i in spend.classes)
        if most < spend.threshold or not spend.classes:
            return None
        least = 0  # the least the basket can spend towards it, whatever offers it takes
        for i in spend.classes:
            cls = self.classes[i]
            lowest = cls.gross
            for option in self.options[i]:
                if not self.counts(spend, i, option) or not isinstance(
                    self.items[option.offer], UnitOffer | BuyGet
                ):
                    lowest = 0  # not counted, or counted only as part of an application
                else:
                    lowest = min(lowest, cls.gross - option.disc)
            least += lowest * cls.count
        spend.mode = "always" if least >= spend.threshold else "in-doubt"
        return spend

    def counts(self, spend: _Spend, ci: int, option: _Option | None) -> bool:
        """Whether a unit of class ``ci`` taking ``option`` counts towards ``spend``."""
        if ci not in spend.classes:
            return False
        if option is None:
            return True
        offer = self.items[option.offer]
        if spend.offer.when.exclusive or offer.when.exclusive:
            return False
        if isinstance(offer, UnitOffer):
            return True
        qualifying = set(spend.classes)
        return self.covered[option.offer] <= qualifying

    # -- solving ------------------------------------------------------------------------------

    def solve(self) -> Found:
        parent = list(range(len(self.classes)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        def join(members: Sequence[int]) -> None:
            for other in members[1:]:
                a, b = find(members[0]), find(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)

        for covered in self.covered:
            join(sorted(covered))
        for spend in self.spends:
            if spend.mode == "in-doubt" and not self.doubt_ignored:
                join(spend.classes)
        components: dict[int, list[int]] = {}
        for ci in range(len(self.classes)):
            components.setdefault(find(ci), []).append(ci)

        splits: list[tuple[int, ...]] = [()] * len(self.classes)
        saving = 0
        for members in components.values():
            key = self._component_key(members)
            value, chosen = _solve(key)
            saving += value
            for ci, split in zip(members, chosen, strict=True):
                splits[ci] = split
        try:
            return self._found(splits)
        except _DearerApplication:
            if self.doubt_ignored:
                raise
            # The programme pays a "N for P" or a bundle dearer than its units to reach a
            # threshold; the rules forbid that, so price without counting on thresholds in doubt
            # (one that is reached anyway still gives its saving).
            self.doubt_ignored = True
            return self.solve()

    def _component_key(self, members: list[int]) -> _Key:
        """The component as plain tuples: everything the solution depends on, nothing else."""
        offer_ids = sorted({o.offer for ci in members for o in self.options[ci]})
        local = {offer: i for i, offer in enumerate(offer_ids)}
        offers: list[tuple[int, ...]] = []
        for offer_index in offer_ids:
            offers.append(_offer_params(self.items[offer_index]))
        spend_ids = [
            si
            for si, s in enumerate(self.spends)
            if any(ci in s.classes for ci in members)
            and ((s.mode == "in-doubt" and not self.doubt_ignored) or s.percent > 0)
        ]
        spends = tuple(
            (
                self.spends[si].mode == "in-doubt" and not self.doubt_ignored,
                self.spends[si].threshold,
                self.spends[si].amount,
                self.spends[si].percent,
                tuple(local[o] for o in offer_ids if self._contained(self.spends[si], o, members)),
            )
            for si in spend_ids
        )
        classes = []
        for ci in members:
            cls = self.classes[ci]
            options = tuple(
                (local[o.offer], o.slot, o.disc, self._counts_mask(spend_ids, ci, o))
                for o in self.options[ci]
            )
            none_mask = self._counts_mask(spend_ids, ci, None)
            classes.append((cls.gross, cls.count, none_mask, options))
        return (tuple(classes), tuple(offers), spends)

    def _contained(self, spend: _Spend, offer_index: int, members: list[int]) -> bool:
        offer = self.items[offer_index]
        if isinstance(offer, UnitOffer) or offer.when.exclusive or spend.offer.when.exclusive:
            return False
        return self.covered[offer_index] <= set(spend.classes)

    def _counts_mask(self, spend_ids: list[int], ci: int, option: _Option | None) -> int:
        mask = 0
        for bit, si in enumerate(spend_ids):
            if self.counts(self.spends[si], ci, option):
                mask |= 1 << bit
        return mask

    # -- from the solution to adjustments -----------------------------------------------------

    def _found(self, splits: list[tuple[int, ...]]) -> Found:
        taken: dict[int, list[tuple[int, str, _Option]]] = {}
        unit_net: list[int] = []
        unit_of: list[tuple[int, str, _Option | None]] = []
        for ci, cls in enumerate(self.classes):
            split = splits[ci] or (cls.count,)
            options: list[_Option | None] = [None, *self.options[ci]]
            position = 0
            for option, n in zip(options, split, strict=True):
                for _ in range(n):
                    line_id = cls.line_ids[position]
                    position += 1
                    unit_of.append((ci, line_id, option))
                    unit_net.append(cls.gross)
                    if option is not None:
                        taken.setdefault(option.offer, []).append(
                            (len(unit_of) - 1, line_id, option)
                        )
        discounts: dict[tuple[str, str], int] = {}
        names: dict[str, str] = {}

        def give(unit: int, offer_id: str, name: str, amount: int) -> None:
            if amount == 0:
                return
            line_id = unit_of[unit][1]
            discounts[(line_id, offer_id)] = discounts.get((line_id, offer_id), 0) + amount
            names[offer_id] = name
            unit_net[unit] -= amount

        applications: dict[int, list[list[int]]] = {}

        def price(unit: int) -> int:
            return self.classes[unit_of[unit][0]].gross

        for offer_index, units in taken.items():
            offer = self.items[offer_index]
            unit_ids = [u for u, _, _ in units]
            if isinstance(offer, UnitOffer):
                for u, _, option in units:
                    give(u, offer.id, offer.name, option.disc)
                continue
            if isinstance(offer, Bundle):
                by_slot: list[list[int]] = [[] for _ in offer.slots]
                for u, _, option in units:
                    by_slot[option.slot].append(u)
                apps = [list(app) for app in zip(*by_slot, strict=True)]
            elif isinstance(offer, Multibuy):
                apps = _balanced(
                    [[u] for u in unit_ids], len(unit_ids) // offer.quantity, offer.quantity, price
                )
            else:
                size = offer.quantity if isinstance(offer, Multibuy) else offer.buy + offer.get
                apps = [unit_ids[i : i + size] for i in range(0, len(unit_ids), size)]
            if isinstance(offer, BuyGet):
                for app in apps:
                    for u in app[offer.buy :]:
                        option = unit_of[u][2]
                        assert option is not None
                        give(u, offer.id, offer.name, option.disc)
                continue
            if isinstance(offer, Bundle):
                apps = _balanced(by_slot, len(apps), len(offer.slots), price)
            if any(sum(price(u) for u in app) < offer.price.minor for app in apps):
                raise _DearerApplication(offer.id)
            applications[offer_index] = apps  # priced as a whole: counted whole by spend offers
            for app in apps:
                grosses = [price(u) for u in app]
                for u, share in zip(
                    app, _share(sum(grosses) - offer.price.minor, grosses), strict=True
                ):
                    give(u, offer.id, offer.name, share)

        item_net = list(unit_net)  # spend offers measure what is paid after item offers
        for spend in self.spends:
            self._give_spend(spend, unit_of, item_net, unit_net, applications, give)

        adjustments = tuple(
            Adjustment(
                line_id=line_id,
                promotion_id=offer_id,
                description=names[offer_id],
                amount=Money(minor=amount, currency=self.currency),
            )
            for (line_id, offer_id), amount in discounts.items()
            if amount
        )
        order = {line_id: i for i, cls in enumerate(self.classes) for line_id in cls.line_ids}
        adjustments = tuple(sorted(adjustments, key=lambda a: (order[a.line_id], a.promotion_id)))
        saving = sum(discounts.values())
        return Found(adjustments=adjustments, hints=(), saving=saving)

    def _give_spend(
        self,
        spend: _Spend,
        unit_of: list[tuple[int, str, _Option | None]],
        unit_net: list[int],
        live_net: list[int],
        applications: dict[int, list[list[int]]],
        give: Callable[[int, str, str, int], None],
    ) -> None:
        # contributions: single units, and whole applications of contained offers
        parts: list[list[int]] = []
        in_app: set[int] = set()
        for apps in applications.values():
            for app in apps:
                in_app.update(app)
                ci, _, option = unit_of[app[0]]
                if self.counts(spend, ci, option):
                    parts.append(app)
        for u, (ci, _, option) in enumerate(unit_of):
            if u not in in_app and self.counts(spend, ci, option):
                parts.append([u])
        total = sum(unit_net[u] for part in parts for u in part)
        if total < spend.threshold or not parts:
            return
        offer = spend.offer
        # shares go by what is left of each unit, and never beyond it: stacked spend offers
        # that could take more than an item's price are refused on import, this only guards
        if spend.amount:
            units = [u for part in parts for u in part]
            left = [live_net[u] for u in units]
            saving = min(spend.amount, total, sum(left))
            for u, share in zip(units, _share(saving, left), strict=True):
                give(u, offer.id, offer.name, share)
            return
        for part in parts:
            left = [live_net[u] for u in part]
            saving = min(_percent_of(sum(unit_net[u] for u in part), spend.percent), sum(left))
            for u, share in zip(part, _share(saving, left), strict=True):
                give(u, offer.id, offer.name, share)


class _DearerApplication(Exception):
    """An application that would cost more than its units: the rules don't allow it."""


def _balanced(
    groups: list[list[int]], apps: int, size: int, price: Callable[[int], int]
) -> list[list[int]]:
    """Deal units into ``apps`` applications of ``size`` with sums as even as can be quickly:
    each group's units (a bundle's slot, or one unit of a multibuy), dearest first, to the
    application with the smallest sum so far that has room."""
    if not apps:
        return []
    dealt: list[list[int]] = [[] for _ in range(apps)]
    sums = [0] * apps
    if len(groups) == size:  # bundle slots: one unit of each slot per application
        for slot in groups:
            order = sorted(range(apps), key=lambda a: (sums[a], a))
            for a, u in zip(order, sorted(slot, key=lambda u: -price(u)), strict=True):
                dealt[a].append(u)
                sums[a] += price(u)
        return dealt
    units = sorted((u for group in groups for u in group), key=lambda u: -price(u))
    for u in units:
        a = min((a for a in range(apps) if len(dealt[a]) < size), key=lambda a: (sums[a], a))
        dealt[a].append(u)
        sums[a] += price(u)
    return dealt


def _share(amount: int, weights: Sequence[int]) -> list[int]:
    """Split ``amount`` in proportion to ``weights``; largest remainders get the spare units.

    >>> _share(100, [1, 1, 1])
    [34, 33, 33]
    >>> _share(5, [0, 0])
    [3, 2]
    """
    total = sum(weights)
    if total <= 0:
        weights, total = [1] * len(weights), len(weights)
    base = [amount * w // total for w in weights]
    spare = amount - sum(base)
    order = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % total), i))
    for i in order[:spare]:
        base[i] += 1
    return base


def _unit_saving(cls: _Class, offer: UnitOffer) -> int:
    benefit = offer.benefit
    if cls.weighed:
        weight = cls.weight_g
        if isinstance(benefit, FixedPrice):
            return max(0, cls.gross - per_kg(benefit.price, weight).minor)
        if isinstance(benefit, AmountOff):
            return min(cls.gross, per_kg(benefit.amount, weight).minor)
        return _percent_of(cls.gross, benefit.percent)
    if isinstance(benefit, FixedPrice):
        return max(0, cls.gross - benefit.price.minor)
    if isinstance(benefit, AmountOff):
        return min(cls.gross, benefit.amount.minor)
    assert isinstance(benefit, PercentOff)
    return _percent_of(cls.gross, benefit.percent)


def _offer_params(offer: Offer) -> tuple[int, ...]:
    limit = offer.when.max_applications
    cap = -1 if limit is None else limit
    if isinstance(offer, UnitOffer):
        return (_UNIT, 1, 0, cap)
    if isinstance(offer, Multibuy):
        return (_MULTI, offer.quantity, offer.price.minor, cap)
    if isinstance(offer, BuyGet):
        return (_BUYGET, offer.buy + offer.get, offer.buy, cap)
    assert isinstance(offer, Bundle)
    return (_BUNDLE, len(offer.slots), offer.price.minor, cap)


# A component: classes (gross, count, none's spend mask, options (offer, slot, disc, mask)),
# offers (kind, size, price or buy, limit), spends (in doubt, threshold, amount, percent,
# offers whose applications count whole).
_ClassKey = tuple[int, int, int, tuple[tuple[int, int, int, int], ...]]
_SpendKey = tuple[bool, int, int, Decimal, tuple[int, ...]]
_Key = tuple[tuple[_ClassKey, ...], tuple[tuple[int, ...], ...], tuple[_SpendKey, ...]]
_State = tuple[int | tuple[int, ...], ...]


def _splits(count: int, parts: int) -> Iterator[tuple[int, ...]]:
    """Every way to share ``count`` units among ``parts``; the first (no offer) largest first."""
    if parts == 1:
        yield (count,)
        return
    for first in range(count, -1, -1):
        for rest in _splits(count - first, parts - 1):
            yield (first, *rest)


@lru_cache(maxsize=4096)
def _solve(key: _Key) -> tuple[int, tuple[tuple[int, ...], ...]]:
    """The best value of a component and, per class, the units given to each option."""
    classes, offers, spends = key
    order = _order(classes, offers)
    if not any(in_doubt for in_doubt, _, _, _, _ in spends):
        return _programme(key, order, None)
    # the least each threshold in doubt can get, over every solution: one the basket always
    # reaches is no longer in doubt; then, from every state, the least still to come, so a
    # state that will surely reach its threshold has it met at once
    least: dict[int, list[dict[_State, int]]] = {}
    for bit, spend in enumerate(spends):
        if spend[0]:
            only = tuple(
                (False, t, 0, -_HUGE if b == bit else Decimal(0), c)
                for b, (_, t, _, _, c) in enumerate(spends)
            )
            least[bit] = []
            lowest, _ = _programme((classes, offers, only), order, None, least[bit])
            if _spent(lowest) >= spend[1]:
                always = (False, spend[1], 0, spend[3], spend[4])
                return _solve((classes, offers, (*spends[:bit], always, *spends[bit + 1 :])))
    # A threshold in doubt makes the spend so far part of the state, which can take many
    # values. The same programme without those offers gives, for every state, the most the
    # rest of the basket can still save. Good solutions come cheaply from programmes that
    # price spending instead of counting it (a Lagrangian relaxation: each cent spent towards
    # the threshold is worth a fraction of a cent); the best of them, valued by the real rules,
    # is a floor, and a state that can't reach the floor even with every threshold still open
    # met is dropped. The floor is a value some solution has, so the optimum is never dropped.
    kept = [bit for bit, spend in enumerate(spends) if not spend[0]]
    reduced_classes = tuple(
        (
            gross,
            count,
            _remap(none_mask, kept),
            tuple((o, sl, d, _remap(m, kept)) for o, sl, d, m in options),
        )
        for gross, count, none_mask, options in classes
    )
    reduced: _Key = (reduced_classes, offers, tuple(spends[bit] for bit in kept))
    futures: list[dict[_State, int]] = []
    floor, chosen = _programme(reduced, order, None, futures)
    floor = max(floor, _value_of(key, order, chosen))
    relaxed: list[tuple[Decimal, list[dict[_State, int]]]] = []
    for weight in _SPEND_WEIGHTS:
        priced = tuple(
            (False, threshold, 0, weight, contained) if in_doubt else spend
            for spend in spends
            for in_doubt, threshold, _, _, contained in (spend,)
        )
        weighted: list[dict[_State, int]] = []
        _, chosen = _programme((classes, offers, priced), order, None, weighted)
        relaxed.append((weight, weighted))
        floor = max(floor, _value_of(key, order, chosen))
    bound = _Bound(futures, floor, len(offers), kept, relaxed, least)
    return _programme(key, order, bound)


_HUGE = Decimal(10**11)  # percent: a cent spent costs 10**9, more than any saving is worth


def _spent(value: int) -> int:
    """The spend in the value of a programme that charges 10**9 per cent spent."""
    return (-value + 10**9 // 2) // 10**9


_SPEND_WEIGHTS = tuple(Decimal(w) for w in (30, 60, 85, 100))  # percent of a cent per cent


def _start(offers: tuple[tuple[int, ...], ...], spends: tuple[_SpendKey, ...]) -> _State:
    start: list[int | tuple[int, ...]] = []
    for kind, size, _, _ in offers:
        start.append((0,) * (size + 1) if kind == _BUNDLE else 0)  # a bundle: apps, slots
    for in_doubt, _, _, _, _ in spends:
        start.append((0, 0) if in_doubt else 0)
    return tuple(start)


def _value_of(key: _Key, order: list[int], chosen: tuple[tuple[int, ...], ...]) -> int:
    """What a solution is worth under the rules of ``key``."""
    classes, offers, spends = key
    plan = _Plan(classes, offers, spends, order)
    state, value = _start(offers, spends), 0
    for step, ci in enumerate(order):
        gross, _, none_mask, options = classes[ci]
        moved = _move(state, value, gross, none_mask, options, chosen[ci], offers, spends)
        assert moved is not None, "a solution of the relaxed programme obeys every offer"
        settled = plan.settle(moved[0], step)
        assert settled is not None
        state, value = settled, moved[1]
    return value


def _remap(mask: int, kept: list[int]) -> int:
    return sum(1 << new for new, old in enumerate(kept) if mask & (1 << old))


@dataclass(frozen=True, slots=True)
class _Bound:
    futures: list[dict[_State, int]]  # per step: reduced state -> most still to save after it
    floor: int  # a value some solution reaches
    n_offers: int
    kept: list[int]  # the spends that are not in doubt, by bit
    relaxed: list[tuple[Decimal, list[dict[_State, int]]]]  # per weight: futures, spend priced
    least: dict[int, list[dict[_State, int]]]  # per threshold in doubt: -10**9 x least to come

    def settle(
        self, state: _State, value: int, step: int, plan: _Plan
    ) -> tuple[_State, int] | None:
        """Meet the thresholds the rest of the basket will surely reach."""
        zeros = (0,) * len(plan.spends)
        offers_part = state[: self.n_offers]
        as_list: list[int | tuple[int, ...]] | None = None
        for bit, futures in self.least.items():
            held = state[self.n_offers + bit]
            assert isinstance(held, tuple)
            spent, pending = held
            threshold, amount = plan.spends[bit][1], plan.spends[bit][2]
            if spent < 0 or spent >= threshold:
                continue
            future = futures[step].get(offers_part + zeros)
            if future is None:
                return None
            coming = _spent(future)
            if spent + coming >= threshold:
                as_list = as_list if as_list is not None else list(state)
                as_list[self.n_offers + bit] = (threshold, 0)
                value += amount + pending
        return (tuple(as_list) if as_list is not None else state), value


def _programme(
    key: _Key,
    order: list[int],
    bound: _Bound | None,
    futures: list[dict[_State, int]] | None = None,
) -> tuple[int, tuple[tuple[int, ...], ...]]:
    classes, offers, spends = key
    plan = _Plan(classes, offers, spends, order)
    layers: list[dict[_State, tuple[int, _State | None, tuple[int, ...]]]] = []
    edges: list[list[tuple[_State, _State, int]]] = []
    states: dict[_State, tuple[int, _State | None, tuple[int, ...]]] = {
        _start(offers, spends): (0, None, ())
    }
    for step, ci in enumerate(order):
        gross, count, none_mask, options = classes[ci]
        following: dict[_State, tuple[int, _State | None, tuple[int, ...]]] = {}
        step_edges: list[tuple[_State, _State, int]] = []
        all_splits = list(_splits(count, len(options) + 1))
        for state, (value, _, _) in states.items():
            for split in all_splits:
                moved = _move(state, value, gross, none_mask, options, split, offers, spends)
                if moved is None:
                    continue
                new_state, new_value = moved
                settled = plan.settle(new_state, step)
                if settled is None:
                    continue
                if bound is not None:
                    met = bound.settle(settled, new_value, step, plan)
                    if met is None:
                        continue
                    settled, new_value = met
                    if not _promising(settled, new_value, step, bound, plan):
                        continue
                if futures is not None:
                    step_edges.append((state, settled, new_value - value))
                held = following.get(settled)
                if held is None or new_value > held[0]:
                    following[settled] = (new_value, state, split)
        layers.append(following)
        edges.append(step_edges)
        states = following
    best_state = max(states, key=lambda st: states[st][0])  # first of the best: deterministic
    best = states[best_state][0]
    if futures is not None:
        after: dict[_State, int] = dict.fromkeys(states, 0)
        backwards = [after]
        for step in range(len(order) - 1, 0, -1):
            before: dict[_State, int] = {}
            for source, target, delta in edges[step]:
                if target in after:
                    gain = delta + after[target]
                    if before.get(source, gain - 1) < gain:
                        before[source] = gain
            backwards.append(before)
            after = before
        futures.extend(reversed(backwards))
    chosen: list[tuple[int, ...]] = [()] * len(classes)
    cursor: _State | None = best_state
    for step in range(len(order) - 1, -1, -1):
        assert cursor is not None
        _, previous, split = layers[step][cursor]
        chosen[order[step]] = split
        cursor = previous
    return best, tuple(chosen)


def _promising(state: _State, value: int, step: int, bound: _Bound, plan: _Plan) -> bool:
    """Whether a state with a threshold in doubt can still reach the floor.

    Without claiming a threshold in doubt, the rest of the basket saves at most what the
    programme without them says. Claiming a set of them needs at least their shortfall spent;
    a programme that pays ``w`` % of a cent per cent spent bounds the rest by its future less
    ``w`` % of the shortfall (each of its contributions rounds on its own: half a cent each of
    slack).
    """
    offers_part = state[: bound.n_offers]
    rest = bound.futures[step].get(
        offers_part + tuple(state[bound.n_offers + b] for b in bound.kept)
    )
    if rest is None:
        return False
    later = plan.later_percent[step]
    slack = plan.later_count[step] // 2 + 1
    extra = 0  # percentages still to come on thresholds met or in doubt
    claimable: list[tuple[int, int]] = []  # (shortfall, bonus) of thresholds still open
    for bit, (in_doubt, threshold, amount, percent, _) in enumerate(plan.spends):
        if not in_doubt:
            continue
        held = state[bound.n_offers + bit]
        assert isinstance(held, tuple)
        spent, pending = held
        if spent < 0:
            continue
        if percent:
            opened, completions = plan.from_open_applications(state, step, bit)
            extra += later[bit] + _percent_of(opened, percent) + completions  # each may round up
        if spent < threshold:
            claimable.append((threshold - spent, amount + pending))
    best = value + rest + extra
    if best >= bound.floor or not claimable:
        return best >= bound.floor
    zeros = (0,) * len(plan.spends)
    relaxed = [
        (weight, futures[step].get(offers_part + zeros)) for weight, futures in bound.relaxed
    ]
    for size in range(1, len(claimable) + 1):
        for chosen in itertools.combinations(claimable, size):
            shortfall = sum(short for short, _ in chosen)
            ceiling = rest
            for weight, future in relaxed:
                if future is not None:
                    ceiling = min(ceiling, future - int(weight * shortfall / 100) + slack)
            if value + ceiling + extra + sum(bonus for _, bonus in chosen) >= bound.floor:
                return True
    return False


def _order(
    classes: tuple[_ClassKey, ...],
    offers: tuple[tuple[int, ...], ...],
    spends: tuple[_SpendKey, ...] = (),
) -> list[int]:
    """An order of the classes that keeps few offers open at once.

    Only a "buy k get j" needs its own classes in order of price (as the key lists them); the
    other offers and the spend offers don't mind, so the classes of one offer are drawn together
    to close it early, which keeps the programme's states few.
    """
    uses: list[set[int]] = [{o for o, _, _, _ in options} for _, _, _, options in classes]
    for bit, spend in enumerate(spends):  # a threshold in doubt is kept open like an offer
        if spend[0]:
            for ci, (_, _, none_mask, _) in enumerate(classes):
                if none_mask & (1 << bit):
                    uses[ci].add(len(offers) + bit)
    users: dict[int, list[int]] = {}
    for ci, used in enumerate(uses):
        for offer in used:
            users.setdefault(offer, []).append(ci)
    waiting: dict[int, int] = {}  # a class -> its buy-get predecessors not placed yet
    for ci, used in enumerate(uses):
        waiting[ci] = sum(
            1
            for offer in used
            if offer < len(offers) and offers[offer][0] == _BUYGET
            for other in users[offer]
            if other < ci
        )
    placed: list[int] = []
    done: set[int] = set()
    open_offers: set[int] = set()
    remaining_users = {offer: len(members) for offer, members in users.items()}
    while len(placed) < len(classes):
        ready = [ci for ci in range(len(classes)) if ci not in done and waiting[ci] == 0]
        best = min(
            ready,
            key=lambda ci: (
                len(uses[ci] - open_offers),  # opens the fewest new offers
                -sum(1 for o in uses[ci] if remaining_users[o] == 1),  # closes the most
                ci,
            ),
        )
        placed.append(best)
        done.add(best)
        for offer in uses[best]:
            remaining_users[offer] -= 1
            if remaining_users[offer] == 0:
                open_offers.discard(offer)
            else:
                open_offers.add(offer)
            if offer < len(offers) and offers[offer][0] == _BUYGET:
                for other in users[offer]:
                    if other > best:
                        waiting[other] -= 1
    return placed


class _Plan:
    """What each step of the programme may forget, and what can no longer be completed."""

    def __init__(
        self,
        classes: tuple[_ClassKey, ...],
        offers: tuple[tuple[int, ...], ...],
        spends: tuple[_SpendKey, ...],
        order: list[int],
    ) -> None:
        self.offers = offers
        self.spends = spends
        n = len(order)
        first = [n] * len(offers)
        last = [-1] * len(offers)
        spend_last = [-1] * len(spends)
        for step, ci in enumerate(order):
            for offer, _, _, _ in classes[ci][3]:
                first[offer] = min(first[offer], step)
                last[offer] = step
            for bit in range(len(spends)):
                if classes[ci][2] & (1 << bit):
                    spend_last[bit] = step
        self.closing = [[o for o in range(len(offers)) if last[o] == step] for step in range(n)]
        self.open = [
            [o for o in range(len(offers)) if first[o] <= step < last[o]] for step in range(n)
        ]
        self.closing_spends = [
            {b for b in range(len(spends)) if spend_last[b] == step} for step in range(n)
        ]
        # units still to come, per offer and slot, and the most spend still to come
        self.later_units: list[dict[tuple[int, int], int]] = []
        self.later_spend: list[list[int]] = []
        self.later_count: list[int] = []
        # the most a percentage can still give: per unit rounded, and half a cent for each
        # unit that could end in an application rounded as a whole
        self.later_percent: list[list[int]] = []
        units: dict[tuple[int, int], int] = {}
        spend = [0] * len(spends)
        percent = [0] * len(spends)
        whole = 0
        total = 0
        for step in range(n - 1, -1, -1):
            self.later_units.append(dict(units))
            self.later_spend.append(list(spend))
            self.later_count.append(total)
            self.later_percent.append([p + (whole + 1) // 2 for p in percent])
            gross, count, none_mask, options = classes[order[step]]
            total += count
            if any(offers[o][0] in (_MULTI, _BUNDLE) for o, _, _, _ in options):
                whole += count
            for bit, spend_key in enumerate(spends):
                if none_mask & (1 << bit) and spend_key[3]:
                    percent[bit] += count * _percent_of(gross, spend_key[3])
            for offer, slot, _, _ in options:
                units[(offer, slot)] = units.get((offer, slot), 0) + count
            for bit in range(len(spends)):
                if none_mask & (1 << bit):
                    spend[bit] += gross * count
        self.later_units.reverse()
        self.later_spend.reverse()
        self.later_count.reverse()
        self.later_percent.reverse()

    def from_open_applications(self, state: _State, step: int, bit: int) -> tuple[int, int]:
        """The most spend that applications begun before ``step`` can still bring ``bit``.

        A "N for P" or a bundle counts its price when it completes, which may be after the
        classes of the units it holds: the spend still to come is not only later classes'.
        """
        most = count = 0
        later = self.later_units[step]
        for offer in self.spends[bit][4]:
            if offer not in self.open[step]:
                continue
            kind, size, price, _ = self.offers[offer]
            held = state[offer]
            if kind == _BUNDLE:
                assert isinstance(held, tuple)
                completions = min(held[1 + s] + later.get((offer, s), 0) for s in range(size))
            else:
                assert isinstance(held, int)
                completions = (held % size + later.get((offer, 0), 0)) // size
            most += price * completions
            count += completions
        return most, count

    def settle(self, state: _State, step: int) -> _State | None:
        """Forget what no later class needs; None for a state that can't end well."""
        as_list: list[int | tuple[int, ...]] | None = None
        for offer in self.closing[step]:
            kind, size, _, _ = self.offers[offer]
            held = state[offer]
            if kind == _BUNDLE:
                assert isinstance(held, tuple)
                if any(held[1:]):
                    return None
                fresh: int | tuple[int, ...] = (0,) * (size + 1)
            else:
                assert isinstance(held, int)
                if kind != _UNIT and held % size:
                    return None
                fresh = 0
            if held != fresh:
                as_list = as_list if as_list is not None else list(state)
                as_list[offer] = fresh
        later = self.later_units[step]
        for offer in self.open[step]:
            kind, size, _, _ = self.offers[offer]
            held = state[offer]
            if kind in (_MULTI, _BUYGET):
                assert isinstance(held, int)
                missing = -held % size
                if missing and later.get((offer, 0), 0) < missing:
                    return None
            elif kind == _BUNDLE:
                assert isinstance(held, tuple)
                top = max(held[1:])
                for slot in range(size):
                    if top - held[1 + slot] > later.get((offer, slot), 0):
                        return None
        base = len(self.offers)
        later_spend = self.later_spend[step]
        for bit, (in_doubt, threshold, _, _, _) in enumerate(self.spends):
            if not in_doubt:
                continue
            held = state[base + bit]
            assert isinstance(held, tuple)
            spent = held[0]
            closing = bit in self.closing_spends[step]
            coming = later_spend[bit] + self.from_open_applications(state, step, bit)[0]
            if spent < threshold and (closing or spent + coming < threshold):
                fresh = (-1, 0)  # can no longer be met: the pending saving is lost
            elif closing:
                fresh = (0, 0)
            else:
                continue
            if held != fresh:
                as_list = as_list if as_list is not None else list(state)
                as_list[base + bit] = fresh
        return tuple(as_list) if as_list is not None else state


def _move(
    state: _State,
    value: int,
    gross: int,
    none_mask: int,
    options: tuple[tuple[int, int, int, int], ...],
    split: tuple[int, ...],
    offers: tuple[tuple[int, ...], ...],
    spends: tuple[_SpendKey, ...],
) -> tuple[_State, int] | None:
    """Give a class's units to options as ``split`` says; None where a rule forbids it."""
    n_offers = len(offers)
    current = list(state)
    contributions: list[tuple[int, int]] = []  # (spend mask, amount)
    if split[0] and none_mask:
        contributions.extend([(none_mask, gross)] * split[0])
    for (offer, slot, disc, mask), n in zip(options, split[1:], strict=True):
        if not n:
            continue
        kind, size, param, cap = offers[offer]
        held = current[offer]
        if kind == _UNIT:
            assert isinstance(held, int)
            if cap >= 0:
                if held + n > cap:
                    return None
                current[offer] = held + n
            value += disc * n
            contributions.extend([(mask, gross - disc)] * n)
        elif kind == _MULTI:
            assert isinstance(held, int)
            total = held + n
            if cap >= 0 and total > cap * size:
                return None
            completed = total // size - held // size
            value += gross * n - param * completed
            current[offer] = total if cap >= 0 else total % size
            contained = _contained_mask(offer, spends)
            contributions.extend([(contained, param)] * completed)
        elif kind == _BUYGET:
            assert isinstance(held, int)
            total = held + n
            if cap >= 0 and total > cap * size:
                return None
            for position in range(held, total):
                off = disc if position % size >= param else 0
                value += off
                contributions.append((mask, gross - off))
            current[offer] = total if cap >= 0 else total % size
        else:
            assert isinstance(held, tuple)
            apps, slots = held[0], list(held[1:])
            slots[slot] += n
            value += gross * n
            completed = min(slots)
            if completed:
                slots = [c - completed for c in slots]
                apps += completed
                value -= param * completed
                contributions.extend([(_contained_mask(offer, spends), param)] * completed)
            if cap >= 0 and apps + max(slots) > cap:
                return None
            current[offer] = (apps if cap >= 0 else 0, *slots)
    for bit, (in_doubt, threshold, amount, percent, _) in enumerate(spends):
        position = n_offers + bit
        flag = 1 << bit
        for mask, amount_in in contributions:
            if not mask & flag:
                continue
            if not in_doubt:
                value += _percent_of(amount_in, percent)
                continue
            held_spend = current[position]
            assert isinstance(held_spend, tuple)
            spent, pending = held_spend
            if spent < 0:
                continue  # can no longer be met
            if spent >= threshold:
                if percent:
                    value += _percent_of(amount_in, percent)
                continue
            spent = min(threshold, spent + amount_in)
            if percent:
                pending += _percent_of(amount_in, percent)
            if spent >= threshold:
                value += amount + pending
                pending = 0
            current[position] = (spent, pending)
    return tuple(current), value


def _contained_mask(offer: int, spends: tuple[_SpendKey, ...]) -> int:
    mask = 0
    for bit, spend in enumerate(spends):
        if offer in spend[4]:
            mask |= 1 << bit
    return mask
