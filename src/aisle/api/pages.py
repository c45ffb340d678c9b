"""Server-rendered pages: the cart screen's shell, the staff login and the carts in use."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from aisle.api.deps import STAFF_COOKIE, ServicesDep, staff_from_request, templates
from aisle.services.access import STAFF_SESSION, InvalidCredentials

router = APIRouter(include_in_schema=False)


@router.get("/")
async def home() -> RedirectResponse:
    return RedirectResponse("/cart")


@router.get("/healthz")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/cart", response_class=HTMLResponse)
async def cart_screen(request: Request, services: ServicesDep) -> Response:
    settings = services.settings
    return templates(request).TemplateResponse(
        request, "cart.html", {"store_name": settings.store_name, "currency": settings.currency}
    )


@router.get("/staff", response_class=HTMLResponse)
async def staff_page(request: Request, services: ServicesDep) -> Response:
    member = await staff_from_request(request, services)
    if member is None:
        return templates(request).TemplateResponse(request, "staff_login.html", {"error": None})
    carts = await run_in_threadpool(lambda: services.carts.summaries(status="shopping"))
    rows = [
        {
            "cart_id": c.cart_id,
            "status": c.status,
            "device_name": c.device_name,
            "opened_at": c.opened_at,
            "updated_at": c.updated_at,
            "item_count": c.item_count,
            "total": str(c.total),
            "currency": c.total.currency,
            "alert_count": c.alert_count,
        }
        for c in carts
    ]
    return templates(request).TemplateResponse(
        request, "staff.html", {"staff": member, "carts": rows}
    )


@router.post("/staff/login", response_class=HTMLResponse)
async def staff_login(
    request: Request,
    services: ServicesDep,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=200)],
) -> Response:
    try:
        session = await run_in_threadpool(services.access.log_in, username, password)
    except InvalidCredentials as error:
        return templates(request).TemplateResponse(
            request, "staff_login.html", {"error": error.message}, status_code=401
        )
    response = RedirectResponse("/staff", status_code=303)
    response.set_cookie(
        STAFF_COOKIE,
        session.token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=int(STAFF_SESSION.total_seconds()),
    )
    return response


@router.post("/staff/logout")
async def staff_logout() -> RedirectResponse:
    response = RedirectResponse("/staff", status_code=303)
    response.delete_cookie(STAFF_COOKIE)
    return response
