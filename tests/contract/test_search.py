"""Product search on a real store's catalog (one Konzum price list, 6,658 products): typo-
tolerant, prefix-friendly, accent-insensitive, best match first, on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert

from aisle.adapters.db import tables as t
from aisle.adapters.db.catalog import product_row
from aisle.adapters.db.migrate import upgrade
from aisle.adapters.db.search import fold
from aisle.adapters.importers.csv_mapped import preset, read_csv
from aisle.bootstrap import Services, bootstrap
from aisle.demo.catalog import demo_products
from aisle.domain.catalog import TaxClass
from aisle.services.importing import ProductRecord
from tests.support.postgres import fresh_database
from tests.support.store import ManualClock, make_settings

KONZUM = preset("konzum")
PRICE_LIST = "konzum-0901-2025-07-03.csv"
KETCHUP = "03850334020802"  # KEČAP BLAGI 500g K PLUS
TAX = [TaxClass(code="standard", name="PDV 25 %", rate_percent=25)]  # type: ignore[arg-type]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def konzum(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, shared_data: Path
) -> Iterator[Services]:
    """One store's real catalog, imported once per backend for every test of this module."""
    folder = tmp_path_factory.mktemp("search")
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{folder / 'aisle.db'}"
        else:
            url = stack.enter_context(fresh_database(request.getfixturevalue("postgres_url")))
        path = shared_data / "konzum-prices-2025-07-03" / PRICE_LIST
        settings = make_settings(url, folder, store_id=KONZUM.store(path))
        services = bootstrap(settings, clock=ManualClock())
        stack.callback(services.close)
        upgrade(services.engine)
        services.imports.run(
            read_csv(path, KONZUM),
            source=f"konzum:{path.name}",
            currency="EUR",
            store=KONZUM.store(path),
            effective_from=KONZUM.effective_from(path),
            tax_classes=KONZUM.domain_tax_classes(),
        )
        yield services


def names(services: Services, query: str, count: int = 5) -> list[str]:
    """The first names found, folded (lower case, no accents)."""
    return [fold(p.name) for p in services.catalog.search(query)[:count]]


def words(folded: str) -> list[str]:
    return folded.replace("/", " ").split()


@pytest.mark.parametrize(
    "query",
    ["mlijeko", "MLIJEKO", "mljeko", "mleko", "mlijeo", "mlijkeo", "mlijekko"],
    ids=[
        "as written",
        "in capitals",
        "a letter left out",
        "as Slovenes write it",
        "the last letter lost",
        "two letters swapped",
        "a letter doubled",
    ],
)
def test_milk_comes_first_however_it_is_spelt(konzum: Services, query: str) -> None:
    found = names(konzum, query)
    assert len(found) == 5
    assert all("mlijeko" in words(name) for name in found), found


@pytest.mark.parametrize(
    "query",
    ["čokolada", "cokolada", "ČOKOLADA", "Cokolada"],
    ids=["with its accent", "without", "capitals with", "capitalised without"],
)
def test_accents_and_case_make_no_difference(konzum: Services, query: str) -> None:
    assert names(konzum, query, 10) == names(konzum, "čokolada", 10)
    assert all(name.startswith("cokolada") for name in names(konzum, query))


@pytest.mark.parametrize(
    ("query", "start"),
    [("čoko", "coko"), ("kav", "kava"), ("jog", "jog"), ("pamp", "pamp")],
    ids=["čoko", "kav", "jog", "pamp"],
)
def test_the_start_of_a_word_is_enough(konzum: Services, query: str, start: str) -> None:
    found = names(konzum, query)
    assert len(found) == 5
    assert all(any(w.startswith(start) for w in words(name)) for name in found), found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("mlijeko dukat", ("mlijeko", "dukat")),
        ("dukat mlijeko", ("mlijeko", "dukat")),
        ("mlijeko dkat", ("mlijeko", "dukat")),
        ("kecap blgi", ("kecap", "blagi")),
        ("blagi kečap k plus", ("kecap", "blagi", "plus")),
    ],
    ids=["two words", "in another order", "one misspelt", "another misspelt", "four words"],
)
def test_every_word_of_the_query_counts(
    konzum: Services, query: str, expected: tuple[str, ...]
) -> None:
    found = names(konzum, query, 2)
    assert len(found) == 2
    assert all(set(expected) <= set(words(name)) for name in found), found


