"""The classic order-picking heuristics, as a shopper would walk them: the baselines a
shopping-list route is measured against.

Roodbergen and de Koster (2001, "Routing methods for warehouses with multiple cross aisles")
and Hall (1993) compare routing heuristics for a block of parallel aisles between a front and a
back cross aisle. Two of them are what people do without a plan:

- **S-shape**: every aisle with a pick is walked end to end, the first from the front to the
  back, the next from the back to the front, and so on, left to right, along the cross aisles
  from one to the next. When the number of such aisles is odd, the last one is entered from
  the front, walked up to its farthest pick, and left again from the front.
- **Largest gap**: the leftmost aisle with a pick is walked from the front to the back, then
  the back cross aisle is followed to the right; each aisle on the way is entered from the back
  as far as needed and left the same way; the rightmost aisle is walked from the back to the
  front, and the front cross aisle back to the left, entering each aisle from the front. In
  every aisle in between, the largest gap, the longest stretch between two neighbouring picks
  or between a cross aisle and the nearest pick, is the part never walked.

Adapted to a store:

- The *aisles* of the sweep are the areas that run from the front of the store to the back:
  the parallel aisles, and any wide area beside them such as produce by the entrance (the
  leftmost, so it is walked first, as a shopper coming in does). They are taken left to right
  by the centre of their rectangle. An aisle's *front* and *back* ends are its first and its
  last bay's picking points; the gaps are measured from its rectangle's ends, where the cross
  aisles begin.
- An area that runs *across* the store (the bakery along the front wall, the chillers along
  the back one) lies along a cross aisle, so neither heuristic says how to walk it. Its picks
  are made on the way: each is added to the leg of the heuristic's walk that it lengthens the
  least, which is the cross aisle beside it whenever the walk goes along there (dairy while
  crossing along the back, the bakery on the way in or out). They are added in the order of
  the list's areas, left to right, then by bay.

Walking from one waypoint to the next (into an aisle, between aisles, to an off-sweep pick, to
the end) follows the shortest walk on the :class:`WalkingMap`, which is what a shopper going
round the end of a shelf does; the length is the sum of those walks, so each heuristic is
charged for the walk it really makes, and the order is the order in which the stops are picked.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from aisle.domain.store._geometry import Point
from aisle.domain.store._layout import Aisle, Layout, Location
from aisle.domain.store._walking import WalkingMap

__all__ = ["largest_gap_order", "s_shape_order"]

_Pass = tuple[Aisle, list[int]]  # an aisle and its stops (indices), from the front to the back
_Walk = list[tuple[Point, int | None]]  # waypoints, each with the stop picked there (or None)


def s_shape_order(
    layout: Layout, walking: WalkingMap, start: Point, stops: Sequence[Location], end: Point
) -> tuple[tuple[int, ...], int]:
    """The S-shape walk from ``start`` to ``end``: the stops' visiting order (indices into
    ``stops``) and the length walked, in centimetres."""
    passes, across = _passes(layout, stops)
    walk: _Walk = [(start, None)]
    for n, (aisle, picks) in enumerate(passes):
        front, back = _ends(aisle)
        if n % 2 == 1:
            walk += _through(back, reversed(picks), front, stops)
        elif n == len(passes) - 1:  # an odd number of aisles: back out of the last one
            walk += _through(front, picks, front, stops)
        else:
            walk += _through(front, picks, back, stops)
    walk.append((end, None))
    return _result(walking, _on_the_way(walking, walk, across, stops))


def largest_gap_order(
    layout: Layout, walking: WalkingMap, start: Point, stops: Sequence[Location], end: Point
) -> tuple[tuple[int, ...], int]:
    """The largest-gap walk from ``start`` to ``end``: the stops' visiting order (indices into
    ``stops``) and the length walked, in centimetres."""
    passes, across = _passes(layout, stops)
    walk: _Walk = [(start, None)]
    if len(passes) == 1:  # a single aisle: in from the front to the farthest pick, and back
        aisle, picks = passes[0]
        front, _ = _ends(aisle)
        walk += _through(front, picks, front, stops)
    elif passes:
        (first, first_picks), *middle, (last, last_picks) = passes
        splits = [(aisle, _split(aisle, picks, stops)) for aisle, picks in middle]
        front, back = _ends(first)
        walk += _through(front, first_picks, back, stops)
        for aisle, (_, from_back) in splits:
            _, back = _ends(aisle)
            walk += _through(back, reversed(from_back), back, stops) if from_back else []
        front, back = _ends(last)
        walk += _through(back, reversed(last_picks), front, stops)
        for aisle, (from_front, _) in reversed(splits):
            front, _ = _ends(aisle)
            walk += _through(front, from_front, front, stops) if from_front else []
    walk.append((end, None))
    return _result(walking, _on_the_way(walking, walk, across, stops))


def _passes(layout: Layout, stops: Sequence[Location]) -> tuple[list[_Pass], list[int]]:
    """The aisles of the sweep with stops, left to right, each with its stops from the front
    to the back; and the stops in areas that run across the store, left to right by area,
    then by bay."""
    by_aisle: dict[str, _Pass] = {}
    for index, stop in enumerate(stops):
        aisle = layout.aisle(stop.aisle.name)
        if aisle is None or aisle != stop.aisle:
            raise ValueError(
                f"stop {index} is in {stop.aisle.name!r}, which is not an aisle of "
                f"{layout.name!r}: expected a location from this layout"
            )
        by_aisle.setdefault(aisle.name, (aisle, []))[1].append(index)
    areas = sorted(by_aisle.values(), key=lambda entry: _sweep(entry[0]))
    for _, picks in areas:
        picks.sort(key=lambda index: (stops[index].bay, index))
    passes = [(aisle, picks) for aisle, picks in areas if not aisle.horizontal]
    across = [index for aisle, picks in areas if aisle.horizontal for index in picks]
    return passes, across


def _sweep(aisle: Aisle) -> tuple[int, int, str]:
    r = aisle.rect
    return (2 * r.x + r.width, 2 * r.y + r.depth, aisle.name)  # twice the centre: no rounding


def _ends(aisle: Aisle) -> tuple[Point, Point]:
    return aisle.bay_point(1), aisle.bay_point(aisle.bays)


def _split(
    aisle: Aisle, picks: list[int], stops: Sequence[Location]
) -> tuple[list[int], list[int]]:
    """The picks on the front side of the aisle's largest gap, and those on the back side;
    the gaps at the ends reach the cross aisles, at the ends of the aisle's rectangle."""
    marks = [aisle.rect.y, *(stops[i].point.y for i in picks), aisle.rect.back]
    gaps = [b - a for a, b in itertools.pairwise(marks)]
    widest = gaps.index(max(gaps))  # the first of equal gaps: deterministic
    return picks[:widest], picks[widest:]


def _through(enter: Point, picks: Iterable[int], leave: Point, stops: Sequence[Location]) -> _Walk:
    """Into an aisle at ``enter``, to each pick in turn, out at ``leave``."""
    return [(enter, None), *((stops[i].point, i) for i in picks), (leave, None)]


def _on_the_way(
    walking: WalkingMap, walk: _Walk, across: list[int], stops: Sequence[Location]
) -> _Walk:
    """The walk with each of the ``across`` stops added, in turn, to the leg it lengthens the
    least (the first of equal legs)."""
    for index in across:
        point = stops[index].point
        detours = [
            walking.distance(a, point) + walking.distance(point, b) - walking.distance(a, b)
            for (a, _), (b, _) in itertools.pairwise(walk)
        ]
        walk.insert(detours.index(min(detours)) + 1, (point, index))
    return walk


def _result(walking: WalkingMap, walk: _Walk) -> tuple[tuple[int, ...], int]:
    order = tuple(stop for _, stop in walk if stop is not None)
    length = sum(walking.distance(a, b) for (a, _), (b, _) in itertools.pairwise(walk))
    return order, length
