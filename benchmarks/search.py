"""Product search on real catalogs: latency per query, and how often a misspelt query still finds
the product it was meant for.

The catalog is every real product in the shared data that the importers accept: the four Konzum
price lists (one chain's catalog: 13,119 products, however many stores list each), Open Food
Facts (975) and USDA branded foods (9,214, 13 of them already in Open Food Facts), imported
through the real import service into a fresh SQLite database. That is about 23,300 products:
fewer than the 35,000 the requirement names, and nothing is added to pad it; the report says
so (``catalog_size``, ``meets_size``).

The queries are built from that catalog, deterministically (``--seed``):

- *first words*: the first word of product names, as written ("MLIJEKO", "Organic");
- *misspelt names*: a product's whole name, lower case without accents, with one letter
  dropped, swapped with the next or replaced in one word of five letters or more; only
  products whose name is unique, so that the product meant is certain. Found when it is among
  the first 10 results (recall@10);
- *misspelt words*: one such word alone ("mljeko"); found when one of the first 10 results has
  the word as it was spelt;
- *codes*: a product's code as a scanner reads it (EAN-13, UPC-A, EAN-8) or in its 14-digit
  form; found when that product comes first.

Every query goes through ``SqlCatalog.search`` (products with the first Konzum store's prices,
as the API gets them) on one connection, after a warm-up with other queries of the same kinds;
the harness's own objects are kept out of the garbage collector's way meanwhile (``gc.freeze``).
The in-run comparison is the naive search this replaced, every word as ``LIKE '%word%'``, on
the same queries and connection.

    python benchmarks/search.py                  # the whole catalog, 1,200 queries
    python benchmarks/search.py --quick          # one Konzum list, 230 queries
    python benchmarks/search.py --postgres postgresql://postgres@127.0.0.1:5432/test

With ``--postgres``, the same catalog and queries also run on a fresh database created on that
server (and dropped afterwards). The data comes from ``../shared/data`` relative to the project
(or ``$AISLE_SHARED_DATA``). The last line of stdout is one JSON object with the headline
figures.
"""

from __future__ import annotations

import functools
import gc
import json
import math
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import SecretStr
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import and_, func, select

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # so that tests.support imports when run as a script

from aisle.adapters.db import tables as t
from aisle.adapters.db.catalog import SqlCatalog
from aisle.adapters.db.migrate import upgrade
from aisle.adapters.db.search import fold
from aisle.adapters.importers.csv_mapped import preset, read_csv
from aisle.adapters.importers.openfoodfacts import read_openfoodfacts
from aisle.adapters.importers.usda import read_usda
from aisle.bootstrap import Services, bootstrap
from aisle.domain.catalog import Product, TaxClass
from aisle.settings import Settings
from tests.support.postgres import fresh_database

REQUIRED_PRODUCTS = 35_000
P99_TARGET_MS = 10.0
QUICK_LIST = "konzum-0901-2025-07-03.csv"
US_TAX = [TaxClass(code="standard", name="Sales tax", rate_percent=0)]  # type: ignore[arg-type]
# first words, misspelt names, misspelt words, codes
FULL_MIX = (300, 500, 200, 200)
QUICK_MIX = (50, 100, 40, 40)
WARM_UP = 100


def shared_folder() -> Path:
    return Path(os.environ.get("AISLE_SHARED_DATA", ROOT.parent / "shared" / "data"))


# -- the catalog ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Source:
    label: str
    rows: int
    load: Callable[[Services, Callable[[int], None]], int]
    store: str = ""  # the store whose price list it is


