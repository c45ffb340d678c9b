"""Loyalty members: who they are and the digital coupons loaded to their account.

A member's id is the code printed on their loyalty card: the cart identifies them by it. Adding
a member that exists already sets its name (when one is given) and loads the new coupons.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from aisle.domain.errors import DomainError
from aisle.domain.shopping_list import parse_list
from aisle.services.ports import Clock, Member, UnitOfWorkFactory

__all__ = ["MemberService"]

_MEMBER_ID = re.compile(r"[A-Za-z0-9._-]{1,40}")
_COUPON = re.compile(r"[^\s]{1,100}")


class MemberService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def add(
        self,
        member_id: str,
        *,
        name: str | None = None,
        coupons: Sequence[str] = (),
        shopping_list: str | None = None,
    ) -> Member:
        """Add a member, or load more coupons to one (and rename it when ``name`` is given, and
        replace its saved shopping list when ``shopping_list`` is)."""
        member_id = member_id.strip()
        if not _MEMBER_ID.fullmatch(member_id):
            raise DomainError(
                f"Member id {member_id!r}: expected 1 to 40 letters, digits, '.', '_' or '-'"
            )
        codes = tuple(dict.fromkeys(code.strip() for code in coupons))
        for code in codes:
            if not _COUPON.fullmatch(code):
                raise DomainError(f"Coupon code {code!r}: expected 1 to 100 characters, no spaces")
        if shopping_list is not None and shopping_list.strip():
            parse_list(shopping_list)  # refuse a list the cart could not read, now
        with self._uow(write=True) as uow:
            known = uow.members.get(member_id)
            if known is None:
                member = Member(
                    member_id=member_id,
                    name=(name or "").strip(),
                    coupons=codes,
                    shopping_list=(shopping_list or "").strip(),
                )
                uow.members.add(member, self._clock())
            else:
                held = known.coupons + tuple(c for c in codes if c not in known.coupons)
                renamed = known.name if name is None else name.strip()
                kept = known.shopping_list if shopping_list is None else shopping_list.strip()
                uow.members.update(
                    Member(member_id=member_id, name=renamed, coupons=held, shopping_list=kept)
                )
            added = uow.members.get(member_id)
            uow.commit()
        assert added is not None
        return added

    def get(self, member_id: str) -> Member | None:
        with self._uow() as uow:
            return uow.members.get(member_id.strip())
