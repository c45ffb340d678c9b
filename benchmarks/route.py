"""Routes: how short and how fast a shopping list's walking order is, on the demo store.

The store is the demo store's floor plan (``src/aisle/demo/layout.yaml``: produce, bakery, ten
parallel aisles between a front and a back cross aisle, chillers along the back wall) and its
catalog's shelf locations; walking distances are the exact shortest walks around fixtures and
obstacles (:class:`aisle.domain.store.WalkingMap`, built once, as the server does at start).

Shopping lists come from the real till baskets of the groceries data: each basket item's
category ("whole milk", "rolls/buns") is mapped to the demo products that stand for it
(:data:`CATEGORIES`, by aisle and words of the name; the product drawn with the seed), items
with no counterpart in a supermarket's aisles (newspapers, shopping bags, pot plants) left out.
A list of N stops is one basket followed by the next ones until it has N items (sizes 5, 10,
20 and 40). Half the lists start at the entrance, half at a random bay (a cart mid-trip); all
end at the exit.

For every list, on the same walking distances:

- the optimum: the Held-Karp programme (``exact_route``) up to 12 distinct places, CP-SAT
  (``optimal_route_cpsat``, one worker, ``--cpsat-s`` seconds) above; how many were proven;
- ``plan_route``, what the server answers: its length against the optimum and its time, which
  includes building the list's distance matrix from the walking map (median of 3 runs a list);
- the classic order-picking heuristics, S-shape and largest gap (``s_shape_order``,
  ``largest_gap_order``), as a shopper walks them without a plan (through whole aisles, in and
  out by the aisle ends); and, as ``*_direct``, the same visiting order walked the shortest
  way from stop to stop, which separates the order from the way of walking it;
- OR-Tools' routing solver (path cheapest arc then guided local search, at each of
  ``--ortools-ms``; and its first solution alone).

Lengths are reported as ratios to the optimum (to the best route any method found, where the
optimum was not proven). Targets (the issue's): ``plan_route`` within 2 % of the optimum and at
most 50 ms (p99) for 40 stops; ``meets_*`` flags say whether they hold.

    python benchmarks/route.py                    # 50 lists of each size
    python benchmarks/route.py --quick            # 10 lists of each size
    python benchmarks/route.py --plot route.png   # and a plot of the ratios

The data comes from ``../shared/data`` relative to the project (or ``$AISLE_SHARED_DATA``). The
last line of stdout is one JSON object with the headline figures.
"""

from __future__ import annotations

import gc
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from aisle.demo.catalog import demo_products
from aisle.domain.catalog import Product
from aisle.domain.store import (
    Layout,
    Location,
    Point,
    WalkingMap,
    largest_gap_order,
    parse_layout,
    s_shape_order,
)
from aisle.domain.store._exact import optimal_route_cpsat, ortools_routing
from aisle.domain.store._route import EXACT_STOPS, exact_route, plan_route
from aisle.sim.catalog import BASKETS, load_baskets, shared_folder

SIZES = (5, 10, 20, 40)
LAYOUT = ROOT / "src" / "aisle" / "demo" / "layout.yaml"
RATIO_TARGET = 1.02
TIME_TARGET_MS = 50.0

