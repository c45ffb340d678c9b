"""Thresholds in doubt, decided without joining the basket into one programme.

A spend offer's threshold is *in doubt* when the basket may or may not reach it, depending on
which item offers it takes (a unit on offer spends less, and towards an exclusive offer, nothing).
Solved directly, such a threshold joins every class it covers into one component whose states
count the spend: a knapsack, the slowest thing the engine does. Mostly, it need not be solved.

The optimum is the best, over every set ``M`` of thresholds in doubt the basket *claims*, of
the best solution that reaches all of ``M`` (counting only their savings). For each ``M``:

- with the thresholds of ``M`` met for free (their percentages counted on every contribution,
  their amounts added), the item components are independent again and each is solved alone,
  remembered between scans like any other: the sum is a ceiling on what claiming ``M`` is worth;
- a threshold of ``M`` can also be *priced*: each cent spent towards it is worth ``w``
  hundredths of a cent, and ``w`` times the threshold is given back. No solution that reaches
  the threshold is worth more than that ceiling, whatever ``w`` (a Lagrangian relaxation;
  priced components count in hundredths of a cent, so the ceiling is exact). The prices tried
  are a fixed ladder, searched by the direction the priced solution's spend points to, so that
  the same prices come back scan after scan and their solutions are remembered.

Met for free, a threshold only adds to what a solution is worth, so a ceiling on a set also
bounds each smaller set it holds, less the amounts of the thresholds left out, where every
threshold it prices is in the smaller set (a price on one left out bounds only the solutions
that reach it). The sets are tried and priced from the largest down, and a smaller one that
bound puts below the best found is decided without a try of its own. On the pricing
benchmark's 200 scans just short of its 99th percentile, the prices tried fall from 3,561 to
2,164 and the programme's solves from 4,209 to 3,261 (every one of its 4,000 scans still
prices as CP-SAT's model of the same rules does).

Every solution met on the way is valued by the real rules (which thresholds it reaches, what
they give) and the best is kept; the components' solutions are also mixed (each component is
free to take any of its solutions met, whatever price it was found at) by a small knapsack over
what they spend. When no set's ceiling exceeds the best by a cent, the best is the optimum.

When one does, the knapsack really matters (the ceiling is a relaxation: a unit's spend comes
whole, not in fractions). On ``benchmarks/pricing.py --quick`` that is about one scan in five,
nearly all for the exclusive "5 % off items not on offer" coupon, whose spend comes in whole
units of several euros. A solution's worth is then at most the ceiling less what each of its
components falls short of that component's priced optimum, so each component only needs its
solutions within the ceiling's margin over the best found; of those, the ones no other beats on
both spend and saving (its *frontier*, :func:`~aisle.domain.pricing._programme.frontier`) are
joined component by component over what they spend. That join is exact, and small: on the quick
run, all 141 sets the ceilings leave open are closed by it, where each went to CP-SAT
before. The best found before the join is often a euro or two short of the optimum, while the
least ceiling is within cents of it, so the join first asks only for solutions within
:data:`_HOPE` of that ceiling (smaller frontiers), and asks again further down only where none
is found. A frontier too big for its budget, or more than four thresholds in doubt, still sends
the joined component to CP-SAT.

Which prices are tried and which solutions are met depends only on the basket, never on the
order of earlier scans: the same basket always prices the same way.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from aisle.domain.pricing._programme import (
    MEASURED,
    PRICED,
    SCALE,
    Key,
    SpendKey,
    frontier,
    measure,
    solve,
    solve_by_programme,
    undominated,
)

if TYPE_CHECKING:
    from aisle.domain.pricing._optimiser import _Problem, _Spend

__all__ = ["Claims"]

LADDER = (1, 2, 3, 4, 6, 8, 11, 15, 20, 27, 35, 45, 60, 80, 100, 130, 170, 220, 300, 400)
"""Prices tried on a threshold, in hundredths of a cent per cent spent. What a unit on offer
gives up per cent of spend regained is its rate of discount (a few percent to a half), or less
for exclusive offers; past 4 cents per cent, no grocery offer is worth keeping."""

EFFORT = 400_000
"""The most moves of the programme the tries of one basket may add up to (counted whether a
try was remembered or not, so the same basket always takes the same path) before the joined
component is solved instead. On the pricing benchmark's 4,000 scans, the 729 that join
frontiers have made 9,823 moves at the median before the first join, 194,220 at the 99th
percentile and 215,760 at most (with 40,000, the budget before the C kernel, 142 scans went to
CP-SAT, most of the 4,000's 99th percentile)."""

JOIN_EFFORT = 1_000_000
"""The most moves the tries and the frontiers of one basket may add up to, with the join's
steps (a partial join tried with a point) and comparisons, before the joined component is
solved instead: a join of many components with two thresholds can otherwise take seconds. On
the pricing benchmark's 4,000 scans, the 3,240 with a threshold in doubt take 3,216 in all at
the median, 187,864 at the 99th percentile and 513,700 at most (with 200,000, 28 went to
CP-SAT)."""

_BOUNDS = 2
"""How many of the least ceilings on a set of thresholds bound the frontiers joined over it."""

_HOPE = 64
"""How far short of the least ceiling (cents) the first join looks for a solution. The best
found before the join is often well short of the optimum (by one or two euros, where a
threshold's units come whole), while the least ceiling is mostly within cents of it, and the
frontiers grow with how far short they may fall. On the pricing benchmark's 4,000 scans, joined
at once over every solution better than the best found, the frontiers computed make 8.30
million moves; from 16 cents 7.90 million, from 64 cents 6.59 million (more joins, each
smaller), and the slowest scan takes 57 ms where it took 79."""

_HOPE_GROWTH = 4
"""How much further each join looks than the one before, while none finds a solution."""

_MAX_DOUBTS = 4
"""More thresholds in doubt than this at once (16 sets to claim) go straight to the joined
programme: the sets multiply faster than the ceilings save."""

_MIX_STATES = 512
"""The most partial mixes :meth:`Claims._mix` keeps after each component (the best valued, and
the one that has spent most): mixing only finds solutions, so forgetting some is safe."""

Splits = list[tuple[int, ...]]


def _rounded_up(margin: int) -> int:
    """``margin`` rounded up to one of a few values per doubling (at most an eighth more), so
    that the frontiers asked for with it come back from scan to scan.

    >>> [_rounded_up(m) for m in (0, 7, 8, 9, 100, 3212)]
    [8, 8, 8, 9, 104, 3328]
    """
    step = 1 << max(0, max(margin, 8).bit_length() - 4)
    return -(-max(margin, 8) // step) * step


_Ceiling = tuple[int, dict[int, int]]
"""A ceiling (hundredths of a cent) and the price on each threshold that gave it."""


@dataclass(frozen=True, slots=True)
class _Link:
    """The solutions chosen so far in a join, one per component, the last first."""

    chosen: tuple[tuple[int, ...], ...]
    before: _Link | None


_Chain = _Link | None


def _undominated(
    states: dict[tuple[int, ...], tuple[int, tuple[int, ...], _Chain]],
) -> tuple[dict[tuple[int, ...], tuple[int, tuple[int, ...], _Chain]], int]:
    """The partial joins no other has both spent at least as much and is worth as much as, and
    the comparisons it took (:func:`~aisle.domain.pricing._programme.undominated`)."""
    ranked = sorted(states.items(), key=lambda kv: (kv[0], kv[1][0]), reverse=True)
    kept, work = undominated([(spent, held[0]) for spent, held in ranked])
    return {ranked[at][0]: ranked[at][1] for at in kept}, work


def _least_of(found: list[_Ceiling]) -> int:
    """The least of the ceilings found (their prices are not compared: a tie is common)."""
    return min(ceiling for ceiling, _ in found)


class _TooBig(Exception):
    """A component the programme can't solve within its budget."""


Chosen = tuple[tuple[int, ...], ...]  # one component's splits, as the programme gives them
_Measured = tuple[int, dict[int, tuple[int, int]]]
"""A component's solution valued by the real rules: its value without the thresholds in doubt
and, per threshold in doubt, what it spends towards it and the percentage it earns."""
_Solved = tuple[int, tuple[int, Chosen] | None]  # :func:`solve_by_programme`'s answer


@dataclass(frozen=True, slots=True)
class _Tried:
    ceiling: int  # hundredths of a cent: the solutions of these terms, summed over components
    spent: dict[int, int]  # per threshold in doubt: what the solution spends towards it


class Claims:
    """Decide the thresholds in doubt of ``problem`` over its item ``components``."""

    def __init__(self, problem: _Problem, components: Sequence[list[int]]) -> None:
        self.problem = problem
        self.doubts = [si for si, spend in enumerate(problem.spends) if spend.mode == "in-doubt"]
        self.touched = [
            members
            for members in components
            if any(not set(members).isdisjoint(problem.spends[si].classes) for si in self.doubts)
        ]
        self.others = [members for members in components if members not in self.touched]
        self.measuring = [self._measuring_key(members) for members in self.touched]
        # per touched component: the thresholds in doubt that cover it, and its solution (with
        # the moves it took) under each of their terms tried, priced or not
        self.doubts_of = [
            tuple(si for si in self.doubts if si in self._covering(members))
            for members in self.touched
        ]
        self.solved: list[dict[tuple[bool | int | None, ...], _Solved]] = [{} for _ in self.touched]
        self.moves = 0  # the programme's moves on the tries so far, remembered or not
        self.best: list[Chosen] | None = None  # per touched component
        # per touched component, every solution met: its value without the thresholds in doubt
        # and, per threshold in doubt, what it spends towards it and the percentage it earns
        self.seen: list[dict[Chosen, _Measured]] = [{} for _ in self.touched]
        # the same, by the identity of a solution met again as the same object (a try
        # remembered, a frontier's point): no tuple of tuples hashed; each entry holds its
        # solution, so that its identity is not reused while it is there
        self.seen_as: list[dict[int, tuple[Chosen, _Measured]]] = [{} for _ in self.touched]
        self.floor = 0  # the real value of the best solution found (touched components only)
        self.first: _Tried | None = None  # the try with every threshold in doubt dropped

    def first_spent(self) -> dict[int, int] | None:
        """What the solution with every threshold in doubt dropped (:meth:`decide`'s first
        try, made here) spends towards each; None where :meth:`decide` makes no try.

        A threshold it does not reach is surely in doubt: this solution spends less, so no
        least spend need be worked out to tell (:meth:`_Problem._settle_doubts`)."""
        if not self.doubts or len(self.doubts) > _MAX_DOUBTS:
            return None
        try:
            self.first = self._try(dict.fromkeys(self.doubts))
        except _TooBig:
            return None
        return self.first.spent

    def decide(self) -> Splits | None:
        """Every class's split at the optimum, or None when the ceilings can't prove one (or a
        component is too big for the programme)."""
        if not self.doubts or len(self.doubts) > _MAX_DOUBTS:
            return None
        try:
            return self._decide()
        except _TooBig:
            return None

    def _decide(self) -> Splits | None:
        dropped: dict[int, int | None] = dict.fromkeys(self.doubts)
        if self.first is None:
            self.first = self._try(dropped)
        # per set: every ceiling found with the price on each threshold that gave it (none:
        # met for free). The larger sets first: their ceilings bound their subsets'
        # (_bound_by_supersets), and a subset that bound puts below the best found needs no try
        ceilings: dict[tuple[int, ...], list[_Ceiling]] = {}
        for size in range(len(self.doubts), 0, -1):
            for claimed in itertools.combinations(self.doubts, size):
                bound = self._bound_by_supersets(claimed, ceilings)
                if bound is not None and self._below(bound[0]):
                    # with the prices of the ceiling it comes from: like that ceiling, it
                    # bounds only the sets that hold the thresholds priced
                    ceilings[claimed] = [bound]
                    continue
                bonus = sum(self.problem.spends[si].amount for si in claimed) * SCALE
                tried = self._try(dropped | dict.fromkeys(claimed, 0))
                found = ceilings[claimed] = [(tried.ceiling + bonus, {})]
                if not self._below(found[0][0]):
                    self._ceiling(claimed, dropped, tried, found)
        ceilings = dict(sorted(ceilings.items(), key=lambda kv: (len(kv[0]), kv[0])))
        for claimed, found in ceilings.items():  # the floor may have risen since
            if not self._below(_least_of(found)):
                self._mix(claimed)  # a better solution, from the components' solutions met
        for claimed, found in ceilings.items():
            if not self._below(_least_of(found)) and not self._join(claimed, found):
                return None
        splits = self.found()
        assert splits is not None
        for members in self.others:
            _, chosen = solve(self.problem.key_of(members, self._plain)[0])
            for ci, split in zip(members, chosen, strict=True):
                splits[ci] = split
        return splits

    def _bound_by_supersets(
        self, claimed: tuple[int, ...], ceilings: dict[tuple[int, ...], list[_Ceiling]]
    ) -> _Ceiling | None:
        """The least ceiling on claiming ``claimed`` that those found on the sets holding it
        give, where every threshold they price is one of ``claimed``, with its prices (None
        when there is none). A threshold met for free only adds to what a solution is worth
        (its percentage on every contribution, its amount), so claiming fewer is worth at most
        such a ceiling of the larger set less the amounts of the thresholds left out. A ceiling
        that prices a threshold left out bounds only the solutions that reach it: not these."""
        bound: _Ceiling | None = None
        for larger, found in ceilings.items():
            if len(larger) <= len(claimed) or not set(claimed) <= set(larger):
                continue
            left_out = sum(self.problem.spends[si].amount for si in larger if si not in claimed)
            for ceiling, prices in found:
                at = ceiling - left_out * SCALE
                if all(si in claimed for si in prices) and (bound is None or at < bound[0]):
                    bound = (at, prices)
        return bound

    def found(self) -> Splits | None:
        """The best solution found so far, as each class's split (the classes of components no
        threshold in doubt touches: empty); None before any. Where :meth:`decide` can't prove
        it the optimum, it is a good start for the solver that can."""
        if self.best is None:
            return None
        splits: Splits = [()] * len(self.problem.classes)
        for members, chosen in zip(self.touched, self.best, strict=True):
            for ci, split in zip(members, chosen, strict=True):
                splits[ci] = split
        return splits

    def _below(self, ceiling: int) -> bool:
        """Whether a ceiling (hundredths of a cent) is below the best found by a whole cent."""
        return ceiling < (self.floor + 1) * SCALE

    def _ceiling(
        self,
        claimed: tuple[int, ...],
        dropped: dict[int, int | None],
        tried: _Tried,
        found: list[_Ceiling],
    ) -> None:
        """Ceilings on claiming every threshold of ``claimed``, added to ``found`` (hundredths
        of a cent, with the price that gave each), from the one met for free as ``tried``, by
        pricing each threshold in turn; the search stops once one is below the best found."""
        bonus = sum(self.problem.spends[si].amount for si in claimed) * SCALE
        free = dropped | dict.fromkeys(claimed, 0)
        for si in claimed:
            if self._below(_least_of(found)):
                break
            threshold = self.problem.spends[si].threshold
            if tried.spent[si] >= threshold:
                continue  # the free solution reaches it: pricing it can't lower the ceiling
            self._priced(si, threshold, free, bonus, found)

    def _priced(
        self,
        si: int,
        threshold: int,
        free: dict[int, int | None],
        bonus: int,
        found: list[_Ceiling],
    ) -> None:
        """Ceilings with a price on ``si``, searched on the ladder, added to ``found``.

        The ceiling is convex in the price and least where the priced solution's spend
        crosses the threshold, so the search halves the ladder towards that crossing."""
        low, high = 0, len(LADDER) - 1
        while low <= high:
            middle = (low + high) // 2
            price = LADDER[middle]
            tried = self._try(free | {si: price})
            ceiling = tried.ceiling - price * threshold + bonus
            found.append((ceiling, {si: price}))
            if self._below(ceiling):
                break
            if tried.spent[si] >= threshold:
                high = middle - 1
            else:
                low = middle + 1

    def _mix(self, claimed: tuple[int, ...]) -> None:
        """The best solution that claims ``claimed`` made of components' solutions already
        found (each component's are as good as any other's, whatever the price they were found
        at): a small knapsack over the components, by what each spends towards the thresholds."""
        thresholds = [self.problem.spends[si].threshold for si in claimed]
        # capped spends -> (value with the claimed percentages, per component: its solution)
        states: dict[tuple[int, ...], tuple[int, list[Chosen]]] = {(0,) * len(claimed): (0, [])}
        for seen in self.seen:
            following: dict[tuple[int, ...], tuple[int, list[Chosen]]] = {}
            for spent, (value, parts) in states.items():
                for chosen, (worth, towards) in seen.items():
                    reached = tuple(
                        min(threshold, have + towards[si][0])
                        for have, threshold, si in zip(spent, thresholds, claimed, strict=True)
                    )
                    total = value + worth + sum(towards[si][1] for si in claimed)
                    held = following.get(reached)
                    if held is None or total > held[0]:
                        following[reached] = (total, [*parts, chosen])
            if len(following) > _MIX_STATES:  # a heuristic may forget: the ceilings decide
                furthest = max(following, key=lambda spent: (sum(spent), following[spent][0]))
                kept = following[furthest]
                ranked = sorted(following.items(), key=lambda kv: (-kv[1][0], kv[0]))
                following = dict(ranked[:_MIX_STATES])
                following.setdefault(furthest, kept)  # the likeliest to reach every threshold
            states = following
        met = states.get(tuple(thresholds))
        if met is not None:
            self._offer(met[1])

    def _join(self, claimed: tuple[int, ...], found: list[_Ceiling]) -> bool:
        """Whether the best solution that claims ``claimed`` is now known and found, given the
        ceilings found on it and the prices that gave them (hundredths of a cent per cent; a
        threshold not priced is met for free). False when a frontier is too big to compute.

        A ceiling is a sum over components of their priced optimum, and a solution that
        reaches every threshold of ``claimed`` is worth at most the ceiling less what each of
        its components falls short of its own priced optimum. So only the solutions of each
        component within the ceiling's margin over the best found can beat it, and that holds
        for every price: with the :data:`_BOUNDS` least ceilings, each component's frontier of
        spend and value among them (:func:`frontier`) is joined, component by component, over
        what they spend, keeping what no other partial join beats and what could still beat the
        best found."""
        least = sorted(found, key=lambda c: c[0])[:_BOUNDS]
        hope = _HOPE
        while True:
            # a floor hoped for, short of the least ceiling by ``hope`` cents, not below the
            # best found: the join finds every solution above it, so where it finds one the
            # best of them is the optimum, and where it does not, the hope is lowered
            aim = max(self.floor, least[0][0] // SCALE - hope)
            margins = [
                (_rounded_up(ceiling - (aim + 1) * SCALE), prices)  # comes back scan to scan
                for ceiling, prices in least
            ]
            if not self._join_within(claimed, margins):
                return False
            if aim <= self.floor or self._below(least[0][0]):
                return True  # the join was over every solution better than the best found
            hope = max(hope, 1) * _HOPE_GROWTH

    def _join_within(
        self, claimed: tuple[int, ...], margins: list[tuple[int, dict[int, int]]]
    ) -> bool:
        """:meth:`_join` with solutions that fall short of each priced optimum by at most its
        margin in all (False: a frontier too big to compute)."""
        spends = [self.problem.spends[si] for si in claimed]
        thresholds = tuple(spend.threshold for spend in spends)
        bonus = sum(spend.amount for spend in spends)
        # the least each component spends towards each threshold, whatever it takes: one
        # component's spend matters only up to what the others' least leaves to reach
        least = [
            {si: self.problem.least_spent(members, si) for si in claimed if si in doubts}
            for members, doubts in zip(self.touched, self.doubts_of, strict=True)
        ]
        allowances = [margin for margin, _ in margins]
        fronts: list[list[tuple[tuple[int, ...], int, tuple[int, ...], Chosen]]] = []
        for members, own in zip(self.touched, least, strict=True):
            caps = {
                si: spend.threshold - sum(other.get(si, 0) for other in least) + own.get(si, 0)
                for si, spend in zip(claimed, spends, strict=True)
            }
            key, owners = self._tracked_key(members, claimed, caps)
            bounds = tuple(
                (self._tracked_key(members, claimed, caps, prices, scale=True)[0], margin)
                for margin, prices in margins
            )
            moves, points = frontier(key, bounds)
            self.moves += moves
            if points is None or self.moves > JOIN_EFFORT:
                return False
            doubt_bits = [owners[bit] for bit, term in enumerate(key[2]) if term[0]]
            at = [doubt_bits.index(si) if si in doubt_bits else -1 for si in claimed]
            fronts.append(
                [
                    (tuple(spent[i] if i >= 0 else 0 for i in at), value, shorts, chosen)
                    for spent, value, shorts, chosen in points
                    if all(s <= a for s, a in zip(shorts, allowances, strict=True))
                ]
            )
        # what the components after each one can still add to the spend, at most
        most_spent = [(0,) * len(claimed)] * (len(fronts) + 1)
        for j in range(len(fronts) - 1, -1, -1):
            most_spent[j] = tuple(
                have + max((spent[i] for spent, _, _, _ in fronts[j]), default=0)
                for i, have in enumerate(most_spent[j + 1])
            )
        # capped spends -> (value, shortfalls, the solutions chosen: last component first)
        states: dict[tuple[int, ...], tuple[int, tuple[int, ...], _Chain]] = {
            (0,) * len(claimed): (0, (0,) * len(allowances), None)
        }
        for j, front in enumerate(fronts):
            self.moves += len(states) * len(front)  # the join's work counts as the programme's
            if self.moves > JOIN_EFFORT:
                return False
            following: dict[tuple[int, ...], tuple[int, tuple[int, ...], _Chain]] = {}
            for spent, (value, short, chain) in states.items():
                for more, worth, falls, chosen in front:
                    shorts = tuple(a + b for a, b in zip(short, falls, strict=True))
                    if any(s > a for s, a in zip(shorts, allowances, strict=True)):
                        continue  # can't beat the best found
                    reached = tuple(
                        min(threshold, a + b)
                        for a, b, threshold in zip(spent, more, thresholds, strict=True)
                    )
                    if any(
                        have + rest < threshold
                        for have, rest, threshold in zip(
                            reached, most_spent[j + 1], thresholds, strict=True
                        )
                    ):
                        continue  # can't reach every threshold claimed
                    total = value + worth
                    held = following.get(reached)
                    if held is None or total > held[0]:
                        following[reached] = (total, shorts, _Link(chosen, chain))
            states, work = _undominated(following)
            self.moves += work
            if not states:
                return True  # nothing that claims them beats the best found
        met = states.get(thresholds)
        if met is not None and met[0] + bonus > self.floor:
            chain = met[2]
            chosen_all: list[Chosen] = []
            while chain is not None:
                chosen_all.append(chain.chosen)
                chain = chain.before
            chosen_all.reverse()
            self._offer(chosen_all)
        return True

    def _tracked_key(
        self,
        members: list[int],
        claimed: tuple[int, ...],
        caps: dict[int, int],
        prices: dict[int, int] | None = None,
        scale: bool = False,
    ) -> tuple[Key, tuple[int, ...]]:
        """The component's key with the terms of :meth:`_tracked`, and each term's offer (in
        hundredths of a cent with ``scale``)."""
        return self.problem.key_of(
            members, lambda si, s, c: self._tracked(claimed, si, s, c, caps, prices), scale
        )

    def _tracked(
        self,
        claimed: tuple[int, ...],
        si: int,
        spend: _Spend,
        contained: tuple[int, ...],
        caps: dict[int, int],
        prices: dict[int, int] | None = None,
    ) -> list[SpendKey]:
        """The terms of :meth:`_join`: a threshold claimed gives its percentage on every
        contribution and adds up its spend up to its cap in ``caps`` (``prices`` None), or has
        it priced (0 where it is not); one in doubt and not claimed gives nothing."""
        if si not in self.doubts:
            return self._plain(si, spend, contained)
        if si not in claimed:
            return []
        found: list[SpendKey] = []
        if spend.percent > 0:
            found.append((False, spend.threshold, 0, spend.percent, contained))
        if prices is None:
            found.append((True, caps[si], 0, Decimal(0), contained))
        elif prices.get(si, 0):
            found.append((False, PRICED, 0, Decimal(prices[si]), contained))
        else:
            found.append((False, spend.threshold, 0, Decimal(0), contained))
        return found

    def _covering(self, members: list[int]) -> set[int]:
        """The spend offers that cover some class of ``members``."""
        return {
            si
            for si, spend in enumerate(self.problem.spends)
            if not set(members).isdisjoint(spend.classes)
        }

    def _try(self, claims: dict[int, int | None]) -> _Tried:
        """Solve every touched component with these terms (per threshold in doubt: None,
        dropped; 0, met for free; a price), and value the solution by the real rules."""
        priced = any(claims.values())
        ceiling = 0
        chosen_all: list[Chosen] = []
        for members, doubts, solved in zip(self.touched, self.doubts_of, self.solved, strict=True):
            # a component's key depends only on the terms of the thresholds that cover it:
            # many tries differ only in a price on another's
            terms = (priced, *(claims[si] for si in doubts))
            known = solved.get(terms)
            if known is None:
                key = self.problem.key_of(
                    members, lambda si, s, c: self._terms(claims, si, s, c), priced
                )[0]
                known = solved[terms] = solve_by_programme(key)
            moves, found = known
            self.moves += moves
            if found is None or self.moves > EFFORT:
                raise _TooBig  # one joined model costs less than going on
            value, chosen = found
            ceiling += value if priced else value * SCALE
            chosen_all.append(chosen)
        return _Tried(ceiling, self._offer(chosen_all))

    def _offer(self, chosen_all: list[Chosen]) -> dict[int, int]:
        """Value a solution by the real rules; keep it if it is the best so far (the first of
        the best: deterministic). Its spend towards each threshold in doubt."""
        real, spent = self._value(chosen_all)
        if self.best is None or real > self.floor:
            self.best, self.floor = chosen_all, real
        return spent

    def _value(self, chosen_all: list[Chosen]) -> tuple[int, dict[int, int]]:
        """The real value of a solution (of the touched components), and its spend towards each
        threshold in doubt."""
        value = 0
        spent = dict.fromkeys(self.doubts, 0)
        pending = dict.fromkeys(self.doubts, 0)
        for (key, owners), chosen, seen, seen_as in zip(
            self.measuring, chosen_all, self.seen, self.seen_as, strict=True
        ):
            same = seen_as.get(id(chosen))
            if same is not None and same[0] is chosen:
                known: _Measured | None = same[1]
            else:
                known = seen.get(chosen)
            if known is None:
                part, parts = measure(key, chosen)
                towards: dict[int, tuple[int, int]] = dict.fromkeys(self.doubts, (0, 0))
                for si, (amount, earned) in zip(owners, parts, strict=True):
                    if si in towards:
                        towards[si] = (amount, earned)
                known = seen[chosen] = (part, towards)
            if same is None or same[0] is not chosen:
                seen_as[id(chosen)] = (chosen, known)
            value += known[0]
            for si, (amount, earned) in known[1].items():
                spent[si] += amount
                pending[si] += earned
        for si in self.doubts:
            spend = self.problem.spends[si]
            if spent[si] >= spend.threshold:
                value += spend.amount + pending[si]
        return value, spent

    def _measuring_key(self, members: list[int]) -> tuple[Key, tuple[int, ...]]:
        doubts = set(self.doubts)

        def terms(si: int, spend: _Spend, contained: tuple[int, ...]) -> list[SpendKey]:
            if si in doubts:
                return [(True, MEASURED, 0, spend.percent, contained)]
            return self._plain(si, spend, contained)

        return self.problem.key_of(members, terms)

    @staticmethod
    def _plain(_: int, spend: _Spend, contained: tuple[int, ...]) -> list[SpendKey]:
        if spend.percent > 0:
            return [(False, spend.threshold, spend.amount, spend.percent, contained)]
        return []

    def _terms(
        self, claims: dict[int, int | None], si: int, spend: _Spend, contained: tuple[int, ...]
    ) -> list[SpendKey]:
        if si not in claims:
            return self._plain(si, spend, contained)
        price = claims[si]
        if price is None:
            return []
        found: list[SpendKey] = []
        if spend.percent > 0:
            found.append((False, spend.threshold, 0, spend.percent, contained))
        if price > 0:
            found.append((False, PRICED, 0, Decimal(price), contained))
        return found
