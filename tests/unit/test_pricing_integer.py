"""A basket too large for the dynamic programme is priced by CP-SAT, exactly as the programme would.

The engine hands a component to :mod:`aisle.domain.pricing._integer` when its programme runs
past a budget of work. These tests price with no budget at all, so that every component goes
to CP-SAT, and hold it to the same brute-force oracle as the programme; and they check that a
real family-sized basket takes that path and gets the programme's own optimum.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisle.domain.pricing import (
    AmountOff,
    Bundle,
    BuyGet,
    Conditions,
    Group,
    LineToPrice,
    Multibuy,
    Offer,
    PercentOff,
    PricingPolicy,
    SpendOffer,
    UnitOffer,
    _integer,
    _optimiser,
    _programme,
    price_lines,
)
from tests.unit.pricing_oracle import best_saving
from tests.unit.test_pricing_optimum import NOW, POLICY, baskets, cats, eur, line, offers


@contextmanager
def budget(
    moves: int, *, in_doubt: int | None = None, frontier: int | None = None
) -> Iterator[None]:
    """The programme's budget set to ``moves`` (0: every component goes to CP-SAT), on a
    component joined by a threshold in doubt to ``in_doubt`` (the same unless given), and on a
    component's frontier over one to ``frontier`` (the same as ``in_doubt`` unless given)."""
    saved = _programme.BUDGET, _programme.DOUBT_BUDGET, _programme.FRONTIER_BUDGET
    _programme.BUDGET = moves
    _programme.DOUBT_BUDGET = moves if in_doubt is None else in_doubt
    _programme.FRONTIER_BUDGET = _programme.DOUBT_BUDGET if frontier is None else frontier
    _optimiser.clear_cache()
    try:
        yield
    finally:
        _programme.BUDGET, _programme.DOUBT_BUDGET, _programme.FRONTIER_BUDGET = saved
        _optimiser.clear_cache()


@settings(max_examples=200, deadline=None)
@given(
    lines=baskets(),
    rules=st.lists(st.integers(), min_size=1, max_size=3).flatmap(
        lambda xs: st.tuples(*(offers(i) for i in range(len(xs))))
    ),
)
def test_cpsat_finds_the_same_saving_as_trying_every_combination(
    lines: list[LineToPrice], rules: tuple[Offer, ...]
) -> None:
    with budget(0):
        result = price_lines(lines, rules, POLICY, NOW)
        again = price_lines(list(lines), list(reversed(rules)), POLICY, NOW)
    assert result.discount_total.minor == best_saving(lines, rules)
    assert again == result


WHEN = Conditions(starts_at=NOW - timedelta(days=1), ends_at=NOW + timedelta(days=1))


FAMILY_BASKET = [
    line(1, "yogurt", 86, 6),
    line(2, "biscuits", 369, 9),
    line(3, "coffee", 599, 2),
    line(4, "yogurt", 99, 6),
    line(5, "yogurt", 139, 7),
    line(6, "coffee", 949, 3),
    line(7, "coffee", 398, 4),
    line(8, "biscuits", 199, 2),
    line(9, "biscuits", 299, 2),
    line(10, "yogurt", 229, 2),
]
FAMILY_OFFERS: list[Offer] = [
    Multibuy(id="m1", name="4 yogurts", group=cats("yogurt"), quantity=4, price=eur(300),
             when=WHEN),
    Multibuy(id="m2", name="3 biscuits", group=cats("biscuits"), quantity=3, price=eur(600),
             when=WHEN),
    BuyGet(id="b1", name="coffee 3 for 2", group=cats("coffee"), buy=2, get=1,
           percent_off=Decimal(100), when=WHEN),
    Bundle(id="d1", name="Breakfast", price=eur(800),
           slots=(cats("yogurt"), cats("biscuits"), cats("coffee")), when=WHEN),
    SpendOffer(id="s1", name="5.00 off 60.00", group=Group(everything=True),
               threshold=eur(6000), benefit=AmountOff(amount=eur(500)), when=WHEN),
]  # fmt: skip


Hint = tuple[tuple[int, ...], ...] | None


@pytest.fixture
def handed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[_programme.Key, Hint]]:
    """The components handed to CP-SAT, as they are handed, each with the solution it is
    given to start from (None: from nothing)."""
    found: list[tuple[_programme.Key, Hint]] = []
    real = _integer.solve_integer

    def spy(key: _programme.Key, hint: Hint = None) -> tuple[int, tuple[tuple[int, ...], ...]]:
        found.append((key, hint))
        return real(key, hint)

    monkeypatch.setattr(_integer, "solve_integer", spy)
    return found


def test_a_family_basket_past_the_programmes_budget_goes_to_cpsat_and_gets_its_optimum(
    handed: list[tuple[_programme.Key, Hint]],
) -> None:
    policy = PricingPolicy(currency="EUR")
    with budget(60):
        fast = price_lines(FAMILY_BASKET, FAMILY_OFFERS, policy, NOW)
    assert handed, "the basket is big enough to run past a budget of 60 moves"
    with budget(10**9):
        handed.clear()
        slow = price_lines(FAMILY_BASKET, FAMILY_OFFERS, policy, NOW)
    assert not handed
    assert fast.discount_total == slow.discount_total
    assert fast.total == slow.total


