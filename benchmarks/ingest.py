"""Ingest: how many scale readings a second the store server stores, per core of its own.

A cart's scale reads 80 times a second; the issue asks for 1,000 carts on one 2-core server,
so 40,000 readings a second per core at the least, and 100,000 a second per core for the
engine. The readings are realistic: the simulator's load cell (``aisle.sim.loadcell``: 3 g of
noise, drift, items placed with overshoot, jolts while the cart rolls) at 80 Hz, sent as a cart
sends them, half a second (40 readings) per message, on carts that each hold a few scanned
items. Every reading is stored as an event in the cart's stream and folded into its
verification. Three ways in, on the same kind of carts, in the same run:

- **one event at a time**: ``CartService.handle(ReportWeight)``, which is what the HTTP API
  does for each ``POST /api/v1/carts/{id}/events`` (measured in process, without HTTP, so the
  figure is the most that path could do);
- **batched**: ``CartService.ingest_weights`` on batches of up to ``--batch`` messages, in
  process;
- **over MQTT**, end to end, as a store would run it: a child process plays every cart, each
  sending its next message (QoS 1) to a real broker when it has the readings for it, every
  half second at 40 readings, all carts at once; the server's ``WeightIngest``
  (``aisle.adapters.mqtt``) takes them, stores them in batches and acknowledges them, and,
  for every cart whose verification changed, writes it for the tablet's screen as the server
  does before pushing it (every cart's tablet is connected). Its
  processor time over the run, per reading stored, is what one core can take; the lag from the
  last message sent to the last stored says whether it kept up with the carts (a server that
  falls behind far enough loses readings at the broker, whose queue per session is bounded:
  Mosquitto keeps 1,000 by default).

"Per core" is readings per second of processor time of the process that stores them (its
threads included; not the broker's, the publisher's or PostgreSQL's), with the wall-clock rate
beside it. On SQLite by default; ``--postgres URL`` runs on a fresh database on that server.

    python benchmarks/ingest.py            # 1,000 carts, 20 messages each (800,000 readings)
    python benchmarks/ingest.py --quick    # 200 carts, 10 messages each
    python benchmarks/ingest.py --per-message 80   # a second of readings per message

The MQTT part needs a broker (``--broker``, default ``mqtt://127.0.0.1:1883``). The last line of
stdout is one JSON object with the headline figures.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from aisle.adapters.db.migrate import upgrade
from aisle.adapters.mqtt import WeightIngest, broker_address
from aisle.api.views import verification_push
from aisle.bootstrap import Services, bootstrap
from aisle.demo.catalog import DEMO_TAX_CLASSES, demo_products
from aisle.domain.cart import ReportWeight, ScanItem
from aisle.domain.catalog import SoldBy
from aisle.services.ports import Device
from aisle.services.verification import expected_weight
from aisle.settings import Settings
from aisle.sim.loadcell import CellModel, Placement, readings

PER_MESSAGE = 40  # half a second at 80 Hz
TARGET_PER_CORE = 100_000
SERVER_PER_CORE = 40_000  # 1,000 carts at 80 Hz on 2 cores
SECRET = "ingest-benchmark-secret-0123456789-abcdefgh"

Message = tuple[str, ReportWeight]


@dataclass(frozen=True, slots=True)
class Rate:
    messages: int
    readings: int
    wall_s: float
    cpu_s: float

    @property
    def per_s(self) -> float:
        return self.readings / self.wall_s

    @property
    def per_cpu_s(self) -> float:
        return self.readings / self.cpu_s


@contextmanager
def store(database: str | None, folder: Path) -> Iterator[Services]:
    if database is None:
        url = f"sqlite:///{folder / 'aisle.db'}"
    else:
        import psycopg

        name = f"aisle_ingest_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(database.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = database.rsplit("/", 1)[0] + "/" + name
    settings = Settings(database_url=url, data_dir=folder, secret_key=SECRET)  # type: ignore[arg-type]
    services = bootstrap(settings)
    upgrade(services.engine)
    services.catalog.load(tax_classes=DEMO_TAX_CLASSES, products=demo_products(), reductions=())
    try:
        yield services
    finally:
        services.close()


def open_carts(
    services: Services, count: int, rng: random.Random
) -> dict[str, list[tuple[str, float]]]:
    """Carts at the start of a trip, each with 1 to 3 products scanned (at the cart's 0 ms)
    that it will place during the run: per cart, (product, grams it weighs)."""
    products = [
        p
        for p in demo_products()
        if p.sold_by is SoldBy.EACH and p.price is not None
        and p.net_content is not None and p.net_content.unit == "g"
    ]  # fmt: skip
    with services.carts._uow() as uow:  # what the verification will expect each to weigh
        weighs = {p.gtin: expected_weight(uow, p) for p in products}
    products = [p for p in products if weighs[p.gtin] is not None]
    carts: dict[str, list[tuple[str, float]]] = {}
    for k in range(count):
        device = Device(device_id=f"d{k}", name=f"Cart {k}")
        cart_id = services.carts.open_cart(device).state.cart_id
        chosen = rng.sample(products, rng.randint(1, 3))
        for n, product in enumerate(chosen):
            code = product.gtin[1:] if product.gtin.startswith("0") else product.gtin
            services.carts.handle(cart_id, ScanItem(event_id=f"s{n}", code=code, t_ms=n))
        carts[cart_id] = [
            (p.gtin, weighs[p.gtin].mean_mg / 1000)  # type: ignore[union-attr]
            for p in chosen
        ]
    return carts


def trace(
    messages: int, seed: int, per_message: int, items: Sequence[float]
) -> list[list[tuple[int, float]]]:
    """A cart's readings, message by message, from the simulator's load cell: the items
    scanned placed one after the other, 2 to 4 s apart, the cart rolled now and then."""
    rng = random.Random(seed)
    until = messages * per_message * 1000 // 80 - 1
    placements, moving, t = [], [], 500
    for grams in items:
        placements.append(Placement(t_ms=t, grams=grams))
        t += rng.randint(2_000, 4_000)
    for start in range(1_000, until, 6_000):
        if rng.random() < 0.5:
            moving.append((start, start + 1_000))
    every = readings(placements, until_ms=until, moving=moving, model=CellModel(), seed=seed)
    return [every[i : i + per_message] for i in range(0, len(every), per_message)][:messages]


def messages_for(
    carts: dict[str, list[tuple[str, float]]],
    per_cart: int,
    seed: int,
    per_message: int = PER_MESSAGE,
) -> list[Message]:
    """Every cart's messages, interleaved as they would arrive: each cart's in order."""
    traces = {
        cart: trace(per_cart, seed + k, per_message, [grams for _, grams in items])
        for k, (cart, items) in enumerate(carts.items())
    }
    return [
        (cart, ReportWeight(event_id=f"w{m:05d}", samples=tuple(traces[cart][m])))
        for m in range(per_cart)
        for cart in carts
    ]


def counted(messages: Sequence[Message]) -> int:
    return sum(len(report.samples) for _, report in messages)


def one_at_a_time(services: Services, messages: Sequence[Message], progress: Progress) -> Rate:
    task = progress.add_task("One event at a time", total=len(messages))
    wall, cpu = time.perf_counter(), time.process_time()
    for cart, report in messages:
        services.carts.handle(cart, report)
        progress.advance(task)
    return Rate(len(messages), counted(messages), time.perf_counter() - wall,
                time.process_time() - cpu)  # fmt: skip


def batched(
    services: Services, messages: Sequence[Message], batch: int, progress: Progress
) -> Rate:
    task = progress.add_task("Batched", total=len(messages))
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(messages), batch):
        answers = services.carts.ingest_weights(messages[i : i + batch])
        assert all(a.refused is None for a in answers), answers[0]
        progress.advance(task, len(answers))
    return Rate(len(messages), counted(messages), time.perf_counter() - wall,
                time.process_time() - cpu)  # fmt: skip


def _publish(
    broker: str, prefix: str, ticks: list[list[tuple[str, bytes]]], every_s: float, began: Any
) -> None:
    """In a child process: every cart's next message, QoS 1, every ``every_s`` seconds, as
    the carts themselves would send them."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    host, port = broker_address(broker)
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.max_inflight_messages_set(2_000)
    client.connect(host, port)
    client.loop_start()
    start = time.monotonic()  # the same clock in every process (CLOCK_MONOTONIC)
    began.value = start
    sent = []
    for k, tick in enumerate(ticks):
        time.sleep(max(0.0, start + k * every_s - time.monotonic()))
        sent += [
            client.publish(f"{prefix}/carts/{cart}/weight", body, qos=1) for cart, body in tick
        ]
    for info in sent:
        info.wait_for_publish(120)
    client.loop_stop()
    client.disconnect()


@dataclass(frozen=True, slots=True)
class Wire:
    rate: Rate
    lag_s: float  # from the last message sent to the last one stored
    stored: int
    pushed: int  # carts' states priced and serialised for their screens


def over_mqtt(
    services: Services,
    messages: Sequence[Message],
    broker: str,
    batch: int,
    per_message: int,
    progress: Progress,
) -> Wire:
    """Every cart sends its next message each time it has ``per_message`` readings (half a
    second at 40), all carts at once, for as long as the messages last; the server stores
    them as they come. Its processor time over that run, per reading, is what one core can
    take; ``lag_s`` says whether it kept up."""
    prefix = f"aisle-bench-{uuid.uuid4().hex[:8]}"
    signer = services.access.signer
    ticks: dict[str, list[tuple[str, bytes]]] = {}
    for cart, report in messages:
        body = {"token": signer.cart_token(cart), "event_id": report.event_id,
                "samples": [list(s) for s in report.samples]}  # fmt: skip
        ticks.setdefault(report.event_id, []).append((cart, json.dumps(body).encode()))
    every_s = per_message / 80
    pushed = [0]

    def changed(cart_id: str) -> None:
        """Every cart's tablet is connected: each change is written for its screen, as the
        server does before it pushes it (``aisle.api.app``)."""
        verification_push(services.carts.state(cart_id))
        pushed[0] += 1

    ingest = WeightIngest(services.carts, signer, broker, prefix=prefix,
                          client_id=f"{prefix}-server", batch_max=batch,
                          on_changed=changed).start()  # fmt: skip
    task = progress.add_task("Over MQTT", total=len(messages))
    spawn = multiprocessing.get_context("spawn")
    began = spawn.Value("d", 0.0)
    publisher = spawn.Process(
        target=_publish, args=(broker, prefix, list(ticks.values()), every_s, began)
    )
    publisher.start()
    while not began.value:  # the child's interpreter starts
        time.sleep(0.005)
    wall, cpu = began.value, time.process_time()
    last_sent = wall + (len(ticks) - 1) * every_s
    deadline = last_sent + 60
    while ingest.stored + ingest.refused < len(messages) and time.monotonic() < deadline:
        progress.update(task, completed=ingest.stored)
        time.sleep(0.01)
    done = time.monotonic()
    rate = Rate(ingest.stored, ingest.stored * per_message, done - wall, time.process_time() - cpu)
    progress.update(task, completed=ingest.stored)
    publisher.join()
    ingest.stop()
    if ingest.refused:
        raise RuntimeError(f"{ingest.refused} messages refused: {ingest.failures[:1]}")
    return Wire(rate, max(0.0, done - last_sent), ingest.stored, pushed[0])


app = typer.Typer(add_completion=False)


@app.command()
def main(
    quick: Annotated[bool, typer.Option(help="200 carts, 10 messages each")] = False,
    carts: Annotated[int | None, typer.Option(help="Carts [1,000; quick: 200]")] = None,
    messages: Annotated[int | None, typer.Option(help="Messages per cart [20; quick: 10]")] = None,
    single: Annotated[
        int, typer.Option(help="Messages sent one event at a time (the slow path), at most")
    ] = 2_000,
    batch: Annotated[int, typer.Option(help="Messages per batch, at most")] = 500,
    per_message: Annotated[
        int, typer.Option(help="Readings per message [40: half a second at 80 Hz]")
    ] = PER_MESSAGE,
    broker: Annotated[str, typer.Option(help="MQTT broker")] = "mqtt://127.0.0.1:1883",
    postgres: Annotated[str | None, typer.Option(help="PostgreSQL server URL")] = None,
    seed: Annotated[int, typer.Option()] = 1,
) -> None:
    """Readings stored per second per core: one event at a time, batched, and over MQTT."""
    out, err = Console(), Console(stderr=True)
    count = carts if carts is not None else (200 if quick else 1_000)
    per_cart = messages if messages is not None else (10 if quick else 20)
    rng = random.Random(seed)
    columns = (TextColumn("[progress.description]{task.description}"), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn())  # fmt: skip
    with tempfile.TemporaryDirectory() as folder, store(postgres, Path(folder)) as services:
        err.print(f"{count} carts x {per_cart} messages of {per_message} readings, "
                  f"on {'PostgreSQL' if postgres else 'SQLite'}")  # fmt: skip
        # each way on carts of its own, opened just before (a running server has its
        # active carts in memory; one just restarted reads them from their streams first)
        with Progress(*columns, console=err, transient=True) as progress:
            slow_carts = open_carts(services, max(1, min(count, single // per_cart)), rng)
            slow = messages_for(slow_carts, per_cart, seed, per_message)[:single]
            rates = {"one event at a time": one_at_a_time(services, slow, progress)}
            fast = messages_for(open_carts(services, count, rng), per_cart, seed, per_message)
            rates["batched"] = batched(services, fast, batch, progress)
            wire = messages_for(open_carts(services, count, rng), per_cart, seed, per_message)
            mqtt = over_mqtt(services, wire, broker, batch, per_message, progress)
            rates["over MQTT"] = mqtt.rate
    report = Table(title="Scale readings stored", caption="per core: per second of the storing "
                   "process's own processor time")  # fmt: skip
    for label in ("", "messages", "readings", "per second", "per core", "carts at 80 Hz/core"):
        report.add_column(label, justify="right" if label else "left")
    for label, rate in rates.items():
        report.add_row(label, f"{rate.messages:,}", f"{rate.readings:,}", f"{rate.per_s:,.0f}",
                       f"{rate.per_cpu_s:,.0f}", f"{rate.per_cpu_s / 80:,.0f}")  # fmt: skip
    out.print(report)
    single_rate, batch_rate, mqtt_rate = rates.values()
    kept_up = mqtt.stored == len(wire) and mqtt.lag_s < 1.0
    out.print(
        f"Over MQTT, {count} carts each sending {per_message} readings every "
        f"{per_message / 80:.2f} s ({count * 80:,} readings a second): {mqtt.stored:,} of "
        f"{len(wire):,} stored, the last {mqtt.lag_s:.2f} s after it was sent; "
        f"{mqtt.pushed:,} states pushed to screens; the server used "
        f"{mqtt_rate.cpu_s / mqtt_rate.wall_s:.0%} of a core."
    )
    figures = {
        "benchmark": "ingest",
        "quick": quick,
        "database": "postgresql" if postgres else "sqlite",
        "carts": count,
        "readings": batch_rate.readings,
        "readings_per_message": per_message,
        "one_at_a_time_per_core": round(single_rate.per_cpu_s),
        "batched_per_core": round(batch_rate.per_cpu_s),
        "mqtt_per_core": round(mqtt_rate.per_cpu_s),
        "mqtt_offered_per_s": count * 80,
        "mqtt_stored": mqtt.stored,
        "mqtt_lag_s": round(mqtt.lag_s, 2),
        "mqtt_pushes": mqtt.pushed,
        "mqtt_core_busy": round(mqtt_rate.cpu_s / mqtt_rate.wall_s, 2),
        "mqtt_kept_up": kept_up,
        "batched_vs_one_at_a_time": round(batch_rate.per_cpu_s / single_rate.per_cpu_s, 1),
        "mqtt_vs_one_at_a_time": round(mqtt_rate.per_cpu_s / single_rate.per_cpu_s, 1),
        "mqtt_carts_at_80hz_per_core": round(mqtt_rate.per_cpu_s / 80),
        "meets_100k_per_core_over_mqtt": kept_up and mqtt_rate.per_cpu_s >= TARGET_PER_CORE,
        "meets_1000_carts_on_2_cores_over_mqtt": kept_up and mqtt_rate.per_cpu_s >= SERVER_PER_CORE,
    }
    sys.stdout.flush()
    print(json.dumps(figures))


if __name__ == "__main__":
    app()
