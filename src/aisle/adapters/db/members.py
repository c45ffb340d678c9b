"""Loyalty members, their digital coupons, and the coupons redeemed at checkout, in SQL.

A coupon code is redeemed once, ever: ``coupon_redemptions`` is keyed by the code, so two
checkouts racing for the same coupon cannot both have it (the second one is told to price again).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from aisle.adapters.db import tables as t
from aisle.services.ports import ConcurrentAppend, CouponRedemption, Member

__all__ = ["SqlCouponRedemptions", "SqlMembers"]

_CHUNK = 500


class SqlMembers:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, member_id: str) -> Member | None:
        row = self._conn.execute(
            select(t.members).where(t.members.c.member_id == member_id)
        ).first()
        if row is None:
            return None
        mc = t.member_coupons
        codes = self._conn.execute(
            select(mc.c.code).where(mc.c.member_id == member_id).order_by(mc.c.code)
        ).scalars()
        return Member(
            member_id=row.member_id,
            name=row.name,
            coupons=tuple(codes),
            shopping_list=row.shopping_list,
        )

    def add(self, member: Member, added_at: datetime) -> None:
        self._conn.execute(
            insert(t.members).values(
                member_id=member.member_id,
                name=member.name,
                shopping_list=member.shopping_list,
                added_at=added_at,
            )
        )
        self._add_coupons(member.member_id, member.coupons)

    def update(self, member: Member) -> None:
        self._conn.execute(
            update(t.members)
            .where(t.members.c.member_id == member.member_id)
            .values(name=member.name, shopping_list=member.shopping_list)
        )
        mc = t.member_coupons
        held = set(
            self._conn.execute(
                select(mc.c.code).where(mc.c.member_id == member.member_id)
            ).scalars()
        )
        self._add_coupons(member.member_id, [c for c in member.coupons if c not in held])

    def _add_coupons(self, member_id: str, codes: Collection[str]) -> None:
        if codes:
            self._conn.execute(
                insert(t.member_coupons),
                [{"member_id": member_id, "code": code} for code in dict.fromkeys(codes)],
            )


class SqlCouponRedemptions:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def of(self, codes: Collection[str]) -> dict[str, CouponRedemption]:
        found: dict[str, CouponRedemption] = {}
        cr = t.coupon_redemptions
        ordered = sorted(set(codes))
        for start in range(0, len(ordered), _CHUNK):
            query = select(cr).where(cr.c.code.in_(ordered[start : start + _CHUNK]))
            for row in self._conn.execute(query):
                found[row.code] = CouponRedemption(
                    code=row.code,
                    cart_id=row.cart_id,
                    member_id=row.member_id,
                    redeemed_at=row.redeemed_at,
                )
        return found

    def add(self, redemptions: Sequence[CouponRedemption]) -> None:
        if not redemptions:
            return
        rows = [
            {
                "code": r.code,
                "cart_id": r.cart_id,
                "member_id": r.member_id,
                "redeemed_at": r.redeemed_at,
            }
            for r in redemptions
        ]
        try:
            self._conn.execute(insert(t.coupon_redemptions), rows)
        except IntegrityError as error:
            # Another checkout redeemed one of these coupons first: the caller prices again.
            raise ConcurrentAppend(f"coupon {redemptions[0].code} was just redeemed") from error
