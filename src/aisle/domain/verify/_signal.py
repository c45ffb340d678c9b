"""Settled weight changes in a cart scale's noisy stream.

A load cell under a cart reads 10 to 80 times a second. While the cart rolls, the readings jump
by hundreds of grams; at rest they wander a few grams around the true load, and the zero drifts
slowly with temperature. What matters is the *settled* level: a window of readings (half a
second by default) whose spread is no more than the cell's noise. Each time the signal settles,
its level is compared with the last settled level:

- a difference of at least ``min_step_mg`` is a :class:`Step` (something went in or came out);
- a smaller one is drift or an item too light to see, and the reference follows it, so slow
  drift never adds up to a step; except in the ``refine_ms`` after a step, when the load may
  still be creeping to rest (a bag sagging, a hand letting go slowly): then the step itself is
  refined to the newer level. A step is known the moment the load first settles; its size may
  still be corrected for a second and a half, which is why :attr:`StepDetector.steps` is the
  list to read.

A step's size is measured between two calm levels, each the mean of every reading of its calm
(up to ``calm_ms``; one window holds only five readings at 10 a second): from the level the load
had *before the motion began*, as it stood ``lead_ms`` before the readings stopped being calm,
to the level after, refined as the new calm goes on. A hand that starts slowly (lifting an item
by a few grams before it comes away, or pressing on it) moves the level within the noise of a
short window, and following that as drift would take those grams off the step; over a quarter
of a second real drift moves the zero by a hundredth of a gram. On the simulator's placements
the error of a step is 0.8 g at the median at 10 readings a second and 0.3 g at 80 (1.2 and
0.5 g measured from single windows).

Readings are integers in milligrams (fractional grams are rounded to the milligram, exactly).
A reading that goes back in time, repeats a time, or is absurd (not a number, beyond the cell's
range) is set aside and counted as a :class:`SignalProblem`, never guessed at.

The work per reading is constant (running sums over the window), so one core handles hundreds
of thousands of readings a second.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["DetectorSettings", "SignalProblem", "Step", "StepDetector", "to_mg"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """The settled load changed by ``delta_mg`` (positive: something went in)."""

    t_ms: int  # the cart's clock when the new level had settled
    delta_mg: int
    level_mg: int  # the new settled load


@dataclass(frozen=True, slots=True, kw_only=True)
class SignalProblem:
    t_ms: int
    kind: str  # "out of order" or "absurd"
    detail: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DetectorSettings:
    window_ms: int = 500  # readings this long, all within the noise, make a settled level
    min_samples: int = 4
    noise_mg: int = 4_000  # the most standard deviation a settled window may show (a 3 g cell)
    min_step_mg: int = 15_000  # smaller settled changes are drift or items too light to see
    refine_ms: int = 1_500  # after a step, smaller changes still belong to it
    lead_ms: int = 250  # before the motion that makes a step, smaller changes belong to it
    calm_ms: int = 3_000  # a calm load's level is the mean of up to this long of readings
    max_mg: int = 150_000_000  # a reading beyond the cell's range is absurd
    min_mg: int = -10_000_000


MOST_GRAMS = 10**12
"""No scale reads a million tonnes: a reading this large or larger is no number at all (and,
kept, it could not even be written down: a JSON integer has at most 4,300 digits here)."""


def to_mg(grams: object) -> int | None:
    """A reading in grams as whole milligrams, half-up; None for what is not a finite number
    of grams below :data:`MOST_GRAMS`.

    >>> to_mg(412.3456), to_mg("7"), to_mg(float("nan")), to_mg(True), to_mg(0.0005), to_mg(-2.5)
    (412346, 7000, None, None, 1, -2500)
    >>> to_mg(1e306), to_mg(float("inf")), to_mg(10**5000), to_mg("1e999000"), to_mg("1e-999999")
    (None, None, None, None, 0)
    """
    if type(grams) is float and abs(grams) < MOST_GRAMS:  # finite, and x 1000 is exact enough
        # most readings have at most 3 decimals: then grams x 1000 lies within a hair of the
        # whole number the exact decimal gives, and that is the answer, with no Decimal made
        scaled = grams * 1000
        whole = round(scaled)
        if abs(scaled - whole) < 1e-6:
            return whole
    elif type(grams) is int:
        return grams * 1000 if -MOST_GRAMS < grams < MOST_GRAMS else None
    if isinstance(grams, bool) or not isinstance(grams, float | str | Decimal):
        return None
    try:
        value = Decimal(grams) if isinstance(grams, Decimal) else Decimal(str(grams))
        if not value.is_finite() or value.adjusted() >= 12:
            return None
        return int((value * 1000).to_integral_value(rounding="ROUND_HALF_UP"))
    except (ArithmeticError, ValueError):  # not a number, or one beyond any context
        return None


class StepDetector:
    """One cart's scale: feed it readings as they come, get the steps they settle into."""

    def __init__(self, settings: DetectorSettings | None = None) -> None:
        self.settings = settings or DetectorSettings()
        self._window: deque[tuple[int, int]] = deque()
        self._sum = 0
        self._squares = 0
        self.reference_mg: int | None = None  # the last settled level
        self.steps: list[Step] = []  # every step so far, the last one refined for a while
        self._before_mg = 0  # the level before the last step
        # the level (the calm's mean) at two marks, each at least lead_ms after the one
        # before, while the load is calm; when the calm ends, the older is where a step starts
        self._mark: tuple[int, int] | None = None
        self._earlier: tuple[int, int] | None = None
        # the readings of the calm under way (from its first settled window, for calm_ms at
        # most, then from the window again): their mean is the load's level, far less noisy
        # than one window's at 10 readings a second, and it still follows drift
        self._calm_sum = 0
        self._calm_n = 0
        self._calm_t = 0
        self.last_t_ms: int | None = None
        self.settled = False
        self.problems: list[SignalProblem] = []
        self.readings = 0

    def _key(self) -> tuple[object, ...]:
        return (
            self.settings,
            tuple(self._window),
            self.reference_mg,
            self.last_t_ms,
            self.settled,
            self.problems,
            self.readings,
            self.steps,
            self._before_mg,
            self._mark,
            self._earlier,
            (self._calm_sum, self._calm_n, self._calm_t),
        )

    def __eq__(self, other: object) -> bool:
        """Two detectors that have read the same readings are equal (a replayed cart equals
        the live one)."""
        return isinstance(other, StepDetector) and self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]

    def copy(self) -> StepDetector:
        """An independent copy (readings, steps and problems are immutable values)."""
        twin = StepDetector(self.settings)
        twin._window = deque(self._window)
        twin._sum, twin._squares = self._sum, self._squares
        twin.reference_mg = self.reference_mg
        twin.steps = list(self.steps)
        twin._before_mg = self._before_mg
        twin._mark, twin._earlier = self._mark, self._earlier
        twin._calm_sum, twin._calm_n, twin._calm_t = self._calm_sum, self._calm_n, self._calm_t
        twin.last_t_ms = self.last_t_ms
        twin.settled = self.settled
        twin.problems = list(self.problems)
        twin.readings = self.readings
        return twin

    def feed(self, samples: Iterable[tuple[object, object]]) -> list[Step]:
        """Readings as ``(t_ms, grams)``; returns the steps they begin, oldest first (read
        :attr:`steps` for their sizes once refined)."""
        return self.feed_mg((t, to_mg(grams), grams) for t, grams in samples)

    def feed_mg(self, samples: Iterable[tuple[object, int | None, object]]) -> list[Step]:
        """Readings already in milligrams, as ``(t_ms, mg, as sent)`` (mg None: not a number;
        ``as sent`` is quoted when a reading is set aside)."""
        s = self.settings
        steps: list[Step] = []
        window = self._window
        for t_raw, mg, sent in samples:
            t = t_raw if isinstance(t_raw, int) and not isinstance(t_raw, bool) else None
            if t is None or mg is None or not s.min_mg <= mg <= s.max_mg:
                self.problems.append(
                    SignalProblem(
                        t_ms=t if t is not None else (self.last_t_ms or 0),
                        kind="absurd",
                        detail=f"reading {sent!r} g at {t_raw!r} ms",
                    )
                )
                continue
            if self.last_t_ms is not None and t <= self.last_t_ms:
                self.problems.append(
                    SignalProblem(
                        t_ms=t,
                        kind="out of order",
                        detail=f"reading at {t} ms after one at {self.last_t_ms} ms",
                    )
                )
                continue
            self.last_t_ms = t
            self.readings += 1
            window.append((t, mg))
            self._sum += mg
            self._squares += mg * mg
            while t - window[0][0] > s.window_ms:
                _, old = window.popleft()
                self._sum -= old
                self._squares -= old * old
            n = len(window)
            if (
                n < s.min_samples
                or t - window[0][0] < s.window_ms * 4 // 5
                # n * variance * n = n * sum(x^2) - sum(x)^2, in integers
                or n * self._squares - self._sum * self._sum > (s.noise_mg * n) ** 2
            ):
                self.settled = False
                continue
            was_calm = self.settled
            if was_calm and t - self._calm_t <= s.calm_ms:
                self._calm_sum += mg
                self._calm_n += 1
            else:  # a new calm (or a long one): from this window's readings
                self._calm_sum, self._calm_n, self._calm_t = self._sum, n, window[0][0]
            self.settled = True
            level = self._sum // n
            if self.reference_mg is None:
                self.reference_mg = level
            elif abs(level - self.reference_mg) >= s.min_step_mg:
                # after a motion, from where the load was before it (the marks and the
                # reference have stood still since the calm ended)
                start = None if was_calm else self._motion_start()
                if start is None:
                    start = self.reference_mg
                step = Step(t_ms=t, delta_mg=level - start, level_mg=level)
                steps.append(step)
                self.steps.append(step)
                self._before_mg = start
                self.reference_mg = level
                self._mark, self._earlier = (t, level), None
                self._calm_sum, self._calm_n, self._calm_t = self._sum, n, window[0][0]
                continue
            else:
                calm = self._calm_sum // self._calm_n
                last = self.steps[-1] if self.steps else None
                if last is not None and t - last.t_ms <= s.refine_ms and calm != last.level_mg:
                    self.steps[-1] = Step(t_ms=last.t_ms, delta_mg=calm - self._before_mg,
                                          level_mg=calm)  # fmt: skip
                    if steps and steps[-1].t_ms == last.t_ms:
                        steps[-1] = self.steps[-1]
                self.reference_mg = level  # drift, or too light to see
            if self._mark is None or t - self._mark[0] >= s.lead_ms:
                self._earlier, self._mark = self._mark, (t, self._calm_sum // self._calm_n)
        return steps

    def _motion_start(self) -> int | None:
        """The level at the older mark, taken at least ``lead_ms`` before the calm ended (the
        newer one may already hold the motion's first grams); None before two marks."""
        if self._earlier is None:
            return None
        start = self._earlier[1]
        assert self.reference_mg is not None
        if abs(self.reference_mg - start) >= self.settings.min_step_mg:
            return None  # no longer the same load: measure from the reference
        return start
