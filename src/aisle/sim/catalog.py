"""The simulated store's products: real baskets mapped onto a real price list, with true weights.

Baskets come from the groceries data (one till basket a line, item *categories* such as "whole
milk"). Each category the simulator knows is mapped onto the Konzum price list's products whose
names start with one of a few words ("whole milk": ``MLIJEKO``; "bottled beer": ``PIVO`` bottles),
with the kind of pack it comes in. Categories with no such product on the list (newspapers,
pot plants, light bulbs) and products sold by the piece with no weight or volume on the list are
left out: the simulator reports how many basket items that drops.

Every product has a *true* weight per pack that the engine never sees: the declared net content
as the product's name states it (the list rounds to 10 g; "62 g" in the name wins over "0.06 kg"),
at the liquid's density, over-filled a little as packers do (mean +0.5 %, spread 0.7 %, at least
1 g), plus its packaging, whose weight is drawn once per product from the range for its kind of
pack (a can 12-16 g, a glass beer bottle 180-380 g, a wine bottle 380-620 g, a cup 4-12 g, ...)
and varies 3 % from pack to pack (glass 5 %). The engine starts from
:func:`~aisle.domain.verify.guess_from_peers` of the list's rounded net content (the label's
guess until the category has learned peers) and learns.

Products sold by weight (fruit, vegetables, meat at the counter) are weighed on the cart's own
scale: a portion of 250 g to 2 kg.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from aisle.domain.catalog import NetContent, SoldBy

__all__ = [
    "CATEGORIES",
    "PACKS",
    "Pack",
    "SimCatalog",
    "SimProduct",
    "load_baskets",
    "load_catalog",
    "load_konzum",
    "make_product",
    "map_baskets",
    "shared_folder",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Pack:
    """A kind of packaging: its weight range in grams, and the liquid's density (g/ml)."""

    low_g: float
    high_g: float
    variance: float = 0.03  # pack to pack, as a share of the packaging's weight
    density: float = 1.0
    share: float = 0.0  # extra packaging as a share of the net content (trays, boxes)


PACKS: dict[str, Pack] = {
    "carton": Pack(low_g=22, high_g=38, density=1.03),
    "pet": Pack(low_g=18, high_g=45, density=1.0),
    "can": Pack(low_g=12, high_g=16, density=1.01),
    "beer_glass": Pack(low_g=180, high_g=380, variance=0.05, density=1.01),
    "wine_glass": Pack(low_g=380, high_g=620, variance=0.05, density=0.99),
    "spirit_glass": Pack(low_g=350, high_g=650, variance=0.05, density=0.95),
    "jar": Pack(low_g=120, high_g=260, variance=0.05),
    "cup": Pack(low_g=4, high_g=12),
    "bag": Pack(low_g=2, high_g=9),
    "box": Pack(low_g=8, high_g=25, share=0.04),
    "tray": Pack(low_g=10, high_g=30, share=0.03),
    "bottle_oil": Pack(low_g=30, high_g=60, density=0.92),
    "tin": Pack(low_g=25, high_g=60),
    "wrapper": Pack(low_g=1, high_g=5),
    "loose": Pack(low_g=0, high_g=0),  # weighed on the cart: the scale's own reading is the line
}

