"""What a simulated run shows: reviews, catches, false alerts, unpaid value, and the trade-off.

A mistake is *caught* when its trip went to review (or, counted apart, to a random audit); only
mistakes still open at checkout that leave goods unpaid count (one the shopper put right, or an
overpayment, is not a loss). Two kinds of false alarm are counted, by fifths of the run so
that learning shows: a trip *flagged honest* ended with a finding (the cart said attention or
review) though every mistake on it, if any, was put right; a *false alert* is a review of a trip
with nothing unpaid. The weight model decides the first; the second is also bounded by the review
budget, which spends itself on the riskiest trips whatever they are. The curve of catch rate
against review rate moves one fixed threshold over the run's stored risks: what any budget would
have caught on these trips.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from aisle.domain.verify import Decision, Severity
from aisle.sim.runner import TripOutcome
from aisle.sim.shoppers import ErrorKind

__all__ = [
    "BANDS",
    "Rate",
    "Report",
    "by_fifth",
    "curve",
    "false_alert",
    "flagged_honest",
    "per_1000",
    "report",
]

BANDS = (("<100 g", 0, 100_000), ("100-500 g", 100_000, 500_000), (">=500 g", 500_000, 10**12))
T = TypeVar("T")
UNSCANNED = (ErrorKind.FORGOT_SCAN, ErrorKind.NO_SCAN)


@dataclass(frozen=True, slots=True, kw_only=True)
class Rate:
    total: int
    reviewed: int
    audited: int

    @property
    def catch(self) -> float | None:
        return self.reviewed / self.total if self.total else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    trips: int
    units: int
    readings: int
    reviews_per_1000: float
    audits_per_1000: float
    prompts_per_1000: float
    by_kind: dict[str, Rate]
    by_band: dict[str, Rate]
    unscanned_100g: Rate
    swaps_30g: Rate
    resolved_by_shopper: int
    false_alerts_per_1000: float
    false_alerts_by_fifth: tuple[float, ...]  # per 1,000 trips, each fifth of the run in order
    flagged_honest_per_1000: float
    flagged_honest_by_fifth: tuple[float, ...]
    unpaid_minor: int  # everything that would have left unpaid
    left_unpaid_minor: int  # what did: trips neither reviewed nor audited
    overpaid_minor: int

    @property
    def false_alerts_early(self) -> float:
        """Per 1,000 trips, the first fifth of the run."""
        return self.false_alerts_by_fifth[0]

    @property
    def false_alerts_late(self) -> float:
        return self.false_alerts_by_fifth[-1]

    def figures(self) -> dict[str, object]:
        def rate(r: Rate) -> float | None:
            return None if r.catch is None else round(r.catch, 4)

        return {
            "trips": self.trips,
            "reviews_per_1000": round(self.reviews_per_1000, 1),
            "audits_per_1000": round(self.audits_per_1000, 1),
            "catch_unscanned_100g": rate(self.unscanned_100g),
            "unscanned_100g": self.unscanned_100g.total,
            "catch_swaps_30g": rate(self.swaps_30g),
            "swaps_30g": self.swaps_30g.total,
            "false_alerts_per_1000": round(self.false_alerts_per_1000, 1),
            "false_alerts_early_per_1000": round(self.false_alerts_early, 1),
            "false_alerts_late_per_1000": round(self.false_alerts_late, 1),
            "false_alerts_by_fifth": [round(x, 1) for x in self.false_alerts_by_fifth],
            "flagged_honest_per_1000": round(self.flagged_honest_per_1000, 1),
            "flagged_honest_by_fifth": [round(x, 1) for x in self.flagged_honest_by_fifth],
            "unpaid_minor": self.unpaid_minor,
            "left_unpaid_minor": self.left_unpaid_minor,
            "catch_by_kind": {k: rate(r) for k, r in self.by_kind.items()},
            "catch_by_band": {k: rate(r) for k, r in self.by_band.items()},
        }


def _rate(pairs: Sequence[tuple[TripOutcome, object]]) -> Rate:
    return Rate(
        total=len(pairs),
        reviewed=sum(1 for o, _ in pairs if o.decision is Decision.REVIEW),
        audited=sum(1 for o, _ in pairs if o.decision is Decision.AUDIT),
    )


def false_alert(outcome: TripOutcome) -> bool:
    """A review of a trip with nothing unpaid."""
    return outcome.decision is Decision.REVIEW and not outcome.losses


def flagged_honest(outcome: TripOutcome) -> bool:
    """A trip that ended with a finding though no mistake on it was left open."""
    return outcome.status is not Severity.CLEAR and all(e.resolved for e in outcome.errors)


def per_1000(outcomes: Sequence[T], which: Callable[[T], bool]) -> float:
    return 1000 * sum(1 for o in outcomes if which(o)) / len(outcomes) if outcomes else 0.0


def by_fifth(outcomes: Sequence[T], which: Callable[[T], bool]) -> tuple[float, ...]:
    """Per 1,000 trips in each fifth of the run, in order (the last takes the remainder)."""
    fifth = max(len(outcomes) // 5, 1)
    cuts = [min(k * fifth, len(outcomes)) for k in range(5)] + [len(outcomes)]
    return tuple(per_1000(outcomes[a:b], which) for a, b in itertools.pairwise(cuts))


def report(outcomes: Sequence[TripOutcome]) -> Report:
    n = max(len(outcomes), 1)
    losses = [(o, e) for o in outcomes for e in o.losses]
    by_kind = {
        kind.value: _rate([(o, e) for o, e in losses if e.kind is kind])
        for kind in ErrorKind
        if any(e.kind is kind for _, e in losses)
    }
    by_band = {
        label: _rate([(o, e) for o, e in losses if low <= e.weight_mg < high])
        for label, low, high in BANDS
    }
    return Report(
        trips=len(outcomes),
        units=sum(o.units for o in outcomes),
        readings=sum(o.readings for o in outcomes),
        reviews_per_1000=1000 * sum(o.decision is Decision.REVIEW for o in outcomes) / n,
        audits_per_1000=1000 * sum(o.decision is Decision.AUDIT for o in outcomes) / n,
        prompts_per_1000=1000 * sum(o.prompts for o in outcomes) / n,
        by_kind=by_kind,
        by_band=by_band,
        unscanned_100g=_rate(
            [(o, e) for o, e in losses if e.kind in UNSCANNED and e.weight_mg >= 100_000]
        ),
        swaps_30g=_rate(
            [(o, e) for o, e in losses if e.kind is ErrorKind.SWAP and e.weight_mg >= 30_000]
        ),
        resolved_by_shopper=sum(1 for o in outcomes for e in o.errors if e.resolved),
        false_alerts_per_1000=per_1000(outcomes, false_alert),
        false_alerts_by_fifth=by_fifth(outcomes, false_alert),
        flagged_honest_per_1000=per_1000(outcomes, flagged_honest),
        flagged_honest_by_fifth=by_fifth(outcomes, flagged_honest),
        unpaid_minor=sum(e.value_minor for _, e in losses),
        left_unpaid_minor=sum(e.value_minor for o, e in losses if not o.checked),
        overpaid_minor=-sum(
            e.value_minor
            for o in outcomes
            for e in o.errors
            if not e.resolved and e.value_minor < 0
        ),
    )


def curve(outcomes: Sequence[TripOutcome]) -> list[tuple[float, float, int]]:
    """(reviews per 1,000, share of losses caught, threshold) for every threshold over the
    stored risks, from the strictest down."""
    n = len(outcomes)
    total = sum(len(o.losses) for o in outcomes)
    if not n:
        return []
    ranked = sorted(outcomes, key=lambda o: o.risk, reverse=True)
    points: list[tuple[float, float, int]] = [(0.0, 0.0, ranked[0].risk + 1)]
    caught = 0
    for k, o in enumerate(ranked):
        reviewed = k + 1
        caught += len(o.losses)
        if k + 1 == n or ranked[k + 1].risk != o.risk:
            if o.risk == 0:
                break
            points.append((1000 * reviewed / n, caught / total if total else 1.0, o.risk))
    return points
