"""``aisle price``: price a basket from files, with no server and no database.

It reads a catalog (the small YAML/JSON catalog format of ``docs/promotions.md``, or a CSV price
list through the importers' column mappings), a promotions file and a basket, checks the
promotions against the catalog exactly as ``aisle promotions import`` does, and prints the
priced basket as JSON: the same pure :func:`~aisle.domain.pricing.price_lines` the carts use.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from rich.console import Console

from aisle.domain.barcodes import (
    PRESETS,
    Coupon,
    Gs1Data,
    Gtin,
    Plu,
    VariableMeasure,
    normalise_gtin,
    parse_scan,
    rules_preset,
)
from aisle.domain.catalog import SoldBy
from aisle.domain.errors import DomainError
from aisle.domain.money import Money
from aisle.domain.pricing import (
    CatalogFacts,
    LineToPrice,
    Offer,
    PriceReduction,
    PricingPolicy,
    PricingResult,
    ProductFacts,
    PromotionFileError,
    Shopper,
    TaxMode,
    parse_promotions,
    price_lines,
)
from aisle.services.promotions import load_document, read_document

__all__ = ["price"]

err = Console(stderr=True, soft_wrap=True)

_PRODUCT_FIELDS = (
    "gtin",
    "name",
    "price",
    "tax_rate",
    "tax_class",
    "sold_by",
    "plu",
    "category",
    "brand",
    "department",
    "deposit",
)


class InputError(Exception):
    """A file the command was given is wrong; each line of ``problems`` says where and how."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """A product of the catalog file, as a basket line needs it."""

    facts: ProductFacts
    tax_rate: Decimal
    sold_by: SoldBy = SoldBy.EACH
    plu: str | None = None
    deposit: Money | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Catalog:
    items: dict[str, Item]  # by 14-digit GTIN
    aliases: dict[str, str]  # another code -> its product's GTIN
    reductions: list[PriceReduction]  # a price list's special prices

    def facts(self) -> CatalogFacts:
        return CatalogFacts.of((item.facts for item in self.items.values()), self.aliases)

    def by_gtin(self, gtin14: str) -> Item | None:
        return self.items.get(self.aliases.get(gtin14, gtin14))

    def by_plu(self, plu: str) -> Item | None:
        return next((item for item in self.items.values() if item.plu == plu), None)


def price(
    catalog: Annotated[
        Path, typer.Option(exists=True, dir_okay=False, help="Catalog: .yaml, .json or a CSV")
    ],
    basket: Annotated[
        Path,
        typer.Option(exists=True, dir_okay=False, help='JSON: [{"code": "...", "quantity": 2}]'),
    ],
    promotions: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="A promotions file (.yaml or .json)"),
    ] = None,
    at: Annotated[
        str | None, typer.Option(help="When the basket is priced (ISO 8601); default now")
    ] = None,
    member: Annotated[str | None, typer.Option(help="A loyalty member's id")] = None,
    coupon: Annotated[
        list[str] | None, typer.Option(help="A coupon code the shopper presents (repeatable)")
    ] = None,
    store: Annotated[str, typer.Option(help="The store's id, for rules limited to stores")] = "",
    tax_mode: Annotated[TaxMode, typer.Option(help="Shelf prices include tax or not")] = (
        TaxMode.INCLUSIVE
    ),
    currency: Annotated[str, typer.Option(help="The store's currency")] = "EUR",
    timezone: Annotated[str, typer.Option(help="For times written without an offset")] = "UTC",
    preset: Annotated[
        str | None, typer.Option(help="A CSV catalog's built-in column mapping: konzum")
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(exists=True, help="A CSV catalog's TOML column mapping")
    ] = None,
    barcode_rules: Annotated[
        str, typer.Option(help=f"How labels are read: {', '.join(sorted(PRESETS))}")
    ] = "default",
) -> None:
    """Price a basket from files and print it as JSON (no server, no database)."""
    try:
        zone = _zone(timezone)
        moment = _moment(at, zone)
        if barcode_rules not in PRESETS:
            raise InputError(
                [f"--barcode-rules {barcode_rules!r}: expected one of {sorted(PRESETS)}"]
            )
        goods = load_catalog(catalog, currency, moment, preset=preset, mapping=mapping)
        offers: list[Offer] = [r.as_offer() for r in goods.reductions]
        if promotions is not None:
            offers += parse_promotions(
                read_document(promotions), currency=currency, catalog=goods.facts(), timezone=zone
            )
        lines, scanned_coupons = basket_lines(
            _basket_document(basket), goods, barcode_rules=barcode_rules
        )
    except PromotionFileError as error:
        _refuse(promotions.name if promotions else "promotions", [str(p) for p in error.problems])
    except InputError as error:
        _refuse("input", error.problems)
    shopper = Shopper(member_id=member, coupons=frozenset([*(coupon or ()), *scanned_coupons]))
    policy = PricingPolicy(currency=currency, tax_mode=tax_mode)
    result = price_lines(lines, offers, policy, moment, shopper=shopper, store=store)
    document = priced_document(result, lines, moment)
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def _refuse(what: str, problems: list[str]) -> NoReturn:
    count = f"{len(problems)} problem" + ("" if len(problems) == 1 else "s")
    err.print(f"[red]{what}: {count}, nothing priced[/red]")
    for problem in problems:
        err.print(f"  {problem}", markup=False, highlight=False)
    raise typer.Exit(1)


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            [f"--timezone {name!r} is not a time zone such as 'Europe/Zagreb'"]
        ) from None


def _moment(text: str | None, zone: tzinfo) -> datetime:
    if text is None:
        return datetime.now(zone)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            [f"--at {text!r}: expected a time such as 2026-11-24T09:00+01:00"]
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


# -- the catalog ------------------------------------------------------------------------------


def load_catalog(
    path: Path,
    currency: str,
    at: datetime,
    *,
    preset: str | None = None,
    mapping: Path | None = None,
) -> Catalog:
    """A catalog file: YAML or JSON in the small catalog format, or a CSV with a mapping."""
    if path.suffix.lower() in (".csv", ".gz") or preset is not None or mapping is not None:
        return _csv_catalog(path, currency, at, preset=preset, mapping=mapping)
    try:
        document = read_document(path)
    except PromotionFileError as error:
        raise InputError(str(p) for p in error.problems) from None
    return catalog_from_document(document, currency)


def catalog_from_document(document: object, currency: str) -> Catalog:
    if not isinstance(document, Mapping) or not isinstance(document.get("products"), list):
        raise InputError(["catalog: expected a mapping with a list of products"])
    problems: list[str] = []
    for key in document:
        if key not in ("currency", "tax_rates", "products"):
            problems.append(f"catalog, field {key!r}: expected currency, tax_rates or products")
    if document.get("currency", currency) != currency:
        problems.append(f"catalog, field 'currency': {document['currency']!r}, not {currency}")
    rates: dict[str, Decimal] = {}
    for code, rate in dict(document.get("tax_rates") or {}).items():
        try:
            rates[str(code)] = _decimal(rate)
        except ValueError as error:
            problems.append(f"catalog, field 'tax_rates.{code}': {error}")
    items: dict[str, Item] = {}
    for position, raw in enumerate(document["products"], start=1):
        try:
            item = _item(raw, currency, rates)
        except InputError as error:
            problems += [f"product #{position}, {problem}" for problem in error.problems]
            continue
        if item.facts.gtin in items:
            problems.append(f"product #{position}, field 'gtin': {item.facts.gtin} is listed twice")
        items[item.facts.gtin] = item
    if problems:
        raise InputError(problems)
    return Catalog(items=items, aliases={}, reductions=[])


def _item(raw: object, currency: str, rates: Mapping[str, Decimal]) -> Item:
    if not isinstance(raw, Mapping):
        raise InputError(["expected a mapping of fields"])
    problems: list[str] = []

    def field(name: str, read: Any, *, required: bool = False) -> Any:
        value = raw.get(name)
        if value is None:
            if required:
                problems.append(f"field {name!r}: missing")
            return None
        try:
            return read(value)
        except (ValueError, DomainError) as error:
            problems.append(f"field {name!r}: {error}")
            return None

    for key in raw:
        if key not in _PRODUCT_FIELDS:
            problems.append(f"field {key!r}: expected one of {', '.join(_PRODUCT_FIELDS)}")
    gtin = field("gtin", _gtin, required=True)
    name = field("name", _text, required=True)
    price = field("price", lambda v: _money(v, currency), required=True)
    deposit = field("deposit", lambda v: _money(v, currency))
    sold_by = field("sold_by", _sold_by) or SoldBy.EACH
    rate = field("tax_rate", _decimal)
    tax_class = field("tax_class", _text)
    if tax_class is not None:
        if tax_class not in rates:
            known = ", ".join(sorted(rates)) or "none: add tax_rates"
            problems.append(f"field 'tax_class': {tax_class!r} is not in tax_rates ({known})")
        elif rate is None:
            rate = rates[tax_class]
    if rate is None and tax_class is None:
        problems.append("field 'tax_rate': missing: give tax_rate or tax_class")
    if problems:
        raise InputError(problems)
    return Item(
        facts=ProductFacts(
            gtin=gtin,
            name=name,
            category=field("category", _text) or "",
            brand=field("brand", _text) or "",
            department=field("department", _text) or "",
            price=price,
        ),
        tax_rate=rate,
        sold_by=sold_by,
        plu=field("plu", lambda v: _text(str(v))),
        deposit=deposit,
    )


def _csv_catalog(
    path: Path, currency: str, at: datetime, *, preset: str | None, mapping: Path | None
) -> Catalog:
    from aisle.adapters.importers import csv_mapped
    from aisle.services.importing import Rejection

    if (preset is None) == (mapping is None):
        raise InputError(["a CSV catalog needs either --preset or --mapping"])
    try:
        if preset is not None:
            chosen = csv_mapped.preset(preset)
        else:
            assert mapping is not None
            chosen = csv_mapped.load_mapping(mapping)
    except ValueError as error:
        raise InputError([str(error)]) from None
    if chosen.currency != currency:
        raise InputError([f"{path.name}: prices in {chosen.currency}, not {currency}"])
    rates = {c.code: c.rate_percent for c in chosen.domain_tax_classes()}
    effective = chosen.effective_from(path) or at
    items: dict[str, Item] = {}
    aliases: dict[str, str] = {}
    reductions: list[PriceReduction] = []
    rejected = 0
    for row in csv_mapped.read_csv(path, chosen):
        if isinstance(row, Rejection) or row.tax_class not in rates or row.gtin in items:
            rejected += 1
            continue
        items[row.gtin] = Item(
            facts=ProductFacts(
                gtin=row.gtin,
                name=row.name,
                category=row.category,
                brand=row.brand,
                department=row.department,
                price=row.price,
            ),
            tax_rate=rates[row.tax_class],
            sold_by=row.sold_by,
        )
        aliases.update((code, row.gtin) for code in row.alternate_gtins)
        if row.special_price is not None:
            reductions.append(
                PriceReduction(
                    promotion_id=f"{path.name}:{row.gtin}"[:100],
                    gtin=row.gtin,
                    price=row.special_price,
                    starts_at=effective,
                    ends_at=effective + timedelta(days=7),
                    label=f"Special price {row.special_price}",
                )
            )
    if rejected:
        err.print(f"{path.name}: {rejected} rows skipped (see `aisle import csv --rejects`)")
    return Catalog(items=items, aliases=aliases, reductions=reductions)


# -- the basket ---------------------------------------------------------------------------------


def _basket_document(path: Path) -> object:
    try:
        return load_document(path.read_text(encoding="utf-8"), json_syntax=True, name=path.name)
    except PromotionFileError as error:
        raise InputError(str(p) for p in error.problems) from None


def basket_lines(
    document: object, catalog: Catalog, *, barcode_rules: str = "default"
) -> tuple[list[LineToPrice], list[str]]:
    """The basket's lines, and the coupons scanned with it."""
    if not isinstance(document, list):
        raise InputError(['basket: expected a list such as [{"code": "...", "quantity": 1}]'])
    rules = rules_preset(barcode_rules)
    lines: list[LineToPrice] = []
    coupons: list[str] = []
    problems: list[str] = []
    for position, entry in enumerate(document, start=1):
        where = f"basket item #{position}"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("code"), str):
            problems.append(f"{where}: expected a mapping with a code")
            continue
        unknown = [key for key in entry if key not in ("code", "quantity", "weight_g")]
        if unknown:
            problems.append(
                f"{where}: unknown field {unknown[0]!r}: expected code, quantity, weight_g"
            )
            continue
        try:
            code = parse_scan(entry["code"], rules)
        except DomainError as error:
            problems.append(f"{where}, code {entry['code']!r}: {error.message}")
            continue
        if isinstance(code, Coupon):
            coupons.append(code.code)
            continue
        try:
            lines.append(_line(str(len(lines) + 1), code, entry, catalog))
        except InputError as error:
            problems += [f"{where}, code {entry['code']!r}: {p}" for p in error.problems]
    if problems:
        raise InputError(problems)
    return lines, coupons


