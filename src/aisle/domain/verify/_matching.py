"""What the scale saw against what the list says: findings, and the trip's status.

The list changes (a scan adds units, a removal or a lower quantity takes them away), each at a
moment of the cart's own clock, and each expects the settled load to move by the units' weight.
The scale's :class:`~aisle.domain.verify._signal.Step` s are what it did move by. Matching pairs
them, in time order:

- a change and a step of the same sign, close in time (the item is placed up to
  ``place_within_ms`` after its scan, or before it by up to ``scan_within_ms``, as when a
  shopper answers "did you scan it?"), and of the expected weight within ``z`` spreads;
- a step that matches no change in weight but falls in a change's window is that change's
  placement gone wrong: about n times the unit's weight is n units placed for one scanned
  (*extra units*); anything else is a different item placed (*weight mismatch*: a swap);
- a step in no change's window is an item placed without a scan, or taken out without being
  removed from the list; a change whose window closes with no step is an item scanned but not
  placed (still in hand), or removed from the list but still in the cart;
- units too light for the scale to see, or of unknown weight, are not weighed: they count
  towards the trip's risk instead.

Findings the shopper can put right themselves are asked first (``attention``); a weight mismatch,
a scale that stopped reporting, or one that sends nonsense, needs staff (``review``). Everything
is a pure function of the facts, so the same trip always gets the same verdict, and a late scan
or removal that puts a mistake right clears it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from aisle.domain.verify._signal import SignalProblem, Step
from aisle.domain.verify._weights import LEARNED_AFTER, UnitWeight

__all__ = [
    "Finding",
    "FindingKind",
    "ListChange",
    "MatchSettings",
    "Severity",
    "Verification",
    "verify",
]


class Severity(StrEnum):
    CLEAR = "clear"
    ATTENTION = "attention"
    REVIEW = "review"


class FindingKind(StrEnum):
    UNSCANNED_ITEM = "unscanned_item"
    NOT_PLACED = "not_placed"
    EXTRA_UNITS = "extra_units"
    WEIGHT_MISMATCH = "weight_mismatch"
    UNRECORDED_REMOVAL = "unrecorded_removal"
    REMOVED_NOT_TAKEN_OUT = "removed_not_taken_out"
    SCALE_OFFLINE = "scale_offline"
    SIGNAL_PROBLEM = "signal_problem"


_SEVERITY = {
    FindingKind.UNSCANNED_ITEM: Severity.ATTENTION,
    FindingKind.NOT_PLACED: Severity.ATTENTION,
    FindingKind.EXTRA_UNITS: Severity.ATTENTION,
    FindingKind.UNRECORDED_REMOVAL: Severity.ATTENTION,
    FindingKind.REMOVED_NOT_TAKEN_OUT: Severity.ATTENTION,
    FindingKind.WEIGHT_MISMATCH: Severity.REVIEW,
    FindingKind.SCALE_OFFLINE: Severity.REVIEW,
    FindingKind.SIGNAL_PROBLEM: Severity.REVIEW,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ListChange:
    """A change of the list as the scale should feel it."""

    t_ms: int  # the cart's clock
    line_id: str
    name: str
    units: int  # units added (positive) or taken off the list (negative)
    unit_weight: UnitWeight | None  # None: unknown
    weighed_mg: int | None = None  # produce weighed on this scale: its own measured weight


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    kind: FindingKind
    severity: Severity
    t_ms: int
    message: str  # for the shopper
    detail: str  # for staff: what was expected and what was measured
    line_id: str | None = None
    delta_mg: int | None = None
    firm: bool = False  # against a learned weight, or too far off for a wrong guess to explain
    off_permille: int = 0  # how far off the expected weight, in thousandths of the tolerance


@dataclass(frozen=True, slots=True, kw_only=True)
class Verification:
    status: Severity
    findings: tuple[Finding, ...]
    unweighed_units: int  # units too light or of unknown weight: checked by risk, not weight
    matched: tuple[tuple[str, int], ...] = ()  # (line_id, measured mg per unit): what to learn


MOST_EXTRA = 3
"""A step of up to this many more units than scanned reads as "extra units"; beyond, it is some
other, heavier thing (a swap)."""

TOGETHER_SCANNED_AFTER_MS = 10_000
"""Things placed together were scanned before, or just after: a scan much later than the step
is not part of it (it is more likely the answer to "did you scan...?" for another item)."""

GUESS_ERROR_PERCENT = 190
"""How far a first guess from the label may be off (glass can weigh as much as the drink): a
measured weight more than 1.9 times the guess, or under 1/1.9 of it, is no packaging surprise."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchSettings:
    ask_after_ms: int = 30_000  # a scanned item not placed by then: the shopper is asked
    place_within_ms: int = 300_000  # ...and may still place it (a step of its weight) until then
    mismatch_within_ms: int = 30_000  # a step of the wrong weight this soon is the scan's item
    scan_within_ms: int = 60_000  # an item placed first may be scanned this much later
    z: int = 4  # spreads
    resolution_mg: int = 8_000  # what the settled level's own error adds to every tolerance
    visible_mg: int = 25_000  # lighter units, and steps, are not judged by weight
    offline_after_ms: int = 5_000


