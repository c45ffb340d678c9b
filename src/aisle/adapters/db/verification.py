"""Learned product weights and the review queue, in SQL."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from aisle.adapters.db import tables as t
from aisle.domain.catalog import NetContent
from aisle.domain.verify import UnitWeight
from aisle.services.ports import Review

__all__ = ["SqlReviews", "SqlWeights"]


class SqlWeights:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def learned(self, gtins: Collection[str]) -> dict[str, UnitWeight]:
        if not gtins:
            return {}
        w = t.product_weights
        rows = self._conn.execute(select(w).where(w.c.gtin.in_(sorted(gtins))))
        return {
            row.gtin: UnitWeight(
                mean_mg=row.mean_mg, spread_mg=row.spread_mg, observations=row.observations
            )
            for row in rows
        }

    def learned_among(
        self, category: str, department: str, *, least_observations: int
    ) -> list[tuple[str, NetContent, UnitWeight]]:
        """The learned weights of a category's products with a net content in g or ml (of a
        department's products in no category, when ``category`` is "")."""
        w, p = t.product_weights, t.products
        if category:
            kind = p.c.category == category
        elif department:
            kind = (p.c.department == department) & (p.c.category == "")
        else:
            return []
        query = (
            select(w, p.c.net_amount, p.c.net_unit)
            .join(p, p.c.gtin == w.c.gtin)
            .where(
                kind,
                w.c.observations >= least_observations,
                p.c.net_unit.in_(("g", "ml")),
                p.c.net_amount > 0,
            )
            .order_by(w.c.gtin)
        )
        return [
            (
                row.gtin,
                NetContent(amount=row.net_amount, unit=row.net_unit),
                UnitWeight(
                    mean_mg=row.mean_mg, spread_mg=row.spread_mg, observations=row.observations
                ),
            )
            for row in self._conn.execute(query)
        ]

    def observe(
        self, observations: Sequence[tuple[str, int]], *, cart_id: str, source: str, at: datetime
    ) -> None:
        if observations:
            self._conn.execute(
                insert(t.weight_observations),
                [
                    {"gtin": g, "unit_mg": mg, "cart_id": cart_id, "source": source,
                     "recorded_at": at}
                    for g, mg in observations
                ],
            )  # fmt: skip

    def latest(self, gtin: str, limit: int, *, source: str | None = None) -> list[int]:
        o = t.weight_observations
        sources = ("clear", "staff") if source is None else (source,)
        query = (
            select(o.c.unit_mg)
            .where(o.c.gtin == gtin, o.c.source.in_(sources))
            .order_by(o.c.id.desc())
            .limit(limit)
        )
        return list(self._conn.execute(query).scalars())

    def save(self, gtin: str, weight: UnitWeight, at: datetime) -> None:
        w = t.product_weights
        values = {
            "mean_mg": weight.mean_mg,
            "spread_mg": weight.spread_mg,
            "observations": weight.observations,
            "updated_at": at,
        }
        done = self._conn.execute(update(w).where(w.c.gtin == gtin).values(**values))
        if done.rowcount == 0:
            self._conn.execute(insert(w).values(gtin=gtin, **values))


class SqlReviews:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, review: Review) -> None:
        self._conn.execute(
            insert(t.reviews).values(
                review_id=review.review_id,
                cart_id=review.cart_id,
                kind=review.kind,
                status=review.status,
                risk_ppm=review.risk_ppm,
                threshold_ppm=review.threshold_ppm,
                member_id=review.member_id,
                device_id=review.device_id,
                findings=list(review.findings),
                created_at=review.created_at,
                note=review.note,
            )
        )

    def get(self, review_id: str) -> Review | None:
        row = self._conn.execute(
            select(t.reviews).where(t.reviews.c.review_id == review_id)
        ).first()
        return None if row is None else _review(row._mapping)

    def queue(self, *, status: str | None = None, limit: int = 200) -> list[Review]:
        r = t.reviews
        query = select(r).order_by(r.c.created_at.desc(), r.c.review_id).limit(limit)
        if status is not None:
            query = query.where(r.c.status == status)
        return [_review(row._mapping) for row in self._conn.execute(query)]

    def resolve(
        self, review_id: str, *, outcome: str, staff_id: str, note: str, at: datetime
    ) -> None:
        self._conn.execute(
            update(t.reviews)
            .where(t.reviews.c.review_id == review_id)
            .values(status="resolved", outcome=outcome, staff_id=staff_id, note=note,
                    resolved_at=at)
        )  # fmt: skip

    def record_risk(self, cart_id: str, risk_ppm: int, decision: str, at: datetime) -> None:
        r = t.trip_risks
        self._conn.execute(delete(r).where(r.c.cart_id == cart_id))
        self._conn.execute(
            insert(r).values(cart_id=cart_id, risk_ppm=risk_ppm, decision=decision, recorded_at=at)
        )

    def recent_risks(self, limit: int) -> list[int]:
        r = t.trip_risks
        query = select(r.c.risk_ppm).order_by(r.c.recorded_at.desc()).limit(limit)
        return list(self._conn.execute(query).scalars())

    def confirmed_short(self, member_id: str) -> int:
        r = t.reviews
        query = select(func.count()).where(r.c.member_id == member_id, r.c.outcome == "item_added")
        return int(self._conn.execute(query).scalar_one())


def _review(row: Any) -> Review:
    return Review(
        review_id=row["review_id"],
        cart_id=row["cart_id"],
        kind=row["kind"],
        status=row["status"],
        risk_ppm=row["risk_ppm"],
        threshold_ppm=row["threshold_ppm"],
        member_id=row["member_id"],
        device_id=row["device_id"],
        findings=tuple(row["findings"]),
        created_at=row["created_at"],
        outcome=row["outcome"],
        staff_id=row["staff_id"],
        note=row["note"],
        resolved_at=row["resolved_at"],
    )
