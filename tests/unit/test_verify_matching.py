"""What the scale saw against what the list says, one case at a time.

Each trip is real readings from the simulated load cell (noise, drift, jolts) run through the
step detector, then matched against the list's changes.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from aisle.domain.verify import (
    FindingKind,
    ListChange,
    Severity,
    StepDetector,
    UnitWeight,
    Verification,
    verify,
)
from aisle.sim.loadcell import CellModel, Placement, readings

MILK = UnitWeight(mean_mg=1_060_000, spread_mg=12_000)
YOGURT = UnitWeight(mean_mg=158_000, spread_mg=4_000)
CHOCOLATE = UnitWeight(mean_mg=108_000, spread_mg=3_000)
GUM = UnitWeight(mean_mg=14_000, spread_mg=1_000)  # too light for the scale


def scan(t_ms: int, name: str, weight: UnitWeight | None, units: int = 1) -> ListChange:
    return ListChange(t_ms=t_ms, line_id=name, name=name, units=units, unit_weight=weight)


def trip(
    changes: list[ListChange],
    placements: list[Placement],
    *,
    end_ms: int = 120_000,
    own_items: int = 0,
    seed: int = 1,
) -> Verification:
    samples = readings(placements, until_ms=end_ms, moving=[(40_000, 45_000)], seed=seed)
    detector = StepDetector()
    detector.feed(samples)
    steps = detector.steps
    return verify(changes, steps, now_ms=end_ms, last_reading_ms=detector.last_t_ms,
                  problems=detector.problems, own_items=own_items)  # fmt: skip


def kinds(v: Verification) -> list[FindingKind]:
    return [f.kind for f in v.findings]


def test_an_honest_trip_is_clear_and_says_what_to_learn() -> None:
    v = trip(
        [scan(5_000, "milk", MILK), scan(20_000, "yogurt", YOGURT, 2)],
        [Placement(t_ms=7_000, grams=1_058), Placement(t_ms=22_000, grams=317)],
    )
    assert v.status is Severity.CLEAR and v.findings == ()
    assert dict(v.matched).keys() == {"milk", "yogurt"}
    assert abs(dict(v.matched)["yogurt"] - 158_500) <= 4_000  # per unit


def test_an_item_placed_without_a_scan_asks_the_shopper_first() -> None:
    v = trip([scan(5_000, "milk", MILK)],
             [Placement(t_ms=7_000, grams=1_060), Placement(t_ms=30_000, grams=450)])  # fmt: skip
    assert v.status is Severity.ATTENTION
    (finding,) = v.findings
    assert finding.kind is FindingKind.UNSCANNED_ITEM
    assert finding.message == "Did you scan the item you just placed? Please scan it."
    assert "450 g placed with no scan" in finding.detail


def test_scanning_it_when_asked_clears_the_finding() -> None:
    v = trip([scan(5_000, "milk", MILK), scan(50_000, "chocolate", CHOCOLATE)],
             [Placement(t_ms=7_000, grams=1_060), Placement(t_ms=30_000, grams=108)])  # fmt: skip
    assert v.status is Severity.CLEAR


def test_a_scan_with_nothing_placed_waits_then_asks() -> None:
    changes = [scan(5_000, "chocolate", CHOCOLATE)]
    assert trip(changes, [], end_ms=20_000).status is Severity.CLEAR  # still in hand
    v = trip(changes, [], end_ms=60_000)
    assert kinds(v) == [FindingKind.NOT_PLACED]
    assert v.findings[0].message == "Please place the chocolate you scanned in the cart."


def test_placed_later_is_fine() -> None:
    v = trip([scan(5_000, "chocolate", CHOCOLATE)], [Placement(t_ms=28_000, grams=108)])
    assert v.status is Severity.CLEAR


def test_two_placed_for_one_scan() -> None:
    v = trip([scan(5_000, "yogurt", YOGURT)], [Placement(t_ms=7_000, grams=316)])
    (finding,) = v.findings
    assert finding.kind is FindingKind.EXTRA_UNITS and finding.severity is Severity.ATTENTION
    assert finding.message.startswith("It looks like 2 yogurt went in for 1 scanned")


def test_a_swap_goes_to_review_with_what_was_expected_and_measured() -> None:
    v = trip([scan(5_000, "chocolate", CHOCOLATE)], [Placement(t_ms=7_000, grams=168)])
    (finding,) = v.findings
    assert finding.kind is FindingKind.WEIGHT_MISMATCH
    assert v.status is Severity.REVIEW
    assert finding.detail.startswith("chocolate: expected 108 g ± 20 g, measured 16")


def test_an_item_taken_out_but_left_on_the_list_and_the_reverse() -> None:
    put_in = Placement(t_ms=7_000, grams=1_060)
    taken_out_again = Placement(t_ms=52_000, grams=-1_060)
    taken_out = trip([scan(5_000, "milk", MILK)], [put_in, taken_out_again])
    assert kinds(taken_out) == [FindingKind.UNRECORDED_REMOVAL]
    left_in = trip([scan(5_000, "milk", MILK), scan(50_000, "milk", MILK, -1)],
                   [Placement(t_ms=7_000, grams=1_060)])  # fmt: skip
    assert kinds(left_in) == [FindingKind.REMOVED_NOT_TAKEN_OUT]
    both = trip([scan(5_000, "milk", MILK), scan(50_000, "milk", MILK, -1)],
                [put_in, taken_out_again])  # fmt: skip
    assert both.status is Severity.CLEAR


def test_items_too_light_to_weigh_are_counted_for_risk_not_weighed() -> None:
    v = trip([scan(5_000, "gum", GUM, 3), scan(9_000, "mystery", None)],
             [Placement(t_ms=6_000, grams=14)])  # fmt: skip
    assert v.status is Severity.CLEAR and v.unweighed_units == 4


def test_the_shoppers_own_bag_declared_once() -> None:
    placements = [Placement(t_ms=3_000, grams=900), Placement(t_ms=30_000, grams=700)]
    assert trip([], placements, own_items=1).findings[0].kind is FindingKind.UNSCANNED_ITEM
    assert len(trip([], placements, own_items=2).findings) == 0


def test_a_scale_that_stops_reporting_is_a_finding_never_a_pass() -> None:
    changes = [scan(5_000, "milk", MILK)]
    detector = StepDetector()
    detector.feed(readings([Placement(t_ms=6_000, grams=1_060)], until_ms=10_000))
    steps: list = []  # type: ignore[type-arg]
    v = verify(changes, steps, now_ms=40_000, last_reading_ms=detector.last_t_ms)
    assert FindingKind.SCALE_OFFLINE in kinds(v) and v.status is Severity.REVIEW
    never = verify(changes, [], now_ms=8_000, last_reading_ms=None)
    assert never.findings[0].detail == "scale offline: never reported"


def test_nonsense_readings_are_a_finding() -> None:
    detector = StepDetector()
    detector.feed([(1_000, 5.0), (900, 5.0), (1_100, "lots")])
    v = verify([scan(1_050, "gum", GUM)], [], now_ms=1_100, last_reading_ms=1_000,
               problems=detector.problems)  # fmt: skip
    assert kinds(v) == [FindingKind.SIGNAL_PROBLEM]
    assert v.findings[0].detail.startswith("2 readings set aside (absurd, out of order)")


PRODUCTS = [MILK, YOGURT, CHOCOLATE, UnitWeight(mean_mg=520_000, spread_mg=15_000),
            UnitWeight(mean_mg=260_000, spread_mg=9_000)]  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 100_000), items=st.integers(1, 15), rate=st.sampled_from([10, 80]))
def test_honest_trips_with_realistic_noise_stay_clear(seed: int, items: int, rate: int) -> None:
    rng = random.Random(seed)
    t, changes, placements, moving = 3_000, [], [], []
    for k in range(items):
        weight = rng.choice(PRODUCTS)
        actual = rng.gauss(weight.mean_mg, weight.spread_mg) / 1000  # this pack's own weight
        changes.append(ListChange(t_ms=t, line_id=f"l{k}", name="item", units=1,
                                  unit_weight=weight))  # fmt: skip
        placements.append(Placement(t_ms=t + rng.randint(500, 8_000), grams=actual))
        if rng.random() < 0.5:
            moving.append((t + 10_000, t + 10_000 + rng.randint(1_000, 8_000)))
        t += 20_000
    samples = readings(placements, until_ms=t + 40_000, moving=moving,
                       model=CellModel(rate_hz=rate, drift_g_per_min=rng.uniform(0, 3)),
                       seed=seed)  # fmt: skip
    detector = StepDetector()
    detector.feed(samples)
    v = verify(changes, detector.steps, now_ms=t + 40_000, last_reading_ms=detector.last_t_ms)
    assert v.status is Severity.CLEAR, v.findings


def test_a_declared_bag_excuses_one_item_put_in_when_it_was_declared_not_later() -> None:
    bag = Placement(t_ms=3_000, grams=700)
    unscanned_later = Placement(t_ms=90_000, grams=520)
    samples = readings([bag, unscanned_later], until_ms=120_000, seed=4)
    detector = StepDetector()
    detector.feed(samples)

    def at(declared: list[int | None]) -> list[FindingKind]:
        v = verify([], detector.steps, now_ms=120_000, last_reading_ms=detector.last_t_ms,
                   own_items=declared)  # fmt: skip
        return kinds(v)

    assert at([2_500]) == [FindingKind.UNSCANNED_ITEM]  # the bag, yes; the later item, no
    assert at([89_000]) == [FindingKind.UNSCANNED_ITEM]  # declared late: it is the later item
    assert at([]) == [FindingKind.UNSCANNED_ITEM, FindingKind.UNSCANNED_ITEM]


def test_at_checkout_a_step_nobody_scanned_counts_at_once() -> None:
    detector = StepDetector()
    detector.feed(readings([Placement(t_ms=2_000, grams=480)], until_ms=4_000, seed=2))
    (step,) = detector.steps
    shopping = verify([], [step], now_ms=step.t_ms + 500, last_reading_ms=detector.last_t_ms)
    leaving = verify([], [step], now_ms=step.t_ms + 500, last_reading_ms=detector.last_t_ms,
                     at_checkout=True)  # fmt: skip
    assert shopping.findings == ()
    assert kinds(leaving) == [FindingKind.UNSCANNED_ITEM]


def test_an_item_scanned_put_in_taken_out_and_removed_leaves_nothing_to_find() -> None:
    olives = UnitWeight(mean_mg=226_000, spread_mg=17_000)  # a first guess: the jar is heavier
    v = trip([scan(5_000, "olives", olives), scan(40_000, "olives", olives, -1)],
             [Placement(t_ms=8_000, grams=386), Placement(t_ms=38_000, grams=-386)])  # fmt: skip
    assert v.status is Severity.CLEAR


def test_a_scan_long_after_a_step_is_not_part_of_things_placed_together() -> None:
    beer = UnitWeight(mean_mg=510_000, spread_mg=32_000)
    v = trip([scan(5_000, "beer", beer), scan(34_000, "chocolate", CHOCOLATE)],
             [Placement(t_ms=7_000, grams=620)])  # fmt: skip
    # not "beer and chocolate together": the chocolate came 27 s after the step
    assert FindingKind.NOT_PLACED in kinds(v)


def test_a_swap_placed_right_after_its_scan_is_not_explained_away_by_a_later_scan() -> None:
    # Trip 112 of the simulator: a 200 ml juice scanned, a 461 g bottle placed at once; 20 s
    # later two cans scanned and placed together. The bottle's step fits one can's loose
    # guess, and the juice fits the cans' step with one can, but the bottle came seconds after
    # the juice was scanned: it is the juice's to explain.
    juice = UnitWeight(mean_mg=241_000, spread_mg=21_000, observations=1)
    can = UnitWeight(mean_mg=381_000, spread_mg=29_000, observations=1)
    v = trip(
        [scan(39_000, "juice", juice), scan(61_500, "can", can), scan(63_000, "can", can)],
        [Placement(t_ms=41_000, grams=461), Placement(t_ms=65_700, grams=692)],
    )
    juice_findings = [f for f in v.findings if f.line_id == "juice"]
    assert [f.kind for f in juice_findings] in (
        [FindingKind.WEIGHT_MISMATCH],
        [FindingKind.EXTRA_UNITS],
    )
    assert not any(f.line_id == "can" for f in v.findings)


def test_an_item_placed_before_its_scan_is_still_matched_when_no_other_scan_claims_it() -> None:
    v = trip([scan(5_000, "milk", MILK), scan(40_000, "chocolate", CHOCOLATE)],
             [Placement(t_ms=7_000, grams=1_060), Placement(t_ms=25_000, grams=108)])  # fmt: skip
    assert v.status is Severity.CLEAR
