"""Rules that parse but can never do what they say, found against the catalog's facts.

- A unit price that is not below the regular price of any product it covers; a multibuy whose
  "N for P" is not below N of the dearest product it covers; a bundle priced at or above the
  dearest product of each slot together: none of them ever saves the shopper anything.
- An ``exclusive`` unit offer that another unit offer always beats or matches: the other covers
  every product it covers, at a price at least as low on each (at today's regular prices), is
  live whenever and wherever it is, for the same shoppers, with no limit. The optimiser would
  never choose the exclusive one, so it is a mistake, and the message names both rules.
- Spend offers that could stack on one item (their groups share a product, their windows and
  stores overlap) for more than the item's price together: a percentage takes ``percent / 100``
  of an item, an amount ``amount / threshold`` of it at most (when spend is just at the
  threshold). ``exclusive`` does not keep spend offers apart: it keeps units that an item
  offer priced out of a spend offer (see :mod:`aisle.domain.pricing._rules`), and a unit no
  item offer priced counts towards every spend offer that covers it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from aisle.domain.money import Money
from aisle.domain.pricing._facts import CatalogFacts, ProductFacts
from aisle.domain.pricing._rules import (
    AmountOff,
    Benefit,
    Bundle,
    Conditions,
    FixedPrice,
    Multibuy,
    Offer,
    PercentOff,
    SpendOffer,
    UnitOffer,
)

__all__ = ["cross_rule_problems", "never_applies"]

#: (rule id, field, message, every rule involved)
Found = tuple[str, str, str, frozenset[str]]


def never_applies(offer: Offer, catalog: CatalogFacts) -> list[tuple[str, str]]:
    """(field, message) for an offer that can never save anything on the products it covers."""
    match offer:
        case UnitOffer(benefit=FixedPrice(price=price)):
            dearest = _dearest(catalog.covered(offer.group))
            if dearest is not None and price.minor >= _price(dearest).minor:
                return [
                    (
                        "price",
                        f"never applies: {price} is not below the regular price of any product "
                        f"it covers (the dearest, {_named(dearest)}, costs {_price(dearest)})",
                    )
                ]
        case Multibuy():
            dearest = _dearest(catalog.covered(offer.group))
            if dearest is not None:
                full = _price(dearest) * offer.quantity
                if offer.price.minor >= full.minor:
                    return [
                        (
                            "price",
                            f"never saves: {offer.quantity} for {offer.price} is not below "
                            f"{offer.quantity} x {_price(dearest)} = {full}, the regular price "
                            f"of the dearest product it covers ({_named(dearest)})",
                        )
                    ]
        case Bundle():
            dearest_each = [_dearest(catalog.covered(slot)) for slot in offer.slots]
            priced = [p for p in dearest_each if p is not None]
            if len(priced) == len(offer.slots):
                total = sum((_price(p) for p in priced), Money.zero(offer.price.currency))
                if offer.price.minor >= total.minor:
                    names = ", ".join(_named(p) for p in priced)
                    return [
                        (
                            "price",
                            f"never saves: {offer.price} is not below {total}, the dearest "
                            f"product of each slot together ({names})",
                        )
                    ]
        case _:
            pass
    return []


def cross_rule_problems(offers: Sequence[Offer], catalog: CatalogFacts) -> list[Found]:
    return [*_dominated(offers, catalog), *_stacked(offers, catalog)]


# -- exclusive unit offers that never win ------------------------------------------------------


def _dominated(offers: Sequence[Offer], catalog: CatalogFacts) -> list[Found]:
    units = [offer for offer in offers if isinstance(offer, UnitOffer)]
    found: list[Found] = []
    for index, offer in enumerate(units):
        if not offer.when.exclusive:
            continue
        for other_index, other in enumerate(units):
            if other is offer or not _beats(other, offer, catalog):
                continue
            mutual = other.when.exclusive and _beats(offer, other, catalog)
            if mutual and index < other_index:
                continue  # two rules the same: the later one is reported, naming this one
            found.append(
                (
                    offer.id,
                    "exclusive",
                    f"never applies: rule {other.id!r} gives every product this rule covers "
                    "a price at least as low, whenever and wherever this rule is live, to the "
                    "same shoppers and with no limit",
                    frozenset({offer.id, other.id}),
                )
            )
            break
    return found


def _beats(other: UnitOffer, offer: UnitOffer, catalog: CatalogFacts) -> bool:
    """Whether ``other`` is at least as good as ``offer`` for every unit ``offer`` could take."""
    if not _live_whenever(other.when, offer.when) or other.when.max_applications is not None:
        return False
    products = catalog.covered(offer.group)
    if not products:
        return False
    for product in products:
        if not other.group.covers(
            product.gtin, product.category, product.brand, product.department
        ):
            return False
        mine = _unit_price(offer.benefit, product.price)
        theirs = _unit_price(other.benefit, product.price)
        if mine is None or theirs is None or theirs.minor > mine.minor:
            return False
    return True


def _live_whenever(other: Conditions, when: Conditions) -> bool:
    return (
        other.starts_at <= when.starts_at
        and other.ends_at >= when.ends_at
        and (not other.stores or (bool(when.stores) and when.stores <= other.stores))
        and (not other.members_only or when.members_only)
        and (other.coupon is None or other.coupon == when.coupon)
    )


def _unit_price(benefit: Benefit, regular: Money | None) -> Money | None:
    match benefit:
        case FixedPrice():
            return benefit.price
        case AmountOff():
            if regular is None:
                return None
            return Money(
                minor=max(regular.minor - benefit.amount.minor, 0), currency=regular.currency
            )
        case PercentOff():
            if regular is None:
                return None
            off = (Decimal(regular.minor) * benefit.percent / 100).quantize(
                Decimal(1), rounding=ROUND_HALF_UP
            )
            return Money(minor=regular.minor - int(off), currency=regular.currency)


# -- spend offers that could take more than an item ----------------------------------------------


def _stacked(offers: Sequence[Offer], catalog: CatalogFacts) -> list[Found]:
    spend = [o for o in offers if isinstance(o, SpendOffer)]
    if len(spend) < 2:
        return []
    order = {offer.id: index for index, offer in enumerate(spend)}
    covering: dict[str, set[str]] = {}
    for offer in spend:
        for product in catalog.covered(offer.group):
            covering.setdefault(product.gtin, set()).add(offer.id)
    examples: dict[frozenset[str], str] = {}
    for gtin, ids in sorted(covering.items()):
        if len(ids) > 1:
            examples.setdefault(frozenset(ids), gtin)
    stores: list[str | None] = [None, *sorted({s for o in spend for s in o.when.stores})]
    too_much: dict[frozenset[str], tuple[Decimal, str, str]] = {}
    for moment in sorted({offer.when.starts_at for offer in spend}):
        active = [o for o in spend if o.when.starts_at <= moment < o.when.ends_at]
        for store in stores:
            here = [o for o in active if not o.when.stores or store in o.when.stores]
            for signature, gtin in examples.items():
                together = [o for o in here if o.id in signature]
                share = sum((_share(o) for o in together), Decimal(0))
                key = frozenset(o.id for o in together)
                if len(together) > 1 and share > 1 and key not in too_much:
                    too_much[key] = (share, gtin, moment.isoformat())
    found: list[Found] = []
    for key, (share, gtin, since) in too_much.items():
        if any(key < other for other in too_much):
            continue
        first, *others = sorted(key, key=order.__getitem__)
        offer = spend[order[first]]
        field = "amount_off" if isinstance(offer.benefit, AmountOff) else "percent_off"
        found.append(
            (
                first,
                field,
                f"stacked with {_rules(others)} it could take {_percent(share)} of the price of "
                f"{_named(catalog.products[gtin])} from {since}: expected at most 100 % together",
                key,
            )
        )
    return sorted(found, key=lambda item: order[item[0]])


def _share(offer: SpendOffer) -> Decimal:
    if isinstance(offer.benefit, PercentOff):
        return offer.benefit.percent / 100
    return Decimal(offer.benefit.amount.minor) / Decimal(offer.threshold.minor)


def _rules(ids: list[str]) -> str:
    quoted = [repr(rule_id) for rule_id in ids]
    if len(quoted) == 1:
        return f"rule {quoted[0]}"
    return f"rules {', '.join(quoted[:-1])} and {quoted[-1]}"


def _percent(share: Decimal) -> str:
    text = f"{share * 100:.1f}".removesuffix(".0")
    return f"{text} %"


# -- products --------------------------------------------------------------------------------


def _dearest(products: list[ProductFacts]) -> ProductFacts | None:
    priced = [p for p in products if p.price is not None]
    return max(priced, key=lambda p: _price(p).minor) if priced else None


def _price(product: ProductFacts) -> Money:
    assert product.price is not None
    return product.price


def _named(product: ProductFacts) -> str:
    return f"{product.name} ({product.gtin})" if product.name else product.gtin
