"""What one unit of a product should weigh on the cart's scale, first guessed, then learned.

A package weighs its net content plus its packaging. Before the store has seen a product, the
guess comes from the declared net content: grams as they are, millilitres at the density of
water, plus a packaging allowance, with a spread no narrower than the EU e-mark tolerable
negative error for that quantity (Directive 76/211/EEC), which is a realistic floor for how far
a pack may legally fall short. A count ("6 pcs") says nothing about weight: no guess.

Better than the label alone is what the store has learned about products *like it*: packs of
one category come in the same kind of packaging (wine in glass, yogurt in cups), so a product
the store has not weighed yet gets its net content plus the packaging its learned peers of a
similar size carry (:func:`guess_from_peers`), with their spread.

Then the store learns: every weight the scale measured for the product on a trip that ended clear
or that staff confirmed is an observation, and the model becomes the observations' median, with
a spread from their median absolute deviation (robust: one mis-measured or mismatched placement
does not move it). Until there are enough observations the guess is blended in.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from aisle.domain.catalog import NetContent

__all__ = [
    "CONSISTENT_AFTER",
    "LEARNED_AFTER",
    "PEERS_NEEDED",
    "UnitWeight",
    "emark_tolerance_mg",
    "guess_from_net_content",
    "guess_from_peers",
    "learn",
]

LEARNED_AFTER = 5
"""Observations after which a product's learned weight replaces its guess entirely."""


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitWeight:
    """One unit's expected weight: a mean and a spread (one standard deviation), milligrams."""

    mean_mg: int
    spread_mg: int
    observations: int = 0  # 0: a guess from the net content

    def describe(self) -> str:
        """How staff read it.

        >>> UnitWeight(mean_mg=450_000, spread_mg=15_000).describe()
        '450 g ± 15 g'
        """
        return f"{_grams(self.mean_mg)} ± {_grams(self.spread_mg)}"


def _grams(mg: int) -> str:
    return f"{(mg + 500) // 1000} g"


def emark_tolerance_mg(net_mg: int) -> int:
    """The EU e-mark tolerable negative error for a declared quantity, in milligrams.

    >>> [emark_tolerance_mg(g * 1000) // 1000 for g in (40, 80, 150, 250, 400, 750, 2000)]
    [3, 4, 6, 9, 12, 15, 30]
    """
    g = net_mg / 1000
    if g <= 50:
        return net_mg * 9 // 100
    if g <= 100:
        return 4_500
    if g <= 200:
        return net_mg * 45 // 1000
    if g <= 300:
        return 9_000
    if g <= 500:
        return net_mg * 3 // 100
    if g <= 1000:
        return 15_000
    return net_mg * 15 // 1000


