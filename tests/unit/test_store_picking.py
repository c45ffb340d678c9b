"""The S-shape and largest-gap heuristics walk a shopping list the way Roodbergen and de Koster
describe, and are charged for every step of that walk."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aisle.demo.catalog import demo_products
from aisle.domain.store import (
    Aisle,
    Fixture,
    Layout,
    Location,
    Point,
    Rect,
    WalkingMap,
    largest_gap_order,
    parse_layout,
    s_shape_order,
)

# Three aisles, 6 m long with a bay every metre, between four shelves; a front cross aisle
# (y < 300) and a back one (y > 900). Bay points: x 300, 700 and 1100; y 350, 450, ..., 850.
WAREHOUSE = Layout(
    name="Three aisles",
    width=1300,
    depth=1200,
    entrance=Point(x=100, y=100),
    exit=Point(x=1200, y=100),
    aisles=tuple(
        Aisle(name=f"A{n}", label="", rect=Rect(x=x, y=300, width=200, depth=600), bays=6)
        for n, x in ((1, 200), (2, 600), (3, 1000))
    ),
    fixtures=tuple(
        Fixture(label=f"Shelf {n}", rect=Rect(x=x, y=300, width=width, depth=600))
        for n, (x, width) in enumerate(((100, 100), (400, 200), (800, 200), (1200, 100)))
    ),
)
WALKING = WalkingMap(WAREHOUSE)
Heuristic = Callable[
    [Layout, WalkingMap, Point, Sequence[Location], Point], tuple[tuple[int, ...], int]
]
START, END = WAREHOUSE.entrance, WAREHOUSE.exit

# Legs of the walks below, each rounded to the centimetre as the map gives them. Shelves keep a
# shopper 20 cm off, so going round a shelf's end bends at its grown corners.
ENTRANCE_TO_A1_FRONT = 320  # √(200² + 250²) = 320.2, clear of shelf 0
ROUND_A_SHELF = 453  # bay 6 to bay 6 or bay 1 to bay 1 of the next aisle: 2 √(80² + 70²) + 240
A3_FRONT_TO_EXIT = 269  # √(100² + 250²) = 269.3
A2_FRONT_TO_EXIT = 563  # round shelf 2's front corner: √(80² + 70²) + √(420² + 180²) = 563.2


# The same aisles in a shop: a row of chillers along the back wall (its aisle runs across the
# store, in the back cross aisle; bay points x 300, 500, ..., 1100 at y 1100) and bread racks
# along the front wall (bay points x 500 and 700 at y 175).
SHOP = dataclasses.replace(
    WAREHOUSE,
    name="Three aisles and two walls",
    depth=1300,
    aisles=(
        *WAREHOUSE.aisles,
        Aisle(name="Chillers", label="", rect=Rect(x=200, y=1000, width=1000, depth=200), bays=5),
        Aisle(name="Bread", label="", rect=Rect(x=400, y=100, width=400, depth=150), bays=2),
    ),
    fixtures=(
        *WAREHOUSE.fixtures,
        Fixture(label="Chiller cabinets", rect=Rect(x=200, y=1200, width=1000, depth=100)),
        Fixture(label="Bread racks", rect=Rect(x=400, y=0, width=400, depth=100)),
    ),
)
SHOP_WALKING = WalkingMap(SHOP)

A1_BACK_TO_CHILLER_1 = 250  # straight on along A1, out into the back cross aisle
CHILLER_1_TO_A2_BACK = 473  # round shelf 1's back corner: √(320² + 180²) + √(80² + 70²) = 473.4
A2_FRONT_TO_BREAD_2 = 175  # straight on along A2's centre line, to the racks
BREAD_2_TO_EXIT = 506  # √(500² + 75²) = 505.6, clear of the racks


def at(aisle: str, bay: int) -> Location:
    """A bay of the shop; its aisles A1 to A3 are the warehouse's, so it is one of both."""
    return SHOP.locate(aisle, f"Bay {bay}")


def point(x: int, y: int) -> Point:
    return Point(x=x, y=y)


