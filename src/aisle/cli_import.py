"""``aisle import``: load catalogs and price lists, with a progress bar and a report of every
rejected row."""

from __future__ import annotations

import csv
import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from aisle.domain.catalog import TaxClass
from aisle.services.importing import ImportReport, ProductRecord, Rejection

import_app = typer.Typer(help="Import catalogs and price lists.", no_args_is_help=True)
console = Console()

FileArg = Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help="Files to import")]
RejectsOpt = Annotated[
    Path | None, typer.Option(help="Write every rejected row (file, line, reason) to this CSV")
]


def _count_lines(path: Path) -> int:
    import gzip

    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        return sum(1 for _ in handle)


def run_imports(
    files: list[Path],
    read: Callable[[Path], Iterable[ProductRecord | Rejection]],
    *,
    source_prefix: str,
    rejects: Path | None,
    effective: Callable[[Path], datetime | None] = lambda _: None,
    store: Callable[[Path], str] = lambda _: "",
    tax_classes: Iterable[TaxClass] = (),
) -> list[ImportReport]:
    from aisle.cli import _services, _settings

    settings = _settings()
    services = _services(settings)
    reports: list[ImportReport] = []
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        for path in files:
            task = progress.add_task(f"Importing {path.name}", total=_count_lines(path))
            report = services.imports.run(
                read(path),
                source=f"{source_prefix}:{path.name}",
                currency=settings.currency,
                store=store(path),
                effective_from=effective(path),
                tax_classes=list(tax_classes),
                progress=functools.partial(progress.advance, task),
            )
            progress.update(task, completed=progress.tasks[task].total)
            reports.append(report)
    _show(reports)
    if rejects is not None:
        with rejects.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["file", "line", "reason"])
            for report in reports:
                for rejection in report.rejected:
                    writer.writerow([report.source, rejection.line, rejection.reason])
        console.print(f"Rejected rows written to {rejects}")
    return reports


def _show(reports: list[ImportReport]) -> None:
    table = Table(title="Import")
    for column in ("file", "rows", "new", "updated", "unchanged", "price changes", "rejected"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for r in reports:
        table.add_row(
            r.source.split(":", 1)[-1],
            f"{r.rows:,}",
            f"{r.created:,}",
            f"{r.updated:,}",
            f"{r.unchanged:,}",
            f"{r.price_changes:,}",
            f"{len(r.rejected):,}",
        )
    console.print(table)
    reasons = Counter(_kind(rejection.reason) for r in reports for rejection in r.rejected)
    if reasons:
        why = Table(title="Why rows were rejected")
        why.add_column("reason")
        why.add_column("rows", justify="right")
        why.add_column("first example")
        examples: dict[str, str] = {}
        for r in reports:
            for rejection in r.rejected:
                examples.setdefault(
                    _kind(rejection.reason), f"{r.source} line {rejection.line}: {rejection.reason}"
                )
        for reason, count in reasons.most_common():
            why.add_row(reason, f"{count:,}", examples[reason])
        console.print(why)


def _kind(reason: str) -> str:
    """A reason without its particulars, so that rows rejected for one cause count together."""
    return re.sub(r"'[^']*'|\b\d[\d.,]*", "…", reason.split(":")[0])


@import_app.command("csv")
def import_csv(
    files: FileArg,
    preset: Annotated[str | None, typer.Option(help="A built-in column mapping: konzum")] = None,
    mapping: Annotated[Path | None, typer.Option(help="A TOML column mapping file")] = None,
    rejects: RejectsOpt = None,
) -> None:
    """A CSV price list with a column mapping (for example Konzum's published lists)."""
    from aisle.adapters.importers import csv_mapped

    if (preset is None) == (mapping is None):
        raise typer.BadParameter("give either --preset or --mapping")
    if preset is not None:
        chosen = csv_mapped.preset(preset)
    else:
        assert mapping is not None
        chosen = csv_mapped.load_mapping(mapping)
    run_imports(
        files,
        lambda path: csv_mapped.read_csv(path, chosen),
        source_prefix=preset or "csv",
        rejects=rejects,
        effective=chosen.effective_from,
        store=chosen.store,
        tax_classes=chosen.domain_tax_classes(),
    )


@import_app.command("off")
def import_off(files: FileArg, rejects: RejectsOpt = None) -> None:
    """Open Food Facts JSONL (.jsonl or .jsonl.gz): products without prices."""
    from aisle.adapters.importers.openfoodfacts import read_openfoodfacts

    run_imports(files, read_openfoodfacts, source_prefix="off", rejects=rejects)


@import_app.command("usda")
def import_usda(files: FileArg, rejects: RejectsOpt = None) -> None:
    """USDA FoodData Central branded_food.csv: products without prices."""
    from aisle.adapters.importers.usda import read_usda

    run_imports(files, read_usda, source_prefix="usda", rejects=rejects)
