"""``aisle simulate``: shopping trips through the real verification engine, with a report.

Baskets are the real ones of the groceries data, on products of a real Konzum price list (see
``docs/simulator.md`` for every assumption). It prints reviews and audits per 1,000 trips, the
catch rate by kind of mistake and by weight, false alerts early and late in the run, and the
value that left unpaid, and writes the plots to ``--out``.

With ``--http URL`` the same trips run against a real store server over its HTTP API, as cart
devices (``--device-token``) and an associate (``--staff-user``/``--staff-password``) would use
it; the server decides reviews and audits itself (:mod:`aisle.sim.http`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from aisle.domain.verify import Decision
from aisle.sim.catalog import SimCatalog, load_catalog
from aisle.sim.plots import write_plots
from aisle.sim.report import Rate, Report, report
from aisle.sim.runner import Store, TripOutcome, simulate
from aisle.sim.shoppers import Behaviour

if TYPE_CHECKING:
    from aisle.sim.http import HttpTrip, StoreServer

__all__ = [
    "fifths_text",
    "http_figures",
    "http_table",
    "results_table",
    "run_http_with_progress",
    "simulate_command",
]

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
        ("honest trips flagged at checkout per 1,000", f"{result.flagged_honest_per_1000:.1f}", ""),
        ("  each fifth of the run", fifths_text(result.flagged_honest_by_fifth), ""),
        (
            "false alerts (reviews, nothing unpaid) per 1,000",
            f"{result.false_alerts_per_1000:.1f}",
            "",
        ),
        ("  each fifth of the run", fifths_text(result.false_alerts_by_fifth), ""),
        ("value that would have left unpaid", f"{result.unpaid_minor / 100:.2f}", ""),
        ("value that left unpaid (not checked)", f"{result.left_unpaid_minor / 100:.2f}", ""),
        ("shoppers overcharged (uncorrected)", f"{result.overpaid_minor / 100:.2f}", ""),
    ]
    for row in rows:
        table.add_row(*row)
    return table


def fifths_text(values: Sequence[float]) -> str:
    """Figures per fifth of a run, in order: ``90 → 63 → 46 → 33 → 27``."""
    return " → ".join(f"{v:.0f}" for v in values)


def _catalog(data: Path | None, seed: int, console: Console) -> SimCatalog:
    catalog = load_catalog(data, seed=seed)
    console.print(
        f"{len(catalog.baskets):,} real baskets on {len(catalog.all_products())} products; "
        f"{catalog.dropped_items:,} of {catalog.total_items:,} basket items have no product "
        "and are left out"
    )
    return catalog


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(),
        MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True,
    )  # fmt: skip


def run_with_progress(
    trips: int, *, seed: int, behaviour: Behaviour, stores: Sequence[Store], data: Path | None,
    console: Console,
) -> list[list[TripOutcome]]:  # fmt: skip
    """The same trips in each store, one after the other, over one reading of the catalog."""
    catalog = _catalog(data, seed, console)
    runs = []
    with _progress(console) as progress:
        for k, store in enumerate(stores):
            label = "Trips" if k == 0 else "The same trips, weights not learned"
            task = progress.add_task(label, total=trips)

            def advance(_: TripOutcome, task: TaskID = task) -> None:
                progress.advance(task)

            runs.append(simulate(catalog, trips, seed=seed, behaviour=behaviour, store=store,
                                 on_trip=advance))  # fmt: skip
    return runs


def run_http_with_progress(
    trips: int, server: StoreServer, *, seed: int, behaviour: Behaviour, data: Path | None,
    console: Console,
) -> list[HttpTrip]:  # fmt: skip
    """The trips on the server, after checking that it has the simulator's products."""
    from aisle.sim.http import simulate_http

    catalog = _catalog(data, seed, console)
    products = catalog.all_products()
    server.check_catalog([*products[:2], *[p for p in products if p.weighed][:1]])
    server.staff_headers()  # a wrong staff login fails now, not at the first review
    with _progress(console) as progress:
        task = progress.add_task(f"Trips on {server.base_url}", total=trips)
        return simulate_http(catalog, trips, server, seed=seed, behaviour=behaviour,
                             on_trip=lambda _: progress.advance(task))  # fmt: skip


def http_figures(trips: list[HttpTrip]) -> dict[str, object]:
    """What the server did, as it reported it."""
    reported = [t.outcome for t in trips if t.risk_reported]
    thresholds = sorted({o.threshold for o in reported})
    seconds = sum(t.seconds for t in trips)
    requests = sum(t.requests for t in trips)
    return {
        "held_for_review": sum(t.outcome.decision is Decision.REVIEW for t in trips),
        "exit_audits": sum(t.outcome.decision is Decision.AUDIT for t in trips),
        "resolved_item_added": sum(t.resolution == "item_added" for t in trips),
        "resolved_all_fine": sum(t.resolution == "all_fine" for t in trips),
        "thresholds_ppm": thresholds,
        "requests": requests,
        "ms_per_request": round(1000 * seconds / requests, 1) if requests else None,
        "seconds": round(seconds, 1),
    }


