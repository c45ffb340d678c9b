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
from aisle.domain.shopping_list import ListEntry, ListMatch


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
    or department, with no deposit, not SNAP-eligible: it is priced as it was when scanned.

    Version 4 added what the scale checks: the cart's clock (``t_ms``) and the unit weight the
    store expected at that moment (``unit_weight_mg`` ± ``unit_weight_spread_mg``); an older
    payload reads as a scan the scale does not check."""

    TYPE: ClassVar[str] = "cart.item_scanned"
    VERSION: ClassVar[int] = 4
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
    t_ms: int | None = None  # the cart's own clock; None: a device without a scale
    unit_weight_mg: int | None = None  # what one unit should weigh, as the store knew then
    unit_weight_spread_mg: int | None = None
    unit_weight_observations: int = 0  # 0: a first guess from the label; else learned from so many


@dataclass(frozen=True, slots=True, kw_only=True)
class LineRemoved:
    """Version 2 added the cart's clock, ``t_ms``."""

    TYPE: ClassVar[str] = "cart.line_removed"
    VERSION: ClassVar[int] = 2
    line_id: str
    t_ms: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class QuantityChanged:
    """Version 2 added the cart's clock, ``t_ms``."""

    TYPE: ClassVar[str] = "cart.quantity_changed"
    VERSION: ClassVar[int] = 2
    line_id: str
    quantity: int
    t_ms: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class WeightMeasured:
    """Readings of the cart's scale, as the cart sent them: ``(t_ms, milligrams)`` pairs in the
    order they came (out-of-order ones included: the projection sets them aside and says so),
    and a description of each reading that was not a number at all."""

    TYPE: ClassVar[str] = "cart.weight_measured"
    VERSION: ClassVar[int] = 1
    samples: tuple[tuple[int, int], ...]
    set_aside: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class OwnItemDeclared:
    """The shopper put something of their own in the cart (a handbag), once, and said so."""

    TYPE: ClassVar[str] = "cart.own_item_declared"
    VERSION: ClassVar[int] = 1
    t_ms: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewRequested:
    """At checkout the trip's risk was over the threshold: staff look before it may pay."""

    TYPE: ClassVar[str] = "cart.review_requested"
    VERSION: ClassVar[int] = 1
    review_id: str
    risk_ppm: int
    threshold_ppm: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewResolved:
    """An associate looked: ``outcome`` is all_fine, item_added, item_removed or audit."""

    TYPE: ClassVar[str] = "cart.review_resolved"
    VERSION: ClassVar[int] = 1
    review_id: str
    outcome: str
    staff_id: str
    note: str = ""


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
class ShoppingListWritten:
    """The shopper wrote (or brought, from their loyalty account) a list; it replaces any
    earlier one. Each entry keeps the products it matched at that moment."""

    TYPE: ClassVar[str] = "cart.shopping_list_written"
    VERSION: ClassVar[int] = 1
    entries: tuple[ListEntry, ...]
    source: str = "typed"  # or "loyalty"


@dataclass(frozen=True, slots=True, kw_only=True)
class ListEntryChosen:
    """Of an entry's several matches, the shopper chose this one."""

    TYPE: ClassVar[str] = "cart.list_entry_chosen"
    VERSION: ClassVar[int] = 1
    entry_id: str
    gtin: str


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
    | WeightMeasured
    | OwnItemDeclared
    | ReviewRequested
    | ReviewResolved
    | ShoppingListWritten
    | ListEntryChosen
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
        WeightMeasured,
        OwnItemDeclared,
        ReviewRequested,
        ReviewResolved,
        ShoppingListWritten,
        ListEntryChosen,
    )
}


def event_to_payload(event: CartEvent) -> dict[str, Any]:
    """The JSON payload of an event (without its type and version, which are stored beside it)."""
    if isinstance(event, WeightMeasured):  # the stream's most frequent event: no asdict walk
        # tuples as they are: JSON writes them as arrays, [[t_ms, mg], ...], like lists
        return {"samples": event.samples, "set_aside": event.set_aside}
    payload = asdict(event)
    for key, value in payload.items():
        if isinstance(value, Decimal):
            payload[key] = str(value)
        elif isinstance(value, SoldBy):
            payload[key] = value.value
        elif key == "entries":
            payload[key] = [
                {**entry, "candidates": list(entry["candidates"])} for entry in value
            ]  # asdict made each match a dict already
        elif isinstance(value, tuple):
            payload[key] = [list(v) if isinstance(v, tuple) else v for v in value]
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
        if version < 4:
            payload = {
                **payload,
                "t_ms": None,
                "unit_weight_mg": None,
                "unit_weight_spread_mg": None,
                "unit_weight_observations": 0,
            }
    elif type_name in (LineRemoved.TYPE, QuantityChanged.TYPE) and version < 2:
        payload = {**payload, "t_ms": None}
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
        elif f.name in ("warnings", "set_aside"):
            value = tuple(value)
        elif f.name == "samples":
            value = tuple((int(t), int(mg)) for t, mg in value)
        elif f.name == "entries":
            value = tuple(
                ListEntry(
                    **{
                        **entry,
                        "candidates": tuple(ListMatch(**m) for m in entry["candidates"]),
                    }
                )
                for entry in value
            )
        values[f.name] = value
    return cls(**values)
