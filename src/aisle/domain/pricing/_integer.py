"""A component too large for the dynamic programme, solved as an integer programme by CP-SAT.

The dynamic programme of :mod:`aisle.domain.pricing._programme` is exact and, on everyday
baskets, takes microseconds to milliseconds; but its states multiply with the offers a component
keeps open at once (a bundle's slot counts, a threshold in doubt), and a big family basket can
take it seconds. When it has done more work than :data:`~aisle.domain.pricing._programme.BUDGET`
allows, the same component, as the same plain tuples, goes to this model instead. It is exact
too (CP-SAT proves the optimum, in integers: no floating-point tolerance), values every
solution as the programme does, and is deterministic: one worker, a fixed seed, the same model
for the same key. Which of the two solves a component depends only on the key, never on the
clock, so a basket always prices the same way.

Thresholds in doubt are what make the model hard: "met only if the spend reaches it" is a
knapsack whose linear relaxation is weak. With several of them, the model is first solved with
every one met for free, which CP-SAT proves in a few milliseconds. That optimum is a ceiling,
and the same units, given only the thresholds they really reach, are a solution: where the two
agree it is the optimum; otherwise it is the real model's hint and floor
(``benchmarks/pricing.py --quick``: re-pricing p99 208 ms before, 92 ms after). Where the
optimiser's ceilings (:mod:`aisle.domain.pricing._claims`) have found a solution already, that
is the hint instead: on the knapsacks they leave undecided it is the optimum or a few cents
short. With two thresholds in doubt CP-SAT then takes about 60 % of the free-first model's time
(quick benchmark, 42 such scans: 1.6 s before, 1.0 s after); with one, about what it takes from
nothing.

The value of a solution, as the programme counts it:

- a unit offer saves ``disc`` on each unit it takes, and each such unit counts ``gross - disc``
  towards a spend offer whose mask it carries;
- "N for P" saves its units' prices less P per application; a bundle likewise, one unit from
  each slot per application; an application counts P towards a spend offer that contains it;
- "buy k get j" takes its units in the order of the key (price, highest first) in consecutive
  applications of k + j and saves ``disc`` on the last j of each; each of its units counts its
  net;
- applications are complete, and limits hold (units for a unit offer, applications otherwise);
- a spend offer not in doubt gives its percentage, rounded half-up per contribution; one in
  doubt gives its amount and its percentage of every contribution only when the contributions
  reach its threshold.
"""

from __future__ import annotations

from typing import Any

from aisle.domain.pricing._programme import (
    BUNDLE,
    BUYGET,
    MULTI,
    UNIT,
    Key,
    _contained_mask,
    percent_of,
    spend_term,
)

__all__ = ["Cuts", "solve_integer", "solve_integer_whole", "warm_up"]

_SEED = 20261125
_FREE_FIRST = 2
"""Thresholds in doubt from which a model with them met for free is solved first: with one,
CP-SAT proves the real optimum about as fast as the free one (``benchmarks/pricing.py``)."""


def warm_up() -> None:
    """Load OR-Tools now (half a second, once per process), not on a shopper's scan."""
    from ortools.sat.python import cp_model  # noqa: F401


Cuts = tuple[tuple[int, tuple[tuple[tuple[int, int, int], ...], ...]], ...]
"""Per offer modelled whole (its index in the key): its applications, each as (class, slot,
units) for every class with units in it."""


def solve_integer(
    key: Key, hint: tuple[tuple[int, ...], ...] | None = None
) -> tuple[int, tuple[tuple[int, ...], ...]]:
    """The best value of a component and, per class, the units given to each option (no
    offer first), as :func:`aisle.domain.pricing._programme.solve` returns them.

    ``hint``: a good solution in the same form (the best the optimiser's ceilings found), from
    which CP-SAT starts."""
    value, chosen, _ = _solve_integer(key, hint, whole=False)
    return value, chosen


def solve_integer_whole(key: Key) -> tuple[int, tuple[tuple[int, ...], ...], Cuts]:
    """As :func:`solve_integer`, with each "N for P" or bundle application that could cost more
    than its units modelled as its own units, none costing more (:func:`_whole_applications`);
    and those applications, so that the optimiser need not look for a cut again. Stops at
    :data:`WHOLE_EFFORT`."""
    return _solve_integer(key, None, whole=True)


