"""Repositories over one SQLAlchemy connection; the unit of work hands them out."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from aisle.adapters.db import tables as t
from aisle.domain.cart import CartEvent, event_from_payload, event_to_payload
from aisle.domain.catalog import NetContent, Product, SoldBy, TaxClass
from aisle.domain.money import Money
from aisle.domain.pricing import PriceReduction
from aisle.services.ports import (
    CartSummary,
    ConcurrentAppend,
    Device,
    DuplicateEvent,
    StaffMember,
    StoredEvent,
)


def fold(text: str) -> str:
    """Lower case without accents, so 'Mlijeko' and 'mlijeko' and 'Čaj' and 'caj' meet."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class SqlEventStore:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def load(self, cart_id: str, up_to_version: int | None = None) -> list[StoredEvent]:
        query = (
            select(t.cart_events)
            .where(t.cart_events.c.cart_id == cart_id)
            .order_by(t.cart_events.c.version)
        )
        if up_to_version is not None:
            query = query.where(t.cart_events.c.version <= up_to_version)
        return [
            StoredEvent(
                version=row.version,
                event_id=row.event_id,
                event=event_from_payload(row.type, row.type_version, row.payload),
                recorded_at=row.recorded_at,
            )
            for row in self._conn.execute(query)
        ]

    def version_of(self, cart_id: str, event_id: str) -> int | None:
        query = select(t.cart_events.c.version).where(
            t.cart_events.c.cart_id == cart_id, t.cart_events.c.event_id == event_id
        )
        return self._conn.execute(query).scalar_one_or_none()

    def append(
        self, cart_id: str, *, version: int, event_id: str, event: CartEvent, recorded_at: datetime
    ) -> None:
        row = {
            "cart_id": cart_id,
            "version": version,
            "event_id": event_id,
            "type": event.TYPE,
            "type_version": event.VERSION,
            "payload": event_to_payload(event),
            "recorded_at": recorded_at,
        }
        try:
            with self._conn.begin_nested():
                self._conn.execute(insert(t.cart_events), row)
        except IntegrityError as error:
            if self.version_of(cart_id, event_id) is not None:
                raise DuplicateEvent(event_id) from error
            raise ConcurrentAppend(cart_id) from error

    def cart_ids(self) -> list[str]:
        query = select(t.cart_events.c.cart_id).where(t.cart_events.c.version == 1)
        return list(self._conn.execute(query).scalars())


class SqlCartSummaries:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def lock(self, cart_id: str) -> None:
        """Queue writers of one cart behind each other (PostgreSQL row lock; SQLite's
        ``BEGIN IMMEDIATE`` already serialises every writer)."""
        query = select(t.carts.c.cart_id).where(t.carts.c.cart_id == cart_id).with_for_update()
        self._conn.execute(query)

    def exists(self, cart_id: str) -> bool:
        query = select(t.carts.c.cart_id).where(t.carts.c.cart_id == cart_id)
        return self._conn.execute(query).first() is not None

    def upsert(self, summary: CartSummary) -> None:
        changed = {
            "status": summary.status,
            "updated_at": summary.updated_at,
            "item_count": summary.item_count,
            "total_minor": summary.total.minor,
            "currency": summary.total.currency,
        }
        result = self._conn.execute(
            update(t.carts).where(t.carts.c.cart_id == summary.cart_id).values(**changed)
        )
        if result.rowcount == 0:
            self._conn.execute(
                insert(t.carts).values(
                    cart_id=summary.cart_id,
                    device_id=summary.device_id,
                    device_name=summary.device_name,
                    opened_at=summary.opened_at,
                    **changed,
                )
            )

    def list(self, *, status: str | None = None, limit: int = 200) -> list[CartSummary]:
        query = select(t.carts).order_by(t.carts.c.updated_at.desc()).limit(limit)
        if status is not None:
            query = query.where(t.carts.c.status == status)
        return [
            CartSummary(
                cart_id=row.cart_id,
                device_id=row.device_id,
                device_name=row.device_name,
                status=row.status,
                opened_at=row.opened_at,
                updated_at=row.updated_at,
                item_count=row.item_count,
                total=Money(minor=row.total_minor, currency=row.currency),
            )
            for row in self._conn.execute(query)
        ]


