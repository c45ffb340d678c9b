"""The cart use cases: open a cart, apply a device's event, check out.

Every event from a device carries an ``event_id``. The handler appends the resulting event to the
cart's stream in one transaction and only then answers; the same ``event_id`` again returns the
answer it got the first time (the cart as it was right after that event) without applying it
twice. A refused command raises before anything is written.

The cart's scale reports as events too (``ReportWeight``), and scans, removals and quantity
changes carry the cart's clock; the state says at any moment whether the scale agrees with the
list (:mod:`aisle.services.verification`). At checkout a trip over the review threshold is held
(``ReviewRequested``, and checkout answers ``review_required``) until an associate resolves it;
a few others are chosen at random for an exit audit; a trip that ended clear teaches the store
its products' weights.

A scanned coupon becomes a ``CouponPresented`` event, and the loyalty member and coupons decide
who pricing is for; the rules are in :mod:`aisle.services.loyalty`.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aisle.domain.barcodes import (
    DEFAULT_RULES,
    Coupon,
    Gs1Data,
    Gtin,
    Plu,
    ScanRules,
    VariableMeasure,
    check_dates,
    check_recall,
    parse_scan,
)
from aisle.domain.cart import (
    CartEvent,
    CartOpened,
    CartState,
    CheckOut,
    ChooseListEntry,
    CouponPresented,
    DeclareOwnItem,
    IdentifyMember,
    ItemScanned,
    Label,
    MemberIdentified,
    PresentCoupon,
    RemoveLine,
    ReportWeight,
    ReviewRequested,
    ReviewResolved,
    ScanItem,
    SetQuantity,
    ShoppingCommand,
    WeightMeasured,
    WriteShoppingList,
)
from aisle.domain.catalog import Product, SoldBy
from aisle.domain.errors import (
    DomainError,
    RecalledItem,
    Refused,
    ReviewRequired,
    UnknownProduct,
)
from aisle.domain.money import Money
from aisle.domain.pricing import PricingPolicy, PricingResult, price_lines
from aisle.domain.receipts import Payment, build_receipt_document
from aisle.domain.shopping_list import ListEntry
from aisle.domain.verify import Decision, Finding, RiskSettings
from aisle.services import loyalty, shopping, verification
from aisle.services.errors import CartNotFound, PaymentDeclined, ReviewNotFound
from aisle.services.ports import (
    CartSummary,
    Clock,
    ConcurrentAppend,
    Device,
    PaymentProvider,
    Review,
    UnitOfWork,
    UnitOfWorkFactory,
)

__all__ = ["REVIEW_OUTCOMES", "CartService", "CartView"]

REVIEW_OUTCOMES = ("all_fine", "item_added", "item_removed", "audit")
REMEMBERED_CARTS = 2_000  # projections kept in memory, the most recently used

_ATTEMPTS = 8
_UTC = ZoneInfo("UTC")
#: The opening event is the server's own; "~" is outside the event ids a device may send.
OPEN_EVENT_ID = "~open"


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class CartView:
    """A cart as the screen shows it: the projected state and its pricing."""

    state: CartState
    pricing: PricingResult
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class WeightAnswer:
    """What became of one message of scale readings taken in a batch."""

    cart_id: str
    event_id: str
    version: int | None = None  # where the readings are in the cart's stream
    refused: tuple[str, str] | None = None  # (code, message): nothing was stored
    changed: bool = False  # the cart's verification changed: its screens should hear
    deferred: bool = False  # the cart was busy (a checkout): nothing done, send it again


class CartService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        policy: PricingPolicy,
        clock: Clock,
        payments: Mapping[str, PaymentProvider],
        store_name: str,
        rules: ScanRules = DEFAULT_RULES,
        timezone: ZoneInfo = _UTC,
        ids: Callable[[], str] = new_id,
        risk: RiskSettings | None = None,
        bag_tare_g: int = 0,
    ) -> None:
        self._risk = risk or RiskSettings()
        self._bag_tare_mg = bag_tare_g * 1000
        self._remembered: OrderedDict[str, tuple[CartState, datetime]] = OrderedDict()
        self._remembered_lock = threading.Lock()
        # per cart, the version and the verification its screens were last told
        self._verified: OrderedDict[str, tuple[int, tuple[object, ...]]] = OrderedDict()
        self._rules = rules
        self._timezone = timezone
        self._uow = uow
        self._policy = policy
        self._clock = clock
        self._payments = payments
        self._store_name = store_name
        self._ids = ids

    # -- commands -------------------------------------------------------------------------

    def open_cart(self, device: Device) -> CartView:
        cart_id = self._ids()
        now = self._clock()
        event = CartOpened(device_id=device.device_id, currency=self._policy.currency)
        with self._uow(write=True) as uow:
            uow.events.append(
                cart_id, version=1, event_id=OPEN_EVENT_ID, event=event, recorded_at=now
            )
            state = CartState.replay(cart_id, [event])
            view = self._price(uow, state, now)
            self._summarise(uow, view, device_name=device.name)
            uow.commit()
        self._tell_safely(state)  # what its screen sees when it connects
        return view

    def handle(self, cart_id: str, command: ShoppingCommand) -> CartView:
        """Apply one event. A refusal is remembered, so the same event id is refused again
        with the same words (it never becomes a different answer later)."""
        for _ in range(_ATTEMPTS):
            try:
                return self._handle_once(cart_id, command, self._match_lists(command))
            except ConcurrentAppend:
                continue
            except (CartNotFound, Refused):
                raise
            except DomainError as refusal:
                with self._uow(write=True) as uow:
                    uow.events.refuse(
                        cart_id,
                        event_id=command.event_id,
                        code=refusal.code,
                        message=refusal.message,
                        recorded_at=self._clock(),
                    )
                    uow.commit()
                raise
        raise ConcurrentAppend(f"cart {cart_id} is too busy: try again")

    def ingest_weights(self, reports: Sequence[tuple[str, ReportWeight]]) -> list[WeightAnswer]:
        """Scale readings of many carts, as a sensor stream brings them: one transaction for
        the batch (one commit, the events appended in one statement), each cart loaded once,
        and no re-pricing, since readings never change a price. Each report is answered as
        :meth:`handle` would answer it: stored once (a resend finds the version it was stored
        at), or refused and remembered as refused, without touching the others; or
        ``deferred`` when its cart is busy with a checkout on another connection (PostgreSQL):
        the caller sends it again later, before that cart's newer reports. A cart's screens
        need to hear only when its verification changes, which ``changed`` says.

        Carts not in memory are replayed before the write transaction, so that a server that
        has just started does not hold the store's writers while it reads whole trips."""
        cart_ids = {cart_id for cart_id, _ in reports}
        for _ in range(_ATTEMPTS):
            replayed = self._replay_missing(cart_ids)
            try:
                return self._ingest_once(reports, replayed)
            except ConcurrentAppend:
                continue  # the states taken are dropped: the next attempt loads them again
        raise ConcurrentAppend("the carts are too busy: try again")

    def check_out(self, cart_id: str, command: CheckOut) -> str:
        """Charge the total and close the cart; return the receipt id, the same one if repeated."""
        for _ in range(_ATTEMPTS):
            try:
                return self._check_out_once(cart_id, command)
            except ConcurrentAppend:
                continue
        raise ConcurrentAppend(f"cart {cart_id} is too busy: try again")

    # -- queries --------------------------------------------------------------------------

    def get(self, cart_id: str) -> CartView:
        with self._uow() as uow:
            return self._load_view(uow, cart_id)

    def state(self, cart_id: str) -> CartState:
        """The cart's projected state, not priced (what its scale's verification needs)."""
        with self._uow() as uow:
            state, at = self._load_state(uow, cart_id)
        self._remember(state, at)
        return state

    def receipt(self, receipt_id: str) -> dict[str, Any] | None:
        with self._uow() as uow:
            return uow.receipts.get(receipt_id)

    def summaries(self, *, status: str | None = None) -> list[CartSummary]:
        with self._uow() as uow:
            return uow.carts.list(status=status)

    # -- internals ------------------------------------------------------------------------

    def _match_lists(self, command: ShoppingCommand) -> tuple[ListEntry, ...] | None:
        """A list's entries matched to the catalog before the write transaction (up to 60
        searches: the cart's lock and the store's writer are not held for them). For a loyalty
        card, its saved list; None when the command brings no list."""
        now = self._clock()
        with self._uow() as uow:
            match command:
                case WriteShoppingList():
                    return shopping.match_list(uow, command.text, now)
                case IdentifyMember():
                    saved = loyalty.saved_list(uow, command.loyalty_code.strip())
                    return shopping.match_list(uow, saved, now) if saved else None
                case _:
                    return None

    def _handle_once(
        self, cart_id: str, command: ShoppingCommand, matched: tuple[ListEntry, ...] | None
    ) -> CartView:
        with self._uow(write=True) as uow:
            uow.carts.lock(cart_id)
            answered = uow.events.version_of(cart_id, command.event_id)
            if answered is not None:
                followed = uow.events.version_of(cart_id, _follow_up(command.event_id))
                return self._load_view(uow, cart_id, up_to_version=followed or answered)
            refused = uow.events.refusal_of(cart_id, command.event_id)
            if refused is not None:
                raise Refused(*refused)
            state, _ = self._load_state(uow, cart_id)
            now = self._clock()
            event: CartEvent
            match command:
                case ScanItem():
                    event = self._scan(uow, state, command, now)
                case RemoveLine():
                    event = state.remove(command.line_id, t_ms=command.t_ms)
                case SetQuantity():
                    event = state.set_quantity(command.line_id, command.quantity, t_ms=command.t_ms)
                case ReportWeight():
                    event = state.measure(command.samples)
                case DeclareOwnItem():
                    event = state.declare_own_item(t_ms=command.t_ms)
                case IdentifyMember():
                    event = loyalty.identify(uow, state, command.loyalty_code)
                case PresentCoupon():
                    code = loyalty.typed_coupon(command.code, self._rules)
                    event = loyalty.present_coupon(uow, state, code, now)
                case WriteShoppingList():
                    assert matched is not None
                    event = state.write_list(matched)
                case ChooseListEntry():
                    event = state.choose_list_entry(command.entry_id, command.gtin)
            self._record(uow, state, command.event_id, event, now)
            if isinstance(event, MemberIdentified) and matched and not state.shopping_list:
                # the list on their account comes along, if the cart has none yet
                brought = state.write_list(matched, source="loyalty")
                self._record(uow, state, _follow_up(command.event_id), brought, now)
            view = self._price(uow, state, now)
            self._summarise(uow, view)
            uow.commit()
            self._remember(state, now)
            self._tell_safely(state)  # the answer, pushed to the screens too, says it all
            return view

    def _replay_missing(self, cart_ids: Collection[str]) -> dict[str, tuple[CartState, datetime]]:
        """The carts not in memory, replayed from their streams outside any write transaction
        (a server just started reads whole trips without holding the store's writers)."""
        with self._remembered_lock:
            missing = [cart_id for cart_id in cart_ids if cart_id not in self._remembered]
        replayed: dict[str, tuple[CartState, datetime]] = {}
        if missing:
            with self._uow() as uow:
                for cart_id in missing:
                    stored = uow.events.load(cart_id)
                    if stored:
                        state = CartState.replay(cart_id, (e.event for e in stored))
                        replayed[cart_id] = (state, stored[-1].recorded_at)
        return replayed

    def _ingest_once(
        self,
        reports: Sequence[tuple[str, ReportWeight]],
        replayed: dict[str, tuple[CartState, datetime]],
    ) -> list[WeightAnswer]:
        pairs = [(cart_id, report.event_id) for cart_id, report in reports]
        answers: list[WeightAnswer] = []
        rows: list[tuple[str, int, str, CartEvent]] = []
        states: dict[str, tuple[CartState, datetime]] = {}
        with self._uow(write=True) as uow:
            locked = uow.carts.lock_many({cart_id for cart_id, _ in reports})
            latest = uow.events.latest_versions({cart_id for cart_id, _ in reports})
            stored = uow.events.versions_of([p for p in pairs if p[0] in locked])
            refused = uow.events.refusals_of([p for p in pairs if p[0] in locked])
            ours = sorted(locked & latest.keys())
            with self._remembered_lock:  # taken whole, now: no other request shares a state
                taken = {cart_id: self._remembered.pop(cart_id, None) for cart_id in ours}
            for cart_id in ours:
                known = taken[cart_id] or replayed.get(cart_id)
                states[cart_id] = self._caught_up(uow, cart_id, known, latest)
            now = self._clock()
            for cart_id, report in reports:
                key = (cart_id, report.event_id)
                answer = WeightAnswer(cart_id=cart_id, event_id=report.event_id)
                if cart_id in latest and cart_id not in locked:
                    answers.append(replace(answer, deferred=True))
                    continue
                if key in stored:
                    answers.append(replace(answer, version=stored[key]))
                    continue
                if key in refused:
                    answers.append(replace(answer, refused=refused[key]))
                    continue
                if cart_id not in states:
                    missing = CartNotFound(f"There is no cart {cart_id!r}")
                    answers.append(replace(answer, refused=(missing.code, missing.message)))
                    continue
                state = states[cart_id][0]
                try:
                    event = state.measure(report.samples)
                except DomainError as refusal:
                    refused[key] = (refusal.code, refusal.message)
                    uow.events.refuse(
                        cart_id,
                        event_id=report.event_id,
                        code=refusal.code,
                        message=refusal.message,
                        recorded_at=now,
                    )
                    answers.append(replace(answer, refused=refused[key]))
                    continue
                state.apply(event)
                stored[key] = state.version
                rows.append((cart_id, state.version, report.event_id, event))
                answers.append(replace(answer, version=state.version))
            uow.events.append_many(rows, now)
            moved = {cart_id for cart_id, _, _, _ in rows}
            uow.carts.touch_many(moved, now)
            uow.commit()
        # what the screens should hear, worked out before the states go back to memory,
        # where another request may take them
        changed = {cart_id for cart_id, (state, _) in states.items() if self._tell_safely(state)}
        with self._remembered_lock:
            for cart_id, (state, at) in states.items():
                self._remembered[cart_id] = (state, now if cart_id in moved else at)
                self._remembered.move_to_end(cart_id)
            while len(self._remembered) > REMEMBERED_CARTS:
                self._remembered.popitem(last=False)
        return [
            replace(a, changed=True) if a.cart_id in changed and a.version is not None else a
            for a in answers
        ]

    def _caught_up(
        self,
        uow: UnitOfWork,
        cart_id: str,
        known: tuple[CartState, datetime] | None,
        latest: Mapping[str, int],
    ) -> tuple[CartState, datetime]:
        """A cart's state with every event its stream holds now (in the write transaction:
        usually none to add, and then nothing is read)."""
        if known is None:
            return self._load_state(uow, cart_id)
        state, at = known
        if state.version == latest[cart_id]:
            return state, at
        if state.version > latest[cart_id]:  # the stream was put back (a restored database)
            return self._load_state(uow, cart_id)
        for stored_event in uow.events.load(cart_id, after_version=state.version):
            state.apply(stored_event.event)
            at = stored_event.recorded_at
        return state, at

    def _tell(self, state: CartState) -> bool:
        """Whether the cart's verification differs from what its screens were last told.
        A state older than the one last told (two threads finishing out of order) tells
        nothing and changes nothing."""
        told = self._told(state)
        with self._remembered_lock:
            before = self._verified.get(state.cart_id)
            if before is not None and before[0] > state.version:
                return False
            self._verified[state.cart_id] = (state.version, told)
            self._verified.move_to_end(state.cart_id)
            while len(self._verified) > REMEMBERED_CARTS:
                self._verified.popitem(last=False)
        return before is None or before[1] != told

    def _tell_safely(self, state: CartState) -> bool:
        """:meth:`_tell` after a commit: what is stored stays stored whatever happens here;
        a verification that could not be worked out is told (the screen asks for it)."""
        try:
            return self._tell(state)
        except Exception:
            return True

    @staticmethod
    def _told(state: CartState) -> tuple[object, ...]:
        found = state.verification()
        return (state.status, found.status, found.findings, found.unweighed_units)

    def _check_out_once(self, cart_id: str, command: CheckOut) -> str:
        with self._uow(write=True) as uow:
            uow.carts.lock(cart_id)
            state, _ = self._load_state(uow, cart_id)
            if state.receipt_id is not None:
                return state.receipt_id
            provider = self._payments.get(command.payment_provider)
            if provider is None:
                known = ", ".join(sorted(self._payments))
                raise PaymentDeclined(
                    f"Payment provider {command.payment_provider!r} is not set up here: "
                    f"expected one of {known}"
                )
            now = self._clock()
            view = self._price(uow, state, now)
            audit = self._verify_before_paying(uow, view, command.event_id, now)
            # Before the charge: a coupon another checkout just took makes this one price again.
            redeemed = loyalty.redeem_coupons(uow, state, view.pricing, now)
            receipt_id = self._ids()
            result = provider.charge(amount=view.pricing.total, idempotency_key=cart_id)
            if not result.approved:
                raise PaymentDeclined(result.message or "The payment was declined")
            event = state.check_out(
                receipt_id=receipt_id,
                total=view.pricing.total,
                payment_provider=provider.name,
                payment_reference=result.reference,
            )
            self._record(uow, state, command.event_id, event, now)
            document = build_receipt_document(
                receipt_id=receipt_id,
                store_name=self._store_name,
                state=state,
                pricing=view.pricing,
                tax_mode=self._policy.tax_mode,
                payment=Payment(provider=provider.name, reference=result.reference),
                issued_at=now,
                coupons=tuple(r.code for r in redeemed),
            )
            if audit:
                document["audit"] = True  # checked at the exit
            uow.receipts.add(receipt_id, cart_id, now, document)
            self._summarise(uow, CartView(state=state, pricing=view.pricing, updated_at=now))
            uow.commit()
            return receipt_id

    def _verify_before_paying(
        self, uow: UnitOfWork, view: CartView, event_id: str, now: datetime
    ) -> bool:
        """Hold a trip over the threshold for review (raises ReviewRequired, after recording
        the request); returns whether the trip is chosen for an exit audit."""
        state = view.state
        if state.review_id is not None:
            if state.review_outcome is None:
                raise ReviewRequired(
                    "An associate is checking your cart: please wait, it won't take long"
                )
            return False  # reviewed and resolved: it may pay
        found = verification.assess(uow, state, self._risk)
        uow.reviews.record_risk(state.cart_id, found.risk_ppm, found.decision.value, now)
        if found.decision is Decision.PASS:
            if found.verification.status.value == "clear" and state.has_scale:
                verification.learn_from(uow, state, found.verification, source="clear", at=now)
            else:
                verification.note_mismatches(uow, state, found.verification, at=now)
            return False
        review = Review(
            review_id=self._ids(),
            cart_id=state.cart_id,
            kind=found.decision.value,
            status="open",
            risk_ppm=found.risk_ppm,
            threshold_ppm=found.threshold_ppm,
            member_id=state.member_id,
            device_id=state.device_id,
            findings=tuple(_finding_out(f) for f in found.verification.findings),
            created_at=now,
        )
        uow.reviews.add(review)
        if found.decision is Decision.AUDIT:
            return True
        event = ReviewRequested(
            review_id=review.review_id, risk_ppm=found.risk_ppm, threshold_ppm=found.threshold_ppm
        )
        self._record(uow, state, _derived("~review-", event_id), event, now)
        self._summarise(uow, CartView(state=state, pricing=view.pricing, updated_at=now))
        uow.commit()
        raise ReviewRequired(
            "An associate will take a quick look at your cart before you pay: please wait here"
        )

    # -- reviews --------------------------------------------------------------------------

    def reviews(self, *, status: str | None = None) -> list[Review]:
        with self._uow() as uow:
            return uow.reviews.queue(status=status)

    def review(
        self, review_id: str, *, trace_points: int = 3_000
    ) -> tuple[Review, CartState, list[tuple[int, int]]]:
        """A review, its trip, and the scale's readings (every n-th, at most ``trace_points``)
        for the plot."""
        with self._uow() as uow:
            review = uow.reviews.get(review_id)
            if review is None:
                raise ReviewNotFound(f"There is no review {review_id!r}")
            stored = uow.events.load(review.cart_id)
            state = CartState.replay(review.cart_id, (s.event for s in stored))
            readings = [
                sample
                for s in stored
                if isinstance(s.event, WeightMeasured)
                for sample in s.event.samples
            ]
            every = max(1, -(-len(readings) // trace_points))
            return review, state, readings[::every]

    def resolve_review(
        self, review_id: str, *, outcome: str, staff_id: str, note: str = ""
    ) -> Review:
        """An associate's answer. It is recorded on the trip, and it teaches the weight model:
        ``all_fine`` confirms every measured weight, the others the ones that matched."""
        if outcome not in REVIEW_OUTCOMES:
            raise ValueError(f"Outcome {outcome!r}: expected one of {', '.join(REVIEW_OUTCOMES)}")
        with self._uow(write=True) as uow:
            review = uow.reviews.get(review_id)
            if review is None:
                raise ReviewNotFound(f"There is no review {review_id!r}")
            if review.status == "resolved":
                return review
            uow.carts.lock(review.cart_id)
            state, _ = self._load_state(uow, review.cart_id)
            now = self._clock()
            event = ReviewResolved(
                review_id=review_id, outcome=outcome, staff_id=staff_id, note=note[:500]
            )
            self._record(uow, state, f"~resolve-{review_id}", event, now)
            uow.reviews.resolve(review_id, outcome=outcome, staff_id=staff_id, note=note[:500],
                                at=now)  # fmt: skip
            verification.learn_from(
                uow, state, state.verification(), source="staff", at=now,
                confirmed=outcome == "all_fine",
            )  # fmt: skip
            uow.commit()
            resolved = uow.reviews.get(review_id)
            assert resolved is not None
            return resolved

    @staticmethod
    def _record(
        uow: UnitOfWork, state: CartState, event_id: str, event: CartEvent, now: datetime
    ) -> None:
        """Append the decided event to the stream and fold it into the state."""
        uow.events.append(
            state.cart_id,
            version=state.version + 1,
            event_id=event_id,
            event=event,
            recorded_at=now,
        )
        state.apply(event)

    def _scan(
        self, uow: UnitOfWork, state: CartState, command: ScanItem, now: datetime
    ) -> ItemScanned | CouponPresented:
        code = parse_scan(command.code, self._rules)
        if isinstance(code, Coupon):
            return loyalty.present_coupon(uow, state, code.code, now)
        product, label = self._find_product(uow, code, now)
        tax = uow.catalog.tax_class(product.tax_class)
        weight_g = command.weight_g
        if weight_g is None and product.sold_by is SoldBy.WEIGHT and command.t_ms is not None:
            weight_g = state.settled_produce_g(command.t_ms, tare_mg=self._bag_tare_mg)
        return state.scan(
            product,
            tax_rate=tax.rate_percent,
            snap_eligible=tax.snap_eligible,
            code=command.code,
            weight_g=weight_g,
            label=label,
            t_ms=command.t_ms,
            unit_weight=verification.expected_weight(uow, product),
        )

    def _find_product(
        self, uow: UnitOfWork, code: Gtin | Plu | VariableMeasure | Gs1Data, at: datetime
    ) -> tuple[Product, Label]:
        """The product a scan names, and what its code says about this very item."""
        label = Label()
        match code:
            case Gtin():
                product = uow.catalog.by_gtin(code.gtin14, at)
                shown = code.display
            case Plu():
                product = uow.catalog.by_plu(code.code, at)
                shown = code.code
            case VariableMeasure():
                product = uow.catalog.by_gtin(code.item_gtin14, at)
                shown = code.raw
                # a zero value is the bare item key (a shelf label): weigh or price it as usual
                label = Label(
                    weight_g=code.weight_g or None,
                    price=self._money(code.price_minor or None),
                    count=code.count or None,
                )
            case Gs1Data():
                product = uow.catalog.by_gtin(code.gtin14, at)
                shown = Gtin(gtin14=code.gtin14).display
                recalled = check_recall(code, uow.catalog.recalled_lots(code.gtin14))
                if recalled is not None:
                    raise RecalledItem(recalled)
                today = at.astimezone(self._timezone).date()
                label = Label(
                    weight_g=code.net_weight_g,
                    price=self._money(code.price_minor),
                    serial=code.serial,
                    warnings=tuple(w.message for w in check_dates(code, today)),
                )
        if product is None:
            raise UnknownProduct(f"We couldn't find {shown} — ask an associate")
        return product, label

    def _money(self, minor: int | None) -> Money | None:
        return Money(minor=minor, currency=self._policy.currency) if minor is not None else None

    def _load_state(
        self, uow: UnitOfWork, cart_id: str, up_to_version: int | None = None
    ) -> tuple[CartState, datetime]:
        """The cart's state: from the remembered projection and the events after it when there
        is one (a trip's scale readings make thousands of events), else replayed in full."""
        if up_to_version is None:
            with self._remembered_lock:
                remembered = self._remembered.pop(cart_id, None)
            if remembered is not None:
                state, at = remembered
                for stored_event in uow.events.load(cart_id, after_version=state.version):
                    state.apply(stored_event.event)
                    at = stored_event.recorded_at
                return state, at
        stored = uow.events.load(cart_id, up_to_version)
        if not stored:
            raise CartNotFound(f"There is no cart {cart_id!r}")
        state = CartState.replay(cart_id, (s.event for s in stored))
        return state, stored[-1].recorded_at

    def _remember(self, state: CartState, at: datetime) -> None:
        """Keep a copy of a state that matches the committed stream (the caller keeps using
        its own), for the next request on this cart; the least recently used are forgotten."""
        kept = state.copy()
        with self._remembered_lock:
            self._remembered[state.cart_id] = (kept, at)
            self._remembered.move_to_end(state.cart_id)
            while len(self._remembered) > REMEMBERED_CARTS:
                self._remembered.popitem(last=False)

    def _load_view(
        self, uow: UnitOfWork, cart_id: str, up_to_version: int | None = None
    ) -> CartView:
        state, updated_at = self._load_state(uow, cart_id, up_to_version)
        if up_to_version is None:
            self._remember(state, updated_at)
        return self._price(uow, state, updated_at)

    def _price(self, uow: UnitOfWork, state: CartState, at: datetime) -> CartView:
        lines = state.lines_to_price()
        reductions = uow.catalog.price_reductions({line.gtin for line in lines}, at)
        promotions = uow.promotions.live(at)
        offers = [*(reduction.as_offer() for reduction in reductions), *promotions]
        pricing = price_lines(
            lines,
            offers,
            self._policy,
            at,
            shopper=loyalty.shopper(uow, state),
            store=uow.store,
        )
        return CartView(state=state, pricing=pricing, updated_at=at)

    def _summarise(self, uow: UnitOfWork, view: CartView, device_name: str | None = None) -> None:
        uow.carts.upsert(
            CartSummary(
                cart_id=view.state.cart_id,
                device_id=view.state.device_id,
                device_name=device_name or "",
                status=view.state.status.value,
                opened_at=view.updated_at,
                updated_at=view.updated_at,
                item_count=view.state.item_count,
                total=view.pricing.total,
                alert_count=sum(len(line.warnings) for line in view.state.lines.values()),
            )
        )


def _follow_up(event_id: str) -> str:
    """The id of an event the server adds after a device's (the list a loyalty card brings);
    "~" is outside the event ids a device may send."""
    return _derived("~after:", event_id)


def _derived(prefix: str, event_id: str) -> str:
    """A server event's id derived from a device's: the prefix and the id, or, where that
    would not fit the store's 100 characters, the prefix and the id's SHA-256 (same id, same
    derived id, so a resend finds it).

    >>> _derived("~after:", "e1"), len(_derived("~after:", "x" * 100))
    ('~after:e1', 72)
    """
    text = prefix + event_id
    if len(text) <= 100:
        return text
    return prefix + "#" + hashlib.sha256(event_id.encode()).hexdigest()


def _finding_out(finding: Finding) -> dict[str, Any]:
    return {
        "kind": finding.kind.value,
        "severity": finding.severity.value,
        "t_ms": finding.t_ms,
        "message": finding.message,
        "detail": finding.detail,
        "line_id": finding.line_id,
        "delta_mg": finding.delta_mg,
    }