# basket category: (the demo catalog's aisle, words of the names of the products that stand for it)
CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "whole milk": ("Aisle 1", ("whole milk", "low-fat milk")),
    "UHT-milk": ("Aisle 1", ("uht milk", "lactose-free")),
    "condensed milk": ("Aisle 1", ("uht milk",)),
    "butter milk": ("Aisle 1", ("kefir",)),
    "yogurt": ("Aisle 1", ("yogurt", "skyr")),
    "whipped/sour cream": ("Aisle 1", ("sour cream", "whipping cream")),
    "cream": ("Aisle 1", ("cooking cream", "whipping cream")),
    "curd": ("Aisle 1", ("cottage cheese",)),
    "curd cheese": ("Aisle 1", ("cottage cheese",)),
    "cream cheese": ("Aisle 1", ("cream cheese",)),
    "spread cheese": ("Aisle 1", ("cream cheese", "processed cheese")),
    "processed cheese": ("Aisle 1", ("processed cheese",)),
    "hard cheese": ("Aisle 1", ("edam", "grated hard", "aged sheep")),
    "sliced cheese": ("Aisle 1", ("gouda slices",)),
    "soft cheese": ("Aisle 1", ("feta", "mozzarella")),
    "specialty cheese": ("Aisle 1", ("aged sheep", "mozzarella")),
    "butter": ("Aisle 1", ("butter",)),
    "margarine": ("Aisle 1", ("margarine",)),
    "specialty fat": ("Aisle 1", ("margarine",)),
    "domestic eggs": ("Aisle 1", ("eggs",)),
    "dessert": ("Aisle 1", ("pudding",)),
    "other vegetables": ("Produce", ("tomatoes", "cucumbers", "peppers", "broccoli", "courgettes",
                                     "aubergines", "cabbage", "lettuce", "cauliflower")),
    "root vegetables": ("Produce", ("potatoes", "carrots", "ginger")),
    "potato products": ("Produce", ("potatoes",)),
    "onions": ("Produce", ("onions", "garlic")),
    "tropical fruit": ("Produce", ("bananas", "pineapple", "mango", "avocado", "kiwi")),
    "citrus fruit": ("Produce", ("oranges", "clementines", "lemons", "limes", "mandarins")),
    "pip fruit": ("Produce", ("apples", "pears")),
    "grapes": ("Produce", ("grapes",)),
    "berries": ("Produce", ("strawberries", "blueberries", "raspberries", "cherries")),
    "herbs": ("Produce", ("parsley", "basil", "spring onions")),
    "packaged fruit/vegetables": ("Produce", ("baby spinach", "wild rocket", "cherry tomatoes")),
    "specialty vegetables": ("Produce", ("avocado", "mushrooms", "aubergines")),
    "organic products": ("Produce", ("organic",)),
    "rolls/buns": ("Bakery", ("rolls", "buns", "baguette")),
    "brown bread": ("Bakery", ("wholemeal sandwich", "rye", "multigrain", "sourdough")),
    "white bread": ("Bakery", ("white sandwich", "toast bread", "baguette")),
    "pastry": ("Bakery", ("croissants", "burek", "strudel")),
    "semi-finished bread": ("Bakery", ("ciabatta", "tortilla", "corn bread")),
    "roll products": ("Bakery", ("poppy seed roll", "walnut roll")),
    "zwieback": ("Bakery", ("breadsticks",)),
    "pork": ("Aisle 2", ("pork",)),
    "beef": ("Aisle 2", ("beef",)),
    "chicken": ("Aisle 2", ("chicken",)),
    "turkey": ("Aisle 2", ("turkey",)),
    "hamburger meat": ("Aisle 2", ("mince",)),
    "meat": ("Aisle 2", ("ćevapi", "lamb", "mince")),
    "fish": ("Aisle 2", ("salmon", "sea bass", "bream", "sardines", "hake", "squid", "mussels")),
    "sausage": ("Aisle 3", ("salami", "mortadella")),
    "organic sausage": ("Aisle 3", ("salami",)),
    "frankfurter": ("Aisle 3", ("frankfurters",)),
    "ham": ("Aisle 3", ("ham",)),
    "liver loaf": ("Aisle 3", ("pâté",)),
    "meat spreads": ("Aisle 3", ("pâté", "hummus")),
    "finished products": ("Aisle 3", ("potato salad", "coleslaw", "wrap", "sandwich")),
    "Instant food products": ("Aisle 3", ("gnocchi", "tortellini")),
    "tidbits": ("Aisle 3", ("olives", "antipasti")),
    "frozen vegetables": ("Aisle 4", ("garden peas", "mixed vegetables", "leaf spinach",
                                      "broccoli florets")),
    "frozen fruits": ("Aisle 4", ("mixed berries",)),
    "frozen meals": ("Aisle 4", ("pizza", "štrukli")),
    "frozen fish": ("Aisle 4", ("fish fingers", "breaded hake", "king prawns")),
    "frozen chicken": ("Aisle 4", ("nuggets",)),
    "frozen potato products": ("Aisle 4", ("chips",)),
    "ice cream": ("Aisle 4", ("ice cream",)),
    "frozen dessert": ("Aisle 4", ("sorbet", "cones")),
    "sugar": ("Aisle 5", ("sugar",)),
    "artif. sweetener": ("Aisle 5", ("icing sugar",)),
    "flour": ("Aisle 5", ("flour", "cornmeal")),
    "baking powder": ("Aisle 5", ("baking powder", "yeast")),
    "pudding powder": ("Aisle 5", ("cocoa powder",)),
    "cooking chocolate": ("Aisle 5", ("cocoa powder",)),
    "oil": ("Aisle 5", ("oil",)),
    "salt": ("Aisle 5", ("salt",)),
    "rice": ("Aisle 5", ("rice",)),
    "pasta": ("Aisle 5", ("spaghetti", "penne", "fusilli", "noodles")),
    "canned fish": ("Aisle 5", ("tuna", "sardines")),
    "canned vegetables": ("Aisle 5", ("chopped tomatoes", "beans", "chickpeas", "sweetcorn")),
    "pickled vegetables": ("Aisle 5", ("gherkins", "ajvar")),
    "sauces": ("Aisle 5", ("passata", "pesto", "purée")),
    "soups": ("Aisle 5", ("stock cubes",)),
    "ready soups": ("Aisle 5", ("stock cubes",)),
    "spices": ("Aisle 5", ("paprika", "pepper", "seasoning")),
    "mustard": ("Aisle 5", ("mustard",)),
    "mayonnaise": ("Aisle 5", ("mayonnaise",)),
    "ketchup": ("Aisle 5", ("ketchup",)),
    "vinegar": ("Aisle 5", ("vinegar",)),
    "salad dressing": ("Aisle 5", ("vinegar", "olive oil")),
    "preservation products": ("Aisle 5", ("vinegar",)),
    "cereals": ("Aisle 6", ("cornflakes", "granola", "muesli", "oats", "pillows")),
    "jam": ("Aisle 6", ("jam", "plum spread")),
    "sweet spreads": ("Aisle 6", ("hazelnut cocoa", "peanut butter")),
    "honey": ("Aisle 6", ("honey",)),
    "cocoa drinks": ("Aisle 6", ("cocoa drink",)),
    "specialty bar": ("Aisle 6", ("cereal bars",)),
    "chocolate": ("Aisle 7", ("milk chocolate bar", "dark chocolate")),
    "specialty chocolate": ("Aisle 7", ("pralines", "with hazelnuts")),
    "chocolate marshmallow": ("Aisle 7", ("chocolate-coated",)),
    "candy": ("Aisle 7", ("gums", "jelly", "toffees")),
    "chewing gum": ("Aisle 7", ("chewing gum",)),
    "waffles": ("Aisle 7", ("wafers",)),
    "cake bar": ("Aisle 7", ("wafers", "chocolate-coated")),
    "long life bakery product": ("Aisle 7", ("biscuits", "cookies")),
    "salty snack": ("Aisle 7", ("crisps", "tortilla chips", "pretzel")),
    "snack products": ("Aisle 7", ("crackers", "puffs")),
    "nut snack": ("Aisle 7", ("peanuts", "almonds", "cashew")),
    "nuts/prunes": ("Aisle 7", ("nuts and raisins", "apricots")),
    "canned fruit": ("Aisle 7", ("apricots",)),
    "popcorn": ("Aisle 7", ("popcorn",)),
    "soda": ("Aisle 8", ("cola", "soda", "tonic")),
    "bottled water": ("Aisle 8", ("water",)),
    "fruit/vegetable juice": ("Aisle 8", ("juice", "nectar")),
    "misc. beverages": ("Aisle 8", ("iced tea", "energy", "isotonic")),
    "beverages": ("Aisle 8", ("iced tea", "syrup")),
    "syrup": ("Aisle 8", ("syrup",)),
    "coffee": ("Aisle 8", ("ground coffee", "espresso", "capsules")),
    "instant coffee": ("Aisle 8", ("instant coffee",)),
    "tea": ("Aisle 8", ("black tea", "green tea", "chamomile", "mint tea", "rosehip")),
    "bottled beer": ("Aisle 9", ("lager", "ale", "wheat beer", "stout")),
    "canned beer": ("Aisle 9", ("cans", "radler")),
    "red/blush wine": ("Aisle 9", ("red", "rosé")),
    "white wine": ("Aisle 9", ("white wine",)),
    "sparkling wine": ("Aisle 9", ("sparkling",)),
    "prosecco": ("Aisle 9", ("sparkling",)),
    "liquor": ("Aisle 9", ("vodka", "gin", "whisky", "plum brandy")),
    "liquor (appetizer)": ("Aisle 9", ("herbal brandy", "liqueur")),
    "rum": ("Aisle 9", ("vodka", "gin")),
    "brandy": ("Aisle 9", ("brandy",)),
    "whisky": ("Aisle 9", ("whisky",)),
    "liqueur": ("Aisle 9", ("liqueur",)),
    "detergent": ("Aisle 10", ("laundry",)),
    "softener": ("Aisle 10", ("fabric softener",)),
    "dish cleaner": ("Aisle 10", ("washing-up", "dishwasher tablets")),
    "decalcifier": ("Aisle 10", ("dishwasher salt",)),
    "cleaner": ("Aisle 10", ("all-purpose cleaner", "glass cleaner")),
    "abrasive cleaner": ("Aisle 10", ("bleach", "all-purpose cleaner")),
    "bathroom cleaner": ("Aisle 10", ("bathroom cleaner",)),
    "toilet cleaner": ("Aisle 10", ("toilet cleaner",)),
    "napkins": ("Aisle 10", ("paper tissues", "kitchen towels")),
    "kitchen towels": ("Aisle 10", ("kitchen towels",)),
    "cling film/bags": ("Aisle 10", ("cling film", "foil", "bags")),
    "candles": ("Aisle 10", ("candles",)),
    "house keeping products": ("Aisle 10", ("sponges", "baking paper", "toilet paper")),
    "hygiene articles": ("Aisle 11", ("shampoo", "shower gel", "deodorant", "cotton")),
    "soap": ("Aisle 11", ("soap",)),
    "dental care": ("Aisle 11", ("toothpaste", "toothbrushes", "mouthwash", "floss")),
    "female sanitary products": ("Aisle 11", ("sanitary pads",)),
    "male cosmetics": ("Aisle 11", ("razors", "deodorant spray")),
    "skin care": ("Aisle 11", ("lotion", "hand cream", "sun cream", "lip balm")),
    "hair spray": ("Aisle 11", ("conditioner",)),
    "make up remover": ("Aisle 11", ("cotton pads",)),
    "rubbing alcohol": ("Aisle 11", ("plasters",)),
    "baby food": ("Aisle 12", ("formula", "purée", "baby rice", "pouch")),
    "baby cosmetics": ("Aisle 12", ("baby shampoo", "wipes", "rash cream")),
    "cat food": ("Aisle 13", ("cat food",)),
    "dog food": ("Aisle 13", ("dog food",)),
    "pet care": ("Aisle 13", ("litter", "treats", "bird seed", "fish flakes")),
}  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class ShoppingList:
    start: Point  # where the cart is
    stops: tuple[Location, ...]
    from_entrance: bool


