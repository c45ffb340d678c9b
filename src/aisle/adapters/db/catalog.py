"""The catalog in SQL: products, their codes, their price history, tax classes, reductions.

A product's price at a moment is the newest ``prices`` row effective by then. Imports write in
bulk: one query reads what is there, the differences are written with ``executemany``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from aisle.adapters.db import tables as t
from aisle.adapters.db.search import find_products, fold, products_written
from aisle.domain.barcodes import RecalledLot
from aisle.domain.catalog import NetContent, PriceChange, Product, SoldBy, TaxClass
from aisle.domain.money import Money
from aisle.domain.pricing import PriceReduction
from aisle.services.ports import ProductPlace

__all__ = ["SqlCatalog", "fold"]

_CHUNK = 500  # bound parameters per IN (...) stay well under every backend's limit


def search_text(p: Product) -> str:
    codes = [p.gtin, p.gtin.lstrip("0"), *p.alternate_gtins, p.plu or ""]
    return fold(" ".join([p.name, p.brand, p.department, p.category, *codes]))


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class SqlCatalog:
    """The catalog as one store sees it: its own prices, or the chain's where it has none."""

    def __init__(self, conn: Connection, store: str = "") -> None:
        self._conn = conn
        self._store = store

    # -- reading ------------------------------------------------------------------------

    def by_gtin(self, gtin14: str, at: datetime) -> Product | None:
        query = (
            select(t.products)
            .join(t.product_codes, t.product_codes.c.product_gtin == t.products.c.gtin)
            .where(t.product_codes.c.gtin == gtin14)
        )
        return self._one(query, at)

    def by_plu(self, plu: str, at: datetime) -> Product | None:
        return self._one(select(t.products).where(t.products.c.plu == plu), at)

    def search(self, query: str, at: datetime, *, limit: int = 20) -> list[Product]:
        """Products by name, brand, category or code: typo-tolerant, prefix-friendly,
        accent-insensitive, best match first (see ``aisle.adapters.db.search``)."""
        gtins = find_products(self._conn, fold(query), limit=limit)
        if not gtins:
            return []
        found = self._many(select(t.products).where(t.products.c.gtin.in_(gtins)), at)
        by_gtin = {p.gtin: p for p in found}
        return [by_gtin[gtin] for gtin in gtins]

    def prices_at(
        self, gtins: Collection[str], at: datetime, *, only_store: str | None = None
    ) -> dict[str, Money]:
        """The price of each product at a moment (products with no price yet are left out).

        By default this store's own price, or the chain's where the store has none; with
        ``only_store``, that price list alone (an import compares against its own list).
        """
        found: dict[str, Money] = {}
        p = t.prices
        stores = {only_store} if only_store is not None else {self._store, ""}
        for chunk in _chunks(sorted(gtins)):
            ranked = (
                select(
                    p.c.gtin,
                    p.c.price_minor,
                    p.c.currency,
                    func.row_number()
                    .over(
                        partition_by=p.c.gtin,
                        order_by=(
                            (p.c.store == self._store).desc(),
                            p.c.effective_from.desc(),
                            p.c.seq.desc(),
                        ),
                    )
                    .label("rank"),
                )
                .where(p.c.gtin.in_(chunk), p.c.effective_from <= at, p.c.store.in_(stores))
                .subquery()
            )
            rows = self._conn.execute(
                select(ranked.c.gtin, ranked.c.price_minor, ranked.c.currency).where(
                    ranked.c.rank == 1
                )
            )
            for row in rows:
                found[row.gtin] = Money(minor=row.price_minor, currency=row.currency)
        return found

    def price_history(self, gtin14: str) -> list[PriceChange]:
        query = (
            select(t.prices)
            .where(t.prices.c.gtin == gtin14)
            .order_by(t.prices.c.effective_from, t.prices.c.seq)
        )
        return [
            PriceChange(
                gtin=row.gtin,
                price=Money(minor=row.price_minor, currency=row.currency),
                effective_from=row.effective_from,
                source=row.source,
                store=row.store,
            )
            for row in self._conn.execute(query)
        ]

    def tax_class(self, code: str) -> TaxClass:
        row = self._conn.execute(select(t.tax_classes).where(t.tax_classes.c.code == code)).first()
        if row is None:
            raise LookupError(f"Tax class {code!r} is not set up in this store")
        return _tax_class(row)

    def tax_classes(self) -> list[TaxClass]:
        query = select(t.tax_classes).order_by(t.tax_classes.c.code)
        return [_tax_class(row) for row in self._conn.execute(query)]

    def price_reductions(self, gtins: Collection[str], at: datetime) -> Sequence[PriceReduction]:
        if not gtins:
            return []
        pr = t.price_reductions
        query = select(pr).where(
            pr.c.gtin.in_(sorted(gtins)),
            pr.c.starts_at <= at,
            pr.c.ends_at > at,
            pr.c.store.in_({self._store, ""}),
        )
        return [
            PriceReduction(
                promotion_id=row.promotion_id,
                gtin=row.gtin,
                price=Money(minor=row.price_minor, currency=row.currency),
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                label=row.label,
                store=row.store,
            )
            for row in self._conn.execute(query)
        ]

    def new_reduction_ids(self, ids: Collection[str]) -> set[str]:
        """Which of these promotion ids are not stored yet."""
        pr = t.price_reductions
        known: set[str] = set()
        for chunk in _chunks(sorted(set(ids))):
            known.update(
                self._conn.execute(
                    select(pr.c.promotion_id).where(pr.c.promotion_id.in_(chunk))
                ).scalars()
            )
        return set(ids) - known

    def recalled_lots(self, gtin14: str) -> list[RecalledLot]:
        query = select(t.recalls.c.batch).where(t.recalls.c.gtin == gtin14)
        return [RecalledLot(gtin14=gtin14, batch=b) for b in self._conn.execute(query).scalars()]

    def add_recall(self, lot: RecalledLot, reason: str, recorded_at: datetime) -> None:
        self._conn.execute(
            insert(t.recalls).values(
                gtin=lot.gtin14, batch=lot.batch, reason=reason, recorded_at=recorded_at
            )
        )

    def count(self) -> int:
        return int(self._conn.execute(select(func.count()).select_from(t.products)).scalar_one())

    def places(self) -> list[ProductPlace]:
        """Where every product is shelved, as the catalog says (aisle and shelf in words)."""
        p = t.products
        query = select(p.c.gtin, p.c.name, p.c.aisle, p.c.shelf).order_by(p.c.gtin)
        rows = self._conn.execute(query)
        return [
            ProductPlace(gtin=row.gtin, name=row.name, aisle=row.aisle, shelf=row.shelf)
            for row in rows
        ]

    def existing(self, gtins: Collection[str]) -> dict[str, dict[str, Any]]:
        """The stored rows of these products, by GTIN, for an import to compare against."""
        found: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(sorted(gtins)):
            for row in self._conn.execute(select(t.products).where(t.products.c.gtin.in_(chunk))):
                found[row.gtin] = dict(row._mapping)
        return found

    def owners_of(self, gtins: Collection[str]) -> dict[str, str]:
        """Which product each of these codes belongs to."""
        found: dict[str, str] = {}
        codes = t.product_codes
        for chunk in _chunks(sorted(gtins)):
            for row in self._conn.execute(select(codes).where(codes.c.gtin.in_(chunk))):
                found[row.gtin] = row.product_gtin
        return found

    # -- writing ------------------------------------------------------------------------

    def add_tax_classes(self, classes: Sequence[TaxClass]) -> None:
        if classes:
            self._conn.execute(
                insert(t.tax_classes),
                [
                    {
                        "code": c.code,
                        "name": c.name,
                        "rate_percent": str(c.rate_percent),
                        "snap_eligible": c.snap_eligible,
                    }
                    for c in classes
                ],
            )

    def add_products(self, products: Sequence[Product], added_at: datetime, source: str) -> None:
        """Add new products and their codes (their prices are added as price changes)."""
        if not products:
            return
        rows = [product_row(p, added_at, source) for p in products]
        self._conn.execute(insert(t.products), rows)
        products_written(self._conn, [row["search_text"] for row in rows])
        self.add_codes([(code, p.gtin) for p in products for code in (p.gtin, *p.alternate_gtins)])

    def update_products(
        self, products: Sequence[Product], updated_at: datetime, source: str
    ) -> None:
        """Rewrite the descriptive fields of existing products (never their prices)."""
        if not products:
            return
        rows = [product_row(p, updated_at, source) for p in products]
        for row in rows:
            row["b_gtin"] = row.pop("gtin")
        statement = update(t.products).where(t.products.c.gtin == bindparam("b_gtin"))
        self._conn.execute(statement, rows)
        products_written(self._conn, [row["search_text"] for row in rows])

    def add_codes(self, pairs: Sequence[tuple[str, str]]) -> None:
        if pairs:
            self._conn.execute(
                insert(t.product_codes), [{"gtin": c, "product_gtin": p} for c, p in pairs]
            )

    def add_prices(self, changes: Sequence[PriceChange], recorded_at: datetime) -> None:
        if changes:
            self._conn.execute(
                insert(t.prices),
                [
                    {
                        "gtin": c.gtin,
                        "price_minor": c.price.minor,
                        "currency": c.price.currency,
                        "effective_from": c.effective_from,
                        "recorded_at": recorded_at,
                        "source": c.source,
                        "store": c.store,
                    }
                    for c in changes
                ],
            )

    def add_price_reductions(self, reductions: Sequence[PriceReduction]) -> None:
        if reductions:
            self._conn.execute(
                insert(t.price_reductions),
                [
                    {
                        "promotion_id": r.promotion_id,
                        "gtin": r.gtin,
                        "price_minor": r.price.minor,
                        "currency": r.price.currency,
                        "starts_at": r.starts_at,
                        "ends_at": r.ends_at,
                        "label": r.label,
                        "store": r.store,
                    }
                    for r in reductions
                ],
            )

    # -- rows -----------------------------------------------------------------------------

    def _one(self, query: Any, at: datetime) -> Product | None:
        found = self._many(query, at)
        return found[0] if found else None

    def _many(self, query: Any, at: datetime) -> list[Product]:
        rows = list(self._conn.execute(query))
        if not rows:
            return []
        prices = self.prices_at([row.gtin for row in rows], at)
        alternates: dict[str, list[str]] = {}
        codes = t.product_codes
        gtins = [row.gtin for row in rows]
        listed = select(codes).where(
            codes.c.product_gtin.in_(gtins), codes.c.gtin != codes.c.product_gtin
        )
        for code in self._conn.execute(listed.order_by(codes.c.gtin)):
            alternates.setdefault(code.product_gtin, []).append(code.gtin)
        return [
            product_from_row(row, prices.get(row.gtin), tuple(alternates.get(row.gtin, ())))
            for row in rows
        ]


