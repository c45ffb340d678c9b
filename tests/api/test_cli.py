"""The `aisle` command: migrate, register devices and staff, refuse unsafe configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from aisle.cli import app

runner = CliRunner()


def test_db_upgrade_creates_the_sqlite_database_in_the_data_folder(env: Path) -> None:
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert (env / "aisle.db").exists()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0  # and again: nothing to do


def test_db_upgrade_works_on_postgresql(
    env: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support.postgres import fresh_database

    with fresh_database(postgres_url) as url:
        monkeypatch.setenv("AISLE_DATABASE_URL", url)
        result = runner.invoke(app, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
        assert "postgresql" in result.output


def test_device_add_prints_a_token_that_opens_carts(env: Path) -> None:
    result = runner.invoke(app, ["device", "add", "cart-17"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("dev_")
    again = runner.invoke(app, ["device", "add", "cart-17"])
    assert again.exit_code == 1
    assert "already a device called 'cart-17'" in again.output


def test_staff_add_reads_the_password_and_refuses_a_short_one(env: Path) -> None:
    ok = runner.invoke(
        app,
        ["staff", "add", "ana", "--role", "manager", "--password-stdin"],
        input="a long password\n",
    )
    assert ok.exit_code == 0, ok.output
    assert "Added manager ana" in ok.output
    short = runner.invoke(app, ["staff", "add", "bo", "--password-stdin"], input="short\n")
    assert short.exit_code == 1
    assert "at least 8 characters" in short.output
    role = runner.invoke(
        app, ["staff", "add", "cy", "--role", "boss", "--password-stdin"], input="a long password\n"
    )
    assert "expected one of associate, manager" in role.output


@pytest.mark.parametrize("secret", ["", "changeme", "tooshort"], ids=["unset", "default", "short"])
def test_serve_refuses_to_start_without_a_real_secret(
    env: Path, monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    if secret:
        monkeypatch.setenv("AISLE_SECRET_KEY", secret)
    else:
        monkeypatch.delenv("AISLE_SECRET_KEY")
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "AISLE_SECRET_KEY must be set" in result.output


def test_serve_refuses_an_unmigrated_database(env: Path) -> None:
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 1
    assert "aisle db upgrade" in result.output


def test_recall_add_stops_a_batch(env: Path) -> None:
    from aisle.adapters.db.migrate import upgrade
    from aisle.bootstrap import bootstrap
    from aisle.demo.catalog import DEMO_TAX_CLASSES, demo_products
    from aisle.settings import Settings

    services = bootstrap(Settings())
    upgrade(services.engine)
    product = demo_products()[0]
    services.catalog.load(tax_classes=DEMO_TAX_CLASSES, products=[product])
    services.close()
    result = runner.invoke(app, ["recall", "add", product.gtin[1:], "L42", "--reason", "Listeria"])
    assert result.exit_code == 0, result.output
    assert f"Recalled batch L42 of {product.gtin}" in result.output
    again = runner.invoke(app, ["recall", "add", product.gtin[1:], "L42"])
    assert again.exit_code == 1
    assert "already recalled" in again.output


def test_a_price_change_is_scheduled_and_the_old_price_kept(env: Path) -> None:
    from datetime import UTC, datetime

    from aisle.adapters.db.migrate import upgrade
    from aisle.bootstrap import bootstrap
    from aisle.demo.catalog import DEMO_TAX_CLASSES, demo_products
    from aisle.settings import Settings

    services = bootstrap(Settings())
    upgrade(services.engine)
    product = next(p for p in demo_products() if p.price is not None and p.plu is None)
    services.catalog.load(tax_classes=DEMO_TAX_CLASSES, products=[product])
    services.close()
    result = runner.invoke(
        app, ["catalog", "set-price", product.gtin[1:], "9.99", "--from", "2030-01-01"]
    )
    assert result.exit_code == 0, result.output
    services = bootstrap(Settings())
    history = services.catalog.price_history(product.gtin)
    assert [str(c.price) for c in history] == [str(product.price), "9.99"]
    from aisle.adapters.db.uow import SqlUnitOfWorkFactory

    with SqlUnitOfWorkFactory(services.engine)() as uow:
        today = uow.catalog.by_gtin(product.gtin, datetime.now(UTC))
        later = uow.catalog.by_gtin(product.gtin, datetime(2030, 1, 2, tzinfo=UTC))
    assert today is not None and today.price == product.price
    assert later is not None and str(later.price) == "9.99"
    services.close()
    shown = runner.invoke(app, ["catalog", "history", product.gtin[1:]])
    assert "9.99" in shown.output and "manual" in shown.output
    bad = runner.invoke(app, ["catalog", "set-price", product.gtin[1:], "1.005"])
    assert bad.exit_code == 1
    assert "more decimals" in bad.output