def _line(
    line_id: str,
    code: Gtin | Plu | VariableMeasure | Gs1Data,
    entry: Mapping[str, Any],
    catalog: Catalog,
) -> LineToPrice:
    label_price: Money | None = None
    weight_g = entry.get("weight_g")
    quantity = entry.get("quantity", 1)
    match code:
        case Gtin():
            item = catalog.by_gtin(code.gtin14)
        case Plu():
            item = catalog.by_plu(code.code)
        case VariableMeasure():
            item = catalog.by_gtin(code.item_gtin14)
            weight_g = weight_g or code.weight_g or None
            quantity = entry.get("quantity", code.count or 1)
            if code.price_minor and item is not None and item.facts.price is not None:
                label_price = Money(minor=code.price_minor, currency=item.facts.price.currency)
        case Gs1Data():
            item = catalog.by_gtin(code.gtin14)
            weight_g = weight_g or code.net_weight_g
    if item is None or item.facts.price is None:
        raise InputError(["not in the catalog"])
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise InputError([f"quantity {quantity!r}: expected a whole number of at least 1"])
    if weight_g is not None and (not isinstance(weight_g, int) or weight_g < 1):
        raise InputError([f"weight_g {weight_g!r}: expected a whole number of grams"])
    if item.sold_by is SoldBy.WEIGHT and weight_g is None and label_price is None:
        raise InputError([f"{item.facts.name} is sold by weight: give weight_g"])
    return LineToPrice(
        line_id=line_id,
        gtin=item.facts.gtin,
        quantity=quantity,
        unit_price=item.facts.price,
        tax_rate=item.tax_rate,
        sold_by=item.sold_by,
        weight_g=weight_g if item.sold_by is SoldBy.WEIGHT else None,
        label_price=label_price,
        name=item.facts.name,
        category=item.facts.category,
        brand=item.facts.brand,
        department=item.facts.department,
        deposit=item.deposit,
    )