def http_table(trips: list[HttpTrip], base_url: str) -> Table:
    figures = http_figures(trips)
    table = Table(title=f"What the server at {base_url} decided")
    table.add_column("")
    table.add_column("value", justify="right")
    thresholds = figures["thresholds_ppm"]
    assert isinstance(thresholds, list)
    shown = (
        "-" if not thresholds else f"{thresholds[0]:,}" if len(thresholds) == 1
        else f"{thresholds[0]:,} to {thresholds[-1]:,}"
    )  # fmt: skip
    rows = [
        ("trips held for review (409 review_required)", f"{figures['held_for_review']:,}"),
        ("exit audits (receipt marked audit)", f"{figures['exit_audits']:,}"),
        ("resolved by the associate: item added", f"{figures['resolved_item_added']:,}"),
        ("resolved by the associate: all fine", f"{figures['resolved_all_fine']:,}"),
        ("thresholds the server reported (ppm)", shown),
        ("requests", f"{figures['requests']:,}"),
        ("ms per request (wall clock)", str(figures["ms_per_request"] or "-")),
    ]
    for row in rows:
        table.add_row(*row)
    return table


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
    baseline: Annotated[
        bool,
        typer.Option("--baseline", help="Run the same trips again in a store that keeps its "
                     "first guesses, and plot its false alarms next to the learning store's"),
    ] = False,
    data: Annotated[
        Path | None, typer.Option(help="The shared data folder [$AISLE_SHARED_DATA or ../shared]")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the figures as JSON")] = False,
    http: Annotated[
        str | None,
        typer.Option(
            "--http", metavar="URL",
            help="Run the trips on a store server over its HTTP API (it needs the Konzum list "
            "imported and AISLE_STORE_ID=0204; see docs/simulator.md)",
        ),
    ] = None,
    device_token: Annotated[
        str | None,
        typer.Option(envvar="AISLE_SIM_DEVICE_TOKEN",
                     help="With --http: a cart device's token (`aisle device add`)"),
    ] = None,
    staff_user: Annotated[
        str | None,
        typer.Option(help="With --http: the associate who resolves reviews (`aisle staff add`)"),
    ] = None,
    staff_password: Annotated[
        str | None,
        typer.Option(envvar="AISLE_SIM_STAFF_PASSWORD", help="With --http: that staff password"),
    ] = None,
) -> None:  # fmt: skip
    """Simulate shopping trips through the real verification engine and report what it catches."""
    behaviour = Behaviour(
        forget_rate=forget_rate, scan_twice_rate=scan_twice_rate,
        kept_in_hand_rate=kept_in_hand_rate, together_rate=together_rate,
        theft_rate=theft_rate, answer_rate=answer_rate,
    )  # fmt: skip
    if http is not None:
        _simulate_http(http, trips, seed=seed, behaviour=behaviour, data=data, out_dir=out_dir,
                       budget=budget, json_out=json_out, device_token=device_token,
                       staff_user=staff_user, staff_password=staff_password)  # fmt: skip
        return
    if baseline and no_learning:
        err.print("[red]--baseline compares learning with --no-learning: give one of them[/red]")
        raise typer.Exit(2)
    stores = [Store(budget=budget, audits=audits, learning=not no_learning)]
    if baseline:
        stores.append(Store(budget=budget, audits=audits, learning=False))
    try:
        outcomes, *rest = run_with_progress(trips, seed=seed, behaviour=behaviour,
                                            stores=stores, data=data, console=err)  # fmt: skip
        unlearned = rest[0] if rest else None
    except FileNotFoundError as error:
        err.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    result = report(outcomes)
    out.print(results_table(result))
    base = None if unlearned is None else report(unlearned)
    if base is not None:
        out.print(results_table(base, title="The same trips, weights not learned"))
    for path in write_plots(outcomes, result, out_dir, budget=budget, baseline=unlearned):
        err.print(f"wrote {path}")
    if json_out:
        figures = result.figures()
        print(json.dumps(figures if base is None else {**figures, "baseline": base.figures()}))


def _simulate_http(
    url: str, trips: int, *, seed: int, behaviour: Behaviour, data: Path | None, out_dir: Path,
    budget: int, json_out: bool, device_token: str | None, staff_user: str | None,
    staff_password: str | None,
) -> None:  # fmt: skip
    given = {"--device-token": device_token, "--staff-user": staff_user,
             "--staff-password": staff_password}  # fmt: skip
    missing = [name for name, value in given.items() if not value]
    if missing:
        err.print(f"[red]--http needs {', '.join(missing)}[/red]")
        raise typer.Exit(2)
    assert device_token and staff_user and staff_password
    from aisle.sim.http import ServerError, StoreServer  # httpx only when it's needed

    err.print(
        f"The server at {url} decides reviews and audits itself (AISLE_REVIEWS_PER_1000, "
        "AISLE_AUDITS_PER_1000) and learns weights itself: --budget only marks the plot, "
        "--audits and --no-learning don't apply"
    )
    try:
        with StoreServer(url, device_token=device_token, staff_user=staff_user,
                         staff_password=staff_password) as server:  # fmt: skip
            done = run_http_with_progress(trips, server, seed=seed, behaviour=behaviour,
                                          data=data, console=err)  # fmt: skip
    except FileNotFoundError as error:
        err.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    except ServerError as error:
        err.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    outcomes = [t.outcome for t in done]
    result = report(outcomes)
    out.print(results_table(result, title=f"Simulated trips on {url}"))
    out.print(http_table(done, url))
    for path in write_plots(outcomes, result, out_dir, budget=budget):
        err.print(f"wrote {path}")
    if json_out:
        print(json.dumps({**result.figures(), "http": http_figures(done)}))
