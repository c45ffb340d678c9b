"""Simulated shoppers: what they scan, what they put in the cart, and what they get wrong.

A trip walks a real basket's categories in order. For each line the cart rolls to the shelf
(5-20 s, jolting the scale), the shopper picks for 2-6 s, then scans and places each unit
(placing first and scanning a moment later one time in five; the units of a multi-unit line are
sometimes scanned one by one and placed together). Products sold by weight are put on the cart's
scale, which weighs them and adds the line. A shopper may bring their own bag and say so, and
may take an item back out and remove it from the list. The trip ends 20 s after the last line.

Honest shoppers make mistakes at per-unit rates (:class:`Behaviour`): they forget to scan, scan
twice, or scan and keep the item in hand (placing it later, or only when the cart asks). When the
cart asks ("Did you scan the item you just placed?"), an honest shopper answers with
``answer_rate``: scans the forgotten item, places the one in hand, removes a double scan from the
list. Thieves (``theft_rate`` of trips) ignore the cart and commit one or two thefts: an item
placed with no scan (half of them while the cart rolls), a swap (a cheap item scanned, a dearer
one of another kind placed), or a partial scan (one unit of a line scanned, two to four placed
together). Items never put in the cart (a pocket, a bag kept off the scale) are beyond any
scale and not simulated.

Every mistake is recorded as a :class:`TrueError`: its kind, the weight the scale would have to
notice, the value that leaves unpaid if nobody catches it (negative: the shopper overpays), and
whether the shopper put it right.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from aisle.domain.verify import Finding, FindingKind
from aisle.sim.catalog import SimCatalog, SimProduct
from aisle.sim.loadcell import Placement

__all__ = [
    "THEFTS",
    "Behaviour",
    "ErrorKind",
    "Planned",
    "ScanEvent",
    "TripPlan",
    "TrueError",
    "plan_trip",
]


class ErrorKind(StrEnum):
    FORGOT_SCAN = "forgot_scan"  # honest: placed, not scanned
    SCANNED_TWICE = "scanned_twice"  # honest: one placed, two on the list
    KEPT_IN_HAND = "kept_in_hand"  # honest: scanned, placed late or never (no loss)
    NO_SCAN = "no_scan"  # theft
    SWAP = "swap"  # theft: scanned one thing, placed a dearer other
    PARTIAL_SCAN = "partial_scan"  # theft: one unit scanned, several placed


THEFTS = frozenset({ErrorKind.NO_SCAN, ErrorKind.SWAP, ErrorKind.PARTIAL_SCAN})


@dataclass(frozen=True, slots=True, kw_only=True)
class Behaviour:
    forget_rate: float = 0.01  # per unit
    scan_twice_rate: float = 0.005  # per unit
    kept_in_hand_rate: float = 0.02  # per unit
    theft_rate: float = 0.02  # per trip
    answer_rate: float = 0.9  # honest shoppers who do what the cart asks
    own_bag_rate: float = 0.3  # per trip: a bag of their own, declared
    removal_rate: float = 0.05  # per trip: an item taken back out and removed from the list
    together_rate: float = 0.5  # multi-unit lines scanned one by one, then placed together


@dataclass(slots=True, kw_only=True)
class TrueError:
    kind: ErrorKind
    gtin: str
    weight_mg: int  # the weight change the scale would have to notice
    value_minor: int  # unpaid if nobody catches it; negative: the shopper overpays
    resolved: bool = False  # the shopper put it right before checkout


@dataclass(slots=True, kw_only=True)
class ScanEvent:
    t_ms: int
    product: SimProduct
    units: int = 1
    weighed_mg: int | None = None  # a product weighed on the cart's scale


@dataclass(slots=True, kw_only=True)
class Planned:
    """A placement not yet given to the load cell; its time moves when the shopper is asked."""

    t_ms: int
    grams: float
    given: bool = False

    def placement(self) -> Placement:
        return Placement(t_ms=self.t_ms, grams=self.grams)


@dataclass(slots=True, kw_only=True)
class TripPlan:
    scans: list[ScanEvent] = field(default_factory=list)
    placements: list[Planned] = field(default_factory=list)
    moving: list[tuple[int, int]] = field(default_factory=list)
    end_ms: int = 0
    own_items: int = 0
    thief: bool = False
    units: int = 0
    errors: list[TrueError] = field(default_factory=list)
    # what an honest shopper knows and can put right when asked
    unscanned: list[tuple[TrueError, SimProduct]] = field(default_factory=list)
    in_hand: list[tuple[TrueError, SimProduct, Planned | None]] = field(default_factory=list)
    doubles: list[tuple[TrueError, SimProduct]] = field(default_factory=list)

    def answer(self, finding: Finding, now_ms: int, rng: random.Random, rate: float) -> bool:
        """The shopper's answer to what the cart asks; True when they did something."""
        if self.thief or rng.random() >= rate:
            return False
        delay = rng.randint(3_000, 12_000)
        if finding.kind is FindingKind.UNSCANNED_ITEM and self.unscanned:
            error, product = self.unscanned.pop(0)
            self.scans.append(ScanEvent(t_ms=now_ms + delay, product=product))
            error.resolved = True
            return True
        if finding.kind is FindingKind.NOT_PLACED:
            for k, (error, product, planned) in enumerate(self.in_hand):
                if product.gtin == finding.line_id:
                    del self.in_hand[k]
                    if planned is not None and not planned.given:
                        planned.t_ms = now_ms + delay  # place it now, when asked
                    elif planned is None:
                        self.placements.append(
                            Planned(t_ms=now_ms + delay, grams=product.draw_mg(rng) / 1000)
                        )
                    error.resolved = True
                    return True
            for k, (error, product) in enumerate(self.doubles):
                if product.gtin == finding.line_id:
                    del self.doubles[k]
                    self.scans.append(ScanEvent(t_ms=now_ms + delay, product=product, units=-1))
                    error.resolved = True
                    return True
        return False