@dataclass(slots=True, kw_only=True)
class Outcome:
    """One list's figures: lengths (cm) by method, and times (ms)."""

    size: int
    places: int  # distinct bays
    optimum: int
    proven: bool
    exact_ms: float
    lengths: dict[str, int] = field(default_factory=dict)
    times: dict[str, float] = field(default_factory=dict)

    def ratio(self, method: str) -> float:
        return self.lengths[method] / self.optimum if self.optimum else 1.0


def stand_ins(products: Sequence[Product]) -> dict[str, list[Product]]:
    """The demo products that stand for each basket category; a category whose words find
    nothing is a mistake in :data:`CATEGORIES` and stops the benchmark."""
    found: dict[str, list[Product]] = {}
    for category, (aisle, words) in CATEGORIES.items():
        found[category] = [
            p for p in products
            if p.aisle == aisle and any(w in p.name.lower() for w in words)
        ]  # fmt: skip
    empty = sorted(c for c, ps in found.items() if not ps)
    if empty:
        raise SystemExit(f"no demo product stands for {', '.join(empty)}: fix CATEGORIES")
    return found


def draw_lists(
    layout: Layout,
    baskets: Sequence[tuple[str, ...]],
    products: dict[str, list[Product]],
    per_size: int,
    seed: int,
) -> list[ShoppingList]:
    """``per_size`` lists of every size: a basket and the ones after it, cut to the size."""
    rng = random.Random(seed)
    bays = sorted({layout.locate(p.aisle, p.shelf).point for ps in products.values() for p in ps})
    lists: list[ShoppingList] = []
    for size in SIZES:
        for n in range(per_size):
            at = rng.randrange(len(baskets))
            items: list[Location] = []
            while len(items) < size:
                for category in baskets[at % len(baskets)]:
                    product = rng.choice(products[category])
                    items.append(layout.locate(product.aisle, product.shelf))
                at += 1
            from_entrance = n % 2 == 0
            start = layout.entrance if from_entrance else rng.choice(bays)
            lists.append(ShoppingList(start=start, stops=tuple(items[:size]),
                                      from_entrance=from_entrance))  # fmt: skip
    return lists


