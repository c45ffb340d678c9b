"""A cart's load cell, as the scale's readings would really come: noisy, jolted, drifting.

The assumptions, written down so that the verification figures can be read against them:

- readings at ``rate_hz`` (an HX711 gives 10 or 80 a second), each the true load plus gaussian
  noise of ``noise_g`` (a cheap 50 kg cell holds about ±10 g, so 3 g standard deviation);
- the zero drifts linearly by ``drift_g_per_min`` (temperature), in either direction;
- an item put in or taken out moves the load over ``settle_ms`` with an overshoot of up to 30 %
  of its weight (a hand letting go, a bag swinging), then rests;
- while the cart rolls (``moving`` intervals) the readings jump by up to ``jolt_g`` each.

Times are the cart's own clock, in milliseconds. :func:`readings` draws a whole trace at once;
:class:`LoadCell` streams the same physics a batch at a time, so that a simulated shopper can
react to what the cart says (placing an item when asked) while the trace is being read, and it
costs the same per reading however many items are in the cart.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["CellModel", "LoadCell", "Placement", "readings"]


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


class LoadCell:
    """One cart's cell as a stream: :meth:`place` items (now or later), :meth:`read` on."""

    def __init__(self, model: CellModel | None = None, *, seed: int = 0) -> None:
        self.model = model or CellModel()
        self._rng = random.Random(seed)
        self._drift = self.model.drift_g_per_min * self._rng.choice((-1, 1)) / 60_000
        self._period = 1000 / self.model.rate_hz
        self._k = 0  # the next reading's index
        self._rested = self.model.tare_g  # placements that have come to rest
        self._pending: list[tuple[int, float, float]] = []  # (t_ms, grams, overshoot), by time
        self._moving: list[tuple[int, int]] = []

    @property
    def next_ms(self) -> int:
        """The time of the next reading."""
        return int(self._k * self._period)

    def place(self, placement: Placement) -> None:
        """An item goes in (or out) at ``placement.t_ms``, which must not be in the past."""
        over = self._rng.uniform(-0.3, 0.3)
        self._pending.append((placement.t_ms, placement.grams, over))
        self._pending.sort(key=lambda p: p[0])

    def move(self, start_ms: int, end_ms: int) -> None:
        """The cart rolls from ``start_ms`` to ``end_ms``."""
        self._moving.append((start_ms, end_ms))

    def read(self, until_ms: int) -> list[tuple[int, float]]:
        """Every reading from the last one read up to ``until_ms``, as ``(t_ms, grams)``."""
        m = self.model
        rng = self._rng
        out: list[tuple[int, float]] = []
        while True:
            t = int(self._k * self._period)
            if t > until_ms:
                return out
            self._k += 1
            while self._pending and t - self._pending[0][0] >= m.settle_ms:
                self._rested += self._pending.pop(0)[1]
            load = self._rested + self._drift * t
            for start, grams, over in self._pending:
                if t < start:
                    break
                x = (t - start) / m.settle_ms  # rises, overshoots, comes back
                load += grams * (x + over * math.sin(math.pi * x))
            while self._moving and self._moving[0][1] <= t:
                self._moving.pop(0)
            if self._moving and any(a <= t < b for a, b in self._moving):
                load += rng.uniform(-m.jolt_g, m.jolt_g)
            out.append((t, round(load + rng.gauss(0, m.noise_g), 3)))
