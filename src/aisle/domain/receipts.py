"""The receipt: what the shopper paid for, frozen at checkout.

A receipt keeps the prices that were charged. It is built once from the cart's state and its
pricing result and stored as a document; it is never recomputed from today's catalog.

It lists each line with the promotions that discounted it, the bottle deposits on lines of their
own, what the shopper saved, the tax per rate (the VAT summary in inclusive mode, the sales tax
lines in exclusive mode), what SNAP/EBT benefits may pay, the loyalty member and the coupons
redeemed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from aisle.domain.cart.state import CartState
from aisle.domain.money import Money
from aisle.domain.pricing import PricingResult, TaxMode

__all__ = ["Payment", "build_receipt_document", "format_rate"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Payment:
    provider: str
    reference: str


def format_rate(rate: Decimal) -> str:
    """A tax rate in percent as people write it: ``25``, ``5.5``."""
    return format(rate.normalize(), "f")


def build_receipt_document(
    *,
    receipt_id: str,
    store_name: str,
    state: CartState,
    pricing: PricingResult,
    tax_mode: TaxMode,
    payment: Payment,
    issued_at: datetime,
    coupons: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The receipt as a JSON document: money as decimal strings, time in ISO 8601.

    ``coupons``: the coupons redeemed by this checkout.
    """
    zero = Money.zero(pricing.currency)
    lines = []
    for line in state.lines.values():
        priced = pricing.line(line.line_id)
        lines.append(
            {
                "line_id": line.line_id,
                "gtin": line.gtin,
                "name": line.name,
                "brand": line.brand,
                "quantity": line.quantity,
                "sold_by": line.sold_by.value,
                "weight_g": line.weight_g,
                "unit_price": str(line.unit_price),
                "line_total": str(priced.gross),
                "discount": str(priced.discount),
                "net": str(priced.net),
                "tax_rate": format_rate(line.tax_rate),
                "adjustments": [
                    {
                        "promotion_id": a.promotion_id,
                        "description": a.description,
                        "amount": str(a.amount),
                    }
                    for a in priced.adjustments
                ],
            }
        )
    return {
        "receipt_id": receipt_id,
        "cart_id": state.cart_id,
        "store": {"name": store_name},
        "issued_at": issued_at.isoformat(),
        "currency": pricing.currency,
        "lines": lines,
        "item_count": state.item_count,
        "subtotal": str(pricing.subtotal),
        "discount_total": str(pricing.discount_total),
        "deposits": [
            {
                "line_id": d.line_id,
                "name": state.lines[d.line_id].name,
                "quantity": d.quantity,
                "unit_amount": str(d.unit_amount),
                "amount": str(d.amount),
            }
            for d in pricing.deposits
        ],
        "deposit_total": str(pricing.deposit_total or zero),
        "tax_total": str(pricing.tax_total),
        "total": str(pricing.total),
        "tax_mode": tax_mode.value,
        "taxes": [
            {
                "rate": format_rate(t.rate),
                "base": str(t.base),
                "net": str(t.net),
                "tax": str(t.tax),
                "gross": str(t.gross),
            }
            for t in pricing.taxes
        ],
        "snap_eligible_total": str(pricing.snap_eligible_total or zero),
        "member_id": state.member_id,
        "coupons": list(coupons),
        "payment": {
            "provider": payment.provider,
            "reference": payment.reference,
            "amount": str(pricing.total),
        },
        "age_check_required": state.age_check_required,
    }
