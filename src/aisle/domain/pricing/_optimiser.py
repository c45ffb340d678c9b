"""The optimiser: the combination of offers that makes the shopper's total lowest, exactly.

The basket becomes *units*: a line of three yogurts is three units, a weighed line is one. Units
of the same product at the same price form a *class*. Offers that share no class are
independent, so each connected *component* of classes and offers is solved on its own by the
dynamic programme of :mod:`aisle.domain.pricing._programme`, and its solution is remembered: a
scan re-solves only its component. The solution (how many units of each class take which
offer) is then turned into applications and shared out to lines to the cent, spend offers
last, and :mod:`aisle.domain.pricing._hints` says what one more item would save.

A spend offer's threshold is *in doubt* only when the basket could reach it at regular prices
but might not after item offers; such an offer joins all its classes into one component. One
that is always met adds a constant (amount off) or a per-unit term (percent off), and one that
can never be met is dropped.

A unit in a "N for P", "buy k get j" or bundle application whose offer covers products outside a
spend offer's group does not count towards that spend offer: the application's price can't be
split between the groups before it is known.

No "N for P" or bundle application may cost more than its units. The programme counts units
per class, not which units make each application, so it can't see that rule, and breaking it
can pay: towards a threshold in doubt (paying P for cheaper units spends more), or by a cent of
rounding (15 % off counted on a 1.90 application rounds to 29 cents, on three units of 0.63 to
27). The solution's units are cut into applications (:func:`_balanced`, or :func:`_cut` where
that quick deal leaves one dearer than its units); where no cut keeps every application within
its units, that offer's component is solved again by CP-SAT with each application modelled
whole (:func:`~aisle.domain.pricing._programme.solve_whole`), and at once every component a
threshold in doubt covers, where the ceilings' best breaks the rule; CP-SAT's cut is then the
one used. That model stops at a deterministic effort
(:data:`~aisle.domain.pricing._integer.WHOLE_EFFORT`): only there is a price not proven optimal.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from aisle.domain.catalog import SoldBy
from aisle.domain.money import Money
from aisle.domain.pricing._claims import Claims, Splits
from aisle.domain.pricing._hints import upsell_hints
from aisle.domain.pricing._integer import Cuts
from aisle.domain.pricing._lines import Adjustment, Hint, LineToPrice, per_kg
from aisle.domain.pricing._programme import (
    BUNDLE,
    BUYGET,
    MULTI,
    SPEND_PRICE,
    UNIT,
    ClassKey,
    Key,
    SpendKey,
    forget_groups,
    percent_of,
    scaled_classes,
    scaled_offers,
    scaled_spends,
    solve,
    solve_whole,
    spent_of,
)
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

_ItemOffer = UnitOffer | Multibuy | BuyGet | Bundle


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
    qualifying: frozenset[int] = frozenset()  # the classes, as a set
    counting: frozenset[int] = frozenset()  # the item offers whose units count towards it


def clear_cache() -> None:
    """Forget remembered component solutions (benchmarks time a cold start with it)."""
    solve.cache_clear()
    solve_whole.cache_clear()
    forget_groups()
    _OPTIONS.clear()


_OPTIONS_LOCK = threading.Lock()
_OPTIONS: dict[tuple[_ItemOffer, ...], dict[tuple[object, ...], list[_Option]]] = {}
"""Per set of live item offers, each class's options by what decides them: a scan asks again
for every class of the basket (the offers are the same but for a promotion starting or ending,
so only the last few sets are kept)."""


def _known_options(
    items: tuple[_ItemOffer, ...],
) -> dict[tuple[object, ...], list[_Option]]:
    with _OPTIONS_LOCK:  # carts are priced on several threads
        known = _OPTIONS.get(items)
        if known is None:
            if len(_OPTIONS) >= 4:
                _OPTIONS.pop(next(iter(_OPTIONS)))
            known = _OPTIONS[items] = {}
        return known


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
    hints = upsell_hints(problem, lines, currency, found)
    return Found(adjustments=found.adjustments, hints=hints, saving=found.saving)


def _find(parent: list[int], i: int) -> int:
    """The first class of ``i``'s component, in the union-find ``parent`` (halving its path).
    Functions rather than closures over ``parent``: two closures that call each other make a
    reference cycle, left for the collector that pricing holds off (:mod:`._collector`)."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _join(parent: list[int], members: Sequence[int]) -> None:
    """The classes ``members`` in one component of the union-find ``parent``."""
    for other in members[1:]:
        a, b = _find(parent, members[0]), _find(parent, other)
        if a != b:
            parent[max(a, b)] = min(a, b)


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
        known = _known_options(tuple(items))
        self.options: list[list[_Option]] = []
        for c in classes:
            facts = (c.gross, c.gtin, c.category, c.brand, c.department, c.weighed, c.weight_g,
                     c.final)  # fmt: skip
            if facts not in known:
                known[facts] = self._options_of(c)
            self.options.append(known[facts])
        self.covered: list[set[int]] = [set() for _ in items]  # classes per item offer
        for ci, options in enumerate(self.options):
            for option in options:
                self.covered[option.offer].add(ci)
        self.spends = [s for s in (self._spend(o) for o in spends) if s is not None]
        # per class: which spend offers (bit: index in spends) a unit counts towards with no
        # offer, and with each of its options (keys ask for these again and again)
        self.masks: list[tuple[int, tuple[int, ...]]] = [
            (
                self._mask(ci, None),
                tuple(self._mask(ci, option) for option in self.options[ci]),
            )
            for ci in range(len(classes))
        ]
        self.shapes: dict[tuple[int, ...], _Shape] = {}
        self.leasts: dict[tuple[tuple[int, ...], int], int] = {}  # least_spent's
        # per item offer, CP-SAT's applications as (class, slot, units) where solved whole
        self.cuts: dict[int, list[list[tuple[int, int, int]]]] = {}

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
                    found.append(_Option(index, 0, percent_of(cls.gross, offer.percent_off)))
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
        spend.qualifying = frozenset(spend.classes)
        spend.counting = frozenset(o for o in range(len(self.items)) if self._towards(spend, o))
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
        if ci not in spend.qualifying:
            return False
        return option is None or option.offer in spend.counting

    def _towards(self, spend: _Spend, offer_index: int) -> bool:
        """Whether a unit of the spend offer's classes taking the item offer ``offer_index``
        counts towards it."""
        offer = self.items[offer_index]
        if spend.offer.when.exclusive or offer.when.exclusive:
            return False
        if isinstance(offer, UnitOffer):
            return True
        return self.covered[offer_index] <= spend.qualifying

    def _mask(self, ci: int, option: _Option | None) -> int:
        mask = 0
        for si, spend in enumerate(self.spends):
            if self.counts(spend, ci, option):
                mask |= 1 << si
        return mask

    # -- solving ------------------------------------------------------------------------------

    def solve(self) -> Found:
        parent = list(range(len(self.classes)))  # the classes joined by offers (_find, _join)
        for covered in self.covered:
            _join(parent, sorted(covered))
        by_offers: dict[int, list[int]] = {}
        for ci in range(len(self.classes)):
            by_offers.setdefault(_find(parent, ci), []).append(ci)
        apart = list(by_offers.values())  # the components the thresholds in doubt don't join
        claims = Claims(self, apart)
        # the first try, with every threshold in doubt dropped, tells which stay in doubt
        # without working out the least they can be spent; where one turns out always met,
        # the claims start again without it
        if self._settle_doubts(apart, claims.first_spent()):
            claims = Claims(self, apart)
        decided = claims.decide()
        start: Splits | None = None
        if decided is not None:
            try:
                return self._found(decided)
            except _DearerApplication:
                pass  # the best found pays an application dearly: solved whole below
        else:
            start = claims.found()
        for spend in self.spends:
            if spend.mode == "in-doubt":
                _join(parent, spend.classes)
        components: dict[int, list[int]] = {}
        for ci in range(len(self.classes)):
            components.setdefault(_find(parent, ci), []).append(ci)

        splits: list[tuple[int, ...]] = [()] * len(self.classes)
        whole: set[int] = set()  # components (by their first class) solved whole
        for members in components.values():
            hint = None  # where the ceilings left a knapsack undecided, their best to start from
            if start is not None and all(start[ci] for ci in members):
                hint = tuple(start[ci] for ci in members)
            key = self._component_key(members)
            if decided is not None and self._in_doubt(members):
                _, chosen, cuts = solve_whole(key)
                self._keep_cuts(members, cuts)
                whole.add(members[0])
            else:
                _, chosen = solve(key) if hint is None else solve(key, hint)  # one cache entry
            for ci, split in zip(members, chosen, strict=True):
                splits[ci] = split
        while True:
            try:
                return self._found(splits)
            except _DearerApplication as dearer:
                members = next(
                    m for m in components.values() if not self.covered[dearer.offer].isdisjoint(m)
                )
                if members[0] in whole:
                    raise  # CP-SAT's own cut is used: a dearer one can't come back
                whole.add(members[0])
                _, chosen, cuts = solve_whole(self._component_key(members))
                self._keep_cuts(members, cuts)
                for ci, split in zip(members, chosen, strict=True):
                    splits[ci] = split

    def _keep_cuts(self, members: list[int], cuts: Cuts) -> None:
        """Remember how CP-SAT cut a component's units into applications (none dearer than its
        units), for :meth:`_found` to use rather than look for a cut again."""
        offer_ids = sorted(self._shape(tuple(members)).local)
        for o, apps in cuts:
            self.cuts[offer_ids[o]] = [
                [(members[ci], slot, n) for ci, slot, n in app] for app in apps
            ]

    def _in_doubt(self, members: list[int]) -> bool:
        """Whether a threshold in doubt covers the component: where the best found pays a
        "N for P" or a bundle more than its units, such a component is solved whole at once."""
        present = set(members)
        return any(s.mode == "in-doubt" and not present.isdisjoint(s.classes) for s in self.spends)

    def _settle_doubts(
        self, components: list[list[int]], spent: Mapping[int, int] | None = None
    ) -> bool:
        """A threshold every solution reaches is not in doubt: the least each component can
        spend towards it (a programme that charges dearly per cent spent) adds up to it.

        Those programmes are per component, so they are remembered between scans like the rest.
        ``spent``: what one solution spends towards each threshold in doubt, where known; one
        it does not reach stays in doubt without them (on the pricing benchmark's slow scans,
        mostly every one: the scanned unit's component need not be solved once more for each).
        Whether any threshold turned out always met.
        """
        settled = False
        for si, spend in enumerate(self.spends):
            if spend.mode != "in-doubt":
                continue
            if spent is not None and spent[si] < spend.threshold:
                continue  # a solution spends less: the least does too
            qualifying = spend.qualifying
            least = 0
            for members in components:
                if qualifying.isdisjoint(members):
                    continue
                least += self.least_spent(members, si)
            if least >= spend.threshold:
                spend.mode = "always"
                settled = True
        return settled

    def least_spent(self, members: list[int], si: int) -> int:
        """The least the classes ``members`` can spend towards spend offer ``si``, whatever
        item offers they take: remembered for the basket (the thresholds in doubt ask it again
        and again), and its programme between scans."""
        known = self.leasts.get((tuple(members), si))
        if known is None:
            value, _ = solve(self._least_key(members, si))
            known = self.leasts[(tuple(members), si)] = spent_of(value)
        return known

    def _least_key(self, members: list[int], si: int) -> Key:
        """The component ``members`` with one threshold, spend offer ``si``'s, that charges
        dearly per cent spent: its optimum is the least the component can spend towards it."""
        spend = self.spends[si]
        offer_ids = sorted({o.offer for ci in members for o in self.options[ci]})
        local = {offer: i for i, offer in enumerate(offer_ids)}
        contained = tuple(local[o] for o in offer_ids if self._contained(spend, o))
        classes = tuple(
            (
                self.classes[ci].gross,
                self.classes[ci].count,
                self.masks[ci][0] >> si & 1,
                tuple(
                    (local[o.offer], o.slot, o.disc, mask >> si & 1)
                    for o, mask in zip(self.options[ci], self.masks[ci][1], strict=True)
                ),
            )
            for ci in members
        )
        offers = tuple(_offer_params(self.items[offer_index]) for offer_index in offer_ids)
        return (classes, offers, ((False, spend.threshold, 0, -SPEND_PRICE, contained),))

    def _component_key(self, members: list[int]) -> Key:
        """The component as plain tuples: everything the solution depends on, nothing else."""

        def terms(_: int, spend: _Spend, contained: tuple[int, ...]) -> list[SpendKey]:
            in_doubt = spend.mode == "in-doubt"
            if not in_doubt and not spend.percent > 0:
                return []
            return [(in_doubt, spend.threshold, spend.amount, spend.percent, contained)]

        return self.key_of(members, terms)[0]

    def key_of(
        self,
        members: list[int],
        terms: Callable[[int, _Spend, tuple[int, ...]], list[SpendKey]],
        scale: bool = False,
    ) -> tuple[Key, tuple[int, ...]]:
        """The component's key with the spend terms ``terms`` gives for each spend offer that
        covers it (given its index and the offers whose applications count whole), and the
        spend offer of each term; in hundredths of a cent (:func:`scaled`) with ``scale``."""
        shape = self._shape(tuple(members))
        spends: list[SpendKey] = []
        spend_ids: list[int] = []
        for si, contained in shape.covering:
            for term in terms(si, self.spends[si], contained):
                spends.append(term)
                spend_ids.append(si)
        ids = tuple(spend_ids)
        known = shape.scaled if scale else shape.classes
        classes = known.get(ids)
        if classes is None:
            plain = shape.classes.get(ids)
            if plain is None:
                local: dict[int, int] = {}  # a class's mask (bit: spend offer) -> the key's
                for mask in {m for ci in members for m in (self.masks[ci][0], *self.masks[ci][1])}:
                    local[mask] = sum(
                        1 << bit for bit, si in enumerate(spend_ids) if mask >> si & 1
                    )
                plain = shape.classes[ids] = tuple(
                    (
                        self.classes[ci].gross,
                        self.classes[ci].count,
                        local[self.masks[ci][0]],
                        tuple(
                            (shape.local[o.offer], o.slot, o.disc, local[mask])
                            for o, mask in zip(self.options[ci], self.masks[ci][1], strict=True)
                        ),
                    )
                    for ci in members
                )
            classes = plain
            if scale:
                classes = shape.scaled[ids] = scaled_classes(plain)
        if scale:
            return (classes, shape.scaled_offers, scaled_spends(tuple(spends))), ids
        return (classes, shape.offers, tuple(spends)), ids

    def _shape(self, members: tuple[int, ...]) -> _Shape:
        """What a component's keys share, whatever their spend terms (built once per basket:
        the ceilings ask for a component's key with many terms)."""
        shape = self.shapes.get(members)
        if shape is None:
            offer_ids = sorted({o.offer for ci in members for o in self.options[ci]})
            local = {offer: i for i, offer in enumerate(offer_ids)}
            present = set(members)
            offers = tuple(_offer_params(self.items[offer]) for offer in offer_ids)
            shape = self.shapes[members] = _Shape(
                local=local,
                offers=offers,
                scaled_offers=scaled_offers(offers),
                covering=tuple(
                    (si, tuple(local[o] for o in offer_ids if self._contained(spend, o)))
                    for si, spend in enumerate(self.spends)
                    if not present.isdisjoint(spend.classes)
                ),
            )
        return shape

    def _contained(self, spend: _Spend, offer_index: int) -> bool:
        """Whether the applications of item offer ``offer_index`` count whole towards
        ``spend`` (a unit offer's units count one by one)."""
        return offer_index in spend.counting and not isinstance(self.items[offer_index], UnitOffer)

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
            if offer_index in self.cuts:
                apps = _as_cut(self.cuts[offer_index], units, unit_of)
            elif any(sum(price(u) for u in app) < offer.price.minor for app in apps):
                # the quick deal left one dearer than its units: look for a cut that doesn't
                if isinstance(offer, Bundle):
                    cut = _cut(by_slot, 1, len(apps), price, offer.price.minor)
                else:
                    cut = _cut([unit_ids], offer.quantity, len(apps), price, offer.price.minor)
                if cut is None:
                    raise _DearerApplication(offer_index)
                apps = cut
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
            saving = min(percent_of(sum(unit_net[u] for u in part), spend.percent), sum(left))
            for u, share in zip(part, _share(saving, left), strict=True):
                give(u, offer.id, offer.name, share)


