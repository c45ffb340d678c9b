"""Pricing: how long a cart takes to re-price after a scan, and whether the price is the best.

The store is real: products and prices from one Konzum price list in the shared data (store
0204 on 2025-07-03), read with the importer's ``konzum`` preset. The list has only coarse
departments ("HRANA", "PIĆE", "KOZMETIKA"), so a product's *category* here is the first word of
its name ("JOGURT", "PIVO", "ŠAMPON"), which is how the list itself names its product types.
From it, deterministically (``--seed``), a promotion plan of 50 overlapping offers of every kind
over real categories, brands and GTINs:

- unit offers: the list's own special prices (fixed price), member prices, amount and percent
  off a brand or category, per kg on weighed cheese and meat, a coupon, limits, an exclusive one;
- "N for P" mix & match over categories and over a hand of GTINs;
- "buy k get j": free, "3 for 2", "2nd half price" across the chain's own brand (K PLUS, which
  spans food, drinks and cosmetics), with limits, an exclusive one, a member one;
- three bundles of three slots (a breakfast, a snack and a bathroom deal);
- spend offers: amount and percent off on a department, a brand, dairy, and the whole basket
  (one by coupon and exclusive), thresholds set from pilot baskets so that they are in doubt.

Products stay in the plan when 2 to 4 offers cover them (basket-wide spend offers aside). Each
basket is 100 units: lines of 1 to 6 units drawn around a few themes, two or three weighed
lines, sometimes an item with a reduced label price; the shopper is a member with both coupons.

Measured, for every basket built up scan by scan (a cart re-prices the whole basket after every
event; the optimiser's cache is cleared before each basket):

- the time of ``price_lines`` after each scan: p50, p99 and max over every scan;
- the time to price the full basket from scratch (cache cleared; median of three);
- the same baskets (full, and at 25, 50 and 75 units; quick: full and 50) solved by a CP-SAT
  model of the same rules (``benchmarks/_cpsat_pricing.py``): its optimum must equal the
  engine's saving, and its time (model built and solved, one worker, as the engine has) is
  compared with the engine's from scratch (the target's ratio, on full baskets) and with the
  engine's re-pricing after the scan that made that basket (what a cart would wait on instead);
  it is solved a second time with "buy k get j" applications cut any way rather than
  consecutively, to show what that reading would change;
- a greedy priority-order pass (``benchmarks/_greedy_pricing.py``), best saving per unit first
  and in the order listed: what it overcharges against the optimum.

The engine runs in a child process per basket, so that a pricing that takes too long (``--limit``
seconds for one call, ``--budget`` for a basket's scans) is stopped and reported, not waited
for: a scan out of time, and every later scan of that basket, counts as slower than any target.
A disagreement with CP-SAT is shrunk to a small basket and printed as Python code. No plot:
matplotlib is not a dependency.

    python benchmarks/pricing.py             # 40 baskets, 4,000 scans
    python benchmarks/pricing.py --quick     # 6 baskets, 600 scans

Needs OR-Tools (``pip install -e ".[bench]"``). The data comes from ``../shared/data`` relative to
the project (or ``$AISLE_SHARED_DATA``). The last line of stdout is one JSON object with the
headline figures; its ``programme`` says whether the programme ran compiled by mypyc (what
``scripts/setup`` builds) or from source (``AISLE_PURE_PYTHON=1`` asks for the source), and
``kernel`` whether its forward passes ran in C (``_kernel.c``, also built by ``scripts/setup``).
"""

from __future__ import annotations

import gc
import importlib
import json
import math
import multiprocessing
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # so that benchmarks._cpsat_pricing imports when run as a script

from aisle.adapters.importers.csv_mapped import preset, read_csv
from aisle.compiled import state as compiled_state
from aisle.domain.catalog import SoldBy
from aisle.domain.money import Money
from aisle.domain.pricing import (
    AmountOff,
    Bundle,
    BuyGet,
    Conditions,
    FixedPrice,
    Group,
    LineToPrice,
    Multibuy,
    Offer,
    PercentOff,
    PriceReduction,
    PricingPolicy,
    Shopper,
    SpendOffer,
    UnitOffer,
    line_gross,
    price_lines,
)
from aisle.services.importing import ProductRecord
from benchmarks._cpsat_pricing import solve
from benchmarks._greedy_pricing import greedy_saving

PRICE_LIST = "konzum-0204-2025-07-03.csv"
STORE = "0204"
AT = datetime(2025, 7, 3, 17, 0, tzinfo=UTC)
UNITS = 100
P99_TARGET_MS = 5.0
SPEEDUP_TARGET = 10.0
SHOPPER = Shopper(member_id="M-1", coupons=frozenset({"KAVA30", "BASKET5"}))
POLICY = PricingPolicy(currency="EUR")
CPSAT_WORKERS = 1  # single-threaded, like the engine


def shared_folder() -> Path:
    return Path(os.environ.get("AISLE_SHARED_DATA", ROOT.parent / "shared" / "data"))


