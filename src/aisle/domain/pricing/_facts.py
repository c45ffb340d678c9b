"""What a promotions file is checked against: the catalog's products, groupings and prices.

A rule that names a product, category, brand or department no product has is a typo; a rule
priced at or above the regular price can never apply. :class:`CatalogFacts` is the little the
checks need to know, so that they stay pure: the service builds it from the store's catalog,
``aisle price`` from a catalog file.

>>> facts = CatalogFacts.of([
...     ProductFacts(gtin="03850000000015", name="Cola", brand="Sokić",
...                  price=Money(minor=179, currency="EUR")),
... ])
>>> facts.owner("03850000000015"), sorted(facts.known("brands"))
('03850000000015', ['Sokić'])
>>> [p.name for p in facts.covered(Group(brands=frozenset({"Sokić"})))]
['Cola']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from aisle.domain.money import Money
from aisle.domain.pricing._rules import Group

__all__ = ["CatalogFacts", "ProductFacts"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductFacts:
    """One product as the promotion checks see it."""

    gtin: str  # 14-digit form
    name: str = ""
    category: str = ""
    brand: str = ""
    department: str = ""
    price: Money | None = None  # the regular price (per piece, or per kg); None: not priced


@dataclass(frozen=True, slots=True, kw_only=True)
class CatalogFacts:
    """The store's products by GTIN, and the other codes that belong to them."""

    products: Mapping[str, ProductFacts]
    aliases: Mapping[str, str] = field(default_factory=dict)  # another code -> its product
    categories: frozenset[str] = frozenset()
    brands: frozenset[str] = frozenset()
    departments: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls, products: Iterable[ProductFacts], aliases: Mapping[str, str] | None = None
    ) -> CatalogFacts:
        by_gtin = {product.gtin: product for product in products}
        return cls(
            products=by_gtin,
            aliases=dict(aliases or {}),
            categories=frozenset(p.category for p in by_gtin.values() if p.category),
            brands=frozenset(p.brand for p in by_gtin.values() if p.brand),
            departments=frozenset(p.department for p in by_gtin.values() if p.department),
        )

    def owner(self, gtin14: str) -> str | None:
        """The product a code belongs to (itself for a product's own GTIN), or None."""
        if gtin14 in self.products:
            return gtin14
        return self.aliases.get(gtin14)

    def known(self, key: str) -> frozenset[str]:
        """Every category, brand or department (``key``) some product has."""
        match key:
            case "categories":
                return self.categories
            case "brands":
                return self.brands
            case "departments":
                return self.departments
        raise ValueError(f"{key!r}: expected categories, brands or departments")

    def covered(self, group: Group) -> list[ProductFacts]:
        """The products a group covers, in GTIN order."""
        if group.gtins and not (
            group.everything or group.categories or group.brands or group.departments
        ):
            return [self.products[g] for g in sorted(group.gtins) if g in self.products]
        return [
            product
            for gtin, product in sorted(self.products.items())
            if group.covers(gtin, product.category, product.brand, product.department)
        ]
