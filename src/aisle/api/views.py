"""Turning service results into the contract's response bodies."""

from __future__ import annotations

import json
from typing import Literal

from fastapi import Request

from aisle.api.schemas import (
    AdjustmentOut,
    CartLineOut,
    CartStateOut,
    DepositOut,
    FindingOut,
    HintOut,
    ListEntryOut,
    ListMatchOut,
    TaxOut,
    VerificationOut,
)
from aisle.bootstrap import Services
from aisle.domain.cart import CartState
from aisle.domain.money import Money
from aisle.domain.receipts import format_rate
from aisle.domain.verify import Finding, Severity
from aisle.services.carts import CartView

__all__ = ["base_url", "cart_state", "receipt_url"]


def base_url(request: Request, services: Services) -> str:
    return (services.settings.public_url or str(request.base_url)).rstrip("/")


def receipt_url(base: str, services: Services, receipt_id: str) -> str:
    return f"{base}/receipts/{receipt_id}?key={services.access.signer.receipt_key(receipt_id)}"


def cart_state(view: CartView, *, base: str, services: Services) -> CartStateOut:
    state, pricing = view.state, view.pricing
    zero = Money.zero(pricing.currency)
    lines = []
    for line in state.lines.values():
        priced = pricing.line(line.line_id)
        lines.append(
            CartLineOut(
                line_id=line.line_id,
                gtin=line.gtin,
                name=line.name,
                brand=line.brand,
                quantity=line.quantity,
                sold_by=line.sold_by.value,
                weight_g=line.weight_g,
                unit_price=str(line.unit_price),
                line_total=str(priced.gross),
                discount=str(priced.discount),
                net=str(priced.net),
                adjustments=[
                    AdjustmentOut(
                        promotion_id=a.promotion_id, description=a.description, amount=str(a.amount)
                    )
                    for a in priced.adjustments
                ],
                age_restricted=line.age_restricted,
                label_price=str(line.label_price) if line.label_price is not None else None,
                warnings=list(line.warnings),
            )
        )
    return CartStateOut(
        cart_id=state.cart_id,
        status=state.status.value,
        currency=state.currency,
        version=state.version,
        lines=lines,
        item_count=state.item_count,
        subtotal=str(pricing.subtotal),
        discount_total=str(pricing.discount_total),
        deposits=[
            DepositOut(
                line_id=d.line_id,
                name=state.lines[d.line_id].name,
                quantity=d.quantity,
                unit_amount=str(d.unit_amount),
                amount=str(d.amount),
            )
            for d in pricing.deposits
        ],
        deposit_total=str(pricing.deposit_total or zero),
        tax_total=str(pricing.tax_total),
        taxes=[
            TaxOut(
                rate=format_rate(t.rate),
                base=str(t.base),
                net=str(t.net),
                tax=str(t.tax),
                gross=str(t.gross),
            )
            for t in pricing.taxes
        ],
        total=str(pricing.total),
        snap_eligible_total=str(pricing.snap_eligible_total or zero),
        hints=[
            HintOut(promotion_id=h.promotion_id, message=h.message, saving=str(h.saving))
            for h in pricing.hints
        ],
        member_id=state.member_id,
        coupons=list(state.coupons),
        tax_mode=services.settings.tax_mode.value,
        age_check_required=state.age_check_required,
        alerts=[warning for line in state.lines.values() for warning in line.warnings],
        receipt_id=state.receipt_id,
        receipt_url=receipt_url(base, services, state.receipt_id) if state.receipt_id else None,
        updated_at=view.updated_at,
        verification=verification_out(state),
        shopping_list=shopping_list_out(state, services),
        list_source=_LIST_SOURCES.get(state.list_source, ""),
    )


_LIST_SOURCES: dict[str, Literal["typed", "loyalty"]] = {"typed": "typed", "loyalty": "loyalty"}


def shopping_list_out(state: CartState, services: Services) -> list[ListEntryOut]:
    if not state.shopping_list:
        return []
    finder = services.finder
    store_map = finder.store_map()

    def where(aisle: str, shelf: str) -> str | None:
        location = finder.where(aisle, shelf, store_map)
        return location.words if location is not None else None

    out = []
    for progress in state.list_progress():
        entry = progress.entry
        best = entry.best
        out.append(
            ListEntryOut(
                entry_id=entry.entry_id,
                text=entry.text,
                quantity=entry.quantity,
                got=progress.got,
                status=progress.status.value,
                needs_choice=entry.ambiguous,
                chosen=entry.chosen,
                matches=[
                    ListMatchOut(gtin=m.gtin, name=m.name, where=where(m.aisle, m.shelf))
                    for m in entry.candidates
                ],
                where=where(best.aisle, best.shelf) if best is not None else None,
            )
        )
    return out


def finding_out(finding: Finding) -> FindingOut:
    return FindingOut(
        kind=finding.kind.value,
        severity="review" if finding.severity is Severity.REVIEW else "attention",
        t_ms=finding.t_ms,
        message=finding.message,
        detail=finding.detail,
        line_id=finding.line_id,
        delta_mg=finding.delta_mg,
    )


def verification_out(state: CartState) -> VerificationOut:
    found = state.verification()
    held = state.review_id is not None and state.review_outcome is None
    return VerificationOut(
        status="review" if held else found.status.value,
        findings=[finding_out(f) for f in found.findings],
        unweighed_units=found.unweighed_units,
        scale="reporting" if state.has_scale else "absent",
        held_for_review=held,
    )


def verification_push(state: CartState) -> str:
    """The screen's push message when only the cart's verification changed (its scale's
    readings): the verification at the stream's version, with no pricing to work out."""
    found = verification_out(state).model_dump_json()
    return (
        f'{{"type":"verification","cart_id":{json.dumps(state.cart_id)},'
        f'"version":{state.version},"verification":{found}}}'
    )


def push_text(state_json: str) -> str:
    """The screen's push message around a cart state already serialised once."""
    return '{"type":"cart_state","cart":' + state_json + "}"