# -- the catalog ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    gtin: str
    name: str
    brand: str
    department: str
    category: str  # the first word of the name
    price: Money  # per piece, or per kg when weighed
    weighed: bool
    special: Money | None  # the list's special price, if any
    tax_rate: Decimal


def load_items(path: Path) -> list[Item]:
    mapping = preset("konzum")
    rates = {c.code: c.rate_percent for c in mapping.tax_classes}
    items: dict[str, Item] = {}
    for record in read_csv(path, mapping):
        if not isinstance(record, ProductRecord) or record.price is None or not record.name:
            continue
        if record.price.minor < 30 or record.gtin in items:
            continue
        items[record.gtin] = Item(
            gtin=record.gtin,
            name=record.name,
            brand=record.brand,
            department=record.department,
            category=record.name.split()[0],
            price=record.price,
            weighed=record.sold_by is SoldBy.WEIGHT,
            special=record.special_price,
            tax_rate=rates[record.tax_class],
        )
    return list(items.values())


# -- the promotion plan --------------------------------------------------------------------------

# category: (department, products to sample)
THEMES: dict[str, tuple[str, int]] = {
    "JOGURT": ("HRANA", 7), "MLIJEKO": ("HRANA", 6), "KEKS": ("HRANA", 7),
    "ČOKOLADA": ("HRANA", 7), "ČIPS": ("HRANA", 6), "TIJESTO": ("HRANA", 6),
    "KAVA": ("HRANA", 6), "NAMAZ": ("HRANA", 5), "PIVO": ("PIĆE", 7), "SOK": ("PIĆE", 6),
    "VODA": ("PIĆE", 5), "NAPITAK": ("PIĆE", 5), "ŠAMPON": ("KOZMETIKA", 6),
    "GEL": ("KOZMETIKA", 6), "DEO": ("KOZMETIKA", 6), "SAPUN": ("KOZMETIKA", 5),
}  # fmt: skip
WEIGHED = {"SIR": 4, "ŠUNKA": 2, "PANCETA": 1}
OWN_BRAND = "K PLUS"


@dataclass(slots=True)
class Plan:
    items: list[Item]  # the products baskets are drawn from
    offers: list[Offer]
    coverage: Counter[int] = field(default_factory=Counter)  # offers per product: products


def _weighted_sample(pool: Sequence[Item], n: int, rng: random.Random) -> list[Item]:
    """``n`` products, specials and the own brand more likely (so that offers overlap)."""

    def key(item: Item) -> float:
        weight = 1 + 3 * (item.special is not None) + 2 * (item.brand == OWN_BRAND)
        return float(rng.random() ** (1 / weight))

    return sorted(pool, key=key, reverse=True)[:n]


def sample_items(items: Sequence[Item], rng: random.Random) -> list[Item]:
    chosen: list[Item] = []
    for category, (department, n) in THEMES.items():
        pool = [
            i for i in items
            if i.category == category and i.department == department and not i.weighed
        ]  # fmt: skip
        median = statistics.median(i.price.minor for i in pool)
        band = [i for i in pool if 0.6 * median <= i.price.minor <= 1.7 * median]
        chosen += _weighted_sample(sorted(band, key=lambda i: i.gtin), n, rng)
    for category, n in WEIGHED.items():
        pool = sorted(
            (i for i in items if i.weighed and i.category == category), key=lambda i: i.gtin
        )
        chosen += _weighted_sample(pool, n, rng)
    return chosen


def _eur(minor: int) -> Money:
    return Money(minor=minor, currency="EUR")


