"""A store's layout: its outline, the aisles products are picked from, and what is in the way.

An *aisle* is a walkable corridor with *bays* along its long side, numbered from 1 at the front
(the end with the lower y; the left end, lower x, for an aisle that runs across the store).
Produce and bakery areas are aisles too: wide ones, whose bays are stands and racks. A shopper
picks from a bay standing on the corridor's centre line, at the bay's middle: the bay's *point*.

*Fixtures* (shelving, chillers, freezers, counters) and *obstacles* (pillars, displays) are not
walkable; everything else inside the outline is. A shopper keeps :data:`CLEARANCE` off walls,
fixtures and obstacles, so a point is walkable only that far from all of them.

A product's ``aisle`` and ``shelf`` (as the catalog writes them: ``"Aisle 5"``, ``"Bay 2,
shelf 3"``) are turned into a :class:`Location` by :meth:`Layout.locate`; the first number in
the shelf text is the bay.

>>> aisle = Aisle(name="Aisle 5", label="Pantry", rect=Rect(x=400, y=500, width=200, depth=800),
...               bays=4)
>>> aisle.horizontal, [aisle.bay_point(bay).y for bay in (1, 2, 3, 4)]
(False, [600, 800, 1000, 1200])
>>> layout = Layout(name="Corner shop", width=1000, depth=1500, entrance=Point(x=100, y=100),
...                 exit=Point(x=900, y=100), aisles=(aisle,))
>>> layout.locate("aisle  5", "Bay 2, shelf 3").words
'Aisle 5 (Pantry), bay 2, shelf 3'
>>> layout.locate("Aisle 14", "Bay 1, shelf 1")
Traceback (most recent call last):
...
aisle.domain.store._layout.LocationError: 'Aisle 14' is not an aisle of this store: expected \
one of Aisle 5
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aisle.domain.errors import DomainError
from aisle.domain.store._geometry import CLEARANCE, Point, Rect

__all__ = [
    "Aisle",
    "Checkout",
    "Fixture",
    "Layout",
    "Location",
    "LocationError",
    "Obstacle",
    "item_names",
    "normalise_name",
]

_NUMBER = re.compile(r"[0-9]+")


class LocationError(DomainError, LookupError):
    """A product's aisle or shelf does not name a place in this store's layout."""

    code = "unknown_location"


def normalise_name(name: str) -> str:
    """The form names are compared in: case and runs of spaces do not matter."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True, slots=True, kw_only=True)
