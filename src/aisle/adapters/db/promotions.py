"""Promotion rules in SQL: one row per rule, the rule kept in the promotions file format.

The ``rule`` column holds what :func:`~aisle.domain.pricing.rule_document` writes, and loading
reads it back with :func:`~aisle.domain.pricing.parse_promotions` (without catalog checks: they
were made when the file was imported), so files, storage and export share one format. Saving
upserts by id and leaves an unchanged rule's row alone (its source and import time too).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from aisle.adapters.db import tables as t
from aisle.adapters.db.catalog import SqlCatalog
from aisle.domain.pricing import (
    CatalogFacts,
    Offer,
    ProductFacts,
    parse_promotions,
    rule_document,
)
from aisle.services.ports import SavedPromotions, StoredPromotion

__all__ = ["SqlPromotions"]

_CHUNK = 500  # bound parameters per IN (...)


class SqlPromotions:
    def __init__(self, conn: Connection, store: str = "") -> None:
        self._conn = conn
        self._store = store

    def live(self, at: datetime) -> list[Offer]:
        p = t.promotions
        rows = self._conn.execute(
            select(p.c.rule, p.c.currency)
            .where(p.c.starts_at <= at, p.c.ends_at > at)
            .order_by(p.c.id)
        )
        return [_offer(row.rule, row.currency) for row in rows]

    def stored(self) -> list[StoredPromotion]:
        p = t.promotions
        rows = self._conn.execute(
            select(p.c.rule, p.c.currency, p.c.source, p.c.imported_at).order_by(
                p.c.starts_at.desc(), p.c.id
            )
        )
        return [
            StoredPromotion(
                offer=_offer(row.rule, row.currency),
                source=row.source,
                imported_at=row.imported_at,
            )
            for row in rows
        ]

    def save(
        self, offers: Sequence[Offer], *, currency: str, source: str, imported_at: datetime
    ) -> SavedPromotions:
        p = t.promotions
        ids = sorted(offer.id for offer in offers)
        stored: dict[str, tuple[Any, str]] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            query = select(p.c.id, p.c.rule, p.c.currency).where(p.c.id.in_(chunk))
            stored.update((row.id, (row.rule, row.currency)) for row in self._conn.execute(query))
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for offer in offers:
            row = _row(offer, currency, source, imported_at)
            if offer.id not in stored:
                new.append(row)
            elif stored[offer.id] != (row["rule"], currency):
                changed.append(row)
        if new:
            self._conn.execute(insert(p), new)
        if changed:
            for row in changed:
                row["b_id"] = row.pop("id")
            self._conn.execute(update(p).where(p.c.id == bindparam("b_id")), changed)
        return SavedPromotions(
            added=len(new), updated=len(changed), unchanged=len(offers) - len(new) - len(changed)
        )

    def catalog_facts(self, at: datetime) -> CatalogFacts:
        products = t.products
        rows = list(
            self._conn.execute(
                select(
                    products.c.gtin,
                    products.c.name,
                    products.c.category,
                    products.c.brand,
                    products.c.department,
                )
            )
        )
        prices = SqlCatalog(self._conn, self._store).prices_at([row.gtin for row in rows], at)
        codes = t.product_codes
        aliases = {
            row.gtin: row.product_gtin
            for row in self._conn.execute(select(codes).where(codes.c.gtin != codes.c.product_gtin))
        }
        return CatalogFacts.of(
            (
                ProductFacts(
                    gtin=row.gtin,
                    name=row.name,
                    category=row.category,
                    brand=row.brand,
                    department=row.department,
                    price=prices.get(row.gtin),
                )
                for row in rows
            ),
            aliases,
        )


def _row(offer: Offer, currency: str, source: str, imported_at: datetime) -> dict[str, Any]:
    rule = rule_document(offer)
    return {
        "id": offer.id,
        "kind": rule["kind"],
        "name": offer.name,
        "starts_at": offer.when.starts_at,
        "ends_at": offer.when.ends_at,
        "currency": currency,
        "rule": rule,
        "source": source[:200],
        "imported_at": imported_at,
    }


def _offer(rule: dict[str, Any], currency: str) -> Offer:
    return _parsed(json.dumps(rule, sort_keys=True), currency)


@functools.lru_cache(maxsize=1024)
def _parsed(rule: str, currency: str) -> Offer:
    # Every cart reprices on every scan: a rule is parsed once per process, not once per scan.
    [offer] = parse_promotions({"rules": [json.loads(rule)]}, currency=currency)
    return offer
