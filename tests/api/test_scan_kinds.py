"""Every kind of code a shopper meets, scanned at the cart through the real API."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aisle.api.app import create_app
from aisle.demo.catalog import demo_products
from aisle.domain.catalog import Product, SoldBy
from aisle.domain.money import Money
from tests.api.conftest import Api
from tests.support.store import demo_store, ean, make_settings, packaged


def check_digit(body: str) -> str:
    """GS1 mod-10 over the digits before the check digit."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


CHEESE_KEY = check_digit("281234500000")  # in-store weight label, item 12345, per kg
BREAD_KEY = check_digit("205432100000")  # in-store price label, item 54321
CHEESE = Product(
    gtin="0" + CHEESE_KEY,
    name="Gouda from the deli",
    brand="Deli",
    department="Deli",
    price=Money(minor=1290, currency="EUR"),
    tax_class="reduced",
    sold_by=SoldBy.WEIGHT,
)
BREAD = Product(
    gtin="0" + BREAD_KEY,
    name="Sourdough loaf",
    brand="Bakery",
    department="Bakery",
    price=Money(minor=349, currency="EUR"),
    tax_class="low",
)


@pytest.fixture
def store_api(tmp_path: Path) -> Iterator[Api]:
    """A store whose labels follow the common in-store layout (20-27 price, 28-29 weight)."""
    settings = make_settings(
        f"sqlite:///{tmp_path / 'aisle.db'}", tmp_path, barcode_rules="in-store"
    )
    services = demo_store(settings)
    services.catalog.load(tax_classes=(), products=[CHEESE, BREAD])
    _, token = services.access.add_device("cart-1")
    with TestClient(create_app(settings, services)) as client:
        yield Api(client, services, token)
    services.close()


def test_a_weight_label_prices_the_item_by_its_printed_weight(store_api: Api) -> None:
    cart = store_api.new_cart()
    state = cart.scan(check_digit("281234500734")).json()  # 734 g
    (line,) = state["lines"]
    assert (line["name"], line["weight_g"], line["sold_by"]) == (
        "Gouda from the deli",
        734,
        "weight",
    )
    assert line["line_total"] == "9.47"  # 12.90/kg x 0.734 kg = 9.4686


def test_a_price_label_wins_over_the_catalog_price(store_api: Api) -> None:
    cart = store_api.new_cart()
    state = cart.scan(check_digit("205432100175")).json()  # reduced to clear: 1.75
    (line,) = state["lines"]
    assert (line["name"], line["label_price"], line["line_total"]) == (
        "Sourdough loaf",
        "1.75",
        "1.75",
    )
    assert state["total"] == "1.75"
    refused = cart.send({"type": "set_quantity", "line_id": line["line_id"], "quantity": 2})
    assert refused.json()["error"]["code"] == "invalid_quantity"


def gs1(gtin14: str, *parts: str) -> str:
    return "]C1" + "01" + gtin14 + "".join(parts)


def test_a_databar_code_with_a_past_use_by_date_warns_the_shopper_and_the_staff(api: Api) -> None:
    product = packaged(1)[0]
    cart = api.new_cart()
    state = cart.scan(gs1(product.gtin, "17261120", "10L42")).json()  # used by 2026-11-20
    (line,) = state["lines"]
    assert line["gtin"] == product.gtin
    assert line["warnings"] == [
        "This item's use-by date was 2026-11-20: please show it to an associate"
    ]
    assert state["alerts"] == line["warnings"]
    token = api.staff_token()
    carts = api.client.get("/api/v1/staff/carts", headers={"Authorization": f"Bearer {token}"})
    assert carts.json()["carts"][0]["alert_count"] == 1


def test_a_code_with_a_good_date_adds_the_item_quietly(api: Api) -> None:
    product = packaged(1)[0]
    state = api.new_cart().scan(gs1(product.gtin, "17301231")).json()
    assert state["lines"][0]["warnings"] == []
    assert state["alerts"] == []


def test_a_recalled_batch_is_refused_and_changes_nothing(api: Api) -> None:
    product = packaged(1)[0]
    manager = api.staff_token("manager")
    response = api.client.post(
        "/api/v1/staff/recalls",
        json={"gtin": ean(product), "batch": "L42", "reason": "Listeria"},
        headers={"Authorization": f"Bearer {manager}"},
    )
    assert response.status_code == 201, response.text
    cart = api.new_cart()
    refused = cart.scan(gs1(product.gtin, "10L42"))
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "recalled_item"
    assert "has been recalled" in refused.json()["error"]["message"]
    assert cart.state()["lines"] == []
    assert cart.scan(gs1(product.gtin, "10L43")).status_code == 200  # another batch is fine


def test_only_a_manager_may_recall(api: Api) -> None:
    associate = api.staff_token("associate")
    response = api.client.post(
        "/api/v1/staff/recalls",
        json={"gtin": ean(packaged(1)[0]), "batch": "L1"},
        headers={"Authorization": f"Bearer {associate}"},
    )
    assert response.status_code == 403


def test_a_net_weight_in_the_code_prices_a_weighed_item(api: Api) -> None:
    bananas = next(p for p in demo_products() if p.plu == "4011")
    state = api.new_cart().scan(gs1(bananas.gtin, "3103000734")).json()
    (line,) = state["lines"]
    assert (line["name"], line["weight_g"]) == ("Bananas", 734)
    assert Decimal(line["line_total"]) == Decimal("1.09")  # 1.49/kg x 0.734 kg


def test_the_same_serialised_item_cannot_be_added_twice(api: Api) -> None:
    product = packaged(1)[0]
    cart = api.new_cart()
    assert cart.scan(gs1(product.gtin, "21SN0001")).status_code == 200
    again = cart.scan(gs1(product.gtin, "21SN0001"))
    assert again.json()["error"]["code"] == "duplicate_item"
    assert cart.scan(gs1(product.gtin, "21SN0002")).json()["lines"][0]["quantity"] == 2


def test_a_digital_link_in_a_qr_code_names_the_product(api: Api) -> None:
    product = packaged(1)[0]
    state = api.new_cart().scan(f"]Q1https://id.gs1.org/01/{product.gtin}").json()
    assert state["lines"][0]["gtin"] == product.gtin


def test_a_coupon_is_read_but_not_taken_as_a_product(api: Api) -> None:
    cart = api.new_cart()
    refused = cart.scan(check_digit("981234567890"))
    assert refused.json()["error"]["code"] == "coupon_not_accepted"
    assert cart.state()["lines"] == []


def test_a_upc_e_code_is_the_same_product_as_its_upc_a(api: Api) -> None:
    from aisle.domain.barcodes import Gtin, parse_scan

    upc_e = parse_scan("04252614")
    assert isinstance(upc_e, Gtin)
    assert upc_e == parse_scan("042100005264")
