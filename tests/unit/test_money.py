"""Money is exact: integer minor units with a currency, rounded only where a rule says so."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aisle.domain.money import Money, Rounding

cents = st.integers(min_value=-(10**12), max_value=10**12)


@given(cents)
def test_printing_and_parsing_a_price_gives_it_back(minor: int) -> None:
    money = Money(minor=minor, currency="EUR")
    assert Money.parse(str(money), "EUR") == money


@given(cents, cents)
def test_adding_then_subtracting_is_exact(a: int, b: int) -> None:
    x, y = Money(minor=a, currency="EUR"), Money(minor=b, currency="EUR")
    assert (x + y) - y == x


@pytest.mark.parametrize(
    ("text", "minor"),
    [("12.34", 1234), ("0.1", 10), ("7", 700), ("-0.05", -5), (" 3.00 ", 300)],
    ids=["cents", "one-decimal", "whole", "negative", "padded"],
)
def test_decimal_strings_parse_to_minor_units(text: str, minor: int) -> None:
    assert Money.parse(text, "EUR").minor == minor


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1.005", "more decimals than EUR allows"),
        ("abc", "not a decimal amount"),
        ("NaN", "not a finite amount"),
        ("1e400", "too large"),
    ],
    ids=["too-precise", "letters", "nan", "absurdly-large"],
)
def test_bad_amounts_are_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Money.parse(text, "EUR")


def test_a_currency_with_no_minor_unit_prints_whole_numbers() -> None:
    assert str(Money(minor=500, currency="JPY")) == "500"


def test_money_of_two_currencies_does_not_mix() -> None:
    with pytest.raises(ValueError, match="EUR with USD"):
        Money(minor=1, currency="EUR") + Money(minor=1, currency="USD")


def test_money_refuses_floats_everywhere() -> None:
    with pytest.raises(TypeError):
        Money(minor=1.5, currency="EUR")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(minor=100, currency="EUR") * 1.5  # type: ignore[operator]


def test_unknown_currencies_are_refused() -> None:
    with pytest.raises(ValueError, match="Unknown currency 'XXX'"):
        Money(minor=1, currency="XXX")


@pytest.mark.parametrize(
    ("exact", "rule", "minor"),
    [
        ("0.125", Rounding.HALF_UP, 13),
        ("0.125", Rounding.HALF_EVEN, 12),
        ("0.135", Rounding.HALF_EVEN, 14),
        ("-0.125", Rounding.HALF_UP, -13),
    ],
    ids=["half-up", "half-even-down", "half-even-up", "negative-half-up"],
)
def test_rounding_happens_only_by_a_named_rule(exact: str, rule: Rounding, minor: int) -> None:
    assert Money.from_decimal(Decimal(exact), "EUR", rule).minor == minor
