"""Walking distances are the exact shortest walks over the floor: round every shelf, never
through one, the same both ways, and as short as any walk a fine grid can find."""

from __future__ import annotations

import heapq
import itertools
import math
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aisle.domain.store import (
    CLEARANCE,
    Aisle,
    Checkout,
    Fixture,
    Layout,
    LayoutError,
    Obstacle,
    Point,
    Rect,
    WalkingMap,
    parse_layout,
)
from aisle.domain.store._geometry import Box, segment_clear

DEMO_FILE = Path(__file__).resolve().parents[2] / "src" / "aisle" / "demo" / "layout.yaml"
DEMO = parse_layout(DEMO_FILE.read_text(encoding="utf-8"))
DEMO_MAP = WalkingMap(DEMO)


def p(x: int, y: int) -> Point:
    return Point(x=x, y=y)


def grown(layout: Layout) -> list[Box]:
    c = CLEARANCE
    return [(r.x - c, r.y - c, r.right + c, r.back + c) for r in layout.blocked]


def one_shelf(entrance: Point, exit: Point) -> Layout:
    """A 10 m square room with one shelf in the middle: x 400-600, y 200-800."""
    return Layout(
        name="One shelf",
        width=1000,
        depth=1000,
        entrance=entrance,
        exit=exit,
        fixtures=(Fixture(label="Shelf", rect=Rect(x=400, y=200, width=200, depth=600)),),
    )


# -- hand-computed walks -----------------------------------------------------------------------


def test_with_nothing_in_the_way_the_walk_is_the_straight_line() -> None:
    layout = Layout(name="Empty", width=1000, depth=1000, entrance=p(100, 100), exit=p(700, 500))
    walking = WalkingMap(layout)

    assert walking.distance(p(100, 100), p(700, 500)) == 721  # √(600² + 400²) = 721.1
    assert walking.path(p(100, 100), p(700, 500)) == (p(100, 100), p(700, 500))


def test_a_walk_round_a_shelf_bends_at_its_corners_kept_clear_by_the_clearance() -> None:
    walking = WalkingMap(one_shelf(entrance=p(300, 400), exit=p(700, 500)))

    # Round the front of the shelf, whose corners are grown by 20 cm to (380, 180), (620, 180):
    # √(80² + 220²) + 240 + √(80² + 320²) = 234.09 + 240 + 329.85 = 803.94. Round the back
    # would be √(80² + 420²) + 240 + √(80² + 320²) = 997.4.
    assert walking.distance(p(300, 400), p(700, 500)) == 804
    assert walking.path(p(300, 400), p(700, 500)) == (
        p(300, 400),
        p(380, 180),
        p(620, 180),
        p(700, 500),
    )
    assert walking.path(p(700, 500), p(300, 400)) == (
        p(700, 500),
        p(620, 180),
        p(380, 180),
        p(300, 400),
    )


def test_a_point_that_is_not_a_place_is_searched_for_on_demand() -> None:
    walking = WalkingMap(one_shelf(entrance=p(300, 400), exit=p(700, 500)))

    # 2 √(80² + 220²) + 240 = 708.19
    assert walking.distance(p(300, 400), p(700, 400)) == 708
    assert walking.path(p(700, 400), p(300, 400)) == (
        p(700, 400),
        p(620, 180),
        p(380, 180),
        p(300, 400),
    )
    assert walking.matrix([p(300, 400), p(700, 400), p(700, 500)]) == [
        [0, 708, 804],
        [708, 0, 100],
        [804, 100, 0],
    ]


def test_a_walk_from_a_place_to_itself_is_no_walk() -> None:
    walking = WalkingMap(one_shelf(entrance=p(300, 400), exit=p(700, 500)))

    assert walking.distance(p(300, 400), p(300, 400)) == 0
    assert walking.path(p(300, 400), p(300, 400)) == (p(300, 400),)
    assert walking.path(p(310, 400), p(310, 400)) == (p(310, 400),)


# -- properties on the demo store --------------------------------------------------------------


def test_the_places_are_the_entrance_the_exit_the_checkouts_and_every_bay_once() -> None:
    bays = [aisle.bay_point(bay) for aisle in DEMO.aisles for bay in range(1, aisle.bays + 1)]
    checkouts = [checkout.point for checkout in DEMO.checkouts]

    assert DEMO_MAP.places == (DEMO.entrance, DEMO.exit, *checkouts, *bays)
    assert [DEMO_MAP.index(place) for place in DEMO_MAP.places] == list(range(87))


