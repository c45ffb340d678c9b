"""A threshold the ceilings leave in doubt is closed by joining the components' frontiers.

When giving up item offers to reach a threshold is a knapsack over whole units, the ceilings of
:mod:`aisle.domain.pricing._claims` can't prove their best the optimum. Each component then
lists the solutions no other beats on both spend and saving, among those close enough to its
priced optimum to matter, and the lists are joined over what they spend: the exact optimum,
without the integer programme.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

from aisle.domain.pricing import (
    AmountOff,
    Group,
    LineToPrice,
    Offer,
    PercentOff,
    SpendOffer,
    UnitOffer,
    _claims,
    _integer,
    _programme,
    price_lines,
)
from tests.unit.pricing_oracle import best_saving
from tests.unit.spies import on_source
from tests.unit.test_pricing_integer import (
    KNAPSACK_BASKET,
    KNAPSACK_OFFERS,
    WHEN,
    budget,
    coupon_baskets,
)
from tests.unit.test_pricing_optimum import NOW, POLICY, cats, eur, line

# One class of three units at 5.00, each either 10 % off (0.50) or counted towards a threshold
# of 12.00 that only units on no offer count for (an exclusive coupon's).
THREE_UNITS: _programme.Key = (
    ((500, 3, 1, ((0, 0, 50, 0),)),),
    ((_programme.UNIT, 1, 0, -1),),
    ((True, 1200, 0, Decimal(0), ()),),
)
PRICED_AT_A_TENTH: _programme.Key = _programme.scaled(
    (THREE_UNITS[0], THREE_UNITS[1], ((False, _programme.PRICED, 0, Decimal(10), ()),))
)
"""Each cent spent towards the threshold priced at a tenth of a cent: every solution is worth
150.00 hundredths of a cent (5.00 spent is worth what 10 % of it saves)."""
UNPRICED: _programme.Key = _programme.scaled(
    (THREE_UNITS[0], THREE_UNITS[1], ((False, 1200, 0, Decimal(0), ()),))
)
"""Spending worth nothing: each unit on no offer falls 0.50 short of the best, all three on
offer (50.00 hundredths of a cent)."""


@pytest.fixture
def no_cpsat(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*_: object) -> object:
        raise AssertionError("the frontiers should have closed it")

    monkeypatch.setattr(_integer, "solve_integer", refuse)
    with budget(_programme.BUDGET):
        yield


def test_a_frontier_lists_every_trade_of_spend_for_saving_fewest_spent_first() -> None:
    _, points = _programme.frontier(THREE_UNITS, ((PRICED_AT_A_TENTH, 10**9),))
    assert points is not None
    assert [(spent, value, split) for spent, value, _, (split,) in points] == [
        ((0,), 150, (0, 3)),
        ((500,), 100, (1, 2)),
        ((1000,), 50, (2, 1)),
        ((1200,), 0, (3, 0)),  # 15.00 spent, counted up to the threshold
    ]


def test_a_frontier_drops_what_falls_further_short_of_the_priced_optimum_than_allowed() -> None:
    """Capped at the threshold, three units on no offer fall 3.00 short of 15.00 (30.00
    hundredths of a cent): more than allowed."""
    _, points = _programme.frontier(THREE_UNITS, ((PRICED_AT_A_TENTH, 2999),))
    assert points is not None
    shortfalls = [(spent, short) for spent, _, short, _ in points]
    assert shortfalls == [((0,), (0,)), ((500,), (0,)), ((1000,), (0,))]


def test_every_price_given_bounds_the_frontier() -> None:
    _, points = _programme.frontier(THREE_UNITS, ((PRICED_AT_A_TENTH, 10**9), (UNPRICED, 6000)))
    assert points is not None
    shortfalls = [(spent, short) for spent, _, short, _ in points]
    assert shortfalls == [((0,), (0, 0)), ((500,), (0, 5000))]


@on_source("aisle.domain.pricing._claims")
def test_the_knapsack_the_ceilings_leave_open_is_closed_by_the_frontiers(
    no_cpsat: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    joined: list[bool] = []
    real = _claims.Claims._join

    def spy(claims: _claims.Claims, *args: object) -> bool:
        joined.append(real(claims, *args))
        return joined[-1]

    monkeypatch.setattr(_claims.Claims, "_join", spy)
    result = price_lines(KNAPSACK_BASKET, KNAPSACK_OFFERS, POLICY, NOW)
    assert joined == [True]
    assert result.discount_total.minor == best_saving(KNAPSACK_BASKET, KNAPSACK_OFFERS)


def test_a_join_past_its_budget_of_work_hands_the_joined_component_to_cpsat(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The join's own steps count: one of many components over two thresholds could otherwise
    take seconds."""
    handed: list[_programme.Key] = []
    real = _integer.solve_integer

    def spy(key: _programme.Key, hint: object = None) -> object:
        handed.append(key)
        return real(key, hint)

    with budget(_programme.BUDGET):
        joined = price_lines(KNAPSACK_BASKET, KNAPSACK_OFFERS, POLICY, NOW)
    monkeypatch.setattr(_integer, "solve_integer", spy)
    monkeypatch.setattr(_claims, "JOIN_EFFORT", 0)
    with budget(_programme.BUDGET, in_doubt=0, frontier=_programme.FRONTIER_BUDGET):
        assert price_lines(KNAPSACK_BASKET, KNAPSACK_OFFERS, POLICY, NOW) == joined
    assert len(handed) == 1


