"""Reading one rule of a promotions file: every field typed, every problem noted.

:class:`RuleReader` reads a rule as loaded from YAML or JSON into an offer, noting each problem
(with the rule and the field it is in) rather than stopping at the first, so that a file is
fixed in one round; with :class:`~aisle.domain.pricing.CatalogFacts` it also checks the
products, categories, brands and departments the rule names, and whether it can ever apply.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal, InvalidOperation

from biip.checksums import gs1_standard_check_digit

from aisle.domain.money import Money
from aisle.domain.pricing._facts import CatalogFacts
from aisle.domain.pricing._file_checks import never_applies
from aisle.domain.pricing._rules import (
    AmountOff,
    Bundle,
    BuyGet,
    Conditions,
    FixedPrice,
    Group,
    Multibuy,
    Offer,
    PercentOff,
    SpendOffer,
    UnitOffer,
)

__all__ = ["KINDS", "MISSING", "Problem", "RuleReader", "shown", "unknown"]

KINDS = ("unit", "multibuy", "buy_get", "bundle", "spend")
_COMMON = (
    "id",
    "kind",
    "name",
    "starts_at",
    "ends_at",
    "stores",
    "members_only",
    "coupon",
    "limit",
    "exclusive",
)
_BY_KIND: dict[str, tuple[str, ...]] = {
    "unit": ("group", "price", "amount_off", "percent_off"),
    "multibuy": ("group", "quantity", "price"),
    "buy_get": ("group", "buy", "get", "percent_off"),
    "bundle": ("slots", "price"),
    "spend": ("group", "threshold", "amount_off", "percent_off"),
}
_GROUP = ("name", "gtins", "categories", "brands", "departments", "everything")
MAX_ID = 100
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]*")
MAX_TEXT = 200
MISSING = object()


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One thing wrong with a promotions file: where (rule and field) and what."""

    rule: str  # the rule's id, "#3" for the third rule when it has none, "" for the whole file
    field: str  # a path into the rule: "group.gtins[1]", "slots[0].brands"
    message: str

    def __str__(self) -> str:
        if not self.rule:
            where = f"file, field {self.field!r}" if self.field else "file"
            return f"{where}: {self.message}"
        where = f"rule {self.rule}" if self.rule.startswith("#") else f"rule {self.rule!r}"
        return f"{where}, field {self.field!r}: {self.message}"


def shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        return f"the binary float {value!r}"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value) if isinstance(value, str) else str(value)


def unknown(key: object, known: Sequence[str]) -> str:
    return f"unknown field {shown(key)}: expected one of {', '.join(known)}"


