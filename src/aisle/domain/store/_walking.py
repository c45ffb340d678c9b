"""How far a shopper walks between two places, and which way: exact shortest paths.

Fixtures and obstacles are grown by :data:`CLEARANCE` on every side and the walls pulled in by
as much; a shopper walks anywhere else. The shortest walk between two points in such a plan is
a polyline that bends only at corners of the grown rectangles, so it is found exactly by
Dijkstra's algorithm over the *visibility graph*: the corners, joined wherever a straight walk
between them keeps out of every rectangle. Only *bitangent* joins are kept (a walk that bends
at a corner wraps round it, so a join that would cut into its own rectangle's corner is never
on a shortest path), which leaves a fraction of the pairs.

:class:`WalkingMap` precomputes the distances and the paths among the *places* routes are made
of: the entrance, the exit, the checkouts and every bay's picking point. Any other walkable
point is searched for when asked. Distances are whole centimetres, rounded half up from the
exact Euclidean length; because each is rounded on its own, the triangle inequality holds to
within 1 cm. Everything is deterministic: ties go to the place or corner listed first.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence

from aisle.domain.store._errors import LayoutError, LayoutProblem, where
from aisle.domain.store._geometry import CLEARANCE, Box, Point, segment_clear
from aisle.domain.store._layout import Layout, item_names

__all__ = ["WalkingMap", "reachability_problems"]

_Edges = list[list[tuple[int, float]]]


class _Network:
    """The visibility graph: grown corners first, then places (which paths end at, never
    pass through: a place is not a corner, so a shortest path cannot bend there)."""

    def __init__(self, layout: Layout, places: Sequence[Point]) -> None:
        c = CLEARANCE
        self.boxes: list[Box] = [
            (r.x - c, r.y - c, r.right + c, r.back + c) for r in layout.blocked
        ]
        self.layout = layout
        self.corners: list[Point] = []
        self.signs: list[int] = []  # +1: a join from the corner keeps dx·dy <= 0; -1: >= 0
        for x0, y0, x1, y1 in self.boxes:
            for x, y, sign in ((x0, y0, 1), (x1, y1, 1), (x0, y1, -1), (x1, y0, -1)):
                corner = Point(x=x, y=y)
                if layout.walkable(corner):
                    self.corners.append(corner)
                    self.signs.append(sign)
        count = len(self.corners)
        self.edges: _Edges = [[] for _ in range(count + len(places))]
        for i in range(count):
            for j in range(i + 1, count):
                self._join_corner(i, j, self.corners[j])
        self.places = tuple(places)
        for k, place in enumerate(self.places):
            for i in range(count):
                self._join_corner(i, count + k, place)
            for m in range(k):
                if segment_clear(place, self.places[m], self.boxes):
                    self._join(count + k, count + m, place, self.places[m])

    def _join_corner(self, i: int, node: int, point: Point) -> None:
        corner = self.corners[i]
        if self.signs[i] * (point.x - corner.x) * (point.y - corner.y) > 0:
            return  # the line would cut into the corner's own rectangle: never a bend
        if node < len(self.corners):
            other = self.signs[node] * (point.x - corner.x) * (point.y - corner.y)
            if other > 0:
                return
        if segment_clear(corner, point, self.boxes):
            self._join(i, node, corner, point)

    def _join(self, i: int, j: int, a: Point, b: Point) -> None:
        length = math.hypot(b.x - a.x, b.y - a.y)
        self.edges[i].append((j, length))
        self.edges[j].append((i, length))

    def node(self, index: int) -> Point:
        count = len(self.corners)
        return self.corners[index] if index < count else self.places[index - count]

    def reachable(self, source: int) -> set[int]:
        seen = {source}
        todo = [source]
        while todo:
            for v, _ in self.edges[todo.pop()]:
                if v not in seen:
                    seen.add(v)
                    todo.append(v)
        return seen

    def shortest(self, source: int, targets: set[int]) -> tuple[list[float], list[int]]:
        """Dijkstra from ``source`` until every target is settled; places are dead ends."""
        count = len(self.corners)
        distance = [math.inf] * len(self.edges)
        previous = [-1] * len(self.edges)
        done = [False] * len(self.edges)
        distance[source] = 0.0
        heap = [(0.0, source)]
        left = len(targets)
        while heap and left:
            d, u = heapq.heappop(heap)
            if done[u]:
                continue
            done[u] = True
            if u in targets:
                left -= 1
            if u >= count and u != source:
                continue
            for v, length in self.edges[u]:
                if d + length < distance[v]:
                    distance[v] = d + length
                    previous[v] = u
                    heapq.heappush(heap, (d + length, v))
        return distance, previous


def _places(layout: Layout) -> list[tuple[Point, str]]:
    """Every place with the field it comes from, in a fixed order, each point once."""
    listed = [(layout.entrance, "entrance"), (layout.exit, "exit")]
    listed += [(c.point, f"checkouts[{i}]") for i, c in enumerate(layout.checkouts)]
    for i, aisle in enumerate(layout.aisles):
        listed += [(aisle.bay_point(bay), f"aisles[{i}]") for bay in range(1, aisle.bays + 1)]
    first: dict[Point, str] = {}
    for point, field in listed:
        first.setdefault(point, field)
    return list(first.items())


def reachability_problems(layout: Layout, network: _Network | None = None) -> list[LayoutProblem]:
    """The places a shopper cannot stand at, or cannot walk to from the entrance."""
    places = _places(layout)
    network = network or _Network(layout, [point for point, _ in places])
    names = item_names(layout)
    entrance = len(network.corners)
    reached = network.reachable(entrance) if layout.walkable(layout.entrance) else {entrance}
    problems: dict[str, str] = {}
    for k, (point, field) in enumerate(places):
        if not layout.walkable(point):
            problems.setdefault(field, f"{point} is not walkable")
        elif entrance + k not in reached:
            problems.setdefault(
                field,
                f"cannot be reached from the entrance (a shopper keeps {CLEARANCE} cm off "
                "walls, fixtures and obstacles)",
            )
    return [
        LayoutProblem(line=None, field=field, where=where(field, names), message=message)
        for field, message in problems.items()
    ]


class WalkingMap:
    """Shortest walks over a layout's walkable floor, precomputed among its places.

    Raises :class:`LayoutError` when a place cannot be stood at or walked to from the
    entrance.
    """

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        places = [point for point, _ in _places(layout)]
        self._network = network = _Network(layout, places)
        if problems := reachability_problems(layout, network):
            raise LayoutError(problems)
        self.places: tuple[Point, ...] = tuple(places)
        self._index = {point: k for k, point in enumerate(places)}
        base = len(network.corners)
        count = len(places)
        self._exact = [[0.0] * count for _ in range(count)]
        self._previous: list[list[int]] = []
        for k in range(count):
            distance, previous = network.shortest(base + k, set(range(base + k + 1, base + count)))
            self._previous.append(previous)
            for m in range(k + 1, count):
                # One search per pair, copied both ways, so the matrix is exactly symmetric.
                self._exact[k][m] = self._exact[m][k] = distance[base + m]
        self._cm = [[_whole(d) for d in row] for row in self._exact]

    def index(self, point: Point) -> int:
        """The place's position in :attr:`places`; ValueError for a point that is not one."""
        try:
            return self._index[point]
        except KeyError:
            raise ValueError(
                f"{point} is not a place of this map: expected a bay's picking point, "
                "the entrance, the exit or a checkout"
            ) from None

    def distance(self, a: Point, b: Point) -> int:
        """The shortest walk from ``a`` to ``b``, in whole centimetres."""
        k, m = self._index.get(a), self._index.get(b)
        if k is not None and m is not None:
            return self._cm[k][m]
        return _whole(self._search(a, b)[0])

    def path(self, a: Point, b: Point) -> tuple[Point, ...]:
        """The shortest walk from ``a`` to ``b``: the points where it turns, both ends included."""
        k, m = self._index.get(a), self._index.get(b)
        if k is None or m is None:
            return self._search(a, b)[1]
        if k == m:
            return (a,)
        first, last = min(k, m), max(k, m)
        base = len(self._network.corners)
        previous = self._previous[first]
        nodes = [base + last]
        while nodes[-1] != base + first:
            nodes.append(previous[nodes[-1]])
        points = tuple(self._network.node(node) for node in reversed(nodes))
        return points if k < m else points[::-1]

    def matrix(self, points: Sequence[Point]) -> list[list[int]]:
        """The distances among ``points``: a lookup for places, a search for any other."""
        indices = [self._index.get(point) for point in points]
        if None not in indices:
            rows = [self._cm[k] for k in indices if k is not None]
            return [[row[m] for m in indices if m is not None] for row in rows]
        size = len(points)
        result = [[0] * size for _ in range(size)]
        for i in range(size):
            for j in range(i + 1, size):
                result[i][j] = result[j][i] = self.distance(points[i], points[j])
        return result

    def _search(self, a: Point, b: Point) -> tuple[float, tuple[Point, ...]]:
        """The shortest walk between any two walkable points, over the corners alone."""
        for point in (a, b):
            if not self.layout.walkable(point):
                raise ValueError(
                    f"{point} is not walkable: expected a point inside the store, "
                    f"{CLEARANCE} cm or more from the walls and every fixture and obstacle"
                )
        network = self._network
        boxes = network.boxes
        best = math.hypot(b.x - a.x, b.y - a.y) if segment_clear(a, b, boxes) else math.inf
        best_via = -1
        ends = {i: math.hypot(b.x - c.x, b.y - c.y) for i, c in self._visible(b)}
        distance: dict[int, float] = {}
        previous: dict[int, int] = {}
        heap: list[tuple[float, int]] = []
        for i, corner in self._visible(a):
            distance[i] = math.hypot(corner.x - a.x, corner.y - a.y)
            previous[i] = -1
            heapq.heappush(heap, (distance[i], i))
        done: set[int] = set()
        while heap:
            d, u = heapq.heappop(heap)
            if d >= best:
                break
            if u in done:
                continue
            done.add(u)
            if u in ends and d + ends[u] < best:
                best, best_via = d + ends[u], u
            for v, length in network.edges[u]:
                if v < len(network.corners) and d + length < distance.get(v, math.inf):
                    distance[v] = d + length
                    previous[v] = u
                    heapq.heappush(heap, (d + length, v))
        if math.isinf(best):
            raise ValueError(f"{b} cannot be reached from {a}")
        turns: list[Point] = []
        node = best_via
        while node != -1:
            turns.append(network.corners[node])
            node = previous[node]
        return best, (a, *reversed(turns), b) if a != b else (a,)

    def _visible(self, point: Point) -> list[tuple[int, Point]]:
        network = self._network
        return [
            (i, corner)
            for i, corner in enumerate(network.corners)
            if network.signs[i] * (point.x - corner.x) * (point.y - corner.y) <= 0
            and segment_clear(corner, point, network.boxes)
        ]


def _whole(length: float) -> int:
    """Whole centimetres, half up (lengths are never negative)."""
    return math.floor(length + 0.5)
