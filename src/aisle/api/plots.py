"""The weight trace an associate looks at: the scale's readings over the trip, with the scans,
the removals, what the scale settled into and the suspect moments marked. Plain SVG, drawn on
the server: it needs no script, prints, and reads the same in every browser."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Mark", "weight_trace_svg"]

WIDTH, HEIGHT = 1100, 360
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 20, 40


@dataclass(frozen=True, slots=True, kw_only=True)
class Mark:
    t_ms: int
    label: str
    kind: str  # "scan", "remove", "step" or "finding"


def weight_trace_svg(trace: Sequence[tuple[int, int]], marks: Sequence[Mark]) -> str:
    """``trace``: ``(t_ms, mg)`` readings; ``marks``: moments to draw over them."""
    times = [t for t, _ in trace] + [m.t_ms for m in marks]
    if not times:
        return (
            f'<svg class="trace" viewBox="0 0 {WIDTH} 80" role="img" '
            'aria-label="No scale readings"><text x="20" y="45">The scale sent no readings on '
            "this trip.</text></svg>"
        )
    t0, t1 = min(times), max(times)
    span = max(t1 - t0, 1)
    grams = [mg / 1000 for _, mg in trace] or [0.0]
    low, high = min(0.0, min(grams)), max(grams)
    high = low + 1 if high <= low else high + (high - low) * 0.05

    def x(t: int) -> float:
        return LEFT + (t - t0) * (WIDTH - LEFT - RIGHT) / span

    def y(g: float) -> float:
        return TOP + (high - g) * (HEIGHT - TOP - BOTTOM) / (high - low)

    parts = [
        f'<svg class="trace" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="Weight on the cart\'s scale over the trip" data-testid="weight-trace">',
        f'<rect x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" '
        f'height="{HEIGHT - TOP - BOTTOM}" class="trace-frame"/>',
    ]
    for k in range(5):  # grams axis
        g = low + (high - low) * k / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(g):.1f}" y2="{y(g):.1f}" '
            f'class="trace-grid"/><text x="{LEFT - 8}" y="{y(g) + 4:.1f}" '
            f'class="trace-axis" text-anchor="end">{g:,.0f} g</text>'
        )
    for k in range(6):  # time axis, minutes:seconds of the cart's clock
        t = t0 + span * k // 5
        seconds = t // 1000
        parts.append(
            f'<text x="{x(t):.1f}" y="{HEIGHT - 14}" class="trace-axis" text-anchor="middle">'
            f"{seconds // 60}:{seconds % 60:02d}</text>"
        )
    if trace:
        points = " ".join(f"{x(t):.1f},{y(mg / 1000):.1f}" for t, mg in trace)
        parts.append(f'<polyline points="{points}" class="trace-line"/>')
    for n, mark in enumerate(sorted(marks, key=lambda m: m.t_ms)):
        px = x(mark.t_ms)
        label = escape(mark.label)
        if mark.kind == "step":
            parts.append(
                f'<circle cx="{px:.1f}" cy="{TOP + 6}" r="4" class="mark-step">'
                f"<title>{label}</title></circle>"
            )
            continue
        row = TOP + 14 + (n % 4) * 16
        parts.append(
            f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" '
            f'class="mark-{mark.kind}"><title>{label}</title></line>'
            f'<text x="{px + 4:.1f}" y="{row}" class="mark-label mark-label-{mark.kind}">'
            f"{label[:28]}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
