"""The cart event store keeps every stream exactly, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from aisle.adapters.db import tables
from aisle.adapters.db.uow import SqlUnitOfWorkFactory
from aisle.bootstrap import Services
from aisle.domain.cart import CartOpened, ItemScanned, LineRemoved
from aisle.domain.catalog import SoldBy
from aisle.services.ports import ConcurrentAppend, DuplicateEvent

AT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def scanned(line_id: str = "l1") -> ItemScanned:
    return ItemScanned(
        line_id=line_id,
        code="]E03850000000011",
        gtin="03850000000011",
        name="Čokolada s lješnjacima",
        brand="Kraš",
        unit_price_minor=199,
        tax_rate=Decimal("25"),
        sold_by=SoldBy.EACH,
        weight_g=None,
        age_restricted=False,
    )


def uow_of(store: Services) -> SqlUnitOfWorkFactory:
    return SqlUnitOfWorkFactory(store.engine)


def opened_stream(store: Services) -> SqlUnitOfWorkFactory:
    """Cart c1's stream holding its opening event e1, committed."""
    uow = uow_of(store)
    with uow(write=True) as w:
        opened = CartOpened(device_id="d", currency="EUR")
        w.events.append("c1", version=1, event_id="e1", event=opened, recorded_at=AT)
        w.commit()
    return uow


def test_a_stream_reads_back_exactly_as_it_was_written(store: Services) -> None:
    uow = uow_of(store)
    events = [CartOpened(device_id="d1", currency="EUR"), scanned(), LineRemoved(line_id="l1")]
    with uow(write=True) as w:
        for version, event in enumerate(events, start=1):
            w.events.append(
                "c1", version=version, event_id=f"e{version}", event=event, recorded_at=AT
            )
        w.commit()
    with uow() as r:
        stored = r.events.load("c1")
    assert [s.event for s in stored] == events
    assert [s.version for s in stored] == [1, 2, 3]
    assert all(s.recorded_at == AT and s.recorded_at.tzinfo is not None for s in stored)


def test_a_stream_can_be_read_up_to_a_version(store: Services) -> None:
    uow = uow_of(store)
    with uow(write=True) as w:
        w.events.append(
            "c1",
            version=1,
            event_id="e1",
            event=CartOpened(device_id="d", currency="EUR"),
            recorded_at=AT,
        )
        w.events.append("c1", version=2, event_id="e2", event=scanned(), recorded_at=AT)
        w.commit()
    with uow() as r:
        assert [s.event_id for s in r.events.load("c1", up_to_version=1)] == ["e1"]
        assert r.events.version_of("c1", "e2") == 2
        assert r.events.version_of("c1", "nope") is None


def test_the_same_event_id_twice_is_refused_and_writes_nothing(store: Services) -> None:
    uow = opened_stream(store)
    with uow(write=True) as w, pytest.raises(DuplicateEvent):
        w.events.append("c1", version=2, event_id="e1", event=scanned(), recorded_at=AT)
    with uow() as r:
        assert len(r.events.load("c1")) == 1


def test_two_writers_at_the_same_version_conflict(store: Services) -> None:
    uow = opened_stream(store)
    with uow(write=True) as w, pytest.raises(ConcurrentAppend):
        w.events.append("c1", version=1, event_id="e2", event=scanned(), recorded_at=AT)
    with uow() as r:
        assert [s.event_id for s in r.events.load("c1")] == ["e1"]


def test_nothing_is_kept_without_a_commit(store: Services) -> None:
    uow = uow_of(store)
    with uow(write=True) as w:
        w.events.append(
            "c1",
            version=1,
            event_id="e1",
            event=CartOpened(device_id="d", currency="EUR"),
            recorded_at=AT,
        )
    with uow() as r:
        assert r.events.load("c1") == []


def test_streams_of_different_carts_do_not_mix(store: Services) -> None:
    uow = uow_of(store)
    with uow(write=True) as w:
        for cart in ("a", "b"):
            w.events.append(
                cart,
                version=1,
                event_id="same-id",
                event=CartOpened(device_id=cart, currency="EUR"),
                recorded_at=AT,
            )
        w.commit()
    with uow() as r:
        assert [s.event for s in r.events.load("a")] == [CartOpened(device_id="a", currency="EUR")]


def test_concurrent_writers_on_one_cart_all_land_with_contiguous_versions(store: Services) -> None:
    """Eight threads scan into one cart at once; each acknowledged scan is there exactly once."""
    from aisle.domain.cart import ScanItem
    from aisle.services.ports import Device
    from tests.support.store import ean, packaged

    view = store.carts.open_cart(Device(device_id="d1", name="cart-1"))
    cart_id = view.state.cart_id
    product = packaged(1)[0]
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(5):
                store.carts.handle(
                    cart_id, ScanItem(event_id=f"t{n}-{i}", code=ean(product), weight_g=None)
                )
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    final = store.carts.get(cart_id)
    assert final.state.item_count == 40
    with store.engine.connect() as conn:
        versions = (
            conn.execute(
                select(tables.cart_events.c.version)
                .where(tables.cart_events.c.cart_id == cart_id)
                .order_by(tables.cart_events.c.version)
            )
            .scalars()
            .all()
        )
        assert versions == list(range(1, 42))
        assert conn.execute(select(func.count()).select_from(tables.cart_events)).scalar_one() == 41


@pytest.mark.parametrize("statement", ["update", "delete"])
def test_the_database_itself_refuses_to_change_or_delete_an_event(
    store: Services, statement: str
) -> None:
    from sqlalchemy import delete, update
    from sqlalchemy.exc import DBAPIError

    uow = opened_stream(store)
    table = tables.cart_events
    change = update(table).values(event_id="rewritten") if statement == "update" else delete(table)
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(change)
    with uow() as r:
        assert [s.event_id for s in r.events.load("c1")] == ["e1"]
