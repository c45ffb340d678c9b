"""The C kernel runs the pricing programme's forward pass exactly as the Python does.

:mod:`aisle.domain.pricing._kernel` is the plain forward pass of
:mod:`aisle.domain.pricing._programme` (``_by_count``, and ``_programme`` without a bound or
futures) in C. It is only worth having if it is the same programme: the same solution, not only
the same value, and the same moves counted against the same budget, so that a basket takes the
same path through the optimiser whichever runs. These tests hold it to that on random
components of every kind of offer and spend term, and check that the programme uses it.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisle import compiled
from aisle.domain.pricing import _programme

pytestmark = pytest.mark.skipif(
    os.environ.get(compiled.PURE, "") not in ("", "0"),
    reason="AISLE_PURE_PYTHON=1 runs the Python alone: there is no kernel to compare",
)

PERCENTS = [Decimal(0), Decimal(5), Decimal("12.5"), Decimal("33.33"), Decimal(100), Decimal(30)]
THRESHOLDS = [_programme.PRICED, _programme.SCALED, 500, 2000]


def kernel() -> Any:
    """The kernel the programme runs. ``scripts/test`` builds it first (``scripts/setup``) and
    requires it (AISLE_REQUIRE_COMPILED); a run of pytest on a tree never built skips."""
    if _programme._KERNEL is None:
        why = f"the C kernel is not built or not current ({compiled.state(honour_pure=False)})"
        if os.environ.get("AISLE_REQUIRE_COMPILED"):
            pytest.fail(why + ": scripts/setup builds it")
        pytest.skip(why + ": run scripts/setup")
    return _programme._KERNEL


@st.composite
def components(draw: st.DrawFn) -> tuple[_programme.Key, list[int], int, int]:
    """A component of single units, offers of every kind (with and without limits), spend
    terms not in doubt, an order, the offer to count (or -1) and a budget."""
    offers: list[tuple[int, int, int, int]] = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from([_programme.UNIT, _programme.MULTI, _programme.BUYGET,
                                     _programme.BUNDLE]))  # fmt: skip
        cap = draw(st.sampled_from([-1, -1, 0, 1, 2, 4]))
        if kind == _programme.UNIT:
            offers.append((kind, 1, 0, cap))
        elif kind == _programme.BUYGET:
            size = draw(st.integers(2, 4))
            offers.append((kind, size, draw(st.integers(1, size - 1)), cap))
        else:
            size = draw(st.integers(2, 4 if kind == _programme.MULTI else 3))
            offers.append((kind, size, draw(st.integers(1, 3000)), cap))
    n_spends = draw(st.integers(0, 3))
    spends: list[_programme.SpendKey] = []
    for _ in range(n_spends):
        contained = tuple(o for o in range(len(offers)) if draw(st.booleans()))
        spends.append(
            (
                False,
                draw(st.sampled_from(THRESHOLDS)),
                0,
                draw(st.sampled_from(PERCENTS)),
                contained,
            )
        )
    masks = st.integers(0, (1 << n_spends) - 1)
    classes: list[_programme.ClassKey] = []
    for _ in range(draw(st.integers(1, 9))):  # a component has a class at least
        gross = draw(st.integers(1, 1500))
        chosen = draw(st.lists(st.integers(0, len(offers) - 1), max_size=3, unique=True))
        options = tuple(
            (
                offer,
                draw(st.integers(0, offers[offer][1] - 1))
                if offers[offer][0] == _programme.BUNDLE
                else 0,
                draw(st.integers(0, gross + 50)),  # a saving may exceed the price
                draw(masks),
            )
            for offer in chosen
        )
        classes.append((gross, 1, draw(masks), options))
    order = draw(st.permutations(range(len(classes))))
    counted = [o for o, (kind, _, _, cap) in enumerate(offers) if kind == _programme.UNIT
               and cap >= 0]  # fmt: skip
    keep = draw(st.sampled_from(counted)) if counted and draw(st.booleans()) else -1
    left = draw(st.sampled_from([5000, 600, 40, 7]))
    return (tuple(classes), tuple(offers), tuple(spends)), list(order), keep, left


def by_python(key: _programme.Key, order: list[int], keep: int, left: int) -> tuple[int, Any]:
    """The Python programme on the same component and budget: what is left, and the solutions
    by count (None past the budget)."""
    _programme._work.left = left
    try:
        if keep < 0:
            found: Any = {0: _programme._programme_source(key, order, None)}
        else:
            found = _programme._by_count_source(key, order, keep)
    except _programme._OverBudget:
        found = None
    return _programme._work.left, found


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(components())
def test_the_kernel_finds_what_the_python_finds(
    component: tuple[_programme.Key, list[int], int, int],
) -> None:
    key, order, keep, left = component
    saved = _programme._work.left
    try:
        expected = by_python(key, order, keep, left)
    finally:
        _programme._work.left = saved
    assert kernel().run(*key, order, keep, left) == expected


def test_the_programme_runs_the_kernel_where_it_takes_the_component() -> None:
    key: _programme.Key = (
        ((300, 1, 0, ((0, 0, 300, 0),)), (300, 1, 0, ((0, 0, 300, 0),))),
        ((_programme.MULTI, 2, 400, -1),),
        (),
    )
    calls: list[int] = []
    real = kernel()

    class Spy:
        @staticmethod
        def run(*args: Any) -> Any:
            calls.append(args[4])
            return real.run(*args)

    _programme._KERNEL, saved = Spy, _programme._work.left
    _programme._work.left = _programme.BUDGET  # what an earlier test left is not this one's
    try:
        assert _programme._in_kernel(key, [0, 1], -1) == {0: (200, ((0, 1), (0, 1)))}
        in_doubt = (key[0], key[1], ((True, 500, 100, Decimal(0), ()),))
        assert _programme._in_kernel(in_doubt, [0, 1], -1) is None  # the Python's to solve
    finally:
        _programme._KERNEL, _programme._work.left = real, saved
    assert calls == [-1]


def test_a_component_the_kernel_does_not_take_is_refused_not_guessed() -> None:
    several: _programme.Key = (((300, 2, 0, ()),), ((_programme.UNIT, 1, 0, -1),), ())
    with pytest.raises(ValueError, match="several units"):
        kernel().run(*several, [0], -1, 100)
    huge: _programme.Key = (((10**20, 1, 0, ()),), ((_programme.UNIT, 1, 0, -1),), ())
    with pytest.raises(ValueError, match="too large"):
        kernel().run(*huge, [0], -1, 100)
    assert _programme._in_kernel(huge, [0], -1) is None


@st.composite
def wholes(draw: st.DrawFn) -> tuple[_programme.Key, int]:
    """A component as the optimiser asks for it (classes of several units) and a budget;
    often with a bundle whose slots alone join groups of classes, each group with offers of
    its own, which the programme solves group by group (``_bundle_split``)."""
    (classes, offers, spends), _, _, left = draw(components())
    masks = st.integers(0, (1 << len(spends)) - 1)
    grown = [(gross, draw(st.integers(1, 4)), m, options) for gross, _, m, options in classes]
    every = list(offers)
    if draw(st.booleans()):
        bundle, size = len(every), draw(st.integers(2, 3))
        every.append((_programme.BUNDLE, size, draw(st.integers(1, 3000)),
                      draw(st.sampled_from([-1, -1, 0, 1, 3]))))  # fmt: skip
        grown = grown if draw(st.booleans()) else []  # the groups alone, or with the rest
        for _ in range(draw(st.integers(1, 4))):
            own = len(every)
            every.append(draw(st.sampled_from([(_programme.UNIT, 1, 0, -1),
                                               (_programme.UNIT, 1, 0, 2),
                                               (_programme.MULTI, 2, 250, -1),
                                               (_programme.BUYGET, 2, 1, -1)])))  # fmt: skip
            slot = draw(st.integers(-1, size - 1))  # -1: a group outside the bundle
            for _ in range(draw(st.integers(1, 3))):
                gross = draw(st.integers(1, 900))
                options = [(own, 0, draw(st.integers(0, gross)), draw(masks))]
                if slot >= 0 and draw(st.integers(0, 3)):
                    options.insert(draw(st.integers(0, 1)), (bundle, slot, 0, draw(masks)))
                grown.append((gross, draw(st.integers(1, 3)), draw(masks), tuple(options)))
    grown = draw(st.permutations(grown))
    if not grown:
        grown = [(100, 1, 0, ())]
    return (tuple(grown), tuple(every), spends), left


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wholes())
def test_the_kernel_solves_a_component_whole_as_the_python_does(
    case: tuple[_programme.Key, int],
) -> None:
    """The order of the units, a bundle's groups each solved by count, the units folded back
    into classes: the same solution, the same moves, the same over-budget."""
    key, left = case
    real, saved = kernel(), _programme._work.left
    _programme._KERNEL = None  # the reference: Python throughout
    try:
        expected = _programme._by_programme_source(key, left)
    finally:
        _programme._KERNEL, _programme._work.left = real, saved
    solved = real.solve(*key, left, _programme.BUDGET)
    assert ((left - solved[0], solved[1]) if solved[1] is not None else (left, None)) == expected


def test_a_split_component_is_solved_whole_in_the_kernel() -> None:
    """Two groups of yogurts that a meal deal's two slots alone join: the kernel solves it
    without the Python (a spy on its run), with the Python's answer."""
    bundle = (_programme.BUNDLE, 2, 300, -1)
    key: _programme.Key = (
        ((250, 2, 0, ((0, 0, 0, 0), (1, 0, 50, 0))), (200, 3, 0, ((0, 1, 0, 0), (2, 0, 0, 0)))),
        (bundle, (_programme.UNIT, 1, 0, -1), (_programme.MULTI, 3, 500, -1)),
        (),
    )
    assert _programme._bundle_split(key) is not None
    real = kernel()
    runs: list[object] = []

    class Spy:
        solve = staticmethod(real.solve)

        @staticmethod
        def run(*args: Any) -> Any:
            runs.append(args)
            return real.run(*args)

    _programme._KERNEL = Spy
    try:
        _programme.solve_by_programme.cache_clear()
        found = _programme.solve_by_programme(key)
    finally:
        _programme._KERNEL = real
        _programme.solve_by_programme.cache_clear()
    assert runs == []  # solved whole in C
    saved = _programme._work.left
    try:
        assert found == _programme._by_programme_source(key, _programme.BUDGET)
    finally:
        _programme._work.left = saved
    assert found[1] is not None and sum(found[1][1][0]) == 2 and sum(found[1][1][1]) == 3