def sources(data: Path, *, quick: bool) -> list[Source]:
    konzum = preset("konzum")
    lists = sorted((data / "konzum-prices-2025-07-03").glob("konzum-*.csv"))
    if quick:
        lists = [path for path in lists if path.name == QUICK_LIST]

    def konzum_list(path: Path) -> Callable[[Services, Callable[[int], None]], int]:
        def load(services: Services, progress: Callable[[int], None]) -> int:
            return services.imports.run(
                read_csv(path, konzum),
                source=f"konzum:{path.name}",
                currency="EUR",
                store=konzum.store(path),
                effective_from=konzum.effective_from(path),
                tax_classes=konzum.domain_tax_classes(),
                progress=progress,
            ).created

        return load

    def unpriced(
        path: Path, read: Any, label: str
    ) -> Callable[[Services, Callable[[int], None]], int]:
        def load(services: Services, progress: Callable[[int], None]) -> int:
            report = services.imports.run(
                read(path), source=label, currency="EUR", tax_classes=US_TAX, progress=progress
            )
            return report.created

        return load

    found = [Source(p.name, _lines(p) - 1, konzum_list(p), konzum.store(p)) for p in lists]
    if not quick:
        off = data / "openfoodfacts-min" / "openfoodfacts-products-min.jsonl.gz"
        usda = data / "usda-fdc-branded-sample" / "branded_food.csv"
        found.append(Source("Open Food Facts", 1_000, unpriced(off, read_openfoodfacts, "off")))
        found.append(
            Source("USDA branded foods", _lines(usda) - 1, unpriced(usda, read_usda, "usda"))
        )
    return found


def _lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def load_catalog(services: Services, catalog: Sequence[Source], err: Console) -> dict[str, int]:
    """Import every source through the real import service; returns products created each."""
    upgrade(services.engine)
    created: dict[str, int] = {}
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as progress:
        for source in catalog:
            bar = progress.add_task(f"Importing {source.label}", total=source.rows)
            created[source.label] = source.load(services, functools.partial(progress.advance, bar))
            progress.update(bar, completed=source.rows)
    return created


# -- the queries ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Query:
    kind: str
    text: str
    target: str = ""  # the GTIN it should find (misspelt names, codes)
    word: str = ""  # the word as it was spelt (misspelt words)


KINDS = ("first word", "misspelt name", "misspelt word", "code")


def misspell(word: str, rng: random.Random) -> str:
    """One letter dropped, swapped with the next, or replaced; never the word itself."""
    while True:
        i = rng.randrange(len(word))
        kind = rng.choice(("drop", "swap", "replace"))
        if kind == "drop":
            typo = word[:i] + word[i + 1 :]
        elif kind == "swap" and i < len(word) - 1:
            typo = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        else:
            typo = word[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + word[i + 1 :]
        if typo != word:
            return typo


def build_queries(rows: Sequence[Any], mix: Sequence[int], rng: random.Random) -> list[Query]:
    """Queries from the catalog's own names and codes (rows of gtin, name)."""
    firsts, names, words, codes = mix
    rows = sorted(rows, key=lambda r: r.gtin)
    folded = {r.gtin: fold(r.name) for r in rows}
    counts = Counter(folded.values())
    queries: list[Query] = []

    first_words = sorted({r.name.split()[0] for r in rows if len(r.name.split()[0]) >= 3})
    queries += [
        Query("first word", w) for w in rng.sample(first_words, min(firsts, len(first_words)))
    ]

    unique = [r for r in rows if counts[folded[r.gtin]] == 1 and _long_words(folded[r.gtin])]
    for row in rng.sample(unique, min(names, len(unique))):
        name_words = folded[row.gtin].split()
        i = rng.choice([i for i, w in enumerate(name_words) if _long(w)])
        name_words[i] = misspell(name_words[i], rng)
        queries.append(Query("misspelt name", " ".join(name_words), target=row.gtin))

    vocabulary = sorted({w for name in folded.values() for w in name.split()[:1] if _long(w)})
    for word in rng.sample(vocabulary, min(words, len(vocabulary))):
        queries.append(Query("misspelt word", misspell(word, rng), word=word))

    for row in rng.sample(rows, min(codes, len(rows))):
        forms = [row.gtin]
        if row.gtin.startswith("0"):
            forms.append(row.gtin[1:])  # EAN-13
        if row.gtin.startswith("00"):
            forms.append(row.gtin[2:])  # UPC-A
        if row.gtin.startswith("000000"):
            forms.append(row.gtin[6:])  # EAN-8
        queries.append(Query("code", rng.choice(forms), target=row.gtin))
    return queries


def _long(word: str) -> bool:
    return len(word) >= 5 and word.isalpha()


def _long_words(name: str) -> bool:
    return any(_long(w) for w in name.split())


# -- measuring -----------------------------------------------------------------------------------


Search = Callable[[SqlCatalog, str, datetime], list[Product]]


def aisle_search(catalog: SqlCatalog, query: str, at: datetime) -> list[Product]:
    return catalog.search(query, at, limit=10)


def like_search(catalog: SqlCatalog, query: str, at: datetime) -> list[Product]:
    """The search this replaced: every word as LIKE '%word%', names starting with the first
    word first, products loaded the same way."""
    words = fold(query).split()[:8]
    if not words:
        return []
    p = t.products
    statement = (
        select(p)
        .where(and_(*[p.c.search_text.contains(w, autoescape=True) for w in words]))
        .order_by(
            func.lower(p.c.name).startswith(words[0], autoescape=True).desc(),
            func.length(p.c.name),
            p.c.name,
        )
        .limit(10)
    )
    return catalog._many(statement, at)  # the same loading of prices and codes as search


@dataclass(slots=True)
class Outcome:
    seconds: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    asked: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    def all_seconds(self) -> list[float]:
        return [s for values in self.seconds.values() for s in values]

    def rate(self, kind: str) -> float | None:
        return round(self.found[kind] / self.asked[kind], 3) if self.asked[kind] else None


def measure(
    catalog: SqlCatalog, search: Search, queries: Sequence[Query], warm_up: Sequence[Query]
) -> Outcome:
    at = datetime.now(UTC)
    for query in warm_up:
        search(catalog, query.text, at)
    outcome = Outcome()
    # The harness's own objects (the catalog's rows, the queries, SQLAlchemy) stay out of the
    # garbage collector's full passes, which would otherwise stop a query now and then for as
    # long as they take to walk; what the searches themselves allocate is still collected.
    gc.collect()
    gc.freeze()
    try:
        for query in queries:
            start = time.perf_counter()
            found = search(catalog, query.text, at)
            outcome.seconds[query.kind].append(time.perf_counter() - start)
            outcome.asked[query.kind] += 1
            outcome.found[query.kind] += _found(query, found)
    finally:
        gc.unfreeze()
    return outcome


def _found(query: Query, products: Sequence[Product]) -> bool:
    if query.kind == "code":
        return bool(products) and products[0].gtin == query.target
    if query.kind == "misspelt name":
        return any(p.gtin == query.target for p in products)
    if query.kind == "misspelt word":
        return any(query.word in fold(p.name).split() for p in products)
    return bool(products)


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (no interpolation), in milliseconds; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000, 2)


