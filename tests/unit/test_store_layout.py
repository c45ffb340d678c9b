"""A store layout file reads into a floor plan, or is refused with every problem, each naming its
line and field; the plan locates every product and writes back to the same file."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from aisle.demo.catalog import demo_products
from aisle.domain.store import (
    Aisle,
    Layout,
    LayoutError,
    LocationError,
    Point,
    Rect,
    WalkingMap,
    layout_document,
    parse_layout,
)

DEMO_FILE = Path(__file__).resolve().parents[2] / "src" / "aisle" / "demo" / "layout.yaml"

# Three aisles between four shelves, a front and a back cross aisle. Tests replace one line.
SHOP = """\
store: Test shop
size: {width: 1200, depth: 1000}
entrance: {x: 100, y: 100}
exit: {x: 1100, y: 100}
checkouts:
  - {name: Checkout 1, x: 600, y: 100}
aisles:
  - {name: Aisle 1, label: Dairy, x: 200, y: 300, width: 200, depth: 500, bays: 5}
  - {name: Aisle 2, label: Pantry, x: 500, y: 300, width: 200, depth: 500, bays: 5}
  - {name: Aisle 3, label: Drinks, x: 800, y: 300, width: 200, depth: 500, bays: 5}
fixtures:
  - {label: Shelf A, x: 100, y: 300, width: 100, depth: 500}
  - {label: Shelf B, x: 400, y: 300, width: 100, depth: 500}
  - {label: Shelf C, x: 700, y: 300, width: 100, depth: 500}
  - {label: Shelf D, x: 1000, y: 300, width: 100, depth: 500}
obstacles:
  - {label: Pillar, x: 560, y: 880, width: 40, depth: 40}
