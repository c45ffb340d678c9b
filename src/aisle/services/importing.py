"""Importing catalogs: products and prices from outside files, idempotently.

A source (CSV with a column mapping, Open Food Facts JSONL, USDA FoodData Central) turns each
line into a :class:`ProductRecord` or a :class:`Rejection` with its line and reason; nothing is
dropped silently and nothing is guessed. The import then writes, in one transaction, only what
changed: new products, changed descriptions, and price changes as new rows of the price history
(effective from the file's date), never edits of old prices. Importing the same file again
changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from aisle.domain.catalog import NetContent, PriceChange, Product, SoldBy, TaxClass
from aisle.domain.money import Money
from aisle.domain.pricing import PriceReduction
from aisle.services.ports import Clock, UnitOfWorkFactory

__all__ = ["ImportReport", "ImportService", "ProductRecord", "Rejection"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductRecord:
    """One product as a source file describes it."""

    line: int
    gtin: str  # 14-digit form, check digit verified
    name: str
    brand: str = ""
    department: str = ""
    category: str = ""
    price: Money | None = None
    sold_by: SoldBy = SoldBy.EACH
    net_content: NetContent | None = None
    tax_class: str = "standard"
    alternate_gtins: tuple[str, ...] = ()
    special_price: Money | None = None  # a temporary reduction printed on the price list


@dataclass(frozen=True, slots=True, kw_only=True)
class Rejection:
    line: int
    reason: str


@dataclass(slots=True, kw_only=True)
class ImportReport:
    source: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    price_changes: int = 0
    reductions: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged


class ImportService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def run(
        self,
        rows: Iterable[ProductRecord | Rejection],
        *,
        source: str,
        currency: str,
        store: str = "",
        effective_from: datetime | None = None,
        tax_classes: Sequence[TaxClass] = (),
        reduction_days: int = 7,
        progress: Callable[[int], None] | None = None,
    ) -> ImportReport:
        """Import the rows in one transaction; returns what was created, changed and refused."""
        now = self._clock()
        effective = effective_from or now
        report = ImportReport(source=source)
        records: dict[str, ProductRecord] = {}
        for row in rows:
            report.rows += 1
            if progress is not None and report.rows % 1000 == 0:
                progress(1000)
            if isinstance(row, Rejection):
                report.rejected.append(row)
                continue
            problem = self._problem(row, currency, records)
            if problem:
                report.rejected.append(Rejection(line=row.line, reason=problem))
                continue
            records[row.gtin] = row
        if progress is not None:
            progress(report.rows % 1000)

        with self._uow(write=True) as uow:
            known_classes = {c.code for c in uow.catalog.tax_classes()}
            missing = [c for c in tax_classes if c.code not in known_classes]
            uow.catalog.add_tax_classes(missing)
            known_classes |= {c.code for c in missing}
            for gtin, record in list(records.items()):
                if record.tax_class not in known_classes:
                    report.rejected.append(
                        Rejection(
                            line=record.line,
                            reason=f"unknown tax class {record.tax_class!r}: "
                            f"expected one of {', '.join(sorted(known_classes)) or 'none set up'}",
                        )
                    )
                    del records[gtin]

            owners = uow.catalog.owners_of(records.keys())
            owned = {owners.get(gtin, gtin): record for gtin, record in records.items()}
            existing = uow.catalog.existing(owned.keys())
            prices = uow.catalog.prices_at(owned.keys(), effective, only_store=store)
            new: list[Product] = []
            changed: list[Product] = []
            price_changes: list[PriceChange] = []
            for gtin, record in owned.items():
                product = _product(replace(record, gtin=gtin))
                stored = existing.get(gtin)
                if stored is None:
                    new.append(product)
                elif any(stored[key] != value for key, value in _described(product).items()):
                    changed.append(product)
                else:
                    report.unchanged += 1
                if record.price is not None and prices.get(gtin) != record.price:
                    price_changes.append(
                        PriceChange(
                            gtin=gtin,
                            price=record.price,
                            effective_from=effective,
                            source=source,
                            store=store,
                        )
                    )
            uow.catalog.add_products(new, effective, source)
            uow.catalog.update_products(changed, now, source)
            uow.catalog.add_prices(price_changes, recorded_at=now)
            reductions = [
                PriceReduction(
                    promotion_id=f"{source}:{record.gtin}:{effective.date().isoformat()}"[:100],
                    gtin=gtin,
                    price=record.special_price,
                    starts_at=effective,
                    ends_at=effective + timedelta(days=reduction_days),
                    label=f"Special price {record.special_price}",
                    store=store,
                )
                for gtin, record in owned.items()
                if record.special_price is not None
            ]
            fresh = uow.catalog.new_reduction_ids([r.promotion_id for r in reductions])
            uow.catalog.add_price_reductions([r for r in reductions if r.promotion_id in fresh])
            uow.commit()
        report.created = len(new)
        report.updated = len(changed)
        report.price_changes = len(price_changes)
        report.reductions = len(fresh)
        report.rejected.sort(key=lambda r: r.line)
        return report

    @staticmethod
    def _problem(record: ProductRecord, currency: str, seen: dict[str, ProductRecord]) -> str:
        if record.gtin in seen:
            first = seen[record.gtin].line
            return f"GTIN {record.gtin.lstrip('0')} appears again (first on line {first})"
        for price in (record.price, record.special_price):
            if price is not None and price.currency != currency:
                return f"price in {price.currency}, but this store sells in {currency}"
        return ""


def _product(record: ProductRecord) -> Product:
    return Product(
        gtin=record.gtin,
        name=record.name,
        brand=record.brand,
        department=record.department,
        category=record.category,
        price=record.price,
        tax_class=record.tax_class,
        sold_by=record.sold_by,
        net_content=record.net_content,
        alternate_gtins=record.alternate_gtins,
    )


def _described(product: Product) -> dict[str, object]:
    return {
        "name": product.name,
        "brand": product.brand,
        "department": product.department,
        "category": product.category,
        "tax_class": product.tax_class,
        "sold_by": product.sold_by.value,
        "net_amount": product.net_content.amount if product.net_content else None,
        "net_unit": product.net_content.unit if product.net_content else None,
    }
