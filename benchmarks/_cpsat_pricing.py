"""A second oracle for pricing: the same stacking rules as a CP-SAT model (OR-Tools).

It shares no code with the optimiser; it reads only the public offer values and follows the
rules as :mod:`aisle.domain.pricing._rules` writes them and, where those leave a choice open, as
the optimiser's docstring settles it:

- the basket is *units* (a weighed line is one unit); units of one product at one price, or one
  weighed line, or one product at one label price form a *class*;
- a unit takes at most one item offer; a label-priced unit takes none; a weighed unit takes only
  unit offers (per kg);
- unit offers save a fixed amount per unit (percentages rounded half-up per unit); "N for P" and
  bundles save the units' prices less P per application, and no application may cost more than
  its units at regular prices; "buy k get j" takes its units in order of price, dearest first,
  in consecutive applications of k + j and discounts the last j of each (per-unit percentage,
  rounded half-up);
- a spend offer counts, for its qualifying units, what is paid after item offers: a unit with no
  item offer or with a unit offer counts on its own; a unit in a "N for P", "buy k get j" or
  bundle application counts only when every class of the basket that offer covers qualifies
  (then a "N for P" or bundle application counts as its price, a "buy k get j" unit as its own
  net); exclusivity on either side keeps a unit with an item offer out of a spend offer;
- amount off is ``min(amount, spend)``; percent off is rounded half-up per counted unit, or per
  application for "N for P" and bundles (their price can't be split before it is known);
  spend offers stack, as the promotion file's checks allow only where they can't together take
  more than an item's price;
- limits: units for a unit offer, applications otherwise; a coupon offer applies at most once.

Objective: the largest total saving. :func:`basket_of` builds the units and offers' options once;
:mod:`benchmarks._greedy_pricing` reads the same structure. ``solve(..., buy_get="any")`` lets a
"buy k get j" cut its units into applications any way instead (Hall's condition), to show what
that other reading of the rule would change.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from aisle.domain.catalog import SoldBy
from aisle.domain.pricing import (
    AmountOff,
    Bundle,
    BuyGet,
    FixedPrice,
    LineToPrice,
    Multibuy,
    Offer,
    PercentOff,
    Shopper,
    SpendOffer,
    UnitOffer,
    line_gross,
    per_kg,
)

__all__ = ["Basket", "Optimum", "UnitClass", "basket_of", "half_up_percent", "solve"]

ItemOffer = UnitOffer | Multibuy | BuyGet | Bundle
Grouping = Literal["consecutive", "any"]


def half_up_percent(minor: int, percent: Decimal) -> int:
    """``percent`` of an amount in minor units, rounded half-up."""
    return int((Decimal(minor) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(slots=True)
class UnitClass:
    price: int  # per unit, minor units (a weighed line's whole amount)
    count: int
    line: LineToPrice  # the first line of the class (product fields)
    weighed: bool
    final: bool  # a label price: no item offer
    # per item offer index: the per-unit saving (unit offers; the discounted unit of a buy-get)
    # or 0 (multibuy, bundle); bundles list the slots that cover the class
    options: dict[int, int] = field(default_factory=dict)
    slots: dict[int, tuple[int, ...]] = field(default_factory=dict)


@dataclass(slots=True)
class Basket:
    classes: list[UnitClass]  # price highest first
    items: list[ItemOffer]
    spends: list[SpendOffer]
    covered: list[set[int]]  # per item offer: the classes with an option for it
    qualifying: list[set[int]]  # per spend offer: the classes its group covers

    def counts(self, spend: int, ci: int, item: int | None) -> bool:
        """Whether a unit of class ``ci`` under item offer ``item`` counts towards ``spend``."""
        if ci not in self.qualifying[spend]:
            return False
        if item is None:
            return True
        offer = self.items[item]
        if self.spends[spend].when.exclusive or offer.when.exclusive:
            return False
        return isinstance(offer, UnitOffer) or self.covered[item] <= self.qualifying[spend]

    def contained(self, spend: int, item: int) -> bool:
        """A multi-unit offer whose applications count whole towards ``spend``."""
        offer = self.items[item]
        return (
            not isinstance(offer, UnitOffer)
            and bool(self.covered[item])
            and self.counts(spend, next(iter(self.covered[item])), item)
        )


def _covers(group: Any, line: LineToPrice) -> bool:
    return bool(group.covers(line.gtin, line.category, line.brand, line.department))


def _unit_saving(cls: UnitClass, offer: UnitOffer) -> int:
    benefit = offer.benefit
    if cls.weighed:
        weight = cls.line.weight_g or 0
        if isinstance(benefit, FixedPrice):
            return cls.price - per_kg(benefit.price, weight).minor
        if isinstance(benefit, AmountOff):
            return min(cls.price, per_kg(benefit.amount, weight).minor)
        return half_up_percent(cls.price, benefit.percent)
    if isinstance(benefit, FixedPrice):
        return cls.price - benefit.price.minor
    if isinstance(benefit, AmountOff):
        return min(cls.price, benefit.amount.minor)
    assert isinstance(benefit, PercentOff)
    return half_up_percent(cls.price, benefit.percent)


def basket_of(
    lines: Sequence[LineToPrice],
    offers: Sequence[Offer],
    at: datetime,
    *,
    shopper: Shopper | None = None,
    store: str = "",
) -> Basket:
    """The basket's classes of units and the live offers' options on them."""
    who = shopper or Shopper()
    live = [o for o in offers if o.when.active(at, store, who)]
    items: list[ItemOffer] = [o for o in live if not isinstance(o, SpendOffer)]
    spends = [o for o in live if isinstance(o, SpendOffer)]
    by_key: dict[tuple[str, ...], UnitClass] = {}
    for line in lines:
        if line.label_price is not None:
            key: tuple[str, ...] = ("label", line.gtin, str(line.label_price.minor))
            price, count = line.label_price.minor, line.quantity
        elif line.sold_by is SoldBy.WEIGHT:
            key, price, count = ("weighed", line.line_id), line_gross(line).minor, 1
        else:
            key = ("each", line.gtin, str(line.unit_price.minor))
            price, count = line.unit_price.minor, line.quantity
        if key in by_key:
            by_key[key].count += count
        else:
            weighed = line.sold_by is SoldBy.WEIGHT and line.label_price is None
            by_key[key] = UnitClass(price, count, line, weighed, line.label_price is not None)
    classes = [c for _, c in sorted(by_key.items(), key=lambda kv: (-kv[1].price, kv[0]))]
    covered: list[set[int]] = [set() for _ in items]
    for ci, cls in enumerate(classes):
        if cls.final:
            continue
        for i, offer in enumerate(items):
            if isinstance(offer, UnitOffer):
                if _covers(offer.group, cls.line) and (saving := _unit_saving(cls, offer)) > 0:
                    cls.options[i] = saving
            elif cls.weighed:
                continue
            elif isinstance(offer, Multibuy):
                if _covers(offer.group, cls.line):
                    cls.options[i] = 0
            elif isinstance(offer, BuyGet):
                if _covers(offer.group, cls.line):
                    cls.options[i] = half_up_percent(cls.price, offer.percent_off)
            else:
                slots = tuple(s for s, g in enumerate(offer.slots) if _covers(g, cls.line))
                if slots:
                    cls.options[i] = 0
                    cls.slots[i] = slots
            if i in cls.options:
                covered[i].add(ci)
    qualifying = [{ci for ci, c in enumerate(classes) if _covers(s.group, c.line)} for s in spends]
    return Basket(classes, items, spends, covered, qualifying)


# -- the model -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Optimum:
    saving: int  # minor units
    status: str  # "OPTIMAL" unless the time limit ran out
    build_s: float
    solve_s: float
    # the solution: (first line of a class, offer id, units) and the spend offers met
    taken: tuple[tuple[str, str, int], ...] = ()
    met: tuple[str, ...] = ()

    @property
    def seconds(self) -> float:
        return self.build_s + self.solve_s


def _cap(offer: Offer) -> int | None:
    return offer.when.max_applications


def solve(
    lines: Sequence[LineToPrice],
    offers: Sequence[Offer],
    at: datetime,
    *,
    shopper: Shopper | None = None,
    store: str = "",
    workers: int = 1,
    time_limit_s: float = 120.0,
    buy_get: Grouping = "consecutive",
) -> Optimum:
    """The largest total saving the rules allow, proven optimal by CP-SAT.

    ``buy_get="any"`` lets a "buy k get j" cut its units into applications any way that keeps
    the discounted units the cheapest of each, instead of consecutively in price order.
    """
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    basket = basket_of(lines, offers, at, shopper=shopper, store=store)
    model = cp_model.CpModel()
    classes, items = basket.classes, basket.items
    saving: list[Any] = []
    # x[ci][(i, slot)]: units of class ci given to item offer i (bundle slot, else 0)
    x: list[dict[tuple[int, int], Any]] = []
    none: list[Any] = []
    for ci, cls in enumerate(classes):
        given: dict[tuple[int, int], Any] = {}
        for i in cls.options:
            for slot in cls.slots.get(i, (0,)):
                given[(i, slot)] = model.new_int_var(0, cls.count, f"x{ci}_{i}_{slot}")
        x.append(given)
        model.add(sum(given.values()) <= cls.count)
        none.append(cls.count - sum(given.values()))

    apps: dict[int, Any] = {}  # multibuy and bundle applications
    discounted: dict[tuple[int, int], Any] = {}  # buy-get: discounted units per (class, offer)
    for i, offer in enumerate(items):
        members = sorted(basket.covered[i])
        if not members:
            continue
        cap = _cap(offer)
        if isinstance(offer, UnitOffer):
            if cap is not None:
                model.add(sum(x[ci][(i, 0)] for ci in members) <= cap)
            saving += [classes[ci].options[i] * x[ci][(i, 0)] for ci in members]
        elif isinstance(offer, Multibuy | Bundle):
            if isinstance(offer, Multibuy):
                most = sum(classes[ci].count for ci in members) // offer.quantity
            else:
                most = min(
                    sum(classes[ci].count for ci in members if slot in classes[ci].slots[i])
                    for slot in range(len(offer.slots))
                )
            most = most if cap is None else min(cap, most)
            n = model.new_int_var(0, most, f"n{i}")
            if isinstance(offer, Multibuy):
                model.add(sum(x[ci][(i, 0)] for ci in members) == offer.quantity * n)
            else:
                for slot in range(len(offer.slots)):
                    model.add(sum(x[ci][(i, slot)] for ci in members if (i, slot) in x[ci]) == n)
            saving += [
                classes[ci].price * v for ci in members for k, v in x[ci].items() if k[0] == i
            ]
            saving.append(-offer.price.minor * n)
            apps[i] = n
            if _may_cost_more(basket, i, offer, members):
                _each_application_saves(model, basket, i, offer, members, x, most)
        else:
            cut = _buy_get if buy_get == "consecutive" else _buy_get_any
            cut(model, basket, i, offer, members, x, discounted, saving)

    spends_met = [
        _spend(model, basket, s, spend, x, none, apps, discounted, saving)
        for s, spend in enumerate(basket.spends)
    ]

    model.maximize(sum(saving))
    built = time.perf_counter()
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    # the full LP relaxation: with it one worker proves these optima in tens of milliseconds;
    # without it an in-doubt basket threshold can take seconds (the default portfolio)
    solver.parameters.linearization_level = 2
    solver.parameters.max_time_in_seconds = time_limit_s
    status = solver.solve(model)
    done = time.perf_counter()
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(f"CP-SAT found no solution: {solver.status_name(status)}")
    taken = tuple(
        (classes[ci].line.line_id, items[i].id, solver.value(var))
        for ci, options in enumerate(x)
        for (i, _), var in options.items()
        if solver.value(var)
    )
    met = tuple(s.id for s, var in zip(basket.spends, spends_met, strict=True) if solver.value(var))
    return Optimum(
        saving=round(solver.objective_value),
        status=solver.status_name(status),
        build_s=built - started,
        solve_s=done - built,
        taken=taken,
        met=met,
    )


def _may_cost_more(basket: Basket, i: int, offer: Multibuy | Bundle, members: list[int]) -> bool:
    """Whether some application could cost more than its units at regular prices."""
    classes = basket.classes
    if isinstance(offer, Multibuy):
        cheapest = sorted(p for ci in members for p in [classes[ci].price] * classes[ci].count)
        return (
            offer.quantity <= len(cheapest) and sum(cheapest[: offer.quantity]) < offer.price.minor
        )
    lows = [
        min((classes[ci].price for ci in members if slot in classes[ci].slots[i]), default=None)
        for slot in range(len(offer.slots))
    ]
    return None not in lows and sum(p for p in lows if p is not None) < offer.price.minor


def _each_application_saves(
    model: Any,
    basket: Basket,
    i: int,
    offer: Multibuy | Bundle,
    members: list[int],
    x: list[dict[tuple[int, int], Any]],
    most: int,
) -> None:
    """The units split into applications one by one, none dearer than its units: an
    application of a "N for P" or a bundle never costs more than its units at regular prices."""
    classes = basket.classes
    keys = [(ci, k) for ci in members for k in x[ci] if k[0] == i]
    per_app = offer.quantity if isinstance(offer, Multibuy) else 1
    in_app: list[dict[tuple[int, tuple[int, int]], Any]] = []
    used = [model.new_bool_var(f"u{i}_{a}") for a in range(most)]
    for a in range(most):
        here = {
            key: model.new_int_var(0, min(per_app, classes[key[0]].count), f"y{i}_{a}_{key}")
            for key in keys
        }
        in_app.append(here)
        if isinstance(offer, Multibuy):
            model.add(sum(here.values()) == offer.quantity * used[a])
        else:
            for slot in range(len(offer.slots)):
                model.add(sum(v for (_, k), v in here.items() if k[1] == slot) == used[a])
        model.add(
            sum(classes[ci].price * v for (ci, _), v in here.items()) >= offer.price.minor * used[a]
        )
        if a:
            model.add_implication(used[a], used[a - 1])
    for ci, k in keys:
        model.add(x[ci][k] == sum(app[(ci, k)] for app in in_app))


def _buy_get(
    model: Any,
    basket: Basket,
    i: int,
    offer: BuyGet,
    members: list[int],
    x: list[dict[tuple[int, int], Any]],
    discounted: dict[tuple[int, int], Any],
    saving: list[Any],
) -> None:
    """Units in price order, consecutive applications: the discounted ones are those at
    positions ``buy .. buy + get - 1`` of each application, counted with integer division."""
    size = offer.buy + offer.get
    total = sum(basket.classes[ci].count for ci in members)
    most = total // size
    cap = _cap(offer)
    n = model.new_int_var(0, most if cap is None else min(cap, most), f"n{i}")
    before: Any = 0  # units of the offer in the classes so far, and how many were discounted
    before_disc: Any = 0
    for k, ci in enumerate(members):  # members are in price order, highest first
        upto = model.new_int_var(0, total, f"c{i}_{k}")
        model.add(upto == before + x[ci][(i, 0)])
        whole = model.new_int_var(0, most, f"q{i}_{k}")
        model.add_division_equality(whole, upto, size)
        rest = model.new_int_var(0, size - 1, f"r{i}_{k}")
        model.add_modulo_equality(rest, upto, size)
        extra = model.new_int_var(0, offer.get, f"e{i}_{k}")
        model.add_max_equality(extra, [0, rest - offer.buy])
        disc_upto = offer.get * whole + extra
        g = model.new_int_var(0, basket.classes[ci].count, f"g{i}_{k}")
        model.add(g == disc_upto - before_disc)
        discounted[(ci, i)] = g
        saving.append(basket.classes[ci].options[i] * g)
        before, before_disc = upto, disc_upto
    model.add(before == size * n)


def _buy_get_any(
    model: Any,
    basket: Basket,
    i: int,
    offer: BuyGet,
    members: list[int],
    x: list[dict[tuple[int, int], Any]],
    discounted: dict[tuple[int, int], Any],
    saving: list[Any],
) -> None:
    """Any cut into applications: the units split into bought and discounted ones, and for
    every price P the discounted units priced P or more fill at least ``ceil(G / get)``
    applications, each of which needs ``buy`` bought units priced P or more (Hall's condition
    for matching them)."""
    size = offer.buy + offer.get
    total = sum(basket.classes[ci].count for ci in members)
    most = total // size
    cap = _cap(offer)
    n = model.new_int_var(0, most if cap is None else min(cap, most), f"n{i}")
    bought: Any = 0
    free: Any = 0
    for k, ci in enumerate(members):  # price order, highest first
        cls = basket.classes[ci]
        g = model.new_int_var(0, cls.count, f"g{i}_{k}")
        model.add(g <= x[ci][(i, 0)])
        discounted[(ci, i)] = g
        saving.append(cls.options[i] * g)
        bought, free = bought + x[ci][(i, 0)] - g, free + g
        last_of_price = k + 1 == len(members) or basket.classes[members[k + 1]].price < cls.price
        if last_of_price:
            apps = model.new_int_var(0, most, f"a{i}_{k}")
            model.add(offer.get * apps >= free)
            model.add(offer.buy * apps <= bought)
    model.add(bought == offer.buy * n)
    model.add(free == offer.get * n)


def _spend(
    model: Any,
    basket: Basket,
    s: int,
    spend: SpendOffer,
    x: list[dict[tuple[int, int], Any]],
    none: list[Any],
    apps: dict[int, Any],
    discounted: dict[tuple[int, int], Any],
    saving: list[Any],
) -> Any:
    """Adds the spend offer's saving; returns whether its threshold is met (a variable)."""
    met = model.new_bool_var(f"met{s}")
    qualifying = sorted(basket.qualifying[s])
    if not qualifying:
        model.add(met == 0)
        return met
    # (count expression, upper bound, net per counted thing) for everything that counts
    parts: list[tuple[Any, int, int]] = []
    for ci in qualifying:
        cls = basket.classes[ci]
        parts.append((none[ci], cls.count, cls.price))
        for i, per_unit in cls.options.items():
            if not basket.counts(s, ci, i):
                continue
            offer = basket.items[i]
            if isinstance(offer, UnitOffer):
                parts.append((x[ci][(i, 0)], cls.count, cls.price - per_unit))
            elif isinstance(offer, BuyGet):
                g = discounted[(ci, i)]
                parts.append((x[ci][(i, 0)] - g, cls.count, cls.price))
                parts.append((g, cls.count, cls.price - per_unit))
    for i, n in apps.items():
        if basket.contained(s, i):
            offer = basket.items[i]
            assert isinstance(offer, Multibuy | Bundle)
            parts.append(
                (n, sum(basket.classes[ci].count for ci in basket.covered[i]), offer.price.minor)
            )
    spent = sum(net * count for count, _, net in parts)
    model.add(spent >= spend.threshold.minor * met)
    if isinstance(spend.benefit, AmountOff):
        amount = spend.benefit.amount.minor
        got = model.new_int_var(0, amount, f"amount{s}")
        model.add(got <= amount * met)
        model.add(got <= spent)
        saving.append(got)
        return met
    for k, (count, most, net) in enumerate(parts):
        per = half_up_percent(net, spend.benefit.percent)
        if per <= 0:
            continue
        counted = model.new_int_var(0, most, f"w{s}_{k}")
        model.add(counted <= count)
        model.add(counted <= most * met)
        saving.append(per * counted)
    return met
