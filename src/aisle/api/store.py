"""The store map and the way round it: where a product is, the cart's route, the staff's view.

- ``GET /api/v1/store/layout``: the loaded layout's aisles (anyone with a token);
- ``GET /api/v1/store/map``: the map as SVG; ``?gtin=`` pins a product (shoppers' finder);
  ``?cart=`` (with that cart's token) marks where the cart is and, with ``&route=true``, draws
  the route round its list; for staff, ``?placed=true`` shows how many products each bay holds;
- ``GET /api/v1/products/{gtin}/location``: a product's aisle, bay and shelf, in words too;
- ``GET /api/v1/carts/{cart_id}/route``: the list's open entries in walking order;
- ``GET /api/v1/store/unplaced``: products the map can't place, and why (staff).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from aisle.api.deps import CartSession, CurrentStaff, ServicesDep, bearer_token
from aisle.api.errors import ApiError
from aisle.api.maps import MapRoute, store_map_svg
from aisle.api.schemas import (
    ErrorOut,
    LayoutAisleOut,
    LayoutOut,
    LocationOut,
    PlaceOut,
    ProductLocationOut,
    RouteAisleOut,
    RouteOut,
    RouteStopOut,
    UnplacedListOut,
    UnplacedOut,
)
from aisle.bootstrap import Services
from aisle.domain.store import Location, LocationError, Point
from aisle.services.finder import ShoppingRoute, StoreMap

router = APIRouter(tags=["store map"])
_ERRORS: dict[int | str, dict[str, object]] = {c: {"model": ErrorOut} for c in (401, 403, 404)}


def location_out(location: Location) -> LocationOut:
    return LocationOut(
        where=location.words,
        aisle=location.aisle.name,
        bay=location.bay,
        shelf=location.shelf,
        place=PlaceOut(x=location.point.x, y=location.point.y),
    )


STAFF = "~staff"  # what _caller says for a staff token ("~" is no cart id)


def _caller(request: Request, services: Services) -> str | None:
    """The cart a token acts for, :data:`STAFF`, "" for a device token, or None: no valid
    token. A device sees the map; only a cart (its own) and staff see where a cart is."""
    token = bearer_token(request) or request.cookies.get("aisle_staff")
    if token is None:
        return None
    access = services.access
    cart = access.signer.cart_of(token)
    if cart is not None:
        return cart
    if access.staff_for(token) is not None:
        return STAFF
    if access.device_for(token) is not None:
        return ""
    return None


def _store_map(services: Services) -> StoreMap:
    return services.finder.required()


@router.get("/api/v1/store/layout", responses=_ERRORS)
async def get_layout(request: Request, services: ServicesDep) -> LayoutOut:
    if await run_in_threadpool(_caller, request, services) is None:
        raise ApiError(401, "unauthorized", "A cart, device or staff token is required")
    found = await run_in_threadpool(_store_map, services)
    layout = found.layout
    return LayoutOut(
        layout_id=found.layout_id,
        name=layout.name,
        width_cm=layout.width,
        depth_cm=layout.depth,
        aisles=[LayoutAisleOut(name=a.name, label=a.label, bays=a.bays) for a in layout.aisles],
    )


@router.get("/api/v1/store/map", responses={**_ERRORS, 200: {"content": {"image/svg+xml": {}}}})
async def get_map(
    request: Request,
    services: ServicesDep,
    gtin: Annotated[str | None, Query(max_length=14, description="Pin this product")] = None,
    cart: Annotated[str | None, Query(max_length=64, description="Mark this cart")] = None,
    route: Annotated[bool, Query(description="Draw the route round the cart's list")] = False,
    placed: Annotated[bool, Query(description="Staff: products per bay")] = False,
) -> Response:
    """The store map as SVG, with what the query asks for marked on it."""
    caller = await run_in_threadpool(_caller, request, services)
    if caller is None:
        raise ApiError(401, "unauthorized", "A cart, device or staff token is required")
    if cart is not None and caller not in (cart, STAFF):
        raise ApiError(403, "forbidden", "This token may not see that cart")
    if placed and caller != STAFF:
        raise ApiError(403, "forbidden", "Products per bay are for staff")
    svg = await run_in_threadpool(_draw, services, gtin, cart, route, placed)
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


def _draw(services: Services, gtin: str | None, cart: str | None, route: bool, placed: bool) -> str:
    found = _store_map(services)
    highlight: Location | None = None
    label = ""
    if gtin:
        product = services.catalog.product(gtin)
        if product is None:
            raise ApiError(404, "unknown_product", f"There is no product {gtin!r}")
        highlight = services.finder.where(product.aisle, product.shelf, found)
        label = product.name
    here: Point | None = None
    drawn: MapRoute | None = None
    if cart is not None:
        state = services.carts.get(cart).state
        if route:
            walk = services.finder.route(state, found)
            here = walk.start.point
            drawn = MapRoute(
                legs=walk.legs,
                stops=[(s.location.point, f"{s.text}: {s.location.words}") for s in walk.stops],
            )
        else:
            here = services.finder.position(state, found).point
    counts = services.finder.placed(found) if placed else None
    return store_map_svg(
        found.layout,
        highlight=highlight,
        highlight_label=label,
        here=here,
        route=drawn,
        placed=counts,
    )


@router.get("/api/v1/products/{gtin}/location", responses=_ERRORS)
async def product_location(
    gtin: str, request: Request, services: ServicesDep
) -> ProductLocationOut:
    """Where a product is: aisle, bay and shelf, in words and on the map."""
    if await run_in_threadpool(_caller, request, services) is None:
        raise ApiError(401, "unauthorized", "A cart, device or staff token is required")
    return await run_in_threadpool(_product_location, services, gtin)


def _product_location(services: Services, gtin: str) -> ProductLocationOut:
    product = services.catalog.product(gtin)
    if product is None:
        raise ApiError(404, "unknown_product", f"There is no product {gtin!r}")
    found = _store_map(services)
    try:
        location = found.layout.locate(product.aisle, product.shelf)
    except LocationError as error:
        return ProductLocationOut(
            gtin=product.gtin, name=product.name, location=None, problem=error.message
        )
    return ProductLocationOut(gtin=product.gtin, name=product.name, location=location_out(location))


@router.get("/api/v1/carts/{cart_id}/route", responses=_ERRORS)
async def cart_route(cart_id: CartSession, services: ServicesDep) -> RouteOut:
    """The open entries of the cart's list in walking order, from where the cart is to the
    exit, over the store's walkable space; with the walk to draw."""
    walk = await run_in_threadpool(_route, services, cart_id)
    return route_out(walk)


