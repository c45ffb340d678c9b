"""Cart scale readings over MQTT: the store server's ingest path for a sensor stream.

A cart's scale reads 10 to 80 times a second for the whole trip. As one HTTP request per half
second each, a thousand carts would keep a server busy with requests rather than readings;
over MQTT they arrive as a stream and are stored in batches (``docs/verification.md`` has
the figures, ``benchmarks/ingest.py`` measures them).

A cart publishes, with QoS 1, to ``{prefix}/carts/{cart_id}/weight``::

    {"token": "<the trip's cart token>", "event_id": "w-000123",
     "samples": [[t_ms, grams], [t_ms, grams], ...]}

which is the ``weight`` event of ``POST /api/v1/carts/{cart_id}/events`` (``"type":
"weight"`` may be given or left out) with the trip's cart token in the message, since an MQTT
message has no header of its own. The server:

- takes what has arrived within a few milliseconds as one batch and stores it in one
  transaction (:meth:`aisle.services.carts.CartService.ingest_weights`);
- acknowledges a message to the broker only once its batch is committed. Its session is
  persistent, so what the broker delivered but the server had not stored is delivered again
  when the server is back, and the event id makes a second delivery harmless;
- answers a refusal on ``{prefix}/carts/{cart_id}/refused`` as ``{"event_id": ...,
  "code": ..., "message": ...}`` (a forged token, a message that is not JSON, bad readings,
  a closed cart), with nothing stored for it;
- tells the cart's screens, through their WebSocket, when the cart's verification changes.

Connections use MQTT 5, whose "receive maximum" lets the broker send up to
:data:`RECEIVE_MAXIMUM` messages the server has not acknowledged yet (under MQTT 3.1.1,
Mosquitto stops at 20 and the batches would stay small).
"""

from __future__ import annotations

import json
import queue
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from aisle.domain.cart import ReportWeight
from aisle.domain.cart.state import MAX_READINGS
from aisle.services.access import TokenSigner
from aisle.services.carts import CartService, WeightAnswer

__all__ = ["Refusal", "WeightIngest", "broker_address", "read_message"]

RECEIVE_MAXIMUM = 4_000
"""Messages the broker may have handed over unacknowledged: about a second of 2,000 carts."""

_RETRY_S = 1.0  # after a batch could not be stored
_EVENT_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
_KEYS = {"token", "event_id", "samples", "type"}


@dataclass(frozen=True, slots=True)
class Refusal:
    """A message that was not stored, and why, for the cart that sent it."""

    cart_id: str
    event_id: str | None
    code: str
    message: str


def broker_address(url: str) -> tuple[str, int]:
    """``mqtt://host:port`` (port 1883 if left out) as a host and a port.

    >>> broker_address("mqtt://127.0.0.1:1883"), broker_address("mqtt://broker.local")
    (('127.0.0.1', 1883), ('broker.local', 1883))
    """
    parts = urlsplit(url)
    if parts.scheme != "mqtt" or not parts.hostname:
        raise ValueError(f"MQTT broker {url!r}: expected mqtt://host[:port]")
    return parts.hostname, parts.port or 1883


def read_message(
    topic: str, payload: bytes | bytearray, *, prefix: str, signer: TokenSigner
) -> tuple[str, ReportWeight] | Refusal:
    """A message of readings as the cart's report, or the refusal to send back. Checked as the
    HTTP API checks its weight event; a reading that is not a number is kept for the
    verification to report, as there."""
    head, _, rest = topic.partition(f"{prefix}/carts/")
    cart_id, _, tail = rest.partition("/")
    if head or not cart_id or tail != "weight":
        return Refusal(cart_id, None, "invalid_request", f"Unexpected topic {topic!r}")
    try:
        body = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return Refusal(cart_id, None, "malformed_json", "The message is not valid JSON")
    if not isinstance(body, dict):
        return Refusal(cart_id, None, "invalid_request", "The message must be a JSON object")
    event_id = body.get("event_id")
    if not isinstance(event_id, str) or not _EVENT_ID.match(event_id):
        message = "event_id: 1 to 100 letters, digits or . _ : -"
        return Refusal(cart_id, None, "invalid_request", message)
    token = body.get("token")
    if not isinstance(token, str) or signer.cart_of(token) != cart_id:
        return Refusal(cart_id, event_id, "unauthorized", "This cart token is not valid")
    unexpected = sorted(set(body) - _KEYS)
    if unexpected:
        message = f"Unexpected field {unexpected[0]!r}: the server does not accept it"
        return Refusal(cart_id, event_id, "invalid_request", message)
    if body.get("type", "weight") != "weight":
        return Refusal(cart_id, event_id, "invalid_request", "type: only 'weight' comes here")
    samples = body.get("samples")
    if (
        not isinstance(samples, list)
        or not 1 <= len(samples) <= MAX_READINGS
        or not all(isinstance(s, list) and len(s) == 2 for s in samples)
    ):
        message = f"samples: 1 to {MAX_READINGS} readings, each [t_ms, grams]"
        return Refusal(cart_id, event_id, "invalid_request", message)
    return cart_id, ReportWeight(event_id=event_id, samples=tuple((t, g) for t, g in samples))


