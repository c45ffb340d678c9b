"""A cart's load cell, as the scale's readings would really come: noisy, jolted, drifting.

The assumptions, written down so that the verification figures can be read against them:

- readings at ``rate_hz`` (an HX711 gives 10 or 80 a second), each the true load plus gaussian
  noise of ``noise_g`` (a cheap 50 kg cell holds about ±10 g, so 3 g standard deviation);
- the zero drifts linearly by ``drift_g_per_min`` (temperature), in either direction;
- an item put in or taken out moves the load over ``settle_ms`` with an overshoot of up to 30 %
  of its weight (a hand letting go, a bag swinging), then rests;
- while the cart rolls (``moving`` intervals) the readings jump by up to ``jolt_g`` each.

Times are the cart's own clock, in milliseconds.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["CellModel", "Placement", "readings"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Placement:
    t_ms: int  # when the hand starts putting it in (or taking it out)
    grams: float  # positive in, negative out


@dataclass(frozen=True, slots=True, kw_only=True)
class CellModel:
    rate_hz: int = 80
    noise_g: float = 3.0
    drift_g_per_min: float = 1.5
    settle_ms: int = 700
    jolt_g: float = 400.0
    tare_g: float = 0.0


def readings(
    placements: Sequence[Placement],
    *,
    until_ms: int,
    moving: Sequence[tuple[int, int]] = (),
    model: CellModel | None = None,
    seed: int = 0,
    start_ms: int = 0,
) -> list[tuple[int, float]]:
    """Every reading from ``start_ms`` to ``until_ms``, as ``(t_ms, grams)``."""
    m = model or CellModel()
    rng = random.Random(seed)
    period = 1000 / m.rate_hz
    drift = m.drift_g_per_min * rng.choice((-1, 1)) / 60_000
    overshoot = [rng.uniform(-0.3, 0.3) for _ in placements]
    ordered = sorted(zip(placements, overshoot, strict=True), key=lambda p: p[0].t_ms)
    out: list[tuple[int, float]] = []
    k = 0
    while True:
        t = start_ms + int(k * period)
        if t > until_ms:
            break
        k += 1
        load = m.tare_g + drift * t
        for placement, over in ordered:
            if t < placement.t_ms:
                break
            age = t - placement.t_ms
            if age >= m.settle_ms:
                load += placement.grams
            else:
                x = age / m.settle_ms  # rises, overshoots, comes back
                load += placement.grams * (x + over * math.sin(math.pi * x))
        if any(a <= t < b for a, b in moving):
            load += rng.uniform(-m.jolt_g, m.jolt_g)
        out.append((t, round(load + rng.gauss(0, m.noise_g), 3)))
    return out
