"""Promotions end to end: `aisle promotions import` and `list`, `aisle price` from files with no
server or database, `aisle demo` loading the demo's rules, and imported rules pricing carts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aisle.cli import app
from aisle.demo.catalog import demo_products
from tests.api.conftest import Api
from tests.support.store import demo_store, ean, make_settings

runner = CliRunner()
DEMO_FILE = Path(__file__).resolve().parents[2] / "src" / "aisle" / "demo" / "promotions.yaml"
BY_NAME = {p.name: p for p in demo_products()}


@pytest.fixture
def stocked(env: Path) -> Path:
    """The demo catalog in the data folder's database, as `aisle demo` would load it."""
    demo_store(make_settings(f"sqlite:///{env / 'aisle.db'}", env)).close()
    return env


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


# -- aisle promotions ---------------------------------------------------------------------------


def test_promotions_import_stores_the_rules_and_again_changes_nothing(stocked: Path) -> None:
    first = runner.invoke(app, ["promotions", "import", str(DEMO_FILE)])
    assert first.exit_code == 0, first.output
    assert "Promotions from promotions.yaml" in first.output
    assert "13" in first.output
    again = runner.invoke(app, ["promotions", "import", str(DEMO_FILE)])
    assert again.exit_code == 0, again.output
    listed = runner.invoke(app, ["promotions", "list"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    assert "demo-meal-deal" in listed.output
    assert "bundle" in listed.output


def test_promotions_import_prints_every_problem_and_writes_nothing(stocked: Path) -> None:
    cola = BY_NAME["Cola"]
    bad = write(
        stocked / "bad.json",
        {
            "rules": [
                {
                    "id": "cola-ok",
                    "kind": "unit",
                    "name": "Cola 1.29",
                    "group": {"gtins": [ean(cola)]},
                    "price": "1.29",
                    "starts_at": "2026-01-01",
                    "ends_at": "2027-01-01",
                },
                {
                    "id": "yog-3for5",
                    "kind": "multibuy",
                    "name": "3 for 5",
                    "group": {"gtins": [ean(cola), "3850000000015"]},
                    "quantity": 3,
                    "price": "5.00",
                    "starts_at": "2026-01-01",
                    "ends_at": "2025-01-01",
                },
            ]
        },
    )
    result = runner.invoke(app, ["promotions", "import", str(bad)])
    assert result.exit_code == 1
    assert "bad.json: 2 problems, nothing imported" in result.output
    assert (
        "rule 'yog-3for5', field 'group.gtins[1]': unknown product 03850000000015" in result.output
    )
    assert "rule 'yog-3for5', field 'ends_at': 2025-01-01T00:00:00+00:00 is not after" in (
        result.output
    )
    listed = runner.invoke(app, ["promotions", "list", "--all"])
    assert "cola-ok" not in listed.output


# -- aisle demo ---------------------------------------------------------------------------------


def test_the_demo_loads_its_promotions_on_first_start(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import aisle.cli

    monkeypatch.setattr(aisle.cli, "_run", lambda settings, services: None)
    first = runner.invoke(app, ["demo"])
    assert first.exit_code == 0, first.output
    assert "Loaded the demo promotions: 13 rules" in first.output
    second = runner.invoke(app, ["demo"])
    assert second.exit_code == 0, second.output
    assert "Loaded the demo promotions" not in second.output


# -- aisle price ----------------------------------------------------------------------------------

YOGURT, GREEK, COLA, BEER = "3850000000015", "3850000000022", "3850000000039", "3850000000046"
CATALOG = {
    "currency": "EUR",
    "tax_rates": {"reduced": "13", "standard": "25"},
    "products": [
        {
            "gtin": YOGURT,
            "name": "Natural yogurt",
            "price": "0.89",
            "tax_class": "reduced",
            "category": "yogurt",
        },
        {
            "gtin": GREEK,
            "name": "Greek yogurt",
            "price": "1.79",
            "tax_class": "reduced",
            "category": "yogurt",
        },
        {"gtin": COLA, "name": "Cola", "price": "1.79", "tax_rate": "25", "brand": "Sokić"},
        {"gtin": BEER, "name": "Lager", "price": "0.99", "tax_rate": "25", "deposit": "0.10"},
        {
            "gtin": "2000000040110",
            "name": "Bananas",
            "price": "1.49",
            "tax_rate": "5",
            "sold_by": "weight",
            "plu": "4011",
        },
    ],
}
WINDOW = {"starts_at": "2026-01-01", "ends_at": "2027-01-01"}
PROMOTIONS = """
timezone: Europe/Zagreb
rules:
  - id: yog-3for2
    kind: multibuy
    name: Any 3 yogurts for €2
    group: {name: yogurts, categories: [yogurt]}
    quantity: 3
    price: "2.00"
    starts_at: 2026-01-01
    ends_at: 2027-01-01
  - id: cola-member
    kind: unit
    name: Member price cola
    group: {brands: [Sokić]}
    price: "1.49"
    members_only: true
    starts_at: 2026-01-01
    ends_at: 2027-01-01
  - id: lager-coupon
    kind: unit
    name: Lager 50 % off with BEER50
    group: {gtins: ["3850000000046"]}
    percent_off: 50
    coupon: BEER50
    starts_at: 2026-01-01
    ends_at: 2027-01-01
"""
BASKET = [
    {"code": YOGURT, "quantity": 2},
    {"code": GREEK},
    {"code": COLA},
    {"code": BEER, "quantity": 2},
    {"code": "4011", "weight_g": 735},
]


def price(folder: Path, *extra: str, promotions: str = PROMOTIONS) -> Any:
    (folder / "promotions.yaml").write_text(promotions, encoding="utf-8")
    args = [
        "price",
        "--catalog",
        str(write(folder / "catalog.json", CATALOG)),
        "--promotions",
        str(folder / "promotions.yaml"),
        "--basket",
        str(write(folder / "basket.json", BASKET)),
        "--at",
        "2026-06-01T10:00:00+02:00",
        *extra,
    ]
    return runner.invoke(app, args)


def test_price_prints_the_priced_basket_as_json_with_no_database(tmp_path: Path) -> None:
    result = price(tmp_path)
    assert result.exit_code == 0, result.output
    priced = json.loads(result.stdout)
    assert not list(tmp_path.glob("*.db"))
    lines = {line["name"]: line for line in priced["lines"]}
    assert [a["promotion_id"] for a in lines["Natural yogurt"]["adjustments"]] == ["yog-3for2"]
    assert lines["Natural yogurt"]["net"] == "1.00"
    assert lines["Greek yogurt"]["net"] == "1.00"
    assert lines["Cola"]["adjustments"] == []  # a member price, and no member
    assert lines["Bananas"]["gross"] == "1.10"  # 1.49 / kg x 735 g, half-up
    assert priced["deposits"] == [
        {"line_id": "4", "quantity": 2, "unit_amount": "0.10", "amount": "0.20", "tax_rate": "0"}
    ]
    assert priced["totals"] == {
        "subtotal": "8.44",
        "discount": "1.57",
        "deposits": "0.20",
        "tax": priced["totals"]["tax"],
        "total": "7.07",
    }
    assert [t["rate"] for t in priced["taxes"]] == ["0", "5", "13", "25"]


def test_price_applies_member_prices_and_coupons_given_on_the_command_line(
    tmp_path: Path,
) -> None:
    result = price(tmp_path, "--member", "4000123", "--coupon", "BEER50")
    assert result.exit_code == 0, result.output
    lines = {line["name"]: line for line in json.loads(result.stdout)["lines"]}
    assert [(a["promotion_id"], a["amount"]) for a in lines["Cola"]["adjustments"]] == [
        ("cola-member", "0.30")
    ]
    # a coupon applies once in a basket: one lager of two
    assert [(a["promotion_id"], a["amount"]) for a in lines["Lager"]["adjustments"]] == [
        ("lager-coupon", "0.50")
    ]


def test_price_exclusive_tax_mode_adds_tax(tmp_path: Path) -> None:
    result = price(tmp_path, "--tax-mode", "exclusive", "--currency", "EUR")
    assert result.exit_code == 0, result.output
    totals = json.loads(result.stdout)["totals"]
    assert totals["tax"] != "0.00"
    assert totals["total"] == "{:.2f}".format(7.07 + float(totals["tax"]))


def test_price_refuses_promotions_the_catalog_says_are_wrong(tmp_path: Path) -> None:
    wrong = PROMOTIONS.replace("categories: [yogurt]", "categories: [Yogurt]")
    result = price(tmp_path, promotions=wrong)
    assert result.exit_code == 1
    assert "promotions.yaml: 1 problem, nothing priced" in result.output
    assert (
        "rule 'yog-3for2', field 'group.categories[0]': unknown category 'Yogurt': no product "
        "in the catalog has it (did you mean 'yogurt'?)"
    ) in result.output


def test_price_says_what_is_wrong_with_the_catalog_and_the_basket(tmp_path: Path) -> None:
    catalog = {
        "products": [
            {"gtin": "3850000000011", "name": "Bad code", "price": "1.00", "tax_rate": "25"},
            {"gtin": COLA, "name": "No tax", "price": "1.00"},
        ]
    }
    result = runner.invoke(
        app,
        [
            "price",
            "--catalog",
            str(write(tmp_path / "catalog.json", catalog)),
            "--basket",
            str(write(tmp_path / "basket.json", [{"code": COLA}])),
        ],
    )
    assert result.exit_code == 1
    assert "product #1, field 'gtin': '3850000000011' is not a GTIN" in result.output
    assert "product #2, field 'tax_rate': missing: give tax_rate or tax_class" in result.output
    result = runner.invoke(
        app,
        [
            "price",
            "--catalog",
            str(write(tmp_path / "catalog.json", CATALOG)),
            "--basket",
            str(write(tmp_path / "basket.json", [{"code": "4011"}, {"code": "3850000000053"}])),
        ],
    )
    assert result.exit_code == 1
    assert "basket item #1, code '4011': Bananas is sold by weight: give weight_g" in result.output
    assert "basket item #2, code '3850000000053': not in the catalog" in result.output


def test_price_reads_a_csv_price_list_through_the_importers_mapping(tmp_path: Path) -> None:
    price_list = tmp_path / "konzum-0204-2026-06-01.csv"
    price_list.write_text(
        "Product,Barcode,Brand,Category,Price,SpecialPrice,BestPrice30,Quantity,Unit\n"
        f"Natural yogurt,{YOGURT},Dravska,HRANA,0.89,,0.89,500 g,ko\n"
        f"Cola,{COLA},Sokić,PIĆE,,1.29,1.79,1.5 l,ko\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        [
            "price",
            "--catalog",
            str(price_list),
            "--preset",
            "konzum",
            "--basket",
            str(write(tmp_path / "basket.json", [{"code": YOGURT}, {"code": COLA}])),
            "--at",
            "2026-06-02T10:00:00+02:00",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = {line["name"]: line for line in json.loads(result.stdout)["lines"]}
    assert lines["Natural yogurt"]["tax_rate"] == "13"
    assert (lines["Cola"]["gross"], lines["Cola"]["net"]) == ("1.79", "1.29")


# -- carts ----------------------------------------------------------------------------------------


def yogurts_rule(**fields: Any) -> dict[str, Any]:
    return {
        "id": "yogurts",
        "kind": "multibuy",
        "name": "Any 2 Dravska for €1",
        "group": {"brands": ["Dravska"], "name": "Dravska"},
        "quantity": 2,
        "price": "1.00",
        "starts_at": "2026-01-01",
        "ends_at": "2027-01-01",
        **fields,
    }


def test_an_imported_rule_prices_the_cart_by_brand(api: Api) -> None:
    api.services.promotions.import_document({"rules": [yogurts_rule()]}, source="test")
    cart = api.new_cart()
    cart.scan(ean(BY_NAME["Natural yogurt"]))
    state = cart.scan(ean(BY_NAME["Strawberry yogurt"])).json()
    assert state["discount_total"] == "0.58"  # 0.89 + 0.69 for 1.00
    assert {a["promotion_id"] for line in state["lines"] for a in line["adjustments"]} == {
        "yogurts"
    }


def test_a_rule_for_other_stores_does_not_price_this_one(api: Api) -> None:
    api.services.promotions.import_document(
        {"rules": [yogurts_rule(stores=["split-3"])]}, source="test"
    )
    cart = api.new_cart()
    cart.scan(ean(BY_NAME["Natural yogurt"]))
    assert cart.scan(ean(BY_NAME["Strawberry yogurt"])).json()["discount_total"] == "0.00"
