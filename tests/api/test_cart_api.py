"""The HTTP contract for cart makers: open a cart, send events, read it, check out."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.api.conftest import Api
from tests.support.store import ean, packaged

MONEY_FIELDS = ("subtotal", "discount_total", "tax_total", "total")


def test_a_device_opens_a_cart_and_gets_a_token_for_it(api: Api) -> None:
    cart = api.new_cart()
    state = cart.state()
    assert state["cart_id"] == cart.cart_id
    assert state["status"] == "shopping"
    assert state["currency"] == "EUR"
    assert state["lines"] == []
    assert [state[f] for f in MONEY_FIELDS] == ["0.00"] * 4


def test_scanning_adds_lines_and_the_totals_are_decimal_strings(api: Api) -> None:
    cart = api.new_cart()
    milk, bread = packaged(2)
    cart.scan(ean(milk))
    cart.scan(ean(milk))
    response = cart.scan(ean(bread))
    assert response.status_code == 200
    state = response.json()
    assert [(line["gtin"], line["quantity"]) for line in state["lines"]] == [
        (milk.gtin, 2),
        (bread.gtin, 1),
    ]
    line = state["lines"][0]
    assert set(line) >= {"line_id", "gtin", "name", "quantity", "unit_price", "line_total"}
    assert line["unit_price"] == str(milk.price)
    assert Decimal(line["line_total"]) == milk.price.amount * 2
    assert Decimal(state["total"]) == milk.price.amount * 2 + bread.price.amount
    assert Decimal(state["tax_total"]) > 0


def test_changing_a_quantity_and_removing_a_line_reprice_the_cart(api: Api) -> None:
    cart = api.new_cart()
    milk, bread = packaged(2)
    cart.scan(ean(milk))
    line_id = cart.scan(ean(bread)).json()["lines"][1]["line_id"]
    state = cart.send({"type": "set_quantity", "line_id": line_id, "quantity": 3}).json()
    assert Decimal(state["total"]) == milk.price.amount + 3 * bread.price.amount
    state = cart.send({"type": "remove", "line_id": line_id}).json()
    assert [line["gtin"] for line in state["lines"]] == [milk.gtin]
    assert Decimal(state["total"]) == milk.price.amount


def test_the_same_event_id_returns_the_same_answer_and_applies_once(api: Api) -> None:
    cart = api.new_cart()
    (milk,) = packaged(1)
    first = cart.send({"type": "scan", "code": ean(milk)}, event_id="evt-1")
    cart.scan(ean(milk))
    again = cart.send({"type": "scan", "code": ean(milk)}, event_id="evt-1")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert cart.state()["lines"][0]["quantity"] == 2


def test_a_price_reduction_shows_as_savings_with_its_reason(api: Api) -> None:
    from aisle.demo.catalog import demo_price_reductions, demo_products
    from tests.support.store import START

    reduction = next(r for r in demo_price_reductions(START) if r.gtin.startswith("0385"))
    product = next(p for p in demo_products() if p.gtin == reduction.gtin)
    state = api.new_cart().scan(ean(product)).json()
    line = state["lines"][0]
    assert Decimal(line["discount"]) == product.price.amount - reduction.price.amount
    assert line["adjustments"][0]["promotion_id"] == reduction.promotion_id
    assert state["discount_total"] == line["discount"]
    assert Decimal(state["total"]) == reduction.price.amount


def test_weighed_produce_is_priced_by_the_weight_the_cart_sends(api: Api) -> None:
    cart = api.new_cart()
    refused = cart.scan("4011")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "weight_required"
    state = cart.scan("4011", weight_g=1000).json()
    assert state["lines"][0]["sold_by"] == "weight"
    assert state["lines"][0]["weight_g"] == 1000


def test_checkout_pays_and_returns_a_receipt_that_matches_the_cart(api: Api) -> None:
    cart = api.new_cart()
    for product in packaged(3):
        cart.scan(ean(product))
    total = cart.state()["total"]
    response = api.client.post(
        f"/api/v1/carts/{cart.cart_id}/checkout",
        json={"payment": {"provider": "demo"}},
        headers=cart.auth,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["receipt_url"].startswith("http")
    receipt = api.client.get(f"/api/v1/receipts/{body['receipt_id']}", headers=cart.auth).json()
    assert receipt["total"] == total
    assert len(receipt["lines"]) == 3
    assert receipt["payment"]["provider"] == "demo"
    assert sum(Decimal(t["tax"]) for t in receipt["taxes"]) == Decimal(receipt["tax_total"])
    state = cart.state()
    assert state["status"] == "checked_out"
    assert state["receipt_id"] == body["receipt_id"]
    page = api.client.get(body["receipt_url"])
    assert page.status_code == 200
    assert total in page.text
    qr = api.client.get(body["receipt_url"].replace("?", "/qr.svg?"))
    assert qr.headers["content-type"].startswith("image/svg+xml")


def test_checking_out_twice_returns_the_same_receipt(api: Api) -> None:
    cart = api.new_cart()
    cart.scan(ean(packaged(1)[0]))
    url = f"/api/v1/carts/{cart.cart_id}/checkout"
    first = api.client.post(url, headers=cart.auth).json()
    second = api.client.post(url, headers=cart.auth).json()
    assert first == second


def test_an_unknown_payment_provider_is_refused_and_the_cart_stays_open(api: Api) -> None:
    cart = api.new_cart()
    cart.scan(ean(packaged(1)[0]))
    response = api.client.post(
        f"/api/v1/carts/{cart.cart_id}/checkout",
        json={"payment": {"provider": "bitcoin"}},
        headers=cart.auth,
    )
    assert response.status_code == 402
    assert "expected one of demo" in response.json()["error"]["message"]
    assert cart.state()["status"] == "shopping"


def test_the_openapi_document_describes_the_whole_contract(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/v1/carts",
        "/api/v1/carts/{cart_id}/events",
        "/api/v1/carts/{cart_id}",
        "/api/v1/carts/{cart_id}/checkout",
        "/api/v1/products",
        "/api/v1/receipts/{receipt_id}",
        "/receipts/{receipt_id}",
    ):
        assert path in paths, path


@pytest.mark.parametrize("query", ["milk", "MILK", "Milk"])
def test_products_are_found_by_name(api: Api, query: str) -> None:
    cart = api.new_cart()
    found = api.client.get("/api/v1/products", params={"q": query}, headers=cart.auth).json()
    assert found
    assert all({"gtin", "name", "price"} <= set(p) for p in found)
    assert any("milk" in p["name"].lower() for p in found)
