"""Verification: what the cart's scale catches, how rare reviews stay, and how fast the engine is.

The store is simulated (``aisle.sim``, assumptions in ``docs/simulator.md``): real baskets of the
groceries data on real Konzum products (store 0204, 2025-07-03) with true pack weights the engine
does not know, a load cell with noise, drift and jolts at 80 readings a second, shoppers who
forget, scan twice, keep items in hand, and thieves (no scan, swap, partial scan). Measured:

- on ``--trips`` trips (quick: 300; full: 5,000) run in order through the real engine, the store
  learning as it goes: reviews and audits per 1,000 trips, the catch rate of unscanned items of
  100 g or more and of swaps that change the weight by 30 g or more, the value that left unpaid;
- false alarms as the store learns, in each fifth of the run: honest trips flagged at checkout
  (a finding though no mistake was left open) and false alerts (reviews of trips with nothing
  unpaid), against the same trips played in a store that keeps its first guesses of the
  weights. The stores run side by side, one per core;
- throughput: readings per second of ``StepDetector.feed`` on one core over realistic 80 Hz
  traces (fed half a second at a time, as a cart sends them), against a naive detector that
  recomputes the window's mean and variance from scratch for every reading (the same rule);
- latency: from the moment the load truly comes to rest (the hand lets go: placement time plus
  the cell's ``settle_ms``) to the moment the detector reports the step, in the cart's own
  milliseconds (p50, p99); and the processor time of one decision (``verify``, ``risk_of``,
  ``decide`` on a whole trip, the cart's worst case at checkout);
- step size: how far each step of those placements (60 g to 2 kg) is from its item's weight,
  at 80 and at 10 readings a second (p50, p99, max).

Targets (the issue's): at most 50 reviews per 1,000 trips; at least 99 % of unscanned items of
100 g or more and 95 % of swaps of 30 g or more caught; 100,000 readings a second per core; a
decision at most 100 ms after the weight settles; false alerts that fall as the store learns.
Each has a ``meets_*`` flag; they are the simulator's honest figures, never tuned to pass.
``meets_false_alerts_fall`` reads: in every store, fewer honest trips flagged in the last fifth
of the run than in the first, and, over all the stores, fewer false alerts than the same trips
in stores that do not learn. False alerts alone are not compared from fifth to fifth: the review
budget is spent on the riskiest trips whatever they are, and a fifth holds some 25 of them.

    python benchmarks/verification.py              # 5,000 trips
    python benchmarks/verification.py --quick      # 300 trips
    python benchmarks/verification.py --seeds 4    # 4 stores of 5,000 trips, catch rates pooled

A run of 5,000 trips has some 80 unscanned items of 100 g or more and 20 to 30 swaps of 30 g or
more, so one item caught or missed moves a catch rate by 1 to 5 points. ``--seeds N`` runs N
stores (seeds ``seed`` to ``seed + N - 1``, each learning from nothing) and pools their items:
the catch rates then come with a 95 % (Wilson) interval under ``pooled``, and the ``meets_*``
flags read the pooled figures (the review budget: every store's).
The other figures at the top of the JSON are the first store's.

The data comes from ``../shared/data`` relative to the project (or ``$AISLE_SHARED_DATA``). The
last line of stdout is one JSON object with the headline figures.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import queue
import random
import statistics
import sys
import time
from collections import deque
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from aisle.cli_simulate import fifths_text, results_table
from aisle.domain.verify import (
    DetectorSettings,
    ListChange,
    Step,
    StepDetector,
    decide,
    risk_of,
    verify,
)
from aisle.sim.catalog import SimCatalog, load_catalog, shared_folder
from aisle.sim.loadcell import CellModel, LoadCell, Placement, readings
from aisle.sim.report import Report, report
from aisle.sim.runner import Store, simulate
from aisle.sim.shoppers import Behaviour, plan_trip

BUDGET = 50
UNSCANNED_TARGET = 0.99
SWAP_TARGET = 0.95
THROUGHPUT_TARGET = 100_000
LATENCY_TARGET_MS = 100


class NaiveDetector:
    """The detector's rule, with the window's statistics recomputed for every reading."""

    def __init__(self, settings: DetectorSettings | None = None) -> None:
        self.s = settings or DetectorSettings()
        self.window: deque[tuple[int, int]] = deque()
        self.reference: int | None = None
        self.steps: list[Step] = []

    def feed(self, samples: list[tuple[int, float]]) -> None:
        s = self.s
        for t, grams in samples:
            self.window.append((t, round(grams * 1000)))
            while t - self.window[0][0] > s.window_ms:
                self.window.popleft()
            values = [mg for _, mg in self.window]
            if len(values) < s.min_samples or t - self.window[0][0] < s.window_ms * 4 // 5:
                continue
            if statistics.pstdev(values) > s.noise_mg:
                continue
            level = int(statistics.fmean(values))
            if self.reference is None:
                self.reference = level
            elif abs(level - self.reference) >= s.min_step_mg:
                self.steps.append(Step(t_ms=t, delta_mg=level - self.reference, level_mg=level))
                self.reference = level
            else:
                self.reference = level


def traces(catalog: SimCatalog, count: int, seed: int) -> list[list[tuple[int, float]]]:
    """Whole trips' readings at 80 Hz, as the simulator's shoppers make them."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        plan = plan_trip(rng.choice(catalog.baskets), catalog, Behaviour(), rng)
        cell = LoadCell(CellModel(rate_hz=80), seed=rng.randrange(2**32))
        for a, b in plan.moving:
            cell.move(a, b)
        for p in plan.placements:
            cell.place(p.placement())
        out.append(cell.read(plan.end_ms))
    return out


