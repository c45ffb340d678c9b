"""What a cart device asks for. Each carries the ``event_id`` the device chose for it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanItem:
    event_id: str
    code: str  # raw scanner text
    weight_g: int | None = None  # from the cart's scale, for produce sold by weight
    t_ms: int | None = None  # the cart's own clock


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoveLine:
    event_id: str
    line_id: str
    t_ms: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SetQuantity:
    event_id: str
    line_id: str
    quantity: int
    t_ms: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportWeight:
    event_id: str
    samples: tuple[tuple[object, object], ...]  # (t_ms, grams) as the scale sent them


@dataclass(frozen=True, slots=True, kw_only=True)
class DeclareOwnItem:
    event_id: str
    t_ms: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class IdentifyMember:
    event_id: str
    loyalty_code: str  # as typed or read from the loyalty card: the member id


@dataclass(frozen=True, slots=True, kw_only=True)
class PresentCoupon:
    event_id: str
    code: str  # typed on the screen; a scanned coupon arrives as a ScanItem


@dataclass(frozen=True, slots=True, kw_only=True)
class WriteShoppingList:
    event_id: str
    text: str  # as typed or pasted: "2 milk, eggs, bananas"


@dataclass(frozen=True, slots=True, kw_only=True)
class ChooseListEntry:
    event_id: str
    entry_id: str
    gtin: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckOut:
    event_id: str
    payment_provider: str = "demo"


#: What a device sends while shopping, one event at a time.
ShoppingCommand = (
    ScanItem
    | RemoveLine
    | SetQuantity
    | IdentifyMember
    | PresentCoupon
    | ReportWeight
    | DeclareOwnItem
    | WriteShoppingList
    | ChooseListEntry
)

CartCommand = ShoppingCommand | CheckOut