# basket category: (first words of Konzum product names, kind of pack)
CATEGORIES: dict[str, tuple[tuple[str, ...], str]] = {
    "whole milk": (("MLIJEKO",), "carton"), "UHT-milk": (("MLIJEKO",), "carton"),
    "yogurt": (("JOGURT",), "cup"), "butter milk": (("KEFIR", "JOGURT"), "cup"),
    "soda": (("GAZ",), "pet"), "bottled water": (("VODA",), "pet"),
    "fruit/vegetable juice": (("SOK", "NEKTAR"), "carton"),
    "bottled beer": (("PIVO",), "beer_glass"), "canned beer": (("PIVO",), "can"),
    "red/blush wine": (("VINO",), "wine_glass"), "white wine": (("VINO",), "wine_glass"),
    "sparkling wine": (("PJENUŠAC",), "wine_glass"), "liquor": (("LIKER", "VODKA", "RUM"),
                                                                 "spirit_glass"),
    "rolls/buns": (("PECIVO",), "bag"), "brown bread": (("KRUH",), "bag"),
    "white bread": (("KRUH",), "bag"), "pastry": (("KOLAČ", "ŠTRUDLA", "PITA"), "box"),
    "whipped/sour cream": (("VRHNJE",), "cup"), "cream cheese": (("NAMAZ",), "cup"),
    "hard cheese": (("SIR",), "wrapper"), "sliced cheese": (("SIR",), "wrapper"),
    "sausage": (("KOBASICA", "ČAJNA", "KULEN"), "wrapper"), "ham": (("ŠUNKA",), "wrapper"),
    "frankfurter": (("HRENOVKE", "KOBASICA"), "wrapper"), "margarine": (("MARGARIN",), "cup"),
    "butter": (("MASLAC",), "wrapper"), "coffee": (("KAVA",), "bag"),
    "instant coffee": (("INSTANT",), "jar"), "chocolate": (("ČOKOLADA", "ČOKOL"), "wrapper"),
    "specialty bar": (("PROTEIN",), "wrapper"), "candy": (("BOMBON", "BOMBONI"), "bag"),
    "waffles": (("VAFL", "NAPOLITANKE"), "wrapper"), "salty snack": (("ČIPS", "FLIPS"), "bag"),
    "long life bakery product": (("KEKS", "BISKVIT"), "box"), "dessert": (("DESERT", "PUDING"),
                                                                          "cup"),
    "sugar": (("ŠEĆER",), "bag"), "oil": (("ULJE",), "bottle_oil"), "flour": (("BRAŠNO",), "bag"),
    "pasta": (("TIJESTO", "TJESTENINA"), "bag"), "rice": (("RIŽA",), "bag"),
    "frozen vegetables": (("GRAŠAK", "POVRĆE"), "bag"), "frozen meals": (("PIZZA", "LASAGNE"),
                                                                         "box"),
    "ice cream": (("SLADOLED",), "box"), "cat food": (("WHISKAS", "FRISKIES", "GOURMET"), "tin"),
    "dog food": (("PEDIGREE",), "tin"), "detergent": (("DET",), "pet"),
    "canned fish": (("TUNJ", "SARDINA"), "tin"), "soups": (("JUHA",), "bag"),
    "pickled vegetables": (("KUPUS", "KRASTAVAC", "MASLINE"), "jar"),
    "jam": (("DŽEM", "PEKMEZ"), "jar"), "tea": (("ČAJ",), "box"), "cereals": (("PAHULJICE",
                                                                                "MUESLI"), "box"),
    "dish cleaner": (("DET",), "pet"), "hygiene articles": (("ŠAMPON", "GEL"), "pet"),
    "soap": (("SAPUN",), "pet"), "dental care": (("ZP",), "wrapper"),
    "processed cheese": (("SIR",), "wrapper"), "curd": (("SIR",), "cup"),
    "beef": (("JUN",), "loose"), "pork": (("SV",), "loose"), "meat": (("TEL", "SV"), "loose"),
    "tropical fruit": (("BANANA",), "loose"), "citrus fruit": (("LIMUN", "NARANČA"), "loose"),
    "pip fruit": (("KRUŠKA", "JABUKA"), "loose"), "root vegetables": (("MRKVA",), "loose"),
    "other vegetables": (("BROKULA", "RAJČICA", "PAPRIKA"), "loose"),
}  # fmt: skip

_NON_FOOD = {"detergent", "dish cleaner", "hygiene articles", "soap", "dental care", "cat food",
             "dog food"}  # fmt: skip
_FOOD_DEPARTMENTS = {"HRANA", "PIĆE"}
_CANNED = re.compile(r"\bLIM(ENKA)?\b")  # Konzum writes cans as "LIM" or "LIMENKA"