def test_no_walk_passes_through_a_fixture_or_an_obstacle_or_grazes_one() -> None:
    boxes = grown(DEMO)
    for a, b in itertools.combinations(DEMO_MAP.places, 2):
        path = DEMO_MAP.path(a, b)
        assert (path[0], path[-1]) == (a, b)
        assert all(DEMO.walkable(turn) for turn in path)
        assert all(segment_clear(u, v, boxes) for u, v in itertools.pairwise(path)), (a, b, path)
        length = sum(math.hypot(v.x - u.x, v.y - u.y) for u, v in itertools.pairwise(path))
        assert abs(length - DEMO_MAP.distance(a, b)) <= 0.5 + 1e-9


def test_distances_are_the_same_both_ways_and_keep_the_triangle_inequality_to_a_centimetre() -> (
    None
):
    d = DEMO_MAP.matrix(DEMO_MAP.places)
    size = len(d)

    assert all(d[i][j] == d[j][i] for i in range(size) for j in range(size))
    assert all(d[i][i] == 0 for i in range(size))
    assert all(
        d[i][k] <= d[i][j] + d[j][k] + 1
        for i in range(size)
        for j in range(size)
        for k in range(size)
    )


def test_the_matrix_of_some_places_is_their_distances() -> None:
    chosen = [DEMO_MAP.places[i] for i in (5, 0, 80, 33)]

    assert DEMO_MAP.matrix(chosen) == [[DEMO_MAP.distance(a, b) for b in chosen] for a in chosen]


walkable_points = st.builds(
    Point,
    x=st.integers(min_value=0, max_value=DEMO.width),
    y=st.integers(min_value=0, max_value=DEMO.depth),
).filter(DEMO.walkable)


@given(a=walkable_points, b=walkable_points)
def test_a_walk_between_any_two_points_is_the_straight_line_when_it_is_clear(
    a: Point, b: Point
) -> None:
    straight = math.hypot(b.x - a.x, b.y - a.y)
    distance = DEMO_MAP.distance(a, b)

    assert distance >= math.floor(straight + 0.5)
    if segment_clear(a, b, grown(DEMO)):
        assert distance == math.floor(straight + 0.5)
        assert DEMO_MAP.path(a, b) == ((a, b) if a != b else (a,))
    else:
        assert len(DEMO_MAP.path(a, b)) > 2


def test_the_same_layout_gives_the_same_map() -> None:
    again = WalkingMap(DEMO)

    assert again.places == DEMO_MAP.places
    assert again.matrix(again.places) == DEMO_MAP.matrix(DEMO_MAP.places)
    assert all(
        again.path(DEMO.entrance, b) == DEMO_MAP.path(DEMO.entrance, b) for b in again.places
    )


# -- a brute-force cross-check -----------------------------------------------------------------

SMALL = Layout(
    name="Small",
    width=600,
    depth=600,
    entrance=p(50, 50),
    exit=p(550, 50),
    checkouts=(Checkout(name="Till", point=p(300, 60)),),
    aisles=(  # bays at y 200, 300 and 400, on the grid
        Aisle(name="A", label="", rect=Rect(x=150, y=150, width=100, depth=300), bays=3),
        Aisle(name="B", label="", rect=Rect(x=350, y=150, width=100, depth=300), bays=3),
    ),
    fixtures=(
        Fixture(label="Shelf 1", rect=Rect(x=100, y=150, width=50, depth=300)),
        Fixture(label="Shelf 2", rect=Rect(x=250, y=150, width=100, depth=300)),
        Fixture(label="Shelf 3", rect=Rect(x=450, y=150, width=50, depth=300)),
    ),
    obstacles=(Obstacle(label="Pillar", rect=Rect(x=280, y=500, width=40, depth=30)),),
)
STEP = 10
MOVES = [
    (dx, dy)
    for dx, dy in itertools.product(range(-2, 3), repeat=2)
    if (dx, dy) != (0, 0) and math.gcd(dx, dy) == 1
]  # 16 directions: the grid's worst case is 1 / cos(13.3°), under 3 % longer