# -- output -----------------------------------------------------------------------------------


def priced_document(
    result: PricingResult, lines: list[LineToPrice], at: datetime
) -> dict[str, object]:
    """The priced basket as JSON: money as decimal strings in the store's currency."""
    by_id = {line.line_id: line for line in lines}
    return {
        "currency": result.currency,
        "at": at.isoformat(),
        "lines": [
            {
                "line_id": priced.line_id,
                "gtin": by_id[priced.line_id].gtin,
                "name": by_id[priced.line_id].name,
                "quantity": by_id[priced.line_id].quantity,
                "weight_g": by_id[priced.line_id].weight_g,
                "unit_price": str(by_id[priced.line_id].unit_price),
                "gross": str(priced.gross),
                "adjustments": [
                    {
                        "promotion_id": a.promotion_id,
                        "description": a.description,
                        "amount": str(a.amount),
                    }
                    for a in priced.adjustments
                ],
                "net": str(priced.net),
                "tax_rate": str(priced.tax_rate),
            }
            for priced in result.lines
        ],
        "deposits": [
            {
                "line_id": d.line_id,
                "quantity": d.quantity,
                "unit_amount": str(d.unit_amount),
                "amount": str(d.amount),
                "tax_rate": str(d.tax_rate),
            }
            for d in result.deposits
        ],
        "taxes": [
            {
                "rate": str(t.rate),
                "base": str(t.base),
                "tax": str(t.tax),
                "net": str(t.net),
                "gross": str(t.gross),
            }
            for t in result.taxes
        ],
        "totals": {
            "subtotal": str(result.subtotal),
            "discount": str(result.discount_total),
            "deposits": str(result.deposit_total or Money.zero(result.currency)),
            "tax": str(result.tax_total),
            "total": str(result.total),
        },
        "hints": [
            {"promotion_id": h.promotion_id, "message": h.message, "saving": str(h.saving)}
            for h in result.hints
        ],
    }


# -- values -------------------------------------------------------------------------------------


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected text, got {value!r}")
    return value.strip()


def _gtin(value: object) -> str:
    text = _text(str(value) if isinstance(value, int) and not isinstance(value, bool) else value)
    try:
        return normalise_gtin(text)
    except DomainError:
        raise ValueError(
            f"{text!r} is not a GTIN: expected 8, 12, 13 or 14 digits with a correct check digit"
        ) from None


def _sold_by(value: object) -> SoldBy:
    if value not in ("each", "weight"):
        raise ValueError(f"{value!r}: expected each or weight")
    return SoldBy(value)


def _decimal(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValueError(f"expected a decimal string such as '25', got {value!r}")
    try:
        exact = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    if not exact.is_finite() or exact < 0:
        raise ValueError(f"{value!r}: expected 0 or more")
    return exact


def _money(value: object, currency: str) -> Money:
    return Money.parse(str(_decimal(value)), currency)
