"""The cart aggregate: its state is a fold over its events; its decisions return new events.

Decisions check every rule before answering, so a refused command leaves no trace. Scanning a
product that is already on a line adds one to that line; produce sold by weight always gets a line
of its own, priced by the weight the cart's scale measured.

The cart's scale checks what goes in (:mod:`aisle.domain.verify`): the projection feeds the scale's
readings to a step detector and keeps every change of the list with the cart's clock, so
:meth:`CartState.verification` says at any moment whether what the scale felt matches the list.

A cart belongs to at most one loyalty member (identifying another replaces the first) and holds
the coupons presented on it, each once. What a coupon is worth is pricing's business; whether a
promotion asks for it and whether it was used before is looked up by the service and handed in.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

from aisle.domain.cart.events import (
    CartCheckedOut,
    CartEvent,
    CartOpened,
    CouponPresented,
    ItemScanned,
    LineRemoved,
    ListEntryChosen,
    MemberIdentified,
    OwnItemDeclared,
    QuantityChanged,
    ReviewRequested,
    ReviewResolved,
    ShoppingListWritten,
    WeightMeasured,
)
from aisle.domain.catalog import Product, SoldBy
from aisle.domain.errors import (
    BadReadings,
    CartClosed,
    CouponAlreadyPresented,
    CouponAlreadyUsed,
    CouponNotAccepted,
    DuplicateItem,
    InvalidQuantity,
    MemberAlreadyIdentified,
    NotPriced,
    OwnItemAlreadyDeclared,
    UnknownLine,
    UnknownListEntry,
    WeightRequired,
)
from aisle.domain.money import Money
from aisle.domain.pricing import LineToPrice
from aisle.domain.shopping_list import EntryProgress, ListEntry, progress
from aisle.domain.verify import (
    ListChange,
    SignalProblem,
    StepDetector,
    UnitWeight,
    Verification,
    to_mg,
    verify,
)

MAX_QUANTITY = 99
MAX_WEIGHT_G = 30_000  # a cart's scale weighs one item of produce, not a sack of potatoes
MAX_READINGS = 4_000  # in one event: 50 s at 80 a second
MAX_OWN_ITEMS = 1


class CartStatus(StrEnum):
    SHOPPING = "shopping"
    CHECKED_OUT = "checked_out"


@dataclass(frozen=True, slots=True, kw_only=True)
class Label:
    """What a scanned code says about the very item in hand, beyond which product it is."""

    weight_g: int | None = None  # printed net weight: prices an item sold by weight
    price: Money | None = None  # printed price: the item costs this, whatever the catalog says
    count: int | None = None  # how many the label stands for
    serial: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class CartLine:
    line_id: str
    gtin: str
    name: str
    brand: str
    unit_price: Money
    tax_rate: Decimal
    sold_by: SoldBy
    quantity: int
    weight_g: int | None
    age_restricted: bool
    label_price: Money | None = None
    serials: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    category: str = ""
    department: str = ""
    deposit: Money | None = None  # per unit
    snap_eligible: bool = False
    unit_weight: UnitWeight | None = None  # what the scale expects per unit


@dataclass(slots=True, kw_only=True)
class CartState:
    cart_id: str
    device_id: str = ""
    currency: str = ""
    status: CartStatus = CartStatus.SHOPPING
    lines: dict[str, CartLine] = field(default_factory=dict)
    version: int = 0  # how many events the state has folded
    lines_created: int = 0
    receipt_id: str | None = None
    member_id: str | None = None
    coupons: tuple[str, ...] = ()  # presented, in order; each once
    scale: StepDetector = field(default_factory=StepDetector)
    changes: list[ListChange] = field(default_factory=list)  # with the cart's clock
    unclocked_units: int = 0  # scanned without the cart's clock: the scale can't check them
    own_items: int = 0
    own_items_at: list[int | None] = field(default_factory=list)  # declared when (cart clock)
    clock_ms: int | None = None  # the latest moment of the cart's own clock it has told us
    review_id: str | None = None
    review_outcome: str | None = None  # None while a requested review is open
    shopping_list: tuple[ListEntry, ...] = ()
    list_source: str = ""

    def copy(self) -> CartState:
        """An independent copy: what either folds later leaves the other as it is. Lines,
        changes and list entries are immutable values, so their containers are copied, not
        them (far cheaper than a deep copy of a trip's thousands of readings and steps)."""
        return replace(
            self,
            lines=dict(self.lines),
            scale=self.scale.copy(),
            changes=list(self.changes),
            own_items_at=list(self.own_items_at),
        )

    @classmethod
    def replay(cls, cart_id: str, events: Iterable[CartEvent]) -> CartState:
        state = cls(cart_id=cart_id)
        for event in events:
            state.apply(event)
        return state

    # -- projection -------------------------------------------------------------------------

    def apply(self, event: CartEvent) -> None:
        self.version += 1
        match event:
            case CartOpened():
                self.device_id = event.device_id
                self.currency = event.currency
            case ItemScanned():
                self._scanned(event)
                existing = self.lines.get(event.line_id)
                serials = (event.serial,) if event.serial else ()
                if existing is not None:
                    self.lines[event.line_id] = replace(
                        existing,
                        quantity=existing.quantity + event.quantity,
                        serials=existing.serials + serials,
                        warnings=existing.warnings + event.warnings,
                    )
                else:
                    self.lines_created += 1
                    self.lines[event.line_id] = CartLine(
                        line_id=event.line_id,
                        gtin=event.gtin,
                        name=event.name,
                        brand=event.brand,
                        unit_price=Money(minor=event.unit_price_minor, currency=self.currency),
                        tax_rate=event.tax_rate,
                        sold_by=event.sold_by,
                        quantity=event.quantity,
                        weight_g=event.weight_g,
                        age_restricted=event.age_restricted,
                        label_price=(
                            Money(minor=event.label_price_minor, currency=self.currency)
                            if event.label_price_minor is not None
                            else None
                        ),
                        serials=serials,
                        warnings=event.warnings,
                        category=event.category,
                        department=event.department,
                        deposit=(
                            Money(minor=event.deposit_minor, currency=self.currency)
                            if event.deposit_minor is not None
                            else None
                        ),
                        snap_eligible=event.snap_eligible,
                        unit_weight=_unit_weight(event),
                    )
            case LineRemoved():
                line = self.lines.pop(event.line_id)
                self._changed(event.t_ms, line, -line.quantity)
            case QuantityChanged():
                line = self.lines[event.line_id]
                self._changed(event.t_ms, line, event.quantity - line.quantity)
                self.lines[event.line_id] = replace(line, quantity=event.quantity)
            case WeightMeasured():
                self.scale.feed_mg((t, mg, _AsGrams(mg)) for t, mg in event.samples)
                last = self.scale.last_t_ms if self.scale.last_t_ms is not None else 0
                self.scale.problems.extend(
                    SignalProblem(t_ms=last, kind="absurd", detail=d) for d in event.set_aside
                )
                self._tick(self.scale.last_t_ms)
            case OwnItemDeclared():
                self.own_items += 1
                self.own_items_at.append(event.t_ms)
                self._tick(event.t_ms)
            case ReviewRequested():
                self.review_id = event.review_id
                self.review_outcome = None
            case ReviewResolved():
                self.review_outcome = event.outcome
            case MemberIdentified():
                self.member_id = event.member_id
            case CouponPresented():
                self.coupons += (event.code,)
            case ShoppingListWritten():
                self.shopping_list = event.entries
                self.list_source = event.source
            case ListEntryChosen():
                self.shopping_list = tuple(
                    entry.choose(event.gtin) if entry.entry_id == event.entry_id else entry
                    for entry in self.shopping_list
                )
            case CartCheckedOut():
                self.status = CartStatus.CHECKED_OUT
                self.receipt_id = event.receipt_id

    # -- decisions --------------------------------------------------------------------------

    def scan(
        self,
        product: Product,
        *,
        tax_rate: Decimal,
        code: str,
        weight_g: int | None,
        label: Label | None = None,
        snap_eligible: bool = False,
        t_ms: int | None = None,
        unit_weight: UnitWeight | None = None,
    ) -> ItemScanned:
        """Add an item. ``weight_g`` is the cart scale's; a ``label`` printed on the item (a
        weight, a price, a count) wins over the catalog and the scale for that item.
        ``tax_rate`` and ``snap_eligible`` come from the product's tax class."""
        self._require_open()
        label = label or Label()
        if product.price is None:
            raise NotPriced(f"{product.name} has no price yet — ask an associate")
        price = product.price
        if label.serial and any(label.serial in line.serials for line in self.lines.values()):
            raise DuplicateItem(
                f"This {product.name} (serial {label.serial}) is already in your cart"
            )
        quantity = label.count or 1
        line_id: str | None = None
        if label.price is not None:
            weight_g = None  # the label's price is the whole price of this one item
        elif product.sold_by is SoldBy.WEIGHT:
            weight_g = label.weight_g if label.weight_g else weight_g
            if weight_g is None:
                raise WeightRequired(
                    f"Put the {product.name.lower()} on the cart's scale to weigh them, "
                    f"then scan {code.strip()} again"
                )
            if not 1 <= weight_g <= MAX_WEIGHT_G:
                raise InvalidQuantity(
                    f"A weight of {weight_g} g is not possible here: "
                    f"expected 1 g to {MAX_WEIGHT_G} g"
                )
        else:
            weight_g = None
            for line in self.lines.values():
                if line.gtin == product.gtin and line.unit_price == price and not line.label_price:
                    if line.quantity + quantity > MAX_QUANTITY:
                        raise InvalidQuantity(
                            f"You already have {line.quantity} of {product.name}: "
                            f"at most {MAX_QUANTITY} per line"
                        )
                    line_id = line.line_id
                    break
        if quantity > MAX_QUANTITY:
            raise InvalidQuantity(f"A label for {quantity} items: at most {MAX_QUANTITY} per line")
        return ItemScanned(
            line_id=line_id or f"l{self.lines_created + 1}",
            code=code,
            gtin=product.gtin,
            name=product.name,
            brand=product.brand,
            unit_price_minor=price.minor,
            tax_rate=tax_rate,
            sold_by=product.sold_by,
            weight_g=weight_g,
            age_restricted=product.age_restricted,
            quantity=quantity,
            label_price_minor=label.price.minor if label.price is not None else None,
            serial=label.serial,
            warnings=label.warnings,
            category=product.category,
            department=product.department,
            deposit_minor=product.deposit.minor if product.deposit else None,
            snap_eligible=snap_eligible,
            t_ms=t_ms,
            unit_weight_mg=unit_weight.mean_mg if unit_weight else None,
            unit_weight_spread_mg=unit_weight.spread_mg if unit_weight else None,
            unit_weight_observations=unit_weight.observations if unit_weight else 0,
        )

    def remove(self, line_id: str, *, t_ms: int | None = None) -> LineRemoved:
        self._require_open()
        self._line(line_id)
        return LineRemoved(line_id=line_id, t_ms=t_ms)

    def measure(self, samples: Collection[tuple[object, object]]) -> WeightMeasured:
        """Readings of the cart's scale as ``(t_ms, grams)``. What is not a number is set aside
        and recorded as such (the verification says so); nothing is guessed."""
        self._require_open()
        if not 1 <= len(samples) <= MAX_READINGS:
            raise BadReadings(f"{len(samples)} readings in one event: expected 1 to {MAX_READINGS}")
        kept: list[tuple[int, int]] = []
        set_aside: list[str] = []
        for t_ms, grams in samples:
            mg = to_mg(grams)
            if type(t_ms) is not int or not -MOST_T_MS < t_ms < MOST_T_MS or mg is None:
                set_aside.append(f"reading {_quoted(grams)} g at {_quoted(t_ms)} ms")
            else:
                kept.append((t_ms, mg))
        return WeightMeasured(samples=tuple(kept), set_aside=tuple(set_aside))

    def declare_own_item(self, *, t_ms: int | None = None) -> OwnItemDeclared:
        self._require_open()
        if self.own_items >= MAX_OWN_ITEMS:
            raise OwnItemAlreadyDeclared(
                "You have already declared an item of your own: ask an associate for another"
            )
        return OwnItemDeclared(t_ms=t_ms)

    def set_quantity(
        self, line_id: str, quantity: int, *, t_ms: int | None = None
    ) -> QuantityChanged:
        self._require_open()
        line = self._line(line_id)
        if line.sold_by is SoldBy.WEIGHT or line.label_price is not None:
            raise InvalidQuantity(
                f"{line.name} is priced by its weight or its label: "
                "remove the line and scan each item"
            )
        if not 1 <= quantity <= MAX_QUANTITY:
            hint = " (to take it out, remove the line)" if quantity == 0 else ""
            raise InvalidQuantity(
                f"Quantity {quantity} is not possible: expected 1 to {MAX_QUANTITY}{hint}"
            )
        return QuantityChanged(line_id=line_id, quantity=quantity, t_ms=t_ms)

    def identify_member(self, member_id: str) -> MemberIdentified:
        """The member is looked up by the service (an unknown code never gets here)."""
        self._require_open()
        if member_id == self.member_id:
            raise MemberAlreadyIdentified(f"Loyalty card {member_id} is already on this cart")
        return MemberIdentified(member_id=member_id)

    def present_coupon(
        self, code: str, *, asked_for: Collection[str], used: bool
    ) -> CouponPresented:
        """Take a coupon. ``asked_for``: the coupon codes live promotions ask for now;
        ``used``: the coupon was redeemed at an earlier checkout. One use per coupon."""
        self._require_open()
        if code in self.coupons:
            raise CouponAlreadyPresented(f"Coupon {code} is already in your cart")
        if code not in asked_for:
            raise CouponNotAccepted(f"This coupon isn't valid today ({code})")
        if used:
            raise CouponAlreadyUsed(f"This coupon has already been used ({code})")
        return CouponPresented(code=code)

    def write_list(
        self, entries: tuple[ListEntry, ...], *, source: str = "typed"
    ) -> ShoppingListWritten:
        """Entries already matched to products (by the service, which searches the catalog)."""
        self._require_open()
        return ShoppingListWritten(entries=entries, source=source)

    def choose_list_entry(self, entry_id: str, gtin: str) -> ListEntryChosen:
        self._require_open()
        entry = next((e for e in self.shopping_list if e.entry_id == entry_id), None)
        if entry is None:
            raise UnknownListEntry(f"There is no list entry {entry_id!r} on this cart")
        entry.choose(gtin)  # refuses a product that is not one of its matches
        return ListEntryChosen(entry_id=entry_id, gtin=gtin)

    def check_out(
        self, *, receipt_id: str, total: Money, payment_provider: str, payment_reference: str
    ) -> CartCheckedOut:
        self._require_open()
        return CartCheckedOut(
            receipt_id=receipt_id,
            total_minor=total.minor,
            payment_provider=payment_provider,
            payment_reference=payment_reference,
        )

    # -- views ------------------------------------------------------------------------------

    def lines_to_price(self) -> list[LineToPrice]:
        return [
            LineToPrice(
                line_id=line.line_id,
                gtin=line.gtin,
                quantity=line.quantity,
                unit_price=line.unit_price,
                tax_rate=line.tax_rate,
                sold_by=line.sold_by,
                weight_g=line.weight_g,
                label_price=line.label_price,
                name=line.name,
                category=line.category,
                brand=line.brand,
                department=line.department,
                deposit=line.deposit,
                snap_eligible=line.snap_eligible,
            )
            for line in self.lines.values()
        ]

    def verification(self, *, at_checkout: bool = False) -> Verification:
        """What the scale felt against the list, as of the cart's latest clock."""
        found = verify(
            self.changes,
            self.scale.steps,
            now_ms=self.clock_ms if self.clock_ms is not None else 0,
            last_reading_ms=self.scale.last_t_ms,
            problems=self.scale.problems,
            own_items=self.own_items_at,
            at_checkout=at_checkout,
        )
        if self.unclocked_units:
            found = replace(found, unweighed_units=found.unweighed_units + self.unclocked_units)
        return found

    def settled_produce_g(
        self, t_ms: int, *, tare_mg: int = 0, within_ms: int = 60_000
    ) -> int | None:
        """What produce scanned at ``t_ms`` weighs by the cart's own scale: the latest settled
        step in before the scan (within ``within_ms``) that no weighed line has taken yet, less
        the store's produce-bag tare; None when there is none (the shopper is asked to weigh)."""
        taken = {c.weighed_mg for c in self.changes if c.weighed_mg is not None}
        for step in reversed(self.scale.steps):
            if step.t_ms > t_ms + 2_000:
                continue  # settled after the scan reached us (clocks a little apart)
            if t_ms - step.t_ms > within_ms:
                return None
            grams = (step.delta_mg - tare_mg + 500) // 1000
            if step.delta_mg > 0 and grams > 0 and grams * 1000 not in taken:
                return grams
        return None

    def list_progress(self) -> list[EntryProgress]:
        """The list's entries, each with the units in the cart that tick it off."""
        in_cart: dict[str, int] = {}
        for line in self.lines.values():
            in_cart[line.gtin] = in_cart.get(line.gtin, 0) + line.quantity
        return progress(self.shopping_list, in_cart)

    @property
    def has_scale(self) -> bool:
        return self.scale.last_t_ms is not None or bool(self.scale.problems)

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines.values())

    @property
    def age_check_required(self) -> bool:
        return any(line.age_restricted for line in self.lines.values())

    def _tick(self, t_ms: int | None) -> None:
        if t_ms is not None and (self.clock_ms is None or t_ms > self.clock_ms):
            self.clock_ms = t_ms

    def _scanned(self, event: ItemScanned) -> None:
        if event.t_ms is None:
            self.unclocked_units += event.quantity
            return
        weighed = event.sold_by is SoldBy.WEIGHT and event.label_price_minor is None
        self.changes.append(
            ListChange(
                t_ms=event.t_ms,
                line_id=event.line_id,
                name=event.name,
                units=event.quantity,
                unit_weight=_unit_weight(event),
                weighed_mg=event.weight_g * 1000 if weighed and event.weight_g else None,
            )
        )
        self._tick(event.t_ms)

    def _changed(self, t_ms: int | None, line: CartLine, units: int) -> None:
        if t_ms is None or units == 0:
            if units > 0:
                self.unclocked_units += units
            return
        weighed = line.sold_by is SoldBy.WEIGHT and line.label_price is None
        self.changes.append(
            ListChange(
                t_ms=t_ms,
                line_id=line.line_id,
                name=line.name,
                units=units,
                unit_weight=line.unit_weight,
                weighed_mg=line.weight_g * 1000 if weighed and line.weight_g else None,
            )
        )
        self._tick(t_ms)

    def _require_open(self) -> None:
        if self.status is not CartStatus.SHOPPING:
            raise CartClosed("This cart has been checked out: start a new trip to keep shopping")

    def _line(self, line_id: str) -> CartLine:
        try:
            return self.lines[line_id]
        except KeyError:
            raise UnknownLine(f"There is no line {line_id!r} in this cart") from None


