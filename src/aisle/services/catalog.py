"""Catalog use cases: find products, and load a store's catalog."""

from __future__ import annotations

from collections.abc import Sequence

from aisle.domain.catalog import PriceChange, Product, TaxClass
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