def _route(services: Services, cart_id: str) -> ShoppingRoute:
    state = services.carts.get(cart_id).state
    return services.finder.route(state)


def route_out(walk: ShoppingRoute) -> RouteOut:
    aisles: list[RouteAisleOut] = []
    for stop in walk.stops:
        title = stop.location.aisle.title
        if aisles and aisles[-1].aisle == title:
            aisles[-1].items.append(stop.text)
        else:
            aisles.append(RouteAisleOut(aisle=title, items=[stop.text]))
    return RouteOut(
        start=walk.start.words,
        start_place=PlaceOut(x=walk.start.point.x, y=walk.start.point.y),
        stops=[
            RouteStopOut(
                number=n,
                entry_id=s.entry_id,
                text=s.text,
                name=s.name,
                gtin=s.gtin,
                location=location_out(s.location),
            )
            for n, s in enumerate(walk.stops, start=1)
        ],
        aisles=aisles,
        length_m=str((Decimal(walk.length_cm) / 100).quantize(Decimal("0.1"))),
        optimal=walk.optimal,
        not_on_map=list(walk.not_on_map),
        path=[[PlaceOut(x=p.x, y=p.y) for p in leg] for leg in walk.legs],
    )


@router.get("/api/v1/store/unplaced", responses=_ERRORS)
async def unplaced(staff: CurrentStaff, services: ServicesDep) -> UnplacedListOut:
    """Products the map can't place (no aisle, an aisle or bay the layout lacks), to fix."""
    found = await run_in_threadpool(services.finder.unplaced)
    return UnplacedListOut(
        count=len(found),
        products=[
            UnplacedOut(gtin=p.gtin, name=p.name, aisle=p.aisle, shelf=p.shelf, problem=problem)
            for p, problem in found[:500]
        ],
    )
