"""Promotions files: the rules a store runs, as people write them, read into offers.

The format is documented in ``docs/promotions.md``. :func:`parse_promotions` takes the file
already loaded (YAML or JSON: mappings, lists, strings, ints, ``Decimal``, bools, ``None``) and
returns the offers, or raises one :class:`PromotionFileError` that lists *every* problem, each
naming the rule and the field, so a file is fixed in one round. With :class:`CatalogFacts` it
also refuses what the catalog says is wrong: unknown products, categories, brands and
departments, and rules that can never apply (see :mod:`aisle.domain.pricing._file_checks`).

:func:`rule_document` writes an offer back in the same format (the canonical form: GTINs in
14 digits, times with their offset, money as decimal strings), so there is one format for files,
storage and export, and ``parse_promotions`` reads its own output back to the same offer.

>>> [offer] = parse_promotions(
...     {"rules": [{
...         "id": "cola-129", "kind": "unit", "name": "Cola for 1.29",
...         "group": {"gtins": ["3850000000015"]}, "price": "1.29",
...         "starts_at": "2025-01-01T00:00:00+01:00", "ends_at": "2030-01-01",
...     }]},
...     currency="EUR",
... )
>>> offer.benefit, sorted(offer.group.gtins)
(FixedPrice(price=Money(minor=129, currency='EUR')), ['03850000000015'])
>>> rule_document(offer)["ends_at"]
'2030-01-01T00:00:00+00:00'
>>> parse_promotions({"rules": [{"id": "x", "kind": "multibuy"}]}, currency="EUR")
Traceback (most recent call last):
...
aisle.domain.pricing._file.PromotionFileError: 6 problems in the promotions file, nothing imported:
rule 'x', field 'name': missing
rule 'x', field 'starts_at': missing
rule 'x', field 'ends_at': missing
rule 'x', field 'group': missing
rule 'x', field 'quantity': missing
rule 'x', field 'price': missing
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aisle.domain.errors import DomainError
from aisle.domain.pricing._facts import CatalogFacts
from aisle.domain.pricing._file_checks import cross_rule_problems
from aisle.domain.pricing._rule_reader import MISSING, Problem, RuleReader, shown, unknown
from aisle.domain.pricing._rules import (
    AmountOff,
    Bundle,
    BuyGet,
    FixedPrice,
    Group,
    Multibuy,
    Offer,
    PercentOff,
    SpendOffer,
    UnitOffer,
)

__all__ = ["Problem", "PromotionFileError", "conflicts", "parse_promotions", "rule_document"]

_TOP = ("currency", "timezone", "rules")


class PromotionFileError(DomainError):
    """A promotions file was refused; ``problems`` lists everything wrong with it."""

    code = "promotion_file"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        head = "1 problem" if count == 1 else f"{count} problems"
        lines = "\n".join(str(problem) for problem in self.problems)
        super().__init__(f"{head} in the promotions file, nothing imported:\n{lines}")


def parse_promotions(
    document: object,
    *,
    currency: str,
    catalog: CatalogFacts | None = None,
    timezone: tzinfo = UTC,
) -> list[Offer]:
    """The offers of a loaded promotions file, or :class:`PromotionFileError` with every problem.

    Times written without an offset are in the file's ``timezone``, else in ``timezone`` (the
    store's). Without ``catalog`` nothing is checked against products and prices.
    """
    problems: list[Problem] = []
    if not isinstance(document, Mapping):
        raise PromotionFileError(
            [Problem(rule="", field="rules", message=f"expected a mapping, got {shown(document)}")]
        )
    for key in document:
        if key not in _TOP:
            problems.append(Problem(rule="", field=str(key), message=unknown(key, _TOP)))
    wanted = document.get("currency", currency)
    if wanted != currency:
        message = f"{shown(wanted)}: this store sells in {currency}"
        problems.append(Problem(rule="", field="currency", message=message))
    zone = _zone(document.get("timezone"), timezone, problems)
    raw_rules = document.get("rules", MISSING)
    if raw_rules is MISSING or not isinstance(raw_rules, list):
        what = "missing" if raw_rules is MISSING else f"expected a list, got {shown(raw_rules)}"
        problems.append(Problem(rule="", field="rules", message=what))
        raise PromotionFileError(problems)

    offers: list[tuple[str, Offer]] = []
    ids: dict[str, int] = {}
    for position, raw in enumerate(raw_rules, start=1):
        reader = RuleReader(raw, position, currency=currency, timezone=zone, catalog=catalog)
        offer = reader.read()
        problems += reader.problems
        if reader.rule_id:
            if reader.rule_id in ids:
                first = ids[reader.rule_id]
                message = f"duplicate: rule #{first} has the same id"
                problems.append(Problem(rule=reader.rule_id, field="id", message=message))
                continue
            ids[reader.rule_id] = position
        if offer is not None:
            offers.append((offer.id, offer))
    if catalog is not None:
        problems += conflicts([offer for _, offer in offers], catalog)
    if problems:
        raise PromotionFileError(problems)
    return [offer for _, offer in offers]


def conflicts(
    offers: Sequence[Offer], catalog: CatalogFacts, *, among: Collection[str] | None = None
) -> list[Problem]:
    """Rules that get in each other's way (see :mod:`aisle.domain.pricing._file_checks`).

    With ``among``, only the problems that involve one of these rule ids: a file's new rules
    checked together with those the store already runs.
    """
    return [
        Problem(rule=rule_id, field=field, message=message)
        for rule_id, field, message, involved in cross_rule_problems(offers, catalog)
        if among is None or not involved.isdisjoint(among)
    ]


def rule_document(offer: Offer) -> dict[str, object]:
    """The offer as a rule of a promotions file, in its canonical form."""
    rule: dict[str, object] = {"id": offer.id, "kind": _kind(offer), "name": offer.name}
    match offer:
        case UnitOffer():
            rule["group"] = _group_document(offer.group)
            rule.update(_benefit_document(offer.benefit))
        case Multibuy():
            rule.update(group=_group_document(offer.group), quantity=offer.quantity)
            rule["price"] = str(offer.price)
        case BuyGet():
            rule.update(group=_group_document(offer.group), buy=offer.buy, get=offer.get)
            rule["percent_off"] = _percent_text(offer.percent_off)
        case Bundle():
            rule["slots"] = [_group_document(slot) for slot in offer.slots]
            rule["price"] = str(offer.price)
        case SpendOffer():
            rule["group"] = _group_document(offer.group)
            rule["threshold"] = str(offer.threshold)
            rule.update(_benefit_document(offer.benefit))
    when = offer.when
    rule["starts_at"] = when.starts_at.isoformat()
    rule["ends_at"] = when.ends_at.isoformat()
    if when.stores:
        rule["stores"] = sorted(when.stores)
    if when.members_only:
        rule["members_only"] = True
    if when.coupon is not None:
        rule["coupon"] = when.coupon
    if when.limit is not None:
        rule["limit"] = when.limit
    if when.exclusive:
        rule["exclusive"] = True
    return rule


def _kind(offer: Offer) -> str:
    match offer:
        case UnitOffer():
            return "unit"
        case Multibuy():
            return "multibuy"
        case BuyGet():
            return "buy_get"
        case Bundle():
            return "bundle"
        case SpendOffer():
            return "spend"


def _group_document(group: Group) -> dict[str, object]:
    found: dict[str, object] = {}
    if group.name:
        found["name"] = group.name
    for key, values in (
        ("gtins", group.gtins),
        ("categories", group.categories),
        ("brands", group.brands),
        ("departments", group.departments),
    ):
        if values:
            found[key] = sorted(values)
    if group.everything:
        found["everything"] = True
    return found


def _benefit_document(benefit: FixedPrice | AmountOff | PercentOff) -> dict[str, object]:
    match benefit:
        case FixedPrice():
            return {"price": str(benefit.price)}
        case AmountOff():
            return {"amount_off": str(benefit.amount)}
        case PercentOff():
            return {"percent_off": _percent_text(benefit.percent)}


def _percent_text(percent: Decimal) -> str:
    if percent == percent.to_integral_value():
        return str(int(percent))
    return str(percent.normalize())


def _zone(value: object, default: tzinfo, problems: list[Problem]) -> tzinfo:
    if value is None:
        return default
    if isinstance(value, str):
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    message = f"{shown(value)} is not a time zone: expected a name such as 'Europe/Zagreb'"
    problems.append(Problem(rule="", field="timezone", message=message))
    return default