class RuleReader:
    """Reads one rule, noting every problem rather than stopping at the first."""

    def __init__(
        self,
        raw: object,
        position: int,
        *,
        currency: str,
        timezone: tzinfo,
        catalog: CatalogFacts | None,
    ) -> None:
        self.raw: Mapping[object, object] = raw if isinstance(raw, Mapping) else {}
        self.currency = currency
        self.timezone = timezone
        self.catalog = catalog
        self.problems: list[Problem] = []
        self.label = f"#{position}"
        self.rule_id = ""
        if not isinstance(raw, Mapping):
            self.problem("", f"expected a mapping of fields, got {shown(raw)}")

    def problem(self, field: str, message: str) -> None:
        self.problems.append(Problem(rule=self.label, field=field, message=message))

    def read(self) -> Offer | None:
        if not self.raw:
            if not self.problems:
                self.problem("id", "missing: every rule needs an id")
            return None
        rule_id = self.text("id", limit=MAX_ID)
        if rule_id is not None and not _ID.fullmatch(rule_id):
            self.problem("id", f"{rule_id!r}: expected letters, digits and . _ : / - (no spaces)")
            rule_id = None
        if rule_id is not None:
            self.label = self.rule_id = rule_id
        kind = self.raw.get("kind", MISSING)
        if kind is MISSING:
            self.problem("kind", f"missing: expected one of {', '.join(KINDS)}")
            return None
        if kind not in KINDS:
            self.problem("kind", f"{shown(kind)}: expected one of {', '.join(KINDS)}")
            return None
        assert isinstance(kind, str)
        known = (*_COMMON, *_BY_KIND[kind])
        for key in self.raw:
            if key not in known:
                self.problem(str(key), unknown(key, known))
        name = self.text("name", limit=MAX_TEXT)
        when = self.conditions()
        offer = self.offer(kind, rule_id or "", name or "", when)
        if self.problems or offer is None:
            return None
        if self.catalog is not None:
            for field, message in never_applies(offer, self.catalog):
                self.problem(field, message)
        return None if self.problems else offer

    def offer(self, kind: str, rule_id: str, name: str, when: Conditions | None) -> Offer | None:
        if kind == "bundle":
            slots = self.slots()
            price = self.money("price")
            if slots is None or price is None or when is None:
                return None
            return Bundle(id=rule_id, name=name, slots=slots, price=price, when=when)
        group = self.group("group", self.raw.get("group", MISSING))
        if kind == "unit":
            benefit = self.benefit(("price", "amount_off", "percent_off"))
            if group is None or benefit is None or when is None:
                return None
            return UnitOffer(id=rule_id, name=name, group=group, benefit=benefit, when=when)
        if kind == "multibuy":
            quantity = self.whole("quantity", minimum=2)
            price = self.money("price")
            if group is None or quantity is None or price is None or when is None:
                return None
            return Multibuy(
                id=rule_id, name=name, group=group, quantity=quantity, price=price, when=when
            )
        if kind == "buy_get":
            buy = self.whole("buy", minimum=1)
            get = self.whole("get", minimum=1)
            percent = self.percent("percent_off", default=Decimal(100))
            if group is None or buy is None or get is None or percent is None or when is None:
                return None
            return BuyGet(
                id=rule_id,
                name=name,
                group=group,
                buy=buy,
                get=get,
                percent_off=percent,
                when=when,
            )
        threshold = self.money("threshold", above_zero=True)
        spend = self.benefit(("amount_off", "percent_off"))
        if group is None or threshold is None or spend is None or when is None:
            return None
        assert not isinstance(spend, FixedPrice)
        if isinstance(spend, AmountOff) and spend.amount.minor >= threshold.minor:
            self.problem(
                "amount_off",
                f"{spend.amount} off is not less than the threshold {threshold}: "
                "expected an amount below what the shopper must spend",
            )
            return None
        return SpendOffer(
            id=rule_id, name=name, group=group, threshold=threshold, benefit=spend, when=when
        )

    # -- conditions -----------------------------------------------------------------------

    def conditions(self) -> Conditions | None:
        starts_at = self.time("starts_at")
        ends_at = self.time("ends_at")
        stores = self.texts("stores", self.raw.get("stores", MISSING))
        members_only = self.flag("members_only")
        exclusive = self.flag("exclusive")
        coupon = self.text("coupon", limit=MAX_TEXT, required=False)
        limit = self.whole("limit", minimum=1, required=False)
        if starts_at is None or ends_at is None:
            return None
        if ends_at <= starts_at:
            self.problem(
                "ends_at",
                f"{ends_at.isoformat()} is not after starts_at {starts_at.isoformat()}: "
                "expected the end after the start",
            )
            return None
        return Conditions(
            starts_at=starts_at,
            ends_at=ends_at,
            stores=stores or frozenset(),
            members_only=members_only,
            coupon=coupon,
            limit=limit,
            exclusive=exclusive,
        )

    # -- groups ---------------------------------------------------------------------------

    def slots(self) -> tuple[Group, ...] | None:
        raw = self.raw.get("slots", MISSING)
        if raw is MISSING:
            self.problem("slots", "missing: expected a list of at least 2 groups")
            return None
        if not isinstance(raw, list):
            self.problem("slots", f"expected a list of at least 2 groups, got {shown(raw)}")
            return None
        if len(raw) < 2:
            self.problem("slots", f"{len(raw)} slot: a bundle needs at least 2")
        groups = [self.group(f"slots[{index}]", slot) for index, slot in enumerate(raw)]
        if len(raw) < 2 or any(group is None for group in groups):
            return None
        return tuple(group for group in groups if group is not None)

    def group(self, field: str, raw: object) -> Group | None:
        if raw is MISSING:
            self.problem(field, "missing")
            return None
        if not isinstance(raw, Mapping):
            self.problem(field, f"expected a mapping such as {{gtins: [...]}}, got {shown(raw)}")
            return None
        count = len(self.problems)
        for key in raw:
            if key not in _GROUP:
                self.problem(f"{field}.{key}", unknown(key, _GROUP))
        name = self.text_in(raw, f"{field}.name", required=False) or ""
        gtins = self.gtins(f"{field}.gtins", raw.get("gtins", MISSING))
        sets: dict[str, frozenset[str]] = {}
        for key in ("categories", "brands", "departments"):
            values = self.texts(f"{field}.{key}", raw.get(key, MISSING))
            sets[key] = values or frozenset()
            if values and self.catalog is not None:
                known = self.catalog.known(key)
                for index, value in enumerate(_as_list(raw.get(key))):
                    if isinstance(value, str) and value.strip() not in known:
                        self.problem(f"{field}.{key}[{index}]", _no_product(key, value, known))
        everything = self.flag_in(raw, f"{field}.everything")
        group = Group(
            gtins=gtins or frozenset(),
            categories=sets["categories"],
            brands=sets["brands"],
            departments=sets["departments"],
            everything=everything,
            name=name,
        )
        if group.everything and (group.gtins or any(sets.values())):
            self.problem(
                f"{field}.everything", "true already covers every product: leave out the lists"
            )
        elif group.is_empty and len(self.problems) == count:
            self.problem(
                field,
                "covers nothing: expected gtins, categories, brands, "
                "departments or everything: true",
            )
        return group if len(self.problems) == count else None

    def gtins(self, field: str, raw: object) -> frozenset[str] | None:
        values = self.list_of(field, raw)
        if values is None:
            return None
        found: set[str] = set()
        for index, value in enumerate(values):
            where = f"{field}[{index}]"
            text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
            if not isinstance(text, str):
                self.problem(where, f"expected a GTIN as text, got {shown(value)}")
                continue
            gtin, why = _gtin14(text.strip())
            if why:
                self.problem(where, why)
                continue
            if self.catalog is not None:
                owner = self.catalog.owner(gtin)
                if owner is None:
                    self.problem(where, f"unknown product {gtin}")
                    continue
                if owner != gtin:
                    self.problem(where, f"{gtin} is another code of product {owner}: write {owner}")
                    continue
            found.add(gtin)
        return frozenset(found)

    # -- values ---------------------------------------------------------------------------

    def text(self, field: str, *, limit: int, required: bool = True) -> str | None:
        return self.text_in(self.raw, field, limit=limit, required=required)

    def text_in(
        self,
        raw: Mapping[object, object],
        field: str,
        *,
        limit: int = MAX_TEXT,
        required: bool = True,
    ) -> str | None:
        value = raw.get(field.rsplit(".", 1)[-1], MISSING)
        if value is MISSING or (value is None and not required):
            if required:
                self.problem(
                    field, "missing" if field != "id" else "missing: every rule needs an id"
                )
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(field, _not_text(value))
            return None
        if len(value.strip()) > limit:
            self.problem(field, f"{len(value.strip())} characters: expected at most {limit}")
            return None
        return value.strip()

    def texts(self, field: str, raw: object) -> frozenset[str] | None:
        values = self.list_of(field, raw)
        if values is None:
            return None
        found: set[str] = set()
        for index, value in enumerate(values):
            if not isinstance(value, str) or not value.strip():
                self.problem(f"{field}[{index}]", _not_text(value))
                continue
            found.add(value.strip())
        return frozenset(found)

    def list_of(self, field: str, raw: object) -> list[object] | None:
        if raw is MISSING:
            return None
        if not isinstance(raw, list):
            self.problem(field, f"expected a list, got {shown(raw)}")
            return None
        return raw

    def flag(self, field: str) -> bool:
        return self.flag_in(self.raw, field)

    def flag_in(self, raw: Mapping[object, object], field: str) -> bool:
        value = raw.get(field.rsplit(".", 1)[-1], False)
        if not isinstance(value, bool):
            self.problem(field, f"expected true or false, got {shown(value)}")
            return False
        return value

    def whole(self, field: str, *, minimum: int, required: bool = True) -> int | None:
        value = self.raw.get(field, MISSING)
        if value is MISSING or (value is None and not required):
            if required:
                self.problem(field, "missing")
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(field, f"expected a whole number, got {shown(value)}")
            return None
        if value < minimum:
            self.problem(field, f"{value}: expected at least {minimum}")
            return None
        return value

    def money(self, field: str, *, above_zero: bool = False) -> Money | None:
        value = self.raw.get(field, MISSING)
        if value is MISSING:
            self.problem(field, "missing")
            return None
        exact = self.decimal(field, value, "a decimal string such as '1.99'")
        if exact is None:
            return None
        try:
            money = Money.parse(str(exact), self.currency)
        except ValueError as error:
            self.problem(field, str(error))
            return None
        if money.minor < 0:
            self.problem(field, f"{money} is negative: expected 0 or more")
            return None
        if above_zero and money.minor == 0:
            self.problem(field, f"{money}: expected more than 0")
            return None
        return money

    def percent(self, field: str, *, default: Decimal | None = None) -> Decimal | None:
        value = self.raw.get(field, MISSING)
        if value is MISSING:
            if default is None:
                self.problem(field, "missing")
            return default
        exact = self.decimal(field, value, "a percentage such as 20 or '12.5'")
        if exact is None:
            return None
        if not Decimal(0) < exact <= Decimal(100):
            self.problem(field, f"{exact} %: expected more than 0 and at most 100")
            return None
        return exact

    def decimal(self, field: str, value: object, expected: str) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            self.problem(field, f"expected {expected}, got {shown(value)}")
            return None
        try:
            exact = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            self.problem(field, f"{shown(value)}: expected {expected}")
            return None
        if not exact.is_finite():
            self.problem(field, f"{shown(value)}: expected {expected}")
            return None
        return exact

    def benefit(self, keys: tuple[str, ...]) -> FixedPrice | AmountOff | PercentOff | None:
        given = [key for key in keys if key in self.raw]
        listed = f"{', '.join(keys[:-1])} or {keys[-1]}"
        if not given:
            self.problem(keys[0], f"missing: expected one of {listed}")
            return None
        if len(given) > 1:
            self.problem(given[1], f"{' and '.join(given)} given: expected only one of {listed}")
            return None
        [key] = given
        if key == "price":
            price = self.money("price")
            return None if price is None else FixedPrice(price=price)
        if key == "amount_off":
            amount = self.money("amount_off", above_zero=True)
            return None if amount is None else AmountOff(amount=amount)
        percent = self.percent("percent_off")
        return None if percent is None else PercentOff(percent=percent)

    def time(self, field: str) -> datetime | None:
        value = self.raw.get(field, MISSING)
        if value is MISSING:
            self.problem(field, "missing")
            return None
        expected = "a date or time such as '2025-01-01' or '2025-01-01T08:00:00+01:00'"
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, date):
            moment = datetime(value.year, value.month, value.day)
        elif isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value.strip())
            except ValueError:
                self.problem(field, f"{value!r}: expected {expected}")
                return None
        else:
            self.problem(field, f"expected {expected}, got {shown(value)}")
            return None
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=self.timezone)


def _not_text(value: object) -> str:
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        # a store id or coupon code of digits: "0204" and 204 are different codes
        return f"expected text, got the number {value}: write it in quotes"
    return f"expected text, got {shown(value)}"


def _as_list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _no_product(key: str, value: str, known: frozenset[str]) -> str:
    singular = {"categories": "category", "brands": "brand", "departments": "department"}[key]
    message = f"unknown {singular} {shown(value)}: no product in the catalog has it"
    folded = value.strip().casefold()
    close = sorted(k for k in known if k.casefold() == folded)
    if close:
        message += f" (did you mean {close[0]!r}?)"
    return message


def _gtin14(text: str) -> tuple[str, str]:
    """The 14-digit form of a GTIN, or why the text is not one."""
    if not text.isascii() or not text.isdigit() or len(text) not in (8, 12, 13, 14):
        return "", f"{text!r} is not a GTIN: expected 8, 12, 13 or 14 digits"
    expected = gs1_standard_check_digit(text[:-1])
    if str(expected) != text[-1]:
        return "", f"{text!r} is not a GTIN: its check digit should be {expected}"
    return text.zfill(14), ""
