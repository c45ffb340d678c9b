"""The application factory: ``create_app(settings)`` builds a fresh app; nothing at import time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from aisle.adapters.mqtt import WeightIngest
from aisle.api import carts, pages, products, receipts, reviews, scanning, staff, store
from aisle.api.errors import install_error_handlers
from aisle.api.live import CartHub
from aisle.api.views import verification_push
from aisle.bootstrap import Services, bootstrap
from aisle.domain import pricing
from aisle.settings import Settings

__all__ = ["create_app"]

_WEB = Path(__file__).resolve().parent.parent / "web"


def create_app(settings: Settings, services: Services | None = None) -> FastAPI:
    owned = services is None
    services = services or bootstrap(settings)
    pricing.warm_up()  # the solver for very large baskets loads now, not on a shopper's scan

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ingest = None
        if settings.mqtt_url:  # the carts' scales stream over MQTT too
            ingest = _mqtt_ingest(services, app.state.hub, settings.mqtt_url)
            await run_in_threadpool(ingest.start)
        yield
        if ingest is not None:
            await run_in_threadpool(ingest.stop)
        if owned:
            services.close()

    app = FastAPI(
        title="Aisle store server",
        version="1",
        summary="Smart-cart checkout: scan, running total, checkout and instant receipts.",
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.hub = CartHub()
    app.state.templates = Jinja2Templates(directory=_WEB / "templates")
    install_error_handlers(app)
    for module in (carts, products, receipts, reviews, scanning, staff, store, pages):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=_WEB / "static"), name="static")
    return app


def _mqtt_ingest(services: Services, hub: CartHub, url: str) -> WeightIngest:
    """Readings over MQTT; a cart whose verification changes has it pushed to its screens,
    from the ingest's thread onto the server's event loop (the verification alone: readings
    change no price, so nothing is re-priced for it)."""
    loop = asyncio.get_running_loop()
    settings = services.settings

    def changed(cart_id: str) -> None:
        if not hub.listening(cart_id):
            return
        state = services.carts.state(cart_id)
        text = verification_push(state)
        loop.call_soon_threadsafe(partial(hub.publish, cart_id, state.version, text, whole=False))

    return WeightIngest(
        services.carts,
        services.access.signer,
        url,
        prefix=settings.mqtt_prefix,
        client_id=f"aisle-store:{settings.mqtt_prefix}:{settings.store_id or 'server'}",
        on_changed=changed,
    )
