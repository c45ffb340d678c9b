"""The dynamic programme that solves one component of the basket exactly.

The rules of :mod:`aisle.domain.pricing._rules` make every offer's saving a sum of per-unit and
per-application terms:

- a unit offer saves a fixed amount on each unit it takes;
- "N for P" saves each unit's price and costs P back at every N-th unit (a complete application);
- "buy k get j" saves on the units at positions k..k+j-1 of each application, its classes taken
  in order of price, highest first, so the discounted ones are the cheapest of each application;
- a bundle saves each unit's price and costs P back when every slot has one more unit;
- a spend offer's threshold is a sum of what each unit or application contributes.

So a dynamic programme over the classes finds the exact optimum. Its state is, per offer, the
little it must remember (units taken towards the current application, applications against a
limit, a bundle's slot counts), and for a spend offer whose threshold is in doubt, the spend so
far (capped at the threshold) and the percentage saving waiting on it. The classes are walked
in an order that closes offers early (only a "buy k get j" needs its classes by price). States
that agree on everything keep only the better value; ties keep the first found, and choices are
tried in a fixed order (no offer first), so the same basket always prices the same way.

A bundle keeps one count per slot until its applications complete, which multiplies the states.
The classes are walked slot by slot, and a component that the bundle alone joins is split: each
group of classes (one slot's) is solved once for every number of units it could give the bundle,
with that number as the index of a list of values rather than part of the state, and the groups
are matched by number (:func:`_solve_split`). Groups are remembered between scans.

A threshold in doubt makes the spend part of the state, which can take many values; bounds from
programmes without it, or pricing spend instead of counting it (a Lagrangian relaxation), drop
the states that cannot beat a solution already found, and states another beats are dropped.
That case is the one that costs time: a knapsack hides in it. The optimiser mostly avoids it
(:mod:`aisle.domain.pricing._claims`).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, TypeVar

UNIT, MULTI, BUYGET, BUNDLE = 0, 1, 2, 3


@lru_cache(maxsize=65536)
def percent_of(minor: int, percent: Decimal) -> int:
    """A percentage of an amount in minor units, rounded half-up (remembered: the programme
    asks for the same few again and again)."""
    return int((Decimal(minor) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# A component: classes (gross, count, none's spend mask, options (offer, slot, disc, mask)),
# offers (kind, size, price or buy, limit), spends (in doubt, threshold, amount, percent,
# offers whose applications count whole).
ClassKey = tuple[int, int, int, tuple[tuple[int, int, int, int], ...]]
SpendKey = tuple[bool, int, int, Decimal, tuple[int, ...]]
Key = tuple[tuple[ClassKey, ...], tuple[tuple[int, ...], ...], tuple[SpendKey, ...]]
State = tuple[int | tuple[int, ...], ...]


SCALE = 100
"""A priced key (:func:`scaled`) counts value in hundredths of a cent, so that a price on
spending of ``w`` hundredths of a cent per cent is exact."""

PRICED = -1
"""The threshold of a spend term that is a *price* on spending, not an offer: ``percent``
hundredths of a cent for each cent spent (a Lagrangian term, with which the optimiser bounds
what claiming a threshold in doubt can be worth). Only in a :func:`scaled` key, where it is
exact."""

SCALED = -2
"""The threshold of a percentage term in a :func:`scaled` key: the percentage of the amount in
cents, rounded half-up as the offer rounds it, then counted in hundredths of a cent."""


def spend_term(amount: int, threshold: int, percent: Decimal) -> int:
    """What a contribution of ``amount`` to a spend offer that is not in doubt adds to the value.

    >>> spend_term(150, 1000, Decimal(5))
    8
    >>> spend_term(15000, SCALED, Decimal(5)), spend_term(15000, PRICED, Decimal(5))
    (800, 750)
    """
    if threshold == PRICED:
        return -((-amount * int(percent)) // SCALE)  # exact on a scaled key's amounts
    if threshold == SCALED:
        return SCALE * percent_of(amount // SCALE, percent)
    return percent_of(amount, percent)


def scaled(key: Key) -> Key:
    """The same component with every amount in hundredths of a cent: a solution's value is
    :data:`SCALE` times its value in ``key``, plus what any :data:`PRICED` term adds. Spend
    offers must not be in doubt."""
    classes, offers, spends = key
    return scaled_classes(classes), scaled_offers(offers), scaled_spends(spends)


def scaled_classes(classes: tuple[ClassKey, ...]) -> tuple[ClassKey, ...]:
    """A key's classes for :func:`scaled`."""
    return tuple(
        (
            gross * SCALE,
            count,
            none_mask,
            tuple((o, slot, disc * SCALE, mask) for o, slot, disc, mask in options),
        )
        for gross, count, none_mask, options in classes
    )


def scaled_offers(offers: tuple[tuple[int, ...], ...]) -> tuple[tuple[int, ...], ...]:
    """A key's offers for :func:`scaled`."""
    return tuple(
        (kind, size, param * SCALE if kind in (MULTI, BUNDLE) else param, cap)
        for kind, size, param, cap in offers
    )


def scaled_spends(spends: tuple[SpendKey, ...]) -> tuple[SpendKey, ...]:
    """A key's spend terms for :func:`scaled` (none in doubt)."""
    assert not any(spend[0] for spend in spends)
    return tuple(
        (False, threshold if threshold == PRICED else SCALED, amount, percent, contained)
        for _, threshold, amount, percent, contained in spends
    )


@lru_cache(maxsize=1024)
def _all_splits(count: int, parts: int) -> tuple[tuple[int, ...], ...]:
    """:func:`_splits`, remembered."""
    return tuple(_splits(count, parts))


def _splits(count: int, parts: int) -> Iterator[tuple[int, ...]]:
    """Every way to share ``count`` units among ``parts``; the first (no offer) largest first."""
    if parts == 1:
        yield (count,)
        return
    for first in range(count, -1, -1):
        for rest in _splits(count - first, parts - 1):
            yield (first, *rest)


BUDGET = 20_000
"""Moves (a state tried with a choice) the programme may make on one component before it hands
the component to the integer programme of :mod:`aisle.domain.pricing._integer`. Counted, not
timed, so the same basket always takes the same path. The C kernel makes some 8 million moves a
second on the slowest machine measured, so the budget is a few milliseconds of work, less than
CP-SAT takes on such a component. On the pricing benchmark's 4,000 scans (40 baskets), the
components without a threshold in doubt take 171 moves at the median, 2,257 at the 99th
percentile and 6,875 at most: none runs past it (with 5,000, the budget before the kernel,
36 scans went to CP-SAT)."""


DOUBT_BUDGET = 600
"""The same for a component with a threshold in doubt, whose states also count the spend."""


class _OverBudget(Exception):
    pass


class _Work:
    """The moves left to the programme on the component it is solving, per thread: a server
    prices several carts at once, and one cart's count must not spend another's. It holds a
    plain ``threading.local``: mypyc's build of a subclass of one crashes on the first access
    (see :mod:`aisle.compiled`)."""

    def __init__(self) -> None:
        self._local = threading.local()

    @property
    def left(self) -> int:
        left: int = getattr(self._local, "left", BUDGET)
        return left

    @left.setter
    def left(self, value: int) -> None:
        self._local.left = value


_work = _Work()


