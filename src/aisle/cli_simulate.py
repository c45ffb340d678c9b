"""``aisle simulate``: shopping trips through the real verification engine, with a report.

Baskets are the real ones of the groceries data, on products of a real Konzum price list (see
``docs/simulator.md`` for every assumption). It prints reviews and audits per 1,000 trips, the
catch rate by kind of mistake and by weight, false alerts early and late in the run, and the
value that left unpaid, and writes the plots to ``--out``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from aisle.sim.catalog import load_catalog
from aisle.sim.plots import write_plots
from aisle.sim.report import Rate, Report, report
from aisle.sim.runner import Store, TripOutcome, simulate
from aisle.sim.shoppers import Behaviour

__all__ = ["results_table", "simulate_command"]

out = Console()
err = Console(stderr=True, soft_wrap=True)


def _pct(rate: Rate) -> str:
    return "-" if rate.catch is None else f"{100 * rate.catch:.1f} %"


def results_table(result: Report, *, title: str = "Simulated trips") -> Table:
    table = Table(title=title)
    table.add_column("")
    table.add_column("value", justify="right")
    table.add_column("n", justify="right")
    rows: list[tuple[str, str, str]] = [
        ("trips", f"{result.trips:,}", f"{result.units:,} units"),
        ("reviews per 1,000 trips", f"{result.reviews_per_1000:.1f}", ""),
        ("audits per 1,000 trips", f"{result.audits_per_1000:.1f}", ""),
        ("prompts to the shopper per 1,000 trips", f"{result.prompts_per_1000:.0f}", ""),
        ("mistakes the shopper put right when asked", f"{result.resolved_by_shopper:,}", ""),
        ("caught: unscanned items >= 100 g", _pct(result.unscanned_100g),
         str(result.unscanned_100g.total)),
        ("caught: swaps changing the weight >= 30 g", _pct(result.swaps_30g),
         str(result.swaps_30g.total)),
    ]  # fmt: skip
    rows += [(f"caught: {kind}", _pct(r), str(r.total)) for kind, r in result.by_kind.items()]
    rows += [(f"caught: {band}", _pct(r), str(r.total)) for band, r in result.by_band.items()]
    rows += [
        ("false alerts per 1,000 trips", f"{result.false_alerts_per_1000:.1f}", ""),
        ("  first fifth of the run", f"{result.false_alerts_early:.1f}", ""),
        ("  last fifth of the run", f"{result.false_alerts_late:.1f}", ""),
        ("value that would have left unpaid", f"{result.unpaid_minor / 100:.2f}", ""),
        ("value that left unpaid (not checked)", f"{result.left_unpaid_minor / 100:.2f}", ""),
        ("shoppers overcharged (uncorrected)", f"{result.overpaid_minor / 100:.2f}", ""),
    ]
    for row in rows:
        table.add_row(*row)
    return table


def run_with_progress(
    trips: int, *, seed: int, behaviour: Behaviour, store: Store, data: Path | None,
    console: Console,
) -> list[TripOutcome]:  # fmt: skip
    catalog = load_catalog(data, seed=seed)
    console.print(
        f"{len(catalog.baskets):,} real baskets on {len(catalog.all_products())} products; "
        f"{catalog.dropped_items:,} of {catalog.total_items:,} basket items have no product "
        "and are left out"
    )
    with Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(),
        MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True,
    ) as progress:  # fmt: skip
        task = progress.add_task("Trips", total=trips)
        return simulate(catalog, trips, seed=seed, behaviour=behaviour, store=store,
                        on_trip=lambda _: progress.advance(task))  # fmt: skip


def simulate_command(
    trips: Annotated[int, typer.Option(help="How many trips")] = 1_000,
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same run")] = 1,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the plots")] = Path(
        "simulation"
    ),
    budget: Annotated[int, typer.Option(help="Reviews allowed per 1,000 trips")] = 50,
    audits: Annotated[int, typer.Option(help="Random audits per 1,000 trips")] = 10,
    forget_rate: Annotated[float, typer.Option(help="Per unit: placed, not scanned")] = 0.01,
    scan_twice_rate: Annotated[float, typer.Option(help="Per unit: scanned twice")] = 0.005,
    kept_in_hand_rate: Annotated[
        float, typer.Option(help="Per unit: scanned, placed later or never")
    ] = 0.02,
    together_rate: Annotated[
        float, typer.Option(help="Multi-unit lines scanned one by one, placed together")
    ] = 0.5,
    theft_rate: Annotated[float, typer.Option(help="Share of trips with a thief")] = 0.02,
    answer_rate: Annotated[
        float, typer.Option(help="Honest shoppers who do what the cart asks")
    ] = 0.9,
    no_learning: Annotated[
        bool, typer.Option("--no-learning", help="Keep the first guesses of product weights")
    ] = False,
    data: Annotated[
        Path | None, typer.Option(help="The shared data folder [$AISLE_SHARED_DATA or ../shared]")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the figures as JSON")] = False,
) -> None:
    """Simulate shopping trips through the real verification engine and report what it catches."""
    behaviour = Behaviour(
        forget_rate=forget_rate, scan_twice_rate=scan_twice_rate,
        kept_in_hand_rate=kept_in_hand_rate, together_rate=together_rate,
        theft_rate=theft_rate, answer_rate=answer_rate,
    )  # fmt: skip
    store = Store(budget=budget, audits=audits, learning=not no_learning)
    try:
        outcomes = run_with_progress(trips, seed=seed, behaviour=behaviour, store=store,
                                     data=data, console=err)  # fmt: skip
    except FileNotFoundError as error:
        err.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    result = report(outcomes)
    out.print(results_table(result))
    for path in write_plots(outcomes, result, out_dir, budget=budget):
        err.print(f"wrote {path}")
    if json_out:
        print(json.dumps(result.figures()))