@dataclass(frozen=True, slots=True)
class _Shape:
    """A component's offers (numbered locally) and the spend offers covering it, each with the
    offers whose applications count whole towards it; and its classes per set of spend terms."""

    local: dict[int, int]
    offers: tuple[tuple[int, ...], ...]
    scaled_offers: tuple[tuple[int, ...], ...]  # in hundredths of a cent (scaled)
    covering: tuple[tuple[int, tuple[int, ...]], ...]
    classes: dict[tuple[int, ...], tuple[ClassKey, ...]] = field(default_factory=dict)
    scaled: dict[tuple[int, ...], tuple[ClassKey, ...]] = field(default_factory=dict)


class _DearerApplication(Exception):
    """An application that would cost more than its units: the rules don't allow it."""

    def __init__(self, offer: int) -> None:
        super().__init__(offer)
        self.offer = offer  # index into the item offers


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


def _as_cut(
    cut: list[list[tuple[int, int, int]]],
    units: list[tuple[int, str, _Option]],
    unit_of: list[tuple[int, str, _Option | None]],
) -> list[list[int]]:
    """The units an offer takes, dealt into the applications a cut gives as (class, slot,
    units): units of a class at a slot are interchangeable."""
    pools: dict[tuple[int, int], list[int]] = {}
    for u, _, option in units:
        pools.setdefault((unit_of[u][0], option.slot), []).append(u)
    apps = [[pools[(ci, slot)].pop(0) for ci, slot, n in app for _ in range(n)] for app in cut]
    assert not any(pools.values()), "the cut and the counts come from the same solution"
    return apps


