"""Domain errors.

Every error carries a stable machine ``code`` (part of the HTTP contract) and a ``message`` that a
shopper or an associate can read: it quotes what was given and says what was expected.
"""

from __future__ import annotations

__all__ = [
    "BadList",
    "BadReadings",
    "CartClosed",
    "CouponAlreadyPresented",
    "CouponAlreadyUsed",
    "CouponNotAccepted",
    "DomainError",
    "DuplicateItem",
    "InvalidQuantity",
    "MemberAlreadyIdentified",
    "MisreadBarcode",
    "NotABarcode",
    "NotPriced",
    "OwnItemAlreadyDeclared",
    "RecalledItem",
    "Refused",
    "ReviewRequired",
    "UnknownLine",
    "UnknownListEntry",
    "UnknownMember",
    "UnknownProduct",
    "WeightRequired",
]


class DomainError(Exception):
    """A rule of the store was broken; nothing was changed."""

    code = "domain_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Refused(DomainError):
    """A refusal given before, given again with its original code and words."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class DuplicateItem(DomainError):
    code = "duplicate_item"


class RecalledItem(DomainError):
    code = "recalled_item"


class CouponNotAccepted(DomainError):
    """No live promotion asks for this coupon (today, in this store)."""

    code = "coupon_not_accepted"


class CouponAlreadyUsed(DomainError):
    """The coupon was redeemed at an earlier checkout: a coupon is used once."""

    code = "coupon_already_used"


class CouponAlreadyPresented(DomainError):
    code = "coupon_already_presented"


class UnknownMember(DomainError):
    code = "unknown_member"


class MemberAlreadyIdentified(DomainError):
    code = "member_already_identified"


class NotABarcode(DomainError):
    code = "not_a_barcode"


class MisreadBarcode(DomainError):
    code = "misread_barcode"


class UnknownProduct(DomainError):
    code = "unknown_product"


class NotPriced(DomainError):
    code = "not_priced"


class UnknownLine(DomainError):
    code = "unknown_line"


class InvalidQuantity(DomainError):
    code = "invalid_quantity"


class WeightRequired(DomainError):
    code = "weight_required"


class CartClosed(DomainError):
    code = "cart_closed"


class BadReadings(DomainError):
    code = "bad_readings"


class OwnItemAlreadyDeclared(DomainError):
    code = "own_item_already_declared"


class ReviewRequired(DomainError):
    """Checkout waits: an associate looks at the trip first."""

    code = "review_required"


class BadList(DomainError):
    """A shopping list that can't be read: no entries, an entry too long, a count out of range,
    or a choice that is not one of an entry's matches."""

    code = "bad_list"


class UnknownListEntry(DomainError):
    code = "unknown_list_entry"