@lru_cache(maxsize=4096)
def solve(
    key: Key, hint: tuple[tuple[int, ...], ...] | None = None
) -> tuple[int, tuple[tuple[int, ...], ...]]:
    """The best value of a component and, per class, the units given to each option.

    The dynamic programme solves it when it can within :data:`BUDGET`; otherwise CP-SAT does
    (:mod:`aisle.domain.pricing._integer`), starting from ``hint`` where there is one (a
    solution in the same form). Both are exact and value a solution the same way.
    """
    _, found = solve_by_programme(key)
    if found is None:
        from aisle.domain.pricing._integer import solve_integer

        return solve_integer(key, hint)
    return found


@lru_cache(maxsize=256)
def solve_whole(key: Key) -> tuple[int, tuple[tuple[int, ...], ...], Any]:
    """The best value of a component, as :func:`solve`, where no "N for P" or bundle
    application may cost more than its units, and those applications' units (per offer of the
    key: each application as (class, units)). The programme counts units per class and can't
    tell; :func:`aisle.domain.pricing._integer.solve_integer_whole` models each application
    whole, within a deterministic effort."""
    from aisle.domain.pricing._integer import solve_integer_whole

    return solve_integer_whole(key)


@lru_cache(maxsize=4096)
def solve_by_programme(key: Key) -> tuple[int, tuple[int, tuple[tuple[int, ...], ...]] | None]:
    """:func:`solve` by the programme alone: the moves it made (the same whenever the key
    comes back), and the solution, or None when it ran past its budget.

    Without a threshold in doubt, the C kernel runs it whole where it is built and takes the
    component (:func:`_by_programme_source` otherwise, the same programme in Python)."""
    classes, offers, spends = key
    in_doubt = any(spend[0] for spend in spends)
    budget = DOUBT_BUDGET if in_doubt else BUDGET
    if _KERNEL is not None and not in_doubt:
        try:
            left, solved = _KERNEL.solve(classes, offers, spends, budget, BUDGET)
        except ValueError:
            pass  # numbers too large or too many spend terms for it: the Python's
        else:
            return (budget - left, solved) if solved is not None else (budget, None)
    return _by_programme_source(key, budget)


def _by_programme_source(
    key: Key, budget: int
) -> tuple[int, tuple[int, tuple[tuple[int, ...], ...]] | None]:
    """:func:`solve_by_programme` in Python, within ``budget`` moves: the reference the
    kernel's ``solve`` is tested against (its forward passes may still run in the kernel)."""
    _work.left = budget
    try:
        found = _solve_programme(key)
    except _OverBudget:
        return budget, None
    return budget - _work.left, found


FRONTIER_BUDGET = 500_000
"""Moves :func:`frontier` may make on one component: about 100 ms in the kernel on the slowest
machine measured (5 million moves a second: a frontier's states are checked against every
bound's futures), as long as CP-SAT takes on the joined component it saves. On the pricing
benchmark's 4,000 scans the frontiers take 117 moves at the median, 36,752 at the 99th
percentile and 418,850 at most (with 20,000, 68 scans went to CP-SAT)."""

Point = tuple[tuple[int, ...], int, tuple[int, ...], tuple[tuple[int, ...], ...]]
"""A point of a frontier: the spend towards each threshold in doubt (capped at it), the value,
what it falls short of each priced optimum, and per class the units given to each option."""

Bound = tuple[Key, int]
"""A price on spending for :func:`frontier`: the component priced, and how far short of its
priced optimum a solution may fall (hundredths of a cent)."""


@lru_cache(maxsize=4096)
def frontier(key: Key, bounds: tuple[Bound, ...]) -> tuple[int, tuple[Point, ...] | None]:
    """The solutions of a component that no other beats on spend and value, among those each
    price on spending of ``bounds`` values within its allowance of its optimum: the moves it
    took, and the points, least spent first (None past :data:`FRONTIER_BUDGET`).

    The thresholds in doubt of ``key`` must give nothing (no amount, no percentage): their
    terms only add up what the component spends towards them, capped, so that the optimiser can
    join components' frontiers over thresholds the basket shares
    (:mod:`aisle.domain.pricing._claims`). A bound's key is the same component, scaled, with
    those terms priced instead (:data:`PRICED`, or a percentage of 0 where a threshold is
    free): a point's priced value is its value in hundredths of a cent plus the price of what
    it spends, and the programme on the priced key says, from every state, the most the rest
    can add to it, so a state that falls short of the priced optimum by more than the
    allowance at best is dropped. A state that has spent at least as much towards each
    threshold and is worth at least as much as another, with the same offers open, beats it,
    whatever comes after.
    """
    _, offers, spends = key
    assert all(not spend[2] and not spend[3] for spend in spends if spend[0])
    units = _as_units(key)
    order = _order(units[0], offers, spends)
    if _KERNEL is not None:
        try:
            return _frontier_in_kernel(key, units, order, bounds)
        except ValueError:
            pass  # too many spend terms or numbers too large for it: the Python's
    return _frontier_source(key, units, order, bounds)


def _frontier_source(
    key: Key, units: Key, order: list[int], bounds: tuple[Bound, ...]
) -> tuple[int, tuple[Point, ...] | None]:
    """:func:`frontier` in Python: the reference the kernel is tested against."""
    _, offers, spends = key
    base = len(offers)
    bits = [bit for bit, spend in enumerate(spends) if spend[0]]
    zeros = (0,) * len(spends)
    saved = _work.left
    _work.left = FRONTIER_BUDGET
    try:
        priced = _priced_bounds(bounds, bits, tuple(order), _futures)

        def within(step: int, state: State, value: int) -> bool:
            offers_part = state[:base] + zeros
            for prices, _, futures, least in priced:
                rest = futures[step].get(offers_part)
                if rest is None:
                    return False
                spent = sum(p * _spent(state[base + b]) for p, b in zip(prices, bits, strict=True))
                if value * SCALE + spent + rest < least:
                    return False
            return True

        layers = _forward(units, order, None, tracking=within)
    except _OverBudget:
        return FRONTIER_BUDGET, None
    finally:
        moves = FRONTIER_BUDGET - _work.left
        _work.left = saved
    points: list[Point] = []
    for state, (value, _, _) in layers[-1].items():
        spent = tuple(_spent(state[base + bit]) for bit in bits)
        chosen = _as_classes(key, _trace(layers, order, len(units[0]), state))
        points.append((spent, value, _shorts(priced, spent, value), chosen))
    points.sort(key=lambda point: (point[0], -point[1]))
    return moves, tuple(points)


_Futures = TypeVar("_Futures")


def _priced_bounds(
    bounds: tuple[Bound, ...],
    bits: list[int],
    order: tuple[int, ...],
    futures_of: Callable[[Key, tuple[int, ...]], tuple[int, int, _Futures]],
) -> list[tuple[list[int], int, _Futures, int]]:
    """Per bound of :func:`frontier`: the prices per threshold in doubt, the priced optimum,
    the futures (``futures_of``: the Python's or the kernel's), and the least a state may reach;
    their moves are taken from the frontier's budget."""
    priced: list[tuple[list[int], int, _Futures, int]] = []
    for bound_key, allowance in bounds:
        prices = _bound_prices(bound_key, bits)
        moved, best, futures = futures_of(bound_key, order)
        _work.left -= moved
        if _work.left < 0:
            raise _OverBudget
        priced.append((prices, best, futures, best - allowance))
    return priced


def _bound_prices(bound_key: Key, bits: list[int]) -> list[int]:
    """What a bound charges per cent spent towards each threshold in doubt (``bits``), in
    hundredths of a cent: its :data:`PRICED` percentage, or 0 where the threshold is free."""
    return [int(bound_key[2][bit][3]) if bound_key[2][bit][1] == PRICED else 0 for bit in bits]


