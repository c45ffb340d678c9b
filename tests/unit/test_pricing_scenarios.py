"""Named scenarios: one basket per promotion kind and per tax regime, with the expected receipt."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from aisle.domain.catalog import SoldBy
from aisle.domain.money import Money, Rounding
from aisle.domain.pricing import (
    AmountOff,
    Bundle,
    BuyGet,
    Conditions,
    FixedPrice,
    Group,
    LineToPrice,
    Multibuy,
    Offer,
    PercentOff,
    PricingPolicy,
    Shopper,
    SpendOffer,
    TaxMode,
    TaxScope,
    UnitOffer,
    price_lines,
)

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
WHEN = Conditions(starts_at=NOW - timedelta(days=7), ends_at=NOW + timedelta(days=7))
YOGURT, MILK, BREAD, SANDWICH, DRINK, CRISPS = (f"0000000000{n:04d}" for n in range(1, 7))
CATEGORY = {YOGURT: "yogurt", MILK: "milk", BREAD: "bread", SANDWICH: "sandwich"}
CATEGORY |= {DRINK: "drinks", CRISPS: "snacks"}


def eur(text: str) -> Money:
    return Money.parse(text, "EUR")


def line(line_id: str, gtin: str, price: str, quantity: int = 1, **extra: object) -> LineToPrice:
    return LineToPrice(
        line_id=line_id,
        gtin=gtin,
        quantity=quantity,
        unit_price=eur(price),
        tax_rate=Decimal(extra.pop("rate", "5")),  # type: ignore[arg-type]
        category=CATEGORY[gtin],
        **extra,  # type: ignore[arg-type]
    )


def when(**changes: object) -> Conditions:
    return Conditions(starts_at=WHEN.starts_at, ends_at=WHEN.ends_at, **changes)  # type: ignore[arg-type]


def yogurts() -> Group:
    return Group(categories=frozenset({"yogurt"}), name="yogurts")


@dataclass
class Scenario:
    lines: list[LineToPrice]
    offers: list[Offer]
    total: str
    discounts: dict[str, str] = field(default_factory=dict)  # line -> discount
    shopper: Shopper = field(default_factory=Shopper)
    policy: PricingPolicy = field(default_factory=lambda: PricingPolicy(currency="EUR"))
    taxes: dict[str, str] = field(default_factory=dict)  # rate -> tax


SCENARIOS = {
    "a temporary price reduction gives the shelf's special price": Scenario(
        lines=[line("l1", MILK, "1.29", 2)],
        offers=[
            UnitOffer(
                id="tpr",
                name="Special",
                group=Group(gtins=frozenset({MILK})),
                benefit=FixedPrice(price=eur("0.99")),
                when=WHEN,
            )
        ],
        total="1.98",
        discounts={"l1": "0.60"},
    ),
    "a member price needs a loyalty card": Scenario(
        lines=[line("l1", MILK, "1.29")],
        offers=[
            UnitOffer(
                id="member",
                name="Member price",
                group=Group(gtins=frozenset({MILK})),
                benefit=FixedPrice(price=eur("0.99")),
                when=when(members_only=True),
            )
        ],
        total="1.29",
    ),
    "a member price for a member": Scenario(
        lines=[line("l1", MILK, "1.29")],
        offers=[
            UnitOffer(
                id="member",
                name="Member price",
                group=Group(gtins=frozenset({MILK})),
                benefit=FixedPrice(price=eur("0.99")),
                when=when(members_only=True),
            )
        ],
        shopper=Shopper(member_id="M1"),
        total="0.99",
        discounts={"l1": "0.30"},
    ),
    "3 for 5 euro mixes any yogurts and shares the saving by price": Scenario(
        lines=[line("l1", YOGURT, "1.99", 2), line("l2", YOGURT + "", "1.99")],
        offers=[
            Multibuy(
                id="3for5",
                name="3 for €5",
                group=yogurts(),
                quantity=3,
                price=eur("5.00"),
                when=WHEN,
            )
        ],
        total="5.00",
        discounts={"l1": "0.65", "l2": "0.32"},
    ),
    "buy 2 get 1 free gives the cheapest free": Scenario(
        lines=[line("l1", YOGURT, "2.49"), line("l2", MILK, "0.99"), line("l3", BREAD, "1.50")],
        offers=[
            BuyGet(
                id="b2g1",
                name="3 for 2",
                group=Group(everything=True),
                buy=2,
                get=1,
                percent_off=Decimal(100),
                when=WHEN,
            )
        ],
        total="3.99",
        discounts={"l2": "0.99"},
    ),
    "second half price": Scenario(
        lines=[line("l1", BREAD, "1.99", 2)],
        offers=[
            BuyGet(
                id="half",
                name="2nd half price",
                group=Group(gtins=frozenset({BREAD})),
                buy=1,
                get=1,
                percent_off=Decimal(50),
                when=WHEN,
            )
        ],
        total="2.98",
        discounts={"l1": "1.00"},
    ),
    "a meal deal takes one of each slot": Scenario(
        lines=[line("l1", SANDWICH, "3.49"), line("l2", DRINK, "1.49"), line("l3", CRISPS, "0.99")],
        offers=[
            Bundle(
                id="meal",
                name="Meal deal €4",
                slots=(
                    Group(gtins=frozenset({SANDWICH})),
                    Group(gtins=frozenset({DRINK})),
                    Group(gtins=frozenset({CRISPS})),
                ),
                price=eur("4.00"),
                when=WHEN,
            )
        ],
        total="4.00",
        discounts={"l1": "1.15", "l2": "0.49", "l3": "0.33"},
    ),
    "spend 10 on the basket, get 1 off": Scenario(
        lines=[line("l1", BREAD, "6.00"), line("l2", MILK, "4.00")],
        offers=[
            SpendOffer(
                id="spend",
                name="€1 off €10",
                group=Group(everything=True),
                threshold=eur("10.00"),
                benefit=AmountOff(amount=eur("1.00")),
                when=WHEN,
            )
        ],
        total="9.00",
        discounts={"l1": "0.60", "l2": "0.40"},
    ),
    "the optimum skips a small reduction to stay over a spend threshold": Scenario(
        lines=[line("l1", BREAD, "6.00"), line("l2", MILK, "4.10")],
        offers=[
            SpendOffer(
                id="spend",
                name="€1 off €10",
                group=Group(everything=True),
                threshold=eur("10.00"),
                benefit=AmountOff(amount=eur("1.00")),
                when=WHEN,
            ),
            UnitOffer(
                id="tpr",
                name="Special",
                group=Group(gtins=frozenset({MILK})),
                benefit=AmountOff(amount=eur("0.20")),
                when=WHEN,
            ),
        ],
        total="9.10",
        discounts={"l1": "0.59", "l2": "0.41"},
    ),
    "10 % off the dairy spend over 5 euro": Scenario(
        lines=[line("l1", YOGURT, "2.50", 2), line("l2", BREAD, "3.00")],
        offers=[
            SpendOffer(
                id="dairy",
                name="10 % off dairy",
                group=yogurts(),
                threshold=eur("5.00"),
                benefit=PercentOff(percent=Decimal(10)),
                when=WHEN,
            )
        ],
        total="7.50",
        discounts={"l1": "0.50"},
    ),
    "a coupon applies once when presented": Scenario(
        lines=[line("l1", MILK, "1.29", 3)],
        offers=[
            UnitOffer(
                id="c",
                name="Coupon 50c off",
                group=Group(gtins=frozenset({MILK})),
                benefit=AmountOff(amount=eur("0.50")),
                when=when(coupon="SAVE50"),
            )
        ],
        shopper=Shopper(coupons=frozenset({"SAVE50"})),
        total="3.37",
        discounts={"l1": "0.50"},
    ),
    "a limit of 2 per customer at the promotional price": Scenario(
        lines=[line("l1", MILK, "1.29", 3)],
        offers=[
            UnitOffer(
                id="lim",
                name="Max 2",
                group=Group(gtins=frozenset({MILK})),
                benefit=FixedPrice(price=eur("0.79")),
                when=when(limit=2),
            )
        ],
        total="2.87",
        discounts={"l1": "1.00"},
    ),
    "a weighed item takes the special price per kg": Scenario(
        lines=[line("l1", BREAD, "2.00", sold_by=SoldBy.WEIGHT, weight_g=750)],
        offers=[
            UnitOffer(
                id="kg",
                name="Special per kg",
                group=Group(gtins=frozenset({BREAD})),
                benefit=FixedPrice(price=eur("1.50")),
                when=WHEN,
            )
        ],
        total="1.13",
        discounts={"l1": "0.37"},
    ),
    "a reduced-to-clear label is final": Scenario(
        lines=[line("l1", MILK, "1.29", label_price=eur("0.50"))],
        offers=[
            UnitOffer(
                id="tpr",
                name="Special",
                group=Group(gtins=frozenset({MILK})),
                benefit=FixedPrice(price=eur("0.99")),
                when=WHEN,
            )
        ],
        total="0.50",
    ),
    "an exclusive offer's units don't count towards a spend offer": Scenario(
        lines=[line("l1", BREAD, "6.00"), line("l2", MILK, "5.00")],
        offers=[
            UnitOffer(
                id="ex",
                name="Exclusive",
                group=Group(gtins=frozenset({MILK})),
                benefit=AmountOff(amount=eur("2.00")),
                when=when(exclusive=True),
            ),
            SpendOffer(
                id="spend",
                name="€1 off €10",
                group=Group(everything=True),
                threshold=eur("10.00"),
                benefit=AmountOff(amount=eur("1.00")),
                when=WHEN,
            ),
        ],
        total="9.00",
        discounts={"l2": "2.00"},
    ),
    "EU VAT is inside the prices, summarised per rate": Scenario(
        lines=[line("l1", MILK, "1.05", rate="5"), line("l2", CRISPS, "2.50", rate="25")],
        offers=[],
        total="3.55",
        taxes={"5": "0.05", "25": "0.50"},
    ),
    "US sales tax is added on top, groceries exempt": Scenario(
        lines=[
            line("l1", MILK, "3.99", rate="0", snap_eligible=True),
            line("l2", SANDWICH, "6.49", rate="7.25"),
        ],
        offers=[],
        policy=PricingPolicy(currency="EUR", tax_mode=TaxMode.EXCLUSIVE),
        total="10.95",
        taxes={"0": "0.00", "7.25": "0.47"},
    ),
    "tax rounded per line with half-even": Scenario(
        lines=[line("l1", MILK, "0.10", rate="25"), line("l2", BREAD, "0.10", rate="25")],
        offers=[],
        policy=PricingPolicy(
            currency="EUR",
            tax_mode=TaxMode.EXCLUSIVE,
            tax_rounding=Rounding.HALF_EVEN,
            tax_scope=TaxScope.LINE,
        ),
        total="0.24",
        taxes={"25": "0.04"},
    ),
    "a deposit is its own line, never discounted": Scenario(
        lines=[line("l1", DRINK, "1.49", 2, deposit=eur("0.10"))],
        offers=[
            UnitOffer(
                id="half",
                name="Half price",
                group=Group(gtins=frozenset({DRINK})),
                benefit=PercentOff(percent=Decimal(50)),
                when=WHEN,
            )
        ],
        total="1.68",  # 2 x 1.49 - 2 x 0.75 (half, rounded half-up per unit) + 2 x 0.10
        discounts={"l1": "1.50"},
    ),
}


@pytest.mark.parametrize("scenario", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_scenario(scenario: Scenario) -> None:
    result = price_lines(
        scenario.lines, scenario.offers, scenario.policy, NOW, shopper=scenario.shopper
    )
    assert str(result.total) == scenario.total
    discounts = {p.line_id: str(p.discount) for p in result.lines if p.discount.minor}
    assert discounts == scenario.discounts
    if scenario.taxes:
        assert {format(t.rate.normalize(), "f"): str(t.tax) for t in result.taxes} == scenario.taxes


def test_a_us_receipt_says_what_snap_may_pay() -> None:
    scenario = SCENARIOS["US sales tax is added on top, groceries exempt"]
    result = price_lines(scenario.lines, scenario.offers, scenario.policy, NOW)
    assert str(result.snap_eligible_total) == "3.99"


def test_one_short_of_a_multibuy_the_result_says_what_one_more_saves() -> None:
    offer = Multibuy(
        id="3for5", name="3 for €5", group=yogurts(), quantity=3, price=eur("5.00"), when=WHEN
    )
    result = price_lines(
        [line("l1", YOGURT, "1.99", 2)], [offer], PricingPolicy(currency="EUR"), NOW
    )
    (hint,) = result.hints
    assert hint.message == "Add 1 more yogurts: 3 for €5"
    assert str(hint.saving) == "0.97"
