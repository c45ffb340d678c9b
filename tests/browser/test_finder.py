"""The product finder, the shopping list and the route on the cart screen, in a real browser.

The demo server loads the demo store's layout on first start, so the map is there from the
first page.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from aisle.demo.catalog import demo_products
from tests.browser.test_cart_screen import open_cart_screen, scan
from tests.support.live import LiveServer

pytestmark = pytest.mark.browser

Shot = Callable[[Page, str], Path]


def test_a_shopper_finds_a_product_and_sees_it_on_the_map(
    page: Page, server: LiveServer, shot: Shot
) -> None:
    open_cart_screen(page, server)
    page.get_by_test_id("search-input").fill("ground coffee")
    result = page.get_by_test_id("search-result").filter(has_text="Ground coffee, classic roast")
    expect(result).to_contain_text("Aisle 8 (Beverages), bay")
    result.get_by_test_id("search-map").click()

    dialog = page.get_by_test_id("map-dialog")
    expect(dialog).to_be_visible()
    expect(page.get_by_test_id("map-where")).to_contain_text("Aisle 8 (Beverages), bay")
    pin = dialog.locator(".map-highlight")
    expect(pin).to_have_attribute("data-aisle", "Aisle 8")
    expect(pin).to_contain_text("Ground coffee, classic roast")
    expect(dialog.locator(".map-here")).to_have_count(1)  # the cart, at the entrance
    shot(page, "product-on-map")


def test_a_shopper_follows_a_list_and_the_route_round_it(
    page: Page, server: LiveServer, shot: Shot
) -> None:
    open_cart_screen(page, server)
    page.get_by_test_id("list-input").fill("eggs, bananas, ground coffee")
    page.get_by_test_id("list-button").click()
    entries = page.get_by_test_id("list-entry")
    expect(entries).to_have_count(3)
    expect(entries.nth(0)).to_contain_text("Aisle 1 (Dairy & Eggs)")

    # bananas: plain or organic? The shopper chooses.
    entries.nth(1).get_by_test_id("entry-choice").select_option(label="Bananas")
    expect(entries.nth(1)).to_contain_text("Produce, stand 1")

    coffee = next(p for p in demo_products() if p.name == "Ground coffee, classic roast")
    scan(page, coffee.gtin[1:])
    expect(entries.nth(2)).to_have_attribute("data-status", "done")
    shot(page, "list-ticked")

    page.get_by_test_id("route-button").click()
    dialog = page.get_by_test_id("map-dialog")
    expect(dialog).to_be_visible()
    expect(page.get_by_test_id("map-where")).to_contain_text("2 stops")
    expect(page.get_by_test_id("route-step")).to_have_count(2)
    expect(dialog.locator(".map-stop")).to_have_count(2)
    expect(dialog.locator(".map-route")).to_have_count(3)  # cart -> stop -> stop -> exit
    expect(dialog.locator(".map-here")).to_have_count(1)  # at the coffee, scanned last
    shot(page, "route")
    dialog.get_by_role("button", name="Close").click()

    page.get_by_test_id("checkout").click()
    forgot = page.get_by_test_id("forgot-dialog")
    expect(forgot).to_be_visible()
    expect(page.get_by_test_id("forgot-entry")).to_have_count(2)
    expect(forgot).to_contain_text("Did you forget the eggs?")
    shot(page, "forgot")
    page.get_by_test_id("forgot-pay").click()
    expect(page.get_by_test_id("pay")).to_be_visible()


def test_staff_see_the_store_map_with_its_products_placed(
    page: Page, server: LiveServer, shot: Shot
) -> None:
    page.goto(f"{server.base_url}/staff")
    page.get_by_label("Username").fill("demo")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("store-map-link").click()
    store_map = page.get_by_test_id("staff-map")
    expect(store_map.locator("svg.store-map")).to_be_visible()
    expect(store_map.locator("circle.placed")).to_have_count(
        len({(p.aisle, p.shelf.split(",")[0]) for p in demo_products()})
    )
    expect(page.get_by_test_id("unplaced-none")).to_be_visible()
    shot(page, "staff-map")
