"""Staff API: log in, see the carts in use, look at any cart."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from aisle.api.deps import CurrentStaff, Manager, ServicesDep
from aisle.api.schemas import (
    CartListOut,
    CartStateOut,
    CartSummaryOut,
    ErrorOut,
    StaffLoginIn,
    StaffSessionOut,
)
from aisle.api.views import base_url, cart_state
from aisle.services.ports import CartSummary

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])
_ERRORS: dict[int | str, dict[str, object]] = {c: {"model": ErrorOut} for c in (401, 403, 404)}


@router.post("/login", responses=_ERRORS)
async def log_in(body: StaffLoginIn, services: ServicesDep) -> StaffSessionOut:
    session = await run_in_threadpool(services.access.log_in, body.username, body.password)
    return StaffSessionOut(
        token=session.token,
        username=session.member.username,
        role=session.member.role,
        expires_at=session.expires_at,
    )


def summary_out(summary: CartSummary) -> CartSummaryOut:
    return CartSummaryOut(
        cart_id=summary.cart_id,
        device_name=summary.device_name,
        status=summary.status,
        opened_at=summary.opened_at,
        updated_at=summary.updated_at,
        item_count=summary.item_count,
        total=str(summary.total),
        currency=summary.total.currency,
        alert_count=summary.alert_count,
    )


@router.get("/carts", responses=_ERRORS)
async def carts_in_use(
    staff: CurrentStaff, services: ServicesDep, status: str | None = "shopping"
) -> CartListOut:
    """Carts with an open trip, most recently active first (``status=`` to choose others)."""
    summaries = await run_in_threadpool(lambda: services.carts.summaries(status=status or None))
    return CartListOut(carts=[summary_out(s) for s in summaries])


class RecallIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    gtin: str = Field(min_length=8, max_length=14, pattern=r"^[0-9]+$")
    batch: str = Field(min_length=1, max_length=20)
    reason: str = Field(default="", max_length=500)


class RecallOut(BaseModel):
    gtin: str
    batch: str


@router.post("/recalls", status_code=201, responses={**_ERRORS, 422: {"model": ErrorOut}})
async def recall(body: RecallIn, manager: Manager, services: ServicesDep) -> RecallOut:
    """Stop a batch or lot from being sold: a cart scanning its 2D code refuses it."""
    lot = await run_in_threadpool(services.catalog.recall, body.gtin, body.batch, body.reason)
    return RecallOut(gtin=lot.gtin14, batch=lot.batch)


@router.get("/carts/{cart_id}", responses=_ERRORS)
async def any_cart(
    cart_id: str, staff: CurrentStaff, request: Request, services: ServicesDep
) -> CartStateOut:
    view = await run_in_threadpool(services.carts.get, cart_id)
    return cart_state(view, base=base_url(request, services), services=services)