@dataclass(slots=True)
class _Open:
    change: ListChange
    expected_mg: int | None  # the whole change's expected step; None: not weighed
    tolerance_mg: int
    steps: list[Step] = field(default_factory=list)
    settled: bool = False  # matched by steps, or cancelled by an opposite change of its line


def _expectation(change: ListChange, s: MatchSettings) -> tuple[int | None, int]:
    if change.weighed_mg is not None:
        sign = 1 if change.units > 0 else -1
        return sign * change.weighed_mg, s.resolution_mg * 2
    weight = change.unit_weight
    if weight is None or weight.mean_mg < s.visible_mg:
        return None, 0
    n = abs(change.units)
    return change.units * weight.mean_mg, _tolerance(weight, n, s)


def _tolerance(weight: UnitWeight, n: int, s: MatchSettings) -> int:
    """``z`` spreads of ``n`` units (spreads add as variances) and the scale's resolution."""
    return s.z * weight.spread_mg * math.isqrt(n * 10_000) // 100 + s.resolution_mg


OWNED_WITHIN_MS = 10_000
"""A step this soon after a scan (of the same sign) is that scan's, unless it explains it not."""


def _owner(
    opens: Sequence[_Open], step: Step, same_sign: Callable[[_Open, Step], bool]
) -> _Open | None:
    """The latest change before ``step``, of its sign, within :data:`OWNED_WITHIN_MS`."""
    before = [
        o for o in opens if same_sign(o, step) and 0 <= step.t_ms - o.change.t_ms <= OWNED_WITHIN_MS
    ]
    return max(before, key=lambda o: o.change.t_ms, default=None)


def _grams(mg: int) -> str:
    return f"{(mg + 500) // 1000 if mg >= 0 else -((-mg + 500) // 1000)} g"


