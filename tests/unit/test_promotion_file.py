"""A promotions file reads into offers, or is refused with every problem, each naming its rule
and field; the stored form is the file format, and reads back to the same offers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from biip.checksums import gs1_standard_check_digit
from hypothesis import given
from hypothesis import strategies as st

from aisle.demo.catalog import DEMO_CURRENCY, demo_products
from aisle.domain.money import Money
from aisle.domain.pricing import (
    AmountOff,
    Bundle,
    BuyGet,
    CatalogFacts,
    Conditions,
    FixedPrice,
    Group,
    Multibuy,
    Offer,
    PercentOff,
    ProductFacts,
    PromotionFileError,
    SpendOffer,
    UnitOffer,
    conflicts,
    parse_promotions,
    rule_document,
)
from aisle.services.promotions import load_document, read_document

DEMO_FILE = Path(__file__).resolve().parents[2] / "src" / "aisle" / "demo" / "promotions.yaml"
START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 4, 1, tzinfo=UTC)
WINDOW = {"starts_at": "2026-03-01T00:00:00+00:00", "ends_at": "2026-04-01T00:00:00+00:00"}


def gtin13(n: int) -> str:
    body = f"385{n:09d}"
    return body + str(gs1_standard_check_digit(body))


def eur(text: str) -> Money:
    return Money.parse(text, "EUR")


YOGURT, GREEK, COLA, SANDWICH, CRISPS, UNPRICED, INNER = (gtin13(n) for n in range(1, 8))
CATALOG = CatalogFacts.of(
    [
        ProductFacts(
            gtin="0" + YOGURT,
            name="Natural yogurt",
            category="yogurt",
            brand="Dravska",
            department="Dairy",
            price=eur("0.89"),
        ),
        ProductFacts(
            gtin="0" + GREEK,
            name="Greek yogurt",
            category="yogurt",
            brand="Planinka",
            department="Dairy",
            price=eur("1.79"),
        ),
        ProductFacts(
            gtin="0" + COLA,
            name="Cola",
            category="soft drinks",
            brand="Sokić",
            department="Beverages",
            price=eur("1.79"),
        ),
        ProductFacts(
            gtin="0" + SANDWICH,
            name="Tuna sandwich",
            category="sandwiches",
            department="Deli",
            price=eur("2.99"),
        ),
        ProductFacts(
            gtin="0" + CRISPS,
            name="Crisps",
            category="crisps",
            department="Snacks",
            price=eur("1.79"),
        ),
        ProductFacts(gtin="0" + UNPRICED, name="New product", category="yogurt"),
    ],
    {"0" + INNER: "0" + COLA},
)


def parse(*rules: dict[str, Any], **top: Any) -> list[Offer]:
    return parse_promotions({**top, "rules": list(rules)}, currency="EUR", catalog=CATALOG)


def rule(rule_id: str, kind: str, **fields: Any) -> dict[str, Any]:
    return {"id": rule_id, "kind": kind, "name": rule_id, **WINDOW, **fields}


def problems(*rules: dict[str, Any], **top: Any) -> list[str]:
    with pytest.raises(PromotionFileError) as refused:
        parse(*rules, **top)
    return [str(problem) for problem in refused.value.problems]


WHEN = Conditions(starts_at=START, ends_at=END)

# -- what each kind reads as -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "offer"),
    [
        (
            rule("tpr", "unit", group={"gtins": [COLA]}, price="1.29"),
            UnitOffer(
                id="tpr",
                name="tpr",
                group=Group(gtins=frozenset({"0" + COLA})),
                benefit=FixedPrice(price=eur("1.29")),
                when=WHEN,
            ),
        ),
        (
            rule(
                "member", "unit", group={"brands": ["Sokić"]}, amount_off="0.30", members_only=True
            ),
            UnitOffer(
                id="member",
                name="member",
                group=Group(brands=frozenset({"Sokić"})),
                benefit=AmountOff(amount=eur("0.30")),
                when=Conditions(starts_at=START, ends_at=END, members_only=True),
            ),
        ),
        (
            rule(
                "coupon",
                "unit",
                group={"departments": ["Dairy"], "name": "dairy"},
                percent_off="12.5",
                coupon="SAVE1",
                limit=2,
                stores=["zagreb-1"],
            ),
            UnitOffer(
                id="coupon",
                name="coupon",
                group=Group(departments=frozenset({"Dairy"}), name="dairy"),
                benefit=PercentOff(percent=Decimal("12.5")),
                when=Conditions(
                    starts_at=START,
                    ends_at=END,
                    coupon="SAVE1",
                    limit=2,
                    stores=frozenset({"zagreb-1"}),
                ),
            ),
        ),
        (
            rule("yog", "multibuy", group={"categories": ["yogurt"]}, quantity=3, price="2.50"),
            Multibuy(
                id="yog",
                name="yog",
                group=Group(categories=frozenset({"yogurt"})),
                quantity=3,
                price=eur("2.50"),
                when=WHEN,
            ),
        ),
        (
            rule("half", "buy_get", group={"categories": ["yogurt"]}, buy=1, get=1, percent_off=50),
            BuyGet(
                id="half",
                name="half",
                group=Group(categories=frozenset({"yogurt"})),
                buy=1,
                get=1,
                percent_off=Decimal(50),
                when=WHEN,
            ),
        ),
        (
            rule("free", "buy_get", group={"gtins": [COLA]}, buy=2, get=1),
            BuyGet(
                id="free",
                name="free",
                group=Group(gtins=frozenset({"0" + COLA})),
                buy=2,
                get=1,
                percent_off=Decimal(100),
                when=WHEN,
            ),
        ),
        (
            rule(
                "meal",
                "bundle",
                slots=[{"categories": ["sandwiches"]}, {"departments": ["Snacks"]}],
                price="4.00",
                exclusive=True,
            ),
            Bundle(
                id="meal",
                name="meal",
                slots=(
                    Group(categories=frozenset({"sandwiches"})),
                    Group(departments=frozenset({"Snacks"})),
                ),
                price=eur("4.00"),
                when=Conditions(starts_at=START, ends_at=END, exclusive=True),
            ),
        ),
        (
            rule(
                "spend",
                "spend",
                group={"everything": True, "name": "basket"},
                threshold="30.00",
                amount_off="3.00",
            ),
            SpendOffer(
                id="spend",
                name="spend",
                group=Group(everything=True, name="basket"),
                threshold=eur("30.00"),
                benefit=AmountOff(amount=eur("3.00")),
                when=WHEN,
            ),
        ),
        (
            rule("deli", "spend", group={"departments": ["Deli"]}, threshold=15, percent_off=10),
            SpendOffer(
                id="deli",
                name="deli",
                group=Group(departments=frozenset({"Deli"})),
                threshold=eur("15.00"),
                benefit=PercentOff(percent=Decimal(10)),
                when=WHEN,
            ),
        ),
    ],
    ids=lambda value: value["id"] if isinstance(value, dict) else "",
)
def test_each_kind_of_rule_reads_as_its_offer(fields: dict[str, Any], offer: Offer) -> None:
    assert parse(fields) == [offer]


def test_times_without_an_offset_are_in_the_files_time_zone_and_a_date_is_its_midnight() -> None:
    [offer] = parse(
        {
            **rule("tz", "unit", group={"gtins": [COLA]}, price="1.29"),
            "starts_at": "2026-03-01",
            "ends_at": "2026-03-08T08:00",
        },
        timezone="Europe/Zagreb",
    )
    assert offer.when.starts_at == datetime(2026, 2, 28, 23, tzinfo=UTC)
    assert offer.when.ends_at == datetime(2026, 3, 8, 7, tzinfo=UTC)


def test_any_form_of_a_gtin_names_the_same_product() -> None:
    forms = [COLA, "0" + COLA, int(COLA)]
    offers = [parse(rule("f", "unit", group={"gtins": [form]}, price="1.29"))[0] for form in forms]
    assert all(offer == offers[0] for offer in offers)


# -- what is refused, and how it is said -------------------------------------------------------


def unit(rule_id: str = "cola", **fields: Any) -> dict[str, Any]:
    return rule(rule_id, "unit", **{"group": {"gtins": [COLA]}, "price": "1.29", **fields})


BAD_FILES: list[tuple[str, list[dict[str, Any]], list[str]]] = [
    (
        "unknown product",
        [
            rule(
                "yog-3for5",
                "multibuy",
                group={"gtins": [YOGURT, gtin13(99)]},
                quantity=3,
                price="2",
            )
        ],
        [f"rule 'yog-3for5', field 'group.gtins[1]': unknown product 0{gtin13(99)}"],
    ),
    (
        "not a gtin",
        [unit(group={"gtins": ["3850000000011", "12345"]})],
        [
            "rule 'cola', field 'group.gtins[0]': '3850000000011' is not a GTIN: "
            "its check digit should be 5",
            "rule 'cola', field 'group.gtins[1]': '12345' is not a GTIN: "
            "expected 8, 12, 13 or 14 digits",
        ],
    ),
    (
        "another code of a product",
        [unit(group={"gtins": [INNER]})],
        [
            f"rule 'cola', field 'group.gtins[0]': 0{INNER} is another code of product "
            f"0{COLA}: write 0{COLA}"
        ],
    ),
    (
        "unknown category, brand and department",
        [unit(group={"categories": ["Yogurt"], "brands": ["Acme"], "departments": ["Dairy", "x"]})],
        [
            "rule 'cola', field 'group.categories[0]': unknown category 'Yogurt': no product "
            "in the catalog has it (did you mean 'yogurt'?)",
            "rule 'cola', field 'group.brands[0]': unknown brand 'Acme': no product in the "
            "catalog has it",
            "rule 'cola', field 'group.departments[1]': unknown department 'x': no product in "
            "the catalog has it",
        ],
    ),
    (
        "negative price",
        [unit(price="-0.10")],
        ["rule 'cola', field 'price': -0.10 is negative: expected 0 or more"],
    ),
    (
        "zero amount off",
        [rule("off", "unit", group={"gtins": [COLA]}, amount_off="0")],
        ["rule 'off', field 'amount_off': 0.00: expected more than 0"],
    ),
    (
        "negative amount off",
        [rule("off", "unit", group={"gtins": [COLA]}, amount_off="-1.00")],
        ["rule 'off', field 'amount_off': -1.00 is negative: expected 0 or more"],
    ),
    (
        "a binary float",
        [unit(price=1.29)],
        [
            "rule 'cola', field 'price': expected a decimal string such as '1.99', "
            "got the binary float 1.29"
        ],
    ),
    (
        "too many decimals",
        [unit(price="1.299")],
        ["rule 'cola', field 'price': '1.299' has more decimals than EUR allows (2)"],
    ),
    (
        "percent out of range",
        [
            rule("p0", "unit", group={"gtins": [COLA]}, percent_off=0),
            rule("p101", "unit", group={"gtins": [COLA]}, percent_off="100.5"),
        ],
        [
            "rule 'p0', field 'percent_off': 0 %: expected more than 0 and at most 100",
            "rule 'p101', field 'percent_off': 100.5 %: expected more than 0 and at most 100",
        ],
    ),
    (
        "end before start",
        [unit(starts_at="2026-03-09T00:00:00+01:00", ends_at="2026-03-01T00:00:00+01:00")],
        [
            "rule 'cola', field 'ends_at': 2026-03-01T00:00:00+01:00 is not after starts_at "
            "2026-03-09T00:00:00+01:00: expected the end after the start"
        ],
    ),
    (
        "end equal to start",
        [unit(ends_at=WINDOW["starts_at"])],
        [
            "rule 'cola', field 'ends_at': 2026-03-01T00:00:00+00:00 is not after starts_at "
            "2026-03-01T00:00:00+00:00: expected the end after the start"
        ],
    ),
    (
        "not a time",
        [unit(starts_at="next monday")],
        [
            "rule 'cola', field 'starts_at': 'next monday': expected a date or time such as "
            "'2025-01-01' or '2025-01-01T08:00:00+01:00'"
        ],
    ),
    (
        "missing id",
        [unit(), {k: v for k, v in unit().items() if k != "id"}],
        ["rule #2, field 'id': missing: every rule needs an id"],
    ),
    (
        "duplicate id",
        [unit(), unit(price="1.19")],
        ["rule 'cola', field 'id': duplicate: rule #1 has the same id"],
    ),
    (
        "an id with spaces",
        [unit(rule_id="cola 129")],
        ["rule #1, field 'id': 'cola 129': expected letters, digits and . _ : / - (no spaces)"],
    ),
    (
        "unknown kind and unknown field",
        [rule("k", "discount"), unit(rule_id="typo", prices="1.29")],
        [
            "rule 'k', field 'kind': 'discount': expected one of unit, multibuy, buy_get, "
            "bundle, spend",
            "rule 'typo', field 'prices': unknown field 'prices': expected one of id, kind, "
            "name, starts_at, ends_at, stores, members_only, coupon, limit, exclusive, group, "
            "price, amount_off, percent_off",
        ],
    ),
    (
        "a code written as a number",
        [unit(coupon=9810123456780, stores=[204])],
        [
            "rule 'cola', field 'stores[0]': expected text, got the number 204: write it in quotes",
            "rule 'cola', field 'coupon': expected text, got the number 9810123456780: write "
            "it in quotes",
        ],
    ),
    (
        "two benefits",
        [unit(percent_off=10)],
        [
            "rule 'cola', field 'percent_off': price and percent_off given: expected only one "
            "of price, amount_off or percent_off"
        ],
    ),
    (
        "multibuy of one",
        [rule("one", "multibuy", group={"gtins": [COLA]}, quantity=1, price="1.00")],
        ["rule 'one', field 'quantity': 1: expected at least 2"],
    ),
    (
        "buy nothing get nothing",
        [rule("bg", "buy_get", group={"gtins": [COLA]}, buy=0, get=0)],
        [
            "rule 'bg', field 'buy': 0: expected at least 1",
            "rule 'bg', field 'get': 0: expected at least 1",
        ],
    ),
    (
        "bundle of one slot",
        [rule("b", "bundle", slots=[{"gtins": [SANDWICH]}], price="2.00")],
        ["rule 'b', field 'slots': 1 slot: a bundle needs at least 2"],
    ),
    (
        "spend amount not below the threshold",
        [rule("s", "spend", group={"everything": True}, threshold="10.00", amount_off="10.00")],
        [
            "rule 's', field 'amount_off': 10.00 off is not less than the threshold 10.00: "
            "expected an amount below what the shopper must spend"
        ],
    ),
    (
        "a group that covers nothing",
        [
            unit(group={"name": "nothing"}),
            unit("all", group={"everything": True, "brands": ["Sokić"]}),
        ],
        [
            "rule 'cola', field 'group': covers nothing: expected gtins, categories, brands, "
            "departments or everything: true",
            "rule 'all', field 'group.everything': true already covers every product: leave "
            "out the lists",
        ],
    ),
    (
        "a unit price not below any regular price",
        [unit(group={"categories": ["yogurt"]}, price="1.79")],
        [
            "rule 'cola', field 'price': never applies: 1.79 is not below the regular price of "
            f"any product it covers (the dearest, Greek yogurt (0{GREEK}), costs 1.79)"
        ],
    ),
    (
        "a multibuy that never saves",
        [rule("m", "multibuy", group={"categories": ["yogurt"]}, quantity=3, price="5.37")],
        [
            "rule 'm', field 'price': never saves: 3 for 5.37 is not below 3 x 1.79 = 5.37, "
            f"the regular price of the dearest product it covers (Greek yogurt (0{GREEK}))"
        ],
    ),
    (
        "a bundle that never saves",
        [
            rule(
                "meal",
                "bundle",
                slots=[{"gtins": [SANDWICH]}, {"categories": ["crisps", "soft drinks"]}],
                price="4.78",
            )
        ],
        [
            "rule 'meal', field 'price': never saves: 4.78 is not below 4.78, the dearest "
            f"product of each slot together (Tuna sandwich (0{SANDWICH}), Cola (0{COLA}))"
        ],
    ),
    (
        "an exclusive unit offer another always beats",
        [
            unit("cheap", price="1.19"),
            unit("excl", price="1.29", exclusive=True, ends_at="2026-03-15T00:00:00+00:00"),
        ],
        [
            "rule 'excl', field 'exclusive': never applies: rule 'cheap' gives every product "
            "this rule covers a price at least as low, whenever and wherever this rule is live, "
            "to the same shoppers and with no limit"
        ],
    ),
    (
        "spend offers that could take more than an item",
        [
            rule("s1", "spend", group={"everything": True}, threshold="10", percent_off=60),
            rule("s2", "spend", group={"departments": ["Dairy"]}, threshold="5", amount_off="2.50"),
            rule("s3", "spend", group={"departments": ["Deli"]}, threshold="5", percent_off=90),
        ],
        [
            "rule 's1', field 'percent_off': stacked with rule 's2' it could take 110 % of the "
            f"price of Natural yogurt (0{YOGURT}) from 2026-03-01T00:00:00+00:00: expected at "
            "most 100 % together",
            "rule 's1', field 'percent_off': stacked with rule 's3' it could take 150 % of the "
            f"price of Tuna sandwich (0{SANDWICH}) from 2026-03-01T00:00:00+00:00: expected at "
            "most 100 % together",
        ],
    ),
]


@pytest.mark.parametrize(
    ("rules", "expected"), [(r, e) for _, r, e in BAD_FILES], ids=[i for i, _, _ in BAD_FILES]
)
def test_a_bad_file_is_refused_with_every_problem_naming_rule_and_field(
    rules: list[dict[str, Any]], expected: list[str]
) -> None:
    assert problems(*rules) == expected


def test_a_rule_with_nothing_right_lists_everything_missing() -> None:
    assert problems({"id": "x", "kind": "bundle"}) == [
        "rule 'x', field 'name': missing",
        "rule 'x', field 'starts_at': missing",
        "rule 'x', field 'ends_at': missing",
        "rule 'x', field 'slots': missing: expected a list of at least 2 groups",
        "rule 'x', field 'price': missing",
    ]


def test_the_file_itself_is_checked() -> None:
    with pytest.raises(PromotionFileError) as refused:
        parse_promotions(
            {"currency": "USD", "timezone": "Mars/Olympus", "promos": []}, currency="EUR"
        )
    assert [str(p) for p in refused.value.problems] == [
        "file, field 'promos': unknown field 'promos': expected one of currency, timezone, rules",
        "file, field 'currency': 'USD': this store sells in EUR",
        "file, field 'timezone': 'Mars/Olympus' is not a time zone: expected a name such as "
        "'Europe/Zagreb'",
        "file, field 'rules': missing",
    ]
    assert str(refused.value).startswith("4 problems in the promotions file, nothing imported:\n")


def test_spend_offers_within_the_whole_price_and_apart_in_time_or_store_are_accepted() -> None:
    parse(
        rule("a", "spend", group={"everything": True}, threshold="10", percent_off=60),
        rule("b", "spend", group={"departments": ["Deli"]}, threshold="10", amount_off="4.00"),
        {
            **rule("c", "spend", group={"departments": ["Deli"]}, threshold="10", percent_off=90),
            "starts_at": WINDOW["ends_at"],
            "ends_at": "2026-05-01T00:00:00+00:00",
        },
        rule(
            "d",
            "spend",
            group={"departments": ["Dairy"]},
            threshold="10",
            percent_off=40,
            stores=["split"],
        ),
        rule(
            "e",
            "spend",
            group={"departments": ["Dairy"]},
            threshold="10",
            percent_off=40,
            stores=["zagreb"],
        ),
    )


def test_an_exclusive_rule_is_kept_where_the_other_has_a_limit_or_asks_for_more() -> None:
    parse(
        unit("limited", price="1.19", limit=2),
        unit("excl", price="1.29", exclusive=True),
        unit("members", price="0.99", members_only=True),
        unit("coupon", price="0.99", coupon="SAVE1"),
    )


def test_a_new_file_is_checked_together_with_the_rules_already_running() -> None:
    running = parse(rule("s1", "spend", group={"everything": True}, threshold="10", percent_off=60))
    new = parse(rule("s2", "spend", group={"everything": True}, threshold="10", percent_off=50))
    found = conflicts([*new, *running], CATALOG, among={"s2"})
    assert [f"{p.rule} {p.field}" for p in found] == ["s2 percent_off"]
    assert conflicts(running, CATALOG, among={"s2"}) == []


# -- one format: the stored form reads back to the same offer ----------------------------------


def demo_facts() -> CatalogFacts:
    return CatalogFacts.of(
        ProductFacts(
            gtin=p.gtin,
            name=p.name,
            category=p.category,
            brand=p.brand,
            department=p.department,
            price=p.price,
        )
        for p in demo_products()
    )


def test_the_demo_file_is_valid_and_has_every_kind_and_condition() -> None:
    offers = parse_promotions(
        read_document(DEMO_FILE), currency=DEMO_CURRENCY, catalog=demo_facts()
    )
    kinds = {type(offer) for offer in offers}
    assert kinds == {UnitOffer, Multibuy, BuyGet, Bundle, SpendOffer}
    benefits = {type(o.benefit) for o in offers if isinstance(o, UnitOffer | SpendOffer)}
    assert benefits == {FixedPrice, AmountOff, PercentOff}
    assert any(o.when.members_only and o.when.coupon for o in offers)  # a digital coupon
    assert any(o.when.coupon == "SAVE1" for o in offers)
    assert any(o.when.exclusive for o in offers)
    assert any(o.when.limit for o in offers)
    now = datetime.now(UTC)
    assert all(o.when.starts_at <= now < o.when.ends_at for o in offers)


def test_every_demo_rule_reads_back_from_its_stored_form() -> None:
    offers = parse_promotions(read_document(DEMO_FILE), currency="EUR")
    stored = {"rules": [rule_document(offer) for offer in offers]}
    assert parse_promotions(stored, currency="EUR") == offers
    assert rule_document(offers[0]) == {
        "id": "demo-cola-129",
        "kind": "unit",
        "name": "Cola 1.5 l for €1.29",
        "group": {"name": "colas", "gtins": ["03851714406636", "03851714854468"]},
        "price": "1.29",
        "starts_at": "2025-01-01T00:00:00+01:00",
        "ends_at": "2030-01-01T00:00:00+01:00",
    }


moments = st.datetimes(
    min_value=datetime(2020, 1, 1),
    max_value=datetime(2035, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5))]),
)
amounts = st.integers(min_value=1, max_value=100_000).map(lambda m: Money(minor=m, currency="EUR"))
percents = st.decimals(min_value=Decimal("0.5"), max_value=100, places=1)
groups = st.builds(
    Group,
    gtins=st.frozensets(st.sampled_from(["0" + YOGURT, "0" + COLA]), max_size=2),
    categories=st.frozensets(st.sampled_from(["yogurt", "crisps"]), max_size=2),
    brands=st.frozensets(st.just("Sokić"), max_size=1),
    name=st.sampled_from(["", "a group"]),
).filter(lambda g: not g.is_empty)


@st.composite
def conditions(draw: st.DrawFn) -> Conditions:
    start = draw(moments)
    return Conditions(
        starts_at=start,
        ends_at=start
        + draw(st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=3650))),
        stores=draw(st.frozensets(st.sampled_from(["a", "b"]))),
        members_only=draw(st.booleans()),
        coupon=draw(st.none() | st.just("SAVE1")),
        limit=draw(st.none() | st.integers(min_value=1, max_value=9)),
        exclusive=draw(st.booleans()),
    )


offers_of_every_kind = st.one_of(
    st.builds(
        UnitOffer,
        id=st.just("u"),
        name=st.just("u"),
        group=groups,
        benefit=st.one_of(
            st.builds(FixedPrice, price=amounts),
            st.builds(AmountOff, amount=amounts),
            st.builds(PercentOff, percent=percents),
        ),
        when=conditions(),
    ),
    st.builds(
        Multibuy,
        id=st.just("m"),
        name=st.just("m"),
        group=groups,
        quantity=st.integers(2, 9),
        price=amounts,
        when=conditions(),
    ),
    st.builds(
        BuyGet,
        id=st.just("b"),
        name=st.just("b"),
        group=groups,
        buy=st.integers(1, 5),
        get=st.integers(1, 5),
        percent_off=percents,
        when=conditions(),
    ),
    st.builds(
        Bundle,
        id=st.just("d"),
        name=st.just("d"),
        slots=st.lists(groups, min_size=2, max_size=3).map(tuple),
        price=amounts,
        when=conditions(),
    ),
    st.builds(
        SpendOffer,
        id=st.just("s"),
        name=st.just("s"),
        group=groups,
        threshold=st.just(eur("1000.01")),
        benefit=st.one_of(
            st.builds(AmountOff, amount=amounts), st.builds(PercentOff, percent=percents)
        ),
        when=conditions(),
    ),
)


@given(offers_of_every_kind)
def test_any_offer_reads_back_from_its_rule_as_json_and_yaml_would_store_it(offer: Offer) -> None:
    import json

    import yaml

    stored = rule_document(offer)
    assert parse_promotions({"rules": [json.loads(json.dumps(stored))]}, currency="EUR") == [offer]
    as_yaml = load_document(yaml.safe_dump({"rules": [stored]}), json_syntax=False)
    assert parse_promotions(as_yaml, currency="EUR") == [offer]


# -- reading files exactly ----------------------------------------------------------------------


def test_yaml_is_read_exactly_decimals_plain_integers_and_times_as_text() -> None:
    document = load_document(
        "price: 5.00\ngtin: 0385\ncount: 3\nstarts_at: 2026-03-01T08:00:00+01:00\n",
        json_syntax=False,
    )
    assert document == {
        "price": Decimal("5.00"),
        "gtin": "0385",
        "count": 3,
        "starts_at": "2026-03-01T08:00:00+01:00",
    }
    assert load_document('{"price": 5.00}', json_syntax=True) == {"price": Decimal("5.00")}


@pytest.mark.parametrize(
    ("text", "json_syntax", "message"),
    [
        (
            "rules:\n  - id: a\n    id: b\n",
            False,
            "file: p line 3 column 5: key 'id' is given twice",
        ),
        (
            "rules: [",
            False,
            "file: p line 1 column 9: expected the node content, but found '<stream end>'",
        ),
        ('{"rules": [], "rules": []}', True, "file: p: key 'rules' is given twice in one object"),
        ('{"rules": [}', True, "file: p line 1 column 12: Expecting value"),
    ],
    ids=["yaml key twice", "yaml syntax", "json key twice", "json syntax"],
)
def test_a_file_that_does_not_load_says_where(text: str, json_syntax: bool, message: str) -> None:
    with pytest.raises(PromotionFileError) as refused:
        load_document(text, json_syntax=json_syntax, name="p")
    assert [str(p) for p in refused.value.problems] == [message]


def test_only_yaml_and_json_files_are_read(tmp_path: Path) -> None:
    path = tmp_path / "rules.txt"
    path.write_text("rules: []")
    with pytest.raises(PromotionFileError, match=r"rules.txt: expected a file ending in"):
        read_document(path)