def guess_from_net_content(net: NetContent | None) -> UnitWeight | None:
    """A first guess, before the store has weighed the product.

    Packaging: 8 % of the content and 10 g for solids; bottles and cartons 12 % and 20 g (glass
    is heavier, which the wide spread covers until the product is learned).

    >>> guess_from_net_content(NetContent(amount=500, unit="g")).describe()
    '550 g ± 28 g'
    >>> guess_from_net_content(NetContent(amount=6, unit="pcs")) is None
    True
    """
    if net is None or net.unit not in ("g", "ml"):
        return None
    net_mg = net.amount * 1000
    if net.unit == "g":
        packaging = net_mg * 8 // 100 + 10_000
        spread = max(emark_tolerance_mg(net_mg), net_mg * 4 // 100) + 8_000
    else:
        packaging = net_mg * 12 // 100 + 20_000
        spread = max(emark_tolerance_mg(net_mg), net_mg * 7 // 100) + 12_000
    return UnitWeight(mean_mg=net_mg + packaging, spread_mg=spread)


PEERS_NEEDED = 3
"""Learned products of the same category and a similar size needed for a guess from peers."""


def guess_from_peers(
    net: NetContent | None, peers: Sequence[tuple[NetContent, UnitWeight]]
) -> UnitWeight | None:
    """A first guess from the same category's learned products (``peers``: each one's net
    content and learned weight) within a factor of two of this one's size: the net content plus
    their median packaging (what they weigh beyond their content), spread as their packaging
    varies from product to product (scaled MAD) and as packs vary (their median spread), never
    narrower than a quarter of the e-mark tolerance or 3 g. Too few peers: the label's guess.

    >>> from aisle.domain.catalog import NetContent as N
    >>> cups = [(N(amount=150, unit="g"), UnitWeight(mean_mg=m, spread_mg=2_000, observations=9))
    ...         for m in (158_000, 160_000, 157_000, 161_000)]
    >>> guess_from_peers(N(amount=180, unit="g"), cups).describe()
    '189 g ± 3 g'
    >>> guess_from_peers(N(amount=180, unit="g"), cups[:2]).describe()  # too few: the label's
    '204 g ± 16 g'
    """
    label = guess_from_net_content(net)
    if net is None or label is None:
        return label
    size = net.amount
    similar = [
        (content.amount * 1000, weight)
        for content, weight in peers
        if content.unit == net.unit
        and weight.observations >= LEARNED_AFTER
        and size <= 2 * content.amount
        and content.amount <= 2 * size
    ]
    if len(similar) < PEERS_NEEDED:
        return label
    packaging = [weight.mean_mg - content_mg for content_mg, weight in similar]
    middle = int(statistics.median(packaging))
    mad = int(statistics.median(abs(p - middle) for p in packaging))
    between = mad * 1483 // 1000
    within = int(statistics.median(weight.spread_mg for _, weight in similar))
    spread = max(
        math.isqrt(between * between + within * within),
        emark_tolerance_mg(size * 1000) // 4,
        3_000,
    )
    return UnitWeight(mean_mg=size * 1000 + middle, spread_mg=spread)


def learn(
    guess: UnitWeight | None, observed_mg: Sequence[int], unconfirmed_mg: Sequence[int] = ()
) -> UnitWeight | None:
    """The model after ``observed_mg`` (weights the scale measured for one unit on trips that
    ended clear or were confirmed by staff), and ``unconfirmed_mg`` (weights measured where the
    product *didn't* match its model, on trips nobody checked).

    Median and scaled median absolute deviation; with fewer than :data:`LEARNED_AFTER`
    observations the guess keeps a share, and the spread never falls below 3 g (the scale's
    own resolution after averaging).

    Unconfirmed weights count only when at least :data:`CONSISTENT_AFTER` of them agree (within
    3 %): a guess that is wrong for every pack (glass, a thick tray) shows the same weight trip
    after trip, while swapped items weigh whatever they weigh. So the store stops asking about
    the wine bottle without learning a thief's swap.

    >>> learn(None, [452_000, 449_000, 451_000, 450_000, 900_000]).describe()
    '451 g ± 3 g'
    >>> wine = UnitWeight(mean_mg=860_000, spread_mg=60_000)
    >>> learn(wine, [], [1_251_000, 1_247_000, 1_255_000]).describe()  # the bottle is glass
    '1095 g ± 28 g'
    >>> learn(wine, [], [1_251_000, 420_000, 2_600_000]) == wine  # swaps: nothing learned
    True
    """
    observed = [*observed_mg, *_consistent(unconfirmed_mg)]
    if not observed:
        return guess
    median = int(statistics.median(observed))
    mad = int(statistics.median(abs(x - median) for x in observed))
    spread = max(mad * 1483 // 1000, 3_000)  # 1.483 MAD estimates a normal's sigma
    n = len(observed)
    if guess is None or n >= LEARNED_AFTER:
        return UnitWeight(mean_mg=median, spread_mg=spread, observations=n)
    mean = (median * n + guess.mean_mg * (LEARNED_AFTER - n)) // LEARNED_AFTER
    spread = (spread * n + guess.spread_mg * (LEARNED_AFTER - n)) // LEARNED_AFTER
    return UnitWeight(mean_mg=mean, spread_mg=spread, observations=n)


CONSISTENT_AFTER = 3


def _consistent(weights: Sequence[int]) -> list[int]:
    """The unconfirmed weights that agree with most of the others, if enough do."""
    if len(weights) < CONSISTENT_AFTER:
        return []
    median = int(statistics.median(weights))
    near = [w for w in weights if abs(w - median) * 100 <= abs(median) * 3]
    if len(near) >= CONSISTENT_AFTER and len(near) * 5 >= len(weights) * 3:
        return near
    return []
