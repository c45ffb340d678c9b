"""Pricing is a pure function: unit price x quantity, promotions, and tax by rate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aisle.domain.catalog import SoldBy
from aisle.domain.money import Money
from aisle.domain.pricing import (
    LineToPrice,
    PriceReduction,
    PricingPolicy,
    TaxMode,
    price_lines,
)

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
EUR = PricingPolicy(currency="EUR", tax_mode=TaxMode.INCLUSIVE)
USD = PricingPolicy(currency="USD", tax_mode=TaxMode.EXCLUSIVE)


def line(
    line_id: str,
    price: int,
    quantity: int = 1,
    rate: str = "25",
    currency: str = "EUR",
    gtin: str = "",
    weight_g: int | None = None,
) -> LineToPrice:
    return LineToPrice(
        line_id=line_id,
        gtin=gtin or f"0000000000{line_id:>4}"[-14:],
        quantity=quantity,
        unit_price=Money(minor=price, currency=currency),
        tax_rate=Decimal(rate),
        sold_by=SoldBy.WEIGHT if weight_g is not None else SoldBy.EACH,
        weight_g=weight_g,
    )


def test_an_empty_basket_costs_nothing() -> None:
    result = price_lines([], (), EUR, NOW)
    assert (result.subtotal.minor, result.tax_total.minor, result.total.minor) == (0, 0, 0)


def test_a_line_costs_its_unit_price_times_its_quantity() -> None:
    result = price_lines([line("l1", 199, 3)], (), EUR, NOW)
    assert result.line("l1").gross == Money(minor=597, currency="EUR")
    assert result.total == Money(minor=597, currency="EUR")


def test_inclusive_vat_is_extracted_per_rate_and_does_not_change_the_total() -> None:
    lines = [line("l1", 1000, rate="25"), line("l2", 1130, rate="13"), line("l3", 105, rate="5")]
    result = price_lines(lines, (), EUR, NOW)
    assert result.total.minor == 2235
    assert [(str(t.rate), t.base.minor, t.tax.minor) for t in result.taxes] == [
        ("5", 105, 5),
        ("13", 1130, 130),
        ("25", 1000, 200),
    ]
    assert result.tax_total.minor == 335


def test_exclusive_sales_tax_is_added_to_the_total() -> None:
    lines = [
        line("l1", 1000, rate="8.875", currency="USD"),
        line("l2", 500, rate="0", currency="USD"),
    ]
    result = price_lines(lines, (), USD, NOW)
    assert result.tax_total.minor == 89  # 8.875 % of 10.00 = 0.8875, half-up
    assert result.total.minor == 1589


def test_a_weighed_line_costs_price_per_kg_times_weight_rounded_half_up() -> None:
    result = price_lines([line("l1", 149, weight_g=735)], (), EUR, NOW)
    assert result.line("l1").gross.minor == 110  # 1.49 x 0.735 = 1.09515


def test_a_price_reduction_gives_the_special_price_with_its_reason() -> None:
    reduction = PriceReduction(
        promotion_id="tpr-coffee",
        gtin="00000000000001",
        price=Money(minor=249, currency="EUR"),
        starts_at=NOW - timedelta(days=1),
        ends_at=NOW + timedelta(days=1),
        label="Weekly deal",
    )
    result = price_lines(
        [line("l1", 329, 2, gtin="00000000000001")], [r.as_offer() for r in [reduction]], EUR, NOW
    )
    priced = result.line("l1")
    assert priced.discount.minor == 160
    assert [(a.promotion_id, a.description) for a in priced.adjustments] == [
        ("tpr-coffee", "Weekly deal")
    ]
    assert result.total.minor == 498
    assert result.discount_total.minor == 160


@pytest.mark.parametrize(
    "at", [NOW - timedelta(days=2), NOW + timedelta(days=1)], ids=["before-start", "at-end"]
)
def test_a_price_reduction_outside_its_window_changes_nothing(at: datetime) -> None:
    reduction = PriceReduction(
        promotion_id="p",
        gtin="00000000000001",
        price=Money(minor=100, currency="EUR"),
        starts_at=NOW - timedelta(days=1),
        ends_at=NOW + timedelta(days=1),
    )
    result = price_lines(
        [line("l1", 329, gtin="00000000000001")], [r.as_offer() for r in [reduction]], EUR, at
    )
    assert result.discount_total.minor == 0


def test_of_two_active_reductions_the_lower_price_wins() -> None:
    window = {"starts_at": NOW - timedelta(days=1), "ends_at": NOW + timedelta(days=1)}
    cheap = PriceReduction(
        promotion_id="b", gtin="00000000000001", price=Money(minor=200, currency="EUR"), **window
    )
    dear = PriceReduction(
        promotion_id="a", gtin="00000000000001", price=Money(minor=250, currency="EUR"), **window
    )
    result = price_lines(
        [line("l1", 300, gtin="00000000000001")], [r.as_offer() for r in [dear, cheap]], EUR, NOW
    )
    assert result.line("l1").adjustments[0].promotion_id == "b"


def test_a_reduction_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="is not after starts_at"):
        PriceReduction(
            promotion_id="bad",
            gtin="1",
            price=Money(minor=1, currency="EUR"),
            starts_at=NOW,
            ends_at=NOW,
        )


baskets = st.lists(
    st.tuples(st.integers(0, 50_000), st.integers(1, 99), st.sampled_from(["0", "5", "13", "25"])),
    max_size=30,
)


@given(baskets, st.sampled_from([EUR, PricingPolicy(currency="EUR", tax_mode=TaxMode.EXCLUSIVE)]))
def test_totals_always_add_up_to_the_cent(
    basket: list[tuple[int, int, str]], policy: PricingPolicy
) -> None:
    lines = [line(f"l{i}", price, qty, rate) for i, (price, qty, rate) in enumerate(basket)]
    result = price_lines(lines, (), policy, NOW)
    assert result.subtotal.minor == sum(price * qty for price, qty, _ in basket)
    net = result.subtotal - result.discount_total
    expected_total = net if policy.tax_mode is TaxMode.INCLUSIVE else net + result.tax_total
    assert result.total == expected_total
    assert result.tax_total == sum((t.tax for t in result.taxes), Money.zero("EUR"))
    assert price_lines(lines, (), policy, NOW) == result