def throughput(samples: list[list[tuple[int, float]]], naive: bool) -> float:
    """Readings per second, best of three, fed half a second (40 readings) at a time."""
    total = sum(len(t) for t in samples)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for trace in samples:
            detector = NaiveDetector() if naive else StepDetector()
            for k in range(0, len(trace), 40):
                detector.feed(trace[k : k + 40])
        best = min(best, time.perf_counter() - start)
    return total / best


def settle_latency(count: int, seed: int, rate_hz: int = 80) -> tuple[list[int], list[int]]:
    """Cart milliseconds from a load truly at rest to the detector's step, one item at a time
    (among jolts between them), and each step's error in milligrams (its size against the
    item's weight)."""
    rng = random.Random(seed)
    model = CellModel(rate_hz=rate_hz)
    out: list[int] = []
    errors: list[int] = []
    for _ in range(count):
        t, placements, moving = 2_000, [], []
        for _ in range(10):
            placements.append(Placement(t_ms=t, grams=rng.uniform(60, 2_000)))
            if rng.random() < 0.5:
                moving.append((t + 3_000, t + 3_000 + rng.randint(500, 3_000)))
            t += 8_000
        detector = StepDetector()
        samples = readings(placements, until_ms=t, moving=moving, model=model,
                           seed=rng.randrange(2**32))  # fmt: skip
        for k in range(0, len(samples), rate_hz // 2):
            detector.feed(samples[k : k + rate_hz // 2])
        for p in placements:
            found = [s for s in detector.steps if p.t_ms < s.t_ms < p.t_ms + 8_000]
            if found:
                out.append(found[0].t_ms - (p.t_ms + model.settle_ms))
                errors.append(round(abs(found[0].delta_mg - p.grams * 1000)))
    return out, errors


@dataclass(frozen=True, slots=True)
class DecisionTiming:
    p50_ms: float
    p99_ms: float
    calls: int


def decision_time(catalog: SimCatalog, count: int, seed: int) -> DecisionTiming:
    """Processor time of verify + risk_of + decide over whole trips at checkout."""
    rng = random.Random(seed)
    store = Store()
    cases = []
    for _ in range(count):
        plan = plan_trip(rng.choice(catalog.baskets), catalog, Behaviour(), rng)
        cell = LoadCell(CellModel(rate_hz=80), seed=rng.randrange(2**32))
        for p in plan.placements:
            cell.place(p.placement())
        detector = StepDetector()
        detector.feed(cell.read(plan.end_ms))
        changes = [
            ListChange(
                t_ms=s.t_ms,
                line_id=s.product.gtin,
                name=s.product.name,
                units=s.units,
                unit_weight=None if s.weighed_mg else store.weight_of(s.product),
                weighed_mg=s.weighed_mg,
            )
            for s in plan.scans
        ]
        cases.append((changes, detector.steps, plan.end_ms, detector.last_t_ms))
    times = []
    for changes, steps, now, last in cases:
        start = time.perf_counter()
        v = verify(changes, steps, now_ms=now, last_reading_ms=last)
        decide(risk_of(v), 500_000, 999_999)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return DecisionTiming(
        p50_ms=times[len(times) // 2],
        p99_ms=times[min(len(times) - 1, len(times) * 99 // 100)],
        calls=len(times),
    )


def percentile(values: list[int], q: int) -> int:
    ranked = sorted(values)
    return ranked[min(len(ranked) - 1, len(ranked) * q // 100)] if ranked else 0


def wilson(caught: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % Wilson score interval of a rate of ``caught`` in ``total``.

    >>> [round(x, 3) for x in wilson(321, 324)]
    [0.973, 0.997]
    """
    if not total:
        return 0.0, 1.0
    p = caught / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * (p * (1 - p) / total + z * z / (4 * total * total)) ** 0.5 / (1 + z * z / total)
    return centre - half, centre + half


def pool(results: Sequence[Report]) -> dict[str, Any]:
    """The stores' items taken together: catch rates with their interval, and each store's."""
    figures: dict[str, Any] = {
        "trips": sum(r.trips for r in results),
        "reviews_per_1000": round(statistics.mean(r.reviews_per_1000 for r in results), 1),
        "most_reviews_per_1000": round(max(r.reviews_per_1000 for r in results), 1),
    }
    for name, rates in (
        ("unscanned_100g", [r.unscanned_100g for r in results]),
        ("swaps_30g", [r.swaps_30g for r in results]),
    ):
        caught, total = sum(x.reviewed for x in rates), sum(x.total for x in rates)
        low, high = wilson(caught, total)
        figures[f"catch_{name}"] = round(caught / total, 4) if total else 0.0
        figures[name] = total
        figures[f"caught_{name}"] = caught
        figures[f"catch_{name}_95"] = [round(low, 4), round(high, 4)]
        figures[f"catch_{name}_per_seed"] = [
            None if x.catch is None else round(x.catch, 4) for x in rates
        ]
    return figures


def pooled_table(pooled: dict[str, Any], seed: int, seeds: int) -> Table:
    table = Table(title=f"{seeds} stores pooled (seeds {seed} to {seed + seeds - 1})")
    for label in ("", "caught", "rate", "95 % interval", "per store"):
        table.add_column(label, justify="right" if label else "left")
    for name, label in (("unscanned_100g", "unscanned, 100 g or more"),
                        ("swaps_30g", "swaps of 30 g or more")):  # fmt: skip
        low, high = pooled[f"catch_{name}_95"]
        per = ", ".join("-" if x is None else f"{x:.1%}" for x in pooled[f"catch_{name}_per_seed"])
        caught = f"{pooled[f'caught_{name}']} of {pooled[name]}"
        rate = f"{pooled[f'catch_{name}']:.2%}"
        table.add_row(label, caught, rate, f"{low:.1%} to {high:.1%}", per)
    table.add_row("reviews per 1,000 trips", "", f"{pooled['reviews_per_1000']}", "",
                  f"most {pooled['most_reviews_per_1000']}")  # fmt: skip
    return table


def _store(
    run_seed: int, learning: bool, count: int, together_rate: float, folder: Path, ticks: Any
) -> tuple[int, bool, Report]:
    """In a worker process: one store's run, learning or keeping its first guesses."""
    catalog = load_catalog(folder, seed=run_seed)
    done = 0

    def tick(_: object) -> None:
        nonlocal done
        done += 1
        if done % 50 == 0 or done == count:
            ticks.put(50 if done % 50 == 0 else done % 50)

    outcomes = simulate(
        catalog, count, seed=run_seed, behaviour=Behaviour(together_rate=together_rate),
        store=Store(budget=BUDGET, learning=learning), on_trip=tick,
    )  # fmt: skip
    return run_seed, learning, report(outcomes)


def run_stores(
    run_seeds: range, count: int, together_rate: float, folder: Path, err: Console
) -> dict[tuple[int, bool], Report]:
    """Each store twice over the same trips, learning and not, on every core: the store that
    does not learn is what its false alarms would have been without learning."""
    jobs = [(s, learning) for s in run_seeds for learning in (True, False)]
    context = multiprocessing.get_context("fork")
    out: dict[tuple[int, bool], Report] = {}
    with (
        context.Manager() as manager,
        ProcessPoolExecutor(min(len(jobs), os.cpu_count() or 1), mp_context=context) as pool,
        Progress(
            TextColumn("[progress.description]{task.description}"), BarColumn(),
            MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True,
        ) as progress,
    ):  # fmt: skip
        ticks = manager.Queue()
        bar = progress.add_task(
            f"Trips: {len(run_seeds)} stores, learning and not", total=count * len(jobs)
        )
        futures = [
            pool.submit(_store, s, learning, count, together_rate, folder, ticks)
            for s, learning in jobs
        ]
        while not all(f.done() for f in futures):
            with contextlib.suppress(queue.Empty):
                progress.advance(bar, ticks.get(timeout=0.5))
        for future in futures:
            run_seed, learning, result = future.result()
            out[run_seed, learning] = result
    return out


def learning_figures(results: Sequence[Report], baselines: Sequence[Report]) -> dict[str, Any]:
    """False alarms as each store learns, against the same trips in a store that does not."""

    def total(reports: Sequence[Report], per_1000: str) -> float:
        return round(statistics.mean(getattr(r, per_1000) for r in reports), 1)

    def fifths(values: Sequence[float]) -> list[float]:
        return [round(v, 1) for v in values]

    unlearned = pool(baselines)
    return {
        "flagged_honest_by_fifth_per_seed": [fifths(r.flagged_honest_by_fifth) for r in results],
        "unlearned_flagged_honest_by_fifth_per_seed": [
            fifths(r.flagged_honest_by_fifth) for r in baselines
        ],
        "false_alerts_by_fifth_per_seed": [fifths(r.false_alerts_by_fifth) for r in results],
        "unlearned_false_alerts_by_fifth_per_seed": [
            fifths(r.false_alerts_by_fifth) for r in baselines
        ],
        "flagged_honest_per_1000": total(results, "flagged_honest_per_1000"),
        "unlearned_flagged_honest_per_1000": total(baselines, "flagged_honest_per_1000"),
        "false_alerts_per_1000": total(results, "false_alerts_per_1000"),
        "unlearned_false_alerts_per_1000": total(baselines, "false_alerts_per_1000"),
        "unlearned_reviews_per_1000": total(baselines, "reviews_per_1000"),
        "unlearned_catch_unscanned_100g": unlearned["catch_unscanned_100g"],
        "unlearned_catch_swaps_30g": unlearned["catch_swaps_30g"],
        "flagged_honest_fall_every_store": all(
            r.flagged_honest_by_fifth[-1] < r.flagged_honest_by_fifth[0] for r in results
        ),
        "false_alerts_fall_every_store": all(
            r.false_alerts_late < r.false_alerts_early for r in results
        ),
        "false_alerts_fewer_than_unlearned": sum(r.false_alerts_per_1000 for r in results)
        < sum(r.false_alerts_per_1000 for r in baselines),
    }


def learning_table(results: Sequence[Report], baselines: Sequence[Report], seed: int) -> Table:
    table = Table(title="False alarms per 1,000 trips, each fifth of the run: learning, and the "
                  "same trips in a store that keeps its first guesses")  # fmt: skip
    for label in ("store", "honest trips flagged", "not learning", "false alerts (reviews)",
                  "not learning"):  # fmt: skip
        table.add_column(label, justify="left" if label == "store" else "right")

    for k, (r, b) in enumerate(zip(results, baselines, strict=True)):
        table.add_row(
            f"seed {seed + k}", fifths_text(r.flagged_honest_by_fifth),
            fifths_text(b.flagged_honest_by_fifth), fifths_text(r.false_alerts_by_fifth),
            fifths_text(b.false_alerts_by_fifth),
        )  # fmt: skip
    return table


app = typer.Typer(add_completion=False)


@app.command()
def main(
    quick: Annotated[bool, typer.Option(help="300 trips, shorter timings")] = False,
    trips: Annotated[int | None, typer.Option(help="Trips [5,000; quick: 300]")] = None,
    seed: Annotated[int, typer.Option(help="Seed for the store, the shoppers, the cells")] = 1,
    together_rate: Annotated[
        float, typer.Option(help="Multi-unit lines scanned one by one, placed together")
    ] = 0.5,
    seeds: Annotated[
        int, typer.Option(help="Stores to run (seeds seed, seed+1, ...); catch rates pooled")
    ] = 1,
) -> None:
    """Simulate trips through the verification engine; measure its catch rates and its speed."""
    out, err = Console(), Console(stderr=True)
    folder = shared_folder()
    try:
        catalog = load_catalog(folder, seed=seed)
    except FileNotFoundError as error:
        raise typer.BadParameter(str(error)) from None
    count = trips if trips is not None else (300 if quick else 5_000)
    runs = run_stores(range(seed, seed + seeds), count, together_rate, folder, err)
    results = [runs[s, True] for s in range(seed, seed + seeds)]
    baselines = [runs[s, False] for s in range(seed, seed + seeds)]
    result = results[0]
    err.print("Timing the detector")
    sample = traces(catalog, 10 if quick else 40, seed)
    engine = throughput(sample, naive=False)
    naive = throughput(sample[: max(len(sample) // 4, 1)], naive=True)
    latency, errors = settle_latency(20 if quick else 100, seed)
    _, errors_10hz = settle_latency(20 if quick else 100, seed, rate_hz=10)
    decision = decision_time(catalog, 200 if quick else 1_000, seed)

    for run_seed, run in zip(range(seed, seed + seeds), results, strict=True):
        out.print(results_table(run, title=f"{count:,} simulated trips, seed {run_seed}, "
                                f"budget {BUDGET}"))  # fmt: skip
    pooled = pool(results)
    if seeds > 1:
        out.print(pooled_table(pooled, seed, seeds))
    learned = learning_figures(results, baselines)
    out.print(learning_table(results, baselines, seed))
    speed = Table(title="Engine speed (one core)")
    speed.add_column("")
    speed.add_column("value", justify="right")
    speed.add_row("readings per second, StepDetector.feed", f"{engine:,.0f}")
    speed.add_row("readings per second, naive window recomputed", f"{naive:,.0f}")
    speed.add_row("speed-up", f"{engine / naive:.1f} x")
    speed.add_row("carts at 80 Hz per core", f"{engine / 80:,.0f}")
    speed.add_row("load at rest to step, p50 (cart ms)", str(percentile(latency, 50)))
    speed.add_row("load at rest to step, p99 (cart ms)", str(percentile(latency, 99)))
    for rate, errs in ((80, errors), (10, errors_10hz)):
        speed.add_row(
            f"step size error at {rate} Hz, p50 / p99 / max (g)",
            " / ".join(f"{percentile(errs, q) / 1000:.1f}" for q in (50, 99, 100)),
        )
    speed.add_row("decision at checkout (verify+risk), p50 ms", f"{decision.p50_ms:.3f}")
    speed.add_row("decision at checkout (verify+risk), p99 ms", f"{decision.p99_ms:.3f}")
    out.print(speed)

    figures = result.figures()
    at_rest_p99 = percentile(latency, 99)
    headline = {
        "benchmark": "verification",
        "quick": quick,
        "seed": seed,
        "together_rate": together_rate,
        **{
            k: figures[k]
            for k in (
                "trips",
                "reviews_per_1000",
                "audits_per_1000",
                "catch_unscanned_100g",
                "unscanned_100g",
                "catch_swaps_30g",
                "swaps_30g",
                "false_alerts_per_1000",
                "false_alerts_early_per_1000",
                "false_alerts_late_per_1000",
                "unpaid_minor",
                "left_unpaid_minor",
                "catch_by_kind",
                "catch_by_band",
            )
        },
        "readings_per_s_per_core": round(engine),
        "naive_readings_per_s": round(naive),
        "speedup_vs_naive": round(engine / naive, 1),
        "step_error_g_80hz": [percentile(errors, q) / 1000 for q in (50, 99, 100)],
        "step_error_g_10hz": [percentile(errors_10hz, q) / 1000 for q in (50, 99, 100)],
        "rest_to_step_p50_ms": percentile(latency, 50),
        "rest_to_step_p99_ms": at_rest_p99,
        "decision_p99_ms": round(decision.p99_ms, 3),
        "seeds": seeds,
        "pooled": pooled,
        "meets_review_budget": all(r.reviews_per_1000 <= BUDGET for r in results),
        "meets_unscanned_100g": pooled["catch_unscanned_100g"] >= UNSCANNED_TARGET,
        "meets_swaps_30g": pooled["catch_swaps_30g"] >= SWAP_TARGET,
        "learning": learned,
        "meets_false_alerts_fall": learned["flagged_honest_fall_every_store"]
        and learned["false_alerts_fewer_than_unlearned"],
        "meets_throughput": engine >= THROUGHPUT_TARGET,
        "meets_decision_compute_100ms": decision.p99_ms <= LATENCY_TARGET_MS,
        "meets_decision_100ms_after_rest": at_rest_p99 + decision.p99_ms <= LATENCY_TARGET_MS,
    }
    sys.stdout.flush()
    print(json.dumps(headline, allow_nan=False))


if __name__ == "__main__":
    app()
