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
import logging
import queue
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SqlTimeout

from aisle.domain.cart import ReportWeight
from aisle.domain.cart.state import MAX_READINGS
from aisle.services.access import TokenSigner
from aisle.services.carts import CartService, WeightAnswer
from aisle.services.ports import ConcurrentAppend

__all__ = ["Refusal", "WeightIngest", "broker_address", "read_message"]

RECEIVE_MAXIMUM = 65_535
"""Messages the broker may hand over before the server has acknowledged them (MQTT 5's most):
half a minute of 1,000 carts. While the server catches up (after a restart, a burst), they wait
in its memory rather than in the broker's queue, which Mosquitto bounds at 1,000 messages by
default and past which it drops them."""

_RETRY_S = 1.0  # after a batch could not be stored, or some were deferred
_AWAY = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
    SqlTimeout,
    ConcurrentAppend,
    OSError,
)
"""What passes: the database can't be reached, or the carts are too busy, for now."""
_log = logging.getLogger("aisle.mqtt")
_EVENT_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")  # the whole id: used with fullmatch
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
    except (ValueError, RecursionError):  # not JSON, nested past reason, or a number too long
        return Refusal(cart_id, None, "malformed_json", "The message is not valid JSON")
    if not isinstance(body, dict):
        return Refusal(cart_id, None, "invalid_request", "The message must be a JSON object")
    event_id = body.get("event_id")
    if not isinstance(event_id, str) or not _EVENT_ID.fullmatch(event_id):
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
    """Subscribes to every cart's readings and stores them in batches (see the module).

    One server process per store takes the readings: their order per cart is the order they
    are stored in. A second process started with the same settings would take the session
    over, and the two would take turns (Mosquitto tells the one put out only "unspecified
    error"); a server that keeps losing its connection says so (:attr:`failures`), naming
    that as the likely cause."""

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
        # (connection, message): a message is acknowledged on the connection it came by
        self._inbox: queue.Queue[tuple[int, mqtt.MQTTMessage] | None] = queue.Queue()
        self._connection = 0
        self._drops: list[float] = []  # when the broker's connection was lost, lately
        self._subscribed = threading.Event()
        self._stopping = threading.Event()
        self._worker = threading.Thread(target=self._work, name="mqtt-ingest", daemon=True)
        # carts whose screens should hear, told on a thread of their own: pricing a cart for
        # its screen must never hold up the readings (a burst of them after a restart would
        # fill the broker's queue); a cart changed twice before it is told is told once
        self._to_tell: dict[str, None] = {}
        self._telling = threading.Condition()
        self._teller = threading.Thread(target=self._tell, name="mqtt-screens", daemon=True)
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5
        )
        self._client.manual_ack_set(True)
        self._client.on_connect = self._connected
        self._client.on_subscribe = self._subscribed_to
        self._client.on_disconnect = self._disconnected
        self._client.on_message = self._arrived
        self.stored = 0  # reports stored (a resend answered again counts once more)
        self.refused = 0
        self.failures: deque[str] = deque(maxlen=100)  # the latest troubles, newest last

    def start(self, timeout_s: float = 10.0) -> WeightIngest:
        """Connect, subscribe and start storing; a broker that does not answer is an error."""
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        properties.ReceiveMaximum = RECEIVE_MAXIMUM
        properties.SessionExpiryInterval = 3_600  # undelivered readings wait an hour for us
        self._client.connect(
            self._host, self._port, clean_start=False, properties=properties, keepalive=30
        )
        self._worker.start()
        self._teller.start()
        self._client.loop_start()
        if not self._subscribed.wait(timeout_s):
            self.stop()
            why = self.failures[-1] if self.failures else "no answer"
            raise ConnectionError(
                f"The MQTT broker at {self._host}:{self._port} did not take the subscription "
                f"to {self._topic('weight')}: {why}"
            )
        return self

    def stop(self) -> None:
        """Store what was taken, then disconnect. The subscription stays with the session:
        what arrives from now on, or arrived and was not stored, waits at the broker."""
        self._stopping.set()
        self._inbox.put(None)
        if self._worker.is_alive():
            self._worker.join(timeout=30)
        with self._telling:
            self._telling.notify()
        if self._teller.is_alive():
            self._teller.join(timeout=30)
        self._client.disconnect()
        self._client.loop_stop()

    def _topic(self, leaf: str, cart_id: str = "+") -> str:
        return f"{self._prefix}/carts/{cart_id}/{leaf}"

    def _trouble(self, what: str) -> None:
        self.failures.append(what)
        _log.warning("MQTT ingest: %s", what)

    def _connected(self, client: mqtt.Client, _: Any, __: Any, reason: Any, ___: Any) -> None:
        if reason.is_failure:
            self._trouble(f"the broker refused the connection: {reason}")
            return
        self._connection += 1
        client.subscribe(self._topic("weight"), qos=1)

    def _subscribed_to(self, _: mqtt.Client, __: Any, ___: int, reasons: Any, ____: Any) -> None:
        failed = [str(r) for r in reasons if r.is_failure]
        if failed:
            self._trouble(f"the broker refused the subscription: {', '.join(failed)}")
        else:
            self._subscribed.set()

    def _disconnected(self, client: mqtt.Client, _: Any, __: Any, reason: Any, ___: Any) -> None:
        if self._stopping.is_set():
            return
        now = time.monotonic()
        self._drops = [t for t in self._drops if now - t < 60] + [now]
        if len(self._drops) >= 3:
            # Mosquitto says only "unspecified error" when another client takes the session
            self._trouble(
                f"disconnected {len(self._drops)} times in a minute ({reason}): is another "
                "server taking readings with the same AISLE_MQTT_PREFIX and store? Only one may."
            )

    def _arrived(self, _: mqtt.Client, __: Any, message: mqtt.MQTTMessage) -> None:
        self._inbox.put((self._connection, message))

    def _work(self) -> None:
        waiting: list[tuple[int, mqtt.MQTTMessage]] = []  # deferred: first in the next batch
        while True:
            batch = list(waiting)
            try:
                first = self._inbox.get(timeout=_RETRY_S if waiting else None)
            except queue.Empty:
                pass
            else:
                if first is None:
                    return
                batch.append(first)
            # let a batch gather, then take what is there: one wake-up per batch, not per message
            self._stopping.wait(self._gather_s)
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
            try:
                done = self._store(batch)
            except Exception as error:  # a fault here must not stop the readings for good
                self._trouble(f"a batch of {len(batch)}: {error!r}")
                done = []  # stored or not, the unacknowledged come again with the session
            if done is None:
                return  # stopping with the database away: the broker delivers it all again
            waiting = done
            if stopping:
                return

    def _store(
        self, batch: Sequence[tuple[int, mqtt.MQTTMessage]]
    ) -> list[tuple[int, mqtt.MQTTMessage]] | None:
        """Store a batch, answer its refusals, acknowledge what is done; return what was
        deferred (None: stopping before the batch could be stored)."""
        reports: list[tuple[str, ReportWeight]] = []
        sources: list[tuple[int, mqtt.MQTTMessage]] = []
        refusals: list[Refusal] = []
        for connection, message in batch:
            try:
                read = read_message(
                    message.topic, message.payload, prefix=self._prefix, signer=self._signer
                )
            except Exception:  # whatever it is, it is not a report this server can read
                cart_id = message.topic.split("/")[-2] if "/" in message.topic else ""
                read = Refusal(cart_id, None, "invalid_request", "The message could not be read")
            if isinstance(read, Refusal):
                refusals.append(read)
            else:
                reports.append(read)
                sources.append((connection, message))
        answers = self._ingest(reports)
        if answers is None:
            return None
        refusals += [_refusal(a) for a in answers if a.refused is not None]
        for refusal in refusals:
            if not refusal.cart_id or "+" in refusal.cart_id or "#" in refusal.cart_id:
                continue  # no cart to answer
            body = {"event_id": refusal.event_id, "code": refusal.code, "message": refusal.message}
            try:
                self._client.publish(
                    self._topic("refused", refusal.cart_id), json.dumps(body), qos=1
                )
            except ValueError as error:  # no topic to answer on (too long)
                self._trouble(f"answering a refusal: {error!r}")
        self.refused += len(refusals)
        self.stored += sum(1 for a in answers if a.refused is None and not a.deferred)
        deferred = [
            source for source, answer in zip(sources, answers, strict=True) if answer.deferred
        ]
        kept = {id(message) for _, message in deferred}
        for connection, message in batch:
            # a message that came by an earlier connection is delivered again on this one
            if id(message) not in kept and connection == self._connection:
                self._client.ack(message.mid, message.qos)
        changed = [a.cart_id for a in answers if a.changed]
        if changed and self._on_changed is not None:
            with self._telling:
                self._to_tell.update(dict.fromkeys(changed))
                self._telling.notify()
        return deferred

    def _tell(self) -> None:
        while True:
            with self._telling:
                while not self._to_tell and not self._stopping.is_set():
                    self._telling.wait()
                if self._stopping.is_set():
                    return
                carts, self._to_tell = list(self._to_tell), {}
            for cart_id in carts:
                try:
                    if self._on_changed is not None:
                        self._on_changed(cart_id)
                except Exception as error:  # the screens miss one update; the readings are in
                    self._trouble(f"telling cart {cart_id}'s screens: {error!r}")

    def _ingest(self, reports: list[tuple[str, ReportWeight]]) -> list[WeightAnswer] | None:
        """The store's answers. While the database can't be reached (or its carts are too
        busy), the same batch again every second. A report the store fails on for any other
        reason is found by storing the batch's reports one by one, and refused alone, so
        that it never holds up the rest; a cart's later reports wait behind one of its own
        that had to wait, so that its readings keep their order."""
        while reports:
            try:
                return self._carts.ingest_weights(reports)
            except _AWAY as error:
                self._trouble(f"the database: {error!r}; trying again")
                if self._stopping.wait(_RETRY_S):
                    return None
            except Exception as error:
                if len(reports) == 1:
                    cart_id, report = reports[0]
                    self._trouble(f"cart {cart_id}, {report.event_id}: {error!r}")
                    failed = ("server_error", f"These readings could not be stored ({error!r})")
                    return [WeightAnswer(cart_id=cart_id, event_id=report.event_id, refused=failed)]
                answers: list[WeightAnswer] = []
                waiting: set[str] = set()  # carts with a report deferred in this batch
                for cart_id, report in reports:
                    if cart_id in waiting:
                        answer = WeightAnswer(cart_id=cart_id, event_id=report.event_id)
                        answers.append(replace(answer, deferred=True))
                        continue
                    alone = self._ingest([(cart_id, report)])
                    if alone is None:
                        return None
                    if alone[0].deferred:
                        waiting.add(cart_id)
                    answers += alone
                return answers
        return []


def _refusal(answer: WeightAnswer) -> Refusal:
    assert answer.refused is not None
    code, message = answer.refused
    return Refusal(answer.cart_id, answer.event_id, code, message)
