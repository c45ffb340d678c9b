"""Points and rectangles on the shop floor, in whole centimetres.

x runs to the right along the front wall, y from the front wall (the entrance side) into the
store. Everything a layout places is an axis-aligned rectangle, so the geometry stays exact: no
floating point is needed to say whether two things overlap or whether a straight walk between
two points passes through a shelf.

>>> shelf = Rect(x=300, y=500, width=100, depth=1400)
>>> shelf.contains(Point(x=400, y=600)), shelf.overlaps(Rect(x=400, y=500, width=200, depth=50))
(True, False)
>>> shelf.centre
Point(x=350, y=1200)
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CLEARANCE", "Point", "Rect", "segment_clear"]

CLEARANCE = 20
"""How far (cm) a shopper's path keeps off walls, fixtures and obstacles: a trolley is not a
point, and a route that grazes a shelf's corner is not one anybody walks."""


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class Point:
    """A spot on the shop floor."""

    x: int
    y: int

    def __str__(self) -> str:
        return f"({self.x}, {self.y})"


@dataclass(frozen=True, slots=True, kw_only=True)
class Rect:
    """An axis-aligned rectangle: the corner nearest the front-left, then its size."""

    x: int
    y: int
    width: int
    depth: int

    def __post_init__(self) -> None:
        if self.width <= 0 or self.depth <= 0:
            raise ValueError(
                f"Rectangle {self.width} by {self.depth} cm: expected a positive width and depth"
            )

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def back(self) -> int:
        return self.y + self.depth

    @property
    def centre(self) -> Point:
        return Point(x=self.x + self.width // 2, y=self.y + self.depth // 2)

    def contains(self, point: Point) -> bool:
        """Whether the point is inside or on the edge."""
        return self.x <= point.x <= self.right and self.y <= point.y <= self.back

    def overlaps(self, other: Rect) -> bool:
        """Whether the interiors overlap; rectangles that only touch along an edge do not."""
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.back
            and other.y < self.back
        )

    def inflated(self, margin: int) -> Rect:
        return Rect(
            x=self.x - margin,
            y=self.y - margin,
            width=self.width + 2 * margin,
            depth=self.depth + 2 * margin,
        )

    def spans(self) -> str:
        """The rectangle as people read it in an error message."""
        return f"x {self.x} to {self.right}, y {self.y} to {self.back}"


Box = tuple[int, int, int, int]  # x0, y0, x1, y1: what the hot loops below want


def segment_clear(a: Point, b: Point, boxes: list[Box]) -> bool:
    """Whether the segment from ``a`` to ``b`` stays out of every box's open interior.

    Touching an edge or a corner is allowed. Exact in integers: the segment and an open box are
    disjoint exactly when one of three lines separates them (the separating axis theorem for
    convex shapes; the candidate axes are the box's two edge directions and the segment's
    normal).

    >>> box = [(0, 0, 10, 10)]
    >>> segment_clear(Point(x=-5, y=5), Point(x=15, y=5), box)
    False
    >>> segment_clear(Point(x=-5, y=5), Point(x=5, y=-5), box)  # through the corner only
    True
    >>> segment_clear(Point(x=0, y=-5), Point(x=0, y=15), box)  # along the edge
    True
    """
    ax, ay, bx, by = a.x, a.y, b.x, b.y
    low_x, high_x = (ax, bx) if ax <= bx else (bx, ax)
    low_y, high_y = (ay, by) if ay <= by else (by, ay)
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        return not any(x0 < ax < x1 and y0 < ay < y1 for x0, y0, x1, y1 in boxes)
    for x0, y0, x1, y1 in boxes:
        if high_x <= x0 or low_x >= x1 or high_y <= y0 or low_y >= y1:
            continue
        # Which side of the segment's line each corner of the box is on.
        s00 = dx * (y0 - ay) - dy * (x0 - ax)
        s01 = dx * (y1 - ay) - dy * (x0 - ax)
        s10 = dx * (y0 - ay) - dy * (x1 - ax)
        s11 = dx * (y1 - ay) - dy * (x1 - ax)
        if (s00 >= 0 and s01 >= 0 and s10 >= 0 and s11 >= 0) or (
            s00 <= 0 and s01 <= 0 and s10 <= 0 and s11 <= 0
        ):
            continue
        return False
    return True
