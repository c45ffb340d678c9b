"""Members, their digital coupons, coupon redemptions and SNAP tax classes on every backend."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from aisle.adapters.db.uow import SqlUnitOfWorkFactory
from aisle.bootstrap import Services
from aisle.domain.catalog import Product, TaxClass
from aisle.domain.money import Money
from aisle.services.ports import ConcurrentAppend, CouponRedemption, Member
from tests.support.store import START


def test_a_member_is_stored_with_their_coupons_and_gets_more_later(store: Services) -> None:
    uow = SqlUnitOfWorkFactory(store.engine)
    with uow(write=True) as tx:
        tx.members.add(Member(member_id="4000123", name="Ana", coupons=("B", "A")), START)
        tx.commit()
    with uow(write=True) as tx:
        tx.members.update(Member(member_id="4000123", name="Ana K.", coupons=("A", "B", "C")))
        tx.commit()
    with uow() as tx:
        assert tx.members.get("4000123") == Member(
            member_id="4000123", name="Ana K.", coupons=("A", "B", "C")
        )
        assert tx.members.get("4000999") is None


def test_a_coupon_is_redeemed_once_ever(store: Services) -> None:
    uow = SqlUnitOfWorkFactory(store.engine)
    first = CouponRedemption(code="ONCE-1", cart_id="c1", member_id="4000123", redeemed_at=START)
    with uow(write=True) as tx:
        tx.redemptions.add([first])
        tx.redemptions.add([])
        tx.commit()
    with uow() as tx:
        assert tx.redemptions.of(["ONCE-1", "NEVER"]) == {"ONCE-1": first}
    again = CouponRedemption(
        code="ONCE-1", cart_id="c2", member_id=None, redeemed_at=START + timedelta(hours=1)
    )
    with uow(write=True) as tx, pytest.raises(ConcurrentAppend):
        tx.redemptions.add([again])
    with uow() as tx:
        assert tx.redemptions.of(["ONCE-1"])["ONCE-1"].cart_id == "c1"


def test_tax_classes_keep_their_snap_eligibility_and_products_their_deposit(
    store: Services,
) -> None:
    grocery = TaxClass(code="grocery", name="Grocery", rate_percent=Decimal(0), snap_eligible=True)
    water = Product(
        gtin="03859990000015",
        name="Still water 1.5 l",
        brand="Izvor",
        department="Beverages",
        price=Money(minor=79, currency="EUR"),
        tax_class="grocery",
        deposit=Money(minor=10, currency="EUR"),
    )
    store.catalog.load(tax_classes=[grocery], products=[water])
    with SqlUnitOfWorkFactory(store.engine)() as tx:
        assert tx.catalog.tax_class("grocery") == grocery
        assert tx.catalog.tax_class("standard").snap_eligible is False
        found = tx.catalog.by_gtin(water.gtin, START + timedelta(days=1))
        assert found is not None and found.deposit == Money(minor=10, currency="EUR")
        with pytest.raises(LookupError, match="'nothing' is not set up"):
            tx.catalog.tax_class("nothing")
