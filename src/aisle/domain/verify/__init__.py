"""Verification: the cart's scale checks that what goes in matches what was scanned.

- :mod:`._signal`: settled weight changes (steps) in the scale's noisy, jolted, drifting stream;
- :mod:`._weights`: what a unit of a product should weigh, guessed from its net content, then
  learned from trips that ended clear or were confirmed by staff;
- :mod:`._matching`: steps matched against the list's changes, into findings and a status
  (``clear``, ``attention`` or ``review``);
- :mod:`._risk`: a trip's risk, the threshold a review budget sets, review or audit.
"""

from aisle.domain.verify._matching import (
    Finding,
    FindingKind,
    ListChange,
    MatchSettings,
    Severity,
    Verification,
    verify,
)
from aisle.domain.verify._risk import (
    COLD_START_THRESHOLD,
    MIN_REVIEW_PPM,
    PPM,
    Decision,
    RiskSettings,
    decide,
    risk_of,
    threshold_for,
)
from aisle.domain.verify._signal import (
    DetectorSettings,
    SignalProblem,
    Step,
    StepDetector,
    to_mg,
)
from aisle.domain.verify._weights import (
    LEARNED_AFTER,
    UnitWeight,
    emark_tolerance_mg,
    guess_from_net_content,
    guess_from_peers,
    learn,
)

__all__ = [
    "COLD_START_THRESHOLD",
    "LEARNED_AFTER",
    "MIN_REVIEW_PPM",
    "PPM",
    "Decision",
    "DetectorSettings",
    "Finding",
    "FindingKind",
    "ListChange",
    "MatchSettings",
    "RiskSettings",
    "Severity",
    "SignalProblem",
    "Step",
    "StepDetector",
    "UnitWeight",
    "Verification",
    "decide",
    "emark_tolerance_mg",
    "guess_from_net_content",
    "guess_from_peers",
    "learn",
    "risk_of",
    "threshold_for",
    "to_mg",
    "verify",
]