def run_on(
    url: str, catalog: Sequence[Source], mix: Sequence[int], seed: int, data_dir: Path, err: Console
) -> tuple[int, dict[str, int], list[Query], Outcome, Outcome]:
    settings = Settings(
        database_url=url, data_dir=data_dir, secret_key=SecretStr(secrets.token_urlsafe(32))
    )
    services = bootstrap(settings)
    try:
        created = load_catalog(services, catalog, err)
        with services.engine.connect() as conn:
            rows = list(conn.execute(select(t.products.c.gtin, t.products.c.name)))
            size = len(rows)
            queries = build_queries(rows, mix, random.Random(seed))
            warm_up = build_queries(
                rows, [max(1, WARM_UP * n // sum(mix)) for n in mix], random.Random(seed + 1)
            )
            err.print(f"Searching: {len(queries)} queries, {len(warm_up)} to warm up")
            store = next((s.store for s in catalog if s.store), "")
            ours = measure(SqlCatalog(conn, store), aisle_search, queries, warm_up)
            naive = measure(SqlCatalog(conn, store), like_search, queries, warm_up)
    finally:
        services.close()
    return size, created, queries, ours, naive


# -- the report ----------------------------------------------------------------------------------


def table(title: str, ours: Outcome, naive: Outcome) -> Table:
    report = Table(title=title, caption="milliseconds per query; found: see the docstring")
    report.add_column("queries")
    for label in ("n", "p50", "p95", "p99", "max", "found", "LIKE p99", "LIKE found"):
        report.add_column(label, justify="right")
    groups = [(kind, ours.seconds[kind], naive.seconds[kind]) for kind in KINDS]
    groups.append(("all", ours.all_seconds(), naive.all_seconds()))
    for kind, values, baseline in groups:
        report.add_row(
            kind,
            str(len(values)),
            *(_cell(percentile(values, p)) for p in (50, 95, 99, 100)),
            _share(ours, kind),
            _cell(percentile(baseline, 99)),
            _share(naive, kind),
        )
    return report


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _share(outcome: Outcome, kind: str) -> str:
    if kind == "all":
        return ""
    rate = outcome.rate(kind)
    return "-" if rate is None else f"{100 * rate:.1f}%"


def figures_of(prefix: str, ours: Outcome, naive: Outcome) -> dict[str, Any]:
    every, baseline = ours.all_seconds(), naive.all_seconds()
    p99, like_p99 = percentile(every, 99), percentile(baseline, 99)
    return {
        f"{prefix}queries": len(every),
        f"{prefix}p50_ms": percentile(every, 50),
        f"{prefix}p95_ms": percentile(every, 95),
        f"{prefix}p99_ms": p99,
        f"{prefix}max_ms": percentile(every, 100),
        f"{prefix}mean_ms": round(statistics.fmean(every) * 1000, 2),
        f"{prefix}recall_at_10_misspelt": ours.rate("misspelt name"),
        f"{prefix}word_recall_at_10_misspelt": ours.rate("misspelt word"),
        f"{prefix}code_found_first": ours.rate("code"),
        f"{prefix}like_p50_ms": percentile(baseline, 50),
        f"{prefix}like_p99_ms": like_p99,
        f"{prefix}like_recall_at_10_misspelt": naive.rate("misspelt name"),
        f"{prefix}like_word_recall_at_10_misspelt": naive.rate("misspelt word"),
        f"{prefix}like_p99_over_p99": round(like_p99 / p99, 2) if p99 and like_p99 else None,
        f"{prefix}meets_p99_10ms": p99 is not None and p99 <= P99_TARGET_MS,
    }


app = typer.Typer(add_completion=False)


@app.command()
def main(
    quick: Annotated[bool, typer.Option(help="One Konzum list and 230 queries")] = False,
    postgres: Annotated[
        str | None, typer.Option(help="Also run on a fresh database on this PostgreSQL server")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for choosing and misspelling queries")] = 1,
) -> None:
    """Measure product search latency and misspelt-query recall on the real catalogs."""
    out, err = Console(), Console(stderr=True)
    data = shared_folder()
    if not data.is_dir():
        raise typer.BadParameter(f"real data folder {data} is absent (set AISLE_SHARED_DATA)")
    catalog = sources(data, quick=quick)
    mix = QUICK_MIX if quick else FULL_MIX
    with tempfile.TemporaryDirectory(prefix="aisle-search-") as folder:
        url = f"sqlite:///{Path(folder) / 'aisle.db'}"
        size, created, queries, ours, naive = run_on(url, catalog, mix, seed, Path(folder), err)
    figures: dict[str, Any] = {
        "benchmark": "search",
        "backend": "sqlite",
        "catalog_size": size,
        "required_size": REQUIRED_PRODUCTS,
        "meets_size": size >= REQUIRED_PRODUCTS,
        "sources": created,
        "quick": quick,
        "seed": seed,
        **figures_of("", ours, naive),
    }
    out.print(table(f"Search on SQLite, {size:,} real products", ours, naive))
    if postgres is not None:
        with fresh_database(postgres) as pg_url, tempfile.TemporaryDirectory() as folder:
            _, _, _, pg_ours, pg_naive = run_on(pg_url, catalog, mix, seed, Path(folder), err)
        out.print(table(f"Search on PostgreSQL, {size:,} real products", pg_ours, pg_naive))
        figures |= figures_of("postgres_", pg_ours, pg_naive)
    if not figures["meets_size"]:
        out.print(
            f"[yellow]The shared data holds {size:,} distinct real products, fewer than the "
            f"{REQUIRED_PRODUCTS:,} asked for; none were made up to reach it.[/yellow]"
        )
    examples = [q for q in queries if q.kind == "misspelt name"][:3]
    out.print("Misspelt names, for example: " + "; ".join(repr(q.text) for q in examples))
    sys.stdout.flush()
    print(json.dumps(figures, allow_nan=False))


if __name__ == "__main__":
    app()
