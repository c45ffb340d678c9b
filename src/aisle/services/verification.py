"""Verification use cases: what a unit should weigh, which trips staff look at, and learning.

- :func:`expected_weight`: a product's learned unit weight, else the guess from its net content;
  the cart records it on the scan, so a trip is always judged by what the store knew then.
- :func:`assess`: at checkout, the trip's risk (its findings and the member's record) against the
  threshold its review budget sets from the store's recent trips; review, audit or pass. The
  audit draw is a hash of the cart id: fixed for a trip, unknowable to the shopper.
- :func:`learn_from`: the weights the scale measured on a trip that ended clear (or that staff
  confirmed) become observations, and each product's model is learned again from its latest.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from aisle.domain.cart import CartState
from aisle.domain.catalog import Product
from aisle.domain.verify import (
    LEARNED_AFTER,
    Decision,
    FindingKind,
    RiskSettings,
    UnitWeight,
    Verification,
    decide,
    guess_from_peers,
    learn,
    risk_of,
    threshold_for,
)
from aisle.services.ports import UnitOfWork

__all__ = [
    "Assessment",
    "assess",
    "audit_draw",
    "expected_weight",
    "learn_from",
    "note_mismatches",
]

RECENT_TRIPS = 1_000  # the threshold is set from this many of the latest trips
OBSERVATIONS_KEPT = 50  # a model is learned from this many of a product's latest observations


def expected_weight(uow: UnitOfWork, product: Product) -> UnitWeight | None:
    """The product's learned weight, else a guess from its category's learned products (its
    department's, for a product in no category), else from its label."""
    learned = uow.weights.learned([product.gtin]).get(product.gtin)
    return learned if learned is not None else _guess(uow, product)


def _guess(uow: UnitOfWork, product: Product | None) -> UnitWeight | None:
    if product is None:
        return None
    peers = [
        (net, weight)
        for gtin, net, weight in uow.weights.learned_among(
            product.category, product.department, least_observations=LEARNED_AFTER
        )
        if gtin != product.gtin
    ]
    return guess_from_peers(product.net_content, peers)


@dataclass(frozen=True, slots=True, kw_only=True)
class Assessment:
    verification: Verification
    risk_ppm: int
    threshold_ppm: int
    decision: Decision


def audit_draw(cart_id: str) -> int:
    """The trip's random draw, 0 to 999,999: fixed by the cart id, which the server chose."""
    return int.from_bytes(hashlib.sha256(cart_id.encode()).digest()[:8], "big") % 1_000_000


def assess(uow: UnitOfWork, state: CartState, settings: RiskSettings) -> Assessment:
    verification = state.verification(at_checkout=True)
    history = uow.reviews.confirmed_short(state.member_id) if state.member_id else 0
    risk = risk_of(verification, confirmed_before=history, settings=settings)
    threshold = threshold_for(uow.reviews.recent_risks(RECENT_TRIPS), settings.reviews_per_1000)
    decision = decide(risk, threshold, audit_draw(state.cart_id), settings)
    return Assessment(
        verification=verification, risk_ppm=risk, threshold_ppm=threshold, decision=decision
    )


def learn_from(
    uow: UnitOfWork,
    state: CartState,
    verification: Verification,
    *,
    source: str,
    at: datetime,
    confirmed: bool = False,
) -> int:
    """Learn from a trip's measured unit weights; returns how many observations it added.

    ``confirmed``: staff looked and found the trip fine, so a placement the engine thought was
    the wrong weight was the right item after all: its measured weight is an observation too.
    """
    per_unit = dict(verification.matched)
    if confirmed:
        for finding in verification.findings:
            line = state.lines.get(finding.line_id or "")
            if (
                finding.kind is FindingKind.WEIGHT_MISMATCH
                and line is not None
                and finding.delta_mg is not None
                and line.quantity > 0
            ):
                per_unit[line.line_id] = finding.delta_mg // line.quantity
    observations = [
        (state.lines[line_id].gtin, mg)
        for line_id, mg in sorted(per_unit.items())
        if line_id in state.lines and mg > 0
    ]
    if not observations:
        return 0
    uow.weights.observe(observations, cart_id=state.cart_id, source=source, at=at)
    _relearn(uow, {gtin for gtin, _ in observations}, at)
    return len(observations)


def note_mismatches(
    uow: UnitOfWork, state: CartState, verification: Verification, *, at: datetime
) -> int:
    """A trip that left unchecked: the weights its mismatches measured on one-unit lines are
    kept apart, and count only once enough of them agree (see
    :func:`aisle.domain.verify.learn`)."""
    observations = [
        (line.gtin, finding.delta_mg)
        for finding in verification.findings
        if finding.kind is FindingKind.WEIGHT_MISMATCH
        and finding.delta_mg is not None
        and finding.delta_mg > 0
        and (line := state.lines.get(finding.line_id or "")) is not None
        and line.quantity == 1
    ]
    if not observations:
        return 0
    uow.weights.observe(observations, cart_id=state.cart_id, source="mismatch", at=at)
    _relearn(uow, {gtin for gtin, _ in observations}, at)
    return len(observations)


def _relearn(uow: UnitOfWork, gtins: set[str], at: datetime) -> None:
    for gtin in sorted(gtins):
        model = learn(
            _guess(uow, uow.catalog.by_gtin(gtin, at)),
            uow.weights.latest(gtin, OBSERVATIONS_KEPT),
            uow.weights.latest(gtin, OBSERVATIONS_KEPT, source="mismatch"),
        )
        if model is not None:
            uow.weights.save(gtin, model, at)
