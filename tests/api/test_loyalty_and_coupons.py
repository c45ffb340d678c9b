"""Loyalty cards, coupons, deposits and US sales tax at the cart, through the real API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aisle.adapters.db.migrate import upgrade
from aisle.api.app import create_app
from aisle.bootstrap import bootstrap
from aisle.domain.catalog import Product, TaxClass
from aisle.domain.money import Money
from tests.api.conftest import Api, Cart
from tests.support.store import START, ManualClock, ean, make_settings, packaged

GS1_COUPON = "9810123456780"  # a GS1 coupon (prefix 981) as a scanner reads it


def dearer(count: int = 1) -> list[Product]:
    """Packaged demo products with no promotion that cost more than the 1.00 off below."""
    found = [p for p in packaged(200) if p.price is not None and p.price.minor >= 200]
    return found[:count]


def check_digit(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def run_promotions(api: Api, *rules: dict[str, Any]) -> None:
    window = {
        "starts_at": (START - timedelta(days=1)).isoformat(),
        "ends_at": (START + timedelta(days=30)).isoformat(),
    }
    api.services.promotions.import_document(
        {"rules": [{**window, **rule} for rule in rules]}, source="test"
    )


def euro_off(rule_id: str, product: Product, **when: Any) -> dict[str, Any]:
    return {
        "id": rule_id,
        "kind": "unit",
        "name": f"{rule_id}: 1.00 off",
        "group": {"gtins": [product.gtin]},
        "amount_off": "1.00",
        **when,
    }


def identify(cart: Cart, code: str, event_id: str | None = None) -> Any:
    return cart.send({"type": "identify_member", "loyalty_code": code}, event_id)


def present(cart: Cart, code: str) -> Any:
    return cart.send({"type": "present_coupon", "code": code})


def check_out(api: Api, cart: Cart) -> dict[str, Any]:
    paid = api.client.post(f"/api/v1/carts/{cart.cart_id}/checkout", json={}, headers=cart.auth)
    assert paid.status_code == 200, paid.text
    receipt = api.client.get(f"/api/v1/receipts/{paid.json()['receipt_id']}", headers=cart.auth)
    return dict(receipt.json())


# -- loyalty ---------------------------------------------------------------------------------


def test_a_known_loyalty_card_identifies_the_member_and_member_prices_apply(api: Api) -> None:
    product = dearer()[0]
    api.services.members.add("4000123", name="Ana")
    run_promotions(api, euro_off("member-deal", product, members_only=True))
    cart = api.new_cart()
    assert cart.scan(ean(product)).json()["discount_total"] == "0.00"
    state = identify(cart, " 4000123 ").json()
    assert state["member_id"] == "4000123"
    (adjustment,) = state["lines"][0]["adjustments"]
    assert (adjustment["promotion_id"], adjustment["amount"]) == ("member-deal", "1.00")
    assert state["discount_total"] == "1.00"


def test_an_unknown_loyalty_card_is_refused_and_changes_nothing(api: Api) -> None:
    cart = api.new_cart()
    before = cart.state()
    refused = identify(cart, "4000999", event_id="card-1")
    assert refused.status_code == 404
    assert refused.json()["error"] == {
        "code": "unknown_member",
        "message": "We don't know loyalty card '4000999': check the number, or ask an associate",
    }
    after = cart.state()
    assert (after["member_id"], after["version"]) == (None, before["version"])
    api.services.members.add("4000999")
    assert identify(cart, "4000999", event_id="card-1").status_code == 404  # the same answer


# -- coupons ---------------------------------------------------------------------------------


def test_a_scanned_coupon_a_promotion_asks_for_takes_money_off(api: Api) -> None:
    product = dearer()[0]
    run_promotions(api, euro_off("flyer", product, coupon=GS1_COUPON))
    cart = api.new_cart()
    cart.scan(ean(product))
    state = cart.scan(GS1_COUPON).json()
    assert state["coupons"] == [GS1_COUPON]
    assert state["lines"][0]["adjustments"][0]["promotion_id"] == "flyer"
    assert Decimal(state["total"]) == product.price.amount - 1  # type: ignore[union-attr]


def test_a_typed_coupon_code_is_matched_whatever_its_case(api: Api) -> None:
    product = dearer()[0]
    run_promotions(api, euro_off("typed", product, coupon="SAVE-1"))
    cart = api.new_cart()
    state = present(cart, " save-1 ").json()
    assert state["coupons"] == ["SAVE-1"]
    assert cart.scan(ean(product)).json()["discount_total"] == "1.00"


def test_a_coupon_no_promotion_asks_for_today_is_refused(api: Api) -> None:
    cart = api.new_cart()
    refused = cart.scan(check_digit("981234567890"))
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "coupon_not_accepted"
    assert refused.json()["error"]["message"].startswith("This coupon isn't valid today")
    typed = present(cart, "NOPE")
    assert typed.json()["error"]["code"] == "coupon_not_accepted"
    assert cart.state()["coupons"] == []


def test_a_coupon_is_taken_once_per_cart(api: Api) -> None:
    run_promotions(api, euro_off("once", dearer()[0], coupon=GS1_COUPON))
    cart = api.new_cart()
    assert cart.scan(GS1_COUPON).status_code == 200
    again = cart.scan(GS1_COUPON)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "coupon_already_presented"
    assert cart.state()["coupons"] == [GS1_COUPON]


def test_a_coupon_used_at_one_checkout_cannot_be_used_again(api: Api) -> None:
    product = dearer()[0]
    run_promotions(api, euro_off("single-use", product, coupon="ONCE-42"))
    first, second = api.new_cart(), api.new_cart()
    for cart in (first, second):
        cart.scan(ean(product))
        assert present(cart, "ONCE-42").json()["discount_total"] == "1.00"

    receipt = check_out(api, first)
    assert receipt["coupons"] == ["ONCE-42"]
    assert receipt["lines"][0]["adjustments"][0]["promotion_id"] == "single-use"

    assert second.state()["discount_total"] == "0.00"  # spent elsewhere: it no longer applies
    third = api.new_cart()
    refused = present(third, "ONCE-42")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "coupon_already_used"
    assert "already been used" in refused.json()["error"]["message"]
    assert check_out(api, second)["coupons"] == []


def test_a_coupon_that_gave_no_discount_is_not_used_up(api: Api) -> None:
    wanted, other = dearer(2)
    run_promotions(api, euro_off("not-bought", wanted, coupon="KEEP-ME"))
    cart = api.new_cart()
    present(cart, "KEEP-ME")
    cart.scan(ean(other))
    assert check_out(api, cart)["coupons"] == []
    assert present(api.new_cart(), "KEEP-ME").status_code == 200


def test_a_members_digital_coupon_applies_and_is_redeemed_at_checkout(api: Api) -> None:
    product = dearer()[0]
    api.services.members.add("4000123", name="Ana", coupons=["DIGI-7"])
    run_promotions(api, euro_off("digital", product, coupon="DIGI-7"))
    cart = api.new_cart()
    cart.scan(ean(product))
    assert identify(cart, "4000123").json()["discount_total"] == "1.00"
    receipt = check_out(api, cart)
    assert (receipt["member_id"], receipt["coupons"]) == ("4000123", ["DIGI-7"])

    again = api.new_cart()
    again.scan(ean(product))
    assert identify(again, "4000123").json()["discount_total"] == "0.00"


# -- deposits --------------------------------------------------------------------------------

WATER = Product(
    gtin="0" + check_digit("385999000001"),
    name="Still water 1.5 l",
    brand="Izvor",
    department="Beverages",
    price=Money(minor=79, currency="EUR"),
    tax_class="standard",
    deposit=Money(minor=10, currency="EUR"),
)


def test_a_bottle_deposit_is_its_own_line_on_the_screen_and_the_receipt(api: Api) -> None:
    api.services.catalog.load(tax_classes=(), products=[WATER])
    cart = api.new_cart()
    cart.scan(ean(WATER))
    state = cart.scan(ean(WATER)).json()
    assert state["deposits"] == [
        {
            "line_id": "l1",
            "name": WATER.name,
            "quantity": 2,
            "unit_amount": "0.10",
            "amount": "0.20",
        }
    ]
    assert (state["deposit_total"], state["total"]) == ("0.20", "1.78")
    receipt = check_out(api, cart)
    assert receipt["deposits"] == state["deposits"]
    assert (receipt["deposit_total"], receipt["total"]) == ("0.20", "1.78")
    page = api.client.get(receipt["receipt_url"]).text
    assert "Deposit 2 × €0.10 (Still water 1.5 l)" in page  # noqa: RUF001


# -- a US store ------------------------------------------------------------------------------

US_TAX = (
    TaxClass(code="grocery", name="Grocery", rate_percent=Decimal(0), snap_eligible=True),
    TaxClass(code="prepared", name="Prepared food 8.875 %", rate_percent=Decimal("8.875")),
)
MILK = Product(
    gtin="00" + check_digit("04100000001"),
    name="Whole milk, 1 gal",
    brand="Dairy Farm",
    department="Dairy",
    price=Money(minor=449, currency="USD"),
    tax_class="grocery",
)
SANDWICH = Product(
    gtin="00" + check_digit("04100000002"),
    name="Turkey sandwich",
    brand="Deli",
    department="Deli",
    price=Money(minor=699, currency="USD"),
    tax_class="prepared",
)


@pytest.fixture
def us_store(tmp_path: Path) -> Iterator[Api]:
    settings = make_settings(
        f"sqlite:///{tmp_path / 'aisle.db'}",
        tmp_path,
        currency="USD",
        tax_mode="exclusive",
        store_name="Aisle Corner Market",
    )
    services = bootstrap(settings, clock=ManualClock())
    upgrade(services.engine)
    services.catalog.load(tax_classes=US_TAX, products=[MILK, SANDWICH])
    _, token = services.access.add_device("cart-1")
    with TestClient(create_app(settings, services)) as client:
        yield Api(client, services, token)
    services.close()


def test_a_us_store_adds_sales_tax_and_says_what_snap_may_pay(us_store: Api) -> None:
    cart = us_store.new_cart()
    cart.scan(MILK.gtin[2:])
    state = cart.scan(SANDWICH.gtin[2:]).json()
    assert (state["tax_mode"], state["subtotal"], state["tax_total"]) == (
        "exclusive",
        "11.48",
        "0.62",
    )
    assert (state["total"], state["snap_eligible_total"]) == ("12.10", "4.49")

    receipt = check_out(us_store, cart)
    assert (receipt["currency"], receipt["total"], receipt["snap_eligible_total"]) == (
        "USD",
        "12.10",
        "4.49",
    )
    assert receipt["taxes"] == [
        {"rate": "0", "base": "4.49", "net": "4.49", "tax": "0.00", "gross": "4.49"},
        {"rate": "8.875", "base": "6.99", "net": "6.99", "tax": "0.62", "gross": "7.61"},
    ]
    page = us_store.client.get(receipt["receipt_url"]).text
    assert "Sales tax" in page
    assert "SNAP eligible" in page
    assert "$12.10" in page


# -- hints -----------------------------------------------------------------------------------


def test_one_short_of_a_multibuy_the_cart_says_what_one_more_would_save(api: Api) -> None:
    product = dearer()[0]
    assert product.price is not None
    three_for = product.price * 2  # the third one free
    run_promotions(
        api,
        {
            "id": "three-for-two",
            "kind": "multibuy",
            "name": f"3 for {three_for}",
            "group": {"gtins": [product.gtin]},
            "quantity": 3,
            "price": str(three_for.amount),
        },
    )
    cart = api.new_cart()
    cart.scan(ean(product))
    state = cart.scan(ean(product)).json()
    (hint,) = state["hints"]
    assert hint["promotion_id"] == "three-for-two"
    assert hint["message"]
    assert state["discount_total"] == "0.00"
    state = cart.scan(ean(product)).json()
    assert state["hints"] == []
    assert Decimal(state["discount_total"]) == product.price.amount