def _solve_integer(
    key: Key, hint: tuple[tuple[int, ...], ...] | None, *, whole: bool
) -> tuple[int, tuple[tuple[int, ...], ...], Cuts]:
    from ortools.sat.python import cp_model  # the only user of OR-Tools at run time

    classes, offers, spends = key
    model = cp_model.CpModel()
    cut_vars: list[tuple[int, list[list[tuple[int, int, Any]]]]] = []
    value: list[Any] = []
    given: list[list[Any]] = []  # per class: units per option, no offer first
    for ci, (_, count, _, options) in enumerate(classes):
        per_option = [model.new_int_var(0, count, f"x{ci}_{k}") for k in range(len(options))]
        none = model.new_int_var(0, count, f"none{ci}")
        model.add(none + sum(per_option) == count)
        given.append([none, *per_option])

    # what counts towards spend offers: (spend mask, how many, amount each, most)
    contributions: list[tuple[int, Any, int, int]] = []
    for ci, (gross, count, none_mask, _) in enumerate(classes):
        if none_mask:
            contributions.append((none_mask, given[ci][0], gross, count))

    for o, (kind, size, param, cap) in enumerate(offers):
        members = [
            (ci, k, slot, disc, mask)
            for ci, (_, _, _, options) in enumerate(classes)
            for k, (offer, slot, disc, mask) in enumerate(options)
            if offer == o
        ]
        if not members:
            continue
        units = sum(classes[ci][1] for ci, *_ in members)
        if kind == UNIT:
            if cap >= 0:
                model.add(sum(given[ci][k + 1] for ci, k, *_ in members) <= cap)
            for ci, k, _, disc, mask in members:
                value.append(disc * given[ci][k + 1])
                if mask:
                    contributions.append((mask, given[ci][k + 1], classes[ci][0] - disc,
                                          classes[ci][1]))  # fmt: skip
        elif kind in (MULTI, BUNDLE):
            most = units // size if kind == MULTI else units
            if cap >= 0:
                most = min(most, cap)
            apps = model.new_int_var(0, most, f"apps{o}")
            if kind == MULTI:
                model.add(sum(given[ci][k + 1] for ci, k, *_ in members) == size * apps)
            else:
                for s in range(size):
                    model.add(sum(given[ci][k + 1] for ci, k, slot, *_ in members if slot == s)
                              == apps)  # fmt: skip
            if whole and _may_cost_more(kind, size, param, members, classes):
                shares = _whole_applications(
                    model, o, kind, size, param, apps, members, classes, given
                )
                cut_vars.append((o, [
                    [(ci, slot, x) for x, (ci, _, slot, *_) in zip(share, members, strict=True)]
                    for share in shares
                ]))  # fmt: skip
            for ci, k, *_ in members:
                value.append(classes[ci][0] * given[ci][k + 1])
            value.append(-param * apps)
            contained = _contained_mask(o, spends)
            if contained:
                contributions.append((contained, apps, param, most))
        else:
            assert kind == BUYGET
            _buy_get(model, o, size, param, cap, units, members, classes, given, value,
                     contributions)  # fmt: skip

    doubts: list[tuple[Any, Any, int, Any]] = []  # (met, spent, threshold, what meeting gives)
    for bit, (in_doubt, threshold, amount, percent, _) in enumerate(spends):
        flag = 1 << bit
        mine = [(n, each, most) for mask, n, each, most in contributions if mask & flag]
        if not in_doubt:
            value += [spend_term(each, threshold, percent) * n for n, each, _ in mine]
            continue
        met = model.new_bool_var(f"met{bit}")
        gives: list[Any] = [amount * met]
        if percent:
            for j, (n, each, most) in enumerate(mine):
                per = percent_of(each, percent)
                if per <= 0:
                    continue
                counted = model.new_int_var(0, most, f"counted{bit}_{j}")
                model.add(counted <= n)
                model.add(counted <= most * met)
                gives.append(per * counted)
        value += gives
        doubts.append((met, sum(each * n for n, each, _ in mine), threshold, sum(gives)))
    objective = sum(value)
    model.maximize(objective)
    if whole:
        for met, spent, threshold, _ in doubts:
            model.add(spent >= threshold * met)
        nothing = tuple((count,) + (0,) * len(options) for _, count, _, options in classes)
        _hint(model, given, nothing)  # no offer at all: a solution, found at once
        solver = _solver()
        solver.parameters.max_deterministic_time = WHOLE_EFFORT
        status = solver.solve(model)
        if status != cp_model.FEASIBLE:
            _check(solver, status)
        chosen = tuple(tuple(solver.value(v) for v in per_class) for per_class in given)
        cuts = tuple(
            (o, tuple(
                tuple((ci, slot, solver.value(x)) for ci, slot, x in app if solver.value(x))
                for app in apps
                if any(solver.value(x) for _, _, x in app)
            ))
            for o, apps in cut_vars
        )  # fmt: skip
        return round(solver.objective_value), chosen, cuts
    if hint is not None:
        # no free-first model: the ceilings have tried every threshold met for free already,
        # and their best starts the search (with two thresholds in doubt, in about 60 % of the
        # free-first model's time on the quick benchmark's scans)
        for met, spent, threshold, _ in doubts:
            model.add(spent >= threshold * met)
        _hint(model, given, hint)
        return (*_solve(model, given), ())
    if len(doubts) < _FREE_FIRST:
        for met, spent, threshold, _ in doubts:
            model.add(spent >= threshold * met)
        return (*_solve(model, given), ())

    # every threshold in doubt met for free: a ceiling, and a solution (see the module's doc)
    free = model.clone()
    for met, _, _, _ in doubts:
        free.add(free.get_bool_var_from_proto_index(met.index) == 1)
    solver = _solver()
    _check(solver, solver.solve(free))
    ceiling = round(solver.objective_value)
    floor = ceiling - sum(
        solver.value(gives) for _, spent, threshold, gives in doubts
        if solver.value(spent) < threshold
    )  # fmt: skip
    chosen = tuple(tuple(solver.value(v) for v in per_class) for per_class in given)
    if floor == ceiling:
        return ceiling, chosen, ()
    for met, spent, threshold, _ in doubts:
        model.add(spent >= threshold * met)
    model.add(objective >= floor)
    _hint(model, given, chosen)
    return (*_solve(model, given), ())