def _shorts(
    priced: Sequence[tuple[list[int], int, Any, int]], spent: tuple[int, ...], value: int
) -> tuple[int, ...]:
    """How far a point (its spend towards each threshold in doubt, its value) falls short of
    each bound's priced optimum, in hundredths of a cent."""
    return tuple(
        best - value * SCALE - sum(p * s for p, s in zip(prices, spent, strict=True))
        for prices, best, _, _ in priced
    )


@lru_cache(maxsize=256)
def _futures(key: Key, order: tuple[int, ...]) -> tuple[int, int, list[dict[State, int]]]:
    """For :func:`frontier`, remembered (a price comes back scan after scan): the programme on
    ``key``'s units walked in ``order``, the moves it took, its optimum, and from every state
    of every step, the most the rest can add."""
    saved = _work.left
    _work.left = FRONTIER_BUDGET
    try:
        futures: list[dict[State, int]] = []
        layers = _forward(_as_units(key), list(order), None, futures)
        return (
            FRONTIER_BUDGET - _work.left,
            max(value for value, _, _ in layers[-1].values()),
            futures,
        )
    finally:
        _work.left = saved


def _frontier_in_kernel(
    key: Key, units: Key, order: list[int], bounds: tuple[Bound, ...]
) -> tuple[int, tuple[Point, ...] | None]:
    """:func:`frontier` with its passes in the C kernel: the same moves against the same
    budget, the same points. ValueError where the kernel does not take the component."""
    spends = key[2]
    bits = [bit for bit, spend in enumerate(spends) if spend[0]]
    saved = _work.left
    _work.left = FRONTIER_BUDGET
    try:
        priced = _priced_bounds(bounds, bits, tuple(order), _futures_in_kernel)
        left, finals = _KERNEL.frontier(
            *units,
            order,
            _work.left,
            [(prices, handle, least) for prices, _, handle, least in priced],
        )
        _work.left = left
        if finals is None:
            raise _OverBudget
    except _OverBudget:
        return FRONTIER_BUDGET, None
    finally:
        moves = FRONTIER_BUDGET - _work.left
        _work.left = saved
    points: list[Point] = []
    for spent, value, chosen in finals:
        points.append((spent, value, _shorts(priced, spent, value), _as_classes(key, chosen)))
    points.sort(key=lambda point: (point[0], -point[1]))
    return moves, tuple(points)


@lru_cache(maxsize=256)
def _futures_in_kernel(key: Key, order: tuple[int, ...]) -> tuple[int, int, Any]:
    """:func:`_futures` in the C kernel: the moves, the optimum, and the futures kept there
    (a handle only :func:`_frontier_in_kernel` reads)."""
    left, best, handle = _KERNEL.futures(*_as_units(key), list(order), FRONTIER_BUDGET)
    if handle is None:
        raise _OverBudget
    return FRONTIER_BUDGET - left, best, handle


def _spent(held: int | tuple[int, ...]) -> int:
    assert isinstance(held, tuple)
    return held[0]


def forget_groups() -> None:
    """Forget everything the programme remembers (with the optimiser's own cache): groups of
    split components, solutions, orders, percentages, moves."""
    remembered = (
        _group,
        solve_by_programme,
        frontier,
        _futures,
        _futures_in_kernel,
        measure,
        _ordered,
        _all_splits,
        percent_of,
        _moves,
    )
    for cached in remembered:
        cached.cache_clear()


def _solve_programme(key: Key) -> tuple[int, tuple[tuple[int, ...], ...]]:
    """The programme takes one unit at a time: a class of m units with r options would
    otherwise try every way to share m units among r + 1 choices at once, which grows like m to
    the r; one unit at a time, equal states met along different paths merge at every step."""
    joined = _bundle_split(key)
    if joined is not None:
        return _solve_split(key, *joined)
    if all(count == 1 for _, count, _, _ in key[0]):
        return _solve_units(key)
    value, chosen = _solve_units(_as_units(key))
    return value, _as_classes(key, chosen)


def _as_units(key: Key) -> Key:
    """The component with each class's units as classes of one unit, in the same order."""
    classes, offers, spends = key
    units = tuple(
        (gross, 1, mask, options) for gross, count, mask, options in classes for _ in range(count)
    )
    return units, offers, spends


def _as_classes(key: Key, chosen: tuple[tuple[int, ...], ...]) -> tuple[tuple[int, ...], ...]:
    """Choices made unit by unit (on :func:`_as_units`) as splits of ``key``'s classes."""
    assert len(chosen) == sum(count for _, count, _, _ in key[0])
    splits: list[tuple[int, ...]] = []
    at = 0
    for _, count, _, options in key[0]:
        split = [0] * (len(options) + 1)
        for unit in chosen[at : at + count]:
            split[unit.index(1)] += 1
        splits.append(tuple(split))
        at += count
    return tuple(splits)


def _bundle_split(key: Key) -> tuple[int, list[list[int]]] | None:
    """A bundle whose slots the rest of the component does not join, and the groups of classes
    it joins; None when there is no such bundle (or a threshold in doubt is open).

    Without the bundle, the component falls apart into groups that each fill at most one of
    its slots. Given the number of applications, the groups are independent, so each is solved
    once for every count it could give the bundle, and the counts are matched afterwards: the
    programme never has to keep two slots' counts at once.
    """
    classes, offers, spends = key
    if any(in_doubt for in_doubt, _, _, _, _ in spends):
        return None
    units: dict[int, int] = {}
    for _, count, _, options in classes:
        for offer, _, _, _ in options:
            if offers[offer][0] == BUNDLE:
                units[offer] = units.get(offer, 0) + count
    for bundle in sorted(units, key=lambda b: (-units[b], b)):
        parent = list(range(len(classes)))
        first: dict[int, int] = {}
        for ci, (_, _, _, options) in enumerate(classes):
            for offer, _, _, _ in options:
                if offer != bundle:
                    a, b = _root(parent, first.setdefault(offer, ci)), _root(parent, ci)
                    parent[max(a, b)] = min(a, b)
        slot_of: dict[int, int] = {}
        fits = True
        for ci, (_, _, _, options) in enumerate(classes):
            for offer, slot, _, _ in options:
                if offer == bundle and slot_of.setdefault(_root(parent, ci), slot) != slot:
                    fits = False
        groups: dict[int, list[int]] = {}
        for ci in range(len(classes)):
            groups.setdefault(_root(parent, ci), []).append(ci)
        if fits and len(groups) > 1:
            return bundle, list(groups.values())
    return None


def _root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


_NONE_GIVEN: dict[int, tuple[int, list[tuple[int, int]]]] = {0: (0, [])}
"""A slot no group fills: it gives no units, worth nothing, from no group."""


