"""Cart routes: open a trip, send events, read the cart, check out, and the live push."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Request, Response, WebSocket, WebSocketDisconnect, status
from starlette.concurrency import run_in_threadpool

from aisle.api.deps import CartDevice, CartSession, ServicesDep, bearer_token
from aisle.api.schemas import (
    CartCreated,
    CartEventIn,
    CartStateOut,
    CheckoutIn,
    CheckoutOut,
    ChooseListEntryEvent,
    DeclareOwnItemEvent,
    ErrorOut,
    IdentifyMemberEvent,
    PresentCouponEvent,
    RemoveEvent,
    ScanEvent,
    SetQuantityEvent,
    ShoppingListEvent,
    WeightEvent,
)
from aisle.api.views import base_url, cart_state, push_text, receipt_url
from aisle.bootstrap import Services
from aisle.domain.cart import (
    CheckOut,
    ChooseListEntry,
    DeclareOwnItem,
    IdentifyMember,
    PresentCoupon,
    RemoveLine,
    ReportWeight,
    ScanItem,
    SetQuantity,
    ShoppingCommand,
    WriteShoppingList,
)
from aisle.services.carts import CartView

router = APIRouter(prefix="/api/v1/carts", tags=["carts"])

_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorOut} for code in (400, 401, 403, 404, 409, 422)
}


def _publish(request: Request, services: Services, view: CartView) -> Response:
    """Push the new state to the cart's screens and answer with it, serialised once."""
    text = cart_state(view, base=base_url(request, services), services=services).model_dump_json()
    request.app.state.hub.publish(view.state.cart_id, view.state.version, push_text(text))
    return Response(text, media_type="application/json")


@router.post("", status_code=status.HTTP_201_CREATED, responses=_ERRORS)
async def open_cart(device: CartDevice, services: ServicesDep) -> CartCreated:
    """Start a shopping trip on this cart device; the answer's token acts on this cart alone."""
    view = await run_in_threadpool(services.carts.open_cart, device)
    cart_id = view.state.cart_id
    return CartCreated(cart_id=cart_id, token=services.access.signer.cart_token(cart_id))


@router.post("/{cart_id}/events", response_model=CartStateOut, responses=_ERRORS)
async def post_event(
    cart_id: CartSession,
    event: Annotated[CartEventIn, Body()],
    request: Request,
    services: ServicesDep,
) -> Response:
    """Apply one event from the cart. The same ``event_id`` again returns the same answer."""
    command: ShoppingCommand
    match event:
        case ScanEvent():
            command = ScanItem(
                event_id=event.event_id, code=event.code, weight_g=event.weight_g, t_ms=event.t_ms
            )
        case RemoveEvent():
            command = RemoveLine(event_id=event.event_id, line_id=event.line_id, t_ms=event.t_ms)
        case SetQuantityEvent():
            command = SetQuantity(
                event_id=event.event_id,
                line_id=event.line_id,
                quantity=event.quantity,
                t_ms=event.t_ms,
            )
        case WeightEvent():
            command = ReportWeight(
                event_id=event.event_id,
                samples=tuple((sample[0], sample[1]) for sample in event.samples),
            )
        case DeclareOwnItemEvent():
            command = DeclareOwnItem(event_id=event.event_id, t_ms=event.t_ms)
        case IdentifyMemberEvent():
            command = IdentifyMember(event_id=event.event_id, loyalty_code=event.loyalty_code)
        case PresentCouponEvent():
            command = PresentCoupon(event_id=event.event_id, code=event.code)
        case ShoppingListEvent():
            command = WriteShoppingList(event_id=event.event_id, text=event.text)
        case ChooseListEntryEvent():
            command = ChooseListEntry(
                event_id=event.event_id, entry_id=event.entry_id, gtin=event.gtin
            )
    view = await run_in_threadpool(services.carts.handle, cart_id, command)
    return _publish(request, services, view)


@router.get("/{cart_id}", responses=_ERRORS)
async def get_cart(cart_id: CartSession, request: Request, services: ServicesDep) -> CartStateOut:
    view = await run_in_threadpool(services.carts.get, cart_id)
    return cart_state(view, base=base_url(request, services), services=services)


@router.post("/{cart_id}/checkout", responses={**_ERRORS, 402: {"model": ErrorOut}})
async def check_out(
    cart_id: CartSession,
    request: Request,
    services: ServicesDep,
    body: Annotated[CheckoutIn | None, Body()] = None,
) -> CheckoutOut:
    """Pay the total with the chosen provider and close the cart; repeating returns the receipt."""
    body = body or CheckoutIn()
    command = CheckOut(
        event_id=body.event_id or f"checkout-{uuid.uuid4().hex}",
        payment_provider=body.payment.provider,
    )
    receipt_id = await run_in_threadpool(services.carts.check_out, cart_id, command)
    view = await run_in_threadpool(services.carts.get, cart_id)
    _publish(request, services, view)
    return CheckoutOut(
        receipt_id=receipt_id,
        receipt_url=receipt_url(base_url(request, services), services, receipt_id),
    )


@router.websocket("/{cart_id}/live")
async def live(websocket: WebSocket, cart_id: str) -> None:
    """Pushes ``{"type": "cart_state", "cart": ...}`` after every accepted event.

    Browsers cannot set headers on a WebSocket, so the cart token may come as ``?token=``.
    """
    services: Services = websocket.app.state.services
    token = websocket.query_params.get("token") or bearer_token(websocket)
    if token is None or services.access.signer.cart_of(token) != cart_id:
        await websocket.accept()  # accept first, so the screen sees the close code and reason
        await websocket.close(code=4403, reason="a valid token for this cart is required")
        return
    hub = websocket.app.state.hub
    queue = hub.subscribe(cart_id)
    try:
        await websocket.accept()
        view = await run_in_threadpool(services.carts.get, cart_id)
        sent_whole = sent_any = view.state.version
        base = (services.settings.public_url or str(websocket.base_url)).rstrip("/")
        base = base.replace("ws://", "http://").replace("wss://", "https://")
        state = cart_state(view, base=base, services=services)
        await websocket.send_text(push_text(state.model_dump_json()))
        reader = asyncio.create_task(_drain(websocket))
        while not reader.done():
            getter = asyncio.create_task(queue.get())
            done, _ = await asyncio.wait({getter, reader}, return_when=asyncio.FIRST_COMPLETED)
            if getter not in done:
                getter.cancel()
                break
            push = getter.result()
            # as the hub: a part (the verification alone) never holds back a whole state
            if push.version > sent_whole and (push.whole or push.version > sent_any):
                if push.whole:
                    sent_whole = push.version
                sent_any = max(sent_any, push.version)
                await websocket.send_text(push.text)
    except WebSocketDisconnect:
        pass
    finally:
        hub.unsubscribe(cart_id, queue)


async def _drain(websocket: WebSocket) -> None:
    """Read (and ignore) what the screen sends, until it goes away."""
    try:
        while True:
            await websocket.receive_text()
    except (WebSocketDisconnect, RuntimeError):
        return
