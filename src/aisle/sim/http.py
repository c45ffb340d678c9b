"""Trips against a real store server, over its HTTP API, as cart devices and an associate would.

The same shoppers as in process (:func:`~aisle.sim.runner.trip_plans`: the same baskets, plans
and load cell for the same seed) play out on a real server: each trip opens a cart with the
device token, and second by second of the cart's clock sends the scans, removals and quantity
changes that fall due (with their ``t_ms``) and then the load cell's readings of that second as
one ``weight`` event, as a cart would. Every two seconds the shopper reads the ``verification``
the server answered and answers what it asks by the same rules as in process
(:meth:`~aisle.sim.shoppers.TripPlan.answer`; the server's line ids are turned back into GTINs).
A shopper with a bag of their own declares it when putting it in.

At checkout the server decides alone, from its own recent trips: a trip it holds (409
``review_required``) is resolved by an associate logged in with the staff account given, who
knows the ground truth (``item_added`` when a loss was open, else ``all_fine``), and then paid;
a trip chosen for an exit audit (its receipt says ``"audit": true``) has its audit resolved the
same way after paying. The server's figures are reported as it gave them: the risk and threshold
of every trip it reviewed or audited; for a trip that passed it gives none, so the risk recorded
is :func:`~aisle.domain.verify.risk_of` of the server's own last findings (a lower bound where a
weight finding may have been judged against a learned weight) and the threshold the last one the
server reported, or just above that risk if higher (the trip passed, so the server's was).

The server must know the simulator's products: the Konzum price list of store 0204 imported
(``aisle import csv --preset konzum .../konzum-0204-2025-07-03.csv``) and ``AISLE_STORE_ID=0204``;
:meth:`StoreServer.check_catalog` says so before any trip starts.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from aisle.domain.verify import (
    Decision,
    Finding,
    FindingKind,
    Severity,
    Verification,
    risk_of,
)
from aisle.sim.catalog import SimCatalog, SimProduct
from aisle.sim.loadcell import CellModel, LoadCell
from aisle.sim.runner import CHECK_EVERY_MS, TICK_MS, TripOutcome, trip_plans
from aisle.sim.shoppers import Behaviour, ScanEvent, TripPlan

__all__ = [
    "CartSession",
    "HttpTrip",
    "ServerError",
    "StoreServer",
    "run_trip_http",
    "scan_code",
    "simulate_http",
]

RETRIES = 3  # a request the connection lost is sent again with the same event_id


class ServerError(RuntimeError):
    """The server refused or failed a request the simulator needed."""


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpTrip:
    """One trip over HTTP: the outcome the report reads, and what the server did."""

    outcome: TripOutcome
    cart_id: str
    receipt_id: str
    review_id: str | None  # the review or exit audit the server opened
    resolution: str | None  # what the associate answered it
    risk_reported: bool  # outcome.risk and .threshold are the server's own for this trip
    requests: int
    seconds: float


def scan_code(gtin: str) -> str:
    """What a scanner reads off the pack: the EAN-13 (or UPC-A) form of a 14-digit GTIN."""
    return gtin[1:] if len(gtin) == 14 and gtin.startswith("0") else gtin


def _error(response: httpx.Response, what: str) -> ServerError:
    try:
        body = response.json()
        code, message = body["error"]["code"], body["error"]["message"]
        said = f"{code}: {message}"
    except (ValueError, KeyError, TypeError):
        said = response.text[:300]
    return ServerError(f"{what}: HTTP {response.status_code} {said}")


class StoreServer:
    """The server's API as a cart device and one associate use it."""

    def __init__(
        self, base_url: str, *, device_token: str, staff_user: str, staff_password: str,
        timeout_s: float = 30.0, client: httpx.Client | None = None,
    ) -> None:  # fmt: skip
        self.base_url = base_url.rstrip("/")
        self._client = client or httpx.Client(base_url=self.base_url, timeout=timeout_s)
        self._device = {"Authorization": f"Bearer {device_token}"}
        self._staff_user, self._staff_password = staff_user, staff_password
        self._staff: dict[str, str] | None = None
        self.requests = 0

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> StoreServer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def request(
        self, method: str, path: str, *, headers: Mapping[str, str], json: object = None,
        params: Mapping[str, str] | None = None,
    ) -> httpx.Response:  # fmt: skip
        """One request; a lost connection is tried again (cart events are idempotent)."""
        for attempt in range(RETRIES):
            self.requests += 1
            try:
                return self._client.request(method, path, headers=headers, json=json,
                                            params=params)  # fmt: skip
            except httpx.TransportError as error:
                if attempt == RETRIES - 1:
                    raise ServerError(
                        f"{method} {self.base_url}{path}: {error} (is the server running there?)"
                    ) from error
                time.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")

    # -- the associate ------------------------------------------------------------------------

    def staff_headers(self) -> dict[str, str]:
        if self._staff is None:
            response = self.request(
                "POST", "/api/v1/staff/login", headers={},
                json={"username": self._staff_user, "password": self._staff_password},
            )  # fmt: skip
            if response.status_code != 200:
                raise _error(response, f"staff login as {self._staff_user!r}")
            self._staff = {"Authorization": f"Bearer {response.json()['token']}"}
        return self._staff

    def review_of(self, cart_id: str, status: str = "open") -> dict[str, Any] | None:
        """The cart's newest review or audit in the queue, if any."""
        response = self.request("GET", "/api/v1/reviews", headers=self.staff_headers(),
                                params={"status": status})  # fmt: skip
        if response.status_code != 200:
            raise _error(response, "the review queue")
        for review in response.json()["reviews"]:
            if review["cart_id"] == cart_id:
                return dict(review)
        return None

    def resolve(self, review_id: str, outcome: str, note: str) -> dict[str, Any]:
        response = self.request(
            "POST", f"/api/v1/reviews/{review_id}/resolve", headers=self.staff_headers(),
            json={"outcome": outcome, "note": note},
        )  # fmt: skip
        if response.status_code != 200:
            raise _error(response, f"resolving review {review_id}")
        return dict(response.json())

    # -- the carts ----------------------------------------------------------------------------

    def open_cart(self) -> CartSession:
        response = self.request("POST", "/api/v1/carts", headers=self._device)
        if response.status_code != 201:
            raise _error(response, "opening a cart with the device token")
        body = response.json()
        return CartSession(self, body["cart_id"], body["token"])

    def check_catalog(self, products: Sequence[SimProduct]) -> None:
        """Fail early, saying what to do, when the server lacks (or can't price) the products."""
        for product in products:
            response = self.request("GET", "/api/v1/products", headers=self._device,
                                    params={"q": product.gtin, "limit": "5"})  # fmt: skip
            if response.status_code != 200:
                raise _error(response, "searching the server's catalog with the device token")
            found = [p for p in response.json() if p["gtin"] == product.gtin]
            if not found or found[0]["price"] is None:
                why = "has no price" if found else "is not in the server's catalog"
                raise ServerError(
                    f"{product.name} ({product.gtin}) {why}: import the Konzum price list "
                    "(aisle import csv --preset konzum konzum-0204-2025-07-03.csv) and run the "
                    "server with AISLE_STORE_ID=0204"
                )


