"""The product finder, the shopping list and the route over the API, on the demo store's layout.

A shopper searches and sees where a product is, in words and pinned on the map; types a list,
chooses among an entry's matches, sees entries tick off as items are scanned, and asks for the
way round what is still open, which the map draws. Staff see which products the map can't place.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aisle.demo.catalog import demo_products
from aisle.domain.catalog import Product
from tests.api.conftest import Api, Cart
from tests.support.store import ean

DEMO_LAYOUT = Path(__file__).resolve().parents[2] / "src" / "aisle" / "demo" / "layout.yaml"


@pytest.fixture
def store(api: Api) -> Api:
    api.services.finder.load_layout(DEMO_LAYOUT.read_text(encoding="utf-8"))
    return api


def product(name: str) -> Product:
    return next(p for p in demo_products() if p.name == name)


def write_list(cart: Cart, text: str) -> list[dict[str, object]]:
    response = cart.send({"type": "shopping_list", "text": text})
    assert response.status_code == 200, response.text
    return response.json()["shopping_list"]  # type: ignore[no-any-return]


def test_a_product_is_found_by_aisle_bay_and_shelf_in_words(store: Api) -> None:
    cart = store.new_cart()
    coffee = product("Ground coffee, classic roast")
    response = store.client.get(f"/api/v1/products/{coffee.gtin}/location", headers=cart.auth)
    assert response.status_code == 200, response.text
    location = response.json()["location"]
    assert location["aisle"] == coffee.aisle
    assert location["where"].startswith(f"{coffee.aisle} (Beverages), bay ")
    assert location["bay"] == int(re.findall(r"\d+", coffee.shelf)[0])


def test_the_map_pins_the_product_and_marks_where_the_cart_is(store: Api) -> None:
    cart = store.new_cart()
    bananas = product("Bananas")
    assert cart.scan(ean(product("Ground coffee, classic roast"))).status_code == 200
    response = store.client.get(
        f"/api/v1/store/map?gtin={bananas.gtin}&cart={cart.cart_id}", headers=cart.auth
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("image/svg+xml")
    svg = response.text
    assert 'class="map-highlight" data-aisle="Produce" data-bay="1"' in svg
    assert ">Bananas</text>" in svg
    assert 'class="map-here"' in svg


def test_the_cart_is_at_the_entrance_until_it_scans_something_on_the_map(store: Api) -> None:
    cart = store.new_cart()
    write_list(cart, "eggs")
    assert (
        store.client.get(f"/api/v1/carts/{cart.cart_id}/route", headers=cart.auth).json()["start"]
        == "at the entrance"
    )
    cart.scan(ean(product("Ground coffee, classic roast")))
    start = store.client.get(f"/api/v1/carts/{cart.cart_id}/route", headers=cart.auth).json()
    assert start["start"].startswith("near Aisle 8 (Beverages), bay ")


def test_a_typed_list_is_matched_entry_by_entry_and_says_what_it_cannot_match(
    store: Api,
) -> None:
    entries = write_list(store.new_cart(), "2 milk, eggs, bananas, gluten free bread")
    by_text = {e["text"]: e for e in entries}
    assert [e["text"] for e in entries] == ["milk", "eggs", "bananas", "gluten free bread"]
    assert by_text["milk"]["quantity"] == 2
    assert all("milk" in m["name"].lower() for m in by_text["milk"]["matches"])
    assert "chocolate" not in by_text["milk"]["matches"][0]["name"].lower()
    assert by_text["bananas"]["needs_choice"] is True  # bananas, or organic bananas
    assert by_text["gluten free bread"]["status"] == "unmatched"
    assert by_text["gluten free bread"]["matches"] == []
    assert by_text["eggs"]["where"].startswith("Aisle 1 (Dairy & Eggs)")


def test_entries_tick_off_as_their_products_are_scanned_and_a_choice_narrows_them(
    store: Api,
) -> None:
    cart = store.new_cart()
    entries = write_list(cart, "coffee, bananas")
    organic = next(m for m in entries[1]["matches"] if m["name"] == "Organic bananas")
    chosen = cart.send(
        {"type": "choose_list_entry", "entry_id": entries[1]["entry_id"], "gtin": organic["gtin"]}
    )
    assert chosen.status_code == 200, chosen.text
    coffee = next(p for p in demo_products() if p.name == entries[0]["matches"][0]["name"])
    after = cart.scan(ean(coffee)).json()["shopping_list"]
    assert [(e["status"], e["got"]) for e in after] == [("done", 1), ("open", 0)]
    assert after[1]["chosen"] == organic["gtin"]


def test_a_choice_that_is_not_one_of_the_matches_is_refused_and_changes_nothing(
    store: Api,
) -> None:
    cart = store.new_cart()
    entries = write_list(cart, "bananas")
    before = cart.state()["version"]
    response = cart.send(
        {"type": "choose_list_entry", "entry_id": entries[0]["entry_id"], "gtin": "09999999999999"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "bad_list"
    missing = cart.send({"type": "choose_list_entry", "entry_id": "e7", "gtin": "1"})
    assert missing.status_code == 404
    assert cart.state()["version"] == before


def test_an_empty_list_is_refused_with_what_to_write(store: Api) -> None:
    response = store.new_cart().send({"type": "shopping_list", "text": " , ,"})
    assert response.status_code == 422
    assert "2 milk, eggs, bananas" in response.json()["error"]["message"]


def test_the_route_visits_the_open_entries_from_the_cart_to_the_exit(store: Api) -> None:
    cart = store.new_cart()
    write_list(cart, "coffee, eggs, bananas, pizza")
    cart.scan(ean(product("Pizza margherita")))  # the pizza is in the cart already
    response = store.client.get(f"/api/v1/carts/{cart.cart_id}/route", headers=cart.auth)
    assert response.status_code == 200, response.text
    route = response.json()
    assert sorted(s["text"] for s in route["stops"]) == ["bananas", "coffee", "eggs"]
    assert [s["number"] for s in route["stops"]] == [1, 2, 3]
    assert route["optimal"] is True
    assert float(route["length_m"]) > 0
    assert [item for aisle in route["aisles"] for item in aisle["items"]] == [
        s["text"] for s in route["stops"]
    ]
    legs = route["path"]
    assert len(legs) == 4  # cart -> 3 stops -> exit
    for leg, stop in zip(legs, route["stops"], strict=False):
        assert leg[-1] == stop["location"]["place"]
    drawn = store.client.get(
        f"/api/v1/store/map?cart={cart.cart_id}&route=true", headers=cart.auth
    ).text
    assert drawn.count('class="map-route"') == 4
    assert drawn.count('class="map-stop"') == 3


def test_a_cart_may_not_see_another_carts_route_or_map(store: Api) -> None:
    mine, theirs = store.new_cart(), store.new_cart()
    response = store.client.get(f"/api/v1/store/map?cart={theirs.cart_id}", headers=mine.auth)
    assert response.status_code == 403
    route = store.client.get(f"/api/v1/carts/{theirs.cart_id}/route", headers=mine.auth)
    assert route.status_code in (401, 403)
    assert store.client.get("/api/v1/store/map").status_code == 401
    device = {"Authorization": f"Bearer {store.device_token}"}
    assert store.client.get("/api/v1/store/map", headers=device).status_code == 200
    seen = store.client.get(f"/api/v1/store/map?cart={theirs.cart_id}", headers=device)
    assert seen.status_code == 403  # the tablet sees the map, not where a shopper is
    per_bay = store.client.get("/api/v1/store/map?placed=true", headers=mine.auth)
    assert per_bay.status_code == 403


def test_without_a_layout_the_map_says_a_manager_must_load_one(api: Api) -> None:
    cart = api.new_cart()
    response = api.client.get("/api/v1/store/map", headers=cart.auth)
    assert response.status_code == 422
    assert "aisle layout load" in response.json()["error"]["message"]


def test_a_loyalty_members_saved_list_comes_along_when_they_identify(store: Api) -> None:
    store.services.members.add("4000999", name="Ana", shopping_list="eggs, 2 coffee")
    cart = store.new_cart()
    response = cart.send({"type": "identify_member", "loyalty_code": "4000999"}, "id-1")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["list_source"] == "loyalty"
    assert [(e["text"], e["quantity"]) for e in body["shopping_list"]] == [
        ("eggs", 1),
        ("coffee", 2),
    ]
    again = cart.send({"type": "identify_member", "loyalty_code": "4000999"}, "id-1")
    assert again.json()["version"] == body["version"]  # the same answer, the list included


def test_staff_see_the_products_the_map_cannot_place(store: Api) -> None:
    staff = {"Authorization": f"Bearer {store.staff_token()}"}
    response = store.client.get("/api/v1/store/unplaced", headers=staff)
    assert response.status_code == 200, response.text
    assert response.json()["count"] == 0  # every demo product is on the demo map
    placed = store.client.get("/api/v1/store/map?placed=true", headers=staff).text
    assert placed.count('class="placed"') > 50


def test_the_staff_map_page_draws_the_layout_and_lists_products_off_the_map(store: Api) -> None:
    lost = Product(
        gtin="03859999999997",
        name="Mystery jam",
        brand="Nobody",
        department="Pantry",
        price=None,
        tax_class="reduced",
        aisle="Aisle 99",
        shelf="Bay 1, shelf 1",
    )
    store.services.catalog.load(tax_classes=(), products=[lost], reductions=[])
    token = store.staff_token()
    store.client.cookies.set("aisle_staff", token)
    page = store.client.get("/staff/map")
    assert page.status_code == 200, page.text
    assert 'class="store-map"' in page.text
    assert "Mystery jam" in page.text
    assert "&#39;Aisle 99&#39; is not an aisle of this store" in page.text
    listed = store.client.get(
        "/api/v1/store/unplaced", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert [p["name"] for p in listed["products"]] == ["Mystery jam"]


def test_two_entries_on_the_same_bay_are_one_stop_of_the_walk(store: Api) -> None:
    cart = store.new_cart()
    write_list(cart, "bananas, organic bananas")  # stand 1 and stand 2 of produce
    one = store.client.get(f"/api/v1/carts/{cart.cart_id}/route", headers=cart.auth).json()
    write_list(cart, "barn eggs tray, barn eggs large")
    route = store.client.get(f"/api/v1/carts/{cart.cart_id}/route", headers=cart.auth).json()
    places = [tuple(s["location"]["place"].values()) for s in route["stops"]]
    assert len(route["stops"]) == 2
    assert len(set(places)) == 1  # the same chiller
    assert len(route["path"]) == 2  # to the chiller once, then to the exit
    assert one["stops"][0]["location"]["aisle"] == "Produce"
    drawn = store.client.get(
        f"/api/v1/store/map?cart={cart.cart_id}&route=true", headers=cart.auth
    ).text
    assert drawn.count('class="map-stop"') == 1
    assert 'data-stop="1, 2"' in drawn


def test_the_list_a_loyalty_card_brings_fits_a_device_event_id_of_any_allowed_length(
    store: Api,
) -> None:
    store.services.members.add("4000998", name="Ivo", shopping_list="eggs")
    cart = store.new_cart()
    long_id = "b" * 100
    first = cart.send({"type": "identify_member", "loyalty_code": "4000998"}, long_id)
    assert first.status_code == 200, first.text
    again = cart.send({"type": "identify_member", "loyalty_code": "4000998"}, long_id)
    assert again.json()["version"] == first.json()["version"]
    assert [e["text"] for e in again.json()["shopping_list"]] == ["eggs"]