class SqlCatalog:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def _product(self, row: Any) -> Product:
        net = (
            NetContent(amount=row.net_amount, unit=row.net_unit)
            if row.net_amount is not None
            else None
        )
        return Product(
            gtin=row.gtin,
            name=row.name,
            brand=row.brand,
            department=row.department,
            price=Money(minor=row.price_minor, currency=row.currency),
            tax_class=row.tax_class,
            sold_by=SoldBy(row.sold_by),
            net_content=net,
            plu=row.plu,
            age_restricted=row.age_restricted,
            aisle=row.aisle,
            shelf=row.shelf,
        )

    def by_gtin(self, gtin14: str) -> Product | None:
        row = self._conn.execute(select(t.products).where(t.products.c.gtin == gtin14)).first()
        return self._product(row) if row else None

    def by_plu(self, plu: str) -> Product | None:
        row = self._conn.execute(select(t.products).where(t.products.c.plu == plu)).first()
        return self._product(row) if row else None

    def search(self, query: str, *, limit: int = 20) -> list[Product]:
        """Every word must appear (accent- and case-insensitive); names that start with the
        first word come first. The catalog issue replaces this with full-text search."""
        words = fold(query).split()[:8]
        if not words:
            return []
        conditions = [t.products.c.search_text.contains(word, autoescape=True) for word in words]
        starts = func.lower(t.products.c.name).startswith(words[0], autoescape=True)
        statement = (
            select(t.products)
            .where(and_(*conditions))
            .order_by(starts.desc(), func.length(t.products.c.name), t.products.c.name)
            .limit(limit)
        )
        return [self._product(row) for row in self._conn.execute(statement)]

    def tax_rate(self, tax_class: str) -> Decimal:
        query = select(t.tax_classes.c.rate_percent).where(t.tax_classes.c.code == tax_class)
        value = self._conn.execute(query).scalar_one_or_none()
        if value is None:
            raise LookupError(f"Tax class {tax_class!r} is not set up in this store")
        return Decimal(value)

    def price_reductions(self, gtins: Collection[str], at: datetime) -> Sequence[PriceReduction]:
        if not gtins:
            return []
        pr = t.price_reductions
        query = select(pr).where(
            pr.c.gtin.in_(sorted(gtins)), pr.c.starts_at <= at, pr.c.ends_at > at
        )
        return [
            PriceReduction(
                promotion_id=row.promotion_id,
                gtin=row.gtin,
                price=Money(minor=row.price_minor, currency=row.currency),
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                label=row.label,
            )
            for row in self._conn.execute(query)
        ]

    def count(self) -> int:
        return int(self._conn.execute(select(func.count()).select_from(t.products)).scalar_one())

    def add_tax_classes(self, classes: Sequence[TaxClass]) -> None:
        if classes:
            self._conn.execute(
                insert(t.tax_classes),
                [
                    {"code": c.code, "name": c.name, "rate_percent": str(c.rate_percent)}
                    for c in classes
                ],
            )

    def add_products(self, products: Sequence[Product]) -> None:
        if products:
            self._conn.execute(insert(t.products), [_product_row(p) for p in products])

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
                    }
                    for r in reductions
                ],
            )


def _product_row(p: Product) -> dict[str, Any]:
    codes = [p.gtin, p.gtin.lstrip("0"), p.plu or ""]
    return {
        "gtin": p.gtin,
        "name": p.name,
        "brand": p.brand,
        "department": p.department,
        "price_minor": p.price.minor,
        "currency": p.price.currency,
        "tax_class": p.tax_class,
        "sold_by": p.sold_by.value,
        "net_amount": p.net_content.amount if p.net_content else None,
        "net_unit": p.net_content.unit if p.net_content else None,
        "plu": p.plu,
        "age_restricted": p.age_restricted,
        "aisle": p.aisle,
        "shelf": p.shelf,
        "search_text": fold(" ".join([p.name, p.brand, p.department, *codes])),
    }


class SqlDevices:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, device: Device, token_hash: str, created_at: datetime) -> None:
        self._conn.execute(
            insert(t.devices).values(
                device_id=device.device_id,
                name=device.name,
                token_hash=token_hash,
                created_at=created_at,
                revoked=False,
            )
        )

    def by_token_hash(self, token_hash: str) -> Device | None:
        query = select(t.devices).where(
            t.devices.c.token_hash == token_hash, t.devices.c.revoked.is_(False)
        )
        row = self._conn.execute(query).first()
        return Device(device_id=row.device_id, name=row.name) if row else None

    def by_name(self, name: str) -> Device | None:
        row = self._conn.execute(select(t.devices).where(t.devices.c.name == name)).first()
        return Device(device_id=row.device_id, name=row.name) if row else None


class SqlStaff:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, member: StaffMember, password_hash: str, created_at: datetime) -> None:
        self._conn.execute(
            insert(t.staff).values(
                staff_id=member.staff_id,
                username=member.username,
                password_hash=password_hash,
                role=member.role,
                created_at=created_at,
            )
        )

    def by_username(self, username: str) -> tuple[StaffMember, str] | None:
        row = self._conn.execute(select(t.staff).where(t.staff.c.username == username)).first()
        if row is None:
            return None
        member = StaffMember(staff_id=row.staff_id, username=row.username, role=row.role)
        return member, row.password_hash

    def by_id(self, staff_id: str) -> StaffMember | None:
        row = self._conn.execute(select(t.staff).where(t.staff.c.staff_id == staff_id)).first()
        return (
            StaffMember(staff_id=row.staff_id, username=row.username, role=row.role)
            if row
            else None
        )

    def set_password_hash(self, staff_id: str, password_hash: str) -> None:
        self._conn.execute(
            update(t.staff)
            .where(t.staff.c.staff_id == staff_id)
            .values(password_hash=password_hash)
        )


class SqlReceipts:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(
        self, receipt_id: str, cart_id: str, issued_at: datetime, document: dict[str, Any]
    ) -> None:
        self._conn.execute(
            insert(t.receipts).values(
                receipt_id=receipt_id, cart_id=cart_id, issued_at=issued_at, document=document
            )
        )

    def get(self, receipt_id: str) -> dict[str, Any] | None:
        query = select(t.receipts.c.document).where(t.receipts.c.receipt_id == receipt_id)
        document = self._conn.execute(query).scalar_one_or_none()
        return dict(document) if document is not None else None


__all__ = [
    "SqlCartSummaries",
    "SqlCatalog",
    "SqlDevices",
    "SqlEventStore",
    "SqlReceipts",
    "SqlStaff",
    "fold",
]