def _tax_class(row: Any) -> TaxClass:
    return TaxClass(
        code=row.code,
        name=row.name,
        rate_percent=Decimal(row.rate_percent),
        snap_eligible=row.snap_eligible,
    )


def product_from_row(row: Any, price: Money | None, alternates: tuple[str, ...]) -> Product:
    net = (
        NetContent(amount=row.net_amount, unit=row.net_unit) if row.net_amount is not None else None
    )
    deposit = (
        Money(minor=row.deposit_minor, currency=price.currency)
        if row.deposit_minor is not None and price is not None
        else None
    )
    return Product(
        gtin=row.gtin,
        name=row.name,
        brand=row.brand,
        department=row.department,
        category=row.category,
        price=price,
        tax_class=row.tax_class,
        sold_by=SoldBy(row.sold_by),
        net_content=net,
        plu=row.plu,
        age_restricted=row.age_restricted,
        aisle=row.aisle,
        shelf=row.shelf,
        alternate_gtins=alternates,
        deposit=deposit,
        image_url=row.image_url,
    )


def product_row(p: Product, at: datetime, source: str) -> dict[str, Any]:
    return {
        "gtin": p.gtin,
        "name": p.name,
        "brand": p.brand,
        "department": p.department,
        "category": p.category,
        "tax_class": p.tax_class,
        "sold_by": p.sold_by.value,
        "net_amount": p.net_content.amount if p.net_content else None,
        "net_unit": p.net_content.unit if p.net_content else None,
        "plu": p.plu,
        "age_restricted": p.age_restricted,
        "aisle": p.aisle,
        "shelf": p.shelf,
        "deposit_minor": p.deposit.minor if p.deposit else None,
        "image_url": p.image_url,
        "source": source,
        "updated_at": at,
        "search_text": search_text(p),
    }