def _solve_split(
    key: Key, bundle: int, groups: list[list[int]]
) -> tuple[int, tuple[tuple[int, ...], ...]]:
    """Solve a component that ``bundle`` alone joins (see :func:`_bundle_split`).

    In each group the bundle becomes a unit offer worth each unit's price, limited to the most
    applications there can be, and the group is solved for every count it can end with. A slot's
    groups are added up count by count; then the number of applications that makes the whole
    best is chosen, each paying the bundle's price (and earning what spend offers give for it).
    """
    classes, offers, spends = key
    _, size, price, cap = offers[bundle]
    slot_units = [0] * size
    for _, count, _, options in classes:
        for offer, which, _, _ in options:
            if offer == bundle:
                slot_units[which] += count
    most = min(slot_units) if cap < 0 else min(cap, *slot_units)
    per_application = -price + sum(
        spend_term(price, threshold, percent)
        for _, threshold, _, percent, contained in spends
        if bundle in contained
    )
    # per slot: count -> (value, per group: its count); groups outside the bundle: slot None
    slots: dict[int | None, dict[int, tuple[int, list[tuple[int, int]]]]] = {}
    results: list[dict[int, tuple[int, tuple[tuple[int, ...], ...]]]] = []
    for g, members in enumerate(groups):
        local = sorted({o for ci in members for o, _, _, _ in classes[ci][3]})
        index = {o: i for i, o in enumerate(local)}
        sub_classes = tuple(
            (
                gross,
                count,
                none_mask,
                tuple(
                    (index[o], 0, gross, 0) if o == bundle else (index[o], sl, d, m)
                    for o, sl, d, m in options
                ),
            )
            for gross, count, none_mask, options in (classes[ci] for ci in members)
        )
        sub_offers = tuple((UNIT, 1, 0, most) if o == bundle else offers[o] for o in local)
        sub_spends = tuple(
            (doubt, t, a, p, tuple(index[o] for o in contained if o in index and o != bundle))
            for doubt, t, a, p, contained in spends
        )
        sub_key: Key = (sub_classes, sub_offers, sub_spends)
        slot: int | None = next(
            (sl for ci in members for o, sl, _, _ in classes[ci][3] if o == bundle), None
        )
        moves, result = _group(sub_key, None if slot is None else index[bundle])
        _work.left -= moves  # a remembered group costs what it cost: the path depends on the key
        if _work.left < 0:
            raise _OverBudget
        results.append(result)
        so_far = slots.get(slot, _NONE_GIVEN)
        joined: dict[int, tuple[int, list[tuple[int, int]]]] = {}
        for n, (value, parts) in so_far.items():
            for m, (more, _) in results[g].items():
                if n + m > most:
                    continue
                total = value + more
                if n + m not in joined or total > joined[n + m][0]:
                    joined[n + m] = (total, [*parts, (g, m)])
        slots[slot] = joined
    outside = slots.pop(None, _NONE_GIVEN)[0]
    best: tuple[int, int] | None = None  # (value, applications): fewest on a tie
    for apps in range(most + 1):
        if all(apps in slots.get(sl, _NONE_GIVEN) for sl in range(size)):
            value = outside[0] + apps * per_application
            value += sum(slots.get(sl, _NONE_GIVEN)[apps][0] for sl in range(size))
            if best is None or value > best[0]:
                best = (value, apps)
    assert best is not None, "no applications at all is always a solution"
    value, apps = best
    chosen: list[tuple[int, ...]] = [()] * len(classes)
    picks = list(outside[1])
    for sl in range(size):
        picks += slots.get(sl, _NONE_GIVEN)[apps][1]
    for g, count in picks:
        for ci, split in zip(groups[g], results[g][count][1], strict=True):
            chosen[ci] = split
    return value, tuple(chosen)


@lru_cache(maxsize=4096)
def _group(
    key: Key, keep: int | None
) -> tuple[int, dict[int, tuple[int, tuple[tuple[int, ...], ...]]]]:
    """A group of a split component, remembered between scans: the moves it took, and its
    solutions by count of ``keep`` (by count 0 alone when None). A scan changes one group."""
    saved = _work.left
    _work.left = BUDGET
    try:
        result = {0: _solve_programme(key)} if keep is None else _solve_counted(key, keep)
        return BUDGET - _work.left, result
    finally:
        _work.left = saved


def _solve_counted(key: Key, keep: int) -> dict[int, tuple[int, tuple[tuple[int, ...], ...]]]:
    """:func:`_by_count` on a component's classes, taken one unit at a time."""
    units = _as_units(key)
    found = _by_count(units, _order(units[0], units[1]), keep)
    return {count: (value, _as_classes(key, chosen)) for count, (value, chosen) in found.items()}


def _solve_units(key: Key) -> tuple[int, tuple[tuple[int, ...], ...]]:
    classes, offers, spends = key
    order = _order(classes, offers)
    if not any(in_doubt for in_doubt, _, _, _, _ in spends):
        return _programme(key, order, None)
    # the least each threshold in doubt can get, over every solution: one the basket always
    # reaches is no longer in doubt; then, from every state, the least still to come, so a
    # state that will surely reach its threshold has it met at once
    least: dict[int, list[dict[State, int]]] = {}
    for bit, spend in enumerate(spends):
        if spend[0]:
            only = tuple(
                (False, t, 0, -SPEND_PRICE if b == bit else Decimal(0), c)
                for b, (_, t, _, _, c) in enumerate(spends)
            )
            least[bit] = []
            lowest, _ = _programme((classes, offers, only), order, None, least[bit])
            if spent_of(lowest) >= spend[1]:
                always = (False, spend[1], 0, spend[3], spend[4])
                return _solve_units((classes, offers, (*spends[:bit], always, *spends[bit + 1 :])))
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
    reduced: Key = (reduced_classes, offers, tuple(spends[bit] for bit in kept))
    futures: list[dict[State, int]] = []
    floor, chosen = _programme(reduced, order, None, futures)
    floor = max(floor, _value_of(key, order, chosen))
    relaxed: list[tuple[Decimal, list[dict[State, int]]]] = []
    for weight in _SPEND_WEIGHTS:
        priced = tuple(
            (False, threshold, 0, weight, contained) if in_doubt else spend
            for spend in spends
            for in_doubt, threshold, _, _, contained in (spend,)
        )
        weighted: list[dict[State, int]] = []
        _, chosen = _programme((classes, offers, priced), order, None, weighted)
        relaxed.append((weight, weighted))
        floor = max(floor, _value_of(key, order, chosen))
    bound = _Bound(futures, floor, len(offers), kept, relaxed, least)
    return _programme(key, order, bound)


SPEND_PRICE = Decimal(10**11)  # percent: a cent spent costs 10**9, more than any saving is worth