def test_a_family_basket_with_a_bundle_and_a_threshold_in_doubt_needs_no_cpsat(
    handed: list[tuple[_programme.Key, Hint]],
) -> None:
    """The bundle alone joins its slots, so each slot is solved on its own and matched by
    count; the threshold is decided by ceilings on claiming it, not by a joined programme."""
    policy = PricingPolicy(currency="EUR")
    with budget(_programme.BUDGET):
        fast = price_lines(FAMILY_BASKET, FAMILY_OFFERS, policy, NOW)
    assert not handed
    with budget(0):
        by_cpsat = price_lines(FAMILY_BASKET, FAMILY_OFFERS, policy, NOW)
    assert handed
    assert fast.discount_total == by_cpsat.discount_total
    assert fast.total == by_cpsat.total


def test_the_same_big_basket_prices_the_same_way_every_time() -> None:
    policy = PricingPolicy(currency="EUR")
    first = price_lines(FAMILY_BASKET, FAMILY_OFFERS, policy, datetime(2026, 11, 25, tzinfo=UTC))
    _optimiser.clear_cache()
    second = price_lines(FAMILY_BASKET, FAMILY_OFFERS, policy, datetime(2026, 11, 25, tzinfo=UTC))
    assert first == second


def test_a_basket_built_scan_by_scan_prices_as_the_same_basket_priced_cold() -> None:
    """What is remembered between scans (components, slot groups, the ceilings' solutions)
    never changes how a basket prices: each scan's result equals a cold pricing of it."""
    policy = PricingPolicy(currency="EUR")
    scans = [ln for ln in FAMILY_BASKET for _ in range(ln.quantity)]
    _optimiser.clear_cache()
    warm = []
    for k in range(1, len(scans) + 1):
        counts: dict[str, int] = {}
        for scanned in scans[:k]:
            counts[scanned.line_id] = counts.get(scanned.line_id, 0) + 1
        lines = [
            replace(ln, quantity=counts[ln.line_id]) for ln in FAMILY_BASKET if ln.line_id in counts
        ]
        warm.append((lines, price_lines(lines, FAMILY_OFFERS, policy, NOW)))
    for lines, result in warm[::7] + warm[-1:]:
        _optimiser.clear_cache()
        assert price_lines(lines, FAMILY_OFFERS, policy, NOW) == result


SLOTS = ("yogurt", "biscuits", "coffee")


@st.composite
def meal_deal_baskets(draw: st.DrawFn) -> tuple[list[LineToPrice], list[Offer]]:
    """A meal deal over three categories, and offers that each stay inside one of them (so the
    deal alone joins them), sometimes a threshold on the basket."""
    lines = [
        line(n, draw(st.sampled_from(SLOTS)), draw(st.integers(60, 900)), draw(st.integers(1, 5)))
        for n in range(draw(st.integers(3, 9)))
    ]
    deal_price = draw(st.integers(300, 1500))
    limit = draw(st.none() | st.integers(1, 3))
    offers: list[Offer] = [
        Bundle(id="deal", name="deal", price=eur(deal_price),
               slots=tuple(cats(c) for c in SLOTS),
               when=Conditions(starts_at=WHEN.starts_at, ends_at=WHEN.ends_at, limit=limit)),
    ]  # fmt: skip
    for k, category in enumerate(draw(st.lists(st.sampled_from(SLOTS), max_size=3))):
        kind = draw(st.sampled_from(["multibuy", "buyget"]))
        if kind == "multibuy":
            quantity = draw(st.integers(2, 4))
            offers.append(Multibuy(id=f"m{k}", name=f"m{k}", group=cats(category),
                                   quantity=quantity, price=eur(draw(st.integers(100, 1500))),
                                   when=WHEN))  # fmt: skip
        else:
            offers.append(BuyGet(id=f"b{k}", name=f"b{k}", group=cats(category), buy=draw(
                st.integers(1, 2)), get=1, percent_off=Decimal(draw(st.sampled_from([50, 100]))),
                when=WHEN))  # fmt: skip
    if draw(st.booleans()):
        offers.append(SpendOffer(id="spend", name="spend", group=Group(everything=True),
                                 threshold=eur(draw(st.integers(500, 6000))),
                                 benefit=AmountOff(amount=eur(draw(st.integers(50, 500)))),
                                 when=WHEN))  # fmt: skip
    return lines, offers


@settings(max_examples=150, deadline=None)
@given(case=meal_deal_baskets())
def test_a_meal_deal_that_alone_joins_its_slots_prices_as_cpsat_prices_it(
    case: tuple[list[LineToPrice], list[Offer]],
) -> None:
    """The slots are solved apart, for every number of deals each could give, and matched by
    number; a threshold on the basket is decided by ceilings, or by the joined model."""
    lines, offers = case
    with budget(_programme.BUDGET):
        fast = price_lines(lines, offers, POLICY, NOW)
    with budget(0):
        exact = price_lines(lines, offers, POLICY, NOW)
    assert fast.discount_total == exact.discount_total


