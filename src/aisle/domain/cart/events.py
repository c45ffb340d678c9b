"""Cart events: facts in the past tense, with stable type names and a schema version.

An event records everything needed to price it later (name, unit price, tax rate at the moment of
the scan), so replaying a stream never depends on today's catalog. Payloads are plain JSON values:
money as integer minor units, tax rates as decimal strings.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import Any, ClassVar

from aisle.domain.catalog import SoldBy


@dataclass(frozen=True, slots=True, kw_only=True)
class CartOpened:
    TYPE: ClassVar[str] = "cart.opened"
    VERSION: ClassVar[int] = 1
    device_id: str
    currency: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemScanned:
    """Version 2 added what a printed label says (``quantity``, ``label_price_minor``,
    ``serial``, ``warnings``); a version 1 payload reads as one item with no label.

    Version 3 added the facts promotions and tax read (``category``, ``department``,
    ``deposit_minor``, ``snap_eligible``); an older payload reads as a product in no category
    or department, with no deposit, not SNAP-eligible: it is priced as it was when scanned."""

    TYPE: ClassVar[str] = "cart.item_scanned"
    VERSION: ClassVar[int] = 3
    line_id: str  # an existing line when the same product is scanned again
    code: str  # what the scanner sent, for the audit trail
    gtin: str
    name: str
    brand: str
    unit_price_minor: int  # per piece, or per kg when sold by weight
    tax_rate: Decimal
    sold_by: SoldBy
    weight_g: int | None
    age_restricted: bool
    quantity: int = 1  # how many this scan adds (a count label may say 6)
    label_price_minor: int | None = None  # the price printed on the item's label, which wins
    serial: str | None = None  # one physical item (GS1 AI 21)
    warnings: tuple[str, ...] = ()  # for the shopper and the staff, such as a passed use-by date
    category: str = ""
    department: str = ""
    deposit_minor: int | None = None  # a bottle deposit per unit, charged on its own line
    snap_eligible: bool = False  # US: its tax class may be paid with SNAP/EBT benefits


@dataclass(frozen=True, slots=True, kw_only=True)
class LineRemoved:
    TYPE: ClassVar[str] = "cart.line_removed"
    VERSION: ClassVar[int] = 1
    line_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class QuantityChanged:
    TYPE: ClassVar[str] = "cart.quantity_changed"
    VERSION: ClassVar[int] = 1
    line_id: str
    quantity: int


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberIdentified:
    """The shopper showed a loyalty card: member prices and their digital coupons apply."""

    TYPE: ClassVar[str] = "cart.member_identified"
    VERSION: ClassVar[int] = 1
    member_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CouponPresented:
    """A coupon a live promotion asks for, scanned or typed; ``code`` is the offer's own."""

    TYPE: ClassVar[str] = "cart.coupon_presented"
    VERSION: ClassVar[int] = 1
    code: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CartCheckedOut:
    TYPE: ClassVar[str] = "cart.checked_out"
    VERSION: ClassVar[int] = 1
    receipt_id: str
    total_minor: int
    payment_provider: str
    payment_reference: str


CartEvent = (
    CartOpened
    | ItemScanned
    | LineRemoved
    | QuantityChanged
    | MemberIdentified
    | CouponPresented
    | CartCheckedOut
)

_TYPES: dict[str, type[CartEvent]] = {
    cls.TYPE: cls
    for cls in (
        CartOpened,
        ItemScanned,
        LineRemoved,
        QuantityChanged,
        MemberIdentified,
        CouponPresented,
        CartCheckedOut,
    )
}


def event_to_payload(event: CartEvent) -> dict[str, Any]:
    """The JSON payload of an event (without its type and version, which are stored beside it)."""
    payload = asdict(event)
    for key, value in payload.items():
        if isinstance(value, Decimal):
            payload[key] = str(value)
        elif isinstance(value, SoldBy):
            payload[key] = value.value
        elif isinstance(value, tuple):
            payload[key] = list(value)
    return payload


def _upcast(type_name: str, version: int, payload: dict[str, Any]) -> dict[str, Any]:
    """Older versions of an event, read as the current one, one version step at a time."""
    if type_name == ItemScanned.TYPE:
        if version < 2:
            payload = {
                **payload,
                "quantity": 1,
                "label_price_minor": None,
                "serial": None,
                "warnings": [],
            }
        if version < 3:
            payload = {
                **payload,
                "category": "",
                "department": "",
                "deposit_minor": None,
                "snap_eligible": False,
            }
    return payload


def event_from_payload(type_name: str, version: int, payload: dict[str, Any]) -> CartEvent:
    try:
        cls = _TYPES[type_name]
    except KeyError:
        raise ValueError(f"Unknown cart event type {type_name!r}") from None
    if not 1 <= version <= cls.VERSION:
        raise ValueError(f"{type_name} version {version}: this code reads up to {cls.VERSION}")
    payload = _upcast(type_name, version, payload)
    values: dict[str, Any] = {}
    for f in fields(cls):
        value = payload[f.name]
        if f.name == "tax_rate":
            value = Decimal(value)
        elif f.name == "sold_by":
            value = SoldBy(value)
        elif f.name == "warnings":
            value = tuple(value)
        values[f.name] = value
    return cls(**values)
