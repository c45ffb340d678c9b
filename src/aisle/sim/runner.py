"""Trips through the real verification engine, in process, one after another as a store sees them.

For each trip: the shopper's plan (:mod:`aisle.sim.shoppers`) plays out second by second on a
streamed load cell (:class:`~aisle.sim.loadcell.LoadCell`) and the engine's
:class:`~aisle.domain.verify.StepDetector`; every two seconds of the cart's clock the list and
the steps so far go through :func:`~aisle.domain.verify.verify`, as the cart would show them,
and the shopper answers what the cart asks. At checkout the trip's last verification gives its
risk (:func:`~aisle.domain.verify.risk_of`), the threshold comes from the risks of the store's
last ``window`` trips (:func:`~aisle.domain.verify.threshold_for`, ``budget`` reviews per 1,000),
and :func:`~aisle.domain.verify.decide` sends it to review, to a random audit, or out.

Staff reviews and audits are taken to find every real mistake (a full rescan). The store learns
(:func:`~aisle.domain.verify.learn`) from the weights matched on trips that ended clear, and on
trips a review or audit found fine also from the weights their findings measured (staff saw the
pack: a "mismatch" was the product's real weight): the last 50 observations of each product.
Each trip is a new shopper: no shopper history feeds the risk.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from aisle.domain.verify import (
    Decision,
    FindingKind,
    ListChange,
    RiskSettings,
    Severity,
    StepDetector,
    UnitWeight,
    Verification,
    decide,
    guess_from_net_content,
    guess_from_peers,
    learn,
    risk_of,
    threshold_for,
    verify,
)
from aisle.sim.catalog import SimCatalog, SimProduct
from aisle.sim.loadcell import CellModel, LoadCell
from aisle.sim.shoppers import Behaviour, TripPlan, TrueError, plan_trip

__all__ = ["Store", "TripOutcome", "run_trip", "simulate", "trip_plans"]

KEEP_OBSERVATIONS = 50
TICK_MS = 1_000
CHECK_EVERY_MS = 2_000


@dataclass(slots=True)
class Store:
    """What the store knows: each product's weight model, and its recent trips' risks."""

    budget: int = 50  # reviews per 1,000 trips
    window: int = 1_000
    audits: int = 10  # random audits per 1,000 trips
    learning: bool = True
    models: dict[str, UnitWeight | None] = field(default_factory=dict)
    observed: dict[str, list[int]] = field(default_factory=dict)
    unconfirmed: dict[str, list[int]] = field(default_factory=dict)  # mismatches nobody checked
    recent: deque[int] = field(default_factory=deque)
    products: dict[str, SimProduct] = field(default_factory=dict)  # those it has learned from
    categories: dict[str, set[str]] = field(default_factory=dict)  # their GTINs by category

    def weight_of(self, product: SimProduct) -> UnitWeight | None:
        """The learned model, else a guess from the category's learned products, else from
        the label (:func:`aisle.domain.verify.guess_from_peers`)."""
        if product.gtin in self.models:
            return self.models[product.gtin]
        return self._guess(product)

    def _guess(self, product: SimProduct) -> UnitWeight | None:
        if not self.learning:
            return guess_from_net_content(product.net)
        peers = [
            (peer.net, model)
            for gtin in sorted(self.categories.get(product.category, ()))
            if gtin != product.gtin
            and (model := self.models.get(gtin)) is not None
            and (peer := self.products[gtin]).net is not None
        ]
        return guess_from_peers(product.net, peers)

    def learn_from(
        self, verification: Verification, products: dict[str, SimProduct], *,
        confirmed: bool = False, single_units: frozenset[str] = frozenset(),
    ) -> None:  # fmt: skip
        """Weights matched on a clear trip; on one staff confirmed, also the weights the
        findings measured (a line scanned one unit at a time: the step was one unit)."""
        if not self.learning:
            return
        seen_now = list(verification.matched)
        if confirmed:
            seen_now += [
                (f.line_id, f.delta_mg)
                for f in verification.findings
                if f.line_id in single_units and f.delta_mg is not None and f.delta_mg > 0
                and f.kind in (FindingKind.WEIGHT_MISMATCH, FindingKind.EXTRA_UNITS)
            ]  # fmt: skip
        for line_id, mg in seen_now:
            assert line_id is not None
            seen = self.observed.setdefault(line_id, [])
            seen.append(mg)
            del seen[:-KEEP_OBSERVATIONS]
            self._relearn(line_id, products[line_id])

    def note_mismatches(
        self, verification: Verification, products: dict[str, SimProduct],
        single_units: frozenset[str],
    ) -> None:  # fmt: skip
        """A trip nobody checked: what its weight findings measured is remembered, and counts
        once enough such weights of a product agree (see :func:`aisle.domain.verify.learn`)."""
        if not self.learning:
            return
        for f in verification.findings:
            if (
                f.kind is FindingKind.WEIGHT_MISMATCH
                and f.line_id in single_units
                and f.delta_mg is not None
                and f.delta_mg > 0
            ):
                seen = self.unconfirmed.setdefault(f.line_id, [])
                seen.append(f.delta_mg)
                del seen[:-KEEP_OBSERVATIONS]
                self._relearn(f.line_id, products[f.line_id])

    def _relearn(self, gtin: str, product: SimProduct) -> None:
        self.products[gtin] = product
        self.categories.setdefault(product.category, set()).add(gtin)
        self.models[gtin] = learn(
            self._guess(product),
            self.observed.get(gtin, []),
            self.unconfirmed.get(gtin, []),
        )

    def threshold(self) -> int:
        return threshold_for(list(self.recent), self.budget)

    def remember(self, risk: int) -> None:
        self.recent.append(risk)
        while len(self.recent) > self.window:
            self.recent.popleft()

    @property
    def risk_settings(self) -> RiskSettings:
        return RiskSettings(reviews_per_1000=self.budget, audits_per_1000=self.audits)


@dataclass(frozen=True, slots=True, kw_only=True)
class TripOutcome:
    index: int
    units: int
    readings: int
    thief: bool
    errors: tuple[TrueError, ...]
    status: Severity
    findings: tuple[str, ...]  # kinds of the findings open at checkout
    details: tuple[str, ...]  # and what staff would read of them
    prompts: int  # findings the cart showed during the trip
    risk: int
    threshold: int
    decision: Decision

    @property
    def unpaid_minor(self) -> int:
        """Value that would leave unpaid: the mistakes still open at checkout."""
        return sum(e.value_minor for e in self.errors if not e.resolved and e.value_minor > 0)

    @property
    def losses(self) -> tuple[TrueError, ...]:
        return tuple(e for e in self.errors if not e.resolved and e.value_minor > 0)

    @property
    def checked(self) -> bool:
        return self.decision is not Decision.PASS


def _changes(plan: TripPlan, until_ms: int, store: Store) -> list[ListChange]:
    return [
        ListChange(
            t_ms=s.t_ms,
            line_id=s.product.gtin,
            name=s.product.name,
            units=s.units,
            unit_weight=None if s.weighed_mg is not None else store.weight_of(s.product),
            weighed_mg=s.weighed_mg,
        )
        for s in plan.scans
        if s.t_ms <= until_ms
    ]


def run_trip(
    plan: TripPlan, store: Store, *, index: int = 0, seed: int = 0,
    behaviour: Behaviour | None = None, model: CellModel | None = None,
) -> TripOutcome:  # fmt: skip
    """Play one trip through the engine and decide it; the store learns from it."""
    b = behaviour or Behaviour()
    rng = random.Random(seed)
    cell = LoadCell(model, seed=seed)
    for start, end in plan.moving:
        cell.move(start, end)
    detector = StepDetector()
    asked: set[tuple[str, int, str | None]] = set()
    t = 0
    while t < plan.end_ms:
        t = min(t + TICK_MS, plan.end_ms)
        for planned in plan.placements:
            if not planned.given and planned.t_ms <= t:
                planned.given = True
                cell.place(planned.placement())
        detector.feed(cell.read(t))
        if t % CHECK_EVERY_MS == 0 and t < plan.end_ms:
            v = verify(_changes(plan, t, store), detector.steps, now_ms=t,
                       last_reading_ms=detector.last_t_ms, problems=detector.problems,
                       own_items=plan.own_items)  # fmt: skip
            for finding in v.findings:
                key = (finding.kind.value, finding.t_ms, finding.line_id)
                if key not in asked:
                    asked.add(key)
                    plan.answer(finding, t, rng, b.answer_rate)
            latest = max([0, *(p.t_ms for p in plan.placements), *(s.t_ms for s in plan.scans)])
            plan.end_ms = max(plan.end_ms, latest + 8_000)  # still at the cart, answering
    final = verify(_changes(plan, plan.end_ms, store), detector.steps, now_ms=plan.end_ms,
                   last_reading_ms=detector.last_t_ms, problems=detector.problems,
                   own_items=plan.own_items, at_checkout=True)  # fmt: skip
    risk = risk_of(final, settings=store.risk_settings)
    threshold = store.threshold()
    decision = decide(risk, threshold, rng.randrange(1_000_000), store.risk_settings)
    store.remember(risk)
    found_short = any(not e.resolved and e.value_minor > 0 for e in plan.errors)
    confirmed = decision is not Decision.PASS and not found_short
    single = frozenset(s.product.gtin for s in plan.scans) - frozenset(
        s.product.gtin for s in plan.scans if s.units != 1
    )
    products = {s.product.gtin: s.product for s in plan.scans}
    if final.status is Severity.CLEAR or confirmed:
        store.learn_from(final, products, confirmed=confirmed, single_units=single)
    elif decision is Decision.PASS:
        store.note_mismatches(final, products, single)
    return TripOutcome(
        index=index, units=plan.units, readings=detector.readings, thief=plan.thief,
        errors=tuple(plan.errors), status=final.status,
        findings=tuple(f.kind.value for f in final.findings),
        details=tuple(f.detail for f in final.findings), prompts=len(asked), risk=risk,
        threshold=threshold, decision=decision,
    )  # fmt: skip


def simulate(
    catalog: SimCatalog, trips: int, *, seed: int = 1, behaviour: Behaviour | None = None,
    store: Store | None = None, model: CellModel | None = None,
    on_trip: Callable[[TripOutcome], None] | None = None,
) -> list[TripOutcome]:  # fmt: skip
    """``trips`` trips over baskets drawn from the catalog's real baskets, in order."""
    b = behaviour or Behaviour()
    s = store or Store()
    out: list[TripOutcome] = []
    for k, plan, trip_seed in trip_plans(catalog, trips, seed=seed, behaviour=b):
        outcome = run_trip(plan, s, index=k, seed=trip_seed, behaviour=b, model=model)
        out.append(outcome)
        if on_trip is not None:
            on_trip(outcome)
    return out


def trip_plans(
    catalog: SimCatalog, trips: int, *, seed: int = 1, behaviour: Behaviour | None = None
) -> Iterator[tuple[int, TripPlan, int]]:
    """The run's trips in order: ``(index, plan, seed for playing it)``, the same draws in
    process and over HTTP (:mod:`aisle.sim.http`)."""
    b = behaviour or Behaviour()
    rng = random.Random(seed)
    for k in range(trips):
        basket = rng.choice(catalog.baskets)
        trip_seed = rng.randrange(2**32)
        yield k, plan_trip(basket, catalog, b, random.Random(trip_seed)), trip_seed + 1