def _units(rng: random.Random) -> int:
    r = rng.random()
    return 1 if r < 0.8 else 2 if r < 0.95 else rng.randint(3, 4)


def _pick(catalog: SimCatalog, category: str, rng: random.Random) -> SimProduct:
    return rng.choice(catalog.products[category])


def plan_trip(
    basket: Sequence[str], catalog: SimCatalog, behaviour: Behaviour, rng: random.Random,
    *, thief: bool | None = None, thefts: Sequence[ErrorKind] | None = None,
) -> TripPlan:  # fmt: skip
    """One shopper's trip over ``basket``'s categories (``thief``/``thefts`` force the draw)."""
    b = behaviour
    plan = TripPlan(thief=rng.random() < b.theft_rate if thief is None else thief)
    t = 1_000
    if rng.random() < b.own_bag_rate:
        plan.placements.append(Planned(t_ms=t, grams=rng.uniform(250, 900)))
        plan.own_items = 1
        t += 3_000
    packaged = [k for k, c in enumerate(basket) if not catalog.products[c][0].weighed]
    theft_at: dict[int, ErrorKind] = {}
    if plan.thief and packaged:
        kinds = list(thefts) if thefts is not None else [
            rng.choices(sorted(THEFTS), weights=(50, 25, 25))[0]
            for _ in range(1 if rng.random() < 0.7 else 2)
        ]  # fmt: skip
        spots = rng.sample(packaged, min(len(kinds), len(packaged)))
        theft_at = dict(zip(spots, kinds, strict=False))
    placed_units: list[tuple[SimProduct, float]] = []

    def scan(at: int, product: SimProduct, units: int = 1, weighed: int | None = None) -> None:
        plan.scans.append(ScanEvent(t_ms=at, product=product, units=units, weighed_mg=weighed))

    def place(at: int, grams: float) -> Planned:
        planned = Planned(t_ms=at, grams=grams)
        plan.placements.append(planned)
        return planned

    for k, category in enumerate(basket):
        walk = rng.randint(5_000, 20_000)
        plan.moving.append((t, t + walk))
        t += walk + rng.randint(2_000, 6_000)
        product = _pick(catalog, category, rng)
        if product.weighed:
            mg = product.draw_mg(rng)
            place(t, mg / 1000)
            scan(t + 3_000, product, weighed=mg + int(rng.gauss(0, 2_000)))
            plan.units += 1
            t += 8_000
            continue
        theft = theft_at.get(k)
        units = _units(rng) if theft is not ErrorKind.PARTIAL_SCAN else rng.randint(2, 4)
        plan.units += units
        weights = [product.draw_mg(rng) for _ in range(units)]
        if theft is ErrorKind.NO_SCAN:
            during_move = rng.random() < 0.5
            at = t + walk // 2 + 4_000 if during_move else t
            if during_move:
                plan.moving.append((t + 3_000, t + walk + 3_000))
            for u, mg in enumerate(weights):
                place(at + u * 1_500, mg / 1000)
                plan.errors.append(TrueError(kind=theft, gtin=product.gtin, weight_mg=mg,
                                             value_minor=product.price_minor))  # fmt: skip
            t = at + units * 1_500 + 3_000
            continue
        if theft is ErrorKind.SWAP:
            dearer = [
                p for c, group in catalog.products.items() if c != category
                for p in group if not p.weighed and p.price_minor > product.price_minor
            ]  # fmt: skip
            if dearer:
                other = rng.choice(dearer)
                taken = other.draw_mg(rng)
                scan(t, product)
                place(t + rng.randint(500, 3_000), taken / 1000)
                plan.errors.append(TrueError(
                    kind=theft, gtin=other.gtin, weight_mg=abs(taken - weights[0]),
                    value_minor=other.price_minor - product.price_minor,
                ))  # fmt: skip
                plan.units += 1 - units
                t += 6_000
                continue
        if theft is ErrorKind.PARTIAL_SCAN:
            scan(t, product)
            place(t + rng.randint(1_000, 3_000), sum(weights) / 1000)
            plan.errors.append(TrueError(
                kind=theft, gtin=product.gtin, weight_mg=sum(weights[1:]),
                value_minor=product.price_minor * (units - 1),
            ))  # fmt: skip
            t += 6_000
            continue
        if units > 1 and rng.random() < b.together_rate:
            for u in range(units):
                scan(t + u * 1_500, product)
            place(t + units * 1_500 + rng.randint(500, 2_500), sum(weights) / 1000)
            placed_units += [(product, mg / 1000) for mg in weights]
            t += units * 1_500 + 6_000
            continue
        for mg in weights:
            r = rng.random()
            grams = mg / 1000
            if r < b.forget_rate:
                place(t, grams)
                error = TrueError(kind=ErrorKind.FORGOT_SCAN, gtin=product.gtin, weight_mg=mg,
                                  value_minor=product.price_minor)  # fmt: skip
                plan.errors.append(error)
                plan.unscanned.append((error, product))
            elif r < b.forget_rate + b.scan_twice_rate:
                scan(t, product)
                scan(t + 1_200, product)
                place(t + rng.randint(1_500, 4_000), grams)
                placed_units.append((product, grams))
                error = TrueError(kind=ErrorKind.SCANNED_TWICE, gtin=product.gtin, weight_mg=mg,
                                  value_minor=-product.price_minor)  # fmt: skip
                plan.errors.append(error)
                plan.doubles.append((error, product))
            elif r < b.forget_rate + b.scan_twice_rate + b.kept_in_hand_rate:
                scan(t, product)
                later = place(t + rng.randint(5_000, 60_000), grams) if rng.random() < 0.7 else None
                error = TrueError(kind=ErrorKind.KEPT_IN_HAND, gtin=product.gtin, weight_mg=mg,
                                  value_minor=0)  # fmt: skip
                plan.errors.append(error)
                plan.in_hand.append((error, product, later))
            elif rng.random() < 0.8:
                scan(t, product)
                place(t + rng.randint(500, 4_000), grams)
                placed_units.append((product, grams))
            else:
                place(t, grams)
                scan(t + rng.randint(1_000, 5_000), product)
                placed_units.append((product, grams))
            t += 6_000
    if placed_units and rng.random() < b.removal_rate:
        product, grams = rng.choice(placed_units)
        t += 5_000
        place(t, -grams)
        plan.scans.append(ScanEvent(t_ms=t + rng.randint(1_000, 5_000), product=product, units=-1))
        t += 8_000
    last = max([t, *(p.t_ms for p in plan.placements), *(s.t_ms for s in plan.scans)])
    plan.moving.append((last + 3_000, last + 18_000))
    plan.end_ms = last + 20_000
    return plan
