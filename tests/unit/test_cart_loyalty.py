"""The cart's loyalty member and coupons, and the product facts a scan records for pricing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from aisle.domain.cart import (
    CartCheckedOut,
    CartOpened,
    CartState,
    CouponPresented,
    ItemScanned,
    MemberIdentified,
    event_from_payload,
    event_to_payload,
)
from aisle.domain.catalog import Product
from aisle.domain.errors import (
    CartClosed,
    CouponAlreadyPresented,
    CouponAlreadyUsed,
    CouponNotAccepted,
    MemberAlreadyIdentified,
)
from aisle.domain.money import Money
from aisle.domain.pricing import PricingPolicy, TaxMode, price_lines

AT = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
COLA = Product(
    gtin="03850000000028",
    name="Cola 0.5 l",
    brand="Fizz",
    department="Beverages",
    category="soft drinks",
    price=Money(minor=129, currency="EUR"),
    tax_class="standard",
    deposit=Money(minor=10, currency="EUR"),
)


def open_cart() -> CartState:
    return CartState.replay("c1", [CartOpened(device_id="d1", currency="EUR")])


def test_a_scan_records_what_promotions_and_tax_read_and_pricing_gets_it() -> None:
    state = open_cart()
    state.apply(
        state.scan(
            COLA, tax_rate=Decimal(0), snap_eligible=True, code="3850000000028", weight_g=None
        )
    )
    (line,) = state.lines_to_price()
    assert (line.name, line.brand, line.category, line.department) == (
        "Cola 0.5 l",
        "Fizz",
        "soft drinks",
        "Beverages",
    )
    assert (line.deposit, line.snap_eligible) == (Money(minor=10, currency="EUR"), True)


def test_a_deposit_reaches_its_own_line_and_the_total() -> None:
    state = open_cart()
    for _ in range(2):
        state.apply(state.scan(COLA, tax_rate=Decimal(25), code="x", weight_g=None))
    result = price_lines(state.lines_to_price(), [], PricingPolicy(currency="EUR"), AT)
    (deposit,) = result.deposits
    assert (deposit.quantity, str(deposit.amount)) == (2, "0.20")
    assert str(result.total) == "2.78"  # 2 x 1.29 + 2 x 0.10


def test_snap_eligible_lines_add_up_to_what_benefits_may_pay() -> None:
    state = open_cart()
    state.apply(state.scan(COLA, tax_rate=Decimal(0), snap_eligible=True, code="x", weight_g=None))
    other = Product(
        gtin="03850000000035",
        name="Hot soup",
        brand="",
        department="Deli",
        price=Money(minor=499, currency="EUR"),
        tax_class="prepared",
    )
    state.apply(state.scan(other, tax_rate=Decimal(8), code="y", weight_g=None))
    policy = PricingPolicy(currency="EUR", tax_mode=TaxMode.EXCLUSIVE)
    result = price_lines(state.lines_to_price(), [], policy, AT)
    assert str(result.snap_eligible_total) == "1.29"
    assert str(result.tax_total) == "0.40"  # 8 % of 4.99, added: the cola is untaxed
    assert str(result.total) == "6.78"  # 1.29 + 4.99 + 0.10 deposit + 0.40 tax


# -- events ----------------------------------------------------------------------------------


V2_SCAN = {
    "line_id": "l1",
    "code": "3850000000028",
    "gtin": COLA.gtin,
    "name": "Cola 0.5 l",
    "brand": "Fizz",
    "unit_price_minor": 129,
    "tax_rate": "25",
    "sold_by": "each",
    "weight_g": None,
    "age_restricted": False,
    "quantity": 2,
    "label_price_minor": None,
    "serial": None,
    "warnings": [],
}


def test_a_version_2_scan_reads_as_a_product_with_no_group_facts_and_no_deposit() -> None:
    event = event_from_payload("cart.item_scanned", 2, V2_SCAN)
    assert isinstance(event, ItemScanned)
    assert event.quantity == 2
    assert (event.category, event.department, event.deposit_minor, event.snap_eligible) == (
        "",
        "",
        None,
        False,
    )


def test_an_old_stream_replays_and_prices_as_it_did() -> None:
    opened = CartOpened(device_id="d1", currency="EUR")
    scanned = event_from_payload("cart.item_scanned", 2, V2_SCAN)
    state = CartState.replay("c1", [opened, scanned])
    result = price_lines(state.lines_to_price(), [], PricingPolicy(currency="EUR"), AT)
    assert str(result.total) == "2.58"
    assert result.deposits == ()


@pytest.mark.parametrize(
    "event",
    [
        MemberIdentified(member_id="4000123"),
        CouponPresented(code="9810123456780"),
        ItemScanned(
            line_id="l1",
            code="3850000000028",
            gtin=COLA.gtin,
            name="Cola 0.5 l",
            brand="Fizz",
            unit_price_minor=129,
            tax_rate=Decimal("0"),
            sold_by=COLA.sold_by,
            weight_g=None,
            age_restricted=False,
            category="soft drinks",
            department="Beverages",
            deposit_minor=10,
            snap_eligible=True,
        ),
    ],
    ids=lambda e: type(e).__name__,
)
def test_the_new_events_survive_a_trip_through_json(
    event: MemberIdentified | CouponPresented | ItemScanned,
) -> None:
    payload = json.loads(json.dumps(event_to_payload(event)))
    assert event_from_payload(event.TYPE, event.VERSION, payload) == event


# -- the member ------------------------------------------------------------------------------


def test_identifying_a_member_remembers_them_and_another_card_replaces_the_first() -> None:
    state = open_cart()
    state.apply(state.identify_member("4000123"))
    assert state.member_id == "4000123"
    state.apply(state.identify_member("4000999"))
    assert state.member_id == "4000999"


def test_the_same_card_twice_is_refused_and_changes_nothing() -> None:
    state = open_cart()
    state.apply(state.identify_member("4000123"))
    version = state.version
    with pytest.raises(MemberAlreadyIdentified, match="4000123 is already on this cart"):
        state.identify_member("4000123")
    assert state.version == version


# -- coupons ---------------------------------------------------------------------------------


def test_a_coupon_a_live_promotion_asks_for_is_taken_once() -> None:
    state = open_cart()
    state.apply(state.present_coupon("SAVE1", asked_for={"SAVE1"}, used=False))
    assert state.coupons == ("SAVE1",)
    with pytest.raises(CouponAlreadyPresented, match="SAVE1 is already in your cart"):
        state.present_coupon("SAVE1", asked_for={"SAVE1"}, used=False)


@pytest.mark.parametrize(
    ("asked_for", "used", "refusal", "words"),
    [
        (set(), False, CouponNotAccepted, "this coupon isn't valid today"),
        ({"OTHER"}, False, CouponNotAccepted, "this coupon isn't valid today"),
        ({"SAVE1"}, True, CouponAlreadyUsed, "this coupon has already been used"),
    ],
    ids=["no promotion asks for coupons", "another coupon's promotion", "redeemed before"],
)
def test_a_coupon_is_refused_with_a_reason_and_nothing_changes(
    asked_for: set[str], used: bool, refusal: type[Exception], words: str
) -> None:
    state = open_cart()
    with pytest.raises(refusal, match=f"(?i)^{words} \\(SAVE1\\)$"):
        state.present_coupon("SAVE1", asked_for=asked_for, used=used)
    assert (state.coupons, state.version) == ((), 1)


def test_a_checked_out_cart_takes_no_card_and_no_coupon() -> None:
    state = open_cart()
    state.apply(
        CartCheckedOut(receipt_id="r", total_minor=0, payment_provider="demo", payment_reference="")
    )
    with pytest.raises(CartClosed):
        state.identify_member("4000123")
    with pytest.raises(CartClosed):
        state.present_coupon("SAVE1", asked_for={"SAVE1"}, used=False)
