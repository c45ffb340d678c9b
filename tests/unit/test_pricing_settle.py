"""Which thresholds stay in doubt is told by the first try where it can be.

A threshold is in doubt while some solution misses it. The least each component can spend
towards it says so exactly, but costs a programme per component the scan changed. The claims'
first try (every threshold in doubt dropped) is a solution too: a threshold it misses is surely
still in doubt, and only the others need their least spend worked out
(:meth:`aisle.domain.pricing._optimiser._Problem._settle_doubts`).
"""

from __future__ import annotations

from typing import Any

import pytest

from aisle.domain.pricing import Multibuy, Offer, SpendOffer, _optimiser, price_lines
from aisle.domain.pricing._rules import AmountOff
from tests.unit.pricing_oracle import best_saving
from tests.unit.spies import on_source
from tests.unit.test_pricing_claims import ONE_OFF_AND_FIVE_PERCENT, YOGURTS
from tests.unit.test_pricing_integer import WHEN
from tests.unit.test_pricing_optimum import NOW, POLICY, cats, eur, line

# Four yogurts at 1.50 in "2 for 2.50", and 0.50 off 5.00 spent on yogurts: two applications
# spend 5.00, and so does every other way, so the threshold is always met (a unit's least spend
# alone can't tell: a unit in an application may count for nothing, or for its share)
PAIRS = [line(0, "yogurt", 150, 4)]
TWO_FOR_AND_SPEND: list[Offer] = [
    Multibuy(id="m", name="2 for 2.50", group=cats("yogurt"), quantity=2, price=eur(250),
             when=WHEN),
    SpendOffer(id="s", name="0.50 off 5.00 of yogurt", group=cats("yogurt"),
               threshold=eur(500), benefit=AmountOff(amount=eur(50)), when=WHEN),
]  # fmt: skip


@on_source("aisle.domain.pricing._optimiser")
def test_a_threshold_the_first_try_misses_stays_in_doubt_without_its_least_spend(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settling: list[bool] = [False]
    asked: list[int] = []
    real_settle = _optimiser._Problem._settle_doubts
    real_least = _optimiser._Problem.least_spent

    def settle(problem: _optimiser._Problem, *args: Any) -> bool:
        settling[0] = True
        try:
            return real_settle(problem, *args)
        finally:
            settling[0] = False

    def least(problem: _optimiser._Problem, members: list[int], si: int) -> int:
        if settling[0]:
            asked.append(si)
        return real_least(problem, members, si)

    monkeypatch.setattr(_optimiser._Problem, "_settle_doubts", settle)
    monkeypatch.setattr(_optimiser._Problem, "least_spent", least)
    # with the yogurts on offer, the first try spends 5.40: short of both thresholds
    result = price_lines(YOGURTS, ONE_OFF_AND_FIVE_PERCENT, POLICY, NOW)
    assert asked == []
    assert result.discount_total.minor == best_saving(YOGURTS, ONE_OFF_AND_FIVE_PERCENT) == 130


def test_a_threshold_the_first_try_reaches_is_settled_by_its_least_spend() -> None:
    result = price_lines(PAIRS, TWO_FOR_AND_SPEND, POLICY, NOW)
    assert result.discount_total.minor == best_saving(PAIRS, TWO_FOR_AND_SPEND) == 150
    by_offer: dict[str, int] = {}
    for priced in result.lines:
        for adjustment in priced.adjustments:
            by_offer[adjustment.promotion_id] = (
                by_offer.get(adjustment.promotion_id, 0) + adjustment.amount.minor
            )
    assert by_offer == {"m": 100, "s": 50}
    _optimiser.clear_cache()
    assert price_lines(PAIRS, TWO_FOR_AND_SPEND, POLICY, NOW) == result  # from scratch, alike
