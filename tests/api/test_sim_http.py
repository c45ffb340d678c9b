"""The simulator over HTTP (``aisle simulate --http``) against the real server in a child process.

The store is set up as a real one would be, with the project's own services: a fresh SQLite
database at the newest schema, the Konzum price list of store 0204 imported as ``aisle import
csv --preset konzum`` imports it, a cart device and an associate. Then ``aisle serve`` runs on
loopback with ``AISLE_STORE_ID=0204`` and the simulator talks to it over HTTP only.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from aisle.adapters.db.migrate import upgrade
from aisle.adapters.importers.csv_mapped import preset, read_csv
from aisle.bootstrap import bootstrap
from aisle.cli import app
from aisle.domain.verify import Decision
from aisle.settings import Settings
from aisle.sim.catalog import PRICE_LIST, SimCatalog, SimProduct, load_catalog
from aisle.sim.http import ServerError, StoreServer, run_trip_http
from aisle.sim.report import report
from aisle.sim.shoppers import Behaviour, ErrorKind, plan_trip
from tests.support.live import free_port
from tests.support.store import SECRET

STAFF_PASSWORD = "a good long password"
CAREFUL = Behaviour(forget_rate=0, scan_twice_rate=0, kept_in_hand_rate=0, theft_rate=0,
                    own_bag_rate=0, removal_rate=0, together_rate=0)  # fmt: skip


@dataclass
class Served:
    url: str
    device_token: str
    catalog: SimCatalog
    data: Path


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited:\n" + log.read_text())
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not answer /healthz:\n" + log.read_text())


@pytest.fixture
def served(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[Served]:
    """A fresh store for each test: the server sets its threshold from its own recent trips."""
    shared = shared_data  # skips the test when the real data folder is absent
    folder = tmp_path_factory.mktemp("store")
    settings = Settings(data_dir=folder, secret_key=SecretStr(SECRET), store_id="0204")
    services = bootstrap(settings)
    upgrade(services.engine)
    mapping, prices = preset("konzum"), shared / PRICE_LIST
    imported = services.imports.run(
        read_csv(prices, mapping), source=f"konzum:{prices.name}", currency=settings.currency,
        store=mapping.store(prices), effective_from=mapping.effective_from(prices),
        tax_classes=mapping.domain_tax_classes(),
    )  # fmt: skip
    assert imported.created > 10_000 and mapping.store(prices) == "0204"
    _, device_token = services.access.add_device("sim-cart-1")
    services.access.add_staff("sim-associate", STAFF_PASSWORD, "associate")
    services.close()

    port = free_port()
    env = {**os.environ, "AISLE_DATA_DIR": str(folder), "AISLE_SECRET_KEY": SECRET,
           "AISLE_STORE_ID": "0204"}  # fmt: skip
    env.pop("AISLE_DATABASE_URL", None)
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "aisle", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        yield Served(url, device_token, load_catalog(shared, seed=1), shared)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def heavy(catalog: SimCatalog, *categories: str) -> SimCatalog:
    """Only the categories' packs of 300 g or more, so that a missing one is plain to the scale."""
    products = {c: tuple(p for p in catalog.products[c] if p.true_net_mg >= 300_000)
                for c in categories}  # fmt: skip
    assert all(products.values())
    return SimCatalog(products=products, baskets=(categories,))


def server(served: Served) -> StoreServer:
    return StoreServer(served.url, device_token=served.device_token,
                       staff_user="sim-associate", staff_password=STAFF_PASSWORD)  # fmt: skip


def test_an_honest_trip_pays_a_thief_is_held_and_an_associate_resolves_it(
    served: Served,
) -> None:
    catalog = heavy(served.catalog, "flour", "bottled water", "rice")
    basket = ("flour", "bottled water", "rice")
    forgetful = Behaviour(forget_rate=1.0, scan_twice_rate=0, kept_in_hand_rate=0, theft_rate=0,
                          own_bag_rate=1.0, removal_rate=0, together_rate=0,
                          answer_rate=1.0)  # fmt: skip
    with server(served) as store:
        store.check_catalog(catalog.all_products())
        honest = run_trip_http(plan_trip(basket, catalog, CAREFUL, random.Random(1), thief=False),
                               store, index=0, seed=2, behaviour=CAREFUL)  # fmt: skip
        thief_plan = plan_trip(basket, catalog, CAREFUL, random.Random(3), thief=True,
                               thefts=[ErrorKind.NO_SCAN])  # fmt: skip
        thief = run_trip_http(thief_plan, store, index=1, seed=4, behaviour=CAREFUL)
        asked = run_trip_http(plan_trip(("flour",), catalog, forgetful, random.Random(7)),
                              store, index=2, seed=8, behaviour=forgetful)  # fmt: skip
        queue = store.review_of(thief.cart_id, status="all")

    # the honest shopper pays (a random exit audit, one trip in a hundred, would still pay)
    assert honest.outcome.errors == () and honest.outcome.findings == ()
    assert honest.outcome.decision in (Decision.PASS, Decision.AUDIT) and honest.receipt_id
    assert honest.outcome.readings > 80 * 30  # 80 Hz for more than half a minute, as events

    # the thief's unscanned pack of 300 g or more is found, held, and resolved as item_added
    (error,) = thief.outcome.errors
    assert error.kind is ErrorKind.NO_SCAN and error.weight_mg >= 300_000
    assert "unscanned_item" in thief.outcome.findings
    assert thief.outcome.decision is Decision.REVIEW and thief.risk_reported
    assert thief.outcome.risk >= thief.outcome.threshold > 0
    assert thief.resolution == "item_added" and thief.receipt_id
    assert queue is not None and queue["status"] == "resolved" and queue["kind"] == "review"
    assert queue["outcome"] == "item_added" and queue["review_id"] == thief.review_id

    # a forgetful shopper with a bag of their own is asked, scans the item, and pays
    (forgot,) = asked.outcome.errors
    assert forgot.kind is ErrorKind.FORGOT_SCAN and forgot.resolved
    assert asked.outcome.prompts >= 1 and asked.outcome.findings == ()
    assert asked.outcome.decision is not Decision.REVIEW and asked.receipt_id

    result = report([t.outcome for t in (honest, thief, asked)])
    assert result.trips == 3 and result.unscanned_100g.total == 1
    assert result.unscanned_100g.reviewed == 1 and result.left_unpaid_minor == 0


def test_the_command_runs_trips_on_the_server_and_reports_what_it_decided(
    served: Served, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        app,
        ["simulate", "--http", served.url, "--device-token", served.device_token,
         "--staff-user", "sim-associate", "--trips", "2", "--seed", "3",
         "--data", str(served.data), "--out", str(tmp_path), "--json"],
        env={"AISLE_SIM_STAFF_PASSWORD": STAFF_PASSWORD},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "What the server at" in result.output
    figures = result.output.strip().splitlines()[-1]
    assert '"trips": 2' in figures and '"http": {' in figures
    assert (tmp_path / "catch-by-weight.png").is_file()


def test_a_wrong_login_or_a_server_without_the_price_list_is_said_plainly(
    served: Served,
) -> None:
    with StoreServer(served.url, device_token=served.device_token, staff_user="sim-associate",
                     staff_password="not it at all") as store:  # fmt: skip
        with pytest.raises(ServerError, match="staff login"):
            store.staff_headers()
        missing = SimProduct(gtin="00000000000017", name="NOT ON THE LIST", category="x",
                             price_minor=1, net=None)  # fmt: skip
        with pytest.raises(ServerError, match="aisle import csv --preset konzum"):
            store.check_catalog([missing])
