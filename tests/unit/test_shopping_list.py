"""A shopper's list: read as people write lists, matched, ticked off as the cart fills."""

from __future__ import annotations

import pytest

from aisle.domain.cart import CartOpened, CartState, ListEntryChosen, ShoppingListWritten
from aisle.domain.cart.events import event_from_payload, event_to_payload
from aisle.domain.errors import BadList, UnknownListEntry
from aisle.domain.shopping_list import (
    MAX_ENTRIES,
    EntryStatus,
    ListEntry,
    ListMatch,
    WrittenEntry,
    parse_list,
    progress,
)

MILK = ListMatch(gtin="03850000000011", name="Fresh milk 1 l", aisle="Aisle 1", shelf="Chiller 1")
OAT = ListMatch(gtin="03850000000028", name="Oat drink 1 l", aisle="Aisle 1", shelf="Chiller 2")
EGGS = ListMatch(gtin="03850000000035", name="Free-range eggs, 10", aisle="Aisle 1", shelf="Bay 3")


@pytest.mark.parametrize(
    ("text", "entries"),
    [
        ("2 milk, eggs, bananas, gluten free bread",
         [("milk", 2), ("eggs", 1), ("bananas", 1), ("gluten free bread", 1)]),
        ("milk\neggs\r\nbread", [("milk", 1), ("eggs", 1), ("bread", 1)]),
        ("- milk\n* eggs\n• bread", [("milk", 1), ("eggs", 1), ("bread", 1)]),
        ("1. milk\n2) 6 eggs", [("milk", 1), ("eggs", 6)]),
        ("3x yogurt; yogurt x2; 2 \u00d7 cola", [("yogurt", 3), ("yogurt", 2), ("cola", 2)]),
        ("milk,, ,eggs", [("milk", 1), ("eggs", 1)]),
        ("  lots   of   spaces  ", [("lots of spaces", 1)]),
        ("7up", [("7up", 1)]),
        ("1.5 kg flour", [("1.5 kg flour", 1)]),
        ("2 x 500g pasta", [("500g pasta", 2)]),
        ("3 pcs lemons", [("lemons", 3)]),
        ("2 xl bin bags", [("xl bin bags", 2)]),
    ],
    ids=["commas-and-counts", "lines", "bullets", "numbered", "count-forms", "blanks",
         "spaces", "digits-in-a-name", "a-decimal-is-no-bullet", "a-count-of-sizes",
         "pieces", "an-x-that-is-a-word"],
)  # fmt: skip
def test_a_list_is_read_as_people_write_lists(text: str, entries: list[tuple[str, int]]) -> None:
    assert parse_list(text) == [WrittenEntry(text=t, quantity=q) for t, q in entries]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (" , \n", "has no entries"),
        ("milk, " + "x" * 81, "expected at most 80"),
        (", ".join(f"item {i}" for i in range(MAX_ENTRIES + 1)), f"at most {MAX_ENTRIES}"),
        ("0 milk", "expected a count from 1 to 99"),
    ],
    ids=["empty", "entry-too-long", "too-many-entries", "zero-count"],
)
def test_a_list_that_cannot_be_read_is_refused_with_why(text: str, message: str) -> None:
    with pytest.raises(BadList, match=message):
        parse_list(text)


def test_an_entry_is_done_when_the_cart_holds_as_many_of_its_products_as_it_asks_for() -> None:
    milk = ListEntry(entry_id="e1", text="milk", quantity=2, candidates=(MILK, OAT))
    got = progress([milk], {MILK.gtin: 1, OAT.gtin: 1})
    assert (got[0].got, got[0].status) == (2, EntryStatus.DONE)
    assert progress([milk], {MILK.gtin: 1})[0].status is EntryStatus.OPEN


def test_a_chosen_product_is_the_only_one_that_ticks_its_entry_off() -> None:
    milk = ListEntry(entry_id="e1", text="milk", quantity=1, candidates=(MILK, OAT))
    milk = milk.choose(OAT.gtin)
    assert progress([milk], {MILK.gtin: 3})[0].status is EntryStatus.OPEN
    assert progress([milk], {OAT.gtin: 1})[0].status is EntryStatus.DONE
    assert not milk.ambiguous and milk.best == OAT


def test_a_unit_in_the_cart_counts_towards_one_entry_only() -> None:
    one = ListEntry(entry_id="e1", text="milk", quantity=1, candidates=(MILK,))
    two = ListEntry(entry_id="e2", text="more milk", quantity=2, candidates=(MILK,))
    got = progress([one, two], {MILK.gtin: 2})
    assert [(p.got, p.status) for p in got] == [(1, EntryStatus.DONE), (1, EntryStatus.OPEN)]


def test_an_entry_that_matches_nothing_is_kept_and_marked() -> None:
    nothing = ListEntry(entry_id="e1", text="unicorn steak", quantity=1, candidates=())
    assert progress([nothing], {})[0].status is EntryStatus.UNMATCHED
    assert nothing.best is None and not nothing.ambiguous


def test_only_one_of_the_matches_may_be_chosen() -> None:
    milk = ListEntry(entry_id="e1", text="milk", quantity=1, candidates=(MILK, OAT))
    with pytest.raises(BadList, match="is not one of the matches for 'milk'"):
        milk.choose(EGGS.gtin)


def _cart() -> CartState:
    return CartState.replay("c1", [CartOpened(device_id="d1", currency="EUR")])


def test_the_cart_keeps_the_newest_list_and_the_shoppers_choices() -> None:
    cart = _cart()
    first = (ListEntry(entry_id="e1", text="eggs", quantity=1, candidates=(EGGS,)),)
    cart.apply(cart.write_list(first))
    milk = ListEntry(entry_id="e1", text="milk", quantity=1, candidates=(MILK, OAT))
    cart.apply(cart.write_list((milk,), source="loyalty"))
    cart.apply(cart.choose_list_entry("e1", OAT.gtin))
    assert [e.chosen for e in cart.shopping_list] == [OAT.gtin]
    assert cart.list_source == "loyalty"


def test_choosing_for_an_entry_the_list_does_not_have_is_refused() -> None:
    cart = _cart()
    with pytest.raises(UnknownListEntry, match="no list entry 'e9'"):
        cart.choose_list_entry("e9", MILK.gtin)


@pytest.mark.parametrize(
    "event",
    [
        ShoppingListWritten(
            entries=(
                ListEntry(entry_id="e1", text="milk", quantity=2, candidates=(MILK, OAT)),
                ListEntry(entry_id="e2", text="unicorn", quantity=1, candidates=()),
            ),
            source="typed",
        ),
        ListEntryChosen(entry_id="e1", gtin=OAT.gtin),
    ],
    ids=["list-written", "entry-chosen"],
)
def test_list_events_survive_the_trip_through_json(
    event: ShoppingListWritten | ListEntryChosen,
) -> None:
    import json

    payload = json.loads(json.dumps(event_to_payload(event)))
    assert event_from_payload(event.TYPE, event.VERSION, payload) == event
