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
    TYPE: ClassVar[str] = "cart.item_scanned"
    VERSION: ClassVar[int] = 1
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
class CartCheckedOut:
    TYPE: ClassVar[str] = "cart.checked_out"
    VERSION: ClassVar[int] = 1
    receipt_id: str
    total_minor: int
    payment_provider: str
    payment_reference: str


CartEvent = CartOpened | ItemScanned | LineRemoved | QuantityChanged | CartCheckedOut

_TYPES: dict[str, type[CartEvent]] = {
    cls.TYPE: cls for cls in (CartOpened, ItemScanned, LineRemoved, QuantityChanged, CartCheckedOut)
}


def event_to_payload(event: CartEvent) -> dict[str, Any]:
    """The JSON payload of an event (without its type and version, which are stored beside it)."""
    payload = asdict(event)
    for key, value in payload.items():
        if isinstance(value, Decimal):
            payload[key] = str(value)
        elif isinstance(value, SoldBy):
            payload[key] = value.value
    return payload


def event_from_payload(type_name: str, version: int, payload: dict[str, Any]) -> CartEvent:
    try:
        cls = _TYPES[type_name]
    except KeyError:
        raise ValueError(f"Unknown cart event type {type_name!r}") from None
    if version != cls.VERSION:
        raise ValueError(f"{type_name} version {version}: this code reads version {cls.VERSION}")
    values: dict[str, Any] = {}
    for f in fields(cls):
        value = payload[f.name]
        if f.name == "tax_rate":
            value = Decimal(value)
        elif f.name == "sold_by":
            value = SoldBy(value)
        values[f.name] = value
    return cls(**values)