def spent_of(value: int) -> int:
    """The spend in the value of a programme that charges 10**9 per cent spent."""
    return (-value + 10**9 // 2) // 10**9


_SPEND_WEIGHTS = tuple(Decimal(w) for w in (30, 60, 85, 100))  # percent of a cent per cent


def _start(offers: tuple[tuple[int, ...], ...], spends: tuple[SpendKey, ...]) -> State:
    start: list[int | tuple[int, ...]] = []
    for kind, size, _, _ in offers:
        start.append((0,) * (size + 1) if kind == BUNDLE else 0)  # a bundle: apps, slots
    for in_doubt, _, _, _, _ in spends:
        start.append((0, 0) if in_doubt else 0)
    return tuple(start)


def _value_of(key: Key, order: list[int], chosen: tuple[tuple[int, ...], ...]) -> int:
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


MEASURED = 10**15
"""The threshold of a spend offer in doubt that :func:`measure` only adds up: none reaches it."""


@lru_cache(maxsize=8192)
def measure(
    key: Key, chosen: tuple[tuple[int, ...], ...]
) -> tuple[int, tuple[tuple[int, int], ...]]:
    """What a solution of ``key`` is worth without its thresholds in doubt, and for each spend
    offer (by bit) what it spends towards it and the percentage it would earn: (spent, pending);
    (0, 0) for one not in doubt. The thresholds in doubt must be :data:`MEASURED`."""
    classes, offers, spends = key
    state, value = _start(offers, spends), 0
    for ci in _order(classes, offers):
        gross, _, none_mask, options = classes[ci]
        moved = _move(state, value, gross, none_mask, options, chosen[ci], offers, spends)
        assert moved is not None, "a solution of the same classes and offers"
        state, value = moved
    parts: list[tuple[int, int]] = []
    for bit, spend in enumerate(spends):
        held = state[len(offers) + bit]
        if spend[0] and isinstance(held, tuple):
            parts.append((held[0], held[1]))
        else:
            parts.append((0, 0))
    return value, tuple(parts)


def _remap(mask: int, kept: list[int]) -> int:
    return sum(1 << new for new, old in enumerate(kept) if mask & (1 << old))


@dataclass(frozen=True, slots=True)
class _Bound:
    futures: list[dict[State, int]]  # per step: reduced state -> most still to save after it
    floor: int  # a value some solution reaches
    n_offers: int
    kept: list[int]  # the spends that are not in doubt, by bit
    relaxed: list[tuple[Decimal, list[dict[State, int]]]]  # per weight: futures, spend priced
    least: dict[int, list[dict[State, int]]]  # per threshold in doubt: -10**9 x least to come

    def settle(self, state: State, value: int, step: int, plan: _Plan) -> tuple[State, int] | None:
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
            coming = spent_of(future)
            if spent + coming >= threshold:
                as_list = as_list if as_list is not None else list(state)
                as_list[self.n_offers + bit] = (threshold, 0)
                value += amount + pending
        return (tuple(as_list) if as_list is not None else state), value


_Layer = dict[State, tuple[int, State | None, tuple[int, ...]]]


def _programme(
    key: Key,
    order: list[int],
    bound: _Bound | None,
    futures: list[dict[State, int]] | None = None,
) -> tuple[int, tuple[tuple[int, ...], ...]]:
    if bound is None and futures is None:
        found = _in_kernel(key, order, -1)
        if found is not None:
            return found[0]
    return _programme_source(key, order, bound, futures)


def _programme_source(
    key: Key,
    order: list[int],
    bound: _Bound | None,
    futures: list[dict[State, int]] | None = None,
) -> tuple[int, tuple[tuple[int, ...], ...]]:
    """:func:`_programme` in Python."""
    layers = _forward(key, order, bound, futures)
    states = layers[-1]
    best_state = max(states, key=lambda st: states[st][0])  # first of the best: deterministic
    return states[best_state][0], _trace(layers, order, len(key[0]), best_state)


def _by_count(
    key: Key, order: list[int], keep: int
) -> dict[int, tuple[int, tuple[tuple[int, ...], ...]]]:
    """The best value and choices for every number of units that offer ``keep`` (a unit offer
    whose limit is the most it may take) ends with. The classes are single units.

    The C kernel runs it where it is built and takes the component
    (:func:`_by_count_source` otherwise, the same programme in Python)."""
    found = _in_kernel(key, order, keep)
    return found if found is not None else _by_count_source(key, order, keep)


def _in_kernel(
    key: Key, order: list[int], keep: int
) -> dict[int, tuple[int, tuple[tuple[int, ...], ...]]] | None:
    """:func:`_by_count_source` (``keep`` -1: the plain programme, by count 0 alone) in the C
    kernel (:mod:`aisle.domain.pricing._kernel`): the same moves in the same order against the
    same budget, and the same solution. None where there is no kernel or it doesn't take the
    component: a class of several units, a threshold in doubt, more spend terms than bits in a
    machine word, numbers too large."""
    classes, offers, spends = key
    if _KERNEL is None or any(s[0] for s in spends):
        return None
    try:
        left, found = _KERNEL.run(classes, offers, spends, order, keep, _work.left)
    except ValueError:
        return None
    _work.left = left
    if found is None:
        raise _OverBudget
    result: dict[int, tuple[int, tuple[tuple[int, ...], ...]]] = found
    return result


def _load_kernel() -> Any:
    """The C kernel, or None where it is not built or not current (:mod:`aisle.compiled`
    refuses a stale build, and any build under ``AISLE_PURE_PYTHON=1``)."""
    try:
        from aisle.domain.pricing import _kernel
    except ImportError:
        return None
    return _kernel


_KERNEL: Any = _load_kernel()


def _by_count_source(
    key: Key, order: list[int], keep: int
) -> dict[int, tuple[int, tuple[tuple[int, ...], ...]]]:
    """:func:`_by_count` in Python: the reference the kernel is tested against.

    The count is not part of the states: each state holds a list of values, one per count, so
    a move is made once per state and choice and then applied to the whole list (a unit given
    to ``keep`` shifts it by one). That is the programme with the count as its state, for a
    fraction of the moves.
    """
    classes, offers, spends = key
    plan = _Plan(classes, offers, spends, order)
    made = _moves_for(offers, spends)
    width = offers[keep][3] + 1
    layer: dict[State, list[int | None]] = {_start(offers, spends): [0] + [None] * (width - 1)}
    # per step: state -> per count, (the state before, its count, the split taken)
    steps: list[dict[State, list[tuple[State, int, tuple[int, ...]] | None]]] = []
    for step, ci in enumerate(order):
        gross, count, none_mask, options = classes[ci]
        all_splits = _all_splits(count, len(options) + 1)
        _work.left -= len(layer) * len(all_splits)
        if _work.left < 0:
            raise _OverBudget
        taking = [
            sum(n for (offer, _, _, _), n in zip(options, split[1:], strict=True) if offer == keep)
            for split in all_splits
        ]
        tables = [made.table(gross, none_mask, options, split) for split in all_splits]
        settled_at = plan.settled_at(step)
        following: dict[State, list[int | None]] = {}
        traces: dict[State, list[tuple[State, int, tuple[int, ...]] | None]] = {}
        for state, values in layer.items():
            live = [(n, value) for n, value in enumerate(values) if value is not None]
            for split, shift, table in zip(all_splits, taking, tables, strict=True):
                moved = table.get(state, _NOT_MADE)
                if moved is _NOT_MADE:
                    moved = made.make(
                        table, state, gross, none_mask, options, split, offers, spends
                    )
                if moved is None:
                    continue
                new_state, gain = moved
                if shift:
                    as_list = list(new_state)
                    as_list[keep] = 0  # the count lives in the list's index instead
                    new_state = tuple(as_list)
                settled = settled_at.get(new_state, _NOT_MADE)
                if settled is _NOT_MADE:
                    settled = plan.settle(new_state, step)
                if settled is None:
                    continue
                target = following.get(settled)
                if target is None:
                    target = following[settled] = [None] * width
                    traces[settled] = [None] * width
                trace = traces[settled]
                last = width - shift
                for n, value in live:
                    if n >= last:
                        break
                    value += gain
                    held = target[n + shift]
                    if held is None or value > held:
                        target[n + shift] = value
                        trace[n + shift] = (state, n, split)
        steps.append(traces)
        layer = following
    found: dict[int, tuple[int, tuple[tuple[int, ...], ...]]] = {}
    for n in range(width):
        best: tuple[int, State] | None = None
        for state, values in layer.items():  # the first of the best: deterministic
            reached = values[n]
            if reached is not None and (best is None or reached > best[0]):
                best = (reached, state)
        if best is None:
            continue
        chosen: list[tuple[int, ...]] = [()] * len(classes)
        cursor, at = best[1], n
        for step in range(len(order) - 1, -1, -1):
            back = steps[step][cursor][at]
            assert back is not None
            cursor, at, chosen[order[step]] = back
        found[n] = (best[0], tuple(chosen))
    return found


def _trace(
    layers: list[_Layer], order: list[int], n_classes: int, final: State
) -> tuple[tuple[int, ...], ...]:
    chosen: list[tuple[int, ...]] = [()] * n_classes
    cursor: State | None = final
    for step in range(len(order) - 1, -1, -1):
        assert cursor is not None
        _, previous, split = layers[step][cursor]
        chosen[order[step]] = split
        cursor = previous
    return tuple(chosen)


def _forward(
    key: Key,
    order: list[int],
    bound: _Bound | None,
    futures: list[dict[State, int]] | None = None,
    tracking: Callable[[int, State, int], bool] | None = None,
) -> list[_Layer]:
    """Every step's states with their best value, the state before and the split taken.
    ``tracking``: the thresholds in doubt only add up their spend, states another beats are
    dropped, and so is a state (after a step, with a value) it refuses (:func:`frontier`)."""
    classes, offers, spends = key
    plan = _Plan(classes, offers, spends, order, tracking is not None)
    made = _moves_for(offers, spends)
    layers: list[_Layer] = []
    edges: list[list[tuple[State, State, int]]] = []
    states: _Layer = {_start(offers, spends): (0, None, ())}
    for step, ci in enumerate(order):
        gross, count, none_mask, options = classes[ci]
        following: _Layer = {}
        step_edges: list[tuple[State, State, int]] = []
        all_splits = _all_splits(count, len(options) + 1)
        _work.left -= len(states) * len(all_splits)
        if _work.left < 0:
            raise _OverBudget
        tables = [made.table(gross, none_mask, options, split) for split in all_splits]
        settled_at = plan.settled_at(step)
        for state, (value, _, _) in states.items():
            for split, table in zip(all_splits, tables, strict=True):
                moved = table.get(state, _NOT_MADE)
                if moved is _NOT_MADE:
                    moved = made.make(
                        table, state, gross, none_mask, options, split, offers, spends
                    )
                if moved is None:
                    continue
                new_state, new_value = moved[0], value + moved[1]
                settled = settled_at.get(new_state, _NOT_MADE)
                if settled is _NOT_MADE:
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
                elif tracking is not None and not tracking(step, settled, new_value):
                    continue
                if futures is not None:
                    step_edges.append((state, settled, new_value - value))
                held = following.get(settled)
                if held is None or new_value > held[0]:
                    following[settled] = (new_value, state, split)
        if bound is not None or tracking is not None:
            following = _undominated(following, plan)
        layers.append(following)
        edges.append(step_edges)
        states = following
    if futures is not None:
        after: dict[State, int] = dict.fromkeys(states, 0)
        backwards = [after]
        for step in range(len(order) - 1, 0, -1):
            before: dict[State, int] = {}
            for source, target, delta in edges[step]:
                if target in after:
                    gain = delta + after[target]
                    if before.get(source, gain - 1) < gain:
                        before[source] = gain
            backwards.append(before)
            after = before
        futures.extend(reversed(backwards))
    return layers


def _undominated(states: _Layer, plan: _Plan) -> _Layer:
    """The states no other state of the step beats.

    State A beats state B (the same offers' counts) when, whatever comes after, A ends at least
    as well. Towards each threshold in doubt that B can still meet, A has spent at least as much
    and has not met it yet (a met threshold's amount is already in the value; one still open
    will add it), so A meets it no later; towards one B has met, A has met it too; one B can no
    longer meet asks nothing. And for every set of the thresholds B still has open that may end
    up met, A's value with their pending percentages is at least B's: each percentage is paid
    only if its own threshold is met, so they are compared set by set, not summed.
    """
    base = len(plan.offers)
    bits = [bit for bit, spend in enumerate(plan.spends) if spend[0]]
    thresholds = [plan.spends[bit][1] for bit in bits]
    groups: dict[State, list[tuple[tuple[int, ...], tuple[int, ...], int, State]]] = {}
    for state, (value, _, _) in states.items():
        rest = tuple(held for i, held in enumerate(state) if i - base not in bits)
        spent_parts: list[int] = []
        pending_parts: list[int] = []
        for bit in bits:
            held = state[base + bit]
            assert isinstance(held, tuple)
            spent_parts.append(held[0])
            pending_parts.append(held[1])
        groups.setdefault(rest, []).append((tuple(spent_parts), tuple(pending_parts), value, state))

    def beats(
        ahead: tuple[tuple[int, ...], tuple[int, ...], int],
        behind: tuple[tuple[int, ...], tuple[int, ...], int],
    ) -> bool:
        (spent_a, pending_a, value_a), (spent_b, pending_b, value_b) = ahead, behind
        if value_a < value_b:
            return False
        gains: list[int] = []  # per threshold B still has open: A's pending less B's
        for a, b, threshold, got, owed in zip(
            spent_a, spent_b, thresholds, pending_a, pending_b, strict=True
        ):
            if b < 0:
                continue  # B can no longer meet it: whatever A has is as good
            if b >= threshold:
                if a < threshold:
                    return False
            elif not b <= a < threshold:
                return False
            else:
                gains.append(got - owed)
        margin = value_a - value_b
        return all(
            margin + sum(chosen) >= 0
            for size in range(1, len(gains) + 1)
            for chosen in itertools.combinations(gains, size)
        )

    if plan.tracking:  # spend only adds up: more spent and worth as much beats
        return _pareto(states, groups)
    kept: _Layer = {}
    for members in groups.values():
        if len(members) == 1:
            kept[members[0][3]] = states[members[0][3]]
            continue
        members.sort(key=lambda m: (m[0], m[2], m[1]), reverse=True)
        front: list[tuple[tuple[int, ...], tuple[int, ...], int]] = []
        for spent, pending, value, state in members:
            candidate = (spent, pending, value)
            if any(beats(ahead, candidate) for ahead in front):
                continue
            front.append(candidate)
            kept[state] = states[state]
    return kept


def _pareto(
    states: _Layer, groups: dict[State, list[tuple[tuple[int, ...], tuple[int, ...], int, State]]]
) -> _Layer:
    """The states of each group that no other has both spent at least as much (towards every
    threshold) and is worth at least as much as (:func:`undominated`)."""
    kept: _Layer = {}
    for members in groups.values():
        if len(members) == 1:
            kept[members[0][3]] = states[members[0][3]]
            continue
        members.sort(key=lambda m: (m[0], m[2]), reverse=True)
        for at in undominated([(spent, value) for spent, _, value, _ in members])[0]:
            kept[members[at][3]] = states[members[at][3]]
    return kept


def undominated(ranked: list[tuple[tuple[int, ...], int]]) -> tuple[list[int], int]:
    """The positions of the (spent, value) pairs that no other has both spent at least as much
    as, towards every threshold, and is worth at least as much as; and the comparisons it took.
    ``ranked`` is ordered most spent first, then most worth, and no two spend the same: with
    one threshold, a sweep keeps each pair worth more than every pair before it."""
    if ranked and len(ranked[0][0]) == 1:
        kept: list[int] = []
        most: int | None = None  # the most worth among those that spent more
        for at, (_, value) in enumerate(ranked):
            if most is None or value > most:
                kept.append(at)
                most = value
        return kept, len(ranked)
    front: list[tuple[tuple[int, ...], int]] = []
    kept = []
    work = 0
    for at, (spent, value) in enumerate(ranked):
        work += len(front) + 1
        if any(
            value <= worth and all(a >= b for a, b in zip(ahead, spent, strict=True))
            for ahead, worth in front
        ):
            continue
        front.append((spent, value))
        kept.append(at)
    return kept, work


def _promising(state: State, value: int, step: int, bound: _Bound, plan: _Plan) -> bool:
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
            extra += later[bit] + percent_of(opened, percent) + completions  # each may round up
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
    classes: tuple[ClassKey, ...],
    offers: tuple[tuple[int, ...], ...],
    spends: tuple[SpendKey, ...] = (),
) -> list[int]:
    """:func:`_ordered` on the component's shape alone (which classes each offer and threshold
    in doubt takes, and how many units), remembered: the same basket with other prices on its
    spending, or other amounts, walks in the same order. The C kernel, where it is built, finds
    the same order in less time than the shape takes to remember."""
    if _KERNEL is not None:
        try:
            order: list[int] = _KERNEL.order(classes, offers, spends)
            return order
        except ValueError:
            pass  # numbers too large or too many spend terms for it: the Python's
    doubts = sum(1 << bit for bit, spend in enumerate(spends) if spend[0])
    shape = tuple(
        (0, count, none_mask & doubts, tuple((o, slot, 0, 0) for o, slot, _, _ in options))
        for _, count, none_mask, options in classes
    )
    kinds = tuple((kind, size, 0, 0) for kind, size, _, _ in offers)
    flags = tuple((spend[0], 0, 0, _NO_PERCENT, ()) for spend in spends)
    return list(_ordered(shape, kinds, flags))


