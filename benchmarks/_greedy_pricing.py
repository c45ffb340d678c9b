"""The usual way a till prices promotions: one offer after another in priority order, greedily.

This is how django-oscar and most point-of-sale systems apply offers: take the offers in
priority order; each takes as many applications as it can from the units no earlier offer took,
and never looks back. Then the spend offers look at what is paid. The rules of what an offer
gives are the same as the exact model's (:mod:`benchmarks._cpsat_pricing`); only the choice of
which offer gets which unit differs. Each application takes the units that make it worth most:

- a unit offer: every unit it covers, up to its limit;
- "N for P" and bundles: the dearest units left, while an application still saves something;
- "buy k get j": the units left in price order, highest first, in consecutive applications.

Priority: ``"best-first"`` ranks offers by what one application saves per unit at list prices
(the usual advice to a grocer), ``"listed"`` takes them in the order given.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from aisle.domain.pricing import (
    AmountOff,
    Bundle,
    BuyGet,
    LineToPrice,
    Multibuy,
    Offer,
    Shopper,
    UnitOffer,
)
from benchmarks._cpsat_pricing import Basket, basket_of, half_up_percent

__all__ = ["greedy_saving"]

Order = Literal["best-first", "listed"]


def greedy_saving(
    lines: Sequence[LineToPrice],
    offers: Sequence[Offer],
    at: datetime,
    *,
    shopper: Shopper | None = None,
    store: str = "",
    order: Order = "best-first",
) -> int:
    """The total saving (minor units) of a greedy priority-order pass."""
    basket = basket_of(lines, offers, at, shopper=shopper, store=store)
    return _Pass(basket).run(order)


class _Pass:
    def __init__(self, basket: Basket) -> None:
        self.basket = basket
        self.free = [c.count for c in basket.classes]
        # what counts towards spend offers: (class or None, item offer or None, count, net)
        self.units: list[tuple[int, int | None, int, int]] = []
        self.apps: list[tuple[int, int]] = []  # (multibuy or bundle offer, applications)
        self.saving = 0

    def run(self, order: Order) -> int:
        indices = list(range(len(self.basket.items)))
        if order == "best-first":
            indices.sort(key=lambda i: -self._worth(i))
        for i in indices:
            self._apply(i)
        for ci, left in enumerate(self.free):
            if left:
                self.units.append((ci, None, left, self.basket.classes[ci].price))
        for s in range(len(self.basket.spends)):
            self._spend(s)
        return self.saving

    # -- item offers ---------------------------------------------------------------------------

    def _eligible(self, i: int, slot: int | None = None) -> list[int]:
        classes = self.basket.classes
        return [
            ci
            for ci in sorted(self.basket.covered[i])
            if slot is None or slot in classes[ci].slots.get(i, ())
        ]

    def _worth(self, i: int) -> float:
        """What one application saves per unit at list prices, with every unit free."""
        offer, classes = self.basket.items[i], self.basket.classes
        members = self._eligible(i)
        if not members:
            return 0.0
        if isinstance(offer, UnitOffer):
            return float(max(classes[ci].options[i] for ci in members))
        prices = sorted(
            (classes[ci].price for ci in members for _ in range(classes[ci].count)), reverse=True
        )
        if isinstance(offer, Multibuy):
            if len(prices) < offer.quantity:
                return 0.0
            return (sum(prices[: offer.quantity]) - offer.price.minor) / offer.quantity
        if isinstance(offer, BuyGet):
            size = offer.buy + offer.get
            if len(prices) < size:
                return 0.0
            cheap = prices[offer.buy : size]
            return sum(half_up_percent(p, offer.percent_off) for p in cheap) / size
        tops = []
        for slot in range(len(offer.slots)):
            in_slot = self._eligible(i, slot)
            if not in_slot:
                return 0.0
            tops.append(classes[in_slot[0]].price)
        return (sum(tops) - offer.price.minor) / len(offer.slots)

    def _apply(self, i: int) -> None:
        offer = self.basket.items[i]
        cap = offer.when.max_applications
        classes = self.basket.classes
        if isinstance(offer, UnitOffer):
            left = cap
            for ci in self._eligible(i):
                n = self.free[ci] if left is None else min(left, self.free[ci])
                if n:
                    self._take(ci, i, n, classes[ci].price - classes[ci].options[i])
                    self.saving += n * classes[ci].options[i]
                    left = None if left is None else left - n
            return
        done = 0
        while cap is None or done < cap:
            if isinstance(offer, BuyGet):
                if not self._buy_get_once(i, offer):
                    return
            elif not self._fixed_price_once(i, offer):
                return
            done += 1

    def _take(self, ci: int, i: int, n: int, net: int) -> None:
        self.free[ci] -= n
        self.units.append((ci, i, n, net))

    def _dearest(self, members: list[int], n: int) -> list[int] | None:
        """The ``n`` dearest free units among ``members`` (classes, one entry per unit)."""
        picked: list[int] = []
        for ci in members:  # price order, highest first
            picked += [ci] * min(self.free[ci], n - len(picked))
            if len(picked) == n:
                return picked
        return None

    def _buy_get_once(self, i: int, offer: BuyGet) -> bool:
        units = self._dearest(self._eligible(i), offer.buy + offer.get)
        if units is None:
            return False
        classes = self.basket.classes
        for position, ci in enumerate(units):
            off = classes[ci].options[i] if position >= offer.buy else 0
            self._take(ci, i, 1, classes[ci].price - off)
            self.saving += off
        return True

    def _fixed_price_once(self, i: int, offer: Multibuy | Bundle) -> bool:
        classes = self.basket.classes
        if isinstance(offer, Multibuy):
            units = self._dearest(self._eligible(i), offer.quantity)
            if units is None:
                return False
        else:
            units = []
            for slot in range(len(offer.slots)):
                for ci in units:
                    self.free[ci] -= 1  # a unit fills one slot
                pick = self._dearest(self._eligible(i, slot), 1)
                for ci in units:
                    self.free[ci] += 1
                if pick is None:
                    return False
                units += pick
        gain = sum(classes[ci].price for ci in units) - offer.price.minor
        if gain <= 0:
            return False
        for ci in units:
            self.free[ci] -= 1
        self.apps.append((i, 1))
        self.saving += gain
        return True

    # -- spend offers --------------------------------------------------------------------------

    def _spend(self, s: int) -> None:
        basket = self.basket
        spend = basket.spends[s]
        counted = [(n, net) for ci, i, n, net in self.units if basket.counts(s, ci, i)]
        whole = [
            basket.items[i].price.minor  # type: ignore[union-attr]
            for i, n in self.apps
            if basket.contained(s, i)
            for _ in range(n)
        ]
        total = sum(n * net for n, net in counted) + sum(whole)
        if total < spend.threshold.minor or not (counted or whole):
            return
        if isinstance(spend.benefit, AmountOff):
            self.saving += min(spend.benefit.amount.minor, total)
            return
        percent = spend.benefit.percent
        self.saving += sum(n * half_up_percent(net, percent) for n, net in counted)
        self.saving += sum(half_up_percent(price, percent) for price in whole)
