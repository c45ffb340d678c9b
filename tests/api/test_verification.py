"""The cart's scale over the API: readings as events, the verification in the cart state, a trip
held for review at checkout, and the staff review queue that resolves it and teaches weights.

The readings come from the simulated load cell (noise, drift, the hand's overshoot), sent in
half-second batches as a cart would.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aisle.adapters.db.uow import SqlUnitOfWorkFactory
from aisle.domain.catalog import Product
from aisle.domain.verify import UnitWeight, guess_from_net_content
from aisle.sim.loadcell import Placement, readings
from tests.api.conftest import Api, Cart
from tests.support.store import ean, packaged


def weighable(count: int) -> list[Product]:
    """Demo products in grams, heavy enough for the scale, of clearly different weights."""
    found: list[Product] = []
    for product in packaged(400):
        guess = guess_from_net_content(product.net_content)
        if product.net_content is None or product.net_content.unit != "g" or guess is None:
            continue
        if guess.mean_mg < 100_000:
            continue
        if all(abs(guess.mean_mg - other_mean) > 150_000 for other_mean in _means(found)):
            found.append(product)
        if len(found) == count:
            return found
    raise AssertionError("the demo catalog has too few products in grams")


def swap_pair() -> tuple[Product, Product]:
    """A product and a heavier one that is no whole multiple of it (not "two for one")."""
    items = weighable(6)
    for light in items:
        for heavy in items:
            ratio = grams(heavy) / grams(light)
            if 1.3 < ratio < 1.7:
                return light, heavy
    raise AssertionError("no pair of demo products to swap")


def _means(products: list[Product]) -> list[int]:
    means = []
    for p in products:
        guess = guess_from_net_content(p.net_content)
        assert guess is not None
        means.append(guess.mean_mg)
    return means


def grams(product: Product) -> float:
    """What one pack of it really weighs here: its guess, give or take a gram."""
    guess = guess_from_net_content(product.net_content)
    assert guess is not None
    return guess.mean_mg / 1000 + 1.3


def send_readings(cart: Cart, placements: list[Placement], after_ms: int, until_ms: int) -> None:
    """The readings after ``after_ms`` (the last batch's end), up to ``until_ms``."""
    samples = readings(placements, until_ms=until_ms, start_ms=after_ms, seed=after_ms)
    samples = [s for s in samples if s[0] > after_ms or after_ms == 0]
    for k in range(0, len(samples), 40):
        response = cart.send({"type": "weight", "samples": [list(s) for s in samples[k : k + 40]]})
        assert response.status_code == 200, response.text


def verification(cart: Cart) -> dict[str, Any]:
    return cart.state()["verification"]  # type: ignore[no-any-return]


def check_out(api: Api, cart: Cart) -> Any:
    return api.client.post(f"/api/v1/carts/{cart.cart_id}/checkout", headers=cart.auth)


def test_an_honest_trip_is_clear_pays_and_teaches_the_store_its_weights(api: Api) -> None:
    cart = api.new_cart()
    first, second = weighable(2)
    placements = [
        Placement(t_ms=3_000, grams=grams(first)),
        Placement(t_ms=9_000, grams=grams(second)),
    ]
    send_readings(cart, [], 0, 1_500)
    assert cart.scan(ean(first), t_ms=2_000).status_code == 200
    assert cart.scan(ean(second), t_ms=8_000).status_code == 200
    send_readings(cart, placements, 1_500, 14_000)
    found = verification(cart)
    assert found == {
        "status": "clear",
        "findings": [],
        "unweighed_units": 0,
        "scale": "reporting",
        "held_for_review": False,
    }
    assert check_out(api, cart).status_code == 200
    with SqlUnitOfWorkFactory(api.services.engine)() as uow:
        learned = uow.weights.learned([first.gtin, second.gtin])
    assert learned.keys() == {first.gtin, second.gtin}
    assert abs(learned[first.gtin].mean_mg - grams(first) * 1000) < 40_000  # blended with the guess


def test_an_item_placed_without_a_scan_asks_the_shopper_and_scanning_it_clears(api: Api) -> None:
    cart = api.new_cart()
    (item,) = weighable(1)
    send_readings(cart, [Placement(t_ms=2_000, grams=grams(item))], 0, 8_000)
    found = verification(cart)
    assert found["status"] == "attention"
    (finding,) = found["findings"]
    assert finding["kind"] == "unscanned_item"
    assert finding["message"] == "Did you scan the item you just placed? Please scan it."
    assert cart.scan(ean(item), t_ms=8_500).status_code == 200
    assert verification(cart)["status"] == "clear"


def light_scanned_for_a_swap(api: Api, cart: Cart) -> tuple[Product, Product]:
    """The swap's two products, the light one scanned at 1.5 s. The store has weighed it many
    times: a 1.5 times heavier pack is no packaging surprise (against a first guess it would
    only be asked about)."""
    light, heavy = swap_pair()
    with SqlUnitOfWorkFactory(api.services.engine)(write=True) as uow:
        learned = UnitWeight(mean_mg=int(grams(light) * 1000), spread_mg=3_000, observations=20)
        uow.weights.save(light.gtin, learned, datetime.now(UTC))
        uow.commit()
    send_readings(cart, [], 0, 1_000)
    cart.scan(ean(light), t_ms=1_500)
    return light, heavy


def test_a_swap_holds_checkout_until_an_associate_resolves_it(api: Api) -> None:
    cart = api.new_cart()
    light, heavy = light_scanned_for_a_swap(api, cart)
    send_readings(cart, [Placement(t_ms=3_000, grams=grams(heavy))], 1_000, 9_000)
    found = verification(cart)
    assert found["status"] == "review"
    assert found["findings"][0]["kind"] == "weight_mismatch"
    assert "expected" in found["findings"][0]["detail"]

    held = check_out(api, cart)
    assert held.status_code == 409
    assert held.json()["error"]["code"] == "review_required"
    assert verification(cart)["held_for_review"] is True
    assert check_out(api, cart).status_code == 409  # still waiting

    staff = {"Authorization": f"Bearer {api.staff_token()}"}
    queue = api.client.get("/api/v1/reviews", headers=staff).json()["reviews"]
    (review,) = queue
    assert review["cart_id"] == cart.cart_id and review["kind"] == "review"
    assert review["risk_ppm"] >= review["threshold_ppm"]
    detail = api.client.get(f"/api/v1/reviews/{review['review_id']}", headers=staff).json()
    assert [e["name"] for e in detail["events"]] == [light.name]
    assert len(detail["steps"]) == 1 and detail["trace"]
    assert detail["findings"][0]["kind"] == "weight_mismatch"

    resolved = api.client.post(
        f"/api/v1/reviews/{review['review_id']}/resolve",
        json={"outcome": "all_fine", "note": "a heavier pack of the same thing"},
        headers=staff,
    )
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "resolved"
    assert api.client.get("/api/v1/reviews", headers=staff).json()["reviews"] == []
    assert check_out(api, cart).status_code == 200
    with SqlUnitOfWorkFactory(api.services.engine)() as uow:
        assert light.gtin in uow.weights.learned([light.gtin])  # staff confirmed the weight


def test_the_review_queue_is_for_staff_only(api: Api) -> None:
    cart = api.new_cart()
    assert api.client.get("/api/v1/reviews").status_code == 401
    assert api.client.get("/api/v1/reviews", headers=cart.auth).status_code == 403  # a cart
    staff = {"Authorization": f"Bearer {api.staff_token()}"}
    missing = api.client.get("/api/v1/reviews/nope", headers=staff)
    assert missing.status_code == 404
    bad = api.client.post("/api/v1/reviews/nope/resolve", json={"outcome": "maybe"}, headers=staff)
    assert bad.status_code == 422


def test_readings_that_are_not_numbers_or_go_back_in_time_are_a_finding_never_a_crash(
    api: Api,
) -> None:
    cart = api.new_cart()
    response = cart.send({"type": "weight", "samples": [[100, 5.0], [90, 5.0], [110, "heavy"],
                                                          [120, None], ["soon", 4]]})  # fmt: skip
    assert response.status_code == 200, response.text
    found = response.json()["verification"]
    assert found["status"] == "review"
    (finding,) = found["findings"]
    assert finding["kind"] == "signal_problem"
    assert finding["detail"].startswith("4 readings set aside (absurd, out of order)")


def test_a_malformed_weight_event_is_refused_and_changes_nothing(api: Api) -> None:
    cart = api.new_cart()
    version = cart.state()["version"]
    for samples in ([], [[1, 2, 3]], [5], "lots"):
        response = cart.send({"type": "weight", "samples": samples})
        assert response.status_code == 422, samples
    assert cart.state()["version"] == version


def test_a_scale_that_stops_reporting_is_a_finding(api: Api) -> None:
    cart = api.new_cart()
    (item,) = weighable(1)
    send_readings(cart, [], 0, 2_000)
    cart.scan(ean(item), t_ms=30_000)
    found = verification(cart)
    assert any(f["kind"] == "scale_offline" for f in found["findings"])
    assert found["status"] == "review"


def test_the_shoppers_own_bag_is_declared_once(api: Api) -> None:
    cart = api.new_cart()
    assert cart.send({"type": "declare_own_item", "t_ms": 500}).status_code == 200
    send_readings(cart, [Placement(t_ms=1_000, grams=850)], 0, 6_000)
    assert verification(cart)["status"] == "clear"
    again = cart.send({"type": "declare_own_item", "t_ms": 7_000})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "own_item_already_declared"


def test_a_cart_without_a_scale_is_not_weighed_but_its_units_are_counted(api: Api) -> None:
    cart = api.new_cart()
    cart.scan(ean(packaged(1)[0]))
    found = verification(cart)
    assert found["scale"] == "absent" and found["status"] == "clear"
    assert found["unweighed_units"] == 1


def test_produce_is_priced_by_the_weight_the_carts_scale_settled_on(api: Api) -> None:
    cart = api.new_cart()
    send_readings(cart, [Placement(t_ms=2_000, grams=734.4)], 0, 6_000)
    response = cart.scan("4011", t_ms=6_200)  # bananas, by their PLU: no weight sent
    assert response.status_code == 200, response.text
    (line,) = response.json()["lines"]
    assert line["sold_by"] == "weight" and abs(line["weight_g"] - 734) <= 3
    assert response.json()["verification"]["status"] == "clear"


def test_produce_with_nothing_on_the_scale_asks_to_weigh_it(api: Api) -> None:
    cart = api.new_cart()
    send_readings(cart, [], 0, 3_000)
    response = cart.scan("4011", t_ms=3_500)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "weight_required"
