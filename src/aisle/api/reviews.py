"""Staff API for the review queue: trips held before checkout, and exit audits.

An associate lists the open reviews, opens one (the scans, what the scale settled into, the
weight trace for the plot, the suspect items), looks at the cart, and resolves it: all fine,
item added, item removed, or audited. The answer is recorded on the trip and teaches the store
its products' weights.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from aisle.api.deps import CurrentStaff, ServicesDep
from aisle.api.schemas import (
    ErrorOut,
    FindingOut,
    ResolveReviewIn,
    ReviewDetailOut,
    ReviewListOut,
    ReviewScanOut,
    ReviewStepOut,
    ReviewSummaryOut,
)
from aisle.services.ports import Review

router = APIRouter(prefix="/api/v1/reviews", tags=["reviews"])
_ERRORS: dict[int | str, dict[str, object]] = {c: {"model": ErrorOut} for c in (401, 404, 422)}


def review_out(review: Review) -> ReviewSummaryOut:
    return ReviewSummaryOut(
        review_id=review.review_id,
        cart_id=review.cart_id,
        kind="audit" if review.kind == "audit" else "review",
        status="resolved" if review.status == "resolved" else "open",
        risk_ppm=review.risk_ppm,
        threshold_ppm=review.threshold_ppm,
        member_id=review.member_id,
        device_id=review.device_id,
        findings=[FindingOut(**f) for f in review.findings],
        created_at=review.created_at,
        outcome=review.outcome,
        staff_id=review.staff_id,
        note=review.note,
        resolved_at=review.resolved_at,
    )


@router.get("", responses=_ERRORS)
async def list_reviews(
    staff: CurrentStaff,
    services: ServicesDep,
    status: Literal["open", "resolved", "all"] = "open",
) -> ReviewListOut:
    """The queue, newest first: open ones by default."""
    found = await run_in_threadpool(
        lambda: services.carts.reviews(status=None if status == "all" else status)
    )
    return ReviewListOut(reviews=[review_out(r) for r in found])


@router.get("/{review_id}", responses=_ERRORS)
async def get_review(review_id: str, staff: CurrentStaff, services: ServicesDep) -> ReviewDetailOut:
    review, state, trace = await run_in_threadpool(services.carts.review, review_id)
    lines = [
        ReviewScanOut(
            line_id=line.line_id,
            name=line.name,
            quantity=line.quantity,
            t_ms=None,
            expected=line.unit_weight.describe() if line.unit_weight else None,
        )
        for line in state.lines.values()
    ]
    events = [
        ReviewScanOut(
            line_id=c.line_id,
            name=c.name,
            quantity=c.units,
            t_ms=c.t_ms,
            expected=c.unit_weight.describe() if c.unit_weight else None,
        )
        for c in state.changes
    ]
    return ReviewDetailOut(
        **review_out(review).model_dump(),
        lines=lines,
        events=events,
        steps=[ReviewStepOut(t_ms=s.t_ms, delta_mg=s.delta_mg) for s in state.scale.steps],
        trace=trace,
    )


@router.post("/{review_id}/resolve", responses=_ERRORS)
async def resolve_review(
    review_id: str, body: ResolveReviewIn, staff: CurrentStaff, services: ServicesDep
) -> ReviewSummaryOut:
    """Record what the associate found; the cart may then pay."""
    review = await run_in_threadpool(
        lambda: services.carts.resolve_review(
            review_id, outcome=body.outcome, staff_id=staff.staff_id, note=body.note
        )
    )
    return review_out(review)
