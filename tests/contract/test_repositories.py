"""Catalog, devices, staff and receipts behave the same on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aisle.bootstrap import Services
from aisle.domain.catalog import SoldBy
from aisle.services.ports import Device
from tests.support.store import START


def test_a_product_is_found_by_any_form_of_its_gtin_and_by_plu(store: Services) -> None:
    from aisle.adapters.db.uow import SqlUnitOfWorkFactory
    from aisle.demo.catalog import demo_products

    products = demo_products()
    packaged = next(p for p in products if p.sold_by is SoldBy.EACH)
    weighed = next(p for p in products if p.sold_by is SoldBy.WEIGHT)
    with SqlUnitOfWorkFactory(store.engine)() as uow:
        later = START + timedelta(days=1)
        assert uow.catalog.by_gtin(packaged.gtin, later) == packaged
        assert weighed.plu is not None
        assert uow.catalog.by_plu(weighed.plu, later) == weighed
        assert uow.catalog.by_gtin("04006381333931", later) is None


def test_search_ignores_case_and_puts_the_best_match_first(store: Services) -> None:
    found = store.catalog.search("BANANAS")
    assert found and all("banana" in p.name.lower() for p in found)
    assert store.catalog.search("organic bananas")[0].name.lower().startswith("organic")
    assert store.catalog.search("zzzz-nothing") == []
    assert store.catalog.search("   ") == []


def test_search_treats_like_wildcards_as_text(store: Services) -> None:
    assert {p.name for p in store.catalog.search("%")} >= {"Dark chocolate 70 %"}
    assert all("%" in p.name for p in store.catalog.search("%"))
    assert store.catalog.search("_") == []


def test_price_reductions_are_found_only_while_active(store: Services) -> None:
    from aisle.adapters.db.uow import SqlUnitOfWorkFactory
    from aisle.demo.catalog import demo_price_reductions

    reduction = demo_price_reductions(START)[0]
    with SqlUnitOfWorkFactory(store.engine)() as uow:
        assert uow.catalog.price_reductions({reduction.gtin}, START) == [reduction]
        later = datetime(2030, 1, 1, tzinfo=UTC)
        assert uow.catalog.price_reductions({reduction.gtin}, later) == []


def test_a_device_token_is_stored_only_as_a_hash(store: Services) -> None:
    device, token = store.access.add_device("cart-7")
    assert store.access.device_for(token) == device
    assert store.access.device_for(token + "x") is None
    with store.engine.connect() as conn:
        from sqlalchemy import select

        from aisle.adapters.db.tables import devices

        stored = conn.execute(select(devices.c.token_hash)).scalars().all()
    assert token not in stored


def test_staff_passwords_are_hashed_with_argon2(store: Services) -> None:
    member = store.access.add_staff("ana", "correct horse battery", "associate")
    session = store.access.log_in("ana", "correct horse battery")
    assert session.member == member
    assert store.access.staff_for(session.token) == member
    with store.engine.connect() as conn:
        from sqlalchemy import select

        from aisle.adapters.db.tables import staff

        assert conn.execute(select(staff.c.password_hash)).scalar_one().startswith("$argon2id$")


def test_receipts_round_trip_as_documents(store: Services) -> None:
    from aisle.adapters.db.uow import SqlUnitOfWorkFactory

    document = {"receipt_id": "r1", "total": "12.34", "lines": [{"name": "Kruh", "net": "1.20"}]}
    with SqlUnitOfWorkFactory(store.engine)(write=True) as uow:
        uow.receipts.add("r1", "c1", START, document)
        uow.commit()
    assert store.carts.receipt("r1") == document
    assert store.carts.receipt("r2") is None


def test_cart_summaries_list_open_carts_newest_first(store: Services) -> None:
    first = store.carts.open_cart(Device(device_id="d1", name="cart-1"))
    second = store.carts.open_cart(Device(device_id="d2", name="cart-2"))
    listed = store.carts.summaries(status="shopping")
    assert [s.cart_id for s in listed] == [second.state.cart_id, first.state.cart_id]
    assert [s.device_name for s in listed] == ["cart-2", "cart-1"]
