"""Open Food Facts JSONL (optionally gzipped): names, brands, categories, net quantities.

Open Food Facts carries no prices, so its products arrive unpriced ("no price yet" at the cart)
until a price list prices them. Data: ODbL 1.0, attribution "Open Food Facts contributors".
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from aisle.adapters.importers._common import RowProblem, gtin_from
from aisle.domain.catalog import parse_net_content
from aisle.services.importing import ProductRecord, Rejection

__all__ = ["read_openfoodfacts"]


def _open(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def read_openfoodfacts(
    path: Path, *, tax_class: str = "standard"
) -> Iterator[ProductRecord | Rejection]:
    with _open(path) as handle:
        for line, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                yield _record(line, json.loads(text), tax_class)
            except json.JSONDecodeError as error:
                yield Rejection(line=line, reason=f"not a JSON object: {error.msg}")
            except RowProblem as problem:
                yield Rejection(line=line, reason=str(problem))


def _record(line: int, doc: dict[str, Any], tax_class: str) -> ProductRecord:
    gtin = gtin_from(str(doc.get("code") or ""))
    name = str(doc.get("product_name") or doc.get("generic_name") or "").strip()
    if not name:
        raise RowProblem("missing name")
    quantity = str(doc.get("quantity") or "").strip()
    net = None
    if quantity:
        try:
            net = parse_net_content(quantity)
        except ValueError as error:
            raise RowProblem(str(error)) from None
    categories = [c.strip() for c in str(doc.get("categories") or "").split(",") if c.strip()]
    brands = [b.strip() for b in str(doc.get("brands") or "").split(",") if b.strip()]
    return ProductRecord(
        line=line,
        gtin=gtin,
        name=name,
        brand=brands[0] if brands else "",
        department=categories[0] if categories else "",
        category=categories[-1] if categories else "",
        net_content=net,
        tax_class=tax_class,
    )
