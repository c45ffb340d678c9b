"""Receipts: the JSON document, the printable page and its QR code."""

from __future__ import annotations

import io
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from aisle.api.deps import ServicesDep, bearer_token, staff_from_request, templates
from aisle.api.errors import ApiError
from aisle.api.schemas import ErrorOut
from aisle.api.views import base_url, receipt_url
from aisle.bootstrap import Services
from aisle.services.errors import ReceiptNotFound

router = APIRouter(tags=["receipts"])

Key = Annotated[str | None, Query(max_length=64, description="The key from the receipt link")]


async def _load(services: Services, receipt_id: str) -> dict[str, Any]:
    document = await run_in_threadpool(services.carts.receipt, receipt_id)
    if document is None:
        raise ReceiptNotFound(f"There is no receipt {receipt_id!r}")
    return document


def _with_url(request: Request, services: Services, document: dict[str, Any]) -> dict[str, Any]:
    url = receipt_url(base_url(request, services), services, document["receipt_id"])
    return {**document, "receipt_url": url}


@router.get(
    "/api/v1/receipts/{receipt_id}",
    responses={code: {"model": ErrorOut} for code in (401, 403, 404)},
)
async def get_receipt(
    receipt_id: str, request: Request, services: ServicesDep, key: Key = None
) -> dict[str, Any]:
    """The receipt as JSON, for the cart that paid it, for staff, or with the link's key."""
    signer = services.access.signer
    if key is not None and signer.receipt_key_valid(receipt_id, key):
        return _with_url(request, services, await _load(services, receipt_id))
    token = bearer_token(request)
    cart_id = signer.cart_of(token) if token else None
    if cart_id is None:
        if await staff_from_request(request, services) is None:
            raise ApiError(
                401, "unauthorized", "A cart token, staff login or receipt key is required"
            )
        return _with_url(request, services, await _load(services, receipt_id))
    document = await _load(services, receipt_id)
    if document["cart_id"] != cart_id:
        raise ApiError(403, "forbidden", "This receipt belongs to another cart")
    return _with_url(request, services, document)


def _check_key(services: Services, receipt_id: str, key: str | None) -> None:
    if key is None or not services.access.signer.receipt_key_valid(receipt_id, key):
        raise ApiError(403, "forbidden", "This receipt link is not valid")


@router.get("/receipts/{receipt_id}", response_class=HTMLResponse, include_in_schema=True)
async def receipt_page(
    receipt_id: str, request: Request, services: ServicesDep, key: Key = None
) -> HTMLResponse:
    """The receipt as a page, for the cart screen and for a phone that scanned the QR code."""
    _check_key(services, receipt_id, key)
    document = _with_url(request, services, await _load(services, receipt_id))
    qr = segno.make(document["receipt_url"], error="m").svg_inline(scale=4, title="Receipt link")
    return templates(request).TemplateResponse(
        request,
        "receipt.html",
        {"receipt": document, "qr_svg": Markup(qr), "receipt_url": document["receipt_url"]},
    )


@router.get("/receipts/{receipt_id}/qr.svg")
async def receipt_qr(
    receipt_id: str, request: Request, services: ServicesDep, key: Key = None
) -> Response:
    _check_key(services, receipt_id, key)
    url = receipt_url(base_url(request, services), services, receipt_id)
    buffer = io.BytesIO()  # a standalone file needs the xmlns that svg_inline leaves out
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=6, xmldecl=False, title="Receipt link"
    )
    return Response(buffer.getvalue(), media_type="image/svg+xml")