_NO_PERCENT = Decimal(0)


@lru_cache(maxsize=4096)
def _ordered(
    classes: tuple[ClassKey, ...],
    offers: tuple[tuple[int, ...], ...],
    spends: tuple[SpendKey, ...] = (),
) -> tuple[int, ...]:
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
            if offer < len(offers) and offers[offer][0] == BUYGET
            for other in users[offer]
            if other < ci
        )
    placed: list[int] = []
    left = list(range(len(classes)))  # not placed yet, in order
    open_offers: set[int] = set()
    remaining_users = {offer: len(members) for offer, members in users.items()}
    # classes that take the same offers (a class's units, mostly) rank the same but for their
    # index: only the first ready of each is ranked
    alike = [frozenset(used) for used in uses]
    while left:
        ready: dict[frozenset[int], int] = {}
        for ci in left:
            if waiting[ci] == 0 and alike[ci] not in ready:
                ready[alike[ci]] = ci
        best = min(
            ready.values(),
            key=lambda ci: (
                len(uses[ci] - open_offers),  # opens the fewest new offers
                -sum(1 for o in uses[ci] if remaining_users[o] == 1),  # closes the most
                ci,
            ),
        )
        placed.append(best)
        left.remove(best)
        for offer in uses[best]:
            remaining_users[offer] -= 1
            if remaining_users[offer] == 0:
                open_offers.discard(offer)
            else:
                open_offers.add(offer)
            if offer < len(offers) and offers[offer][0] == BUYGET:
                for other in users[offer]:
                    if other > best:
                        waiting[other] -= 1
    return tuple(_slot_by_slot(placed, classes, offers))


