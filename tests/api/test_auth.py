"""Who may call what: devices, cart sessions and staff are kept apart."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api
from tests.support.store import ean, packaged


@pytest.mark.parametrize(
    "header",
    [None, "Bearer dev_forged", "Bearer ct1.x.y", "Basic abc", "Bearer "],
    ids=["missing", "forged-device", "cart-token", "wrong-scheme", "empty"],
)
def test_only_a_registered_device_opens_a_cart(api: Api, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = api.client.post("/api/v1/carts", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_a_cart_token_cannot_read_or_change_another_cart(api: Api) -> None:
    mine, theirs = api.new_cart(), api.new_cart()
    theirs.scan(ean(packaged(1)[0]))
    before = theirs.state()
    assert api.client.get(f"/api/v1/carts/{theirs.cart_id}", headers=mine.auth).status_code == 403
    response = api.client.post(
        f"/api/v1/carts/{theirs.cart_id}/events",
        json={"event_id": "x", "type": "remove", "line_id": "l1"},
        headers=mine.auth,
    )
    assert response.status_code == 403
    assert (
        api.client.post(f"/api/v1/carts/{theirs.cart_id}/checkout", headers=mine.auth).status_code
        == 403
    )
    assert theirs.state() == before


def test_a_forged_cart_token_is_refused(api: Api) -> None:
    cart = api.new_cart()
    forged = cart.token[:-2] + ("AA" if not cart.token.endswith("AA") else "BB")
    response = api.client.get(
        f"/api/v1/carts/{cart.cart_id}", headers={"Authorization": f"Bearer {forged}"}
    )
    assert response.status_code == 401


def test_a_cart_token_cannot_read_another_carts_receipt(api: Api) -> None:
    mine, theirs = api.new_cart(), api.new_cart()
    theirs.scan(ean(packaged(1)[0]))
    receipt_id = api.client.post(
        f"/api/v1/carts/{theirs.cart_id}/checkout", headers=theirs.auth
    ).json()["receipt_id"]
    assert api.client.get(f"/api/v1/receipts/{receipt_id}", headers=mine.auth).status_code == 403
    assert api.client.get(f"/api/v1/receipts/{receipt_id}").status_code == 401
    assert api.client.get(f"/receipts/{receipt_id}").status_code == 403
    assert api.client.get(f"/receipts/{receipt_id}?key=guess").status_code == 403


@pytest.mark.parametrize("token_kind", ["cart", "device"])
def test_a_cart_or_device_token_can_never_call_a_staff_endpoint(api: Api, token_kind: str) -> None:
    cart = api.new_cart()
    token = cart.token if token_kind == "cart" else api.device_token
    for path in ("/api/v1/staff/carts", f"/api/v1/staff/carts/{cart.cart_id}"):
        response = api.client.get(path, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 403, path
        assert response.json()["error"]["code"] == "forbidden"


def test_staff_see_the_carts_in_use(api: Api) -> None:
    cart = api.new_cart()
    cart.scan(ean(packaged(1)[0]))
    token = api.staff_token()
    carts = api.client.get(
        "/api/v1/staff/carts", headers={"Authorization": f"Bearer {token}"}
    ).json()["carts"]
    assert [(c["cart_id"], c["item_count"], c["device_name"]) for c in carts] == [
        (cart.cart_id, 1, "cart-1")
    ]
    state = api.client.get(
        f"/api/v1/staff/carts/{cart.cart_id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert state.json()["item_count"] == 1


def test_a_wrong_staff_password_is_refused(api: Api) -> None:
    api.services.access.add_staff("ana", "a good long password", "associate")
    response = api.client.post("/api/v1/staff/login", json={"username": "ana", "password": "nope"})
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Wrong username or password"
    response = api.client.post(
        "/api/v1/staff/login", json={"username": "nobody", "password": "nope"}
    )
    assert response.status_code == 401


def test_the_staff_page_needs_a_login_and_then_lists_carts(api: Api) -> None:
    cart = api.new_cart()
    api.services.access.add_staff("ana", "a good long password", "associate")
    assert "password" in api.client.get("/staff").text.lower()
    response = api.client.post(
        "/staff/login", data={"username": "ana", "password": "a good long password"}
    )
    assert response.status_code == 200  # followed the redirect back to /staff
    assert cart.cart_id[:8] in response.text
