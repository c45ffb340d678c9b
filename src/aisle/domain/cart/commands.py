"""What a cart device asks for. Each carries the ``event_id`` the device chose for it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanItem:
    event_id: str
    code: str  # raw scanner text
    weight_g: int | None = None  # from the cart's scale, for produce sold by weight


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoveLine:
    event_id: str
    line_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SetQuantity:
    event_id: str
    line_id: str
    quantity: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckOut:
    event_id: str
    payment_provider: str = "demo"


CartCommand = ScanItem | RemoveLine | SetQuantity | CheckOut
