"""Product search, for the cart screen's finder and for staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from aisle.api.deps import ServicesDep, bearer_token
from aisle.api.errors import ApiError
from aisle.api.schemas import ErrorOut, ProductOut
from aisle.bootstrap import Services
from aisle.domain.catalog import Product

router = APIRouter(prefix="/api/v1/products", tags=["catalog"])


def product_out(product: Product, where: str | None = None) -> ProductOut:
    return ProductOut(
        gtin=product.gtin,
        name=product.name,
        brand=product.brand,
        department=product.department,
        category=product.category,
        price=str(product.price) if product.price is not None else None,
        sold_by=product.sold_by.value,
        plu=product.plu,
        net_content=str(product.net_content) if product.net_content else None,
        age_restricted=product.age_restricted,
        aisle=product.aisle,
        shelf=product.shelf,
        where=where,
    )


@router.get("", responses={401: {"model": ErrorOut}})
async def search_products(
    request: Request,
    services: ServicesDep,
    q: Annotated[str, Query(max_length=100, description="Name, brand, department or code")] = "",
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> list[ProductOut]:
    """Products matching ``q`` by name, brand, category or code: typo-tolerant, accent- and
    case-insensitive, prefix-friendly, best match first. Any cart, device or staff
    token may search."""
    token = bearer_token(request) or request.cookies.get("aisle_staff")
    if token is None or not await run_in_threadpool(_known_caller, services, token):
        raise ApiError(401, "unauthorized", "A cart, device or staff token is required")
    return await run_in_threadpool(_search, services, q, limit)


def _search(services: Services, query: str, limit: int) -> list[ProductOut]:
    found = services.catalog.search(query, limit=limit)
    store_map = services.finder.store_map()
    out = []
    for product in found:
        location = services.finder.where(product.aisle, product.shelf, store_map)
        out.append(product_out(product, location.words if location is not None else None))
    return out


def _known_caller(services: ServicesDep, token: str) -> bool:
    access = services.access
    return (
        access.signer.cart_of(token) is not None
        or access.device_for(token) is not None
        or access.staff_for(token) is not None
    )
