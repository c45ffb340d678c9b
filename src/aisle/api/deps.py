"""Authorisation as dependencies: who is calling, and may they touch this cart?

``CartDevice`` is a cart tablet (device token); ``CartSession`` is one trip's token, valid for its
own cart only; ``CurrentStaff`` is a logged-in associate or manager (bearer token or the staff
page's cookie). A cart token never passes as staff, and staff tokens never act as a cart.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from aisle.api.errors import ApiError
from aisle.bootstrap import Services
from aisle.services.ports import Device, StaffMember

__all__ = [
    "STAFF_COOKIE",
    "CartDevice",
    "CartSession",
    "CurrentStaff",
    "Manager",
    "ServicesDep",
    "bearer_token",
]

STAFF_COOKIE = "aisle_staff"


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def templates(request: Request) -> Jinja2Templates:
    found: Jinja2Templates = request.app.state.templates
    return found


def bearer_token(request: HTTPConnection) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def _unauthorised(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message, {"WWW-Authenticate": "Bearer"})


async def _device(request: Request, services: ServicesDep) -> Device:
    token = bearer_token(request)
    if token is None:
        raise _unauthorised("A cart device token is required (Authorization: Bearer ...)")
    device = await run_in_threadpool(services.access.device_for, token)
    if device is None:
        raise _unauthorised("This device token is not valid")
    return device


CartDevice = Annotated[Device, Depends(_device)]


async def _cart_session(cart_id: str, request: Request, services: ServicesDep) -> str:
    token = bearer_token(request)
    if token is None:
        raise _unauthorised("A cart token is required (Authorization: Bearer ...)")
    owner = services.access.signer.cart_of(token)
    if owner is None:
        raise _unauthorised("This cart token is not valid")
    if owner != cart_id:
        raise ApiError(403, "forbidden", "This token belongs to another cart")
    return cart_id


CartSession = Annotated[str, Depends(_cart_session)]


async def staff_from_request(request: Request, services: Services) -> StaffMember | None:
    token = bearer_token(request) or request.cookies.get(STAFF_COOKIE)
    if token is None:
        return None
    return await run_in_threadpool(services.access.staff_for, token)


async def _staff(request: Request, services: ServicesDep) -> StaffMember:
    token = bearer_token(request) or request.cookies.get(STAFF_COOKIE)
    if token is None:
        raise _unauthorised("Staff login required")
    if token.startswith(("ct1.", "dev_")):
        raise ApiError(403, "forbidden", "Cart tokens cannot call staff endpoints")
    member = await run_in_threadpool(services.access.staff_for, token)
    if member is None:
        raise _unauthorised("This staff session is not valid or has expired: log in again")
    return member


CurrentStaff = Annotated[StaffMember, Depends(_staff)]


async def _manager(member: CurrentStaff) -> StaffMember:
    if member.role != "manager":
        raise ApiError(403, "forbidden", "Only a store manager may do this")
    return member


Manager = Annotated[StaffMember, Depends(_manager)]
