"""The cart screen hears its scale: readings that come over MQTT change what it asks the shopper,
without a scan or a reload, and without the cart being priced again."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from playwright.sync_api import Page, expect

from tests.browser.test_cart_screen import Shot, cart_session, open_cart_screen
from tests.support.live import LiveServer
from tests.support.mqtt import mqtt_broker

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def broker() -> Iterator[str]:
    with mqtt_broker() as url:
        yield url


@pytest.fixture
def prefix() -> str:
    return f"aisle-screen-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def scale_server(tmp_path: Path, broker: str, prefix: str) -> Iterator[LiveServer]:
    live = LiveServer(
        data_dir=tmp_path / "data",
        env_extra={"AISLE_MQTT_URL": broker, "AISLE_MQTT_PREFIX": prefix},
    )
    live.data_dir.mkdir()
    live.start()
    yield live
    live.stop()


def test_an_item_placed_without_a_scan_is_asked_about_on_the_screen(
    scale_server: LiveServer, page: Page, broker: str, prefix: str, shot: Shot
) -> None:
    open_cart_screen(page, scale_server)
    trip = cart_session(page)
    expect(page.locator("#verify")).to_be_hidden()

    scale = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    host, _, port = broker.removeprefix("mqtt://").partition(":")
    scale.connect(host, int(port or 1883))
    scale.loop_start()
    try:
        # half a second of readings per message: empty for a second, then 500 g for four
        for k in range(10):
            grams = 0.0 if k < 2 else 500.0
            body = {
                "token": trip["token"],
                "event_id": f"w{k}",
                "samples": [
                    [500 * k + 12 * n, grams + (0.3 if n % 2 else -0.3)] for n in range(40)
                ],
            }
            topic = f"{prefix}/carts/{trip['cart_id']}/weight"
            scale.publish(topic, json.dumps(body), qos=1).wait_for_publish(10)
    finally:
        scale.loop_stop()
        scale.disconnect()

    box = page.locator("#verify")
    expect(box).to_be_visible()
    expect(page.locator("#verify-text")).to_have_text(
        "Did you scan the item you just placed? Please scan it."
    )
    expect(box).to_have_attribute("data-kind", "ask")
    shot(page, "asked")
