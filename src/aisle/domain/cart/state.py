"""The cart aggregate: its state is a fold over its events; its decisions return new events.

Decisions check every rule before answering, so a refused command leaves no trace. Scanning a
product that is already on a line adds one to that line; produce sold by weight always gets a line
of its own, priced by the weight the cart's scale measured.

A cart belongs to at most one loyalty member (identifying another replaces the first) and holds
the coupons presented on it, each once. What a coupon is worth is pricing's business; whether a
promotion asks for it and whether it was used before is looked up by the service and handed in.
"""

from __future__ import annotations

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
    MemberIdentified,
    QuantityChanged,
)
from aisle.domain.catalog import Product, SoldBy
from aisle.domain.errors import (
    CartClosed,
    CouponAlreadyPresented,
    CouponAlreadyUsed,
    CouponNotAccepted,
    DuplicateItem,
    InvalidQuantity,
    MemberAlreadyIdentified,
    NotPriced,
    UnknownLine,
    WeightRequired,
)
from aisle.domain.money import Money
from aisle.domain.pricing import LineToPrice

MAX_QUANTITY = 99
MAX_WEIGHT_G = 30_000  # a cart's scale weighs one item of produce, not a sack of potatoes


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
                    )
            case LineRemoved():
                del self.lines[event.line_id]
            case QuantityChanged():
                self.lines[event.line_id] = replace(
                    self.lines[event.line_id], quantity=event.quantity
                )
            case MemberIdentified():
                self.member_id = event.member_id
            case CouponPresented():
                self.coupons += (event.code,)
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
        )

    def remove(self, line_id: str) -> LineRemoved:
        self._require_open()
        self._line(line_id)
        return LineRemoved(line_id=line_id)

    def set_quantity(self, line_id: str, quantity: int) -> QuantityChanged:
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
        return QuantityChanged(line_id=line_id, quantity=quantity)

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

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines.values())

    @property
    def age_check_required(self) -> bool:
        return any(line.age_restricted for line in self.lines.values())

    def _require_open(self) -> None:
        if self.status is not CartStatus.SHOPPING:
            raise CartClosed("This cart has been checked out: start a new trip to keep shopping")

    def _line(self, line_id: str) -> CartLine:
        try:
            return self.lines[line_id]
        except KeyError:
            raise UnknownLine(f"There is no line {line_id!r} in this cart") from None
