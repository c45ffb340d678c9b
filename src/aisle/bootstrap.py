"""The one place that wires adapters to services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from aisle.adapters.db.engine import WalCheckpointer, is_sqlite, make_engine
from aisle.adapters.db.uow import SqlUnitOfWorkFactory
from aisle.adapters.passwords import Argon2Hasher
from aisle.adapters.payments import DemoPaymentProvider
from aisle.domain.barcodes import rules_preset
from aisle.domain.pricing import PricingPolicy
from aisle.domain.verify import RiskSettings
from aisle.services.access import AccessService, TokenSigner
from aisle.services.carts import CartService
from aisle.services.catalog import CatalogService
from aisle.services.finder import StoreFinder
from aisle.services.importing import ImportService
from aisle.services.members import MemberService
from aisle.services.ports import Clock
from aisle.services.promotions import PromotionService
from aisle.settings import Settings

__all__ = ["Services", "bootstrap", "utc_now"]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    engine: Engine
    carts: CartService
    catalog: CatalogService
    imports: ImportService
    access: AccessService
    members: MemberService
    promotions: PromotionService
    finder: StoreFinder
    checkpointer: WalCheckpointer | None = None

    def close(self) -> None:
        if self.checkpointer is not None:
            self.checkpointer.stop()
        self.engine.dispose()


def bootstrap(settings: Settings, *, clock: Clock = utc_now) -> Services:
    url = settings.resolved_database_url
    if is_sqlite(url):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    checkpointer = WalCheckpointer(engine).start() if is_sqlite(url) else None
    uow = SqlUnitOfWorkFactory(engine, store=settings.store_id)
    policy = PricingPolicy(
        currency=settings.currency,
        tax_mode=settings.tax_mode,
        tax_rounding=settings.tax_rounding,
        tax_scope=settings.tax_scope,
        deposits_taxed=settings.deposits_taxed,
    )
    return Services(
        settings=settings,
        engine=engine,
        carts=CartService(
            uow=uow,
            policy=policy,
            clock=clock,
            payments={"demo": DemoPaymentProvider()},
            store_name=settings.store_name,
            rules=rules_preset(settings.barcode_rules),
            timezone=ZoneInfo(settings.timezone),
            bag_tare_g=settings.produce_bag_tare_g,
            risk=RiskSettings(
                reviews_per_1000=settings.reviews_per_1000,
                audits_per_1000=settings.audits_per_1000,
            ),
        ),
        catalog=CatalogService(uow=uow, clock=clock),
        imports=ImportService(uow=uow, clock=clock),
        access=AccessService(
            uow=uow, hasher=Argon2Hasher(), signer=TokenSigner(settings.secret), clock=clock
        ),
        members=MemberService(uow=uow, clock=clock),
        finder=StoreFinder(uow=uow, clock=clock),
        promotions=PromotionService(
            uow=uow, clock=clock, currency=settings.currency, timezone=ZoneInfo(settings.timezone)
        ),
        checkpointer=checkpointer,
    )
