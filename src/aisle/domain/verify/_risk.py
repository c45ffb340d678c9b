"""How risky a trip is, and which trips staff look at: a review budget, not a guess.

A trip's *risk* is the chance, as far as its evidence goes, that something left unpaid. Each
finding still open at checkout is a piece of evidence with its own likelihood of being a real
loss: a weight mismatch is very likely a swap, an item placed without a scan very likely unpaid;
but a scan whose item never reached the scale, or an item taken out and left on the list, has
the shopper paying for more than they take, which is not the store's loss. Units the scale
could not weigh add a little each; a shopper whose earlier trips staff confirmed short adds
their record. A weight finding's likelihood grows with how far off the weight is: a pack 1.2
tolerances off is often the model's error (a product whose weight the store is still learning),
one 10 tolerances off is a different thing altogether. The pieces combine as independent
chances, ``1 - (1 - p1)(1 - p2)...``: a number from 0 to 1, in parts per million.

Staff time is the budget: ``reviews_per_1000`` (default 50) trips in a thousand may go to the
review queue. The threshold is the risk above which that many of the store's recent trips fall
(a quantile of their scores), so the queue stays as rare as the store asked, whatever the day's
mix. A small random share of the trips below it is audited at the exit anyway: those audits are
what measure, honestly, how much the threshold lets through.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from aisle.domain.verify._matching import Finding, FindingKind, Verification

__all__ = [
    "COLD_START_THRESHOLD",
    "MIN_HISTORY",
    "MIN_REVIEW_PPM",
    "PPM",
    "Decision",
    "RiskSettings",
    "decide",
    "risk_of",
    "threshold_for",
]

PPM = 1_000_000
COLD_START_THRESHOLD = 500_000  # before the store has history: likelier a loss than not
MIN_REVIEW_PPM = 300_000  # below this no trip is held, however much budget is left
MIN_HISTORY = 200  # trips before the threshold is a quantile of the store's own

_LIKELIHOOD_PPM = {
    # something may leave unpaid (a weight judged against a first guess: see _GUESSED_PPM)
    FindingKind.WEIGHT_MISMATCH: 900_000,
    FindingKind.UNSCANNED_ITEM: 850_000,
    FindingKind.EXTRA_UNITS: 800_000,
    FindingKind.REMOVED_NOT_TAKEN_OUT: 700_000,
    # the scale can't vouch for the trip
    FindingKind.SCALE_OFFLINE: 500_000,
    FindingKind.SIGNAL_PROBLEM: 300_000,
    # the shopper pays for more than is in the cart: their loss, not the store's
    FindingKind.NOT_PLACED: 50_000,
    FindingKind.UNRECORDED_REMOVAL: 50_000,
}


_GUESSED_PPM = {
    # the same findings against a weight guessed from the label, before the store has learned
    # it, and not far off: often the guess that is wrong (glass, a thick tray), not the shopper
    FindingKind.WEIGHT_MISMATCH: 450_000,
    FindingKind.EXTRA_UNITS: 400_000,
}

_BY_DISTANCE = {
    # a weight finding's likelihood from just over its tolerance to OFF_CERTAIN tolerances off:
    # (firm, guessed), each (just over, far off)
    FindingKind.WEIGHT_MISMATCH: ((600_000, 970_000), (300_000, 700_000)),
    FindingKind.EXTRA_UNITS: ((550_000, 970_000), (250_000, 650_000)),
}
OFF_CERTAIN = 6_000  # in thousandths of a tolerance: this far off, no model error explains it

_UNSCANNED_PPM = (550_000, 970_000)  # a step placed with no scan: just visible, and heavy
UNSCANNED_HEAVY_MG = 100_000  # a settled step this heavy is something, not a bag settling
UNSCANNED_LIGHT_MG = 25_000


def _likelihood(finding: Finding) -> int:
    """How likely a finding is a loss.

    >>> from aisle.domain.verify._matching import Severity
    >>> def mismatch(off: int, firm: bool = True) -> int:
    ...     return _likelihood(Finding(kind=FindingKind.WEIGHT_MISMATCH, severity=Severity.REVIEW,
    ...         t_ms=0, message="", detail="", firm=firm, off_permille=off))
    >>> mismatch(1_000), mismatch(3_500), mismatch(6_000), mismatch(12_000)
    (600000, 785000, 970000, 985000)
    >>> mismatch(12_000, firm=False)
    700000
    >>> [_likelihood(Finding(kind=FindingKind.UNSCANNED_ITEM, severity=Severity.ATTENTION,
    ...     t_ms=0, message="", detail="", delta_mg=g * 1000)) for g in (25, 60, 100, 900)]
    [550000, 746000, 970000, 996666]
    """
    if finding.kind is FindingKind.UNSCANNED_ITEM and finding.delta_mg is not None:
        return _ramp(abs(finding.delta_mg), UNSCANNED_LIGHT_MG, UNSCANNED_HEAVY_MG, *_UNSCANNED_PPM)
    scaled = _BY_DISTANCE.get(finding.kind)
    if scaled is not None and finding.off_permille > 0:
        low, high = scaled[0] if finding.firm else scaled[1]
        if not finding.firm:  # however far off, a guess may be what is wrong
            return _ramp(min(finding.off_permille, OFF_CERTAIN), 1_000, OFF_CERTAIN, low, high)
        return _ramp(finding.off_permille, 1_000, OFF_CERTAIN, low, high)
    if finding.firm:
        return _LIKELIHOOD_PPM[finding.kind]
    return _GUESSED_PPM.get(finding.kind, _LIKELIHOOD_PPM[finding.kind])


def _ramp(x: int, start: int, full: int, low: int, high: int) -> int:
    """``low`` up to ``start``, rising straight to ``high`` at ``full``, then on towards
    certainty without reaching it: twice as far, half the rest. Past ``full`` the evidence still
    ranks (so that trips never tie at a cap and fall out of the budget together).

    >>> [_ramp(x, 1, 3, 500_000, 900_000) for x in (0, 2, 3, 6, 3_000_000)]
    [500000, 700000, 900000, 950000, 999999]
    """
    if x <= start:
        return low
    if x <= full:
        return low + (high - low) * (x - start) // (full - start)
    return PPM - max(-(-(PPM - high) * full // x), 1)


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskSettings:
    reviews_per_1000: int = 50
    audits_per_1000: int = 10  # random audits among the trips below the threshold
    unweighed_unit_ppm: int = 4_000  # each unit the scale could not weigh
    confirmed_before_ppm: int = 150_000  # each earlier trip staff confirmed short (up to 3)


class Decision(StrEnum):
    PASS = "pass"
    REVIEW = "review"  # the queue, before checkout
    AUDIT = "audit"  # chosen at random: a check at the exit


def risk_of(
    verification: Verification, *, confirmed_before: int = 0, settings: RiskSettings | None = None
) -> int:
    """The trip's risk in parts per million.

    >>> from aisle.domain.verify._matching import Severity
    >>> clear = Verification(status=Severity.CLEAR, findings=(), unweighed_units=0)
    >>> risk_of(clear), risk_of(clear, confirmed_before=1)
    (0, 150000)
    """
    s = settings or RiskSettings()
    chances = [_likelihood(f) for f in verification.findings]
    chances += [s.unweighed_unit_ppm] * verification.unweighed_units
    chances += [s.confirmed_before_ppm] * min(confirmed_before, 3)
    clean = PPM
    for p in chances:
        clean = clean * (PPM - p) // PPM
    return PPM - clean


def threshold_for(
    recent_risks: Sequence[int], reviews_per_1000: int, floor: int = MIN_REVIEW_PPM
) -> int:
    """The lowest risk that goes to review so that at most ``reviews_per_1000`` of these trips
    would have (ties at the threshold go to review only if they fit in the budget). The budget
    is a ceiling, not a quota: a trip under ``floor`` (units the scale couldn't weigh, nothing
    found) is never held to use it up. Until the store has :data:`MIN_HISTORY` trips, a
    quantile means little (with 19 trips a budget of 50 in 1,000 allows none), so the threshold
    is :data:`COLD_START_THRESHOLD`: whatever is likelier a loss than not.

    >>> threshold_for([0] * 950 + [500_000] * 50, 50)
    500000
    >>> threshold_for([0] * 900 + [500_000] * 100, 50)  # too many tied: none of them
    500001
    >>> threshold_for([], 50), threshold_for([977_500, 0, 0], 50)  # no history yet
    (500000, 500000)
    >>> threshold_for([0] * 950 + [20_000] * 50, 50)  # only unweighed units: nobody is held
    300000
    """
    if len(recent_risks) < MIN_HISTORY:
        return max(COLD_START_THRESHOLD, floor)
    ranked = sorted(recent_risks, reverse=True)
    allowed = len(ranked) * reviews_per_1000 // 1000
    if allowed == 0:
        return max(ranked[0] + 1, floor)
    cut = ranked[allowed - 1]
    over = sum(1 for r in ranked if r >= cut)
    threshold = cut if over <= allowed else cut + 1
    return max(threshold, floor, 1)


def decide(
    risk: int, threshold: int, draw_ppm: int, settings: RiskSettings | None = None
) -> Decision:
    """Review above the threshold; otherwise audit when the trip's random draw (0 to 999,999,
    drawn once per trip) falls in the audit share.

    >>> decide(600_000, 500_000, 3), decide(10, 500_000, 3), decide(10, 500_000, 999_999)
    (<Decision.REVIEW: 'review'>, <Decision.AUDIT: 'audit'>, <Decision.PASS: 'pass'>)
    """
    s = settings or RiskSettings()
    if risk >= threshold:
        return Decision.REVIEW
    if draw_ppm < s.audits_per_1000 * 1_000:
        return Decision.AUDIT
    return Decision.PASS
