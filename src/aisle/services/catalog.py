"""Catalog use cases: find products, and load a store's catalog."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aisle.domain.barcodes import RecalledLot, normalise_gtin
from aisle.domain.catalog import PriceChange, Product, TaxClass
from aisle.domain.errors import DomainError, UnknownProduct
from aisle.domain.money import Money
from aisle.domain.pricing import PriceReduction
from aisle.services.ports import Clock, UnitOfWorkFactory

__all__ = ["CatalogService"]

MAX_QUERY = 100


class CatalogService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def search(self, query: str, *, limit: int = 20) -> list[Product]:
        query = query.strip()[:MAX_QUERY]
        if not query:
            return []
        with self._uow() as uow:
            return uow.catalog.search(query, self._clock(), limit=limit)

    def product(self, gtin: str) -> Product | None:
        """The product with this GTIN (any of its forms), at its current price."""
        digits = gtin.strip()
        if not digits.isdigit() or len(digits) > 14:
            return None
        with self._uow() as uow:
            return uow.catalog.by_gtin(digits.zfill(14), self._clock())

    def recall(self, gtin: str, batch: str, reason: str) -> RecalledLot:
        """Stop a batch of a product from being sold; carts refuse it from now on."""
        batch = batch.strip()
        if not batch or len(batch) > 20:
            raise DomainError(f"Batch {batch!r}: expected 1 to 20 characters, as printed (AI 10)")
        lot = RecalledLot(gtin14=normalise_gtin(gtin.strip()), batch=batch)
        with self._uow(write=True) as uow:
            if uow.catalog.by_gtin(lot.gtin14, self._clock()) is None:
                raise UnknownProduct(f"There is no product {gtin.strip()} in the catalog")
            if lot in uow.catalog.recalled_lots(lot.gtin14):
                raise DomainError(f"Batch {batch} of {gtin.strip()} is already recalled")
            uow.catalog.add_recall(lot, reason.strip(), self._clock())
            uow.commit()
        return lot

    def schedule_price(
        self, gtin: str, price: Money, effective_from: datetime | None = None, store: str = ""
    ) -> PriceChange:
        """Record a price change from a moment on (now by default); nothing earlier changes."""
        now = self._clock()
        change = PriceChange(
            gtin=normalise_gtin(gtin.strip()),
            price=price,
            effective_from=effective_from or now,
            source="manual",
            store=store,
        )
        if change.price.minor < 0:
            raise DomainError(f"Price {change.price} is negative")
        with self._uow(write=True) as uow:
            if uow.catalog.by_gtin(change.gtin, now) is None:
                raise UnknownProduct(f"There is no product {gtin.strip()} in the catalog")
            uow.catalog.add_prices([change], recorded_at=now)
            uow.commit()
        return change

    def price_history(self, gtin: str) -> list[PriceChange]:
        with self._uow() as uow:
            return uow.catalog.price_history(normalise_gtin(gtin.strip()))

    def product_count(self) -> int:
        with self._uow() as uow:
            return uow.catalog.count()

    def load(
        self,
        *,
        tax_classes: Sequence[TaxClass],
        products: Sequence[Product],
        reductions: Sequence[PriceReduction] = (),
        source: str = "demo",
    ) -> int:
        """Load a catalog into an empty store in one transaction; returns the products added."""
        with self._uow(write=True) as uow:
            uow.catalog.add_tax_classes(tax_classes)
            now = self._clock()
            uow.catalog.add_products(products, now, source)
            uow.catalog.add_prices(
                [
                    PriceChange(gtin=p.gtin, price=p.price, effective_from=now, source=source)
                    for p in products
                    if p.price is not None
                ],
                recorded_at=now,
            )
            uow.catalog.add_price_reductions(reductions)
            uow.commit()
        return len(products)