def matrix_for(
    walking: WalkingMap, start: Point, stops: Sequence[Location], end: Point
) -> tuple[list[list[int]], int, int, list[int]]:
    """The walking distances among a list's distinct places, as the server builds them."""
    places = list(dict.fromkeys([start, end, *(s.point for s in stops)]))
    index = {p: i for i, p in enumerate(places)}
    return walking.matrix(places), index[start], index[end], [index[s.point] for s in stops]


def timed(run: Callable[[], int], repeat: int = 1) -> tuple[int, float]:
    """The length a method returns and its time in ms (the median of ``repeat`` runs)."""
    gc.collect()
    times, length = [], 0
    for _ in range(repeat):
        began = time.perf_counter()
        length = run()
        times.append((time.perf_counter() - began) * 1000)
    return length, statistics.median(times)


def measure(
    layout: Layout,
    walking: WalkingMap,
    shopping: ShoppingList,
    cpsat_s: float,
    ortools_ms: Sequence[int],
) -> Outcome:
    start, stops, end = shopping.start, shopping.stops, layout.exit
    matrix, s, e, indices = matrix_for(walking, start, stops, end)
    places = len(set(indices) - {s, e})

    def plan() -> int:
        m, a, b, ix = matrix_for(walking, start, stops, end)
        return plan_route(m, start=a, end=b, stops=ix).length

    began = time.perf_counter()
    if places <= EXACT_STOPS:
        best = exact_route(matrix, start=s, end=e, stops=indices)
    else:
        best = optimal_route_cpsat(matrix, start=s, end=e, stops=indices, time_limit_s=cpsat_s)
    exact_ms = (time.perf_counter() - began) * 1000
    outcome = Outcome(size=len(stops), places=places, optimum=best.length, proven=best.optimal,
                      exact_ms=exact_ms)  # fmt: skip
    results: dict[str, tuple[int, float]] = {
        "plan_route": timed(plan, repeat=3),
        "s_shape": timed(lambda: s_shape_order(layout, walking, start, stops, end)[1]),
        "largest_gap": timed(lambda: largest_gap_order(layout, walking, start, stops, end)[1]),
        "ortools_first": timed(
            lambda: (
                ortools_routing(
                    matrix, start=s, end=e, stops=indices, time_limit_ms=0, first_solution_only=True
                ).length
            )
        ),
    }
    for limit in ortools_ms:
        results[f"ortools_{limit}ms"] = timed(
            lambda limit=limit: (
                ortools_routing(matrix, start=s, end=e, stops=indices, time_limit_ms=limit).length
            )
        )
    for method in ("s_shape", "largest_gap"):  # the same order, walked the shortest way
        order = (s_shape_order if method == "s_shape" else largest_gap_order)(
            layout, walking, start, stops, end
        )[0]
        path = [s, *(indices[i] for i in order), e]
        results[f"{method}_direct"] = (sum(matrix[a][b] for a, b in pairwise(path)), 0.0)
    for method, (length, ms) in results.items():
        outcome.lengths[method] = length
        outcome.times[method] = ms
    if not best.optimal:  # compare with the best route known, not with a weaker bound
        outcome.optimum = min(best.length, *outcome.lengths.values())
    return outcome