def grid_distances(layout: Layout, source: Point) -> dict[Point, float]:
    boxes = grown(layout)
    distance = {source: 0.0}
    heap = [(0.0, source.x, source.y)]
    while heap:
        d, x, y = heapq.heappop(heap)
        if d > distance[p(x, y)]:
            continue
        for dx, dy in MOVES:
            there = p(x + dx * STEP, y + dy * STEP)
            if not layout.walkable(there) or not segment_clear(p(x, y), there, boxes):
                continue
            step = d + STEP * math.hypot(dx, dy)
            if step < distance.get(there, math.inf):
                distance[there] = step
                heapq.heappush(heap, (step, there.x, there.y))
    return distance


@pytest.mark.parametrize(
    "source", [p(50, 50), p(200, 400), p(400, 280)], ids=["entrance", "A, bay 3", "not a place"]
)
def test_no_walk_on_a_fine_grid_is_shorter_and_the_grid_comes_within_3_percent(
    source: Point,
) -> None:
    walking = WalkingMap(SMALL)
    on_grid = grid_distances(SMALL, source)

    assert all(place.x % STEP == 0 and place.y % STEP == 0 for place in walking.places)
    for place in walking.places:
        exact = walking.distance(source, place)
        assert exact <= on_grid[place] + 0.5, place
        assert on_grid[place] <= 1.03 * exact + 1, place


# -- refusals ----------------------------------------------------------------------------------


def test_a_map_refuses_a_layout_with_a_place_nobody_can_walk_to() -> None:
    boxed_in = one_shelf(entrance=p(100, 100), exit=p(500, 900))
    walled = Layout(
        name=boxed_in.name,
        width=boxed_in.width,
        depth=boxed_in.depth,
        entrance=boxed_in.entrance,
        exit=boxed_in.exit,
        fixtures=(
            *boxed_in.fixtures,
            Fixture(label="Wall", rect=Rect(x=0, y=820, width=1000, depth=20)),
        ),
    )

    with pytest.raises(LayoutError) as refused:
        WalkingMap(walled)

    assert str(refused.value) == (
        "exit: cannot be reached from the entrance (a shopper keeps 20 cm off walls, fixtures "
        "and obstacles)"
    )


def test_asking_for_a_place_that_is_not_one_or_a_point_nobody_can_stand_at_is_refused() -> None:
    walking = WalkingMap(one_shelf(entrance=p(300, 400), exit=p(700, 500)))

    with pytest.raises(ValueError, match=r"^\(301, 400\) is not a place of this map: expected"):
        walking.index(p(301, 400))
    with pytest.raises(ValueError, match=r"^\(500, 500\) is not walkable: expected a point inside"):
        walking.distance(p(300, 400), p(500, 500))


# -- the exact segment test --------------------------------------------------------------------


def crosses_inside(a: Point, b: Point, box: Box) -> bool:
    """Liang-Barsky in fractions: the part of the segment within the closed box, and whether
    its midpoint is strictly inside (a chord through a convex box is inside except at its ends,
    or wholly on its boundary)."""
    x0, y0, x1, y1 = box
    low, high = Fraction(0), Fraction(1)
    for start, delta, least, most in ((a.x, b.x - a.x, x0, x1), (a.y, b.y - a.y, y0, y1)):
        if delta == 0:
            if not least <= start <= most:
                return False
            continue
        t0, t1 = Fraction(least - start, delta), Fraction(most - start, delta)
        low, high = max(low, min(t0, t1)), min(high, max(t0, t1))
    if low > high:
        return False
    t = (low + high) / 2
    x, y = a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)
    return x0 < x < x1 and y0 < y < y1


coordinates = st.integers(min_value=-20, max_value=20)
points = st.builds(Point, x=coordinates, y=coordinates)


@given(a=points, b=points, corner=points, size=st.tuples(st.integers(1, 15), st.integers(1, 15)))
def test_the_segment_test_agrees_with_clipping_in_exact_fractions(
    a: Point, b: Point, corner: Point, size: tuple[int, int]
) -> None:
    box = (corner.x, corner.y, corner.x + size[0], corner.y + size[1])

    assert segment_clear(a, b, [box]) is not crosses_inside(a, b, box)
