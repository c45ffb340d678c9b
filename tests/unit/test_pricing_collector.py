"""The cyclic garbage collector is held off while a basket is priced, and comes back as it was.

Its passes can free nothing the optimiser leaves (reference counting does: it makes no
reference cycles), so the engine holds them off (:mod:`aisle.domain.pricing._collector`). The
collector belongs to the whole process: the pause must end as it began, whatever happens inside,
and with several pricings at once.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from aisle.domain.pricing import _engine, price_lines
from aisle.domain.pricing._collector import collector_paused
from tests.unit.test_pricing_integer import KNAPSACK_BASKET, KNAPSACK_OFFERS
from tests.unit.test_pricing_optimum import NOW, POLICY


@pytest.fixture(autouse=True)
def collector_running() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_optimiser_runs_with_the_collector_held_off_and_it_runs_again_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []
    real = _engine.optimise

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(_engine, "optimise", spy)

    result = price_lines(KNAPSACK_BASKET, KNAPSACK_OFFERS, POLICY, NOW)

    assert seen == [False]
    assert gc.isenabled()
    assert result.discount_total.minor > 0


def test_the_collector_comes_back_when_the_pricing_fails() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("a pricing that fails")

    assert gc.isenabled()


def test_a_collector_the_application_turned_off_stays_off() -> None:
    gc.disable()

    with collector_paused():
        assert not gc.isenabled()

    assert not gc.isenabled()


def test_with_pricings_overlapping_the_collector_comes_back_when_the_last_ends() -> None:
    first, second = collector_paused(), collector_paused()
    first.__enter__()
    second.__enter__()

    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the second is still pricing

    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_pricing_leaves_no_reference_cycles_for_the_collector_to_free() -> None:
    gc.collect()

    price_lines(KNAPSACK_BASKET, KNAPSACK_OFFERS, POLICY, NOW)  # frontiers joined, and more

    assert gc.collect() == 0  # so holding it off forgets nothing