@st.composite
def frontiers(
    draw: st.DrawFn,
) -> tuple[_programme.Key, list[int], tuple[_programme.Bound, ...]]:
    """A component of :func:`components` with one or two thresholds in doubt that only add up
    their spend (as the optimiser's joins ask), and bounds on it: the same component scaled,
    each threshold priced or free, and an allowance."""
    (classes, offers, spends), order, _, _ = draw(components())
    n_doubts = draw(st.integers(1, 2))
    doubts: list[_programme.SpendKey] = [
        (
            True,
            draw(st.integers(1, 6000)),
            0,
            Decimal(0),
            tuple(o for o in range(len(offers)) if draw(st.booleans())),
        )
        for _ in range(n_doubts)
    ]
    base = len(spends)
    every = (*spends, *doubts)
    marked = tuple(
        (gross, count, none_mask | (draw(st.integers(0, (1 << n_doubts) - 1)) << base),
         tuple((o, sl, d, m | (draw(st.integers(0, (1 << n_doubts) - 1)) << base))
               for o, sl, d, m in options))
        for gross, count, none_mask, options in classes
    )  # fmt: skip
    key: _programme.Key = (marked, offers, every)
    bounds: list[_programme.Bound] = []
    for _ in range(draw(st.integers(1, 3))):
        priced = tuple(
            (False, _programme.PRICED, 0, Decimal(draw(st.sampled_from([0, 10, 40, 100]))), c)
            if in_doubt
            else (in_doubt, t, a, p, c)
            for in_doubt, t, a, p, c in every
        )
        bound_key = _programme.scaled((marked, offers, priced))
        bounds.append((bound_key, draw(st.sampled_from([0, 5000, 10**6, 10**9, 10**12]))))
    return key, order, tuple(bounds)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frontiers())