_GRAMS_IN_NAME = re.compile(r"(\d+(?:[.,]\d+)?)\s*(g|kg|ml|l)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True, kw_only=True)
class SimProduct:
    """A product as the list shows it (``net``, ``price_minor``), and as it really weighs."""

    gtin: str
    name: str
    category: str  # the basket category it stands for
    price_minor: int  # per pack, or per kg when weighed
    net: NetContent | None  # as the price list declares it: what the engine is told
    weighed: bool = False  # sold by weight, weighed on the cart's scale
    true_net_mg: int = 0  # what is really in the pack, on average
    packaging_mg: int = 0  # this product's packaging
    packaging_variance_ppm: int = 30_000

    def draw_mg(self, rng: random.Random) -> int:
        """One pack's own weight (a portion's, for a product sold by weight)."""
        if self.weighed:
            return rng.randint(250, 2_000) * 1000
        fill = rng.gauss(self.true_net_mg * 1.005, max(self.true_net_mg * 0.007, 1_000))
        pack = rng.gauss(self.packaging_mg, self.packaging_mg * self.packaging_variance_ppm / 1e6)
        return max(int(fill + pack), 1_000)

    def price_of(self, weight_mg: int) -> int:
        """What one pack (or a weighed portion of ``weight_mg``) costs, in minor units."""
        if self.weighed:
            return (self.price_minor * weight_mg + 500_000) // 1_000_000
        return self.price_minor


def _true_net(name: str, listed: NetContent) -> int:
    """Milligrams in the pack: the name's own figure when it agrees with the list to 10 %."""
    for amount, unit in _GRAMS_IN_NAME.findall(name):
        try:
            value = float(amount.replace(",", "."))
        except ValueError:
            continue
        scaled = value * (1000 if unit.lower() in ("kg", "l") else 1)
        is_volume = unit.lower() in ("ml", "l")
        if is_volume == (listed.unit == "ml") and abs(scaled - listed.amount) <= listed.amount / 10:
            return int(scaled * 1000)
    return listed.amount * 1000


def make_product(
    *, gtin: str, name: str, category: str, price_minor: int, net: NetContent | None,
    weighed: bool, pack: str, rng: random.Random,
) -> SimProduct:  # fmt: skip
    """A product with its true weight drawn (once) from its kind of pack."""
    kind = PACKS[pack]
    if weighed or net is None:
        return SimProduct(gtin=gtin, name=name, category=category, price_minor=price_minor,
                          net=net, weighed=True)  # fmt: skip
    true_net = int(_true_net(name, net) * (kind.density if net.unit == "ml" else 1.0))
    packaging = rng.uniform(kind.low_g, kind.high_g) * 1000 + true_net * kind.share
    return SimProduct(
        gtin=gtin, name=name, category=category, price_minor=price_minor, net=net,
        true_net_mg=true_net, packaging_mg=int(packaging),
        packaging_variance_ppm=int(kind.variance * 1e6),
    )  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class SimCatalog:
    products: dict[str, tuple[SimProduct, ...]]  # basket category: products standing for it
    baskets: tuple[tuple[str, ...], ...]  # categories the simulator knows, per basket
    dropped_items: int = 0  # basket items of categories with no product
    total_items: int = 0

    def all_products(self) -> list[SimProduct]:
        seen: dict[str, SimProduct] = {}
        for group in self.products.values():
            for p in group:
                seen.setdefault(p.gtin, p)
        return list(seen.values())


def load_baskets(path: Path) -> list[tuple[str, ...]]:
    """The groceries data: one basket a line, comma-separated categories."""
    with path.open(encoding="utf-8") as f:
        return [
            tuple(x.strip() for x in line.split(",") if x.strip()) for line in f if line.strip()
        ]


def _first_words(name: str) -> set[str]:
    words = name.split()
    return {words[0]} if words else set()


def load_konzum(
    path: Path, *, seed: int = 0, per_category: int = 12
) -> dict[str, list[SimProduct]]:
    """Up to ``per_category`` products of each mapped category from a Konzum price list."""
    from aisle.adapters.importers.csv_mapped import preset, read_csv
    from aisle.services.importing import ProductRecord

    rng = random.Random(seed)
    pools: dict[str, list[tuple[str, str, int, NetContent | None, bool, bool]]] = {}
    seen: set[str] = set()
    for record in read_csv(path, preset("konzum")):
        if not isinstance(record, ProductRecord) or record.price is None or record.gtin in seen:
            continue
        seen.add(record.gtin)
        weighed = record.sold_by is SoldBy.WEIGHT
        net = record.net_content
        if not weighed and (net is None or net.unit == "pcs" or net.amount > 5_000):
            continue
        for word in _first_words(record.name.upper()):
            pools.setdefault(word, []).append(
                (record.gtin, record.name, record.price.minor, net, weighed,
                 record.department in _FOOD_DEPARTMENTS)
            )  # fmt: skip
    out: dict[str, list[SimProduct]] = {}
    for category, (words, pack) in CATEGORIES.items():
        loose = pack == "loose"
        food = category not in _NON_FOOD
        candidates = sorted(
            (c for w in words for c in pools.get(w, []) if c[4] == loose and c[5] == food
             and (pack not in ("can", "beer_glass")
                  or (_CANNED.search(c[1]) is not None) == (pack == "can"))),
            key=lambda c: c[0],
        )  # fmt: skip
        if not candidates:
            continue
        chosen = rng.sample(candidates, min(per_category, len(candidates)))
        out[category] = [
            make_product(
                gtin=g,
                name=n,
                category=category,
                price_minor=p,
                net=net,
                weighed=w,
                pack=pack,
                rng=rng,
            )
            for g, n, p, net, w, _ in sorted(chosen, key=lambda c: c[0])
        ]
    return out


def map_baskets(
    baskets: Iterable[Sequence[str]], products: dict[str, list[SimProduct]]
) -> SimCatalog:
    """Baskets reduced to the categories that have products; how many items that dropped."""
    kept: list[tuple[str, ...]] = []
    dropped = total = 0
    for basket in baskets:
        known = tuple(c for c in basket if c in products)
        total += len(basket)
        dropped += len(basket) - len(known)
        if known:
            kept.append(known)
    return SimCatalog(
        products={c: tuple(p) for c, p in products.items()},
        baskets=tuple(kept),
        dropped_items=dropped,
        total_items=total,
    )


PRICE_LIST = "konzum-prices-2025-07-03/konzum-0204-2025-07-03.csv"
BASKETS = "groceries-baskets/groceries.csv"


def shared_folder() -> Path:
    """The real data: ``$AISLE_SHARED_DATA``, else ``../shared/data`` beside the project."""
    import os

    root = Path(__file__).resolve().parents[3]
    return Path(os.environ.get("AISLE_SHARED_DATA", root.parent / "shared" / "data"))


def load_catalog(folder: Path | None = None, *, seed: int = 0) -> SimCatalog:
    """The real baskets on the Konzum store 0204's products; FileNotFoundError names what is
    missing."""
    base = folder or shared_folder()
    prices, baskets = base / PRICE_LIST, base / BASKETS
    for path in (prices, baskets):
        if not path.is_file():
            raise FileNotFoundError(f"{path} is absent (set AISLE_SHARED_DATA)")
    return map_baskets(load_baskets(baskets), load_konzum(prices, seed=seed))
