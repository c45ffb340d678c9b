"""Scale readings taken in batches, as a sensor stream brings them: the same stream, the same
answers and the same refusals as one event at a time, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from aisle.adapters.db import tables
from aisle.bootstrap import Services, bootstrap
from aisle.domain.cart import CheckOut, ReportWeight, ScanItem
from aisle.domain.verify import Severity
from aisle.services.ports import Device
from tests.support.store import ean, make_settings, packaged


def open_cart(store: Services, name: str = "Cart 1") -> str:
    return store.carts.open_cart(Device(device_id=f"dev-{name}", name=name)).state.cart_id


def readings(start_ms: int, grams: float, count: int = 40) -> tuple[tuple[int, float], ...]:
    """``count`` readings at 80 a second, a little noisy, around ``grams``."""
    return tuple((start_ms + 12 * n, grams + (0.4 if n % 2 else -0.4)) for n in range(count))


def report(event_id: str, start_ms: int, grams: float) -> ReportWeight:
    return ReportWeight(event_id=event_id, samples=readings(start_ms, grams))


def trip(cart: str, grams: list[float]) -> list[tuple[str, ReportWeight]]:
    """Half a second of readings per level, one report each."""
    return [(cart, report(f"w{k}", 500 * k, level)) for k, level in enumerate(grams)]


def test_a_batch_of_many_carts_lands_in_each_stream_in_order(store: Services) -> None:
    a, b = open_cart(store, "A"), open_cart(store, "B")
    batch = [*trip(a, [0, 0, 0]), *trip(b, [0, 0])]

    answers = store.carts.ingest_weights(batch)

    assert [(x.cart_id, x.event_id, x.version, x.refused) for x in answers] == [
        (a, "w0", 2, None), (a, "w1", 3, None), (a, "w2", 4, None),
        (b, "w0", 2, None), (b, "w1", 3, None),
    ]  # fmt: skip
    assert store.carts.get(a).state.version == 4
    assert store.carts.get(b).state.scale.last_t_ms == 500 + 12 * 39


def test_the_projection_is_the_one_events_one_at_a_time_give(store: Services) -> None:
    levels = [0, 0, 0, 412, 412, 412, 412, 0, 0, 0]
    batched = open_cart(store, "batched")
    store.carts.ingest_weights(trip(batched, levels)[:4])
    store.carts.ingest_weights(trip(batched, levels)[4:])
    single = open_cart(store, "single")
    for cart, one in trip(single, levels):
        store.carts.handle(cart, one)

    mine, theirs = store.carts.get(batched).state, store.carts.get(single).state
    assert [s.delta_mg for s in mine.scale.steps] == [s.delta_mg for s in theirs.scale.steps]
    # to a tenth of a gram: a level is the mean of its calm's readings, which alternate by 0.8 g
    assert [round(s.delta_mg, -2) for s in mine.scale.steps] == [412_000, -412_000]
    assert mine.verification() == theirs.verification()
    assert mine.version == theirs.version


def test_a_resent_batch_is_answered_again_and_stored_once(store: Services) -> None:
    cart = open_cart(store)
    batch = trip(cart, [0, 0])
    first = store.carts.ingest_weights(batch)

    again = store.carts.ingest_weights([*batch, batch[0]])

    assert [x.version for x in again] == [x.version for x in first] + [first[0].version]
    assert store.carts.get(cart).state.version == 3


def test_the_same_event_twice_in_one_batch_is_stored_once(store: Services) -> None:
    cart = open_cart(store)
    one = report("w0", 0, 0)

    answers = store.carts.ingest_weights([(cart, one), (cart, one)])

    assert [x.version for x in answers] == [2, 2]
    assert store.carts.get(cart).state.version == 2


def test_a_bad_report_is_refused_alone_and_refused_again_the_same_way(store: Services) -> None:
    cart = open_cart(store)
    empty = ReportWeight(event_id="empty", samples=())
    batch = [(cart, report("w0", 0, 0)), (cart, empty), (cart, report("w1", 500, 0))]

    answers = store.carts.ingest_weights(batch)

    assert [x.version for x in answers] == [2, None, 3]
    refused = answers[1].refused
    assert refused is not None and refused[0] == "bad_readings"
    assert "0 readings" in refused[1]
    # the same id again, even with readings now, is refused with the same words
    resent = ReportWeight(event_id="empty", samples=readings(1000, 0))
    assert store.carts.ingest_weights([(cart, resent)])[0].refused == refused
    assert store.carts.get(cart).state.version == 3


def test_readings_for_an_unknown_cart_are_refused_and_the_rest_stored(store: Services) -> None:
    cart = open_cart(store)

    answers = store.carts.ingest_weights([("no-such-cart", report("w0", 0, 0)), *trip(cart, [0])])

    assert answers[0].refused is not None and answers[0].refused[0] == "cart_not_found"
    assert answers[1].version == 2


def test_readings_after_checkout_are_refused(store: Services) -> None:
    cart = open_cart(store)
    store.carts.check_out(cart, CheckOut(event_id="pay"))

    (answer,) = store.carts.ingest_weights(trip(cart, [0]))

    assert answer.refused is not None and answer.version is None
    assert store.carts.get(cart).state.status.value == "checked_out"


def test_a_stream_moved_by_another_server_is_caught_up_first(
    store: Services, database_url: str, tmp_path: Path
) -> None:
    cart = open_cart(store)
    store.carts.ingest_weights(trip(cart, [0]))  # this server now remembers the cart
    other = bootstrap(make_settings(database_url, tmp_path / "other"))
    try:
        product = packaged(1)[0]
        other.carts.handle(cart, ScanItem(event_id="s1", code=ean(product), t_ms=600))
    finally:
        other.close()

    (answer,) = store.carts.ingest_weights([(cart, report("w1", 1000, 0))])

    assert answer.version == 4  # opened, readings, the other server's scan, these readings
    state = store.carts.get(cart).state
    assert state.item_count == 1 and state.version == 4


def test_the_screens_hear_only_when_the_verification_changes(store: Services) -> None:
    cart = open_cart(store)
    spinach = next(p for p in packaged(30) if p.net_content and p.net_content.unit == "g")
    store.carts.handle(cart, ScanItem(event_id="s1", code=ean(spinach), t_ms=0))

    def told(*batch: tuple[str, ReportWeight]) -> list[bool]:
        return [x.changed for x in store.carts.ingest_weights(batch)]

    # the scale had never reported since the scan: its first readings clear the cart
    assert told(*trip(cart, [0, 0])) == [True, True]
    assert told((cart, report("w2", 1000, 0))) == [False]
    # half a minute on, the item scanned is still not in the cart: the cart asks about it
    assert told((cart, report("w3", 40_000, 0))) == [True]
    assert store.carts.get(cart).state.verification().status is not Severity.CLEAR
    assert told((cart, report("w4", 40_500, 0))) == [False]


def test_readings_are_stored_as_written_in_milligrams(store: Services) -> None:
    cart = open_cart(store)
    store.carts.ingest_weights([(cart, ReportWeight(event_id="w0", samples=((0, 1.5), (12, "x"))))])

    query = select(tables.cart_events.c.payload).where(
        tables.cart_events.c.cart_id == cart, tables.cart_events.c.event_id == "w0"
    )
    with store.engine.connect() as conn:
        payload = conn.execute(query).scalar_one()
    assert payload == {"samples": [[0, 1500]], "set_aside": ["reading 'x' g at 12 ms"]}


def test_resends_and_refusals_leave_the_carts_time_where_it_was(store: Services) -> None:
    cart = open_cart(store)
    batch = trip(cart, [0])
    store.carts.ingest_weights(batch)
    stored_at = store.carts.get(cart).updated_at
    listed_at = next(s for s in store.carts.summaries() if s.cart_id == cart).updated_at

    store.carts.ingest_weights([*batch, (cart, ReportWeight(event_id="bad", samples=()))])

    assert store.carts.get(cart).updated_at == stored_at
    assert next(s for s in store.carts.summaries() if s.cart_id == cart).updated_at == listed_at
    store.carts.ingest_weights([(cart, report("w1", 500, 0))])
    assert store.carts.get(cart).updated_at > stored_at  # readings stored: the cart is active
    assert next(s for s in store.carts.summaries() if s.cart_id == cart).updated_at > listed_at


# PostgreSQL only: on SQLite the batch's writer has the whole database, no cart is busy elsewhere
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_cart_busy_on_another_connection_is_deferred_not_waited_for(store: Services) -> None:
    busy, free = open_cart(store, "busy"), open_cart(store, "free")
    with store.engine.connect() as other, other.begin():
        lock = select(tables.carts.c.cart_id).where(tables.carts.c.cart_id == busy)
        other.execute(lock.with_for_update())  # a checkout waiting on the payment provider

        answers = store.carts.ingest_weights([*trip(busy, [0]), *trip(free, [0])])

        assert [(a.cart_id, a.deferred, a.version) for a in answers] == [
            (busy, True, None),
            (free, False, 2),
        ]
    (again,) = store.carts.ingest_weights(trip(busy, [0]))
    assert (again.deferred, again.version) == (False, 2)


def test_a_cart_out_of_memory_is_read_again_from_its_stream(
    store: Services, database_url: str, tmp_path: Path
) -> None:
    cart = open_cart(store)
    store.carts.ingest_weights(trip(cart, [0, 0]))
    fresh = bootstrap(make_settings(database_url, tmp_path / "fresh"))  # a restarted server
    try:
        answers = fresh.carts.ingest_weights(
            [(cart, report("w1", 500, 0)), (cart, report("w2", 1000, 0))]
        )
        assert [a.version for a in answers] == [3, 4]  # w1 was there already
        assert fresh.carts.get(cart).state.version == 4
    finally:
        fresh.close()


def test_readings_no_scale_could_give_are_set_aside_and_the_rest_stored(store: Services) -> None:
    a, b = open_cart(store, "A"), open_cart(store, "B")
    absurd = ReportWeight(
        event_id="w0",
        samples=((0, 10**5000), (12, "1e5000"), (24, 1e306), (10**40, 1.0), (36, 2.0)),
    )

    answers = store.carts.ingest_weights([(a, absurd), *trip(b, [0])])

    assert [x.version for x in answers] == [2, 2]
    state = store.carts.get(a).state
    problems = [p.detail for p in state.scale.problems]
    assert len(problems) == 4 and problems[0].startswith("reading <an integer of more than")
    assert state.scale.last_t_ms == 36
