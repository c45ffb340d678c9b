"""Scanning with the cart's camera: a frame in, the codes in it out, read as a scan would be.

The answer adds nothing to the cart: the cart screen shows what was found and sends a code's
``scanner_text`` as an ordinary scan, so a camera scan and a handheld scan go the same way.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from aisle.adapters.scanners.camera import DecodedBarcode, NotAnImage, decode_image
from aisle.api.deps import ServicesDep, bearer_token
from aisle.api.errors import ApiError
from aisle.api.schemas import ErrorOut
from aisle.domain.barcodes import (
    Coupon,
    Gs1Data,
    Gtin,
    Plu,
    ScanRules,
    VariableMeasure,
    parse_scan,
    rules_preset,
)
from aisle.domain.errors import DomainError

__all__ = ["MAX_IMAGE_BYTES", "ScanImageOut", "ScannedCodeOut", "router"]

router = APIRouter(prefix="/api/v1", tags=["scanning"])

MAX_IMAGE_BYTES = 10 * 1024 * 1024
_IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp")

CodeKind = Literal["gtin", "plu", "variable_measure", "gs1", "coupon", "unreadable"]


class ScannedCodeOut(BaseModel):
    text: str = Field(description="The code's content: digits, a GS1 element string or a link")
    scanner_text: str = Field(description="What a scanner would send: send it as a scan")
    symbology: str = Field(examples=["]E0"], description="AIM symbology identifier")
    format: str = Field(examples=["EAN-13"])
    kind: CodeKind
    gtin: str | None = Field(description="14-digit GTIN to look up; a weighed label's item key")
    message: str | None = Field(description="Why the code cannot be used, for the shopper")


class ScanImageOut(BaseModel):
    codes: list[ScannedCodeOut]


async def _any_cart(request: Request, services: ServicesDep) -> str:
    token = bearer_token(request)
    cart_id = None if token is None else services.access.signer.cart_of(token)
    if cart_id is None:
        raise ApiError(
            401,
            "unauthorized",
            "A cart token is required (Authorization: Bearer ...)",
            {"WWW-Authenticate": "Bearer"},
        )
    return cart_id


AnyCart = Annotated[str, Depends(_any_cart)]


async def _frame(request: Request) -> bytes:
    """The request body, if it is a PNG, JPEG or WebP of at most ``MAX_IMAGE_BYTES``."""
    content_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if content_type not in _IMAGE_TYPES:
        raise ApiError(
            415,
            "unsupported_media_type",
            f"Content-Type {content_type or '(none)'!r}: expected image/png, image/jpeg "
            "or image/webp",
        )
    too_large = ApiError(
        413,
        "too_large",
        f"The image is over {MAX_IMAGE_BYTES // (1024 * 1024)} MB: send a smaller frame",
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_IMAGE_BYTES:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_IMAGE_BYTES:
            raise too_large
        chunks.append(chunk)
    if not size:
        raise ApiError(422, "not_an_image", "The request body is empty: expected an image")
    return b"".join(chunks)


Frame = Annotated[bytes, Depends(_frame)]


@router.post(
    "/scan-image",
    responses={
        401: {"model": ErrorOut},
        413: {"model": ErrorOut},
        415: {"model": ErrorOut},
        422: {"model": ErrorOut},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                kind: {"schema": {"type": "string", "format": "binary"}} for kind in _IMAGE_TYPES
            },
        }
    },
)
async def scan_image(_: AnyCart, frame: Frame, services: ServicesDep) -> ScanImageOut:
    """The codes in a camera frame (PNG, JPEG or WebP, at most 10 MB), each read as a scan.

    Any cart token may ask. No code in the frame is an empty list, not an error."""
    try:
        found = await run_in_threadpool(decode_image, frame)
    except NotAnImage as error:
        raise ApiError(422, "not_an_image", str(error)) from None
    rules = rules_preset(services.settings.barcode_rules)
    return ScanImageOut(codes=[_as_scan(code, rules) for code in found])


def _as_scan(code: DecodedBarcode, rules: ScanRules) -> ScannedCodeOut:
    kind: CodeKind
    gtin: str | None = None
    message: str | None = None
    try:
        scanned = parse_scan(code.scanner_text, rules)
    except DomainError as error:
        kind, message = "unreadable", error.message
    else:
        match scanned:
            case Gtin():
                kind, gtin = "gtin", scanned.gtin14
            case Plu():
                kind = "plu"
            case VariableMeasure():
                kind, gtin = "variable_measure", scanned.item_gtin14
            case Gs1Data():
                kind, gtin = "gs1", scanned.gtin14
            case Coupon():
                kind = "coupon"
    return ScannedCodeOut(
        text=code.text,
        scanner_text=code.scanner_text,
        symbology=code.symbology,
        format=code.format,
        kind=kind,
        gtin=gtin,
        message=message,
    )
