"""Promotions: import a promotions file into the store, and list what it runs.

A file is YAML (``.yaml``, ``.yml``) or JSON (``.json``), in the format of
``docs/promotions.md``. It is read so that nothing is guessed: decimal numbers become
``Decimal`` (never binary floats), YAML reads times as text and only plain decimal integers as
numbers (a GTIN with a leading zero stays text, never octal), and a key given twice is a problem
rather than a silent overwrite. The rules are then checked against the store's catalog and
together with the rules it already runs; one problem anywhere refuses the whole file, and
nothing is written before every rule has passed. Importing upserts by rule id (see
:class:`~aisle.services.ports.Promotions`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import tzinfo
from decimal import Decimal
from pathlib import Path

import yaml

from aisle.domain.pricing import (
    Problem,
    PromotionFileError,
    conflicts,
    parse_promotions,
)
from aisle.services.ports import Catalog, Clock, StoredPromotion, UnitOfWorkFactory

__all__ = [
    "PromotionImport",
    "PromotionService",
    "load_document",
    "read_document",
]

SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True, slots=True, kw_only=True)
class PromotionImport:
    source: str
    rules: int
    added: int
    updated: int
    unchanged: int


class PromotionService:
    def __init__(
        self, *, uow: UnitOfWorkFactory, clock: Clock, currency: str, timezone: tzinfo
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._currency = currency
        self._timezone = timezone

    def import_file(self, path: Path) -> PromotionImport:
        """Check a promotions file against the catalog and store its rules, all or nothing."""
        return self.import_document(read_document(path), source=path.name)

    def import_document(self, document: object, *, source: str) -> PromotionImport:
        now = self._clock()
        with self._uow(write=True) as uow:
            facts = uow.promotions.catalog_facts(now)
            problems = _taken_by_price_lists(document, uow.catalog)
            try:
                offers = parse_promotions(
                    document, currency=self._currency, catalog=facts, timezone=self._timezone
                )
            except PromotionFileError as error:
                raise PromotionFileError([*error.problems, *problems]) from None
            new = {offer.id for offer in offers}
            running = [s.offer for s in uow.promotions.stored() if s.offer.id not in new]
            problems += conflicts([*offers, *running], facts, among=new)
            if problems:
                raise PromotionFileError(problems)
            saved = uow.promotions.save(
                offers, currency=self._currency, source=source, imported_at=now
            )
            uow.commit()
        return PromotionImport(
            source=source,
            rules=len(offers),
            added=saved.added,
            updated=saved.updated,
            unchanged=saved.unchanged,
        )

    def stored(self) -> list[StoredPromotion]:
        with self._uow() as uow:
            return uow.promotions.stored()


def _taken_by_price_lists(document: object, catalog: Catalog) -> list[Problem]:
    """A rule id that a price list's reduction already has would make receipts ambiguous."""
    rules = document.get("rules") if isinstance(document, dict) else None
    if not isinstance(rules, list):
        return []
    ids = [r["id"].strip() for r in rules if isinstance(r, dict) and isinstance(r.get("id"), str)]
    fresh = catalog.new_reduction_ids(ids)
    return [
        Problem(rule=i, field="id", message="a price list's reduction already has this id")
        for i in ids
        if i not in fresh
    ]


# -- reading files --------------------------------------------------------------------------


def read_document(path: Path) -> object:
    """A promotions (or catalog) file's content, read by its suffix."""
    if path.suffix.lower() not in SUFFIXES:
        message = f"{path.name}: expected a file ending in {', '.join(SUFFIXES)}"
        raise PromotionFileError([Problem(rule="", field="", message=message)])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        message = f"{path.name} is not UTF-8 text (byte {error.start})"
        raise PromotionFileError([Problem(rule="", field="", message=message)]) from None
    return load_document(text, json_syntax=path.suffix.lower() == ".json", name=path.name)


def load_document(text: str, *, json_syntax: bool, name: str = "the file") -> object:
    try:
        if json_syntax:
            return json.loads(text, parse_float=Decimal, object_pairs_hook=_json_object)
        return yaml.load(text, Loader=_Loader)
    except json.JSONDecodeError as error:
        message = f"{name} line {error.lineno} column {error.colno}: {error.msg}"
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        at = f" line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
        message = f"{name}{at}: {error.problem or error}"
    except (yaml.YAMLError, _DuplicateKey) as error:
        message = f"{name}: {error}"
    raise PromotionFileError([Problem(rule="", field="", message=message)])


class _DuplicateKey(ValueError):
    pass


def _json_object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    found: dict[str, object] = {}
    for key, value in pairs:
        if key in found:
            raise _DuplicateKey(f"key {key!r} is given twice in one object")
        found[key] = value
    return found


class _Loader(yaml.SafeLoader):
    """YAML's safe subset, read exactly: decimals, plain integers, times as text, unique keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_decimal(self, node: yaml.ScalarNode) -> Decimal:
        return Decimal(self.construct_scalar(node))


_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT, _FLOAT, _TIMESTAMP)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    _FLOAT, re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)$"), list("-+0123456789.")
)
_Loader.add_constructor(_FLOAT, _Loader.construct_decimal)
