"""The store map a shopper and an associate look at: plain SVG drawn on the server.

The map is drawn the way a shopper stands in the store: the entrance at the bottom, the back
wall at the top. Aisles are the pale corridors with their names, shelving is grey, obstacles
dark. On top, in this order: products per bay (for staff), the route with its numbered stops,
where the cart is ("You are here") and the product looked for, pinned in red with its name.
Coordinates are the layout's own centimetres (the ``viewBox``), so the map scales to any screen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

from aisle.domain.store import Layout, Location, Point

__all__ = ["MapRoute", "store_map_svg"]

_FONT = 'font-family="system-ui, sans-serif"'


@dataclass(frozen=True, slots=True, kw_only=True)
class MapRoute:
    legs: Sequence[Sequence[Point]]  # the walk, leg by leg
    stops: Sequence[tuple[Point, str]]  # each stop's point and what is picked there


def store_map_svg(
    layout: Layout,
    *,
    highlight: Location | None = None,
    highlight_label: str = "",
    here: Point | None = None,
    route: MapRoute | None = None,
    placed: Mapping[Point, int] | None = None,
) -> str:
    """The layout as SVG, with what the caller wants marked on it."""
    w, d = layout.width, layout.depth
    pad = 120
    scale = max(w, d) / 40  # one "unit" of stroke and type, relative to the store's size

    def y(value: int) -> int:
        return d - value  # the front wall (entrance) at the bottom

    def rect(x0: int, y0: int, width: int, depth: int, cls: str, title: str = "") -> str:
        tip = f"<title>{escape(title)}</title>" if title else ""
        return (
            f'<rect class="{cls}" x="{x0}" y="{y(y0 + depth)}" width="{width}" '
            f'height="{depth}">{tip}</rect>'
        )

    out = [
        f'<svg class="store-map" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="{-pad} {-pad} {w + 2 * pad} {d + 2 * pad}" role="img" '
        f'aria-label="Map of {escape(layout.name)}">',
        _style(scale),
        rect(0, 0, w, d, "floor"),
    ]
    for aisle in layout.aisles:
        box = aisle.rect
        out.append(rect(box.x, box.y, box.width, box.depth, "aisle", aisle.title))
    for fixture in layout.fixtures:
        box = fixture.rect
        out.append(rect(box.x, box.y, box.width, box.depth, "fixture", fixture.label))
    for obstacle in layout.obstacles:
        box = obstacle.rect
        out.append(rect(box.x, box.y, box.width, box.depth, "obstacle", obstacle.label))
    for aisle in layout.aisles:
        out.append(_aisle_name(aisle.name, aisle.label, aisle.rect.centre, aisle.horizontal, y,
                               aisle.breadth, scale))  # fmt: skip
    for checkout in layout.checkouts:
        p = checkout.point
        s = int(scale * 0.9)
        out.append(
            f'<rect class="till" x="{p.x - s // 2}" y="{y(p.y) - s // 2}" width="{s}" '
            f'height="{s}"><title>{escape(checkout.name)}</title></rect>'
        )
    for point, word in ((layout.entrance, "Entrance"), (layout.exit, "Exit")):
        r = int(scale * 0.6)
        out.append(
            f'<g class="door-mark"><circle class="door" cx="{point.x}" cy="{y(point.y)}" '
            f'r="{r}"/><text class="door-text" x="{point.x}" y="{y(point.y) + r * 3}" '
            f'text-anchor="middle" font-size="{int(scale * 1.1)}" {_FONT}>{word}</text></g>'
        )
    for point, count in sorted((placed or {}).items()):
        radius = int(scale * (0.25 + min(count, 20) * 0.02))
        out.append(
            f'<circle class="placed" cx="{point.x}" cy="{y(point.y)}" r="{radius}">'
            f"<title>{count} product{'s' if count != 1 else ''}</title></circle>"
        )
    if route is not None:
        for leg in route.legs:
            if len(leg) >= 2:
                points = " ".join(f"{p.x},{y(p.y)}" for p in leg)
                out.append(f'<polyline class="map-route" points="{points}"/>')
        # stops on one spot (two entries on one bay) share a marker: "2, 3"
        spots: dict[Point, list[tuple[int, str]]] = {}
        for number, (point, what) in enumerate(route.stops, start=1):
            spots.setdefault(point, []).append((number, what))
        for point, here_stops in spots.items():
            numbers = ", ".join(str(n) for n, _ in here_stops)
            titles = "; ".join(f"{n}. {what}" for n, what in here_stops)
            r = int(scale * (0.75 if len(here_stops) == 1 else 1.0))
            out.append(
                f'<g class="map-stop" data-stop="{numbers}"><title>{escape(titles)}</title>'
                f'<circle cx="{point.x}" cy="{y(point.y)}" r="{r}"/>'
                f'<text x="{point.x}" y="{y(point.y) + r // 3}" text-anchor="middle" '
                f'font-size="{int(scale * 0.95 if len(here_stops) > 1 else r * 1.3)}" '
                f"{_FONT}>{numbers}</text></g>"
            )
    if here is not None:
        r = int(scale * 0.55)
        out.append(
            f'<g class="map-here"><title>You are here</title>'
            f'<circle class="halo" cx="{here.x}" cy="{y(here.y)}" r="{r * 3}"/>'
            f'<circle cx="{here.x}" cy="{y(here.y)}" r="{r}"/>'
            f'<text x="{here.x}" y="{y(here.y) - r * 2}" text-anchor="middle" '
            f'font-size="{int(scale)}" fill="#1e3a8a" font-weight="700" {_FONT}>'
            "You are here</text></g>"
        )
    if highlight is not None:
        out.append(_pin(highlight, highlight_label, y, scale, w))
    out.append("</svg>")
    return "".join(out)


_CSS = (
    ".floor{fill:#faf8f3;stroke:#4b5563;stroke-width:@wall}"
    ".aisle{fill:#fff7d6}"
    ".fixture{fill:#c7d0dc;stroke:#9aa6b6;stroke-width:@hair}"
    ".obstacle{fill:#4b5563}"
    ".aisle-name{fill:#374151;font-weight:700}"
    ".door{fill:#15803d}.door-text{fill:#14532d;font-weight:700}"
    ".till{fill:#6b7280}"
    ".placed{fill:#0f766e;fill-opacity:.55}"
    ".map-route{fill:none;stroke:#2563eb;stroke-width:@route;stroke-linecap:round;"
    "stroke-linejoin:round;stroke-opacity:.85}"
    ".map-stop circle{fill:#1d4ed8;stroke:#fff;stroke-width:@ring}"
    ".map-stop text{fill:#fff;font-weight:700}"
    ".map-here circle{fill:#2563eb;stroke:#fff;stroke-width:@ring}"
    ".map-here .halo{fill:#2563eb;fill-opacity:.18;stroke:none}"
    ".map-highlight circle{fill:#dc2626;stroke:#fff;stroke-width:@ring}"
    ".map-highlight .halo{fill:#dc2626;fill-opacity:.2;stroke:none;"
    "animation:pulse 1.6s ease-in-out infinite;transform-box:fill-box;transform-origin:center}"
    ".map-label rect{fill:#fff;stroke:#dc2626;stroke-width:@hair}"
    ".map-label text{fill:#991b1b;font-weight:700}"
    "@keyframes pulse{0%,100%{transform:scale(.7)}50%{transform:scale(1.15)}}"
)


def _style(scale: float) -> str:
    """The map's look; line widths follow the store's size, so any store reads the same."""
    css = _CSS
    for key, share in (("@wall", 0.25), ("@hair", 0.08), ("@route", 0.6), ("@ring", 0.15)):
        css = css.replace(key, f"{scale * share:.0f}")
    return f"<style>{css}</style>"


def _aisle_name(
    name: str,
    label: str,
    centre: Point,
    horizontal: bool,
    y: Callable[[int], int],
    breadth: int,
    scale: float,
) -> str:
    size = int(min(scale * 1.2, breadth * 0.45))
    text = escape(name if not label or label.casefold() == name.casefold() else f"{name} · {label}")
    cx, cy = centre.x, y(centre.y)
    turn = "" if horizontal else f' transform="rotate(-90 {cx} {cy})"'
    return (
        f'<text class="aisle-name" x="{cx}" y="{cy + size // 3}" text-anchor="middle" '
        f'font-size="{size}" {_FONT}{turn}>{text}</text>'
    )


def _pin(location: Location, label: str, y: Callable[[int], int], scale: float, width: int) -> str:
    p = location.point
    r = int(scale * 0.7)
    text = escape(label or location.words)
    size = int(scale * 1.1)
    box_w = int(len(label or location.words) * size * 0.58) + size
    box_x = min(max(p.x - box_w // 2, 0), width - box_w)
    box_y = y(p.y) - r * 2 - size * 2
    return (
        f'<g class="map-highlight" data-aisle="{escape(location.aisle.name)}" '
        f'data-bay="{location.bay}"><title>{escape(location.words)}</title>'
        f'<circle class="halo" cx="{p.x}" cy="{y(p.y)}" r="{r * 3}"/>'
        f'<circle cx="{p.x}" cy="{y(p.y)}" r="{r}"/>'
        f'<g class="map-label"><rect x="{box_x}" y="{box_y}" width="{box_w}" '
        f'height="{int(size * 1.6)}" rx="{size // 3}"/>'
        f'<text x="{box_x + box_w // 2}" y="{box_y + int(size * 1.15)}" text-anchor="middle" '
        f'font-size="{size}" {_FONT}>{text}</text></g></g>'
    )