class WeightIngest:
    """Subscribes to every cart's readings and stores them in batches (see the module)."""

    def __init__(
        self,
        carts: CartService,
        signer: TokenSigner,
        url: str,
        *,
        prefix: str = "aisle",
        client_id: str = "aisle-store-server",
        batch_max: int = 1_000,
        gather_s: float = 0.005,
        on_changed: Callable[[str], None] | None = None,
    ) -> None:
        self._carts = carts
        self._signer = signer
        self._host, self._port = broker_address(url)
        self._prefix = prefix
        self._batch_max = batch_max
        self._gather_s = gather_s
        self._on_changed = on_changed
        self._inbox: queue.Queue[mqtt.MQTTMessage | None] = queue.Queue()
        self._subscribed = threading.Event()
        self._stopping = threading.Event()
        self._worker = threading.Thread(target=self._work, name="mqtt-ingest", daemon=True)
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5
        )
        self._client.manual_ack_set(True)
        self._client.on_connect = self._connected
        self._client.on_message = self._arrived
        self.stored = 0  # reports stored (a resend answered again counts once more)
        self.refused = 0
        self.failures: list[str] = []  # why a batch could not be stored (it is tried again)

    def start(self, timeout_s: float = 10.0) -> WeightIngest:
        """Connect, subscribe and start storing; a broker that does not answer is an error."""
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        properties.ReceiveMaximum = RECEIVE_MAXIMUM
        properties.SessionExpiryInterval = 3_600  # undelivered readings wait an hour for us
        self._client.connect(
            self._host, self._port, clean_start=False, properties=properties, keepalive=30
        )
        self._worker.start()
        self._client.loop_start()
        if not self._subscribed.wait(timeout_s):
            self.stop()
            raise ConnectionError(
                f"The MQTT broker at {self._host}:{self._port} did not accept the subscription"
            )
        return self

    def stop(self) -> None:
        """Store what was taken, then disconnect. The subscription stays with the session:
        what arrives from now on, or arrived and was not stored, waits at the broker."""
        self._inbox.put(None)
        self._stopping.set()
        if self._worker.is_alive():
            self._worker.join(timeout=30)
        self._client.disconnect()
        self._client.loop_stop()

    def _topic(self, leaf: str, cart_id: str = "+") -> str:
        return f"{self._prefix}/carts/{cart_id}/{leaf}"

    def _connected(self, client: mqtt.Client, _: Any, __: Any, reason: Any, ___: Any) -> None:
        if not reason.is_failure:
            client.subscribe(self._topic("weight"), qos=1)
            self._subscribed.set()

    def _arrived(self, _: mqtt.Client, __: Any, message: mqtt.MQTTMessage) -> None:
        self._inbox.put(message)

    def _work(self) -> None:
        while True:
            first = self._inbox.get()
            if first is None:
                return
            # let a batch gather, then take what is there: one wake-up per batch, not per message
            self._stopping.wait(self._gather_s)
            batch = [first]
            stopping = False
            while len(batch) < self._batch_max:
                try:
                    more = self._inbox.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                batch.append(more)
            self._store(batch)
            if stopping:
                return

    def _store(self, batch: Sequence[mqtt.MQTTMessage]) -> None:
        reports: list[tuple[str, ReportWeight]] = []
        refusals: list[Refusal] = []
        for message in batch:
            read = read_message(
                message.topic, message.payload, prefix=self._prefix, signer=self._signer
            )
            if isinstance(read, Refusal):
                refusals.append(read)
            else:
                reports.append(read)
        answers: list[WeightAnswer] = []
        while reports:
            try:
                answers = self._carts.ingest_weights(reports)
                break
            except Exception as error:  # the database is away: keep the batch, try again
                self.failures.append(f"{type(error).__name__}: {error}")
                if self._stopping.wait(_RETRY_S):
                    return  # not acknowledged: the broker delivers it again next time
        refusals += [_refusal(a) for a in answers if a.refused is not None]
        for refusal in refusals:
            if not refusal.cart_id or "+" in refusal.cart_id or "#" in refusal.cart_id:
                continue  # no cart to answer
            body = {"event_id": refusal.event_id, "code": refusal.code, "message": refusal.message}
            self._client.publish(self._topic("refused", refusal.cart_id), json.dumps(body), qos=1)
        self.refused += len(refusals)
        self.stored += sum(1 for a in answers if a.refused is None)
        for message in batch:
            self._client.ack(message.mid, message.qos)
        if self._on_changed is not None:
            for cart_id in dict.fromkeys(a.cart_id for a in answers if a.changed):
                self._on_changed(cart_id)


def _refusal(answer: WeightAnswer) -> Refusal:
    assert answer.refused is not None
    code, message = answer.refused
    return Refusal(answer.cart_id, answer.event_id, code, message)
