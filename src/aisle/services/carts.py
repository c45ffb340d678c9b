"""The cart use cases: open a cart, apply a device's event, check out.

Every event from a device carries an ``event_id``. The handler appends the resulting event to the
cart's stream in one transaction and only then answers; the same ``event_id`` again returns the
answer it got the first time (the cart as it was right after that event) without applying it
twice. A refused command raises before anything is written.

A scanned coupon becomes a ``CouponPresented`` event, and the loyalty member and coupons decide
who pricing is for; the rules are in :mod:`aisle.services.loyalty`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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
    CouponPresented,
    IdentifyMember,
    ItemScanned,
    Label,
    PresentCoupon,
    RemoveLine,
    ScanItem,
    SetQuantity,
    ShoppingCommand,
)
from aisle.domain.catalog import Product
from aisle.domain.errors import (
    DomainError,
    RecalledItem,
    Refused,
    UnknownProduct,
)
from aisle.domain.money import Money
from aisle.domain.pricing import PricingPolicy, PricingResult, price_lines
from aisle.domain.receipts import Payment, build_receipt_document
from aisle.services import loyalty
from aisle.services.errors import CartNotFound, PaymentDeclined
from aisle.services.ports import (
    CartSummary,
    Clock,
    ConcurrentAppend,
    Device,
    PaymentProvider,
    UnitOfWork,
    UnitOfWorkFactory,
)

__all__ = ["CartService", "CartView"]

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
    ) -> None:
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
        return view

    def handle(self, cart_id: str, command: ShoppingCommand) -> CartView:
        """Apply one event. A refusal is remembered, so the same event id is refused again
        with the same words (it never becomes a different answer later)."""
        for _ in range(_ATTEMPTS):
            try:
                return self._handle_once(cart_id, command)
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

    def receipt(self, receipt_id: str) -> dict[str, Any] | None:
        with self._uow() as uow:
            return uow.receipts.get(receipt_id)

    def summaries(self, *, status: str | None = None) -> list[CartSummary]:
        with self._uow() as uow:
            return uow.carts.list(status=status)

    # -- internals ------------------------------------------------------------------------

    def _handle_once(self, cart_id: str, command: ShoppingCommand) -> CartView:
        with self._uow(write=True) as uow:
            uow.carts.lock(cart_id)
            answered = uow.events.version_of(cart_id, command.event_id)
            if answered is not None:
                return self._load_view(uow, cart_id, up_to_version=answered)
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
                    event = state.remove(command.line_id)
                case SetQuantity():
                    event = state.set_quantity(command.line_id, command.quantity)
                case IdentifyMember():
                    event = loyalty.identify(uow, state, command.loyalty_code)
                case PresentCoupon():
                    code = loyalty.typed_coupon(command.code, self._rules)
                    event = loyalty.present_coupon(uow, state, code, now)
            self._record(uow, state, command.event_id, event, now)
            view = self._price(uow, state, now)
            self._summarise(uow, view)
            uow.commit()
            return view

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
            uow.receipts.add(receipt_id, cart_id, now, document)
            self._summarise(uow, CartView(state=state, pricing=view.pricing, updated_at=now))
            uow.commit()
            return receipt_id

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
        return state.scan(
            product,
            tax_rate=tax.rate_percent,
            snap_eligible=tax.snap_eligible,
            code=command.code,
            weight_g=command.weight_g,
            label=label,
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
        stored = uow.events.load(cart_id, up_to_version)
        if not stored:
            raise CartNotFound(f"There is no cart {cart_id!r}")
        state = CartState.replay(cart_id, (s.event for s in stored))
        return state, stored[-1].recorded_at

    def _load_view(
        self, uow: UnitOfWork, cart_id: str, up_to_version: int | None = None
    ) -> CartView:
        state, updated_at = self._load_state(uow, cart_id, up_to_version)
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
