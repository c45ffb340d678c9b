"""USDA FoodData Central "Branded Foods" CSV: US codes, brands, categories, package weights.

``gtin_upc`` is stored without its leading zeros and is padded back before the check digit is
verified. ``package_weight`` is free text such as "32 ONZ" or "16 oz/454 g". No prices: the
products arrive unpriced until a price list prices them. Public domain (US government work).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from aisle.adapters.importers._common import RowProblem, gtin_from
from aisle.domain.catalog import parse_net_content
from aisle.services.importing import ProductRecord, Rejection

__all__ = ["read_usda"]


def read_usda(path: Path, *, tax_class: str = "standard") -> Iterator[ProductRecord | Rejection]:
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                yield _record(line, row, tax_class)
            except RowProblem as problem:
                yield Rejection(line=line, reason=str(problem))


def _record(line: int, row: dict[str, str], tax_class: str) -> ProductRecord:
    gtin = gtin_from(row.get("gtin_upc", ""), pad=True)
    brand = (row.get("brand_name") or row.get("brand_owner") or "").strip()
    category = (row.get("branded_food_category") or "").strip()
    name = (row.get("short_description") or row.get("subbrand_name") or "").strip()
    if not name:
        # The sample carries no description: name the product by its brand and category,
        # which is what a shopper would read on the shelf label.
        name = " ".join(part for part in (brand.title(), category) if part)
    if not name:
        raise RowProblem("missing name (no description, brand or category)")
    weight = (row.get("package_weight") or "").strip()
    net = None
    if weight:
        try:
            net = parse_net_content(weight)
        except ValueError as error:
            raise RowProblem(str(error)) from None
    return ProductRecord(
        line=line,
        gtin=gtin,
        name=name,
        brand=brand,
        department=category,
        category=category,
        net_content=net,
        tax_class=tax_class,
    )