def _charm(minor: float) -> Money:
    """A shelf-like price at or below ``minor``: ending in 9 cents."""
    return _eur(max(9, int(minor) // 10 * 10 - 1))


def _when(**kwargs: Any) -> Conditions:
    return Conditions(starts_at=AT - timedelta(days=3), ends_at=AT + timedelta(days=4), **kwargs)


def _cats(*names: str) -> Group:
    return Group(categories=frozenset(names), name=" / ".join(n.lower() for n in names))


def _gtins(items: Sequence[Item]) -> Group:
    return Group(gtins=frozenset(i.gtin for i in items), name=", ".join(i.name for i in items))


def build_plan(items: Sequence[Item], rng: random.Random) -> Plan:
    """The sample and 50 offers over it; spend thresholds are set later (:func:`calibrate`)."""
    sample = sample_items(items, rng)
    by_cat: dict[str, list[Item]] = {}
    for item in sample:
        by_cat.setdefault(item.category, []).append(item)

    def low(*cats: str) -> int:  # the cheapest sampled unit in these categories
        return min(i.price.minor for c in cats for i in by_cat[c])

    def pick(cat: str, n: int) -> list[Item]:
        return rng.sample(by_cat[cat], min(n, len(by_cat[cat])))

    def brand(name: str) -> Group:
        return Group(brands=frozenset({name}), name=name)

    def department(name: str) -> Group:
        return Group(departments=frozenset({name}), name=name.lower())

    offers: list[Offer] = []  # ids are given at the end, in this order
    each = [i for i in sample if not i.weighed]
    specials = [i for i in each if i.special is not None][:8]
    for item in specials + rng.sample([i for i in each if i.special is None], 8 - len(specials)):
        price = item.special or _charm(item.price.minor * 0.8)
        reduction = PriceReduction(
            promotion_id="", gtin=item.gtin, price=price, label=f"{item.name} {price}",
            starts_at=AT - timedelta(days=3), ends_at=AT + timedelta(days=4),
        )  # fmt: skip
        offers.append(reduction.as_offer())
    for item, limit in zip(rng.sample(each, 2), (None, 2), strict=True):
        price = _charm(item.price.minor * 0.85)
        member = _when(members_only=True, limit=limit)
        offers.append(
            _unit(f"Member price {item.name}", _gtins([item]), FixedPrice(price=price), member)
        )
    top = Counter(i.brand for i in each if i.brand not in ("", OWN_BRAND)).most_common(1)[0][0]
    ham = by_cat["ŠUNKA"][0]
    meat = by_cat["PANCETA"][0].brand or by_cat["ŠUNKA"][-1].brand
    offers += [
        _unit(f"0.30 off {top}", brand(top), AmountOff(amount=_eur(30)), _when()),
        _unit("0.50 off K PLUS for members", brand(OWN_BRAND), AmountOff(amount=_eur(50)),
              _when(members_only=True)),
        _unit("20 % off shampoo", _cats("ŠAMPON"), _percent(20), _when()),
        _unit("25 % off chocolate (no other offers)", _cats("ČOKOLADA"), _percent(25),
              _when(exclusive=True)),
        _unit("Coupon: 30 % off one coffee", _cats("KAVA"), _percent(30), _when(coupon="KAVA30")),
        _unit("15 % off beer, 6 at most", _cats("PIVO"), _percent(15), _when(limit=6)),
        _unit("10 % off spreads, 2 at most", _cats("NAMAZ"), _percent(10), _when(limit=2)),
        _unit("15 % off cheese by weight", _cats("SIR"), _percent(15), _when()),
        _unit(f"{ham.name} per kg", _gtins([ham]),
              FixedPrice(price=_charm(ham.price.minor * 0.8)), _when()),
        _unit(f"1.00 off per kg {meat}", brand(meat), AmountOff(amount=_eur(100)), _when()),
        _unit("10 % off ham and pancetta for members, 2 at most", _cats("ŠUNKA", "PANCETA"),
              _percent(10), _when(members_only=True, limit=2)),
    ]  # fmt: skip

    def multibuy(group: Group, quantity: int, price: Money, **when: Any) -> Multibuy:
        name = f"Any {quantity} {group.name} for {price}"
        return Multibuy(id="", name=name, group=group, quantity=quantity, price=price,
                        when=_when(**when))  # fmt: skip

    def mix(cats: tuple[str, ...], quantity: int, factor: float, **when: Any) -> Multibuy:
        return multibuy(_cats(*cats), quantity, _charm(quantity * low(*cats) * factor), **when)

    mixes = [pick("NAMAZ", 2) + pick("KEKS", 2), pick("PIVO", 2) + pick("ČIPS", 2)]
    offers += [
        mix(("JOGURT",), 4, 0.85), mix(("PIVO",), 6, 0.8, limit=2), mix(("VODA",), 3, 0.85),
        mix(("SOK",), 3, 0.8), mix(("ČIPS",), 2, 0.85), mix(("KEKS",), 3, 0.8, exclusive=True),
        mix(("TIJESTO",), 3, 0.85), mix(("MLIJEKO",), 6, 0.85, members_only=True),
        *(multibuy(_gtins(m), 2, _charm(2 * min(i.price.minor for i in m) * 0.9)) for m in mixes),
    ]  # fmt: skip

    def buy_get(name: str, group: Group, buy: int, get: int, off: int, **when: Any) -> BuyGet:
        return BuyGet(id="", name=name, group=group, buy=buy, get=get,
                      percent_off=Decimal(off), when=_when(**when))  # fmt: skip

    offers += [
        buy_get("Deodorants: buy one, get one free", _gtins(pick("DEO", 2)), 1, 1, 100),
        buy_get("Coffee: 3 for 2", _cats("KAVA"), 2, 1, 100),
        buy_get("K PLUS: second at half price", brand(OWN_BRAND), 1, 1, 50),
        buy_get("Shower gel: second at half price", _cats("GEL"), 1, 1, 50),
        buy_get("Pasta: 4 for 3", _cats("TIJESTO"), 3, 1, 100),
        buy_get("Soap: 3 for 2, once", _cats("SAPUN"), 2, 1, 100, limit=1),
        buy_get("Chocolate: one free (no other offers)", _gtins(pick("ČOKOLADA", 2)), 1, 1, 100,
                exclusive=True),
        buy_get("Drinks: 3 for 2 for members", _cats("NAPITAK"), 2, 1, 100, members_only=True),
        buy_get("Juice and water: second at half price", _cats("SOK", "VODA"), 1, 1, 50),
        buy_get("Yogurt: buy one get one free", _gtins(pick("JOGURT", 1)), 1, 1, 100),
    ]  # fmt: skip

    def bundle(name: str, slots: Sequence[tuple[str, ...]], **when: Any) -> Bundle:
        price = _charm(sum(low(*cats) for cats in slots) * 0.85)
        return Bundle(id="", name=f"{name} for {price}", price=price,
                      slots=tuple(_cats(*cats) for cats in slots), when=_when(**when))  # fmt: skip

    offers += [
        bundle("Breakfast", [("JOGURT", "MLIJEKO"), ("KEKS",), ("KAVA", "NAPITAK")],
               exclusive=True),
        bundle("Snack deal", [("ČIPS",), ("PIVO", "SOK"), ("ČOKOLADA",)]),
        bundle("Bathroom deal", [("ŠAMPON",), ("GEL",), ("DEO", "SAPUN")]),
    ]  # fmt: skip

    def spend(name: str, group: Group, benefit: AmountOff | PercentOff, **when: Any) -> SpendOffer:
        return SpendOffer(id="", name=name, group=group, threshold=_eur(0), benefit=benefit,
                          when=_when(**when))  # fmt: skip

    everything = Group(everything=True)
    offers += [
        spend("2.00 off cosmetics", department("KOZMETIKA"), AmountOff(amount=_eur(200))),
        spend("10 % off drinks", department("PIĆE"), _percent(10)),
        spend("5.00 off the basket", everything, AmountOff(amount=_eur(500))),
        spend("Coupon: 5 % off items not on offer", everything, _percent(5), coupon="BASKET5",
              exclusive=True),
        spend("1.00 off K PLUS for members", brand(OWN_BRAND), AmountOff(amount=_eur(100)),
              members_only=True),
        spend("5 % off dairy", _cats("JOGURT", "MLIJEKO", "SIR"), _percent(5)),
    ]  # fmt: skip
    offers = [replace(o, id=f"P{k:02d}") for k, o in enumerate(offers, start=1)]
    assert len(offers) == 50, len(offers)

    coverage = {i.gtin: _covering(i, offers) for i in sample}
    kept = [i for i in sample if 2 <= coverage[i.gtin] <= 4]
    return Plan(kept, offers, Counter(coverage[i.gtin] for i in kept))


def _unit(name: str, group: Group, benefit: FixedPrice | AmountOff | PercentOff,
          when: Conditions) -> UnitOffer:  # fmt: skip
    return UnitOffer(id="", name=name, group=group, benefit=benefit, when=when)


def _percent(percent: int) -> PercentOff:
    return PercentOff(percent=Decimal(percent))


def _covering(item: Item, offers: Sequence[Offer]) -> int:
    """Offers that cover a product, basket-wide spend offers aside."""
    n = 0
    for offer in offers:
        groups = offer.slots if isinstance(offer, Bundle) else (offer.group,)
        if isinstance(offer, SpendOffer) and offer.group.everything:
            continue
        n += any(g.covers(item.gtin, item.category, item.brand, item.department) for g in groups)
    return n


def calibrate(plan: Plan, rng: random.Random) -> None:
    """Spend thresholds from what pilot baskets spend on each group at list prices (whole euros):
    the median for a group, the 40th percentile for the basket, so that item offers often
    decide whether a threshold is met; an exclusive basket offer (only units without an item
    offer count) at 15 % of the median basket."""
    pilots = [lines_of(draw_basket(plan, rng)) for _ in range(40)]
    for k, offer in enumerate(plan.offers):
        if not isinstance(offer, SpendOffer):
            continue
        spent = sorted(
            sum(
                line_gross(line).minor
                for line in lines
                if offer.group.covers(line.gtin, line.category, line.brand, line.department)
            )
            for lines in pilots
        )
        if offer.when.exclusive:
            threshold = statistics.median(spent) * 0.15
        else:
            threshold = spent[int((0.4 if offer.group.everything else 0.5) * (len(spent) - 1))]
        plan.offers[k] = replace(offer, threshold=_eur(max(int(threshold) // 100 * 100, 500)))


# -- baskets -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scan:
    item: Item
    weight_g: int | None = None  # a weighed item's weight
    label: Money | None = None  # a price printed on the item (reduced to clear)


def draw_basket(plan: Plan, rng: random.Random) -> list[Scan]:
    """100 units in the order they are scanned."""
    each = [i for i in plan.items if not i.weighed]
    weighed = [i for i in plan.items if i.weighed]
    themes = rng.sample(sorted({i.category for i in each}), 5)
    favoured = [i for i in each if i.category in themes]
    units: list[Scan] = [
        Scan(item, weight_g=rng.randint(120, 1200))
        for item in rng.sample(weighed, min(len(weighed), rng.randint(2, 3)))
    ]
    if rng.random() < 0.4:
        item = rng.choice(each)
        units.append(Scan(item, label=_charm(item.price.minor * 0.7)))
    while len(units) < UNITS:
        item = rng.choice(favoured if rng.random() < 0.7 else each)
        quantity = rng.choices((1, 2, 3, 4, 6), weights=(50, 25, 12, 8, 5))[0]
        units += [Scan(item)] * min(quantity, UNITS - len(units))
    rng.shuffle(units)
    return units


def lines_of(scans: Sequence[Scan]) -> list[LineToPrice]:
    """The cart's lines after these scans: a product's units share a line; weighed items and
    labelled items have their own."""
    lines: list[LineToPrice] = []
    where: dict[str, int] = {}
    for scan in scans:
        item = scan.item
        key = item.gtin if scan.label is None else f"{item.gtin}@{scan.label.minor}"
        if scan.weight_g is None and key in where:
            k = where[key]
            lines[k] = replace(lines[k], quantity=lines[k].quantity + 1)
            continue
        where[key] = len(lines)
        lines.append(
            LineToPrice(
                line_id=f"l{len(lines) + 1}",
                gtin=item.gtin,
                quantity=1,
                unit_price=item.price,
                tax_rate=item.tax_rate,
                sold_by=SoldBy.WEIGHT if item.weighed else SoldBy.EACH,
                weight_g=scan.weight_g,
                label_price=scan.label,
                name=item.name,
                category=item.category,
                brand=item.brand,
                department=item.department,
            )
        )
    return lines


# -- measuring -----------------------------------------------------------------------------------


def cache_clearer() -> Callable[[], None]:
    """The optimiser's hook to forget remembered solutions, wherever it is; a no-op without."""
    for module in ("aisle.domain.pricing", "aisle.domain.pricing._optimiser"):
        hook = getattr(importlib.import_module(module), "clear_cache", None)
        if callable(hook):
            return hook  # type: ignore[no-any-return]
    return lambda: None


def engine_saving(lines: Sequence[LineToPrice], offers: Sequence[Offer]) -> int:
    result = price_lines(lines, offers, POLICY, AT, shopper=SHOPPER, store=STORE)
    return result.discount_total.minor


def optimum(lines: Sequence[LineToPrice], offers: Sequence[Offer]) -> int:
    return solve(lines, offers, AT, shopper=SHOPPER, store=STORE, workers=CPSAT_WORKERS).saving


@dataclass(frozen=True, slots=True)
class Point:
    """One basket at one scan: the engine against CP-SAT and the greedy pass."""

    basket: int
    units: int
    gross: int  # minor units
    engine: int | None  # saving, minor units; None: the engine ran out of time
    optimum: int
    optimum_any_cut: int  # buy-get applications cut any way, not consecutively
    greedy: int
    greedy_listed: int
    engine_cold_s: float | None
    cpsat_s: float
    greedy_s: float
    engine_scan_s: float | None = None  # the scan that made this basket, as the cart priced it


@dataclass(slots=True)
class Outcome:
    rescan_s: list[float] = field(default_factory=list)  # inf: ran out of time
    skipped: int = 0  # scans not priced because an earlier one of the basket ran out of time
    scratch_s: list[float] = field(default_factory=list)  # full basket, cache cleared
    points: list[Point] = field(default_factory=list)
    repros: list[str] = field(default_factory=list)

    def every_scan(self) -> list[float]:
        """Every scan's time; one that was never priced counts as out of time."""
        return self.rescan_s + [math.inf] * self.skipped


def _scan_run(
    conn: Connection, states: Sequence[list[LineToPrice]], offers: Sequence[Offer]
) -> None:
    """In a child process: price after every scan, one message each, so that the parent can
    give up on a slow one."""
    cache_clearer()()
    gc.collect()
    gc.freeze()  # the harness's objects stay out of the collector's full passes
    for lines in states:
        start = time.perf_counter()
        price_lines(lines, offers, POLICY, AT, shopper=SHOPPER, store=STORE)
        conn.send(time.perf_counter() - start)
    conn.close()


def _cold_run(
    conn: Connection, lines: list[LineToPrice], offers: Sequence[Offer], times: int = 3
) -> None:
    """In a child process: the basket priced from scratch up to ``times`` times (once when that
    takes a second or more), one message each."""
    clear = cache_clearer()
    for _ in range(times):
        clear()
        start = time.perf_counter()
        saving = engine_saving(lines, offers)
        seconds = time.perf_counter() - start
        conn.send((saving, seconds))
        if seconds >= 1:
            break
    conn.close()


def _in_child(
    target: Callable[..., None], args: tuple[Any, ...], limit_s: float, budget_s: float = math.inf
) -> Iterator[Any]:
    """The messages a child process sends, until it ends, or one takes longer than ``limit_s``
    or all of them longer than ``budget_s`` (then the child is killed and the last is None)."""
    fork = multiprocessing.get_context("fork")
    ours, theirs = fork.Pipe(duplex=False)
    child = fork.Process(target=target, args=(theirs, *args))
    child.start()
    theirs.close()
    deadline = time.monotonic() + budget_s
    try:
        while True:
            if not ours.poll(max(0.0, min(limit_s, deadline - time.monotonic()))):
                child.kill()
                yield None
                return
            try:
                yield ours.recv()
            except EOFError:
                return
    finally:
        child.join()
        ours.close()


def measure(
    plan: Plan, baskets: Sequence[list[Scan]], checkpoints: Sequence[int], limit_s: float,
    budget_s: float, err: Console,
) -> Outcome:  # fmt: skip
    outcome = Outcome()
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as progress:
        bar = progress.add_task("Pricing scan by scan", total=sum(len(s) for s in baskets))
        for b, scans in enumerate(baskets):
            states = [lines_of(scans[:k]) for k in range(1, len(scans) + 1)]
            # the harness's objects (price list, plan, every basket's states) stay out of the
            # collector's full passes, for the engine's children and CP-SAT here alike, as the
            # server keeps what it built at startup out of them (aisle.cli._run)
            gc.collect()
            gc.freeze()
            first = len(outcome.rescan_s)
            for scanned, seconds in enumerate(
                _in_child(_scan_run, (states, plan.offers), limit_s, budget_s)
            ):
                if seconds is None:
                    outcome.rescan_s.append(math.inf)
                    outcome.skipped += len(states) - scanned - 1
                    break
                outcome.rescan_s.append(seconds)
                progress.advance(bar)
            progress.update(bar, completed=sum(len(s) for s in baskets[: b + 1]))
            for k in checkpoints:
                runs = list(_in_child(_cold_run, (states[k - 1], plan.offers), limit_s))
                timed_out = not runs or runs[-1] is None
                saving = None if timed_out else runs[0][0]
                cold = None if timed_out else statistics.median(s for _, s in runs)
                point = _point(b, states[k - 1], plan.offers, saving, cold)
                if first + k - 1 < len(outcome.rescan_s):
                    point = replace(point, engine_scan_s=outcome.rescan_s[first + k - 1])
                outcome.points.append(point)
                if k == len(scans):
                    outcome.scratch_s.append(math.inf if cold is None else cold)
                if saving is not None and saving != point.optimum:
                    outcome.repros.append(shrink(states[k - 1], plan.offers, limit_s, err))
    return outcome


def _point(
    b: int, lines: Sequence[LineToPrice], offers: Sequence[Offer], engine: int | None,
    engine_cold_s: float | None,
) -> Point:  # fmt: skip
    best = solve(lines, offers, AT, shopper=SHOPPER, store=STORE, workers=CPSAT_WORKERS)
    any_cut = solve(
        lines, offers, AT, shopper=SHOPPER, store=STORE, workers=CPSAT_WORKERS, buy_get="any"
    )
    start = time.perf_counter()
    greedy = greedy_saving(lines, offers, AT, shopper=SHOPPER, store=STORE)
    greedy_s = time.perf_counter() - start
    listed = greedy_saving(lines, offers, AT, shopper=SHOPPER, store=STORE, order="listed")
    return Point(
        basket=b,
        units=sum(1 if line.weight_g is not None else line.quantity for line in lines),
        gross=sum(line_gross(line).minor for line in lines),
        engine=engine,
        optimum=best.saving,
        optimum_any_cut=any_cut.saving,
        greedy=greedy,
        greedy_listed=listed,
        engine_cold_s=engine_cold_s,
        cpsat_s=best.seconds,
        greedy_s=greedy_s,
    )


# -- a mismatch, shrunk --------------------------------------------------------------------------


def shrink(
    lines: Sequence[LineToPrice], offers: Sequence[Offer], limit_s: float, err: Console
) -> str:
    """A small basket where the engine and CP-SAT still disagree, as Python code."""

    def differs(ls: list[LineToPrice], os: list[Offer]) -> bool:
        if not ls:
            return False
        runs = list(_in_child(_cold_run, (ls, os, 1), limit_s))
        return bool(runs) and runs[0] is not None and runs[0][0] != optimum(ls, os)

    ls, os = list(lines), list(offers)
    err.print(f"[yellow]Engine and CP-SAT differ on a basket of {len(ls)} lines; shrinking…")
    changed = True
    while changed:
        changed = False
        for k in range(len(os) - 1, -1, -1):
            if differs(ls, os[:k] + os[k + 1 :]):
                os, changed = os[:k] + os[k + 1 :], True
        for k in range(len(ls) - 1, -1, -1):
            if differs(ls[:k] + ls[k + 1 :], os):
                ls, changed = ls[:k] + ls[k + 1 :], True
        for k in range(len(ls)):
            while ls[k].quantity > 1:
                fewer = [*ls[:k], replace(ls[k], quantity=ls[k].quantity - 1), *ls[k + 1 :]]
                if not differs(fewer, os):
                    break
                ls, changed = fewer, True
    code = as_python(ls, os)
    err.print(code)
    return code


def as_python(lines: Sequence[LineToPrice], offers: Sequence[Offer]) -> str:
    def line_code(line: LineToPrice) -> str:
        parts = [
            f"line_id={line.line_id!r}",
            f"gtin={line.gtin!r}",
            f"quantity={line.quantity}",
            f"unit_price={line.unit_price!r}",
            f"tax_rate={line.tax_rate!r}",
        ]
        if line.sold_by is SoldBy.WEIGHT:
            parts += ["sold_by=SoldBy.WEIGHT", f"weight_g={line.weight_g}"]
        for name in ("label_price", "category", "brand", "department"):
            if getattr(line, name):
                parts.append(f"{name}={getattr(line, name)!r}")
        return "    LineToPrice(" + ", ".join(parts) + "),"

    return "\n".join(
        [
            "import datetime",
            "from decimal import Decimal",
            "from aisle.domain.catalog import SoldBy",
            "from aisle.domain.money import Money",
            "from aisle.domain.pricing import *",
            f"AT = {AT!r}",
            f"SHOPPER = {SHOPPER!r}",
            f"STORE = {STORE!r}",
            "LINES = [",
            *(line_code(line) for line in lines),
            "]",
            "OFFERS = [",
            *(f"    {offer!r}," for offer in offers),
            "]",
            f"# engine saving: {engine_saving(lines, offers)}, "
            f"CP-SAT optimum: {optimum(lines, offers)} (minor units)",
        ]
    )


# -- the report ----------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (no interpolation), in milliseconds; None when empty or when it
    falls on a call that ran out of time."""
    if not values:
        return None
    ordered = sorted(values)
    value = ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]
    return None if math.isinf(value) else round(value * 1000, 3)


def _in_eur(minor: float) -> float:
    return round(minor / 100, 2)


def headline(
    plan: Plan,
    outcome: Outcome,
    quick: bool,
    seed: int,
    limit_s: float,
    budget_s: float,
    dropped: Sequence[str] = (),
) -> dict[str, Any]:
    points = outcome.points
    full = [p for p in points if p.units == UNITS]
    # CP-SAT's time over the engine's, both from scratch; a timed-out engine counts as 0
    ratios = sorted(p.cpsat_s / p.engine_cold_s if p.engine_cold_s else 0.0 for p in full)
    per_scan = sorted(
        p.cpsat_s / p.engine_scan_s
        if p.engine_scan_s is not None and math.isfinite(p.engine_scan_s)
        else 0.0
        for p in points
    )
    over = [p.optimum - p.greedy for p in full]
    listed = [p.optimum - p.greedy_listed for p in full]
    kinds = Counter(
        ("SpendOffer " + ("basket" if o.group.everything else "group"))
        if isinstance(o, SpendOffer) else type(o).__name__
        for o in plan.offers
    )  # fmt: skip
    rescans = outcome.every_scan()
    p99 = percentile(rescans, 99)
    optimal = bool(points) and all(p.engine == p.optimum for p in points)
    ratio_p50 = statistics.median(ratios) if ratios else None
    return {
        "benchmark": "pricing",
        "quick": quick,
        # "compiled": the programme built by mypyc (scripts/setup); "source", "stale", "pure": not
        "programme": compiled_state()["aisle.domain.pricing._programme"],
        "kernel": compiled_state()["aisle.domain.pricing._kernel"],  # its C forward passes
        "seed": seed,
        "dropped": sorted(set(dropped) - {""}),
        "price_list": PRICE_LIST,
        "products": len(plan.items),
        "offers": len(plan.offers),
        "offers_by_kind": dict(sorted(kinds.items())),
        "products_by_offers_covering": {str(k): v for k, v in sorted(plan.coverage.items())},
        "baskets": len(full),
        "units_per_basket": UNITS,
        "mean_basket_gross_eur": _in_eur(statistics.fmean(p.gross for p in full)),
        "mean_optimal_saving_eur": _in_eur(statistics.fmean(p.optimum for p in full)),
        "engine_call_limit_s": limit_s,
        "engine_basket_budget_s": budget_s,
        "scans": len(outcome.rescan_s) + outcome.skipped,
        "scans_out_of_time": sum(math.isinf(s) for s in outcome.rescan_s),
        "scans_not_priced_after": outcome.skipped,
        "rescan_p50_ms": percentile(rescans, 50),
        "rescan_p99_ms": p99,
        "rescan_max_ms": percentile(rescans, 100),
        "full_basket_p50_ms": percentile(outcome.scratch_s, 50),
        "full_basket_max_ms": percentile(outcome.scratch_s, 100),
        "cpsat_workers": CPSAT_WORKERS,
        "cpsat_full_p50_ms": percentile([p.cpsat_s for p in full], 50),
        "cpsat_full_max_ms": percentile([p.cpsat_s for p in full], 100),
        "cpsat_over_engine_p50": round(ratio_p50, 2) if ratio_p50 is not None else None,
        "cpsat_over_engine_min": round(ratios[0], 2) if ratios else None,
        # CP-SAT's time over the engine's re-pricing after the scan that made the same basket
        # (its remembered components reused, as on a cart), at every point checked
        "cpsat_over_scan_p50": round(statistics.median(per_scan), 2) if per_scan else None,
        "cpsat_over_scan_min": round(per_scan[0], 2) if per_scan else None,
        "points_checked": len(points),
        "points_optimal": sum(p.engine == p.optimum for p in points),
        "points_engine_timed_out": sum(p.engine is None for p in points),
        "optimal_on_every_basket": optimal,
        "mismatches": len(outcome.repros),
        "points_where_any_buy_get_cut_saves_more": sum(
            p.optimum_any_cut > p.optimum for p in points
        ),
        "greedy_full_p50_ms": percentile([p.greedy_s for p in full], 50),
        "greedy_overcharge_mean_eur": _in_eur(statistics.fmean(over)) if over else None,
        "greedy_overcharge_max_eur": _in_eur(max(over)) if over else None,
        "greedy_overcharged_share": round(sum(o > 0 for o in over) / len(over), 3)
        if over
        else None,
        "greedy_listed_overcharge_mean_eur": _in_eur(statistics.fmean(listed)) if listed else None,
        "greedy_listed_overcharged_share": (
            round(sum(o > 0 for o in listed) / len(listed), 3) if listed else None
        ),
        "meets_optimal": optimal,
        "meets_p99_5ms": p99 is not None and p99 <= P99_TARGET_MS,
        "meets_10x_faster_than_cpsat": ratio_p50 is not None and ratio_p50 >= SPEEDUP_TARGET,
    }


def table(outcome: Outcome) -> Table:
    report = Table(
        title="Pricing 100-unit baskets with 50 overlapping offers",
        caption="milliseconds; '-': a call that ran out of time",
    )
    for label in ("", "n", "p50", "p99", "max"):
        report.add_column(label, justify="right" if label else "left")
    full = [p for p in outcome.points if p.units == UNITS]
    rows = [
        ("re-price after a scan", outcome.every_scan()),
        ("full basket from scratch", outcome.scratch_s),
        ("CP-SAT, full basket", [p.cpsat_s for p in full]),
        ("greedy pass, full basket", [p.greedy_s for p in full]),
    ]
    for label, values in rows:
        cells = [percentile(values, q) for q in (50, 99, 100)]
        report.add_row(label, str(len(values)), *("-" if c is None else f"{c:.2f}" for c in cells))
    return report


def savings(outcome: Outcome) -> Table:
    report = Table(title="Savings per point checked (EUR)")
    for label in ("basket", "units", "gross", "engine", "CP-SAT", "greedy", "greedy listed"):
        report.add_column(label, justify="right")
    for p in outcome.points:
        engine = "timeout" if p.engine is None else f"{p.engine / 100:.2f}"
        if p.engine is not None and p.engine != p.optimum:
            engine = f"[red]{engine}[/red]"
        report.add_row(
            str(p.basket), str(p.units), f"{p.gross / 100:.2f}", engine, f"{p.optimum / 100:.2f}",
            f"{p.greedy / 100:.2f}", f"{p.greedy_listed / 100:.2f}",
        )  # fmt: skip
    return report


app = typer.Typer(add_completion=False)


@app.command()
def main(
    quick: Annotated[bool, typer.Option(help="6 baskets, CP-SAT at 50 and 100 units")] = False,
    baskets: Annotated[int | None, typer.Option(help="Baskets [40; quick: 6]")] = None,
    seed: Annotated[int, typer.Option(help="Seed for the plan and the baskets")] = 1,
    limit: Annotated[
        float, typer.Option(help="Seconds one pricing may take before the basket is given up")
    ] = 5.0,
    budget: Annotated[
        float | None, typer.Option(help="Seconds for one basket's scans [60; quick: 20]")
    ] = None,
    drop: Annotated[
        str, typer.Option(help="Offer ids to leave out, comma-separated, to see what they cost")
    ] = "",
) -> None:
    """Measure re-pricing after a scan, and check the price against CP-SAT and a greedy pass."""
    out, err = Console(), Console(stderr=True)
    path = shared_folder() / "konzum-prices-2025-07-03" / PRICE_LIST
    if not path.is_file():
        raise typer.BadParameter(f"real price list {path} is absent (set AISLE_SHARED_DATA)")
    count = baskets if baskets is not None else (6 if quick else 40)
    checkpoints = (50, UNITS) if quick else (25, 50, 75, UNITS)
    rng = random.Random(seed)
    plan = build_plan(load_items(path), rng)
    calibrate(plan, random.Random(seed + 1))
    drawn = [draw_basket(plan, rng) for _ in range(count)]
    plan.offers = [o for o in plan.offers if o.id not in drop.split(",")]
    err.print(f"{len(plan.items)} products, {len(plan.offers)} offers, {count} baskets; the "
              f"programme runs {compiled_state()['aisle.domain.pricing._programme']}, its C "
              f"kernel {compiled_state()['aisle.domain.pricing._kernel']}")  # fmt: skip
    budget = budget if budget is not None else (20.0 if quick else 60.0)
    outcome = measure(plan, drawn, checkpoints, limit, budget, err)
    figures = headline(plan, outcome, quick, seed, limit, budget, drop.split(","))
    out.print(table(outcome))
    out.print(savings(outcome))
    if outcome.repros:
        out.print(f"[red]The engine is not optimal on {len(outcome.repros)} of the points; the "
                  "first, shrunk:[/red]")  # fmt: skip
        out.print(outcome.repros[0], markup=False, highlight=False, soft_wrap=True)  # runnable
    sys.stdout.flush()
    print(json.dumps(figures, allow_nan=False))


if __name__ == "__main__":
    app()