@pytest.mark.parametrize("query", ["dukat", "Dukat", "dukta"], ids=["brand", "capital", "typo"])
def test_a_brand_finds_its_products(konzum: Services, query: str) -> None:
    found = konzum.catalog.search(query, limit=10)
    assert len(found) == 10
    assert all("dukat" in fold(f"{p.brand} {p.name}") for p in found)


@pytest.mark.parametrize(
    "code",
    ["3850334020802", KETCHUP],
    ids=["EAN-13 as scanned", "14-digit GTIN"],
)
def test_a_code_finds_its_product_first(konzum: Services, code: str) -> None:
    found = konzum.catalog.search(code)
    assert [p.gtin for p in found] == [KETCHUP]
    assert found[0].name == "KEČAP BLAGI 500g K PLUS"
    assert found[0].price is not None


def test_the_start_of_a_code_finds_the_products_it_begins(konzum: Services) -> None:
    found = konzum.catalog.search("385033402")
    assert KETCHUP in [p.gtin for p in found]
    assert all(p.gtin.startswith("0385033402") for p in found)


@pytest.mark.parametrize(
    "query",
    ["xqzt blorf", "zzzzzz", "qwpfjdkx", "0000000000000"],
    ids=["two made-up words", "one letter over and over", "keyboard mash", "no such code"],
)
def test_nonsense_finds_nothing(konzum: Services, query: str) -> None:
    assert konzum.catalog.search(query) == []


def test_like_wildcards_are_looked_for_as_text(konzum: Services) -> None:
    percent = konzum.catalog.search("%", limit=50)
    assert len(percent) == 50
    assert all("%" in p.name for p in percent)
    assert konzum.catalog.search("_") == []
    assert konzum.catalog.search("%%%%") == []


@pytest.mark.parametrize("query", ["", "   ", "\t"], ids=["empty", "spaces", "tab"])
def test_an_empty_query_finds_nothing(konzum: Services, query: str) -> None:
    assert konzum.catalog.search(query) == []


def test_the_limit_is_respected(konzum: Services) -> None:
    assert len(konzum.catalog.search("mlijeko", limit=3)) == 3
    assert len(konzum.catalog.search("mlijeko", limit=50)) == 50


# -- keeping the index up to date, on every backend ----------------------------------------


@pytest.fixture
def empty_store(database_url: str, tmp_path: Path) -> Iterator[Services]:
    services = bootstrap(make_settings(database_url, tmp_path), clock=ManualClock())
    upgrade(services.engine)
    yield services
    services.close()


def record(name: str, brand: str = "Aisle Market") -> ProductRecord:
    return ProductRecord(line=2, gtin="03859876543213", name=name, brand=brand)


def test_a_new_product_is_found_at_once_and_a_renamed_one_by_its_new_name(
    empty_store: Services,
) -> None:
    empty_store.imports.run([record("Lavender soap")], source="t", currency="EUR", tax_classes=TAX)
    assert [p.name for p in empty_store.catalog.search("lavnder")] == ["Lavender soap"]

    report = empty_store.imports.run(
        [record("Rosemary shampoo")], source="t", currency="EUR", tax_classes=TAX
    )
    assert report.updated == 1
    assert [p.name for p in empty_store.catalog.search("rosmary")] == ["Rosemary shampoo"]
    assert empty_store.catalog.search("lavender") == []
    assert empty_store.catalog.search("3859876543213")[0].name == "Rosemary shampoo"


def test_a_catalog_loaded_before_the_search_migration_is_searchable_after_it(
    database_url: str, tmp_path: Path
) -> None:
    services = bootstrap(make_settings(database_url, tmp_path), clock=ManualClock())
    try:
        upgrade(services.engine, "0005")
        now = datetime(2026, 11, 24, tzinfo=UTC)
        rows = [product_row(p, now, "demo") for p in demo_products()]
        with services.engine.begin() as conn:
            conn.execute(insert(t.products), rows)
        upgrade(services.engine)
        assert services.catalog.search("organic bananas")[0].name == "Organic bananas"
        assert services.catalog.search("bannanas")[0].name == "Bananas"
    finally:
        services.close()