WHOLE_EFFORT = 2.0
"""CP-SAT's deterministic time for a model with each application whole, past which its best
solution found is taken (every application in it costs no more than its units, but it may not
be the optimum): cutting many units of many prices into applications each worth their price is
a bin-covering problem, and adversarial baskets (18 units of 18 prices in one "3 for P" priced
at the mean of three) take it seconds. Deterministic, so the same basket prices the same way."""


def _may_cost_more(
    kind: int, size: int, price: int, members: list[tuple[int, int, int, int, int]], classes: Any
) -> bool:
    """Whether some application of a "N for P" (its cheapest unit N times) or a bundle (the
    cheapest of each slot) would cost more than its units."""
    if kind == MULTI:
        return bool(min(classes[ci][0] for ci, *_ in members) * size < price)
    cheapest = [
        min((classes[ci][0] for ci, _, slot, *_ in members if slot == s), default=price)
        for s in range(size)
    ]
    return sum(cheapest) < price


def _whole_applications(
    model: Any,
    o: int,
    kind: int,
    size: int,
    price: int,
    apps: Any,
    members: list[tuple[int, int, int, int, int]],
    classes: Any,
    given: list[list[Any]],
) -> list[list[Any]]:
    """Application by application, which units it takes: N of the offer's units (a bundle: one
    from each slot), worth at least its price, since the rules never charge more than the units
    cost. The counts per class are then the sums over applications, so the model keeps only
    what some cut into applications allows, as the rules do (the optimiser's cut,
    :func:`aisle.domain.pricing._optimiser._cut`, finds one)."""
    if kind == MULTI:
        most = sum(classes[ci][1] for ci, *_ in members) // size
    else:
        most = min(
            sum(classes[ci][1] for ci, _, slot, *_ in members if slot == s) for s in range(size)
        )
    used = [model.new_bool_var(f"used{o}_{a}") for a in range(most)]
    shares: list[list[Any]] = []
    worths: list[Any] = []
    for a, on in enumerate(used):
        share = [
            model.new_int_var(
                0, min(classes[ci][1], size if kind == MULTI else 1), f"in{o}_{a}_{j}"
            )
            for j, (ci, *_) in enumerate(members)
        ]
        if kind == MULTI:
            model.add(sum(share) == size * on)
        else:
            for s in range(size):
                model.add(
                    sum(x for x, (_, _, slot, *_) in zip(share, members, strict=True) if slot == s)
                    == on
                )
        worth = sum(classes[ci][0] * x for x, (ci, *_) in zip(share, members, strict=True))
        model.add(worth >= price * on)
        if a:  # the used applications first, the dearest first: fewer symmetric twins
            model.add(on <= used[a - 1])
            model.add(worth <= worths[a - 1])
        shares.append(share)
        worths.append(worth)
    for j, (ci, k, *_) in enumerate(members):
        model.add(sum(share[j] for share in shares) == given[ci][k + 1])
    model.add(sum(used) == apps)
    return shares


