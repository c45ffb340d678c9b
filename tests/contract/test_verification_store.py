"""Learned weights, their observations, trip risks and the review queue on every backend."""

from __future__ import annotations

from datetime import timedelta

from aisle.adapters.db.uow import SqlUnitOfWorkFactory
from aisle.bootstrap import Services
from aisle.demo.catalog import demo_products
from aisle.domain.verify import UnitWeight
from aisle.services.ports import Review
from tests.support.store import START

MILK = "03850000000011"
BREAD = "03850000000028"


def test_a_learned_weight_is_saved_replaced_and_read_back(store: Services) -> None:
    uow = SqlUnitOfWorkFactory(store.engine)
    with uow(write=True) as tx:
        tx.weights.save(MILK, UnitWeight(mean_mg=1_050_000, spread_mg=9_000, observations=3), START)
        tx.commit()
    with uow(write=True) as tx:
        tx.weights.save(MILK, UnitWeight(mean_mg=1_061_000, spread_mg=4_000, observations=6), START)
        tx.commit()
    with uow() as tx:
        assert tx.weights.learned([MILK, BREAD]) == {
            MILK: UnitWeight(mean_mg=1_061_000, spread_mg=4_000, observations=6)
        }
        assert tx.weights.learned([]) == {}


def test_observations_are_kept_per_product_newest_first_and_by_source(store: Services) -> None:
    uow = SqlUnitOfWorkFactory(store.engine)
    with uow(write=True) as tx:
        tx.weights.observe([(MILK, 1_050_000), (BREAD, 512_000)], cart_id="c1", source="clear",
                           at=START)  # fmt: skip
        tx.weights.observe([(MILK, 1_062_000)], cart_id="c2", source="staff",
                           at=START + timedelta(minutes=5))  # fmt: skip
        tx.weights.observe([(MILK, 1_251_000)], cart_id="c3", source="mismatch",
                           at=START + timedelta(minutes=9))  # fmt: skip
        tx.weights.observe([], cart_id="c4", source="clear", at=START)
        tx.commit()
    with uow() as tx:
        assert tx.weights.latest(MILK, 10) == [1_062_000, 1_050_000]
        assert tx.weights.latest(MILK, 1) == [1_062_000]
        assert tx.weights.latest(MILK, 10, source="mismatch") == [1_251_000]
        assert tx.weights.latest(BREAD, 10) == [512_000]


FINDING = {
    "kind": "weight_mismatch",
    "severity": "review",
    "t_ms": 9_000,
    "message": "The item placed doesn't match the one scanned.",
    "detail": "milk: expected 1060 g, measured 1510 g",
    "line_id": "l1",
    "delta_mg": 1_510_000,
}


def review(review_id: str, *, member: str | None = "4000123", minutes: int = 0) -> Review:
    return Review(
        review_id=review_id,
        cart_id=f"cart-{review_id}",
        kind="review",
        status="open",
        risk_ppm=900_000,
        threshold_ppm=500_000,
        member_id=member,
        device_id="d1",
        findings=(FINDING,),
        created_at=START + timedelta(minutes=minutes),
    )


def test_the_review_queue_holds_resolves_and_remembers_who_was_short(store: Services) -> None:
    uow = SqlUnitOfWorkFactory(store.engine)
    with uow(write=True) as tx:
        tx.reviews.add(review("r1"))
        tx.reviews.add(review("r2", minutes=3))
        tx.reviews.add(review("r3", member=None, minutes=6))
        tx.commit()
    with uow(write=True) as tx:
        tx.reviews.resolve("r1", outcome="item_added", staff_id="s1", note="a bottle under the bag",
                           at=START + timedelta(minutes=10))  # fmt: skip
        tx.commit()
    with uow() as tx:
        assert [r.review_id for r in tx.reviews.queue(status="open")] == ["r3", "r2"]
        resolved = tx.reviews.get("r1")
        assert resolved is not None and resolved.status == "resolved"
        assert resolved.outcome == "item_added" and resolved.note == "a bottle under the bag"
        assert resolved.findings == review("r1").findings
        assert tx.reviews.get("missing") is None
        assert tx.reviews.confirmed_short("4000123") == 1
        assert tx.reviews.confirmed_short("4000999") == 0


def test_trip_risks_keep_the_latest_per_trip_newest_first(store: Services) -> None:
    uow = SqlUnitOfWorkFactory(store.engine)
    with uow(write=True) as tx:
        for k, risk in enumerate([0, 850_000, 4_000]):
            tx.reviews.record_risk(f"c{k}", risk, "pass", START + timedelta(minutes=k))
        tx.reviews.record_risk("c0", 10, "pass", START + timedelta(minutes=7))  # again: replaced
        tx.commit()
    with uow() as tx:
        assert tx.reviews.recent_risks(10) == [10, 4_000, 850_000]
        assert tx.reviews.recent_risks(2) == [10, 4_000]


def test_the_learned_weights_of_a_category_are_found_for_a_first_guess(store: Services) -> None:
    products = {p.name: p for p in demo_products()}
    wine = [p for p in products.values() if p.department == "Beer, Wine & Spirits"][:4]
    uow = SqlUnitOfWorkFactory(store.engine)
    with uow(write=True) as tx:
        for k, product in enumerate(wine):
            tx.weights.save(product.gtin, UnitWeight(mean_mg=1_200_000 + k, spread_mg=9_000,
                                                     observations=5 + k), START)  # fmt: skip
        tx.weights.save(MILK, UnitWeight(mean_mg=1_050_000, spread_mg=9_000, observations=9), START)
        tx.commit()
    with uow() as tx:
        found = tx.weights.learned_among("", "Beer, Wine & Spirits", least_observations=6)
        assert [gtin for gtin, _, _ in found] == sorted(p.gtin for p in wine[1:])
        assert all(net.unit == "ml" for _, net, _ in found)
        assert tx.weights.learned_among("", "", least_observations=0) == []
        assert tx.weights.learned_among("Wine", "", least_observations=0) == []
