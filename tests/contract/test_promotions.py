"""Promotion rules are stored by id and read back as the same offers, on SQLite and PostgreSQL:
importing a file again changes nothing, a changed rule is updated, a refused file writes
nothing, and only the rules whose window holds a moment are live then."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from aisle.bootstrap import Services
from aisle.demo.catalog import demo_price_reductions, demo_products
from aisle.domain.pricing import PromotionFileError, parse_promotions
from aisle.services.promotions import read_document
from tests.support.store import START, ManualClock

DEMO_FILE = Path(__file__).resolve().parents[2] / "src" / "aisle" / "demo" / "promotions.yaml"
COLA = next(p for p in demo_products() if p.name == "Cola")


def cola_rule(rule_id: str = "cola", price: str = "1.29", **fields: Any) -> dict[str, Any]:
    return {
        "id": rule_id,
        "kind": "unit",
        "name": f"Cola for {price}",
        "group": {"gtins": [COLA.gtin]},
        "price": price,
        "starts_at": "2026-12-01T00:00:00+01:00",
        "ends_at": "2026-12-08T00:00:00+01:00",
        **fields,
    }


def test_the_demo_file_is_stored_and_read_back_as_the_same_offers(store: Services) -> None:
    imported = store.promotions.import_file(DEMO_FILE)
    assert (imported.rules, imported.added, imported.updated, imported.unchanged) == (13, 13, 0, 0)
    expected = parse_promotions(read_document(DEMO_FILE), currency="EUR")
    stored = store.promotions.stored()
    assert sorted((s.offer for s in stored), key=lambda o: o.id) == sorted(
        expected, key=lambda o: o.id
    )
    assert {s.source for s in stored} == {"promotions.yaml"}


def test_importing_the_same_file_again_changes_nothing(store: Services, clock: ManualClock) -> None:
    first = store.promotions.import_file(DEMO_FILE)
    before = store.promotions.stored()
    clock.now += timedelta(days=1)
    again = store.promotions.import_file(DEMO_FILE)
    assert (again.added, again.updated, again.unchanged) == (0, 0, first.rules)
    assert store.promotions.stored() == before  # not even the import time changed


def test_a_rule_whose_content_changed_is_updated_and_the_others_stay(store: Services) -> None:
    store.promotions.import_document(
        {"rules": [cola_rule(), cola_rule("cola-zero", "1.39")]}, source="week-49.yaml"
    )
    report = store.promotions.import_document(
        {"rules": [cola_rule(price="1.19"), cola_rule("cola-zero", "1.39")]}, source="fix.yaml"
    )
    assert (report.added, report.updated, report.unchanged) == (0, 1, 1)
    by_id = {s.offer.id: s for s in store.promotions.stored()}
    assert by_id["cola"].offer.name == "Cola for 1.19"
    assert by_id["cola"].source == "fix.yaml"
    assert by_id["cola-zero"].source == "week-49.yaml"


def test_only_rules_whose_window_holds_the_moment_are_live(store: Services) -> None:
    store.promotions.import_document(
        {
            "rules": [
                cola_rule("early", ends_at="2026-12-03T00:00:00+01:00"),
                cola_rule("late", "1.19", starts_at="2026-12-03T00:00:00+01:00"),
            ]
        },
        source="test",
    )
    from aisle.adapters.db.uow import SqlUnitOfWorkFactory

    boundary = datetime(2026, 12, 2, 23, tzinfo=UTC)  # 2026-12-03 00:00 in Zagreb
    with SqlUnitOfWorkFactory(store.engine)() as uow:
        live = uow.promotions.live
        assert [o.id for o in live(datetime(2026, 11, 30, 22, 59, tzinfo=UTC))] == []
        assert [o.id for o in live(datetime(2026, 11, 30, 23, tzinfo=UTC))] == ["early"]
        assert [o.id for o in live(boundary - timedelta(microseconds=1))] == ["early"]
        assert [o.id for o in live(boundary)] == ["late"]
        assert [o.id for o in live(datetime(2026, 12, 7, 23, tzinfo=UTC))] == []


def test_a_refused_file_writes_nothing(store: Services) -> None:
    store.promotions.import_document({"rules": [cola_rule()]}, source="good.yaml")
    before = store.promotions.stored()
    bad = {
        "rules": [
            cola_rule(price="1.09"),  # a good change, in a bad file
            cola_rule("new-ok", "1.19"),
            cola_rule("too-dear", "1.79"),
        ]
    }
    with pytest.raises(PromotionFileError) as refused:
        store.promotions.import_document(bad, source="bad.yaml")
    assert [str(p) for p in refused.value.problems] == [
        "rule 'too-dear', field 'price': never applies: 1.79 is not below the regular price of "
        f"any product it covers (the dearest, Cola ({COLA.gtin}), costs 1.79)"
    ]
    assert store.promotions.stored() == before


def test_a_rule_may_not_take_the_id_of_a_price_lists_reduction(store: Services) -> None:
    taken = demo_price_reductions(START)[0].promotion_id
    with pytest.raises(PromotionFileError) as refused:
        store.promotions.import_document({"rules": [cola_rule(taken)]}, source="x.yaml")
    assert [str(p) for p in refused.value.problems] == [
        f"rule {taken!r}, field 'id': a price list's reduction already has this id"
    ]


def test_a_new_file_may_not_stack_with_the_spend_offers_already_running(store: Services) -> None:
    def spend(rule_id: str, percent: int) -> dict[str, Any]:
        return {
            "id": rule_id,
            "kind": "spend",
            "name": rule_id,
            "group": {"everything": True},
            "threshold": "20.00",
            "percent_off": percent,
            "starts_at": "2026-12-01",
            "ends_at": "2027-01-01",
        }

    store.promotions.import_document({"rules": [spend("december", 60)]}, source="a.yaml")
    with pytest.raises(PromotionFileError) as refused:
        store.promotions.import_document({"rules": [spend("xmas", 50)]}, source="b.yaml")
    [problem] = refused.value.problems
    assert (problem.rule, problem.field) == ("xmas", "percent_off")
    assert "stacked with rule 'december' it could take 110 %" in problem.message
    store.promotions.import_document({"rules": [spend("december", 50)]}, source="a.yaml")
    store.promotions.import_document({"rules": [spend("xmas", 50)]}, source="b.yaml")