@pytest.mark.parametrize(
    ("walking", "a", "b", "length"),
    [
        pytest.param(WALKING, START, point(300, 350), ENTRANCE_TO_A1_FRONT, id="in to A1"),
        pytest.param(WALKING, point(300, 850), point(700, 850), ROUND_A_SHELF, id="A1-A2 back"),
        pytest.param(WALKING, point(700, 350), point(1100, 350), ROUND_A_SHELF, id="A2-A3 front"),
        pytest.param(WALKING, point(1100, 350), END, A3_FRONT_TO_EXIT, id="A3 out"),
        pytest.param(WALKING, point(700, 350), END, A2_FRONT_TO_EXIT, id="A2 out"),
        pytest.param(SHOP_WALKING, START, point(300, 350), ENTRANCE_TO_A1_FRONT, id="shop in"),
        pytest.param(SHOP_WALKING, point(300, 850), point(700, 850), ROUND_A_SHELF, id="shop back"),
        pytest.param(SHOP_WALKING, point(700, 350), END, A2_FRONT_TO_EXIT, id="shop A2 out"),
        pytest.param(
            SHOP_WALKING, point(300, 850), point(300, 1100), A1_BACK_TO_CHILLER_1, id="to chiller"
        ),
        pytest.param(
            SHOP_WALKING, point(300, 1100), point(700, 850), CHILLER_1_TO_A2_BACK, id="on to A2"
        ),
        pytest.param(
            SHOP_WALKING, point(700, 350), point(700, 175), A2_FRONT_TO_BREAD_2, id="to bread"
        ),
        pytest.param(SHOP_WALKING, point(700, 175), END, BREAD_2_TO_EXIT, id="bread out"),
    ],
)
def test_the_hand_computed_legs_are_the_maps(
    walking: WalkingMap, a: Point, b: Point, length: int
) -> None:
    assert walking.distance(a, b) == length


# -- S-shape -----------------------------------------------------------------------------------


def test_s_shape_walks_each_aisle_end_to_end_and_backs_out_of_the_last_of_an_odd_number() -> None:
    stops = [at("A3", 3), at("A1", 2), at("A2", 5)]

    order, length = s_shape_order(WAREHOUSE, WALKING, START, stops, END)

    assert order == (1, 2, 0)
    assert length == sum(
        [
            ENTRANCE_TO_A1_FRONT,
            100 + 400,  # A1 from the front: to bay 2, on to bay 6
            ROUND_A_SHELF,  # along the back to A2's bay 6
            100 + 400,  # A2 from the back: to bay 5, on to bay 1
            ROUND_A_SHELF,  # along the front to A3's bay 1
            200 + 200,  # A3 from the front to bay 3 and back: the last of three aisles
            A3_FRONT_TO_EXIT,
        ]
    )


def test_s_shape_with_an_even_number_of_aisles_leaves_the_last_one_at_the_front() -> None:
    stops = [at("A1", 3), at("A3", 2)]

    order, length = s_shape_order(WAREHOUSE, WALKING, START, stops, END)

    assert order == (0, 1)
    # A1 front to back; along the back past A2 (√(80² + 70²) + 640 + √(80² + 70²) = 852.6);
    # A3 back to front.
    assert length == ENTRANCE_TO_A1_FRONT + 200 + 300 + 853 + 400 + 100 + A3_FRONT_TO_EXIT


def test_s_shape_walks_an_aisle_with_several_picks_in_one_sweep() -> None:
    stops = [at("A1", 5), at("A2", 6), at("A1", 2), at("A2", 1), at("A1", 5)]

    order, length = s_shape_order(WAREHOUSE, WALKING, START, stops, END)

    assert order == (2, 0, 4, 1, 3)  # the same bay twice: in the order of the list
    assert length == ENTRANCE_TO_A1_FRONT + 500 + ROUND_A_SHELF + 500 + A2_FRONT_TO_EXIT


# -- largest gap -------------------------------------------------------------------------------


