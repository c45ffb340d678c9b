"""Bad input gets a clear error in the contract's shape, and changes nothing."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import Api, Cart
from tests.support.store import ean, packaged


def stream_length(api: Api, cart: Cart) -> int:
    from sqlalchemy import func, select

    from aisle.adapters.db.tables import cart_events

    with api.services.engine.connect() as conn:
        query = (
            select(func.count())
            .select_from(cart_events)
            .where(cart_events.c.cart_id == cart.cart_id)
        )
        return int(conn.execute(query).scalar_one())


@pytest.fixture
def cart(api: Api) -> Cart:
    cart = api.new_cart()
    cart.scan(ean(packaged(1)[0]))
    return cart


BAD_EVENTS: list[tuple[str, dict[str, Any], int, str, str]] = [
    (
        "unknown-gtin",
        {"type": "scan", "code": "4006381333931"},
        422,
        "unknown_product",
        "We couldn't find 4006381333931 — ask an associate",
    ),
    (
        "misread",
        {"type": "scan", "code": "4006381333932"},
        422,
        "misread_barcode",
        "please scan it again",
    ),
    (
        "not-digits",
        {"type": "scan", "code": "hello"},
        422,
        "not_a_barcode",
        "not a product barcode",
    ),
    (
        "unknown-plu",
        {"type": "scan", "code": "4999"},
        422,
        "unknown_product",
        "We couldn't find 4999",
    ),
    ("empty-code", {"type": "scan", "code": ""}, 422, "invalid_request", "code"),
    (
        "quantity-zero",
        {"type": "set_quantity", "line_id": "l1", "quantity": 0},
        422,
        "invalid_quantity",
        "remove the line",
    ),
    (
        "quantity-absurd",
        {"type": "set_quantity", "line_id": "l1", "quantity": 100000},
        422,
        "invalid_quantity",
        "expected 1 to 99",
    ),
    (
        "quantity-text",
        {"type": "set_quantity", "line_id": "l1", "quantity": "3"},
        422,
        "invalid_request",
        "quantity",
    ),
    (
        "quantity-float",
        {"type": "set_quantity", "line_id": "l1", "quantity": 2.5},
        422,
        "invalid_request",
        "quantity",
    ),
    ("unknown-line", {"type": "remove", "line_id": "l42"}, 404, "unknown_line", "no line 'l42'"),
    ("unknown-type", {"type": "teleport"}, 422, "invalid_request", "type"),
    (
        "client-price",
        {"type": "scan", "code": "4006381333931", "price": "0.01"},
        422,
        "invalid_request",
        "Unexpected field",
    ),
    (
        "absurd-weight",
        {"type": "scan", "code": "4011", "weight_g": 10**9},
        422,
        "invalid_quantity",
        "not possible",
    ),
]


@pytest.mark.parametrize(
    ("case", "event", "status", "code", "message"), BAD_EVENTS, ids=[c[0] for c in BAD_EVENTS]
)
def test_a_bad_event_is_refused_with_a_reason_and_changes_nothing(
    api: Api, cart: Cart, case: str, event: dict[str, Any], status: int, code: str, message: str
) -> None:
    before = (cart.state(), stream_length(api, cart))
    response = cart.send(event)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert message in error["message"]
    assert (cart.state(), stream_length(api, cart)) == before


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"", b"[1, 2", b"\xff\xfe"],
    ids=["broken", "empty", "truncated", "binary"],
)
def test_malformed_json_is_refused_and_changes_nothing(api: Api, cart: Cart, body: bytes) -> None:
    before = stream_length(api, cart)
    response = api.client.post(
        f"/api/v1/carts/{cart.cart_id}/events",
        content=body,
        headers={**cart.auth, "Content-Type": "application/json"},
    )
    assert response.status_code in (400, 422)
    assert response.json()["error"]["code"] in ("malformed_json", "invalid_request")
    assert stream_length(api, cart) == before


def test_a_checked_out_cart_refuses_events(api: Api, cart: Cart) -> None:
    api.client.post(f"/api/v1/carts/{cart.cart_id}/checkout", headers=cart.auth)
    before = stream_length(api, cart)
    response = cart.scan(ean(packaged(1)[0]))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "cart_closed"
    assert stream_length(api, cart) == before


def test_a_refused_event_id_gets_the_same_refusal_again(api: Api, cart: Cart) -> None:
    first = cart.send({"type": "scan", "code": "4011"}, event_id="weigh-1")
    assert first.status_code == 422
    again = cart.send({"type": "scan", "code": "4011", "weight_g": 500}, event_id="weigh-1")
    assert (again.status_code, again.json()) == (422, first.json())
    fresh = cart.send({"type": "scan", "code": "4011", "weight_g": 500}, event_id="weigh-2")
    assert fresh.status_code == 200


# -- whatever a client sends ------------------------------------------------------------------

EVENT_TYPES = ["scan", "remove", "set_quantity", "identify_member", "present_coupon", "weight",
               "declare_own_item", "shopping_list", "choose_list_entry", "teleport"]  # fmt: skip
FIELDS = ["code", "weight_g", "t_ms", "line_id", "quantity", "loyalty_code", "samples", "text",
          "entry_id", "gtin", "price"]  # fmt: skip
ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["0", "-1", "1e400", "NaN", "4006381333931", "l1", "x" * 300]),
)
"""Values a buggy or hostile client might put anywhere: huge and negative integers, NaN and
infinities (Python's JSON writes them, and reads them back), text where numbers belong."""
VALUES = st.recursive(
    ODD, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=8,
)  # fmt: skip
READINGS = st.lists(st.lists(ODD, min_size=2, max_size=2), min_size=1, max_size=20)


@st.composite
def odd_events(draw: st.DrawFn) -> dict[str, Any]:
    event: dict[str, Any] = {
        "event_id": uuid.uuid4().hex,
        "type": draw(st.sampled_from(EVENT_TYPES)),
    }
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=4, unique=True)):
        event[name] = draw(READINGS | VALUES if name == "samples" else VALUES)
    return event


def send_raw(api: Api, cart: Cart, event: dict[str, Any]) -> Any:
    """:meth:`Cart.send`, but written as Python's JSON writes it: NaN and infinities too, which
    the client library's strict JSON refuses to send."""
    return api.client.post(
        f"/api/v1/carts/{cart.cart_id}/events",
        content=json.dumps(event, allow_nan=True),
        headers={**cart.auth, "Content-Type": "application/json"},
    )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(event=odd_events())
def test_no_event_a_client_sends_breaks_the_server_and_a_refused_one_changes_nothing(
    api: Api, event: dict[str, Any]
) -> None:
    cart = api.new_cart()  # one per example: the API's fixture lives across them
    cart.scan(ean(packaged(1)[0]))
    before = (cart.state(), stream_length(api, cart))
    response = send_raw(api, cart, event)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.json()["error"]["message"]
        assert (cart.state(), stream_length(api, cart)) == before
    cart.state()  # and the cart still reads back


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(readings=READINGS)
def test_odd_scale_readings_never_break_the_cart_or_its_next_scan(
    api: Api, readings: list[list[Any]]
) -> None:
    cart = api.new_cart()
    response = send_raw(
        api, cart, {"event_id": uuid.uuid4().hex, "type": "weight", "samples": readings}
    )
    assert response.status_code < 500, response.text
    assert cart.scan(ean(packaged(2)[1]), t_ms=2**40).status_code == 200
    assert cart.state()["verification"]["status"] in ("clear", "attention", "review")
