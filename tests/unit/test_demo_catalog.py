"""The demo store's catalog: what ``aisle demo`` puts on the shelves on first start."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from biip.checksums import gs1_standard_check_digit
from hypothesis import given
from hypothesis import strategies as st

from aisle.demo.catalog import (
    DEMO_CURRENCY,
    DEMO_TAX_CLASSES,
    demo_price_reductions,
    demo_products,
)
from aisle.domain.barcodes import normalise_gtin
from aisle.domain.catalog import Product, SoldBy

NOW = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)

DEPARTMENTS = (
    "Produce",
    "Bakery",
    "Dairy & Eggs",
    "Meat & Fish",
    "Deli",
    "Frozen",
    "Pantry",
    "Breakfast & Cereal",
    "Snacks & Sweets",
    "Beverages",
    "Beer, Wine & Spirits",
    "Household",
    "Health & Beauty",
    "Baby",
    "Pet",
)
ALCOHOL = "Beer, Wine & Spirits"


@pytest.fixture(scope="module")
def products() -> list[Product]:
    return demo_products()


def _by_name(products: list[Product], name: str) -> Product:
    return next(product for product in products if product.name == name)


def test_the_demo_store_stocks_at_least_300_products(products: list[Product]) -> None:
    assert len(products) >= 300


@pytest.mark.parametrize("department", DEPARTMENTS, ids=DEPARTMENTS)
def test_every_department_has_products(products: list[Product], department: str) -> None:
    assert any(product.department == department for product in products)


def test_no_product_is_outside_the_known_departments(products: list[Product]) -> None:
    assert {product.department for product in products} == set(DEPARTMENTS)


def test_product_names_are_unique_so_shoppers_can_tell_them_apart(
    products: list[Product],
) -> None:
    twice = [name for name, n in Counter(p.name for p in products).items() if n > 1]
    assert twice == []


def test_gtins_are_unique(products: list[Product]) -> None:
    twice = [gtin for gtin, n in Counter(p.gtin for p in products).items() if n > 1]
    assert twice == []


def test_every_gtin_is_stored_in_its_normalised_14_digit_form(products: list[Product]) -> None:
    changed = [p.gtin for p in products if normalise_gtin(p.gtin) != p.gtin]
    assert changed == []
    assert {len(p.gtin) for p in products} == {14}


def test_packaged_products_carry_the_croatian_gs1_prefix_385(products: list[Product]) -> None:
    packaged = [p for p in products if p.sold_by is SoldBy.EACH]
    assert [p.name for p in packaged if not p.gtin.startswith("0385")] == []


def test_plu_codes_are_unique(products: list[Product]) -> None:
    plus = [p.plu for p in products if p.plu is not None]
    assert len(plus) == len(set(plus))


def test_plu_codes_have_four_digits_or_five_starting_with_9(products: list[Product]) -> None:
    plus = [p.plu for p in products if p.plu is not None]
    wrong = [
        plu
        for plu in plus
        if not plu.isdigit() or not (len(plu) == 4 or (len(plu) == 5 and plu.startswith("9")))
    ]
    assert wrong == []


def test_organic_produce_has_a_five_digit_plu_starting_with_9(products: list[Product]) -> None:
    organic = [p for p in products if p.plu is not None and len(p.plu) == 5]
    assert len(organic) >= 3
    assert all(p.name.startswith("Organic") for p in organic)


def test_at_least_25_produce_items_are_sold_by_weight(products: list[Product]) -> None:
    weighed = [p for p in products if p.sold_by is SoldBy.WEIGHT]
    assert len(weighed) >= 25
    assert {p.department for p in weighed} == {"Produce"}


def test_some_produce_is_sold_each_with_a_gtin(products: list[Product]) -> None:
    each = [p for p in products if p.department == "Produce" and p.sold_by is SoldBy.EACH]
    assert len(each) >= 3
    assert all(p.plu is None for p in each)


def test_every_weighed_product_has_a_plu_and_no_net_content(products: list[Product]) -> None:
    weighed = [p for p in products if p.sold_by is SoldBy.WEIGHT]
    assert [p.name for p in weighed if p.plu is None or p.net_content is not None] == []


def test_every_packaged_product_declares_its_net_content(products: list[Product]) -> None:
    packaged = [p for p in products if p.sold_by is SoldBy.EACH]
    assert [p.name for p in packaged if p.net_content is None] == []


def test_weighed_produce_gets_an_in_store_gtin_made_from_its_plu(
    products: list[Product],
) -> None:
    for product in products:
        if product.sold_by is SoldBy.WEIGHT:
            assert product.plu is not None
            body = "20" + "00000" + product.plu.zfill(5)
            expected = normalise_gtin(body + str(gs1_standard_check_digit(body)))
            assert product.gtin == expected, product.name


@pytest.mark.parametrize(
    ("plu", "name"),
    [("4011", "Bananas"), ("94011", "Organic bananas"), ("4072", "Baking potatoes")],
    ids=["bananas", "organic bananas", "potatoes"],
)
def test_real_ifps_plu_codes_find_the_produce_a_shopper_expects(
    products: list[Product], plu: str, name: str
) -> None:
    assert next(p.name for p in products if p.plu == plu) == name


def test_every_product_has_a_name_brand_aisle_and_shelf(products: list[Product]) -> None:
    missing = [p.gtin for p in products if not (p.name and p.brand and p.aisle and p.shelf)]
    assert missing == []


def test_every_product_has_a_positive_price_in_euro(products: list[Product]) -> None:
    assert [p.name for p in products if p.price.minor <= 0] == []
    assert {p.price.currency for p in products} == {DEMO_CURRENCY} == {"EUR"}


@pytest.mark.parametrize(
    ("code", "rate"),
    [("standard", "25"), ("reduced", "13"), ("low", "5")],
    ids=["standard 25 %", "reduced 13 %", "low 5 %"],
)
def test_tax_classes_are_the_croatian_vat_rates(code: str, rate: str) -> None:
    by_code = {tax.code: tax for tax in DEMO_TAX_CLASSES}
    assert by_code[code].rate_percent == Decimal(rate)


def test_every_tax_class_a_product_uses_exists(products: list[Product]) -> None:
    known = {tax.code for tax in DEMO_TAX_CLASSES}
    assert {p.tax_class for p in products} <= known


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("White sandwich loaf", "low"),
        ("Fresh whole milk 3.5 %", "low"),
        ("Infant formula, from birth", "low"),
        ("Bananas", "low"),
        ("Spaghetti", "reduced"),
        ("Milk chocolate bar", "standard"),
        ("Lager", "standard"),
        ("Laundry detergent, liquid", "standard"),
        ("Shampoo for normal hair", "standard"),
    ],
    ids=str,
)
def test_products_are_taxed_at_a_realistic_rate(
    products: list[Product], name: str, code: str
) -> None:
    assert _by_name(products, name).tax_class == code


def test_at_least_15_products_are_age_restricted(products: list[Product]) -> None:
    assert sum(p.age_restricted for p in products) >= 15


def test_only_beer_wine_and_spirits_are_age_restricted(products: list[Product]) -> None:
    assert {p.department for p in products if p.age_restricted} == {ALCOHOL}


def test_all_beer_wine_and_spirits_are_age_restricted(products: list[Product]) -> None:
    assert [p.name for p in products if p.department == ALCOHOL and not p.age_restricted] == []


def test_the_catalog_is_the_same_on_every_call() -> None:
    assert demo_products() == demo_products()


def test_there_are_8_to_12_price_reductions() -> None:
    assert 8 <= len(demo_price_reductions(NOW)) <= 12


def test_price_reductions_have_unique_tpr_promotion_ids() -> None:
    ids = [r.promotion_id for r in demo_price_reductions(NOW)]
    assert len(ids) == len(set(ids))
    assert all(promotion_id.startswith("tpr-") for promotion_id in ids)


def test_price_reductions_point_at_existing_products_and_are_cheaper(
    products: list[Product],
) -> None:
    by_gtin = {p.gtin: p for p in products}
    for reduction in demo_price_reductions(NOW):
        product = by_gtin[reduction.gtin]
        assert reduction.price < product.price, product.name
        assert reduction.price.minor > 0, product.name


def test_at_least_one_price_reduction_is_on_weighed_produce_per_kg(
    products: list[Product],
) -> None:
    weighed = {p.gtin for p in products if p.sold_by is SoldBy.WEIGHT}
    on_weighed = [r for r in demo_price_reductions(NOW) if r.gtin in weighed]
    assert on_weighed
    assert all(r.label.endswith("/ kg") for r in on_weighed)


def test_price_reductions_tell_the_shopper_the_deal_price() -> None:
    for reduction in demo_price_reductions(NOW):
        assert reduction.label.startswith(f"Weekly deal: €{reduction.price}")


def test_price_reductions_started_yesterday_and_run_for_30_days() -> None:
    for reduction in demo_price_reductions(NOW):
        assert reduction.starts_at == NOW - timedelta(days=1)
        assert reduction.ends_at == NOW + timedelta(days=30)


@given(
    now=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    )
)
def test_price_reductions_are_active_at_whatever_now_they_are_given(now: datetime) -> None:
    assert all(reduction.active_at(now) for reduction in demo_price_reductions(now))


def test_price_reductions_are_the_same_on_every_call() -> None:
    assert demo_price_reductions(NOW) == demo_price_reductions(NOW)
