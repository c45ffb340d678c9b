"""With several thresholds in doubt, CP-SAT first prices them as met for free, and stays exact.

The free optimum is a ceiling and, valued with only the thresholds it really reaches, a
solution. When the two agree CP-SAT stops there; otherwise the real model starts from that
solution. Either way the answer is the optimum the dynamic programme and the brute-force oracle
find.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisle.domain.pricing import (
    AmountOff,
    Group,
    LineToPrice,
    Offer,
    PercentOff,
    SpendOffer,
    UnitOffer,
    _integer,
    _programme,
    price_lines,
)
from tests.unit.pricing_oracle import best_saving
from tests.unit.test_pricing_integer import budget
from tests.unit.test_pricing_optimum import NOW, POLICY, baskets, conditions, eur, groups, offers

UNIT = _programme.UNIT
TEN = Decimal(10)

# two units at 5.00: one may save 0.10 with an offer that doesn't count towards the thresholds
REACHED: _programme.Key = (
    ((500, 1, 0b11, ((0, 0, 10, 0),)), (500, 1, 0b11, ())),
    ((UNIT, 1, 0, -1),),
    ((True, 600, 50, Decimal(0), ()), (True, 600, 0, TEN, ())),
)
# two units at 5.00 that may each save 1.00: with both offers 8.00, short of 10.00
MISSED: _programme.Key = (
    ((500, 2, 0b11, ((0, 0, 100, 0b11),)),),
    ((UNIT, 1, 0, -1),),
    ((True, 1000, 150, Decimal(0), ()), (True, 600, 0, TEN, ())),
)


@pytest.mark.parametrize(
    ("key", "best", "real_models"),
    [
        pytest.param(REACHED, 150, 0, id="the free optimum reaches every threshold: it is final"),
        pytest.param(MISSED, 280, 1, id="it misses one: the real model starts from it"),
    ],
)
def test_thresholds_met_for_free_give_a_ceiling_and_a_solution(
    key: _programme.Key, best: int, real_models: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    solved: list[object] = []
    real = _integer._solve

    def spy(model: Any, given: list[list[Any]]) -> tuple[int, tuple[tuple[int, ...], ...]]:
        solved.append(model)
        return real(model, given)

    monkeypatch.setattr(_integer, "_solve", spy)
    value, chosen = _integer.solve_integer(key)
    _programme._work.left = 10**9
    assert value == best == _programme._solve_programme(key)[0]
    assert len(solved) == real_models
    assert _integer.solve_integer(key) == (value, chosen)


@st.composite
def problems(draw: st.DrawFn) -> tuple[list[LineToPrice], tuple[Offer, ...]]:
    """A basket, an offer on everything and up to two more, and two spend offers with thresholds
    between half its regular price and all of it: where item offers put them in doubt."""
    lines = draw(baskets())
    regular = sum(line.unit_price.minor * line.quantity for line in lines)
    items = [draw(offers(i)) for i in range(draw(st.integers(0, 2)))]
    everything = UnitOffer(
        id="u",
        name="u",
        group=Group(everything=True),
        benefit=draw(st.sampled_from([PercentOff(percent=TEN), AmountOff(amount=eur(40))])),
        when=draw(conditions()),
    )
    spends: list[Offer] = []
    for index in (8, 9):
        threshold = draw(st.integers(max(1, regular // 2), max(1, regular)))
        benefit = draw(
            st.builds(AmountOff, amount=st.integers(1, max(1, threshold // 4)).map(eur))
            | st.builds(PercentOff, percent=st.sampled_from([Decimal(5), TEN]))
        )
        spends.append(
            SpendOffer(
                id=f"s{index}",
                name=f"s{index}",
                group=draw(st.just(Group(everything=True)) | groups()),
                threshold=eur(threshold),
                benefit=benefit,
                when=draw(conditions()),
            )
        )
    return lines, (everything, *items, *spends)


@settings(max_examples=150, deadline=None)
@given(problem=problems())
def test_cpsat_with_two_spend_offers_finds_the_same_saving_as_trying_every_combination(
    problem: tuple[list[LineToPrice], tuple[Offer, ...]],
) -> None:
    lines, rules = problem
    with budget(0):
        result = price_lines(lines, rules, POLICY, NOW)
        again = price_lines(list(lines), list(reversed(rules)), POLICY, NOW)
    assert result.discount_total.minor == best_saving(lines, rules)
    assert again == result