def test_two_ceilings_alike_are_told_apart_by_value_alone() -> None:
    """Two equal spend offers on the basket give equal ceilings with different prices."""
    lines = [line(1, "yogurt", 50, 3), line(2, "bread", 50, 3)]
    offers: list[Offer] = [
        UnitOffer(id="bread", name="10 % off bread", group=cats("bread"), when=WHEN,
                  benefit=PercentOff(percent=Decimal(10))),
        *(SpendOffer(id=f"spend{n}", name="0.20 off 2.86", group=Group(everything=True),
                     threshold=eur(286), benefit=AmountOff(amount=eur(20)), when=WHEN)
          for n in range(2)),
    ]  # fmt: skip
    with budget(_programme.BUDGET):
        result = price_lines(lines, offers, POLICY, NOW)
    assert result.discount_total.minor == best_saving(lines, offers) == 50


def test_without_the_budget_for_a_frontier_the_joined_component_goes_to_cpsat() -> None:
    with budget(_programme.BUDGET, in_doubt=0):
        started = price_lines(KNAPSACK_BASKET, KNAPSACK_OFFERS, POLICY, NOW)
    with budget(_programme.BUDGET):
        joined = price_lines(KNAPSACK_BASKET, KNAPSACK_OFFERS, POLICY, NOW)
    assert joined == started


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=coupon_baskets())
def test_thresholds_in_doubt_are_decided_exactly_without_cpsat(
    no_cpsat: None, case: tuple[list[LineToPrice], list[Offer]]
) -> None:
    """CP-SAT is refused for the whole run (the fixture holds across examples)."""
    lines, offers = case
    first = price_lines(lines, offers, POLICY, NOW)
    assert first.discount_total.minor == best_saving(lines, offers)
    assert price_lines(lines, offers, POLICY, NOW) == first


@pytest.fixture(params=[0, 10**9], ids=["hoping-for-the-ceiling", "no-hope"])
def hope(request: pytest.FixtureRequest) -> Iterator[int]:
    """The first join looks for solutions within ``hope`` cents of the least ceiling: 0, each
    join hopes for the ceiling itself and is repeated further down until one finds a solution
    or reaches the best found; 10**9, one join over everything better than the best found."""
    saved = _claims._HOPE
    _claims._HOPE = request.param
    _programme.frontier.cache_clear()
    try:
        yield request.param
    finally:
        _claims._HOPE = saved
        _programme.frontier.cache_clear()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=coupon_baskets())
def test_a_join_that_hopes_too_high_is_repeated_lower_and_finds_the_optimum(
    no_cpsat: None, hope: int, case: tuple[list[LineToPrice], list[Offer]]
) -> None:
    lines, offers = case
    assert price_lines(lines, offers, POLICY, NOW).discount_total.minor == best_saving(
        lines, offers
    )
