"""What makes a floor plan unusable, said about the item that has the problem.

A plan is refused when something lies outside the store, an aisle overlaps another aisle or
something nobody can walk through, two aisles share a name, an aisle is too narrow for a
trolley or too short for its bays, the entrance, the exit or a checkout is not walkable, or a
place cannot be walked to from the entrance. The walk is only checked on a plan with none of
the other problems: where things overlap, which way is open says little.
"""

from __future__ import annotations

from aisle.domain.store._errors import LayoutProblem, where
from aisle.domain.store._geometry import CLEARANCE, Point, Rect
from aisle.domain.store._layout import Layout, item_names, normalise_name
from aisle.domain.store._walking import reachability_problems

__all__ = ["MIN_AISLE_BREADTH", "MIN_BAY_LENGTH", "layout_problems"]

MIN_BAY_LENGTH = 50
"""cm: a narrower bay holds too little to tell a shopper to go to it."""
MIN_AISLE_BREADTH = 60
"""cm: a shopper with a trolley fits, and the picking line keeps its clearance."""


def layout_problems(layout: Layout) -> list[LayoutProblem]:
    """Everything wrong with the plan, in the order of its parts."""
    names = item_names(layout)
    found: list[tuple[str, str]] = []
    found += _outside(layout)
    found += _aisles(layout, names)
    found += _points(layout, names)
    problems = [
        LayoutProblem(line=None, field=field, where=where(field, names), message=message)
        for field, message in found
    ]
    return problems or reachability_problems(layout)


def _outside(layout: Layout) -> list[tuple[str, str]]:
    things: list[tuple[str, Rect]] = [(f"aisles[{i}]", a.rect) for i, a in enumerate(layout.aisles)]
    things += [(f"fixtures[{i}]", f.rect) for i, f in enumerate(layout.fixtures)]
    things += [(f"obstacles[{i}]", o.rect) for i, o in enumerate(layout.obstacles)]
    return [
        (field, f"spans {rect.spans()}: outside the store, which is {_size(layout)}")
        for field, rect in things
        if rect.x < 0 or rect.y < 0 or rect.right > layout.width or rect.back > layout.depth
    ]


def _aisles(layout: Layout, names: dict[str, str]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    blocked = [(f"fixtures[{i}]", f.rect) for i, f in enumerate(layout.fixtures)]
    blocked += [(f"obstacles[{i}]", o.rect) for i, o in enumerate(layout.obstacles)]
    for i, aisle in enumerate(layout.aisles):
        field = f"aisles[{i}]"
        key = normalise_name(aisle.name)
        if key in seen:
            found.append((f"{field}.name", f"{aisle.name!r} is already the name of {seen[key]}"))
        else:
            seen[key] = where(field, names)
        if aisle.breadth < MIN_AISLE_BREADTH:
            found.append(
                (
                    field,
                    f"is {aisle.breadth} cm wide: expected at least {MIN_AISLE_BREADTH} cm, "
                    "room for a shopper with a trolley",
                )
            )
        if aisle.length < MIN_BAY_LENGTH * aisle.bays:
            found.append(
                (
                    f"{field}.bays",
                    f"{aisle.bays} bays in {aisle.length} cm are "
                    f"{aisle.length / aisle.bays:.0f} cm each: expected at least "
                    f"{MIN_BAY_LENGTH} cm a bay, so at most {aisle.length // MIN_BAY_LENGTH} bays",
                )
            )
        for j, other in enumerate(layout.aisles[:i]):
            if aisle.rect.overlaps(other.rect):
                found.append((field, f"overlaps {where(f'aisles[{j}]', names)}"))
        found += [
            (field, f"overlaps {where(other, names)}")
            for other, rect in blocked
            if aisle.rect.overlaps(rect)
        ]
    return found


def _points(layout: Layout, names: dict[str, str]) -> list[tuple[str, str]]:
    points = [("entrance", layout.entrance), ("exit", layout.exit)]
    points += [(f"checkouts[{i}]", c.point) for i, c in enumerate(layout.checkouts)]
    found: list[tuple[str, str]] = []
    for field, point in points:
        why = _why_not_walkable(layout, point, names)
        if why:
            found.append((field, why))
    seen: dict[str, str] = {}
    for i, checkout in enumerate(layout.checkouts):
        key = normalise_name(checkout.name)
        if key in seen:
            found.append(
                (f"checkouts[{i}].name", f"{checkout.name!r} is already the name of {seen[key]}")
            )
        seen.setdefault(key, where(f"checkouts[{i}]", names))
    return found


def _why_not_walkable(layout: Layout, point: Point, names: dict[str, str]) -> str:
    if not layout.outline.contains(point):
        return f"{point} is outside the store, which is {_size(layout)}"
    blocked = [(f"fixtures[{i}]", f.rect) for i, f in enumerate(layout.fixtures)]
    blocked += [(f"obstacles[{i}]", o.rect) for i, o in enumerate(layout.obstacles)]
    for field, rect in blocked:
        if rect.contains(point):
            return f"{point} is not walkable: it is on {where(field, names)}"
    for field, rect in blocked:
        grown = rect.inflated(CLEARANCE)
        if grown.x < point.x < grown.right and grown.y < point.y < grown.back:
            return (
                f"{point} is not walkable: within {CLEARANCE} cm of {where(field, names)}, "
                f"expected at least {CLEARANCE} cm away"
            )
    if not layout.walkable(point):
        return (
            f"{point} is not walkable: within {CLEARANCE} cm of the store's walls, "
            f"expected at least {CLEARANCE} cm away"
        )
    return ""


def _size(layout: Layout) -> str:
    return f"{layout.width} cm wide and {layout.depth} cm deep"