def _cut(
    slots: list[list[int]], need: int, apps: int, price: Callable[[int], int], floor: int
) -> list[list[int]] | None:
    """The units cut into ``apps`` applications of ``need`` units from each slot (a "N for P":
    one slot of N; a bundle: one unit per slot), none worth less than ``floor``; None if there is
    no such cut, or none is found within :data:`CUT_EFFORT` tries.

    Units of a slot at the same price are interchangeable, so the search runs over counts per
    price, and an application that takes the cheapest unit left in the first slot is tried
    first, cheapest first: some cut has one (cuts are unordered), and a cheap one wastes least.

    >>> prices = {0: 500, 1: 500, 2: 100, 3: 100}
    >>> _cut([[0, 1, 2, 3]], 2, 2, prices.__getitem__, 600)  # 5 + 5 and 1 + 1 would not do
    [[2, 0], [3, 1]]
    >>> _cut([[0, 2, 3]], 3, 1, prices.__getitem__, 800) is None
    True
    """
    levels = [sorted({price(u) for u in slot}) for slot in slots]
    start = tuple(
        tuple(sum(price(u) == p for u in slot) for p in ps)
        for slot, ps in zip(slots, levels, strict=True)
    )
    failed: set[tuple[tuple[int, ...], ...]] = set()
    tries = 0

    def spend() -> None:
        nonlocal tries
        tries += 1
        if tries > CUT_EFFORT:
            raise _GaveUp

    def takes(counts: tuple[int, ...], first: bool) -> list[tuple[int, ...]]:
        """Every way to take ``need`` units from one slot's counts (the cheapest if ``first``)."""
        have = [i for i, n in enumerate(counts) if n]
        fixed = have[:1] if first else []
        ways = []
        for picked in itertools.combinations_with_replacement(have, need - len(fixed)):
            spend()
            took = [0] * len(counts)
            for i in (*fixed, *picked):
                took[i] += 1
            if all(t <= n for t, n in zip(took, counts, strict=True)):
                ways.append(tuple(took))
        return ways

    def worth(app: tuple[tuple[int, ...], ...]) -> int:
        return sum(
            t * p
            for took, ps in zip(app, levels, strict=True)
            for t, p in zip(took, ps, strict=True)
        )

    def search(counts: tuple[tuple[int, ...], ...]) -> list[tuple[tuple[int, ...], ...]] | None:
        nonlocal tries
        if not any(any(c) for c in counts):
            return []
        if counts in failed:
            return None
        choices = []
        for app in itertools.product(*(takes(c, first=i == 0) for i, c in enumerate(counts))):
            spend()
            if worth(app) >= floor:
                choices.append(app)
        choices.sort(key=lambda app: (worth(app), app))
        for app in choices:
            spend()
            left = tuple(
                tuple(n - t for n, t in zip(c, took, strict=True))
                for c, took in zip(counts, app, strict=True)
            )
            rest = search(left)
            if rest is not None:
                return [app, *rest]
        failed.add(counts)
        return None

    try:
        found = search(start)
    except _GaveUp:
        return None
    if found is None:
        return None
    pools = [
        {p: [u for u in slot if price(u) == p] for p in ps}
        for slot, ps in zip(slots, levels, strict=True)
    ]
    assert len(found) == apps
    return [
        [
            pools[s][levels[s][i]].pop(0)
            for s, took in enumerate(app)
            for i, t in enumerate(took)
            for _ in range(t)
        ]
        for app in found
    ]


class _GaveUp(Exception):
    """:func:`_cut` has looked at :data:`CUT_EFFORT` candidates."""


CUT_EFFORT = 20_000
"""Candidate applications :func:`_cut` looks at before it gives up, a few milliseconds (the
benchmark's baskets never come near: the quick deal finds their cuts)."""


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
        return percent_of(cls.gross, benefit.percent)
    if isinstance(benefit, FixedPrice):
        return max(0, cls.gross - benefit.price.minor)
    if isinstance(benefit, AmountOff):
        return min(cls.gross, benefit.amount.minor)
    assert isinstance(benefit, PercentOff)
    return percent_of(cls.gross, benefit.percent)


def _offer_params(offer: Offer) -> tuple[int, ...]:
    limit = offer.when.max_applications
    cap = -1 if limit is None else limit
    if isinstance(offer, UnitOffer):
        return (UNIT, 1, 0, cap)
    if isinstance(offer, Multibuy):
        return (MULTI, offer.quantity, offer.price.minor, cap)
    if isinstance(offer, BuyGet):
        return (BUYGET, offer.buy + offer.get, offer.buy, cap)
    assert isinstance(offer, Bundle)
    return (BUNDLE, len(offer.slots), offer.price.minor, cap)
