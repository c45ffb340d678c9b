"""The carts' scales over MQTT, end to end: the real server (``aisle demo`` with
``AISLE_MQTT_URL``) on loopback, a real broker, and a cart that publishes its readings.

Each test has its own topic prefix, so that runs sharing a broker never hear each other."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from websockets.sync.client import connect

from aisle.adapters.mqtt import WeightIngest
from aisle.services.ports import Device
from tests.support.live import LiveServer
from tests.support.mqtt import mqtt_broker
from tests.support.store import demo_store, ean, make_settings, packaged

pytestmark = pytest.mark.slow
TIMEOUT_S = 15.0


@pytest.fixture(scope="module")
def broker() -> Iterator[str]:
    with mqtt_broker() as url:
        yield url


class Cart:
    """A cart tablet: HTTP for the trip, MQTT for its scale."""

    def __init__(self, server: LiveServer, broker: str, prefix: str) -> None:
        self.http = httpx.Client(base_url=server.base_url, timeout=TIMEOUT_S)
        opened = self.http.post(
            "/api/v1/carts", headers={"Authorization": f"Bearer {server.device_token}"}
        ).json()
        self.cart_id: str = opened["cart_id"]
        self.token: str = opened["token"]
        self.http.headers["Authorization"] = f"Bearer {self.token}"
        self.prefix = prefix
        self.refusals: list[dict[str, Any]] = []
        self.mqtt = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        subscribed = threading.Event()
        self.mqtt.on_subscribe = lambda *_: subscribed.set()
        self.mqtt.on_message = lambda _c, _u, m: self.refusals.append(json.loads(m.payload))
        host, _, port = broker.removeprefix("mqtt://").partition(":")
        self.mqtt.connect(host, int(port or 1883))
        self.mqtt.loop_start()
        self.mqtt.subscribe(f"{prefix}/carts/{self.cart_id}/refused", qos=1)
        assert subscribed.wait(TIMEOUT_S)

    def publish(self, event_id: str, start_ms: int, grams: float, **extra: Any) -> None:
        body = {
            "token": self.token,
            "event_id": event_id,
            "samples": [[start_ms + 12 * n, grams + (0.3 if n % 2 else -0.3)] for n in range(40)],
            **extra,
        }
        info = self.mqtt.publish(f"{self.prefix}/carts/{self.cart_id}/weight", json.dumps(body), 1)
        info.wait_for_publish(TIMEOUT_S)

    def state(self) -> dict[str, Any]:
        answer = self.http.get(f"/api/v1/carts/{self.cart_id}")
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    def close(self) -> None:
        self.mqtt.loop_stop()
        self.mqtt.disconnect()
        self.http.close()


def eventually(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {TIMEOUT_S} s: {what}")
        time.sleep(0.05)


def serve(data_dir: Path, broker: str, prefix: str) -> LiveServer:
    data_dir.mkdir(exist_ok=True)
    env = {"AISLE_MQTT_URL": broker, "AISLE_MQTT_PREFIX": prefix}
    return LiveServer(data_dir=data_dir, env_extra=env).start()


@pytest.fixture
def prefix() -> str:
    return f"aisle-test-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def server(tmp_path: Path, broker: str, prefix: str) -> Iterator[LiveServer]:
    live = serve(tmp_path / "data", broker, prefix)
    yield live
    live.stop()


@pytest.fixture
def cart(server: LiveServer, broker: str, prefix: str) -> Iterator[Cart]:
    tablet = Cart(server, broker, prefix)
    yield tablet
    tablet.close()


def test_readings_published_land_in_the_stream_and_the_screen_hears_what_changes(
    cart: Cart, server: LiveServer
) -> None:
    spinach = next(p for p in packaged(30) if p.net_content and p.net_content.unit == "g")
    url = server.base_url.replace("http", "ws") + f"/api/v1/carts/{cart.cart_id}/live"
    with connect(f"{url}?token={cart.token}", open_timeout=TIMEOUT_S) as screen:
        assert json.loads(screen.recv(TIMEOUT_S))["cart"]["version"] == 1
        scan = {"event_id": "s1", "type": "scan", "code": ean(spinach), "t_ms": 0}
        assert cart.http.post(f"/api/v1/carts/{cart.cart_id}/events", json=scan).is_success
        assert json.loads(screen.recv(TIMEOUT_S))["cart"]["version"] == 2

        for k in range(3):
            cart.publish(f"w{k}", 500 * k, 0)
        # half a minute on, the spinach is still not in the cart: the screen asks about it
        cart.publish("w3", 40_000, 0)

        # the readings change only the verification: that alone is pushed, not re-priced
        pushed = json.loads(screen.recv(TIMEOUT_S))
        while pushed["verification"]["status"] == "clear":
            pushed = json.loads(screen.recv(TIMEOUT_S))
        assert (pushed["type"], pushed["cart_id"]) == ("verification", cart.cart_id)
        line_id = cart.state()["lines"][0]["line_id"]
        assert pushed["verification"]["findings"][0]["line_id"] == line_id
        assert pushed["version"] == 6

    eventually(lambda: cart.state()["version"] == 6, "four reports stored after the scan")
    assert cart.state()["verification"]["scale"] == "reporting"
    assert cart.refusals == []


def test_a_resent_report_is_stored_once_and_a_forged_one_is_refused(cart: Cart) -> None:
    cart.publish("w0", 0, 0)
    cart.publish("w0", 0, 0)  # the broker or the cart sent it twice
    cart.publish("w1", 500, 0, token=cart.token[:-2] + "xx")
    cart.publish("w2", 1000, 0, samples=[])

    eventually(lambda: len(cart.refusals) == 2, "two refusals answered")
    assert {(r["event_id"], r["code"]) for r in cart.refusals} == {
        ("w1", "unauthorized"),
        ("w2", "invalid_request"),
    }
    eventually(lambda: cart.state()["version"] == 2, "w0 stored")
    cart.publish("w3", 1500, 0)
    eventually(lambda: cart.state()["version"] == 3, "w3 stored next, w0 not again")


def test_readings_sent_while_the_server_is_down_are_stored_when_it_is_back(
    tmp_path: Path, broker: str, prefix: str
) -> None:
    server = serve(tmp_path / "data", broker, prefix)
    cart = Cart(server, broker, prefix)
    try:
        cart.publish("w0", 0, 0)
        eventually(lambda: cart.state()["version"] == 2, "w0 stored")
        server.stop()
        for k in range(1, 4):  # the broker keeps them for the server's session
            cart.publish(f"w{k}", 500 * k, 0)

        server = serve(tmp_path / "data", broker, prefix)
        cart.http = httpx.Client(
            base_url=server.base_url,
            timeout=TIMEOUT_S,
            headers={"Authorization": f"Bearer {cart.token}"},
        )
        eventually(lambda: cart.state()["version"] == 5, "the three kept reports stored")
    finally:
        cart.close()
        server.stop()


def test_what_cannot_be_read_is_refused_and_the_readings_after_it_still_come_in(
    cart: Cart,
) -> None:
    topic = f"{cart.prefix}/carts/{cart.cart_id}/weight"
    for payload in (b"[" * 100_000, json.dumps({"token": "ct1.x.\u00e9", "event_id": "w0"})):
        cart.mqtt.publish(topic, payload, qos=1).wait_for_publish(TIMEOUT_S)
    cart.publish("w1", 0, 0)

    eventually(lambda: cart.state()["version"] == 2, "w1 stored after two unreadable messages")
    eventually(lambda: len(cart.refusals) == 2, "both answered")
    assert [r["code"] for r in cart.refusals] == ["malformed_json", "unauthorized"]


def test_a_report_the_store_fails_on_is_refused_alone(
    tmp_path: Path, broker: str, prefix: str
) -> None:
    store = demo_store(make_settings(f"sqlite:///{tmp_path / 'aisle.db'}", tmp_path))
    carts = [store.carts.open_cart(Device(device_id=f"d{k}", name=f"C{k}")) for k in range(2)]
    first, second = (view.state.cart_id for view in carts)
    ingest_weights = store.carts.ingest_weights

    def failing_on_w13(reports: Any) -> Any:  # a fault in the store for this one report
        if any(report.event_id == "w13" for _, report in reports):
            raise ValueError("w13 cannot be stored")
        return ingest_weights(reports)

    store.carts.ingest_weights = failing_on_w13  # type: ignore[method-assign]
    ingest = WeightIngest(
        store.carts, store.access.signer, broker, prefix=prefix, client_id=prefix, gather_s=0.2
    ).start()
    sender = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    host, _, port = broker.removeprefix("mqtt://").partition(":")
    sender.connect(host, int(port or 1883))
    sender.loop_start()
    try:
        for cart_id, event_id in ((first, "w12"), (second, "w13"), (first, "w14")):
            body = {"token": store.access.signer.cart_token(cart_id), "event_id": event_id,
                    "samples": [[0, 0.0]]}  # fmt: skip
            topic = f"{prefix}/carts/{cart_id}/weight"
            sender.publish(topic, json.dumps(body), qos=1).wait_for_publish(TIMEOUT_S)
        eventually(lambda: ingest.stored + ingest.refused == 3, "every report answered")
        assert (ingest.stored, ingest.refused) == (2, 1)
        assert store.carts.get(first).state.version == 3
        assert store.carts.get(second).state.version == 1
        assert "w13 cannot be stored" in ingest.failures[-1]
    finally:
        sender.loop_stop()
        sender.disconnect()
        ingest.stop()
        store.close()