def _unit_weight(event: ItemScanned) -> UnitWeight | None:
    if event.unit_weight_mg is None or event.unit_weight_spread_mg is None:
        return None
    return UnitWeight(
        mean_mg=event.unit_weight_mg,
        spread_mg=event.unit_weight_spread_mg,
        observations=event.unit_weight_observations,
    )


MOST_T_MS = 2**53
"""A cart's clock in milliseconds: 285,000 years either way, and exact as a JSON number."""


def _quoted(value: object) -> str:
    """What a device sent, quoted for a person to read, at most 40 characters.

    >>> _quoted("x"), _quoted(10**5000)[:12], _quoted("9" * 50)
    ("'x'", '<an integer ', "'99999999999999999999999999999999999999…")
    """
    try:
        text = repr(value)
    except ValueError:  # an integer too long to write out
        return f"<an integer of more than {sys.get_int_max_str_digits()} digits>"
    return text if len(text) <= 40 else text[:39] + "\u2026"


class _AsGrams:
    """A reading in milligrams, written in grams only if it is ever quoted (set aside as
    absurd): not a string made for every reading. Readings are below a million tonnes
    (``to_mg``), so the 28 digits of Decimal's arithmetic write any of them exactly.

    >>> repr(_AsGrams(412_346)), repr(_AsGrams(200_000_000)), repr(_AsGrams(-1))
    ("'412.346'", "'200000'", "'-0.001'")
    """

    __slots__ = ("mg",)

    def __init__(self, mg: int) -> None:
        self.mg = mg

    def __repr__(self) -> str:
        return repr(format(Decimal(self.mg).scaleb(-3).normalize(), "f"))
