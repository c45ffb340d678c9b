"""The cart screen in a real browser against the real server: what a shopper sees and does.

The scanner is a keyboard: each scan is typed digits and Enter, sent as keyboard events to the
page with nothing focused, exactly as a USB barcode scanner delivers them.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from aisle.demo.catalog import demo_products
from aisle.domain.catalog import Product, SoldBy
from tests.support.live import LiveServer
from tests.support.store import START

pytestmark = pytest.mark.browser

Shot = Callable[[Page, str], Path]


def items_sold_each(count: int) -> list[Product]:
    each = [p for p in demo_products() if p.sold_by is SoldBy.EACH and not p.age_restricted]
    # Spread over the catalog so the three come from different departments and tax rates.
    return [each[i * len(each) // count] for i in range(count)]


def open_cart_screen(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.base_url}/cart#device={server.device_token}")
    expect(page.get_by_test_id("checkout")).to_be_visible()
    expect(page.locator("#conn")).to_have_attribute("data-state", "live")


def scan(page: Page, digits: str) -> None:
    """What a USB scanner does: type the code, then Enter."""
    page.keyboard.type(digits)
    page.keyboard.press("Enter")


def cart_session(page: Page) -> dict[str, str]:
    saved = page.evaluate("localStorage.getItem('aisle.cart')")
    assert saved, "the screen saved no cart in localStorage"
    return dict(json.loads(saved))


def server_cart(server: LiveServer, page: Page) -> dict[str, Any]:
    session = cart_session(page)
    request = urllib.request.Request(
        f"{server.base_url}/api/v1/carts/{session['cart_id']}",
        headers={"Authorization": f"Bearer {session['token']}"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return dict(json.load(response))


IMAGE_LOADED = """selector => new Promise(resolve => {
    const image = document.querySelector(selector);
    if (image.complete) resolve(image.naturalWidth > 0);
    image.addEventListener("load", () => resolve(true));
    image.addEventListener("error", () => resolve(false));
})"""


def line(page: Page, product: Product) -> Any:
    return page.locator(f'[data-testid="cart-line"][data-gtin="{product.gtin}"]')


def test_a_shopper_scans_removes_pays_and_takes_the_receipt_home(
    server: LiveServer, page: Page, context: BrowserContext, shot: Shot
) -> None:
    products = items_sold_each(3)
    open_cart_screen(page, server)
    assert "device=" not in page.url, "the pairing token must leave the address bar"
    assert page.evaluate("localStorage.getItem('aisle.device')") == server.device_token
    shot(page, "1-empty")

    for product in products:
        scan(page, product.gtin[1:])  # the 13-digit EAN printed under the bars
        expect(line(page, product)).to_be_visible()
        expect(line(page, product)).to_contain_text(product.name)
    expect(page.get_by_test_id("cart-line")).to_have_count(3)

    cart = server_cart(server, page)
    assert [entry["gtin"] for entry in cart["lines"]] == [p.gtin for p in products]
    assert Decimal(cart["total"]) == sum(Decimal(entry["net"]) for entry in cart["lines"])
    expect(page.get_by_test_id("total")).to_contain_text(f"€{cart['total']}")
    expect(page.get_by_test_id("subtotal")).to_contain_text(cart["subtotal"])
    shot(page, "2-three-items")

    line(page, products[1]).get_by_test_id("line-remove").click()
    expect(page.get_by_test_id("cart-line")).to_have_count(2)
    expect(line(page, products[1])).to_have_count(0)
    after = server_cart(server, page)
    assert Decimal(after["total"]) < Decimal(cart["total"])
    expect(page.get_by_test_id("total")).to_contain_text(f"€{after['total']}")
    shot(page, "3-one-removed")

    page.get_by_test_id("checkout").click()
    expect(page.get_by_test_id("pay")).to_be_visible()
    expect(page.locator("#pay-total")).to_contain_text(after["total"])
    shot(page, "4-pay")
    page.get_by_test_id("pay").click()

    receipt = page.get_by_test_id("receipt")
    expect(receipt).to_be_visible()
    expect(page.get_by_test_id("receipt-total")).to_contain_text(f"€{after['total']}")
    expect(receipt).to_contain_text(products[0].name)
    expect(receipt).to_contain_text(products[2].name)
    qr = page.get_by_test_id("receipt-qr")
    expect(qr).to_have_attribute("src", re.compile(r"/receipts/[^/?]+/qr\.svg\?key="))
    assert page.evaluate(IMAGE_LOADED, "[data-testid=receipt-qr]"), (
        "the receipt's QR image did not load: /receipts/{id}/qr.svg must be an SVG document "
        "a browser can show on its own (with xmlns)"
    )
    shot(page, "5-receipt")

    link = page.get_by_test_id("receipt-link").get_attribute("href")
    assert link and link.startswith(server.base_url + "/receipts/")
    assert server_cart(server, page)["receipt_url"] == link
    phone = context.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(link)
    expect(phone.get_by_test_id("receipt-total")).to_contain_text(f"€{after['total']}")
    expect(phone.locator("[data-testid=receipt-qr] svg")).to_be_visible()
    shot(phone, "6-receipt-on-a-phone")

    paid_cart = cart_session(page)["cart_id"]
    page.get_by_test_id("new-trip").click()
    expect(page.get_by_test_id("checkout")).to_be_visible()
    expect(page.get_by_test_id("cart-line")).to_have_count(0)
    assert cart_session(page)["cart_id"] != paid_cart
    assert server_cart(server, page)["status"] == "shopping"


def test_a_code_the_store_does_not_know_or_a_misread_says_so_and_changes_nothing(
    server: LiveServer, page: Page, shot: Shot
) -> None:
    open_cart_screen(page, server)
    [product] = items_sold_each(1)
    scan(page, product.gtin[1:])
    expect(page.get_by_test_id("cart-line")).to_have_count(1)
    before = server_cart(server, page)

    scan(page, "4006381333931")  # a valid EAN-13 that is not in this store
    message = page.get_by_test_id("message")
    expect(message).to_be_visible()
    expect(message).to_contain_text("couldn't find")
    expect(message).to_contain_text("4006381333931")
    shot(page, "unknown-product")

    scan(page, "4006381333932")  # the same code with a wrong check digit
    expect(message).to_contain_text("scan it again")
    shot(page, "misread")

    after = server_cart(server, page)
    assert after["version"] == before["version"]
    expect(page.get_by_test_id("cart-line")).to_have_count(1)
    expect(page.get_by_test_id("total")).to_contain_text(before["total"])


def test_the_finder_shows_where_a_product_is_and_the_demo_scale_weighs_produce(
    server: LiveServer, page: Page, shot: Shot
) -> None:
    open_cart_screen(page, server)
    page.get_by_test_id("search-input").fill("bananas")
    results = page.get_by_test_id("search-results")
    expect(results.get_by_test_id("search-result").first).to_be_visible()
    expect(results).to_contain_text("Produce")
    shot(page, "finder")

    results.get_by_test_id("search-result").first.get_by_test_id("search-add").click()
    dialog = page.locator("#weight-dialog")
    expect(dialog).to_be_visible()
    shot(page, "scale")
    page.locator("#weight-input").fill("734")
    page.locator("#weight-ok").click()

    lines = page.get_by_test_id("cart-line")
    expect(lines).to_have_count(1)
    expect(lines.first).to_contain_text("0.734 kg \u00d7 €")
    cart = server_cart(server, page)
    assert cart["lines"][0]["weight_g"] == 734
    expect(page.get_by_test_id("total")).to_contain_text(cart["total"])

    lettuce, crisps = items_sold_each(2)
    page.get_by_test_id("scan-input").fill(lettuce.gtin[1:])
    page.get_by_test_id("scan-button").click()
    expect(lines).to_have_count(2)
    lines.nth(1).get_by_test_id("qty-plus").click()
    expect(lines.nth(1).get_by_test_id("line-quantity")).to_have_text("2")

    # The + button keeps the focus; a scanner's Enter must scan, not press it again.
    scan(page, crisps.gtin[1:])
    expect(lines).to_have_count(3)
    cart = server_cart(server, page)
    assert [entry["quantity"] for entry in cart["lines"]] == [1, 2, 1]
    expect(page.get_by_test_id("total")).to_contain_text(cart["total"])
    shot(page, "weighed-and-more")


def test_staff_see_the_cart_in_use(
    server: LiveServer, page: Page, context: BrowserContext, shot: Shot
) -> None:
    open_cart_screen(page, server)
    [product] = items_sold_each(1)
    scan(page, product.gtin[1:])
    expect(page.get_by_test_id("cart-line")).to_have_count(1)
    cart = server_cart(server, page)

    staff = context.new_page()
    staff.goto(f"{server.base_url}/staff")
    staff.get_by_label("Username").fill("demo")
    staff.get_by_label("Password").fill("wrong")
    staff.get_by_role("button", name="Sign in").click()
    expect(staff.get_by_test_id("login-error")).to_be_visible()

    staff.get_by_label("Username").fill("demo")
    staff.get_by_label("Password").fill("demo")
    staff.get_by_role("button", name="Sign in").click()
    table = staff.get_by_test_id("staff-carts")
    expect(table).to_be_visible()
    row = table.locator(f'tr[data-cart-id="{cart["cart_id"]}"]')
    expect(row).to_contain_text(f"€{cart['total']}")
    expect(row).to_contain_text("shopping")
    shot(staff, "staff")


def test_a_reload_resumes_the_trip_and_a_paid_trip_is_not_resumed(
    server: LiveServer, page: Page
) -> None:
    open_cart_screen(page, server)
    [product] = items_sold_each(1)
    scan(page, product.gtin[1:])
    expect(line(page, product)).to_be_visible()
    trip = cart_session(page)

    page.reload()
    expect(line(page, product)).to_be_visible()
    assert cart_session(page) == trip

    paid = urllib.request.Request(
        f"{server.base_url}/api/v1/carts/{trip['cart_id']}/checkout",
        data=json.dumps({"payment": {"provider": "demo"}}).encode(),
        headers={"Authorization": f"Bearer {trip['token']}", "Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(paid, timeout=5).close()
    page.get_by_test_id("receipt").wait_for()  # the push tells the screen the trip is paid

    page.reload()
    expect(page.get_by_test_id("checkout")).to_be_visible()
    expect(page.get_by_test_id("cart-line")).to_have_count(0)
    assert cart_session(page)["cart_id"] != trip["cart_id"]


def test_a_screen_without_a_device_token_says_it_is_not_paired(
    server: LiveServer, page: Page, shot: Shot
) -> None:
    page.goto(f"{server.base_url}/cart")
    expect(page.get_by_text("This screen is not paired with a cart")).to_be_visible()
    expect(page.get_by_test_id("checkout")).to_be_hidden()
    shot(page, "unpaired")


@pytest.mark.slow
def test_a_scan_made_while_the_server_is_down_lands_once_when_it_is_back(
    server: LiveServer, page: Page, shot: Shot
) -> None:
    first, second = items_sold_each(2)
    open_cart_screen(page, server)
    scan(page, first.gtin[1:])
    expect(line(page, first)).to_be_visible()

    server.kill()
    expect(page.locator("#conn")).to_have_attribute("data-state", "offline")
    scan(page, second.gtin[1:])  # fails to send, and is retried with the same event id
    expect(page.get_by_test_id("message")).to_contain_text("trying again")
    shot(page, "offline")

    restarted = LiveServer(data_dir=server.data_dir, port=server.port).start()
    try:
        expect(line(page, second)).to_be_visible(timeout=30_000)
        expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=30_000)
        cart = server_cart(restarted, page)
        assert [entry["gtin"] for entry in cart["lines"]] == [first.gtin, second.gtin]
        assert [entry["quantity"] for entry in cart["lines"]] == [1, 1]
        expect(page.get_by_test_id("total")).to_contain_text(cart["total"])
    finally:
        restarted.stop()


def test_offers_show_under_their_line_the_savings_in_the_footer_and_cards_and_coupons_work(
    server: LiveServer, page: Page, shot: Shot
) -> None:
    from aisle.demo.catalog import demo_price_reductions

    reduction = next(r for r in demo_price_reductions(START) if r.gtin.startswith("0385"))
    product = next(p for p in demo_products() if p.gtin == reduction.gtin)
    assert product.price is not None
    saved = product.price.amount - reduction.price.amount
    open_cart_screen(page, server)
    expect(page.get_by_test_id("savings")).to_have_class(re.compile(r"\bnone\b"))

    scan(page, product.gtin[1:])
    adjustment = line(page, product).get_by_test_id("line-adjustment")
    expect(adjustment).to_contain_text(reduction.label)
    expect(adjustment).to_contain_text(f"\u2212€{saved}")  # a minus sign, not a hyphen
    expect(page.locator(".totals .saving")).to_contain_text("You save")
    expect(page.get_by_test_id("savings")).to_have_text(f"€{saved}")
    expect(page.get_by_test_id("savings")).not_to_have_class(re.compile(r"\bnone\b"))
    shot(page, "offer-and-savings")

    page.get_by_test_id("loyalty-input").fill("4000999")
    page.get_by_test_id("loyalty-button").click()
    expect(page.get_by_test_id("message")).to_contain_text("We don't know loyalty card")
    expect(page.get_by_test_id("member")).to_be_hidden()
    page.get_by_test_id("loyalty-input").fill("4000123")  # the demo's loyalty card
    page.get_by_test_id("loyalty-button").click()
    expect(page.get_by_test_id("member")).to_contain_text("Member 4000123")
    expect(page.get_by_test_id("loyalty-input")).to_have_value("")

    page.get_by_test_id("coupon-input").fill("NOT-A-COUPON")
    page.get_by_test_id("coupon-button").click()
    expect(page.get_by_test_id("message")).to_contain_text("isn't valid today")
    expect(page.get_by_test_id("coupon")).to_have_count(0)
    page.get_by_test_id("coupon-input").fill("save1")  # the demo's coupon, typed
    page.get_by_test_id("coupon-button").click()
    expect(page.get_by_test_id("coupon")).to_have_text("SAVE1")
    honey = next(p for p in demo_products() if p.gtin == "03858081538168")
    scan(page, honey.gtin[1:])
    expect(line(page, honey).get_by_test_id("line-adjustment")).to_contain_text("coupon SAVE1")
    shot(page, "loyalty-card-and-coupon")

    lager = next(p for p in demo_products() if p.gtin == "03853137877161")  # 4 for €3.50
    for _ in range(3):
        scan(page, lager.gtin[1:])
    expect(line(page, lager).get_by_test_id("line-quantity")).to_have_text("3")
    expect(page.get_by_test_id("hint")).to_contain_text("Add 1 more")
    expect(page.get_by_test_id("hint")).to_contain_text("4 lagers for €3.50 · save €0.46")
    shot(page, "hint")
    scan(page, lager.gtin[1:])
    expect(line(page, lager).get_by_test_id("line-adjustment")).to_contain_text("4 lagers")
    expect(page.get_by_test_id("hints")).to_be_hidden()
    cart = server_cart(server, page)
    expect(page.get_by_test_id("savings")).to_have_text(f"€{cart['discount_total']}")

    page.get_by_test_id("checkout").click()
    page.get_by_test_id("pay").click()
    receipt = page.get_by_test_id("receipt")
    expect(receipt).to_contain_text(reduction.label)
    expect(receipt).to_contain_text("4 lagers for €3.50")
    expect(page.get_by_test_id("receipt-savings")).to_contain_text(f"€{cart['discount_total']}")
    expect(page.get_by_test_id("receipt-member")).to_contain_text("4000123")
    expect(page.get_by_test_id("receipt-coupons")).to_contain_text("SAVE1")
    shot(page, "receipt-with-savings")