"""


def shop(**lines: str) -> str:
    """The test shop with some lines replaced: ``shop(line_8="...")``; an empty one removed."""
    text = SHOP.splitlines()
    for key, line in lines.items():
        text[int(key.removeprefix("line_")) - 1] = line
    return "\n".join(line for line in text if line) + "\n"


def refusal(text: str) -> LayoutError:
    with pytest.raises(LayoutError) as refused:
        parse_layout(text)
    return refused.value


def demo() -> Layout:
    return parse_layout(DEMO_FILE.read_text(encoding="utf-8"))


# -- reading -----------------------------------------------------------------------------------


def test_a_layout_file_reads_into_its_plan() -> None:
    layout = parse_layout(SHOP)

    assert layout.name == "Test shop"
    assert (layout.width, layout.depth) == (1200, 1000)
    assert layout.entrance == Point(x=100, y=100)
    assert [checkout.name for checkout in layout.checkouts] == ["Checkout 1"]
    assert layout.aisles[1] == Aisle(
        name="Aisle 2", label="Pantry", rect=Rect(x=500, y=300, width=200, depth=500), bays=5
    )
    assert [fixture.label for fixture in layout.fixtures] == [
        "Shelf A",
        "Shelf B",
        "Shelf C",
        "Shelf D",
    ]
    assert layout.obstacles[0].rect == Rect(x=560, y=880, width=40, depth=40)


def test_the_same_plan_written_in_json_reads_the_same() -> None:
    as_json = json.dumps(yaml.safe_load(SHOP), indent=2)

    assert parse_layout(as_json) == parse_layout(SHOP)


def test_checkouts_fixtures_and_obstacles_may_be_left_out() -> None:
    layout = parse_layout(
        shop(
            line_5="",
            line_6="",
            line_11="",
            line_12="",
            line_13="",
            line_14="",
            line_15="",
            line_16="",
            line_17="",
        )
    )

    assert (layout.checkouts, layout.fixtures, layout.obstacles) == ((), (), ())


def test_the_demo_store_file_reads_and_every_demo_product_is_at_a_walkable_bay() -> None:
    layout = demo()
    walking = WalkingMap(layout)

    for product in demo_products():
        location = layout.locate(product.aisle, product.shelf)
        assert layout.walkable(location.point), product.name
        assert location.point in walking.places, product.name


def test_the_documented_examples_read() -> None:
    docs = (DEMO_FILE.parents[3] / "docs" / "store-layout.md").read_text(encoding="utf-8")
    yaml_example = docs.split("```yaml\n")[1].split("```")[0]
    json_example = docs.split("```json\n")[1].split("```")[0]

    layout = parse_layout(yaml_example)
    WalkingMap(layout)
    assert parse_layout(json_example).aisles == layout.aisles[:1]


# -- refusals: each problem names its line and field -------------------------------------------

AISLE_1 = "  - {name: Aisle 1, label: Dairy, x: 200, y: 300, width: 200, depth: 500, bays: %s}"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        pytest.param(
            {"line_8": "  - {name: Aisle 1, label: Dairy, x: 200, y: 300, width: 200, depth: 500}"},
            "line 8, aisles[0] 'Aisle 1', bays: missing",
            id="a missing field",
        ),
        pytest.param(
            {"line_2": "size: {width: 1200}"},
            "line 2, size.depth: missing",
            id="a missing size",
        ),
        pytest.param(
            {"line_3": ""},
            "line 1, entrance: missing",
            id="a missing entrance",
        ),
        pytest.param(
            {"line_12": "  - {label: Shelf A, x: -100, y: 300, width: 100, depth: 500}"},
            "line 12, fixtures[0] 'Shelf A', x: expected a whole number of centimetres, at least 0;"
            " got -100",
            id="a negative coordinate",
        ),
        pytest.param(
            {"line_8": AISLE_1 % "4.5"},
            "line 8, aisles[0] 'Aisle 1', bays: expected a whole number, at least 1; got 4.5",
            id="a fraction",
        ),
        pytest.param(
            {"line_8": AISLE_1 % "'5'"},
            "line 8, aisles[0] 'Aisle 1', bays: expected a whole number, at least 1; got '5'",
            id="a number written as text",
        ),
        pytest.param(
            {"line_8": AISLE_1 % "0"},
            "line 8, aisles[0] 'Aisle 1', bays: expected a whole number, at least 1; got 0",
            id="no bays",
        ),
        pytest.param(
            {"line_4": "exit: {x: yes, y: 100}"},
            "line 4, exit.x: expected a whole number of centimetres, at least 0; got true",
            id="a yes-or-no",
        ),
        pytest.param(
            {"line_4": "exit: {x: !!python/name:os.system 1, y: 100}"},
            "line 4, exit.x: expected a whole number of centimetres, at least 0; got "
            "'tag:yaml.org,2002:python/name:os.system 1'",
            id="a tag that safe YAML does not read",
        ),
        pytest.param(
            {"line_13": "  - {label: Shelf B, x: 400, y: 300, width: 0, depth: 500}"},
            "line 13, fixtures[1] 'Shelf B', width: expected a whole number of centimetres, "
            "at least 1; got 0",
            id="an empty rectangle",
        ),
        pytest.param(
            {
                "line_9": "  - {name: Aisle 2, label: Pantry, x: 500, y: 300, width: 200, "
                "depth: 500, bays: 5, colour: red}"
            },
            "line 9, aisles[1] 'Aisle 2': unknown key 'colour': expected one of name, x, y, "
            "width, depth, bays, label",
            id="an unknown key",
        ),
        pytest.param(
            {"line_1": "store: Test shop\nopening_hours: 8-20"},
            "line 2: unknown key 'opening_hours': expected one of store, size, entrance, exit, "
            "aisles, checkouts, fixtures, obstacles",
            id="an unknown key at the top",
        ),
        pytest.param(
            {"line_3": "entrance: {x: 100, y: 100, x: 150}"},
            "line 3, entrance.x: given twice",
            id="a key given twice",
        ),
        pytest.param(
            {"line_6": "  - {name: '', x: 600, y: 100}"},
            "line 6, checkouts[0].name: expected a name; got ''",
            id="an empty name",
        ),
        pytest.param(
            {"line_7": "aisles: []", "line_8": "", "line_9": "", "line_10": ""},
            "line 7, aisles: expected at least one aisle",
            id="no aisles",
        ),
        pytest.param(
            {
                "line_11": "fixtures: {label: Shelf A}",
                "line_12": "",
                "line_13": "",
                "line_14": "",
                "line_15": "",
            },
            "line 11, fixtures: expected a list; got a mapping",
            id="a mapping for a list",
        ),
        pytest.param(
            {
                "line_10": "  - {name: Aisle 3, label: Drinks, x: 200, y: 300, width: 200, "
                "depth: 500, bays: 5}"
            },
            "line 10, aisles[2] 'Aisle 3': overlaps aisles[0] 'Aisle 1'",
            id="overlapping aisles",
        ),
        pytest.param(
            {"line_8": "  - {name: Aisle 1, x: 200, y: 300, width: 250, depth: 500, bays: 5}"},
            "line 8, aisles[0] 'Aisle 1': overlaps fixtures[1] 'Shelf B'",
            id="an aisle overlapping a shelf",
        ),
        pytest.param(
            {"line_17": "  - {label: Pillar, x: 280, y: 500, width: 40, depth: 40}"},
            "line 8, aisles[0] 'Aisle 1': overlaps obstacles[0] 'Pillar'",
            id="an aisle overlapping a pillar",
        ),
        pytest.param(
            {"line_15": "  - {label: Shelf D, x: 1000, y: 300, width: 300, depth: 500}"},
            "line 15, fixtures[3] 'Shelf D': spans x 1000 to 1300, y 300 to 800: outside the "
            "store, which is 1200 cm wide and 1000 cm deep",
            id="a shelf through the wall",
        ),
        pytest.param(
            {"line_4": "exit: {x: 1300, y: 100}"},
            "line 4, exit: (1300, 100) is outside the store, which is 1200 cm wide and 1000 cm "
            "deep",
            id="an exit outside",
        ),
        pytest.param(
            {"line_3": "entrance: {x: 100, y: 10}"},
            "line 3, entrance: (100, 10) is not walkable: within 20 cm of the store's walls, "
            "expected at least 20 cm away",
            id="an entrance against the wall",
        ),
        pytest.param(
            {"line_6": "  - {name: Checkout 1, x: 450, y: 500}"},
            "line 6, checkouts[0] 'Checkout 1': (450, 500) is not walkable: it is on "
            "fixtures[1] 'Shelf B'",
            id="a checkout on a shelf",
        ),
        pytest.param(
            {"line_6": "  - {name: Checkout 1, x: 450, y: 290}"},
            "line 6, checkouts[0] 'Checkout 1': (450, 290) is not walkable: within 20 cm of "
            "fixtures[1] 'Shelf B', expected at least 20 cm away",
            id="a checkout against a shelf",
        ),
        pytest.param(
            {"line_9": "  - {name: aisle  1, x: 500, y: 300, width: 200, depth: 500, bays: 5}"},
            "line 9, aisles[1] 'aisle  1', name: 'aisle  1' is already the name of aisles[0] "
            "'Aisle 1'",
            id="two aisles of one name",
        ),
        pytest.param(
            {"line_8": AISLE_1 % "11"},
            "line 8, aisles[0] 'Aisle 1', bays: 11 bays in 500 cm are 45 cm each: expected at "
            "least 50 cm a bay, so at most 10 bays",
            id="bays that do not fit",
        ),
        pytest.param(
            {"line_8": "  - {name: Aisle 1, x: 200, y: 300, width: 50, depth: 500, bays: 5}"},
            "line 8, aisles[0] 'Aisle 1': is 50 cm wide: expected at least 60 cm, room for a "
            "shopper with a trolley",
            id="an aisle too narrow",
        ),
        pytest.param(
            {
                "line_16": "obstacles:\n  - {label: Wall, x: 700, y: 250, width: 500, depth: 50}\n"
                "  - {label: Wall, x: 700, y: 800, width: 500, depth: 50}",
                "line_17": "",
            },
            "line 10, aisles[2] 'Aisle 3': cannot be reached from the entrance (a shopper keeps "
            "20 cm off walls, fixtures and obstacles)",
            id="an aisle walled off",
        ),
        pytest.param(
            # A 30 cm gap between two stacks of crates: less than twice the clearance.
            {
                "line_4": "exit: {x: 1100, y: 930}",
                "line_17": "  - {label: Crates, x: 1000, y: 850, width: 200, depth: 50}\n"
                "  - {label: Crates, x: 800, y: 800, width: 170, depth: 200}",
            },
            "line 4, exit: cannot be reached from the entrance (a shopper keeps 20 cm off walls, "
            "fixtures and obstacles)",
            id="a gap too narrow to walk",
        ),
    ],
)
def test_a_layout_with_a_problem_is_refused_naming_its_line_and_field(
    lines: dict[str, str], message: str
) -> None:
    assert str(refusal(shop(**lines))) == message


def test_the_error_carries_the_first_problems_line_and_field() -> None:
    refused = refusal(shop(line_8=AISLE_1 % "11"))

    assert (refused.line, refused.field) == (8, "aisles[0].bays")
    assert refused.code == "store_layout"
    assert isinstance(refused, ValueError)


def test_every_problem_is_listed_at_once_in_the_order_of_the_file() -> None:
    refused = refusal(
        shop(
            line_15="  - {label: Shelf D, x: 1000, y: 300, width: 300, depth: 500}",
            line_3="entrance: {x: 100, y: 10}",
            line_8=AISLE_1 % "11",
        )
    )

    assert str(refused).splitlines() == [
        "3 problems in the store layout:",
        "line 3, entrance: (100, 10) is not walkable: within 20 cm of the store's walls, "
        "expected at least 20 cm away",
        "line 8, aisles[0] 'Aisle 1', bays: 11 bays in 500 cm are 45 cm each: expected at least "
        "50 cm a bay, so at most 10 bays",
        "line 15, fixtures[3] 'Shelf D': spans x 1000 to 1300, y 300 to 800: outside the store, "
        "which is 1200 cm wide and 1000 cm deep",
    ]
    assert [problem.line for problem in refused.problems] == [3, 8, 15]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "",
            "the file is empty: expected a mapping of store, size, entrance, exit, "
            "checkouts, aisles, fixtures, obstacles",
            id="empty",
        ),
        pytest.param(
            "- a\n- b\n",
            "line 1: expected a mapping of store, size, entrance, exit, "
            "aisles, checkouts, fixtures, obstacles; got a list",
            id="a list",
        ),
        pytest.param(
            "store: [Test shop\n",
            "line 2: not YAML or JSON: expected ',' or ']', but got '<stream end>'",
            id="not yaml",
        ),
    ],
)
def test_a_file_that_is_not_a_layout_is_refused(text: str, message: str) -> None:
    assert str(refusal(text)) == message


# -- writing back ------------------------------------------------------------------------------


def test_a_layout_writes_back_to_a_file_that_reads_back_the_same() -> None:
    for layout in (parse_layout(SHOP), demo()):
        assert parse_layout(layout_document(layout)) == layout


names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30).filter(
    str.strip
)


labels = st.just("") | names  # a label may be left out, but is not blank


@given(store=names, aisle=names, label=labels, fixture=labels)
def test_any_names_survive_the_round_trip(store: str, aisle: str, label: str, fixture: str) -> None:
    layout = parse_layout(SHOP)
    renamed = dataclasses.replace(
        layout,
        name=store,
        aisles=(dataclasses.replace(layout.aisles[0], name=aisle, label=label), *layout.aisles[1:]),
        fixtures=(dataclasses.replace(layout.fixtures[0], label=fixture), *layout.fixtures[1:]),
    )

    assert parse_layout(layout_document(renamed)) == renamed


@pytest.mark.parametrize(
    "name",
    [
        "Beer, Wine & Spirits",
        "yes",
        "123",
        "#1",
        "  padded  ",
        "a: b",
        "line\nbreak",
        "a\u2028b",
        "a\x85b",
        "Ćevapi & Co.",
        "'quoted'",
        '"double"',
        "{braces}",
        "- dash",
        "~",
        "null",
        "\U0001f96c",
    ],
)
def test_awkward_names_are_quoted_so_that_they_read_back(name: str) -> None:
    layout = parse_layout(SHOP)
    renamed = dataclasses.replace(
        layout,
        name=name,
        aisles=(dataclasses.replace(layout.aisles[0], label=name), *layout.aisles[1:]),
    )

    written = layout_document(renamed)

    assert parse_layout(written) == renamed
    assert len(written.splitlines()) == len(layout_document(layout).splitlines())


def test_a_written_layout_puts_each_item_on_its_own_line() -> None:
    written = layout_document(parse_layout(SHOP)).splitlines()

    assert written[:6] == [
        "store: Test shop",
        "size: {width: 1200, depth: 1000}",
        "entrance: {x: 100, y: 100}",
        "exit: {x: 1100, y: 100}",
        "checkouts:",
        "  - {name: Checkout 1, x: 600, y: 100}",
    ]
    assert "  - {name: Aisle 1, label: Dairy, x: 200, y: 300, width: 200, depth: 500, bays: 5}" in (
        written
    )


# -- locating products -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("aisle", "shelf", "bay", "words"),
    [
        pytest.param("Aisle 5", "Bay 2, shelf 3", 2, "Aisle 5 (Pantry), bay 2, shelf 3", id="bay"),
        pytest.param("Produce", "Stand 3, crate 2", 3, "Produce, stand 3, crate 2", id="stand"),
        pytest.param("Bakery", "Rack 1, shelf 1", 1, "Bakery, rack 1, shelf 1", id="rack"),
        pytest.param(
            "Aisle 1",
            "Chiller 1, shelf 4",
            1,
            "Aisle 1 (Dairy & Eggs), chiller 1, shelf 4",
            id="chiller",
        ),
        pytest.param(
            "Aisle 4", "Freezer 2, shelf 5", 2, "Aisle 4 (Frozen), freezer 2, shelf 5", id="freezer"
        ),
        pytest.param("  aisle   13 ", "3", 3, "Aisle 13 (Pet), bay 3", id="any case and spacing"),
        pytest.param(
            "AISLE 12",
            "top shelf, bay 2",
            2,
            "Aisle 12 (Baby), bay 2, top shelf",
            id="the bay written second",
        ),
    ],
)
def test_a_product_is_located_at_its_bay(aisle: str, shelf: str, bay: int, words: str) -> None:
    layout = demo()
    location = layout.locate(aisle, shelf)

    assert location.bay == bay
    assert location.point == location.aisle.bay_point(bay)
    assert location.words == words


@pytest.mark.parametrize(
    ("aisle", "shelf", "message"),
    [
        pytest.param(
            "Aisle 14",
            "Bay 1",
            "'Aisle 14' is not an aisle of this store: expected one of Produce, Bakery, Aisle 1, "
            "Aisle 2, Aisle 3, Aisle 4, Aisle 5, Aisle 6, Aisle 7, Aisle 8, Aisle 9, Aisle 10, "
            "Aisle 11, Aisle 12, Aisle 13",
            id="no such aisle",
        ),
        pytest.param(
            "Aisle 3",
            "Chiller 9, shelf 1",
            "bay 9 of Aisle 3: that aisle has bays 1–4",  # noqa: RUF001
            id="no such bay",
        ),
        pytest.param(
            "Aisle 3",
            "Chiller 0",
            "bay 0 of Aisle 3: that aisle has bays 1–4",  # noqa: RUF001
            id="bay 0",
        ),
        pytest.param("Aisle 3", "", "no bay number in shelf ''", id="no shelf"),
        pytest.param("Aisle 3", "top shelf", "no bay number in shelf 'top shelf'", id="no number"),
    ],
)
def test_a_location_not_in_the_store_is_refused(aisle: str, shelf: str, message: str) -> None:
    with pytest.raises(LocationError) as refused:
        demo().locate(aisle, shelf)

    assert str(refused.value) == message
    assert refused.value.code == "unknown_location"


# -- the geometry ------------------------------------------------------------------------------


def test_a_rectangle_contains_its_edges_and_overlaps_only_through_its_inside() -> None:
    shelf = Rect(x=100, y=100, width=100, depth=200)

    assert shelf.contains(Point(x=100, y=300))
    assert not shelf.contains(Point(x=99, y=200))
    assert shelf.overlaps(Rect(x=150, y=250, width=100, depth=100))
    assert not shelf.overlaps(Rect(x=200, y=100, width=100, depth=200)), "touching is no overlap"
    assert not shelf.overlaps(Rect(x=200, y=300, width=10, depth=10)), "nor is a shared corner"
    assert shelf.centre == Point(x=150, y=200)


@pytest.mark.parametrize(
    ("rect", "horizontal", "points"),
    [
        pytest.param(
            Rect(x=200, y=300, width=200, depth=500),
            False,
            [Point(x=300, y=350), Point(x=300, y=450), Point(x=300, y=750)],
            id="along the store",
        ),
        pytest.param(
            Rect(x=200, y=2150, width=1400, depth=230),
            True,
            [Point(x=340, y=2265), Point(x=620, y=2265), Point(x=1460, y=2265)],
            id="across the store",
        ),
    ],
)
def test_a_bays_point_is_on_the_centre_line_at_the_bays_middle(
    rect: Rect, horizontal: bool, points: list[Point]
) -> None:
    aisle = Aisle(name="Aisle 1", label="", rect=rect, bays=5)

    assert aisle.horizontal is horizontal
    assert [aisle.bay_point(1), aisle.bay_point(2), aisle.bay_point(5)] == points


def test_a_bay_that_is_not_there_has_no_point() -> None:
    aisle = Aisle(name="Aisle 1", label="", rect=Rect(x=0, y=0, width=100, depth=500), bays=5)

    with pytest.raises(ValueError, match="bay 6 of Aisle 1: that aisle has bays 1–5"):  # noqa: RUF001
        aisle.bay_point(6)


def test_walkable_means_inside_and_clear_of_walls_fixtures_and_obstacles() -> None:
    layout = parse_layout(SHOP)

    assert layout.walkable(Point(x=300, y=500)), "an aisle"
    assert layout.walkable(Point(x=380, y=500)), "20 cm from a shelf"
    assert not layout.walkable(Point(x=381, y=500)), "19 cm from a shelf"
    assert not layout.walkable(Point(x=450, y=500)), "on a shelf"
    assert not layout.walkable(Point(x=600, y=1000 - 19)), "against the back wall"
    assert not layout.walkable(Point(x=1300, y=100)), "outside"
