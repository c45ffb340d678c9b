"""CSV price lists with a column mapping (TOML), such as the Konzum lists in Croatia.

The mapping names the file's columns for each field, how the sold-by unit is written, the
currency, tax classes and how departments map to them, and where the file's date is found. A
ready mapping for Konzum's published lists ships as the ``konzum`` preset.

Example mapping (the Konzum preset)::

    currency = "EUR"
    encoding = "utf-8-sig"
    date_from_filename = "(\\\\d{4}-\\\\d{2}-\\\\d{2})"
    default_tax_class = "standard"
    [columns]
    gtin = "Barcode"
    name = "Product"
    ...
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from aisle.adapters.importers._common import RowProblem, gtin_from, money_from
from aisle.domain.catalog import SoldBy, TaxClass, parse_net_content
from aisle.services.importing import ProductRecord, Rejection

__all__ = ["CsvMapping", "load_mapping", "preset", "read_csv"]

PRESETS = Path(__file__).parent / "presets"


class Columns(BaseModel):
    model_config = ConfigDict(extra="forbid")
    gtin: str
    name: str
    brand: str | None = None
    department: str | None = None
    category: str | None = None
    price: str | None = None
    special_price: str | None = None
    regular_price_when_special: str | None = None  # the price a special is measured against
    net_content: str | None = None
    sold_by: str | None = None


class TaxClassIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str
    name: str
    rate_percent: Decimal


class CsvMapping(BaseModel):
    model_config = ConfigDict(extra="forbid")
    columns: Columns
    currency: str
    encoding: str = "utf-8"
    delimiter: str = ","
    decimal_comma: bool = False
    sold_by_values: dict[str, SoldBy] = Field(default_factory=lambda: {"": SoldBy.EACH})
    tax_classes: list[TaxClassIn] = Field(default_factory=list)
    default_tax_class: str = "standard"
    tax_class_by_department: dict[str, str] = Field(default_factory=dict)
    date_from_filename: str | None = None  # a regex whose first group is YYYY-MM-DD
    store_from_filename: str | None = None  # a regex whose first group is the store's id
    timezone: str = "UTC"

    def domain_tax_classes(self) -> list[TaxClass]:
        return [
            TaxClass(code=c.code, name=c.name, rate_percent=c.rate_percent)
            for c in self.tax_classes
        ]

    def effective_from(self, path: Path) -> datetime | None:
        """Midnight of the file's date in the store's time zone, when the file name has one."""
        if not self.date_from_filename:
            return None
        match = re.search(self.date_from_filename, path.name)
        if match is None:
            return None
        return datetime.combine(
            date.fromisoformat(match.group(1)), time(0), ZoneInfo(self.timezone)
        )

    def store(self, path: Path) -> str:
        """The store a price list is for ("" for the whole chain)."""
        if not self.store_from_filename:
            return ""
        match = re.search(self.store_from_filename, path.name)
        return match.group(1) if match else ""


def load_mapping(path: Path) -> CsvMapping:
    with path.open("rb") as handle:
        return CsvMapping.model_validate(tomllib.load(handle))


def preset(name: str) -> CsvMapping:
    path = PRESETS / f"{name}.toml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in PRESETS.glob("*.toml")))
        raise ValueError(f"no mapping preset {name!r}: expected one of {known}")
    return load_mapping(path)


def read_csv(path: Path, mapping: CsvMapping) -> Iterator[ProductRecord | Rejection]:
    """Each data row as a record or a rejection; line numbers count the header as line 1."""
    cols = mapping.columns
    with path.open(encoding=mapping.encoding, newline="") as handle:
        reader = csv.DictReader(handle, delimiter=mapping.delimiter)
        missing = [
            c for c in cols.model_dump().values() if c and c not in (reader.fieldnames or [])
        ]
        if missing:
            raise ValueError(
                f"{path.name}: columns {missing} are not in the header {reader.fieldnames}"
            )
        for line, row in enumerate(reader, start=2):
            try:
                yield _record(line, row, mapping)
            except RowProblem as problem:
                yield Rejection(line=line, reason=str(problem))


def _cell(row: dict[str, str], column: str | None) -> str:
    return (row.get(column) or "").strip() if column else ""


def _record(line: int, row: dict[str, str], mapping: CsvMapping) -> ProductRecord:
    cols = mapping.columns
    gtin = gtin_from(_cell(row, cols.gtin))
    name = _cell(row, cols.name)
    if not name:
        raise RowProblem("missing name")
    unit = _cell(row, cols.sold_by)
    if unit not in mapping.sold_by_values:
        known = ", ".join(repr(v) for v in mapping.sold_by_values)
        raise RowProblem(f"unknown unit of sale {unit!r}: expected one of {known}")
    net_text = _cell(row, cols.net_content)
    try:
        net = parse_net_content(net_text) if net_text else None
    except ValueError as error:
        raise RowProblem(str(error)) from None
    price_text = _cell(row, cols.price)
    special_text = _cell(row, cols.special_price)
    special = (
        money_from(special_text, mapping.currency, decimal_comma=mapping.decimal_comma)
        if special_text
        else None
    )
    if not price_text and special is not None:
        price_text = _cell(row, cols.regular_price_when_special)
    if not price_text:
        raise RowProblem("missing price")
    price = money_from(price_text, mapping.currency, decimal_comma=mapping.decimal_comma)
    department = _cell(row, cols.department)
    return ProductRecord(
        line=line,
        gtin=gtin,
        name=name,
        brand=_cell(row, cols.brand),
        department=department,
        category=_cell(row, cols.category),
        price=price,
        special_price=special if special is not None and special.minor < price.minor else None,
        sold_by=mapping.sold_by_values[unit],
        net_content=net,
        tax_class=mapping.tax_class_by_department.get(department, mapping.default_tax_class),
    )
