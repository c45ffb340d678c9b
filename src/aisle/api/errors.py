"""Every error leaves as ``{"error": {"code": ..., "message": ...}}`` with a 4xx status."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from aisle.domain.errors import (
    CartClosed,
    CouponAlreadyPresented,
    CouponAlreadyUsed,
    DomainError,
    MemberAlreadyIdentified,
    OwnItemAlreadyDeclared,
    ReviewRequired,
    UnknownLine,
    UnknownListEntry,
    UnknownMember,
)
from aisle.services.access import InvalidCredentials
from aisle.services.errors import CartNotFound, PaymentDeclined, ReceiptNotFound, ReviewNotFound
from aisle.services.ports import ConcurrentAppend

__all__ = ["ApiError", "error_response", "install_error_handlers"]


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


_STATUS: dict[str, int] = {
    CartNotFound.code: 404,
    ReceiptNotFound.code: 404,
    ReviewNotFound.code: 404,
    UnknownLine.code: 404,
    UnknownListEntry.code: 404,
    UnknownMember.code: 404,
    CartClosed.code: 409,
    ReviewRequired.code: 409,
    OwnItemAlreadyDeclared.code: 409,
    CouponAlreadyUsed.code: 409,
    CouponAlreadyPresented.code: 409,
    MemberAlreadyIdentified.code: 409,
    PaymentDeclined.code: 402,
    InvalidCredentials.code: 401,
}


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        status_code=status, content={"error": {"code": code, "message": message}}, headers=headers
    )


def _describe(errors: list[Any]) -> tuple[str, str]:
    first = errors[0] if errors else {}
    if first.get("type") == "json_invalid":
        return "malformed_json", "The request body is not valid JSON"
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    if first.get("type") == "extra_forbidden":
        return "invalid_request", f"Unexpected field {where!r}: the server does not accept it"
    message = first.get("msg", "Invalid request")
    return "invalid_request", f"{where}: {message}" if where else message


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_: Request, error: DomainError) -> JSONResponse:
        status = _STATUS.get(error.code, 422)
        return error_response(status, error.code, error.message)

    @app.exception_handler(ApiError)
    async def _api(_: Request, error: ApiError) -> JSONResponse:
        return error_response(error.status, error.code, error.message, error.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        if isinstance(error.body, bytes | str):  # the body did not parse as JSON at all
            return error_response(400, "malformed_json", "The request body is not valid JSON")
        code, message = _describe(list(error.errors()))
        return error_response(400 if code == "malformed_json" else 422, code, message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, error: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        return error_response(error.status_code, code, str(error.detail))

    @app.exception_handler(ConcurrentAppend)
    async def _busy(_: Request, error: ConcurrentAppend) -> JSONResponse:
        return error_response(409, "busy", "The cart is busy: please try again")