def test_the_kernels_frontier_is_the_pythons(
    case: tuple[_programme.Key, list[int], tuple[_programme.Bound, ...]],
) -> None:
    """The same points (spend, value, shortfalls, choices) in the same order, and the same
    moves: thresholds in doubt in the state, the bounds' futures, and the states another
    beats dropped at every step."""
    key, order, bounds = case
    kernel()
    units = _programme._as_units(key)
    expected = _programme._frontier_source(key, units, order, bounds)
    assert _programme._frontier_in_kernel(key, units, order, bounds) == expected


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frontiers(), st.lists(st.integers(1, 3), min_size=9, max_size=9), st.booleans())
def test_the_kernel_orders_a_component_as_the_python_does(
    case: tuple[_programme.Key, list[int], tuple[_programme.Bound, ...]],
    counts: list[int],
    in_doubt: bool,
) -> None:
    """The order the programme walks a component's classes in: a threshold in doubt kept open
    like an offer by the classes that spend towards it, classes of several units, a bundle's
    slots one after the other, a "buy k get j"'s classes in their order."""
    (classes, offers, spends), _, _ = case
    counted = tuple(
        (gross, count, none_mask, options)
        for (gross, _, none_mask, options), count in zip(classes, counts, strict=False)
    )
    if not in_doubt:
        spends = tuple((False, t, a, p, c) for _, t, a, p, c in spends)
    real = kernel()
    _programme._KERNEL = None  # the Python's order
    try:
        expected = _programme._order(counted, offers, spends)
    finally:
        _programme._KERNEL = real
    assert real.order(counted, offers, spends) == expected
