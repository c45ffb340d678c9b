"""The application factory: ``create_app(settings)`` builds a fresh app; nothing at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from aisle.api import carts, pages, products, receipts, reviews, scanning, staff, store
from aisle.api.errors import install_error_handlers
from aisle.api.live import CartHub
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
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
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
