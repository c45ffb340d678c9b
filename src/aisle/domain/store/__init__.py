"""The store: its floor plan, where products are, and how far a shopper walks between them.

- :mod:`._geometry`: points and rectangles in whole centimetres, and the exact test of whether
  a straight walk passes through something;
- :mod:`._layout`: the layout (outline, aisles and their bays, fixtures, obstacles, entrance,
  exit, checkouts) and a product's :class:`Location` in it;
- :mod:`._file`: layout files (``docs/store-layout.md``), read (:mod:`._reader`) with every
  problem named by line and field (:mod:`._checks`), and written back;
- :mod:`._walking`: exact shortest walks over the walkable floor, precomputed among places;
- :mod:`._route`: the shortest walk from the cart through a list's places to the exit (exact
  for a dozen places, a deterministic local search beyond);
- :mod:`._picking`: the classic order-picking heuristics (S-shape, largest gap), the baselines
  a shopping-list route is measured against (with :mod:`._exact`: OR-Tools' exact and general
  routing models).
"""

from aisle.domain.store._checks import MIN_AISLE_BREADTH, MIN_BAY_LENGTH
from aisle.domain.store._errors import LayoutError, LayoutProblem
from aisle.domain.store._file import layout_document, parse_layout
from aisle.domain.store._geometry import CLEARANCE, Point, Rect
from aisle.domain.store._layout import (
    Aisle,
    Checkout,
    Fixture,
    Layout,
    Location,
    LocationError,
    Obstacle,
)
from aisle.domain.store._picking import largest_gap_order, s_shape_order
from aisle.domain.store._route import (
    EXACT_LIMIT,
    EXACT_STOPS,
    RoutePlan,
    exact_route,
    plan_route,
)
from aisle.domain.store._walking import WalkingMap

__all__ = [
    "CLEARANCE",
    "EXACT_LIMIT",
    "EXACT_STOPS",
    "MIN_AISLE_BREADTH",
    "MIN_BAY_LENGTH",
    "Aisle",
    "Checkout",
    "Fixture",
    "Layout",
    "LayoutError",
    "LayoutProblem",
    "Location",
    "LocationError",
    "Obstacle",
    "Point",
    "Rect",
    "RoutePlan",
    "WalkingMap",
    "exact_route",
    "largest_gap_order",
    "layout_document",
    "parse_layout",
    "plan_route",
    "s_shape_order",
]