def verify(
    changes: Sequence[ListChange],
    steps: Sequence[Step],
    *,
    now_ms: int,
    last_reading_ms: int | None,
    problems: Sequence[SignalProblem] = (),
    own_items: int | Sequence[int | None] = 0,
    settings: MatchSettings | None = None,
    at_checkout: bool = False,
) -> Verification:
    """The trip's findings at ``now_ms`` (the cart's clock: its latest event or reading).

    ``own_items``: the shopper's own things (a handbag), as the times they were declared (a
    step in from half a minute before to a minute after a declaration is that item; None: any
    time), or as a count, any time. ``at_checkout``: the trip is over, so nothing more is on its
    way; a step nobody scanned is unscanned at once, without the two seconds a scan may take to
    arrive while shopping.
    """
    s = settings or MatchSettings()
    opens: list[_Open] = []
    unweighed = 0
    for change in sorted(changes, key=lambda c: c.t_ms):
        expected, tolerance = _expectation(change, s)
        if expected is None:
            unweighed += max(change.units, 0)
            continue
        opens.append(_Open(change, expected, tolerance))
    free = sorted(steps, key=lambda st: st.t_ms)
    used: set[int] = set()

    def window(o: _Open, step: Step, after_ms: int) -> bool:
        return -s.scan_within_ms <= step.t_ms - o.change.t_ms <= after_ms

    def same_sign(o: _Open, step: Step) -> bool:
        assert o.expected_mg is not None
        return (step.delta_mg > 0) == (o.expected_mg > 0)

    # 1. weight and time both agree. Every such pair is scored, the closest weight (in
    #    tolerances) with the nearest time first, a step before its scan a little behind, and
    #    taken greedily: a pack of a tightly known weight finds its step before a looser guess
    #    can take it. Near in time first; a late placement only after every other explanation
    #    (placed together, taken back) has had its chance.
    #    A step seconds after a scan is that scan's to explain first: it is not given to a scan
    #    made long after it while the scan just before it is still open (a swapped item placed
    #    right after its cheap scan must not be explained away by a later scan's tolerance).
    owners = [_owner(opens, step, same_sign) for step in free]

    def pair_up(after_ms: int, *, owned: bool) -> None:
        pairs: list[tuple[Fraction, int, int]] = []
        for i, o in enumerate(opens):
            assert o.expected_mg is not None
            if o.settled:
                continue
            for k, step in enumerate(free):
                if k in used or not window(o, step, after_ms):
                    continue
                owner = owners[k]
                if (
                    owned
                    and owner is not None
                    and owner is not o
                    and not owner.settled
                    and o.change.t_ms - step.t_ms > TOGETHER_SCANNED_AFTER_MS
                ):
                    continue
                off = abs(step.delta_mg - o.expected_mg)
                if off > o.tolerance_mg:
                    continue
                dt = step.t_ms - o.change.t_ms
                cost = Fraction(off, o.tolerance_mg) + Fraction(abs(dt), 20_000)
                if dt < 0:
                    cost += Fraction(1, 4)
                pairs.append((cost, i, k))
        pairs.sort()
        for _, i, k in pairs:
            if k in used or opens[i].settled:
                continue
            used.add(k)
            opens[i].steps.append(free[k])
            opens[i].settled = True

    pair_up(s.ask_after_ms, owned=True)

    # 2. a change taken back: a scan and a removal (or lower quantity) of the same line cancel
    #    out, and so do the item's steps in and out if the scale saw it come and go (whatever
    #    it weighed: it is no longer in the cart)
    for o in opens:
        if o.settled:
            continue
        for other in opens:
            if (
                other is not o
                and not other.settled
                and other.change.line_id == o.change.line_id
                and other.change.units == -o.change.units
            ):
                o.settled = other.settled = True
                first, then = sorted((o, other), key=lambda x: x.change.t_ms)
                came_went = _came_and_went(free, used, first, then, window, s)
                if came_went is not None:
                    used.update(came_went)
                break

    # 3. several changes placed together as one step, or one change of several units placed
    #    one at a time as several steps
    for k, step in enumerate(free):
        if k in used:
            continue
        near = [
            o
            for o in opens
            if not o.settled
            and same_sign(o, step)
            and window(o, step, s.ask_after_ms)
            and step.t_ms - o.change.t_ms >= -TOGETHER_SCANNED_AFTER_MS
        ]
        by_line: dict[str, list[_Open]] = {}
        for o in near:
            by_line.setdefault(o.change.line_id, []).append(o)
        whole_lines = [group for group in by_line.values() if len(group) > 1]
        for group in whole_lines:  # every unit of a line scanned one by one, placed at once
            if _adds_up(step, group, s):
                used.add(k)
                for o in group:
                    o.steps.append(step)
                    o.settled = True
                break
        if k in used:
            continue
        for size in (2, 3):
            found = _together(step, near, size, s)
            if found is not None:
                used.add(k)
                for o in found:
                    o.steps.append(step)
                    o.settled = True
                break
    for o in opens:
        if o.settled or abs(o.change.units) < 2 or o.change.unit_weight is None:
            continue
        assert o.expected_mg is not None
        per = o.change.unit_weight.mean_mg * (1 if o.expected_mg > 0 else -1)
        picked: list[int] = []
        units = 0
        for k, step in enumerate(free):
            if k in used or not same_sign(o, step) or not window(o, step, s.ask_after_ms):
                continue
            n = round(step.delta_mg / per)
            if n >= 1 and abs(step.delta_mg - n * per) <= _tolerance(o.change.unit_weight, n, s):
                picked.append(k)
                units += n
                if units >= abs(o.change.units):
                    break
        if units == abs(o.change.units):
            used.update(picked)
            o.steps.extend(free[k] for k in picked)
            o.settled = True

    pair_up(s.place_within_ms, owned=False)  # placed late, when the cart asked

    findings: list[Finding] = []

    def find(
        kind: FindingKind, t_ms: int, message: str, detail: str, *,
        line_id: str | None = None, delta_mg: int | None = None, firm: bool = False,
        off_permille: int = 0,
    ) -> None:  # fmt: skip
        findings.append(
            Finding(kind=kind, severity=_SEVERITY[kind], t_ms=t_ms, message=message,
                    detail=detail, line_id=line_id, delta_mg=delta_mg, firm=firm,
                    off_permille=off_permille)
        )  # fmt: skip

    # 4. a step soon after a change, of the right sign but the wrong weight
    for o in opens:
        if o.settled:
            continue
        assert o.expected_mg is not None
        for k, step in enumerate(free):
            if (
                k in used
                or not window(o, step, s.mismatch_within_ms)
                or not same_sign(o, step)
                or abs(step.delta_mg) < s.visible_mg
            ):
                continue
            used.add(k)
            o.steps.append(step)
            o.settled = True
            weight = o.change.unit_weight
            wanted = f"expected {_grams(o.expected_mg)} ± {_grams(o.tolerance_mg)}"
            firm = (
                o.change.weighed_mg is not None
                or (weight is not None and weight.observations >= LEARNED_AFTER)
                or abs(step.delta_mg) * 100 > abs(o.expected_mg) * GUESS_ERROR_PERCENT
                or abs(step.delta_mg) * GUESS_ERROR_PERCENT < abs(o.expected_mg) * 100
            )
            measured = f"measured {_grams(step.delta_mg)}"
            off = abs(step.delta_mg - o.expected_mg) * 1000 // max(o.tolerance_mg, 1)
            if weight is not None and o.change.units > 0 and o.change.weighed_mg is None:
                per = weight.mean_mg
                n = round(step.delta_mg / per) if per else 0
                if o.change.units < n <= o.change.units + MOST_EXTRA and abs(
                    step.delta_mg - n * per
                ) <= _tolerance(weight, n, s):
                    find(FindingKind.EXTRA_UNITS, step.t_ms,
                         f"It looks like {n} {o.change.name} went in for "
                         f"{o.change.units} scanned. Please scan each one.",
                         f"{o.change.name}: {wanted} for {o.change.units}, {measured} "
                         f"(about {n})", line_id=o.change.line_id,
                         delta_mg=step.delta_mg, firm=firm, off_permille=off)  # fmt: skip
                    break
            find(FindingKind.WEIGHT_MISMATCH, step.t_ms,
                 "The item placed doesn't match the one scanned. An associate will check.",
                 f"{o.change.name}: {wanted}, {measured}", line_id=o.change.line_id,
                 delta_mg=step.delta_mg, firm=firm, off_permille=off)  # fmt: skip
            break

    # 5. what is left over
    own: list[int | None] = [None] * own_items if isinstance(own_items, int) else list(own_items)
    for k, step in enumerate(free):
        if k in used or abs(step.delta_mg) < s.visible_mg:
            continue
        if now_ms - step.t_ms < 2_000 and not at_checkout:
            continue  # a scan (or a removal) may still be on its way
        if step.delta_mg > 0:
            mine = next(
                (i for i, at in enumerate(own)
                 if at is None or -30_000 <= step.t_ms - at <= 60_000),
                None,
            )  # fmt: skip
            if mine is not None:
                del own[mine]
                continue
            find(FindingKind.UNSCANNED_ITEM, step.t_ms,
                 "Did you scan the item you just placed? Please scan it.",
                 f"{_grams(step.delta_mg)} placed with no scan",
                 delta_mg=step.delta_mg)  # fmt: skip
        else:
            find(FindingKind.UNRECORDED_REMOVAL, step.t_ms,
                 "Did you take something out? Please remove it from your list too.",
                 f"{_grams(-step.delta_mg)} taken out, not removed from the list",
                 delta_mg=step.delta_mg)  # fmt: skip
    for o in opens:
        if o.settled or now_ms - o.change.t_ms <= s.ask_after_ms:
            continue
        assert o.expected_mg is not None
        if o.expected_mg > 0:
            find(FindingKind.NOT_PLACED, o.change.t_ms,
                 f"Please place the {o.change.name} you scanned in the cart.",
                 f"{o.change.name}: {_grams(o.expected_mg)} expected, nothing placed",
                 line_id=o.change.line_id)  # fmt: skip
        else:
            find(FindingKind.REMOVED_NOT_TAKEN_OUT, o.change.t_ms,
                 f"Please take the {o.change.name} you removed out of the cart.",
                 f"{o.change.name}: removed from the list, {_grams(-o.expected_mg)} still in "
                 "the cart", line_id=o.change.line_id)  # fmt: skip

    if changes and (last_reading_ms is None or now_ms - last_reading_ms > s.offline_after_ms):
        since = (
            "never reported"
            if last_reading_ms is None
            else (f"silent for {(now_ms - last_reading_ms) // 1000} s")
        )
        find(FindingKind.SCALE_OFFLINE, now_ms, "The cart's scale isn't responding. An "
             "associate will help at checkout.", f"scale offline: {since}")  # fmt: skip
    if problems:
        kinds = sorted({p.kind for p in problems})
        find(FindingKind.SIGNAL_PROBLEM, problems[-1].t_ms, "The cart's scale needs a check.",
             f"{len(problems)} readings set aside ({', '.join(kinds)}); last: "
             f"{problems[-1].detail}")  # fmt: skip

    findings.sort(key=lambda f: (f.t_ms, f.kind))
    status = Severity.CLEAR
    for f in findings:
        if f.severity is Severity.REVIEW:
            status = Severity.REVIEW
        elif status is Severity.CLEAR:
            status = Severity.ATTENTION
    flagged = {f.line_id for f in findings}
    matched = tuple(
        (o.change.line_id, o.steps[0].delta_mg // o.change.units)
        for o in opens
        if len(o.steps) == 1
        and sum(1 for other in opens if o.steps[0] in other.steps) == 1  # not placed together
        and o.change.units > 0
        and o.change.weighed_mg is None
        and o.change.line_id not in flagged
    )
    return Verification(
        status=status, findings=tuple(findings), unweighed_units=unweighed, matched=matched
    )


def _came_and_went(
    free: Sequence[Step],
    used: set[int],
    first: _Open,
    then: _Open,
    window: Callable[[_Open, Step, int], bool],
    s: MatchSettings,
) -> tuple[int, int] | None:
    """Unexplained steps, one near each change, of the same size and opposite signs."""
    sign = 1 if first.change.units > 0 else -1
    for k, into in enumerate(free):
        if k in used or into.delta_mg * sign <= 0 or not window(first, into, s.ask_after_ms):
            continue
        for j, back in enumerate(free):
            if (
                j not in used
                and j != k
                and back.t_ms > into.t_ms
                and back.delta_mg * sign < 0
                and window(then, back, s.ask_after_ms)
                and abs(into.delta_mg + back.delta_mg)
                <= 2 * s.resolution_mg + abs(into.delta_mg) * 3 // 100
            ):
                return k, j
    return None


def _together(step: Step, near: list[_Open], size: int, s: MatchSettings) -> list[_Open] | None:
    """``size`` of these changes whose weights add up to the step, the earliest such set."""
    for group in itertools.combinations(near, size):
        if _adds_up(step, group, s):
            return list(group)
    return None


def _adds_up(step: Step, group: Sequence[_Open], s: MatchSettings) -> bool:
    expected = sum(o.expected_mg or 0 for o in group)
    spread = math.isqrt(sum((o.tolerance_mg - s.resolution_mg) ** 2 for o in group))
    return abs(step.delta_mg - expected) <= spread + s.resolution_mg
