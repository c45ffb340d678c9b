"""A walking order for a shopping list: shortest when provable, within 2 % of it when not.

Routes are checked against a brute force over every order (small lists), against CP-SAT's
proven optimum (40 stops in a store of parallel aisles), and for what a list can hold: the same
bay twice, a stop where the cart already is, a stop at the exit. Speed is the benchmark's
business (``benchmarks/route.py``), not these tests'.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisle.domain.store._exact import optimal_route_cpsat, ortools_routing
from aisle.domain.store._route import (
    EXACT_LIMIT,
    EXACT_STOPS,
    RoutePlan,
    exact_route,
    plan_route,
)

Matrix = list[list[int]]


def walked(matrix: Matrix, start: int, order: Sequence[int], end: int) -> int:
    path = [start, *order, end]
    return sum(matrix[a][b] for a, b in itertools.pairwise(path))


def brute_force(matrix: Matrix, start: int, end: int, stops: Sequence[int]) -> int:
    """The shortest walk, trying every order of the distinct stops."""
    places = sorted(set(stops) - {start, end})
    return min(walked(matrix, start, order, end) for order in itertools.permutations(places))


def manhattan(points: Sequence[tuple[int, int]]) -> Matrix:
    return [[abs(ax - bx) + abs(ay - by) for bx, by in points] for ax, ay in points]


def euclid(points: Sequence[tuple[int, int]]) -> Matrix:
    """Straight-line distances rounded to the centimetre: still a metric (rounding to the
    nearest whole number keeps the triangle inequality within 1 cm, and these tests only
    compare routes on the same matrix)."""
    return [[round(math.dist(a, b)) for b in points] for a in points]


def store(seed: int, stops: int = 40) -> tuple[Matrix, int, int, list[int]]:
    """A store of parallel aisles joined by a front and a back cross-aisle (and sometimes one
    across the middle): stops at random bays, the cart at the entrance or at a bay, the exit at
    the front right. Between aisles a shopper walks to a cross-aisle and along it."""
    rng = random.Random(seed)
    aisles, length, spacing = rng.randrange(6, 15), 1_500, 300
    cross = [-150, length + 150] + ([length // 2] if rng.random() < 0.4 else [])
    bays = [(rng.randrange(aisles), rng.randrange(0, length + 1, 25)) for _ in range(stops)]
    places = [(0, -150), (aisles - 1, -150), *bays]

    def walk(a: tuple[int, int], b: tuple[int, int]) -> int:
        if a[0] == b[0]:
            return abs(a[1] - b[1])
        return abs(a[0] - b[0]) * spacing + min(abs(a[1] - c) + abs(b[1] - c) for c in cross)

    matrix = [[walk(a, b) for b in places] for a in places]
    start = 0 if rng.random() < 0.5 else rng.randrange(2, len(places))
    return matrix, start, 1, list(range(2, len(places)))


@st.composite
def small_lists(draw: st.DrawFn) -> tuple[Matrix, int, int, list[int]]:
    """Up to 10 places on a 30 m by 20 m floor, up to 8 stops (repeats and the start or the
    end allowed), Manhattan or straight-line distances."""
    size = draw(st.integers(1, 10))
    points = draw(
        st.lists(st.tuples(st.integers(0, 3_000), st.integers(0, 2_000)), min_size=size,
                 max_size=size)
    )  # fmt: skip
    matrix = draw(st.sampled_from([manhattan, euclid]))(points)
    place = st.integers(0, size - 1)
    return matrix, draw(place), draw(place), draw(st.lists(place, max_size=8))


@settings(max_examples=300, deadline=None)
@given(case=small_lists())
def test_the_exact_route_is_the_shortest_of_every_order(
    case: tuple[Matrix, int, int, list[int]],
) -> None:
    matrix, start, end, stops = case
    plan = exact_route(matrix, start=start, end=end, stops=stops)
    assert plan.length == brute_force(matrix, start, end, stops)
    assert plan.length == walked(matrix, start, plan.order, end)
    assert sorted(plan.order) == sorted(stops)
    assert plan.optimal


@settings(max_examples=300, deadline=None)
@given(case=small_lists())
def test_a_planned_route_for_a_short_list_is_the_shortest(
    case: tuple[Matrix, int, int, list[int]],
) -> None:
    matrix, start, end, stops = case
    assert plan_route(matrix, start=start, end=end, stops=stops) == exact_route(
        matrix, start=start, end=end, stops=stops
    )


@pytest.mark.parametrize("seed", range(4))
def test_a_route_of_40_stops_is_within_2_percent_of_the_proven_optimum(seed: int) -> None:
    matrix, start, end, stops = store(seed)
    plan = plan_route(matrix, start=start, end=end, stops=stops)
    optimum = optimal_route_cpsat(matrix, start=start, end=end, stops=stops, time_limit_s=30)
    assert optimum.optimal
    assert plan.length <= optimum.length * 1.02
    assert plan.length == walked(matrix, start, plan.order, end)
    assert sorted(plan.order) == sorted(stops)
    assert not plan.optimal


@pytest.mark.parametrize("seed", range(6))
def test_cp_sat_and_the_routing_solver_agree_with_the_brute_force_on_short_lists(
    seed: int,
) -> None:
    rng = random.Random(seed)
    matrix = manhattan([(rng.randrange(3_000), rng.randrange(2_000)) for _ in range(9)])
    start, end = rng.randrange(9), rng.randrange(9)
    stops = [rng.randrange(9) for _ in range(7)]
    best = brute_force(matrix, start, end, stops)
    optimum = optimal_route_cpsat(matrix, start=start, end=end, stops=stops)
    routed = ortools_routing(matrix, start=start, end=end, stops=stops, time_limit_ms=100)
    first = ortools_routing(
        matrix, start=start, end=end, stops=stops, time_limit_ms=100, first_solution_only=True
    )
    assert (optimum.length, optimum.optimal) == (best, True)
    for plan in (optimum, routed, first):
        assert plan.length == walked(matrix, start, plan.order, end) >= best
        assert sorted(plan.order) == sorted(stops)
    assert routed.length == best


def test_the_exact_programme_decides_up_to_its_cut_off_and_the_search_above_it() -> None:
    matrix, _, end, stops = store(7, stops=EXACT_STOPS + 1)
    start = 0  # the entrance, not one of the stops' bays
    above = plan_route(matrix, start=start, end=end, stops=stops)
    at = plan_route(matrix, start=start, end=end, stops=stops[:EXACT_STOPS])
    assert at.optimal
    assert not above.optimal
    assert above.length <= exact_route(matrix, start=start, end=end, stops=stops).length * 1.02


def test_the_same_list_gets_the_same_route_however_it_is_sorted() -> None:
    matrix, start, end, stops = store(11)
    plans = {
        plan_route(matrix, start=start, end=end, stops=shuffled)
        for shuffled in (stops, stops[::-1], random.Random(1).sample(stops, len(stops)))
    }
    assert len(plans) == 1


def test_entries_on_the_same_bay_are_picked_one_after_the_other_at_no_extra_walk() -> None:
    line = [[abs(a - b) * 100 for b in range(6)] for a in range(6)]
    plan = plan_route(line, start=0, end=5, stops=[4, 2, 4, 2, 4])
    assert plan == RoutePlan(order=(2, 2, 4, 4, 4), length=500, optimal=True)


@pytest.mark.parametrize(
    ("start", "end", "stops", "expected"),
    [
        (0, 5, [0, 3], RoutePlan(order=(0, 3), length=500, optimal=True)),
        (0, 5, [5, 3], RoutePlan(order=(3, 5), length=500, optimal=True)),
        (2, 2, [2, 4, 2], RoutePlan(order=(2, 2, 4), length=400, optimal=True)),
        (3, 3, [], RoutePlan(order=(), length=0, optimal=True)),
        (1, 4, [], RoutePlan(order=(), length=300, optimal=True)),
    ],
    ids=["stop-at-the-start", "stop-at-the-exit", "round-trip", "nowhere-to-go", "straight-out"],
)
def test_stops_where_the_walk_starts_or_ends_cost_nothing(
    start: int, end: int, stops: list[int], expected: RoutePlan
) -> None:
    line = [[abs(a - b) * 100 for b in range(6)] for a in range(6)]
    assert plan_route(line, start=start, end=end, stops=stops) == expected


def test_a_large_list_with_many_entries_per_bay_is_routed_over_its_bays() -> None:
    matrix, start, end, stops = store(3, stops=30)
    doubled = stops + stops[::2]
    plan = plan_route(matrix, start=start, end=end, stops=doubled)
    once = plan_route(matrix, start=start, end=end, stops=stops)
    assert sorted(plan.order) == sorted(doubled)
    assert plan.length == once.length
    assert list(dict.fromkeys(plan.order)) == list(once.order)


GOOD = [[0, 3, 5], [3, 0, 4], [5, 4, 0]]


@pytest.mark.parametrize(
    ("matrix", "start", "end", "stops", "message"),
    [
        ([], 0, 0, [], "The matrix is empty: expected one row of walking distances per place"),
        (
            [[0, 3, 5], [3, 0], [5, 4, 0]], 0, 2, [1],
            "Row 1 of the matrix has 2 entries: expected 3, one per place (a square matrix)",
        ),
        (GOOD, 3, 2, [1], "start is 3: expected a place of the matrix, 0 to 2"),
        (GOOD, 0, -1, [1], "end is -1: expected a place of the matrix, 0 to 2"),
        (GOOD, 0, 2, [1, 7], "stops[1] is 7: expected a place of the matrix, 0 to 2"),
        (GOOD, 0, 2, ["1"], "stops[0] is '1': expected a place of the matrix, 0 to 2"),
        (
            [[0, -3, 5], [-3, 0, 4], [5, 4, 0]], 0, 2, [1],
            "matrix[0][1] is -3: expected a distance of 0 or more",
        ),
        (
            [[0, 3.5, 5], [3.5, 0, 4], [5, 4, 0]], 0, 2, [1],
            "matrix[0][1] is 3.5: expected a whole number of centimetres",
        ),
        (
            [[0, 3, 5], [3, 2, 4], [5, 4, 0]], 0, 2, [1],
            "matrix[1][1] is 2: expected 0, a place to itself",
        ),
        (
            [[0, 3, 5], [30, 0, 4], [5, 4, 0]], 0, 2, [1],
            "matrix[0][1] is 3 but matrix[1][0] is 30: expected the same walking distance both "
            "ways",
        ),
    ],
    ids=[
        "empty", "not-square", "start-outside", "end-outside", "stop-outside", "stop-not-int",
        "negative", "fraction", "diagonal", "one-way",
    ],
)  # fmt: skip
def test_a_matrix_or_a_list_that_is_not_a_walk_is_refused_saying_why(
    matrix: Matrix, start: int, end: int, stops: list[int], message: str
) -> None:
    for route in (plan_route, exact_route):
        with pytest.raises(ValueError) as error:
            route(matrix, start=start, end=end, stops=stops)
        assert str(error.value) == message


def test_the_exact_programme_refuses_a_list_too_long_to_prove() -> None:
    matrix, start, end, stops = store(5, stops=EXACT_LIMIT + 3)
    places = len(set(stops) - {start, end})
    with pytest.raises(ValueError) as error:
        exact_route(matrix, start=start, end=end, stops=stops)
    assert str(error.value) == (
        f"{places} distinct stops are too many to prove the shortest route: expected at most "
        f"{EXACT_LIMIT} (plan_route takes any number)"
    )


def test_only_the_distances_between_the_route_s_places_are_read() -> None:
    matrix = [[0, 3, 5, -1], [3, 0, 4, -1], [5, 4, 0, -1], [-1, -1, -1, 0]]
    assert plan_route(matrix, start=0, end=2, stops=[1]).length == 7