def test_the_family_basket_is_split_slot_by_slot(monkeypatch: pytest.MonkeyPatch) -> None:
    splits: list[int] = []
    real = _programme._solve_split

    def spy(key: _programme.Key, bundle: int, groups: list[list[int]]) -> object:
        splits.append(len(groups))
        return real(key, bundle, groups)

    monkeypatch.setattr(_programme, "_solve_split", spy)
    monkeypatch.setattr(_programme, "_KERNEL", None)  # the kernel splits it the same way, in C
    offers = [o for o in FAMILY_OFFERS if not isinstance(o, SpendOffer)]
    with budget(_programme.BUDGET):
        price_lines(FAMILY_BASKET, offers, POLICY, NOW)
    assert splits == [3]  # yogurts, biscuits, coffee: one group per slot


COUPON = SpendOffer(id="coupon", name="5 % off items not on offer", group=Group(everything=True),
                    threshold=eur(4536), benefit=PercentOff(percent=Decimal(5)),
                    when=replace(WHEN, exclusive=True))  # fmt: skip
"""Exclusive: a unit counts towards it only if it takes no other offer. Whether to give up a
unit's 10 % for the coupon's 5 % on everything is a knapsack over whole units."""


def ten_percent_off(category: str) -> UnitOffer:
    return UnitOffer(id=category, name=f"10 % off {category}", group=cats(category),
                     benefit=PercentOff(percent=Decimal(10)), when=WHEN)  # fmt: skip


KNAPSACK_BASKET = [
    line(1, "yogurt", 714, 1),
    line(2, "bread", 454, 3),
    line(3, "drinks", 639, 2),
    line(4, "coffee", 725, 3),
    line(5, "tea", 486, 1),
]
KNAPSACK_OFFERS: list[Offer] = [*map(ten_percent_off, ("yogurt", "drinks", "tea")), COUPON]


def test_a_knapsack_the_ceilings_leave_open_goes_to_cpsat_with_their_best_as_its_start(
    handed: list[tuple[_programme.Key, Hint]],
) -> None:
    """The ceilings can't prove their best the optimum (a unit's spend comes whole); the joined
    component, too big for the programme's budget here, goes to CP-SAT starting from it."""
    with budget(_programme.BUDGET, in_doubt=0):
        started = price_lines(KNAPSACK_BASKET, KNAPSACK_OFFERS, POLICY, NOW)
    ((_, hint),) = handed
    assert hint is not None and len(hint) == 5  # one split per class of the joined component
    assert started.discount_total.minor == best_saving(KNAPSACK_BASKET, KNAPSACK_OFFERS)
    with budget(10**9):
        assert price_lines(KNAPSACK_BASKET, KNAPSACK_OFFERS, POLICY, NOW) == started


@st.composite
def coupon_baskets(draw: st.DrawFn) -> tuple[list[LineToPrice], list[Offer]]:
    """Up to five products, most with 10, 20 or 30 % off, the exclusive coupon on the basket
    with a threshold only reached by giving up some of those offers, and sometimes a second
    threshold on hot drinks."""
    names = ("yogurt", "bread", "drinks", "coffee", "tea")
    lines = [
        line(n + 1, names[n], draw(st.integers(50, 900)), draw(st.integers(1, 3)))
        for n in range(draw(st.integers(2, 5)))
    ]
    offers: list[Offer] = [
        UnitOffer(id=ln.category, name=ln.category, group=cats(ln.category), when=WHEN,
                  benefit=PercentOff(percent=Decimal(draw(st.sampled_from([10, 20, 30])))))
        for ln in lines
        if draw(st.integers(0, 4))
    ]  # fmt: skip
    gross = sum(ln.unit_price.minor * ln.quantity for ln in lines)
    covered = {offer.id for offer in offers}
    plain = sum(ln.unit_price.minor * ln.quantity for ln in lines if ln.category not in covered)
    threshold = draw(st.integers(min(plain + 1, gross), gross))  # by giving up some offers
    found = [*offers, replace(COUPON, threshold=eur(threshold))]
    if draw(st.booleans()):  # a second threshold in doubt, on part of the basket
        found.append(SpendOffer(id="hot", name="1.50 off hot drinks",
                                group=cats("coffee", "tea", "drinks"), when=WHEN,
                                threshold=eur(draw(st.integers(200, 2000))),
                                benefit=AmountOff(amount=eur(150))))  # fmt: skip
    return lines, found


@settings(max_examples=150, deadline=None)
@given(case=coupon_baskets())
def test_cpsat_started_from_the_ceilings_best_still_finds_the_optimum(
    case: tuple[list[LineToPrice], list[Offer]],
) -> None:
    lines, offers = case
    with budget(_programme.BUDGET, in_doubt=0):
        result = price_lines(lines, offers, POLICY, NOW)
    assert result.discount_total.minor == best_saving(lines, offers)
