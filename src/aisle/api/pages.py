"""Server-rendered pages: the cart screen's shell, the staff login, the carts in use, the
review queue with each trip's weight trace, and the store map with its products placed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from aisle.api.deps import STAFF_COOKIE, ServicesDep, staff_from_request, templates
from aisle.api.maps import store_map_svg
from aisle.api.plots import Mark, weight_trace_svg
from aisle.services.access import STAFF_SESSION, InvalidCredentials
from aisle.services.carts import REVIEW_OUTCOMES
from aisle.services.errors import ReviewNotFound

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


@router.get("/staff/map", response_class=HTMLResponse)
async def store_map_page(request: Request, services: ServicesDep) -> Response:
    """The store's layout with its products placed, and the products the map can't place."""
    member = await staff_from_request(request, services)
    if member is None:
        return RedirectResponse("/staff", status_code=303)
    found = await run_in_threadpool(services.finder.store_map)
    context: dict[str, object] = {"staff": member, "layout": None}
    if found is not None:
        placed = await run_in_threadpool(services.finder.placed, found)
        unplaced = await run_in_threadpool(services.finder.unplaced, found)
        context.update(
            layout=found.layout,
            bays=sum(a.bays for a in found.layout.aisles),
            svg=Markup(store_map_svg(found.layout, placed=placed)),  # our own, escaped SVG
            placed=sum(placed.values()),
            unplaced=unplaced[:300],
            unplaced_count=len(unplaced),
        )
    return templates(request).TemplateResponse(request, "staff_map.html", context)


@router.get("/staff/reviews", response_class=HTMLResponse)
async def review_queue(request: Request, services: ServicesDep) -> Response:
    """The review queue: trips held before checkout and exit audits, open ones first."""
    member = await staff_from_request(request, services)
    if member is None:
        return RedirectResponse("/staff", status_code=303)
    found = await run_in_threadpool(lambda: services.carts.reviews(status=None))
    open_first = sorted(found, key=lambda r: (r.status != "open", -r.created_at.timestamp()))
    return templates(request).TemplateResponse(
        request, "staff_reviews.html", {"staff": member, "reviews": open_first[:100]}
    )


@router.get("/staff/reviews/{review_id}", response_class=HTMLResponse)
async def review_page(review_id: str, request: Request, services: ServicesDep) -> Response:
    member = await staff_from_request(request, services)
    if member is None:
        return RedirectResponse("/staff", status_code=303)
    try:
        review, state, trace = await run_in_threadpool(services.carts.review, review_id)
    except ReviewNotFound as missing:
        return HTMLResponse(missing.message, status_code=404)
    marks = [
        Mark(
            t_ms=c.t_ms,
            label=f"{'+' if c.units > 0 else ''}{c.units} {c.name}",
            kind="scan" if c.units > 0 else "remove",
        )
        for c in state.changes
    ]
    marks += [Mark(t_ms=s.t_ms, label=f"{s.delta_mg / 1000:+.0f} g", kind="step")
              for s in state.scale.steps]  # fmt: skip
    marks += [
        Mark(t_ms=int(f["t_ms"]), label=str(f["kind"]).replace("_", " "), kind="finding")
        for f in review.findings
    ]
    suspect = {f.get("line_id") for f in review.findings}
    return templates(request).TemplateResponse(
        request,
        "staff_review.html",
        {
            "staff": member,
            "review": review,
            "changes": state.changes,
            "lines": list(state.lines.values()),
            "suspect": suspect,
            "plot": Markup(weight_trace_svg(trace, marks)),
            "outcomes": REVIEW_OUTCOMES,
        },
    )


@router.post("/staff/reviews/{review_id}/resolve")
async def resolve_review_form(
    review_id: str,
    request: Request,
    services: ServicesDep,
    outcome: Annotated[str, Form(max_length=20)],
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    member = await staff_from_request(request, services)
    if member is None:
        return RedirectResponse("/staff", status_code=303)
    if outcome not in REVIEW_OUTCOMES:
        return HTMLResponse(f"Unknown outcome {outcome!r}", status_code=422)
    try:
        await run_in_threadpool(
            lambda: services.carts.resolve_review(
                review_id, outcome=outcome, staff_id=member.staff_id, note=note
            )
        )
    except ReviewNotFound as missing:
        return HTMLResponse(missing.message, status_code=404)
    return RedirectResponse("/staff/reviews", status_code=303)
