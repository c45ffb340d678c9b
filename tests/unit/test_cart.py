"""The cart aggregate: state is a fold of events; decisions refuse before anything happens."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aisle.domain.cart import (
    CartCheckedOut,
    CartOpened,
    CartState,
    ItemScanned,
    LineRemoved,
    OwnItemDeclared,
    QuantityChanged,
    ReviewRequested,
    ReviewResolved,
    WeightMeasured,
    event_from_payload,
    event_to_payload,
)
from aisle.domain.catalog import NetContent, Product, SoldBy
from aisle.domain.errors import CartClosed, InvalidQuantity, UnknownLine, WeightRequired
from aisle.domain.money import Money

MILK = Product(
    gtin="03850000000011",
    name="Fresh milk",
    brand="Dukat",
    department="Dairy & Eggs",
    price=Money(minor=119, currency="EUR"),
    tax_class="low",
    net_content=NetContent(amount=1000, unit="ml"),
)
BANANAS = Product(
    gtin="02000000040110",
    name="Bananas",
    brand="",
    department="Produce",
    price=Money(minor=149, currency="EUR"),
    tax_class="low",
    sold_by=SoldBy.WEIGHT,
    plu="4011",
)
RATE = Decimal("5")


def open_cart() -> CartState:
    return CartState.replay("c1", [CartOpened(device_id="d1", currency="EUR")])


def scan(state: CartState, product: Product = MILK, weight_g: int | None = None) -> ItemScanned:
    event = state.scan(product, tax_rate=RATE, code=product.gtin[1:], weight_g=weight_g)
    state.apply(event)
    return event


def test_scanning_a_product_adds_a_line_with_its_price() -> None:
    state = open_cart()
    scan(state)
    (line,) = state.lines.values()
    assert (line.line_id, line.name, line.quantity, line.unit_price.minor) == (
        "l1",
        "Fresh milk",
        1,
        119,
    )


def test_scanning_the_same_product_again_adds_one_to_its_line() -> None:
    state = open_cart()
    scan(state)
    second = scan(state)
    assert second.line_id == "l1"
    assert state.lines["l1"].quantity == 2
    assert state.item_count == 2


def test_weighed_produce_gets_a_line_per_weighing() -> None:
    state = open_cart()
    scan(state, BANANAS, weight_g=700)
    scan(state, BANANAS, weight_g=350)
    assert [line.weight_g for line in state.lines.values()] == [700, 350]


def test_weighed_produce_needs_a_weight_from_the_scale() -> None:
    with pytest.raises(WeightRequired, match="Put the bananas on the cart's scale"):
        open_cart().scan(BANANAS, tax_rate=RATE, code="4011", weight_g=None)


@pytest.mark.parametrize("weight_g", [0, -5, 30_001], ids=["zero", "negative", "sack"])
def test_an_impossible_weight_is_refused(weight_g: int) -> None:
    with pytest.raises(InvalidQuantity, match=f"A weight of {weight_g} g is not possible"):
        open_cart().scan(BANANAS, tax_rate=RATE, code="4011", weight_g=weight_g)


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (0, "remove the line"),
        (-1, "expected 1 to 99"),
        (100, "expected 1 to 99"),
        (10**9, "expected 1 to 99"),
    ],
    ids=["zero", "negative", "one-too-many", "absurd"],
)
def test_a_quantity_outside_1_to_99_is_refused(quantity: int, message: str) -> None:
    state = open_cart()
    scan(state)
    with pytest.raises(InvalidQuantity, match=message):
        state.set_quantity("l1", quantity)


def test_changing_the_quantity_of_a_weighed_line_is_refused() -> None:
    state = open_cart()
    scan(state, BANANAS, weight_g=500)
    with pytest.raises(InvalidQuantity, match="priced by its weight"):
        state.set_quantity("l1", 2)


def test_removing_or_changing_an_unknown_line_is_refused() -> None:
    state = open_cart()
    with pytest.raises(UnknownLine, match="no line 'l9'"):
        state.remove("l9")
    with pytest.raises(UnknownLine):
        state.set_quantity("l9", 2)


def test_a_removed_line_is_gone_and_line_ids_are_never_reused() -> None:
    state = open_cart()
    scan(state)
    state.apply(state.remove("l1"))
    assert state.lines == {}
    assert scan(state).line_id == "l2"


def test_a_checked_out_cart_refuses_everything() -> None:
    state = open_cart()
    scan(state)
    state.apply(
        state.check_out(
            receipt_id="r1",
            total=Money(minor=119, currency="EUR"),
            payment_provider="demo",
            payment_reference="x",
        )
    )
    with pytest.raises(CartClosed, match="checked out"):
        state.scan(MILK, tax_rate=RATE, code="x", weight_g=None)
    with pytest.raises(CartClosed):
        state.remove("l1")
    with pytest.raises(CartClosed):
        state.check_out(
            receipt_id="r2",
            total=Money(minor=0, currency="EUR"),
            payment_provider="demo",
            payment_reference="y",
        )


def test_state_is_the_same_when_replayed_from_the_events() -> None:
    state = open_cart()
    events: list[object] = [CartOpened(device_id="d1", currency="EUR")]
    events.append(scan(state))
    events.append(scan(state, BANANAS, weight_g=420))
    change = state.set_quantity("l1", 4)
    state.apply(change)
    events.append(change)
    replayed = CartState.replay("c1", events)  # type: ignore[arg-type]
    assert replayed == state
    assert replayed.version == 4


@pytest.mark.parametrize(
    "event",
    [
        CartOpened(device_id="d1", currency="EUR"),
        ItemScanned(
            line_id="l1",
            code="4011",
            gtin=BANANAS.gtin,
            name="Bananas",
            brand="",
            unit_price_minor=149,
            tax_rate=Decimal("5.5"),
            sold_by=SoldBy.WEIGHT,
            weight_g=734,
            age_restricted=False,
        ),
        ItemScanned(
            line_id="l2",
            code="3850104000000",
            gtin="03850104000000",
            name="Milk",
            brand="",
            unit_price_minor=99,
            tax_rate=Decimal("5"),
            sold_by=SoldBy.EACH,
            weight_g=None,
            age_restricted=False,
            t_ms=12_345,
            unit_weight_mg=1_060_000,
            unit_weight_spread_mg=12_000,
            unit_weight_observations=7,
        ),
        LineRemoved(line_id="l1"),
        LineRemoved(line_id="l1", t_ms=99),
        QuantityChanged(line_id="l1", quantity=3, t_ms=5),
        WeightMeasured(samples=((10, 412_346), (22, -5)), set_aside=("reading 'x' g at 30 ms",)),
        OwnItemDeclared(t_ms=7),
        ReviewRequested(review_id="r1", risk_ppm=900_000, threshold_ppm=500_000),
        ReviewResolved(review_id="r1", outcome="all_fine", staff_id="s1", note="ok"),
        CartCheckedOut(
            receipt_id="r", total_minor=5, payment_provider="demo", payment_reference="x"
        ),
    ],
    ids=lambda e: type(e).__name__,
)
def test_every_event_survives_a_trip_through_json(event: object) -> None:
    import json

    payload = json.loads(json.dumps(event_to_payload(event)))  # type: ignore[arg-type]
    assert event_from_payload(event.TYPE, event.VERSION, payload) == event  # type: ignore[attr-defined]


def test_an_event_of_an_unknown_type_or_version_is_not_guessed() -> None:
    with pytest.raises(ValueError, match="Unknown cart event type"):
        event_from_payload("cart.teleported", 1, {})
    with pytest.raises(ValueError, match="version 3: this code reads up to 2"):
        event_from_payload("cart.line_removed", 3, {"line_id": "l1"})


def test_a_version_1_scan_reads_as_one_item_without_a_label() -> None:
    payload = {
        "line_id": "l1",
        "code": "4011",
        "gtin": BANANAS.gtin,
        "name": "Bananas",
        "brand": "",
        "unit_price_minor": 149,
        "tax_rate": "5",
        "sold_by": "weight",
        "weight_g": 700,
        "age_restricted": False,
    }
    event = event_from_payload("cart.item_scanned", 1, payload)
    assert isinstance(event, ItemScanned)
    assert (event.quantity, event.label_price_minor, event.serial, event.warnings) == (
        1,
        None,
        None,
        (),
    )


def test_a_copy_of_the_cart_goes_its_own_way() -> None:
    original = open_cart()
    scan(original)
    original.apply(original.measure([(1_000, 0.0), (1_100, 1.5), (1_200, 0.5)]))
    copied = original.copy()
    assert copied == original
    scan(copied, MILK)
    copied.apply(copied.measure([(2_000, 1_100.0), (2_100, 1_101.0)]))
    copied.apply(copied.remove(next(iter(copied.lines))))
    assert original.lines and original.lines != copied.lines
    assert original.scale.readings == 3 and copied.scale.readings == 5
    assert len(original.lines) == 1 and original.unclocked_units == 1
    replayed = open_cart()
    scan(replayed)
    replayed.apply(replayed.measure([(1_000, 0.0), (1_100, 1.5), (1_200, 0.5)]))
    assert original == replayed
