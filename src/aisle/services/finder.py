"""Finding things in the store: where a product is, where the cart is, and the way round a list.

The store's layout is the newest file a manager loaded (:mod:`aisle.domain.store`). Reading it
and working out every walking distance takes a moment, so the finder keeps the parsed layout and
its walking map in memory and builds them again only when a newer layout has been loaded (by
this process or another: the database says which is newest).

- :meth:`StoreFinder.where`: a product's place (aisle, bay, shelf) from the catalog's aisle and
  shelf (None where the map has no place for it; `unplaced` says why);
- :meth:`StoreFinder.position`: where the cart probably is: at the last item scanned that has
  a place, else at the entrance;
- :meth:`StoreFinder.route`: the list's open entries in walking order, from the cart to the exit,
  over the real walkable space, with the path to draw.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from aisle.domain.cart import CartState
from aisle.domain.errors import DomainError
from aisle.domain.shopping_list import EntryStatus
from aisle.domain.store import (
    Layout,
    Location,
    LocationError,
    Point,
    WalkingMap,
    parse_layout,
    plan_route,
)
from aisle.services.ports import Clock, ProductPlace, UnitOfWorkFactory

__all__ = ["NoLayout", "Position", "RouteStop", "ShoppingRoute", "StoreFinder", "StoreMap"]


class NoLayout(DomainError):
    code = "no_layout"


@dataclass(frozen=True, slots=True)
class StoreMap:
    """A layout with its walking map, as loaded."""

    layout_id: int
    layout: Layout
    walking: WalkingMap


@dataclass(frozen=True, slots=True, kw_only=True)
class Position:
    point: Point
    words: str  # "at the entrance", "near Aisle 3, bay 2"
    location: Location | None  # the last scanned item's place, when that is where it is


@dataclass(frozen=True, slots=True, kw_only=True)
class RouteStop:
    entry_id: str
    text: str  # the list entry, as written
    name: str  # the product it leads to
    gtin: str
    location: Location


@dataclass(frozen=True, slots=True, kw_only=True)
class ShoppingRoute:
    start: Position
    stops: tuple[RouteStop, ...]  # in walking order
    end: Point  # the exit
    length_cm: int
    legs: tuple[tuple[Point, ...], ...]  # the walk from each place to the next, to draw
    optimal: bool  # proven shortest (few stops), else the optimiser's best
    not_on_map: tuple[str, ...]  # open entries the map can't place, with why


class StoreFinder:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock
        self._map: StoreMap | None = None
        self._lock = threading.Lock()

    # -- the layout -----------------------------------------------------------------------

    def load_layout(self, document: str) -> Layout:
        """Check a layout file and make it the store's; a refused file changes nothing."""
        layout = parse_layout(document)
        with self._uow(write=True) as uow:
            uow.layouts.add(name=layout.name, document=document, loaded_at=self._clock())
            uow.commit()
        return layout

    def store_map(self) -> StoreMap | None:
        """The newest layout and its walking map (None: no layout loaded yet)."""
        with self._uow() as uow:
            newest = uow.layouts.latest_id()
            if newest is None:
                return None
            held = self._map
            if held is not None and held.layout_id == newest:
                return held
            stored = uow.layouts.latest()
        assert stored is not None
        with self._lock:
            # another request may have built a newer one meanwhile: never go back to an older
            if self._map is None or self._map.layout_id < stored.layout_id:
                layout = parse_layout(stored.document)
                self._map = StoreMap(stored.layout_id, layout, WalkingMap(layout))
            return self._map

    def required(self) -> StoreMap:
        """The store map, or :class:`NoLayout` saying how a manager loads one."""
        found = self.store_map()
        if found is None:
            raise NoLayout(
                "This store has no layout yet: a manager loads one with `aisle layout load FILE`"
            )
        return found

    # -- places ---------------------------------------------------------------------------

    def where(self, aisle: str, shelf: str, store_map: StoreMap | None) -> Location | None:
        """A place on ``store_map`` (from :meth:`store_map`, asked once for many products)."""
        if store_map is None or not aisle.strip():
            return None
        try:
            return store_map.layout.locate(aisle, shelf)
        except LocationError:
            return None

    def unplaced(self, found: StoreMap | None = None) -> list[tuple[ProductPlace, str]]:
        """Every product the map can't place, with why, for staff to fix."""
        found = found or self.required()
        with self._uow() as uow:
            places = uow.catalog.places()
        out = []
        for place in places:
            if not place.aisle.strip():
                out.append((place, "no aisle in the catalog"))
                continue
            try:
                found.layout.locate(place.aisle, place.shelf)
            except LocationError as error:
                out.append((place, error.message))
        return out

    def placed(self, found: StoreMap | None = None) -> dict[Point, int]:
        """How many products are shelved at each bay, for the staff map."""
        found = found or self.required()
        with self._uow() as uow:
            places = uow.catalog.places()
        counts: dict[Point, int] = {}
        for place in places:
            try:
                point = found.layout.locate(place.aisle, place.shelf).point
            except LocationError:
                continue
            counts[point] = counts.get(point, 0) + 1
        return counts

    def position(self, state: CartState, found: StoreMap | None = None) -> Position:
        """Where the cart probably is: at the last item scanned that has a place on the map.
        ``found``: the map the caller works on (one map for a whole request)."""
        found = found or self.required()
        with self._uow() as uow:
            for line in reversed(list(state.lines.values())):
                product = uow.catalog.by_gtin(line.gtin, self._clock())
                if product is None or not product.aisle.strip():
                    continue
                try:
                    location = found.layout.locate(product.aisle, product.shelf)
                except LocationError:
                    continue
                return Position(
                    point=location.point, words=f"near {location.words}", location=location
                )
        return Position(point=found.layout.entrance, words="at the entrance", location=None)

    # -- the route ------------------------------------------------------------------------

    def route(self, state: CartState, found: StoreMap | None = None) -> ShoppingRoute:
        """The list's open entries in walking order, from where the cart is to the exit."""
        found = found or self.required()
        start = self.position(state, found)
        stops: list[RouteStop] = []
        missing: list[str] = []
        for entry in state.list_progress():
            if entry.status is not EntryStatus.OPEN:
                continue
            best = entry.entry.best
            assert best is not None  # an open entry has matches
            try:
                location = found.layout.locate(best.aisle, best.shelf)
            except LocationError as error:
                missing.append(f"{entry.entry.text}: {error.message}")
                continue
            stops.append(
                RouteStop(
                    entry_id=entry.entry.entry_id,
                    text=entry.entry.text,
                    name=best.name,
                    gtin=best.gtin,
                    location=location,
                )
            )
        return _walk(found, start, stops, tuple(missing))


def _walk(
    found: StoreMap, start: Position, stops: Sequence[RouteStop], missing: tuple[str, ...]
) -> ShoppingRoute:
    exit_point = found.layout.exit
    # one place per spot: entries on the same bay are one stop of the walk
    points = list(dict.fromkeys([start.point, exit_point, *(s.location.point for s in stops)]))
    index = {point: k for k, point in enumerate(points)}
    matrix = found.walking.matrix(points)
    plan = plan_route(
        matrix,
        start=index[start.point],
        end=index[exit_point],
        stops=[index[stop.location.point] for stop in stops],
    )
    waiting: dict[int, list[RouteStop]] = {}
    for stop in stops:
        waiting.setdefault(index[stop.location.point], []).append(stop)
    ordered = tuple(waiting[k].pop(0) for k in plan.order)
    visited = [start.point, *(stop.location.point for stop in ordered), exit_point]
    legs = tuple(found.walking.path(a, b) for a, b in itertools.pairwise(visited) if a != b)
    return ShoppingRoute(
        start=start,
        stops=ordered,
        end=exit_point,
        length_cm=plan.length,
        legs=legs,
        optimal=plan.optimal,
        not_on_map=missing,
    )