class CartSession:
    """One trip's cart: its events, its latest state, and its line ids by GTIN."""

    def __init__(self, server: StoreServer, cart_id: str, token: str) -> None:
        self.server = server
        self.cart_id = cart_id
        self.auth = {"Authorization": f"Bearer {token}"}
        self.state: dict[str, Any] = {}
        self.gtin_of: dict[str, str] = {}  # every line id seen: its GTIN
        self._events = 0

    def send(self, event: dict[str, Any]) -> dict[str, Any]:
        self._events += 1
        body = {"event_id": f"{self.cart_id}-{self._events}", **event}
        response = self.server.request(
            "POST", f"/api/v1/carts/{self.cart_id}/events", headers=self.auth, json=body
        )
        if response.status_code != 200:
            raise _error(response, f"cart {self.cart_id} event {event['type']}")
        self.state = dict(response.json())
        for line in self.state["lines"]:
            self.gtin_of[line["line_id"]] = line["gtin"]
        return self.state

    def line_for(self, gtin: str) -> dict[str, Any] | None:
        for line in self.state.get("lines", []):
            if line["gtin"] == gtin:
                return dict(line)
        return None

    def scan(self, scan: ScanEvent) -> None:
        """A planned scan: units in (one scan each), or out (a quantity down, or a removal)."""
        product = scan.product
        for _ in range(max(scan.units, 0)):
            event: dict[str, Any] = {"type": "scan", "code": scan_code(product.gtin),
                                     "t_ms": scan.t_ms}  # fmt: skip
            if scan.weighed_mg is not None:
                event["weight_g"] = max((scan.weighed_mg + 500) // 1000, 1)
            self.send(event)
        for _ in range(max(-scan.units, 0)):
            line = self.line_for(product.gtin)
            if line is None:
                return  # nothing of it left on the list
            if line["quantity"] > 1:
                self.send({"type": "set_quantity", "line_id": line["line_id"],
                           "quantity": line["quantity"] - 1, "t_ms": scan.t_ms})  # fmt: skip
            else:
                self.send({"type": "remove", "line_id": line["line_id"], "t_ms": scan.t_ms})

    def weigh(self, samples: Sequence[tuple[int, float]], batch: int = 4_000) -> None:
        for start in range(0, len(samples), batch):
            chunk = samples[start : start + batch]
            self.send({"type": "weight", "samples": [[t, g] for t, g in chunk]})

    def findings(self) -> list[Finding]:
        """The server's findings, with line ids turned into GTINs (what the shopper knows)."""
        out: list[Finding] = []
        for f in self.state.get("verification", {}).get("findings", []):
            try:
                kind, severity = FindingKind(f["kind"]), Severity(f["severity"])
            except ValueError:
                continue  # a kind this simulator doesn't know: nothing a shopper answers
            line = f.get("line_id")
            out.append(Finding(
                kind=kind, severity=severity, t_ms=int(f["t_ms"]), message=f["message"],
                detail=f["detail"], line_id=self.gtin_of.get(line, line) if line else None,
                delta_mg=f.get("delta_mg"),
            ))  # fmt: skip
        return out

    def verification(self) -> Verification:
        v = self.state.get("verification", {})
        return Verification(status=Severity(v.get("status", "clear")),
                            findings=tuple(self.findings()),
                            unweighed_units=int(v.get("unweighed_units", 0)))  # fmt: skip

    def check_out(self, attempt: int) -> httpx.Response:
        return self.server.request(
            "POST", f"/api/v1/carts/{self.cart_id}/checkout", headers=self.auth,
            json={"event_id": f"{self.cart_id}-checkout-{attempt}"},
        )  # fmt: skip

    def receipt(self, receipt_id: str) -> dict[str, Any]:
        response = self.server.request("GET", f"/api/v1/receipts/{receipt_id}", headers=self.auth)
        if response.status_code != 200:
            raise _error(response, f"receipt {receipt_id}")
        return dict(response.json())


def _due(plan: TripPlan, sent: set[int], until_ms: int) -> Iterator[ScanEvent]:
    """Scans not sent yet whose time has come, in time order (answers land between plans)."""
    waiting = [k for k in range(len(plan.scans)) if k not in sent]
    due = sorted((k for k in waiting if plan.scans[k].t_ms <= until_ms),
                 key=lambda k: plan.scans[k].t_ms)  # fmt: skip
    for k in due:
        sent.add(k)
        yield plan.scans[k]


def run_trip_http(
    plan: TripPlan, server: StoreServer, *, index: int = 0, seed: int = 0,
    behaviour: Behaviour | None = None, model: CellModel | None = None,
    last_threshold: int = 0,
) -> HttpTrip:  # fmt: skip
    """Play one trip on the server, check out, and have any review or audit resolved."""
    started = time.monotonic()
    before = server.requests
    b = behaviour or Behaviour()
    rng = random.Random(seed)
    cell = LoadCell(model, seed=seed)
    for start, end in plan.moving:
        cell.move(start, end)
    cart = server.open_cart()
    asked: set[tuple[str, int, str | None]] = set()
    sent: set[int] = set()
    declared = plan.own_items == 0
    bag_at = plan.placements[0].t_ms if plan.placements else 0  # a declared bag goes in first
    readings = 0
    t = 0
    while t < plan.end_ms:
        t = min(t + TICK_MS, plan.end_ms)
        for planned in plan.placements:
            if not planned.given and planned.t_ms <= t:
                planned.given = True
                cell.place(planned.placement())
        if not declared and bag_at <= t:
            cart.send({"type": "declare_own_item", "t_ms": bag_at})
            declared = True
        for scan in _due(plan, sent, t):
            cart.scan(scan)
        samples = cell.read(t)
        readings += len(samples)
        cart.weigh(samples)
        if t % CHECK_EVERY_MS == 0 and t < plan.end_ms:
            for finding in cart.findings():
                key = (finding.kind.value, finding.t_ms, finding.line_id)
                if key not in asked:
                    asked.add(key)
                    plan.answer(finding, t, rng, b.answer_rate)
            latest = max([0, *(p.t_ms for p in plan.placements), *(s.t_ms for s in plan.scans)])
            plan.end_ms = max(plan.end_ms, latest + 8_000)  # still at the cart, answering
    for scan in _due(plan, sent, plan.end_ms):  # nothing is left, but never drop a scan
        cart.scan(scan)
    final = cart.verification()
    short = any(not e.resolved and e.value_minor > 0 for e in plan.errors)
    answer = "item_added" if short else "all_fine"
    note = "simulated associate: " + (
        ", ".join(f"{e.kind.value} {e.gtin}" for e in plan.errors if not e.resolved and
                  e.value_minor > 0) if short else "nothing missing")  # fmt: skip

    decision, review, resolution = Decision.PASS, None, None
    response = cart.check_out(1)
    if response.status_code == 409 and _code(response) == "review_required":
        decision = Decision.REVIEW
        review = server.review_of(cart.cart_id)
        if review is None:
            raise ServerError(f"cart {cart.cart_id} is held, but no open review is queued for it")
        server.resolve(review["review_id"], answer, note)
        resolution = answer
        response = cart.check_out(2)
    if response.status_code != 200:
        raise _error(response, f"checking out cart {cart.cart_id}")
    receipt_id = str(response.json()["receipt_id"])
    if cart.receipt(receipt_id).get("audit") is True:
        decision = Decision.AUDIT
        review = server.review_of(cart.cart_id)
        if review is None:
            raise ServerError(f"cart {cart.cart_id}'s receipt says audit, but none is queued")
        server.resolve(review["review_id"], answer, note)
        resolution = answer
    if review is not None:
        risk, threshold = int(review["risk_ppm"]), int(review["threshold_ppm"])
    else:
        risk = risk_of(final)
        threshold = max(last_threshold, risk + 1)  # it passed: the server's was above its risk
    outcome = TripOutcome(
        index=index, units=plan.units, readings=readings, thief=plan.thief,
        errors=tuple(plan.errors), status=final.status,
        findings=tuple(f.kind.value for f in final.findings),
        details=tuple(f.detail for f in final.findings), prompts=len(asked), risk=risk,
        threshold=threshold, decision=decision,
    )  # fmt: skip
    return HttpTrip(
        outcome=outcome, cart_id=cart.cart_id, receipt_id=receipt_id,
        review_id=None if review is None else str(review["review_id"]), resolution=resolution,
        risk_reported=review is not None, requests=server.requests - before,
        seconds=time.monotonic() - started,
    )  # fmt: skip


def _code(response: httpx.Response) -> str | None:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return None


def simulate_http(
    catalog: SimCatalog, trips: int, server: StoreServer, *, seed: int = 1,
    behaviour: Behaviour | None = None, model: CellModel | None = None,
    on_trip: Callable[[HttpTrip], None] | None = None,
) -> list[HttpTrip]:  # fmt: skip
    """``trips`` trips on the server: the same draws as :func:`aisle.sim.runner.simulate`."""
    b = behaviour or Behaviour()
    out: list[HttpTrip] = []
    threshold = 0
    for k, plan, trip_seed in trip_plans(catalog, trips, seed=seed, behaviour=b):
        trip = run_trip_http(plan, server, index=k, seed=trip_seed, behaviour=b, model=model,
                             last_threshold=threshold)  # fmt: skip
        if trip.risk_reported:
            threshold = trip.outcome.threshold
        out.append(trip)
        if on_trip is not None:
            on_trip(trip)
    return out