def _hint(model: Any, given: list[list[Any]], chosen: tuple[tuple[int, ...], ...]) -> None:
    for per_class, split in zip(given, chosen, strict=True):
        for v, n in zip(per_class, split, strict=True):
            model.add_hint(v, n)


def _solver() -> Any:
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = _SEED
    solver.parameters.linearization_level = 2  # the LP relaxation proves these optima quickly
    solver.parameters.cp_model_probing_level = 0  # probing costs more than it saves here
    return solver


def _check(solver: Any, status: Any) -> None:
    from ortools.sat.python import cp_model

    if status != cp_model.OPTIMAL:
        raise RuntimeError(f"CP-SAT did not prove an optimum: {solver.status_name(status)}")


def _solve(model: Any, given: list[list[Any]]) -> tuple[int, tuple[tuple[int, ...], ...]]:
    solver = _solver()
    _check(solver, solver.solve(model))
    chosen = tuple(tuple(solver.value(v) for v in per_class) for per_class in given)
    return round(solver.objective_value), chosen


def _buy_get(
    model: Any,
    o: int,
    size: int,
    buy: int,
    cap: int,
    units: int,
    members: list[tuple[int, int, int, int, int]],
    classes: Any,
    given: list[list[Any]],
    value: list[Any],
    contributions: list[tuple[int, Any, int, int]],
) -> None:
    """Positions counted with integer division: the units of the classes so far, in the key's
    order, fill ``upto // size`` applications and ``upto % size`` places of the next; the places
    past ``buy`` are discounted."""
    most = units // size
    apps = model.new_int_var(0, most if cap < 0 else min(cap, most), f"apps{o}")
    before: Any = 0
    before_disc: Any = 0
    for ci, k, _, disc, mask in sorted(members):
        gross, count = classes[ci][0], classes[ci][1]
        upto = model.new_int_var(0, units, f"upto{o}_{ci}")
        model.add(upto == before + given[ci][k + 1])
        # upto = size * whole + rest, 0 <= rest < size: integer division, as linear rows
        whole = model.new_int_var(0, most, f"whole{o}_{ci}")
        rest = model.new_int_var(0, size - 1, f"rest{o}_{ci}")
        model.add(upto == size * whole + rest)
        disc_upto: Any = (size - buy) * whole
        if size - buy > 1:  # past ``buy`` places in the open application, some are discounted
            extra = model.new_int_var(0, size - buy, f"extra{o}_{ci}")
            model.add_max_equality(extra, [0, rest - buy])
            disc_upto += extra
        off = model.new_int_var(0, count, f"off{o}_{ci}")
        model.add(off == disc_upto - before_disc)
        value.append(disc * off)
        if mask:
            contributions.append((mask, given[ci][k + 1] - off, gross, count))
            contributions.append((mask, off, gross - disc, count))
        before, before_disc = upto, disc_upto
    model.add(before == size * apps)
