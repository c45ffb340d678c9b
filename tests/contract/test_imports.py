"""Importing real catalogs: every row is accepted or rejected with its reason, and importing the
same file again changes nothing. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from aisle.adapters.db.migrate import upgrade
from aisle.adapters.db.uow import SqlUnitOfWorkFactory
from aisle.adapters.importers.csv_mapped import preset, read_csv
from aisle.adapters.importers.openfoodfacts import read_openfoodfacts
from aisle.adapters.importers.usda import read_usda
from aisle.bootstrap import Services, bootstrap
from aisle.domain.catalog import TaxClass
from aisle.domain.money import Money
from aisle.services.importing import ImportReport
from tests.support.store import ManualClock, make_settings

KONZUM = preset("konzum")
US_TAX = [TaxClass(code="standard", name="Sales tax", rate_percent=0)]  # type: ignore[arg-type]


@pytest.fixture
def empty_store(database_url: str, tmp_path: Path) -> Iterator[Services]:
    services = bootstrap(make_settings(database_url, tmp_path), clock=ManualClock())
    upgrade(services.engine)
    yield services
    services.close()


def import_konzum(services: Services, path: Path) -> ImportReport:
    return services.imports.run(
        read_csv(path, KONZUM),
        source=f"konzum:{path.name}",
        currency="EUR",
        store=KONZUM.store(path),
        effective_from=KONZUM.effective_from(path),
        tax_classes=KONZUM.domain_tax_classes(),
    )


def counts(report: ImportReport) -> tuple[int, int, int, int, int, int]:
    return (
        report.rows,
        report.created,
        report.updated,
        report.unchanged,
        report.price_changes,
        len(report.rejected),
    )


def test_all_four_konzum_stores_import_and_import_again_without_change(
    empty_store: Services, shared_data: Path
) -> None:
    files = sorted((shared_data / "konzum-prices-2025-07-03").glob("konzum-*.csv"))
    first = [counts(import_konzum(empty_store, path)) for path in files]
    assert first == [
        (10_950, 10_756, 0, 0, 10_756, 194),
        (11_470, 1_647, 0, 9_608, 11_255, 215),
        (6_801, 105, 0, 6_553, 6_658, 143),
        (5_984, 611, 0, 5_221, 5_832, 152),
    ]
    assert empty_store.catalog.product_count() == 13_119
    again = [counts(import_konzum(empty_store, path)) for path in files]
    assert again == [(r, 0, 0, c + u, 0, x) for (r, c, _, u, _, x) in first]


def test_every_rejected_konzum_row_says_which_line_and_why(
    empty_store: Services, shared_data: Path
) -> None:
    path = shared_data / "konzum-prices-2025-07-03" / "konzum-0204-2025-07-03.csv"
    report = import_konzum(empty_store, path)
    reasons = {r.line: r.reason for r in report.rejected}
    assert reasons[74] == "missing barcode"
    assert reasons[1167].startswith("unknown unit 'm' in '100.00 m'")
    assert sum(r.reason == "missing barcode" for r in report.rejected) == 158
    assert report.accepted + len(report.rejected) == report.rows


def test_a_konzum_promotion_becomes_a_price_reduction_of_that_store(
    empty_store: Services, shared_data: Path
) -> None:
    path = shared_data / "konzum-prices-2025-07-03" / "konzum-0204-2025-07-03.csv"
    report = import_konzum(empty_store, path)
    with path.open(encoding="utf-8-sig") as handle:
        on_special = sum(
            1 for row in csv.DictReader(handle) if row["SpecialPrice"] and row["Barcode"]
        )
    assert 0 < report.reductions <= on_special


def write_list(path: Path, rows: list[dict[str, str]]) -> Path:
    header = (
        "Product,ProductId,Brand,Quantity,Unit,Barcode,Category,"
        "Price,UnitPrice,SpecialPrice,BestPrice30,AnchorPrice"
    )
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header.split(","))
        writer.writeheader()
        for row in rows:
            writer.writerow({key: row.get(key, "") for key in header.split(",")})
    return path


MILK = {
    "Product": "MLIJEKO 2,8% 1L",
    "Brand": "DUKAT",
    "Quantity": "1.00 l",
    "Unit": "ko",
    "Barcode": "3850334020802",
    "Category": "HRANA",
    "Price": "1.19",
}


def test_a_price_change_is_recorded_as_history_never_as_an_edit(
    empty_store: Services, tmp_path: Path
) -> None:
    july = write_list(tmp_path / "konzum-0204-2025-07-03.csv", [MILK])
    august = write_list(tmp_path / "konzum-0204-2025-08-01.csv", [{**MILK, "Price": "1.29"}])
    import_konzum(empty_store, july)
    assert counts(import_konzum(empty_store, august)) == (1, 0, 0, 1, 1, 0)
    assert counts(import_konzum(empty_store, july)) == (1, 0, 0, 1, 0, 0)  # old list: no change
    with SqlUnitOfWorkFactory(empty_store.engine, store="0204")() as uow:
        history = uow.catalog.price_history("03850334020802")
        zagreb = ZoneInfo("Europe/Zagreb")
        dates = [
            (str(c.price), c.effective_from.astimezone(zagreb).date().isoformat()) for c in history
        ]
        assert dates == [
            ("1.19", "2025-07-03"),
            ("1.29", "2025-08-01"),
        ]
        mid_july = datetime(2025, 7, 15, tzinfo=UTC)
        assert uow.catalog.prices_at(["03850334020802"], mid_july) == {
            "03850334020802": Money(minor=119, currency="EUR")
        }


def test_each_store_sees_its_own_price_list(empty_store: Services, tmp_path: Path) -> None:
    import_konzum(empty_store, write_list(tmp_path / "konzum-0204-2025-07-03.csv", [MILK]))
    import_konzum(
        empty_store,
        write_list(tmp_path / "konzum-0530-2025-07-03.csv", [{**MILK, "Price": "1.09"}]),
    )
    later = datetime(2025, 7, 4, tzinfo=UTC)
    for store, price in (("0204", 119), ("0530", 109)):
        with SqlUnitOfWorkFactory(empty_store.engine, store=store)() as uow:
            product = uow.catalog.by_gtin("03850334020802", later)
            assert product is not None and product.price == Money(minor=price, currency="EUR")
    with SqlUnitOfWorkFactory(empty_store.engine, store="9999")() as uow:
        product = uow.catalog.by_gtin("03850334020802", later)
        assert product is not None and product.price is None  # no chain-wide price


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({**MILK, "Barcode": "3850334020803"}, "bad check digit in barcode 3850334020803"),
        ({**MILK, "Barcode": ""}, "missing barcode"),
        ({**MILK, "Price": ""}, "missing price"),
        ({**MILK, "Price": "-1.00"}, "price '-1.00' is negative"),
        ({**MILK, "Price": "abc"}, "price 'abc' is not a number"),
        ({**MILK, "Quantity": "3.00 furlong"}, "unknown unit 'furlong'"),
        ({**MILK, "Unit": "bag"}, "unknown unit of sale 'bag'"),
        ({**MILK, "Product": ""}, "missing name"),
    ],
    ids=[
        "check-digit",
        "no-barcode",
        "no-price",
        "negative-price",
        "not-a-price",
        "unknown-unit",
        "unknown-sale-unit",
        "no-name",
    ],
)
def test_a_bad_row_is_reported_with_its_reason_and_the_rest_imports(
    empty_store: Services, tmp_path: Path, row: dict[str, str], reason: str
) -> None:
    other = {**MILK, "Barcode": "3850334043641", "Product": "BUDDY"}
    report = import_konzum(
        empty_store, write_list(tmp_path / "konzum-0204-2025-07-03.csv", [row, other])
    )
    assert [(r.line, r.reason[: len(reason)]) for r in report.rejected] == [(2, reason)]
    assert report.created == 1


def test_the_same_gtin_twice_in_one_file_is_refused_the_second_time(
    empty_store: Services, tmp_path: Path
) -> None:
    report = import_konzum(
        empty_store, write_list(tmp_path / "konzum-0204-2025-07-03.csv", [MILK, MILK])
    )
    assert [(r.line, r.reason) for r in report.rejected] == [
        (3, "GTIN 3850334020802 appears again (first on line 2)")
    ]


def test_open_food_facts_products_import_unpriced(empty_store: Services, shared_data: Path) -> None:
    path = shared_data / "openfoodfacts-min" / "openfoodfacts-products-min.jsonl.gz"
    report = empty_store.imports.run(
        read_openfoodfacts(path), source="off", currency="EUR", tax_classes=US_TAX
    )
    assert report.rows == 1_000
    assert report.accepted + len(report.rejected) == 1_000
    assert report.accepted == 975  # 14 have no name, 8 a bare count, 3 a bad check digit
    assert report.price_changes == 0
    again = empty_store.imports.run(
        read_openfoodfacts(path), source="off", currency="EUR", tax_classes=US_TAX
    )
    assert (again.created, again.updated) == (0, 0)


def test_usda_branded_foods_import_with_their_package_weights(
    empty_store: Services, shared_data: Path
) -> None:
    path = shared_data / "usda-fdc-branded-sample" / "branded_food.csv"
    report = empty_store.imports.run(
        read_usda(path), source="usda", currency="USD", tax_classes=US_TAX
    )
    assert report.rows == 9_541
    assert report.accepted + len(report.rejected) == 9_541
    assert report.accepted == 9_214
    assert sum("appears again" in r.reason for r in report.rejected) == 101  # USDA repeats GTINs
    assert sum(r.reason.startswith("bad check digit") for r in report.rejected) == 222
    again = empty_store.imports.run(
        read_usda(path), source="usda", currency="USD", tax_classes=US_TAX
    )
    assert (again.created, again.updated, again.price_changes) == (0, 0, 0)


def test_a_price_in_another_currency_is_refused(empty_store: Services, tmp_path: Path) -> None:
    path = write_list(tmp_path / "konzum-0204-2025-07-03.csv", [MILK])
    report = empty_store.imports.run(
        read_csv(path, KONZUM), source="k", currency="USD", tax_classes=KONZUM.domain_tax_classes()
    )
    assert [r.reason for r in report.rejected] == ["price in EUR, but this store sells in USD"]
