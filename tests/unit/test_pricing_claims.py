"""With several thresholds in doubt, a larger set's ceiling bounds what claiming fewer is worth.

Met for free, a threshold only adds to a solution's worth (its percentage on every contribution,
its amount). So the best solution that reaches a set of thresholds, counting only their savings,
is worth at most any ceiling found on a larger set (with its prices on thresholds of the smaller
one) less the amounts of the thresholds left out. Priced from the largest set down, a smaller
set that bound puts below the best found is decided without a try of its own
(:meth:`aisle.domain.pricing._claims.Claims._bound_by_supersets`).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisle import compiled
from aisle.domain.pricing import (
    AmountOff,
    Group,
    LineToPrice,
    Offer,
    PercentOff,
    SpendOffer,
    UnitOffer,
    _claims,
    price_lines,
)
from tests.unit.pricing_oracle import best_saving
from tests.unit.test_pricing_integer import WHEN
from tests.unit.test_pricing_optimum import NOW, POLICY, baskets, cats, eur, line, offers

# Three yogurts at 2.00, 10 % off each; 1.00 off a basket of 6.00, 5 % off one of 5.50. On
# offer, the yogurts spend 5.40 and reach neither; two on offer spend 5.60 and reach the 5 %;
# none on offer, 6.00 reaches both: 1.30 off, the best.
YOGURTS = [line(0, "yogurt", 200, 3)]
ONE_OFF_AND_FIVE_PERCENT: list[Offer] = [
    UnitOffer(id="u", name="10 % off yogurt", group=cats("yogurt"),
              benefit=PercentOff(percent=Decimal(10)), when=WHEN),
    SpendOffer(id="a", name="1.00 off 6.00", group=Group(everything=True), threshold=eur(600),
               benefit=AmountOff(amount=eur(100)), when=WHEN),
    SpendOffer(id="b", name="5 % off 5.50", group=Group(everything=True), threshold=eur(550),
               benefit=PercentOff(percent=Decimal(5)), when=WHEN),
]  # fmt: skip


@pytest.mark.skipif(
    compiled.state().get("aisle.domain.pricing._claims") == "compiled",
    reason="a spy can't stand in for a method of a class mypyc compiled: the Python-alone pass "
    "of scripts/test (AISLE_PURE_PYTHON=1) runs this",
)
def test_a_set_a_larger_sets_ceiling_puts_below_the_best_found_is_not_priced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Claiming the 1.00 off alone is worth at most the ceiling on claiming both (1.30, the
    best found) less the 5 %'s amount (none): it can't beat 1.30, so no price is tried on it,
    though met for free it looks worth 1.60 (1.00 and every yogurt on offer)."""
    priced: list[tuple[int, ...]] = []
    real = _claims.Claims._ceiling

    def spy(claims: _claims.Claims, claimed: tuple[int, ...], *args: object) -> None:
        priced.append(claimed)
        real(claims, claimed, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(_claims.Claims, "_ceiling", spy)

    result = price_lines(YOGURTS, ONE_OFF_AND_FIVE_PERCENT, POLICY, NOW)

    assert result.discount_total.minor == 130 == best_saving(YOGURTS, ONE_OFF_AND_FIVE_PERCENT)
    assert {p.promotion_id for a in result.lines for p in a.adjustments} == {"a", "b"}
    assert (0,) not in priced  # the 1.00 off alone: bounded by the pair
    assert priced[0] == (0, 1)  # the largest set first


@st.composite
def spend_offers(draw: st.DrawFn, index: int) -> SpendOffer:
    threshold = draw(st.integers(200, 1500))
    benefit = draw(
        st.builds(AmountOff, amount=st.integers(1, threshold // 4).map(eur))
        | st.builds(PercentOff, percent=st.sampled_from([Decimal(5), Decimal(10)]))
    )
    group = draw(st.just(Group(everything=True)) | st.just(cats("yogurt", "bread")))
    return SpendOffer(id=f"s{index}", name=f"s{index}", group=group, threshold=eur(threshold),
                      benefit=benefit, when=WHEN)  # fmt: skip


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=baskets(),
    items=st.lists(st.integers(), min_size=1, max_size=3).flatmap(
        lambda xs: st.tuples(*(offers(i) for i in range(len(xs))))
    ),
    spends=st.lists(st.integers(), min_size=2, max_size=3).flatmap(
        lambda xs: st.tuples(*(spend_offers(i) for i in range(len(xs))))
    ),
)
def test_with_two_or_three_thresholds_of_amounts_and_percentages_the_price_is_the_best(
    lines: list[LineToPrice], items: tuple[Offer, ...], spends: tuple[SpendOffer, ...]
) -> None:
    rules = (*items, *spends)
    result = price_lines(lines, rules, POLICY, NOW)
    assert result.discount_total.minor == best_saving(lines, rules)