def warm_up() -> None:
    """Load OR-Tools and its solvers once, so that no list's time includes it."""
    line = [[abs(a - b) * 100 for b in range(16)] for a in range(16)]
    optimal_route_cpsat(line, start=0, end=15, stops=range(1, 15))
    ortools_routing(line, start=0, end=15, stops=range(1, 15), time_limit_ms=10)
    plan_route(line, start=0, end=15, stops=range(1, 15))


def percentile(values: Sequence[float], q: int) -> float:
    ranked = sorted(values)
    return ranked[min(len(ranked) - 1, len(ranked) * q // 100)] if ranked else 0.0


def results_table(outcomes: Sequence[Outcome], methods: Sequence[str]) -> Table:
    table = Table(title="Route length against the optimum, and time (ms)")
    for name in ("stops", "method", "ratio mean", "ratio max", "optimal", "ms p50", "ms p99"):
        table.add_column(name, justify="left" if name == "method" else "right")
    for size in SIZES:
        mine = [o for o in outcomes if o.size == size]
        if not mine:
            continue
        proven = sum(o.proven for o in mine)
        exact = [o.exact_ms for o in mine]
        table.add_row(str(size), f"optimum ({proven}/{len(mine)} proven)", "1", "1", "",
                      f"{percentile(exact, 50):.1f}", f"{percentile(exact, 99):.1f}")  # fmt: skip
        for method in methods:
            ratios = [o.ratio(method) for o in mine]
            times = [o.times[method] for o in mine]
            hits = sum(o.lengths[method] == o.optimum for o in mine)
            timing = [f"{percentile(times, q):.1f}" for q in (50, 99)]
            table.add_row("", method, f"{statistics.mean(ratios):.4f}", f"{max(ratios):.4f}",
                          f"{hits}/{len(mine)}", *(timing if max(times) else ["", ""]))  # fmt: skip
    return table


def write_plot(outcomes: Sequence[Outcome], methods: Sequence[str], path: Path) -> None:
    """Mean and worst ratio to the optimum by method, one group of bars per list size."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    width = 0.8 / len(methods)
    for ax, (title, pick) in zip(axes, (("mean", statistics.mean), ("worst", max)), strict=True):
        for k, method in enumerate(methods):
            values = [
                100 * (pick([o.ratio(method) for o in outcomes if o.size == size]) - 1)
                for size in SIZES
            ]
            ax.bar([i + k * width for i in range(len(SIZES))], values, width, label=method)
        ax.set_xticks([i + 0.4 - width / 2 for i in range(len(SIZES))], [str(s) for s in SIZES])
        ax.set_xlabel("stops on the list")
        ax.set_title(f"{title} excess walk over the optimum")
        ax.axhline(100 * (RATIO_TARGET - 1), color="grey", linestyle="--", linewidth=0.8)
    axes[0].set_ylabel("% longer than the optimum")
    axes[1].legend(fontsize="small")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


app = typer.Typer(add_completion=False)


@app.command()
def main(
    quick: Annotated[bool, typer.Option(help="10 lists of each size, OR-Tools at 50 ms")] = False,
    lists: Annotated[int | None, typer.Option(help="Lists of each size [50; quick: 10]")] = None,
    seed: Annotated[int, typer.Option(help="Seed for the lists and the products")] = 1,
    cpsat_s: Annotated[float, typer.Option(help="CP-SAT's time limit for one optimum")] = 30.0,
    ortools_ms: Annotated[
        str | None, typer.Option(help="OR-Tools time limits, comma-separated [50,1000; quick: 50]")
    ] = None,
    plot: Annotated[Path | None, typer.Option(help="Write a PNG of the ratios here")] = None,
) -> None:
    """Compare plan_route with the optimum, the order-picking heuristics and OR-Tools."""
    out, err = Console(), Console(stderr=True)
    path = shared_folder() / BASKETS
    if not path.is_file():
        raise typer.BadParameter(f"real baskets {path} are absent (set AISLE_SHARED_DATA)")
    per_size = lists if lists is not None else (10 if quick else 50)
    limits = [int(x) for x in (ortools_ms or ("50" if quick else "50,1000")).split(",")]
    layout = parse_layout(LAYOUT.read_text(encoding="utf-8"))
    began = time.perf_counter()
    walking = WalkingMap(layout)
    map_ms = (time.perf_counter() - began) * 1000
    products = stand_ins(demo_products())
    every = load_baskets(path)
    baskets = [b for b in (tuple(c for c in basket if c in products) for basket in every) if b]
    total = sum(len(b) for b in every)
    kept = sum(len(b) for b in baskets)
    err.print(f"{len(walking.places)} places, walking map in {map_ms:.0f} ms; {len(baskets):,} "
              f"baskets keep {kept:,} of {total:,} items")  # fmt: skip
    drawn = draw_lists(layout, baskets, products, per_size, seed)
    warm_up()
    outcomes: list[Outcome] = []
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as progress:
        bar = progress.add_task("Routing lists", total=len(drawn))
        for shopping in drawn:
            outcomes.append(measure(layout, walking, shopping, cpsat_s, limits))
            progress.advance(bar)
    methods = ["plan_route", "s_shape", "s_shape_direct", "largest_gap", "largest_gap_direct",
               "ortools_first", *(f"ortools_{x}ms" for x in limits)]  # fmt: skip
    out.print(results_table(outcomes, methods))
    if plot is not None:
        write_plot(outcomes, methods, plot)
        err.print(f"plot written to {plot}")

    def ratios(method: str) -> list[float]:
        return [o.ratio(method) for o in outcomes]

    longest = [o for o in outcomes if o.size == max(SIZES)]
    plan_40 = [o.times["plan_route"] for o in longest]
    plan_all = [o.times["plan_route"] for o in outcomes]
    best_ortools = f"ortools_{max(limits)}ms"
    headline = {
        "benchmark": "route",
        "quick": quick,
        "seed": seed,
        "lists": len(outcomes),
        "sizes": list(SIZES),
        "stops_max": max(SIZES),
        "distinct_places_max": max(o.places for o in outcomes),
        "optimal_proven": sum(o.proven for o in outcomes),
        "walking_map_ms": round(map_ms, 1),
        "plan_ratio_mean": round(statistics.mean(ratios("plan_route")), 5),
        "plan_ratio_max": round(max(ratios("plan_route")), 5),
        "plan_optimal": sum(o.lengths["plan_route"] == o.optimum for o in outcomes),
        "plan_ratio_max_40": round(max(o.ratio("plan_route") for o in longest), 5),
        "plan_p50_ms_40": round(percentile(plan_40, 50), 2),
        "plan_p99_ms_40": round(percentile(plan_40, 99), 2),
        "plan_max_ms": round(max(plan_all), 2),
        "s_shape_ratio_mean": round(statistics.mean(ratios("s_shape")), 4),
        "s_shape_ratio_max": round(max(ratios("s_shape")), 4),
        "s_shape_direct_ratio_mean": round(statistics.mean(ratios("s_shape_direct")), 4),
        "largest_gap_ratio_mean": round(statistics.mean(ratios("largest_gap")), 4),
        "largest_gap_ratio_max": round(max(ratios("largest_gap")), 4),
        "largest_gap_direct_ratio_mean": round(statistics.mean(ratios("largest_gap_direct")), 4),
        "ortools_first_ratio_mean": round(statistics.mean(ratios("ortools_first")), 4),
        **{
            f"ortools_{x}ms_ratio_mean": round(statistics.mean(ratios(f"ortools_{x}ms")), 5)
            for x in limits
        },
        "ortools_ratio_mean": round(statistics.mean(ratios(best_ortools)), 5),
        "ortools_ratio_max": round(max(ratios(best_ortools)), 5),
        "ortools_ms_p50": round(percentile([o.times[best_ortools] for o in outcomes], 50), 1),
        "cpsat_ms_p50_40": round(percentile([o.exact_ms for o in longest], 50), 1),
        "meets_2_percent": max(ratios("plan_route")) <= RATIO_TARGET,
        "meets_50ms_p99_40": percentile(plan_40, 99) <= TIME_TARGET_MS,
    }
    sys.stdout.flush()
    print(json.dumps(headline, allow_nan=False))


if __name__ == "__main__":
    app()
