"""The cart's scale in a real browser: the shopper is asked on the cart screen, a trip that
needs staff is held at checkout, and an associate resolves it on the review page, where the
weight trace is drawn with the scans and the suspect moment marked.

The cart's hardware (scanner and scale) talks to the server over the API, as a real cart does;
the screen shows what the server pushes.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from aisle.domain.catalog import Product
from aisle.sim.loadcell import Placement, readings
from tests.api.test_verification import grams, weighable
from tests.browser.test_cart_screen import cart_session, open_cart_screen
from tests.support.live import LiveServer

pytestmark = pytest.mark.browser

Shot = Callable[[Page, str], Path]


def post(server: LiveServer, session: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{server.base_url}/api/v1/carts/{session['cart_id']}/events",
        data=json.dumps({"event_id": uuid.uuid4().hex, **body}).encode(),
        headers={
            "Authorization": f"Bearer {session['token']}",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(json.load(response))


def send_readings(
    server: LiveServer, session: dict[str, str], placements: list[Placement], after: int, until: int
) -> None:
    samples = [s for s in readings(placements, until_ms=until, start_ms=after, seed=after)
               if s[0] > after or after == 0]  # fmt: skip
    for k in range(0, len(samples), 80):
        post(server, session, {"type": "weight", "samples": [list(s) for s in samples[k : k + 80]]})


def far_apart() -> tuple[Product, Product]:
    """A product and another more than twice as heavy: no packaging could explain the swap."""
    items = weighable(5)
    for light in items:
        for heavy in items:
            if grams(heavy) > 2.2 * grams(light):
                return light, heavy
    raise AssertionError("no pair of demo products far enough apart")


def test_the_shopper_is_asked_and_staff_resolve_a_held_trip_on_the_review_page(
    server: LiveServer, page: Page, context: BrowserContext, shot: Shot
) -> None:
    open_cart_screen(page, server)
    light, heavy = far_apart()
    session = cart_session(page)
    send_readings(server, session, [], 0, 1_000)

    # an item placed without a scan: the screen asks, in words
    first = Placement(t_ms=2_000, grams=grams(light))
    send_readings(server, session, [first], 1_000, 6_000)
    banner = page.get_by_test_id("verify")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Did you scan the item you just placed?")
    shot(page, "asked")
    post(server, session, {"type": "scan", "code": light.gtin[1:], "t_ms": 6_500})
    expect(banner).to_be_hidden()  # scanned: all clear

    # then a much heavier item placed for a scan of the light one again
    post(server, session, {"type": "scan", "code": light.gtin[1:], "t_ms": 8_000})
    swapped = Placement(t_ms=9_000, grams=grams(heavy))
    send_readings(server, session, [first, swapped], 6_000, 16_000)
    expect(banner).to_be_visible()
    page.get_by_test_id("checkout").click()
    page.get_by_role("button", name="Pay with demo card").click()
    expect(banner).to_contain_text("An associate is on the way to check your cart")
    shot(page, "held")

    staff = context.new_page()
    staff.goto(f"{server.base_url}/staff")
    staff.get_by_label("Username").fill("demo")
    staff.get_by_label("Password").fill("demo")
    staff.get_by_role("button", name="Sign in").click()
    staff.get_by_test_id("review-queue-link").click()
    row = staff.locator("[data-review-id]").first
    expect(row).to_contain_text("Held at checkout")
    expect(row).to_contain_text("open")
    row.get_by_test_id("open-review").click()

    trace = staff.get_by_test_id("weight-trace")
    expect(trace).to_be_visible()
    assert staff.locator("svg.trace polyline").count() == 1
    assert staff.locator("svg.trace line.mark-scan").count() == 2
    assert staff.locator("svg.trace line.mark-finding").count() >= 1
    expect(staff.get_by_test_id("review-findings")).to_contain_text(light.name)
    expect(staff.get_by_test_id("review-scans")).to_contain_text(light.name)
    shot(staff, "review")

    staff.get_by_label("Note (optional)").fill("a heavier pack, same price")
    staff.get_by_role("button", name="All fine").click()
    expect(staff.locator("[data-review-id]").first).to_contain_text("all fine")

    page.get_by_test_id("checkout").click()
    page.get_by_role("button", name="Pay with demo card").click()
    expect(page.get_by_test_id("receipt")).to_be_visible()


def test_the_review_pages_need_a_staff_login(server: LiveServer, page: Page) -> None:
    page.goto(f"{server.base_url}/staff/reviews")
    expect(page.get_by_label("Username")).to_be_visible()  # sent to sign in first
    try:
        urllib.request.urlopen(f"{server.base_url}/staff/reviews/nope", timeout=5)
    except urllib.error.HTTPError as error:  # pragma: no cover - a redirect is followed
        assert error.code in (303, 401)