def _slot_by_slot(
    placed: list[int], classes: tuple[ClassKey, ...], offers: tuple[tuple[int, ...], ...]
) -> list[int]:
    """The order with each bundle's slots taken one after the other, smallest slot first.

    A bundle keeps one count per slot until its applications complete, so two slots walked
    together keep every pair of counts. Slot after slot, a slot's count is only compared with the
    one before it: on the benchmark's largest components, 5 times fewer moves. Classes outside
    the bundles come first, and the greedy order is kept within each slot. An order that would
    put a "buy k get j"'s classes out of price order is not used.
    """
    units: dict[tuple[int, int], int] = {}
    for _, count, _, options in classes:
        for offer, slot, _, _ in options:
            if offers[offer][0] == BUNDLE:
                units[(offer, slot)] = units.get((offer, slot), 0) + count
    if not units:
        return placed
    bundles = sorted(
        {offer for offer, _ in units},
        key=lambda b: (-sum(n for (o, _), n in units.items() if o == b), b),
    )
    rank = {
        (b, slot): i
        for b in bundles
        for i, slot in enumerate(
            sorted(range(offers[b][1]), key=lambda s: (units.get((b, s), 0), s))
        )
    }
    position = {ci: i for i, ci in enumerate(placed)}

    def where(ci: int) -> tuple[int, ...]:
        slots = {offer: slot for offer, slot, _, _ in classes[ci][3] if offers[offer][0] == BUNDLE}
        return (*(rank[(b, slots[b])] if b in slots else -1 for b in bundles), position[ci])

    grouped = sorted(placed, key=where)
    for offer, (kind, _, _, _) in enumerate(offers):
        if kind == BUYGET:
            members = [ci for ci in grouped if any(o == offer for o, _, _, _ in classes[ci][3])]
            if members != sorted(members):
                return placed
    return grouped