def test_largest_gap_leaves_the_widest_gap_of_a_middle_aisle_unwalked() -> None:
    # A2's picks at bays 1 and 6: the 5 m between them is its largest gap. Bay 6 is picked on
    # the way along the back, bay 1 on the way back along the front.
    stops = [at("A1", 2), at("A2", 1), at("A2", 6), at("A3", 4)]

    order, length = largest_gap_order(WAREHOUSE, WALKING, START, stops, END)

    assert order == (0, 2, 3, 1)
    assert length == sum(
        [
            ENTRANCE_TO_A1_FRONT,
            100 + 400,  # A1, the first aisle, walked end to end
            ROUND_A_SHELF,  # to A2's back end, which is its bay 6: nothing more to walk
            ROUND_A_SHELF,  # on to A3's back end
            200 + 300,  # A3, the last aisle, from the back to bay 4 and out at the front
            ROUND_A_SHELF,  # back along the front to A2's front end, its bay 1
            A2_FRONT_TO_EXIT,
        ]
    )


def test_s_shape_walks_the_same_list_end_to_end() -> None:
    stops = [at("A1", 2), at("A2", 1), at("A2", 6), at("A3", 4)]

    order, length = s_shape_order(WAREHOUSE, WALKING, START, stops, END)

    assert order == (0, 2, 1, 3)
    assert length == sum(
        [ENTRANCE_TO_A1_FRONT, 500, ROUND_A_SHELF, 500, ROUND_A_SHELF, 600, A3_FRONT_TO_EXIT]
    )


def test_largest_gap_enters_a_middle_aisle_from_the_back_when_the_gap_is_at_the_front() -> None:
    stops = [at("A1", 1), at("A2", 4), at("A2", 5), at("A3", 1)]

    order, length = largest_gap_order(WAREHOUSE, WALKING, START, stops, END)

    assert order == (0, 2, 1, 3)
    assert length == sum(
        [
            ENTRANCE_TO_A1_FRONT,
            500,  # A1 end to end
            ROUND_A_SHELF,
            100 + 100 + 200,  # into A2 from the back, to bay 5, bay 4, and out again
            ROUND_A_SHELF,
            500,  # A3 back to front: its pick is at bay 1
            A3_FRONT_TO_EXIT,
        ]
    )


def test_largest_gap_measures_the_gaps_at_the_ends_of_an_aisle_to_the_cross_aisles() -> None:
    # A2's picks at bays 2 and 4 (y 450 and 650): gaps of 150 from the front cross aisle (y 300),
    # 200 between them, and 250 to the back cross aisle (y 900), the largest: both are picked
    # from the front. (Measured from the end bays' points instead, 100, 200 and 200, the gap
    # between the picks would wrongly have been left unwalked.)
    stops = [at("A1", 1), at("A2", 2), at("A2", 4), at("A3", 1)]

    order, length = largest_gap_order(WAREHOUSE, WALKING, START, stops, END)

    assert order == (0, 3, 1, 2)
    assert length == sum(
        [
            ENTRANCE_TO_A1_FRONT,
            500,  # A1 end to end
            853,  # along the back past A2, which has nothing on its back side, to A3's bay 6
            500,  # A3 back to front
            ROUND_A_SHELF,  # back along the front to A2's bay 1
            100 + 200 + 300,  # A2 from the front to bay 4, and out again
            A2_FRONT_TO_EXIT,
        ]
    )


def test_largest_gap_with_one_aisle_goes_in_to_the_farthest_pick_and_back() -> None:
    stops = [at("A2", 4), at("A2", 2)]

    order, length = largest_gap_order(WAREHOUSE, WALKING, START, stops, END)

    assert order == (1, 0)
    # Round shelf 1's front corner to A2's bay 1: √(520² + 180²) + √(80² + 70²) = 656.6.
    assert length == 657 + 100 + 200 + 300 + A2_FRONT_TO_EXIT


@pytest.mark.parametrize("heuristic", [s_shape_order, largest_gap_order], ids=["s-shape", "gap"])
def test_with_nothing_to_pick_the_walk_is_from_the_start_to_the_end(heuristic: Heuristic) -> None:
    assert heuristic(WAREHOUSE, WALKING, START, [], END) == ((), WALKING.distance(START, END))