class Aisle:
    name: str  # as products name it: "Aisle 5", "Produce"
    label: str  # what the sign over it says: "Pantry"; may be empty
    rect: Rect
    bays: int

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("Aisle name '': expected a name such as 'Aisle 5'")
        if self.bays < 1:
            raise ValueError(f"{self.name}: {self.bays} bays, expected at least 1")

    @property
    def horizontal(self) -> bool:
        """Whether the aisle runs across the store (along x); a square one runs along y."""
        return self.rect.width > self.rect.depth

    @property
    def length(self) -> int:
        """The corridor's long side, along which its bays are."""
        return self.rect.width if self.horizontal else self.rect.depth

    @property
    def breadth(self) -> int:
        return self.rect.depth if self.horizontal else self.rect.width

    @property
    def title(self) -> str:
        """The name with the label, as a shopper reads it: ``Aisle 5 (Pantry)``."""
        if self.label and normalise_name(self.label) != normalise_name(self.name):
            return f"{self.name} ({self.label})"
        return self.name

    def bay_point(self, bay: int) -> Point:
        """Where a shopper stands to pick from ``bay``: the centre line, at the bay's middle."""
        if not 1 <= bay <= self.bays:
            raise ValueError(f"bay {bay} of {self.name}: {_bay_range(self.bays)}")
        # Integer centimetres, rounded down, so that every layout maps to the same points.
        along = (2 * bay - 1) * self.length // (2 * self.bays)
        r = self.rect
        if self.horizontal:
            return Point(x=r.x + along, y=r.y + r.depth // 2)
        return Point(x=r.x + r.width // 2, y=r.y + along)


@dataclass(frozen=True, slots=True, kw_only=True)
class Fixture:
    """Shelving, a chiller, a freezer, a produce stand, a checkout counter: not walkable."""

    label: str
    rect: Rect


@dataclass(frozen=True, slots=True, kw_only=True)
class Obstacle:
    """A pillar, a promotional display, a column of stacked crates: not walkable."""

    label: str
    rect: Rect


@dataclass(frozen=True, slots=True, kw_only=True)
class Checkout:
    name: str
    point: Point  # where the shopper stands to pay


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    """Where a product is: the aisle, the bay, the shelf text, and the point to pick it from."""

    aisle: Aisle
    bay: int
    shelf: str
    point: Point

    @property
    def words(self) -> str:
        """The location as a shopper reads it.

        The shelf text's first part names the bay ("Bay 2", "Stand 3"); it is kept in lower
        case ("stand 3"), a bare number becomes "bay 2", and the rest follows as written.

        >>> aisle = Aisle(name="Produce", label="", rect=Rect(x=0, y=0, width=500, depth=1200),
        ...               bays=12)
        >>> Location(aisle=aisle, bay=3, shelf="Stand 3, crate 2", point=aisle.bay_point(3)).words
        'Produce, stand 3, crate 2'
        """
        parts = [part.strip() for part in self.shelf.split(",") if part.strip()]
        first = next((i for i, part in enumerate(parts) if _NUMBER.search(part)), None)
        if first is None:  # a location built in code, with no bay in its shelf text
            return ", ".join([self.aisle.title, f"bay {self.bay}", *parts])
        words = parts[first].split()
        if words[0].isalpha():
            words[0] = words[0].lower()
        bay = f"bay {parts[first]}" if parts[first].isdigit() else " ".join(words)
        rest = [part for i, part in enumerate(parts) if i != first]
        return ", ".join([self.aisle.title, bay, *rest])


@dataclass(frozen=True, slots=True, kw_only=True)
class Layout:
    """A store's floor plan; read one from a file with :func:`parse_layout`, which refuses a
    plan with overlaps, unreachable places or bays that do not fit. A layout built in code is
    taken as given."""

    name: str
    width: int  # along the front wall, cm
    depth: int  # from the front wall to the back wall, cm
    entrance: Point
    exit: Point
    checkouts: tuple[Checkout, ...] = ()
    aisles: tuple[Aisle, ...] = ()
    fixtures: tuple[Fixture, ...] = ()
    obstacles: tuple[Obstacle, ...] = ()

    @property
    def outline(self) -> Rect:
        return Rect(x=0, y=0, width=self.width, depth=self.depth)

    @property
    def blocked(self) -> tuple[Rect, ...]:
        """Every fixture's and obstacle's rectangle: where nobody walks."""
        return tuple(f.rect for f in self.fixtures) + tuple(o.rect for o in self.obstacles)

    def aisle(self, name: str) -> Aisle | None:
        """The aisle called ``name`` (case and spacing do not matter), or None."""
        wanted = normalise_name(name)
        return next((a for a in self.aisles if normalise_name(a.name) == wanted), None)

    def locate(self, aisle: str, shelf: str) -> Location:
        """Where a product with this ``aisle`` and ``shelf`` is; the shelf's first number is
        the bay. Raises :class:`LocationError` when the layout has no such aisle or bay."""
        found = self.aisle(aisle)
        if found is None:
            names = ", ".join(a.name for a in self.aisles)
            raise LocationError(f"{aisle!r} is not an aisle of this store: expected one of {names}")
        number = _NUMBER.search(shelf)
        if number is None:
            raise LocationError(f"no bay number in shelf {shelf!r}")
        bay = int(number.group())
        if not 1 <= bay <= found.bays:
            raise LocationError(f"bay {bay} of {found.name}: {_bay_range(found.bays)}")
        return Location(aisle=found, bay=bay, shelf=shelf.strip(), point=found.bay_point(bay))

    def walkable(self, point: Point) -> bool:
        """Whether a shopper can stand here: inside the store, and at least
        :data:`CLEARANCE` from the walls and from every fixture and obstacle."""
        c = CLEARANCE
        if not (c <= point.x <= self.width - c and c <= point.y <= self.depth - c):
            return False
        return not any(_strictly_inside(point, rect.inflated(c)) for rect in self.blocked)


def _strictly_inside(point: Point, rect: Rect) -> bool:
    return rect.x < point.x < rect.right and rect.y < point.y < rect.back


def _bay_range(bays: int) -> str:
    return "that aisle has only bay 1" if bays == 1 else f"that aisle has bays 1\u2013{bays}"


def item_names(layout: Layout) -> dict[str, str]:
    """Each listed item's field (``aisles[2]``) and name, for messages that point at it."""
    names: dict[str, str] = {}
    names.update({f"checkouts[{i}]": c.name for i, c in enumerate(layout.checkouts)})
    names.update({f"aisles[{i}]": a.name for i, a in enumerate(layout.aisles)})
    names.update({f"fixtures[{i}]": f.label for i, f in enumerate(layout.fixtures)})
    names.update({f"obstacles[{i}]": o.label for i, o in enumerate(layout.obstacles)})
    return names
