"""The cart screen's WebSocket gets the new cart state after every accepted event."""

from __future__ import annotations

import pytest
from starlette.websockets import WebSocketDisconnect

from tests.api.conftest import Api
from tests.support.store import ean, packaged


def test_the_screen_gets_the_state_on_connect_and_after_each_event(api: Api) -> None:
    cart = api.new_cart()
    milk, bread = packaged(2)
    with api.client.websocket_connect(
        f"/api/v1/carts/{cart.cart_id}/live?token={cart.token}"
    ) as ws:
        first = ws.receive_json()
        assert first["type"] == "cart_state"
        assert first["cart"]["lines"] == []
        answer = cart.scan(ean(milk)).json()
        pushed = ws.receive_json()["cart"]
        assert pushed == answer
        cart.scan("4006381333931")  # refused: nothing is pushed for it
        answer = cart.scan(ean(bread)).json()
        assert ws.receive_json()["cart"] == answer


def test_another_carts_token_cannot_listen(api: Api) -> None:
    mine, theirs = api.new_cart(), api.new_cart()
    with (
        pytest.raises(WebSocketDisconnect),
        api.client.websocket_connect(
            f"/api/v1/carts/{theirs.cart_id}/live?token={mine.token}"
        ) as ws,
    ):
        ws.receive_json()
