"""A store on a real database, wired by the real ``bootstrap``, with a clock the test turns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr

from aisle.adapters.db.migrate import upgrade
from aisle.bootstrap import Services, bootstrap
from aisle.demo.catalog import DEMO_TAX_CLASSES, demo_price_reductions, demo_products
from aisle.domain.catalog import Product, SoldBy
from aisle.settings import Settings

SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@dataclass
class ManualClock:
    now: datetime = START
    step: timedelta = field(default=timedelta(seconds=1))

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now


def make_settings(database_url: str, data_dir: Path, **extra: object) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=data_dir,
        secret_key=SecretStr(SECRET),
        **extra,  # type: ignore[arg-type]
    )


def demo_store(settings: Settings, clock: ManualClock | None = None) -> Services:
    services = bootstrap(settings, clock=clock or ManualClock())
    upgrade(services.engine)
    services.catalog.load(
        tax_classes=DEMO_TAX_CLASSES,
        products=demo_products(),
        reductions=demo_price_reductions(START),
    )
    return services


def packaged(count: int) -> list[Product]:
    """Demo products sold by the piece, with no promotion, cheapest last."""
    promoted = {r.gtin for r in demo_price_reductions(START)}
    found = [p for p in demo_products() if p.sold_by is SoldBy.EACH and p.gtin not in promoted]
    return found[:count]


def ean(product: Product) -> str:
    return product.gtin[1:]
