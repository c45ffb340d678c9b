"""How a trip's findings weigh, and the first guess a product gets from its learned peers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aisle.domain.catalog import NetContent
from aisle.domain.verify import (
    Finding,
    FindingKind,
    Severity,
    UnitWeight,
    Verification,
    guess_from_net_content,
    guess_from_peers,
    risk_of,
)


def trip(*findings: Finding) -> Verification:
    return Verification(status=Severity.REVIEW, findings=findings, unweighed_units=0)


def unscanned(grams: int) -> Finding:
    return Finding(kind=FindingKind.UNSCANNED_ITEM, severity=Severity.ATTENTION, t_ms=0,
                   message="", detail="", delta_mg=grams * 1000)  # fmt: skip


def mismatch(off_permille: int, *, firm: bool = True) -> Finding:
    return Finding(kind=FindingKind.WEIGHT_MISMATCH, severity=Severity.REVIEW, t_ms=0, message="",
                   detail="", firm=firm, off_permille=off_permille)  # fmt: skip


@given(st.integers(min_value=25, max_value=3_000), st.integers(min_value=1, max_value=500))
def test_a_heavier_unscanned_item_is_never_less_risky(grams: int, more: int) -> None:
    assert risk_of(trip(unscanned(grams + more))) >= risk_of(trip(unscanned(grams)))


def test_an_item_of_100_g_placed_unscanned_outweighs_a_bag_settling() -> None:
    assert risk_of(trip(unscanned(100))) > risk_of(trip(unscanned(30))) + 300_000


@given(st.integers(min_value=1_000, max_value=20_000), st.integers(min_value=1, max_value=5_000))
def test_a_weight_further_off_is_never_less_risky(off: int, more: int) -> None:
    assert risk_of(trip(mismatch(off + more))) >= risk_of(trip(mismatch(off)))


def test_a_pack_ten_tolerances_off_outranks_one_just_over_against_a_learned_weight() -> None:
    assert risk_of(trip(mismatch(10_000))) > risk_of(trip(mismatch(1_200))) + 300_000


def test_against_a_guessed_weight_the_same_distance_counts_less() -> None:
    assert risk_of(trip(mismatch(3_000, firm=False))) < risk_of(trip(mismatch(3_000)))


BOTTLE = NetContent(amount=750, unit="ml")


def glass(mean_g: int, size_ml: int = 750, observations: int = 8) -> tuple[NetContent, UnitWeight]:
    weight = UnitWeight(mean_mg=mean_g * 1000, spread_mg=6_000, observations=observations)
    return NetContent(amount=size_ml, unit="ml"), weight


def test_a_new_wine_gets_the_glass_its_learned_peers_carry() -> None:
    peers = [glass(1_240), glass(1_260), glass(1_210), glass(1_300)]
    guess = guess_from_peers(BOTTLE, peers)
    label = guess_from_net_content(BOTTLE)
    assert guess is not None and label is not None
    assert guess.mean_mg == 1_250_000  # 750 g of wine and their median 500 g of glass
    assert guess.spread_mg < label.spread_mg


@pytest.mark.parametrize(
    "peers",
    [
        [glass(1_240), glass(1_260)],
        [glass(1_240), glass(1_260), glass(1_210, observations=2)],
        [glass(1_240), glass(1_260), glass(5_200, size_ml=5_000)],
        [glass(1_240), glass(1_260), (NetContent(amount=750, unit="g"), glass(1_250)[1])],
    ],
    ids=["too-few", "one-not-learned-yet", "one-far-bigger", "one-in-grams"],
)
def test_without_three_learned_peers_of_a_similar_size_the_label_is_the_guess(
    peers: list[tuple[NetContent, UnitWeight]],
) -> None:
    assert guess_from_peers(BOTTLE, peers) == guess_from_net_content(BOTTLE)


def test_a_count_says_nothing_about_weight_whatever_the_peers() -> None:
    pieces = NetContent(amount=6, unit="pcs")
    assert guess_from_peers(pieces, [glass(1_240)] * 5) is None