class _Plan:
    """What each step of the programme may forget, and what can no longer be completed."""

    def __init__(
        self,
        classes: tuple[ClassKey, ...],
        offers: tuple[tuple[int, ...], ...],
        spends: tuple[SpendKey, ...],
        order: list[int],
        tracking: bool = False,
    ) -> None:
        self.offers = offers
        self.spends = spends
        self.tracking = tracking  # thresholds in doubt only add up their spend (:func:`frontier`)
        self._later_count: list[int] | None = None
        self._later_percent: list[list[int]] | None = None
        n = len(order)
        self._settled: list[dict[State, State | None]] = [{} for _ in range(n)]
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
        self.closing: list[list[int]] = [[] for _ in range(n)]
        self.open: list[list[int]] = [[] for _ in range(n)]
        for offer in range(len(offers)):
            if last[offer] >= 0:
                self.closing[last[offer]].append(offer)
            for step in range(first[offer], last[offer]):
                self.open[step].append(offer)
        self.closing_spends: list[set[int]] = [set() for _ in range(n)]
        for bit, step in enumerate(spend_last):
            if step >= 0:
                self.closing_spends[step].add(bit)
        # units still to come, per offer and slot, and the most spend still to come
        self.later_units: list[dict[tuple[int, int], int]] = [{}] * n
        self.later_spend: list[list[int]] = [[]] * n
        units: dict[tuple[int, int], int] = {}
        spend = [0] * len(spends)
        bits = [(bit, 1 << bit) for bit in range(len(spends))]
        for step in range(n - 1, -1, -1):
            self.later_units[step] = dict(units)
            self.later_spend[step] = list(spend)
            gross, count, none_mask, options = classes[order[step]]
            for offer, slot, _, _ in options:
                units[(offer, slot)] = units.get((offer, slot), 0) + count
            if none_mask:
                for bit, flag in bits:
                    if none_mask & flag:
                        spend[bit] += gross * count
        self._key = (classes, order)

    @property
    def later_count(self) -> list[int]:
        """Per step, the units still to come."""
        if self._later_count is None:
            self._later_tallies()
        assert self._later_count is not None
        return self._later_count

    @property
    def later_percent(self) -> list[list[int]]:
        """Per step and spend term, the most a percentage can still give: per unit rounded,
        and half a cent for each unit that could end in an application rounded as a whole."""
        if self._later_percent is None:
            self._later_tallies()
        assert self._later_percent is not None
        return self._later_percent

    def _later_tallies(self) -> None:
        """:attr:`later_count` and :attr:`later_percent`, made when first asked for (only
        a programme with a threshold in doubt asks)."""
        classes, order = self._key
        offers, spends = self.offers, self.spends
        later_count: list[int] = []
        later_percent: list[list[int]] = []
        percent = [0] * len(spends)
        whole = 0
        total = 0
        for step in range(len(order) - 1, -1, -1):
            later_count.append(total)
            later_percent.append([p + (whole + 1) // 2 for p in percent])
            gross, count, none_mask, options = classes[order[step]]
            total += count
            if any(offers[o][0] in (MULTI, BUNDLE) for o, _, _, _ in options):
                whole += count
            for bit, spend_key in enumerate(spends):
                if none_mask & (1 << bit) and spend_key[3]:
                    percent[bit] += count * percent_of(gross, spend_key[3])
        later_count.reverse()
        later_percent.reverse()
        self._later_count, self._later_percent = later_count, later_percent

    def from_open_applications(self, state: State, step: int, bit: int) -> tuple[int, int]:
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
            if kind == BUNDLE:
                assert isinstance(held, tuple)
                completions = min(held[1 + s] + later.get((offer, s), 0) for s in range(size))
            else:
                assert isinstance(held, int)
                completions = (held % size + later.get((offer, 0), 0)) // size
            most += price * completions
            count += completions
        return most, count

    def settle(self, state: State, step: int) -> State | None:
        """Forget what no later class needs; None for a state that can't end well.
        Remembered: many moves of a step lead to the same state."""
        settled = self._settled[step]
        found = settled.get(state, _NOT_MADE)
        if found is _NOT_MADE:
            found = settled[state] = self._settle(state, step)
        return found  # type: ignore[no-any-return]

    def settled_at(self, step: int) -> dict[State, State | None]:
        """The states settled at ``step`` so far, for a loop to look up before :meth:`settle`
        (one lookup by state, not by state and step)."""
        return self._settled[step]

    def _settle(self, state: State, step: int) -> State | None:
        as_list: list[int | tuple[int, ...]] | None = None
        for offer in self.closing[step]:
            kind, size, _, _ = self.offers[offer]
            held = state[offer]
            if kind == BUNDLE:
                assert isinstance(held, tuple)
                if any(held[1:]):
                    return None
                fresh: int | tuple[int, ...] = (0,) * (size + 1)
            else:
                assert isinstance(held, int)
                if kind != UNIT and held % size:
                    return None
                fresh = 0
            if held != fresh:
                as_list = as_list if as_list is not None else list(state)
                as_list[offer] = fresh
        later = self.later_units[step]
        for offer in self.open[step]:
            kind, size, _, _ = self.offers[offer]
            held = state[offer]
            if kind in (MULTI, BUYGET):
                assert isinstance(held, int)
                missing = -held % size
                if missing and later.get((offer, 0), 0) < missing:
                    return None
            elif kind == BUNDLE:
                assert isinstance(held, tuple)
                top = max(held[1:])
                for slot in range(size):
                    if top - held[1 + slot] > later.get((offer, slot), 0):
                        return None
        base = len(self.offers)
        later_spend = self.later_spend[step]
        for bit, (in_doubt, threshold, _, _, _) in enumerate(self.spends):
            if not in_doubt or self.tracking:
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


_MOST_MOVES = 5_000
"""The most moves remembered per offers and spend terms. An entry takes about 300 bytes on the
pricing benchmark's components, so the 32 sets :func:`_moves` keeps hold some 50 MB at most."""

_NOT_MADE: Any = object()

_Made = dict[State, tuple[State, int] | None]


class _Moves:
    """Moves remembered: for a class (its price, spend mask and options) and a split, the state
    after and the gain from each state before. A step's loop looks a move up by its state
    alone, in the table of its class and split (:meth:`table`), and makes it on a miss
    (:meth:`make`)."""

    __slots__ = ("_room", "_tables")

    def __init__(self, room: int = _MOST_MOVES) -> None:
        self._tables: dict[tuple[object, ...], _Made] = {}
        self._room = room

    def table(
        self, gross: int, none_mask: int, options: tuple[tuple[int, int, int, int], ...],
        split: tuple[int, ...],
    ) -> _Made:  # fmt: skip
        key = (gross, none_mask, options, split)
        found = self._tables.get(key)
        if found is None:
            found = self._tables[key] = {}
        return found

    def make(
        self,
        table: _Made,
        state: State,
        gross: int,
        none_mask: int,
        options: tuple[tuple[int, int, int, int], ...],
        split: tuple[int, ...],
        offers: tuple[tuple[int, ...], ...],
        spends: tuple[SpendKey, ...],
    ) -> tuple[State, int] | None:
        """:func:`_move` from no value, remembered in ``table`` while there is room."""
        found = _move(state, 0, gross, none_mask, options, split, offers, spends)
        if self._room > 0:
            self._room -= 1
            table[state] = found
        return found


@lru_cache(maxsize=32)
def _moves(offers: tuple[tuple[int, ...], ...], spends: tuple[SpendKey, ...]) -> _Moves:
    """The moves made so far on components with these offers and spend terms. The same move
    comes back step after step, price after price on a threshold, and scan after scan (on the
    quick pricing benchmark, about three moves in four had been made before)."""
    return _Moves()


def _moves_for(offers: tuple[tuple[int, ...], ...], spends: tuple[SpendKey, ...]) -> _Moves:
    """Where to remember moves: :func:`_moves`, except with a threshold in doubt, whose states
    carry the spend so far and rarely come back (remembered for this programme only)."""
    if any(in_doubt for in_doubt, _, _, _, _ in spends):
        return _Moves(room=1 << 62)
    return _moves(offers, spends)


def _move(
    state: State,
    value: int,
    gross: int,
    none_mask: int,
    options: tuple[tuple[int, int, int, int], ...],
    split: tuple[int, ...],
    offers: tuple[tuple[int, ...], ...],
    spends: tuple[SpendKey, ...],
) -> tuple[State, int] | None:
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
        if kind == UNIT:
            assert isinstance(held, int)
            if cap >= 0:
                if held + n > cap:
                    return None
                current[offer] = held + n
            value += disc * n
            contributions.extend([(mask, gross - disc)] * n)
        elif kind == MULTI:
            assert isinstance(held, int)
            total = held + n
            if cap >= 0 and total > cap * size:
                return None
            completed = total // size - held // size
            value += gross * n - param * completed
            current[offer] = total if cap >= 0 else total % size
            contained = _contained_mask(offer, spends)
            contributions.extend([(contained, param)] * completed)
        elif kind == BUYGET:
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
                value += spend_term(amount_in, threshold, percent)
                continue
            held_spend = current[position]
            assert isinstance(held_spend, tuple)
            spent, pending = held_spend
            if spent < 0:
                continue  # can no longer be met
            if spent >= threshold:
                if percent:
                    value += percent_of(amount_in, percent)
                continue
            spent = min(threshold, spent + amount_in)
            if percent:
                pending += percent_of(amount_in, percent)
            if spent >= threshold:
                value += amount + pending
                pending = 0
            current[position] = (spent, pending)
    return tuple(current), value


def _contained_mask(offer: int, spends: tuple[SpendKey, ...]) -> int:
    mask = 0
    for bit, spend in enumerate(spends):
        if offer in spend[4]:
            mask |= 1 << bit
    return mask
