"""Promotion rules: what a grocer can run, as plain values the optimiser reads.

The vocabulary is django-oscar's (a *group* of products, a *condition*, a *benefit*, an
*offer*), but nothing here mutates a basket and nothing is applied in priority order: the
optimiser in :mod:`aisle.domain.pricing._optimiser` chooses, among every combination the rules
allow, the one that makes the shopper's total lowest.

How the rules combine (the stacking rules, written down):

- **Item offers** (:class:`UnitOffer`, :class:`Multibuy`, :class:`BuyGet`, :class:`Bundle` and
  the shelf's :class:`~aisle.domain.pricing.PriceReduction`) give a unit its promotional price.
  A unit takes at most one item offer.
- **Spend offers** (:class:`SpendOffer`) give money off when the shopper spends enough on a group
  or on the whole basket. Spend is what the shopper pays for the qualifying units after item
  offers; deposits never count. Spend offers share units with item offers and with each other,
  unless one of the two is ``exclusive``: a unit whose item offer is exclusive, or a unit with
  any item offer under an exclusive spend offer, does not count towards that spend offer and
  gets no share of it.
- A price printed on the item's own label (reduced to clear) is final: no item offer applies to
  it. It still counts towards spend offers.
- Every offer is optional. The optimiser may leave one unused when that lowers the total, for
  example to stay above a spend threshold.
- A "buy k get j" groups its units in order of price, dearest first, k + j at a time, and
  discounts the cheapest j of each group: what a till does, and the best split for the saving.
- An application of a "N for P" or a bundle never costs more than its units at their regular
  prices: the optimiser won't pay more for a deal to reach a spend threshold.
- Limits are per basket (per shopper): ``limit`` counts units for a :class:`UnitOffer` and
  applications for the others. A coupon is used at most once: an offer with a ``coupon``
  applies at most once in a basket (one unit, one application), whatever its ``limit``.

Rounding: a percentage discount is computed per unit and rounded half-up to the minor unit; an
amount off or a fixed price for several units is shared between them in proportion to their
prices, the remainder cent by cent to the largest shares, so line discounts always sum exactly
to the promotion's discount.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from aisle.domain.money import Money

__all__ = [
    "AmountOff",
    "Benefit",
    "Bundle",
    "BuyGet",
    "Conditions",
    "FixedPrice",
    "Group",
    "Multibuy",
    "Offer",
    "PercentOff",
    "Shopper",
    "SpendOffer",
    "UnitOffer",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    """The products an offer covers: listed GTINs, or whole categories, brands or departments.

    >>> Group(gtins=frozenset({"03850000000019"})).covers("03850000000019", "", "", "")
    True
    >>> Group(categories=frozenset({"yogurt"}), name="yogurts").covers("0", "yogurt", "", "")
    True
    """

    gtins: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    brands: frozenset[str] = frozenset()
    departments: frozenset[str] = frozenset()
    everything: bool = False
    name: str = ""  # how the screen names it: "yogurts"

    def covers(self, gtin: str, category: str, brand: str, department: str) -> bool:
        return (
            self.everything
            or gtin in self.gtins
            or (category != "" and category in self.categories)
            or (brand != "" and brand in self.brands)
            or (department != "" and department in self.departments)
        )

    @property
    def is_empty(self) -> bool:
        return not (
            self.everything or self.gtins or self.categories or self.brands or self.departments
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class FixedPrice:
    """The unit costs this (per piece, or per kg for a weighed item)."""

    price: Money


@dataclass(frozen=True, slots=True, kw_only=True)
class AmountOff:
    """This much off (per piece or per kg for a unit offer; once for a spend offer)."""

    amount: Money


@dataclass(frozen=True, slots=True, kw_only=True)
class PercentOff:
    """This percentage off, 0 < percent <= 100."""

    percent: Decimal


Benefit = FixedPrice | AmountOff | PercentOff


@dataclass(frozen=True, slots=True, kw_only=True)
class Conditions:
    """When an offer is live and for whom."""

    starts_at: datetime
    ends_at: datetime
    stores: frozenset[str] = frozenset()  # empty: every store of the chain
    members_only: bool = False  # a loyalty (member) price
    coupon: str | None = None  # the coupon code that must be presented
    limit: int | None = None  # per basket: units for a unit offer, applications otherwise
    exclusive: bool = False  # shares no unit with a spend offer (see the module's rules)

    def active(self, at: datetime, store: str, shopper: Shopper) -> bool:
        if not self.starts_at <= at < self.ends_at:
            return False
        if self.stores and store not in self.stores:
            return False
        if self.members_only and shopper.member_id is None:
            return False
        return self.coupon is None or self.coupon in shopper.coupons

    @property
    def max_applications(self) -> int | None:
        return 1 if self.coupon is not None else self.limit


@dataclass(frozen=True, slots=True, kw_only=True)
class Shopper:
    """Who is shopping: a loyalty member or not, and the coupons they presented."""

    member_id: str | None = None
    coupons: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitOffer:
    """A promotional price per unit: a member price, an item coupon, "20 % off"."""

    id: str
    name: str
    group: Group
    benefit: Benefit
    when: Conditions


@dataclass(frozen=True, slots=True, kw_only=True)
class Multibuy:
    """Any ``quantity`` units from the group for ``price``: "3 for €5" over any yogurts."""

    id: str
    name: str
    group: Group
    quantity: int
    price: Money
    when: Conditions


@dataclass(frozen=True, slots=True, kw_only=True)
class BuyGet:
    """Buy ``buy`` and get ``get`` at ``percent_off`` (100: free); the cheapest are discounted."""

    id: str
    name: str
    group: Group
    buy: int
    get: int
    percent_off: Decimal
    when: Conditions


@dataclass(frozen=True, slots=True, kw_only=True)
class Bundle:
    """One unit from each slot for ``price``: a meal deal."""

    id: str
    name: str
    slots: tuple[Group, ...]
    price: Money
    when: Conditions


@dataclass(frozen=True, slots=True, kw_only=True)
class SpendOffer:
    """Spend at least ``threshold`` on the group (or the basket) and get the benefit, once."""

    id: str
    name: str
    group: Group
    threshold: Money
    benefit: AmountOff | PercentOff
    when: Conditions


Offer = UnitOffer | Multibuy | BuyGet | Bundle | SpendOffer