def test_a_stop_from_another_layout_is_refused() -> None:
    elsewhere = Aisle(name="A1", label="", rect=Rect(x=0, y=0, width=200, depth=600), bays=6)
    stop = Location(aisle=elsewhere, bay=1, shelf="Bay 1", point=elsewhere.bay_point(1))

    with pytest.raises(ValueError, match=r"^stop 0 is in 'A1', which is not an aisle of 'Three"):
        s_shape_order(WAREHOUSE, WALKING, START, [stop], END)


# -- areas that run across the store -----------------------------------------------------------


@pytest.mark.parametrize(
    ("stops", "order", "length"),
    [
        pytest.param(
            [("A1", 3), ("Chillers", 1), ("A2", 4)],
            (0, 1, 2),
            # A1 front to back; out to the chiller and on to A2's back; A2 back to front
            ENTRANCE_TO_A1_FRONT + 500 + A1_BACK_TO_CHILLER_1 + CHILLER_1_TO_A2_BACK + 500
            + A2_FRONT_TO_EXIT,
            id="back wall: while crossing along the back",
        ),
        pytest.param(
            [("Bread", 2), ("A1", 3), ("A2", 4)],
            (1, 2, 0),
            # A1 front to back, A2 back to front; the racks on the way out
            ENTRANCE_TO_A1_FRONT + 500 + ROUND_A_SHELF + 500 + A2_FRONT_TO_BREAD_2
            + BREAD_2_TO_EXIT,
            id="front wall: on the way out",
        ),
    ],
)  # fmt: skip
@pytest.mark.parametrize("heuristic", [s_shape_order, largest_gap_order], ids=["s-shape", "gap"])
def test_a_pick_along_a_wall_is_made_from_the_leg_of_the_walk_it_lengthens_least(
    heuristic: Heuristic, stops: list[tuple[str, int]], order: tuple[int, ...], length: int
) -> None:
    assert heuristic(SHOP, SHOP_WALKING, START, [at(*stop) for stop in stops], END) == (
        order,
        length,
    )


# -- in the demo store -------------------------------------------------------------------------

DEMO = parse_layout(
    (Path(__file__).resolve().parents[2] / "src" / "aisle" / "demo" / "layout.yaml").read_text(
        encoding="utf-8"
    )
)
DEMO_MAP = WalkingMap(DEMO)
DEMO_STOPS = [DEMO.locate(product.aisle, product.shelf) for product in demo_products()]


def test_in_the_demo_store_produce_is_walked_first_and_the_chillers_along_the_back() -> None:
    stops = [
        DEMO.locate("Aisle 13", "Bay 1"),
        DEMO.locate("Produce", "Stand 1"),
        DEMO.locate("Aisle 1", "Chiller 2"),
        DEMO.locate("Bakery", "Rack 1"),
        DEMO.locate("Aisle 3", "Bay 2"),
    ]

    for heuristic in (s_shape_order, largest_gap_order):
        order, _ = heuristic(DEMO, DEMO_MAP, DEMO.entrance, stops, DEMO.exit)

        # The bakery's first rack on the way in; produce front to back; dairy and the deli
        # along the back cross aisle; Aisle 13 from the back to the front.
        assert order == (3, 1, 2, 4, 0)


@given(st.lists(st.sampled_from(range(len(DEMO_STOPS))), max_size=25))
def test_every_stop_is_visited_once_and_the_walk_is_no_shorter_than_the_way_past_any_stop(
    chosen: list[int],
) -> None:
    stops = [DEMO_STOPS[i] for i in chosen]
    start, end = DEMO.entrance, DEMO.checkouts[0].point

    for heuristic in (s_shape_order, largest_gap_order):
        order, length = heuristic(DEMO, DEMO_MAP, start, stops, end)

        assert sorted(order) == list(range(len(stops)))
        legs = 3 * len(stops) + 4  # each leg rounded on its own: half a centimetre each at most
        for stop in stops:
            via = DEMO_MAP.distance(start, stop.point) + DEMO_MAP.distance(stop.point, end)
            assert length >= via - legs
