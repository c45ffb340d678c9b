"""Loyalty cards and coupons at the cart: who is shopping, and which coupons they may use.

A member is identified by the code on their card, which is their member id. A coupon's code is
what :func:`~aisle.domain.barcodes.parse_scan` reads as ``Coupon.code`` (the GTIN-13 of a GS1
coupon, the AI and value of a North American DataBar coupon, a store coupon's text as printed),
or the text typed on the screen; it is matched to a live promotion's coupon without regard to
case and recorded in the promotion's own spelling.

A coupon is taken when a live promotion of this store asks for it and it was never redeemed. The
shopper's coupons for pricing are those presented on the cart and the member's digital ones,
less those another cart redeemed. At checkout each of them whose promotion gave a discount is
redeemed, once and for good: a coupon code is used once, ever.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aisle.domain.barcodes import Coupon, ScanRules, parse_scan
from aisle.domain.cart import CartState, CouponPresented, MemberIdentified
from aisle.domain.errors import DomainError, UnknownMember
from aisle.domain.pricing import Offer, PricingResult, Shopper
from aisle.services.ports import CouponRedemption, UnitOfWork

__all__ = [
    "identify",
    "present_coupon",
    "redeem_coupons",
    "saved_list",
    "shopper",
    "typed_coupon",
]


def identify(uow: UnitOfWork, state: CartState, loyalty_code: str) -> MemberIdentified:
    code = loyalty_code.strip()
    member = uow.members.get(code) if code else None
    if member is None:
        raise UnknownMember(
            f"We don't know loyalty card {code!r}: check the number, or ask an associate"
        )
    return state.identify_member(member.member_id)


def saved_list(uow: UnitOfWork, member_id: str) -> str:
    """The shopping list kept on the member's account ("" when there is none)."""
    member = uow.members.get(member_id)
    return member.shopping_list if member is not None else ""


def typed_coupon(text: str, rules: ScanRules) -> str:
    """A typed coupon's code: what a scan of the same text reads, or the text itself."""
    text = text.strip()
    try:
        code = parse_scan(text, rules)
    except DomainError:
        return text
    return code.code if isinstance(code, Coupon) else text


def present_coupon(uow: UnitOfWork, state: CartState, code: str, now: datetime) -> CouponPresented:
    asked_for = set(_coupons(uow, uow.promotions.live(now)).values())
    code = next((c for c in asked_for if c.casefold() == code.casefold()), code)
    used = code in uow.redemptions.of([code])
    return state.present_coupon(code, asked_for=asked_for, used=used)


def shopper(uow: UnitOfWork, state: CartState) -> Shopper:
    """Who is shopping, with every coupon they may still use in this cart."""
    member = uow.members.get(state.member_id) if state.member_id else None
    held = list(dict.fromkeys((*state.coupons, *(member.coupons if member else ()))))
    redeemed = uow.redemptions.of(held)
    usable = [c for c in held if c not in redeemed or redeemed[c].cart_id == state.cart_id]
    return Shopper(member_id=state.member_id, coupons=frozenset(usable))


def redeem_coupons(
    uow: UnitOfWork, state: CartState, pricing: PricingResult, now: datetime
) -> list[CouponRedemption]:
    """Redeem each of the shopper's coupons whose promotion gave a discount.

    Raises ConcurrentAppend when another checkout redeemed one of them first: price again.
    """
    usable = shopper(uow, state).coupons
    if not usable:
        return []
    coupon_of = _coupons(uow, uow.promotions.live(now))
    given = {a.promotion_id for line in pricing.lines for a in line.adjustments}
    codes = sorted({coupon_of[p] for p in given if p in coupon_of} & usable)
    redemptions = [
        CouponRedemption(
            code=code, cart_id=state.cart_id, member_id=state.member_id, redeemed_at=now
        )
        for code in codes
    ]
    uow.redemptions.add(redemptions)
    return redemptions


def _coupons(uow: UnitOfWork, offers: Sequence[Offer]) -> dict[str, str]:
    """The coupon each of this store's coupon offers asks for, by promotion id."""
    return {
        o.id: o.when.coupon
        for o in offers
        if o.when.coupon and (not o.when.stores or uow.store in o.when.stores)
    }
