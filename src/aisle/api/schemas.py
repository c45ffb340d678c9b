"""The HTTP contract's request and response bodies. Money is a decimal string ("12.34")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

EventId = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:-]+$")]
MoneyText = Annotated[str, Field(examples=["12.34"], pattern=r"^-?[0-9]+(\.[0-9]+)?$")]


class _Strict(BaseModel):
    """Unknown fields are refused: a client cannot slip in a price or anything else."""

    model_config = ConfigDict(extra="forbid")


class ScanEvent(_Strict):
    event_id: EventId
    type: Literal["scan"]
    code: Annotated[str, Field(min_length=1, max_length=200, description="Raw scanner text")]
    weight_g: StrictInt | None = Field(
        default=None, description="From the cart's scale, for produce sold by weight"
    )
    t_ms: StrictInt | None = Field(default=None, description="The cart's monotonic clock")


class RemoveEvent(_Strict):
    event_id: EventId
    type: Literal["remove"]
    line_id: Annotated[str, Field(min_length=1, max_length=40)]
    t_ms: StrictInt | None = None


class SetQuantityEvent(_Strict):
    event_id: EventId
    type: Literal["set_quantity"]
    line_id: Annotated[str, Field(min_length=1, max_length=40)]
    quantity: StrictInt
    t_ms: StrictInt | None = None


class IdentifyMemberEvent(_Strict):
    event_id: EventId
    type: Literal["identify_member"]
    loyalty_code: Annotated[
        str, Field(min_length=1, max_length=100, description="The code on the loyalty card")
    ]
    t_ms: StrictInt | None = None


class PresentCouponEvent(_Strict):
    event_id: EventId
    type: Literal["present_coupon"]
    code: Annotated[str, Field(min_length=1, max_length=200, description="A coupon code, as typed")]
    t_ms: StrictInt | None = None


class WeightEvent(_Strict):
    """Readings of the cart's scale. Each is ``[t_ms, grams]``; grams may be fractional. A
    reading that is not a number, or goes back in time, is set aside and reported in the
    cart's ``verification``, never guessed at."""

    event_id: EventId
    type: Literal["weight"]
    samples: Annotated[
        list[Annotated[list[Any], Field(min_length=2, max_length=2)]],
        Field(min_length=1, max_length=4000, description="[[t_ms, grams], ...]"),
    ]


class DeclareOwnItemEvent(_Strict):
    """The shopper put something of their own in the cart (a handbag), once per trip."""

    event_id: EventId
    type: Literal["declare_own_item"]
    t_ms: StrictInt | None = None


class ShoppingListEvent(_Strict):
    """The shopper's list, typed or pasted: entries split by commas or lines, an optional
    count in front ("2 milk, eggs, bananas"). It replaces any earlier list."""

    event_id: EventId
    type: Literal["shopping_list"]
    text: Annotated[str, Field(min_length=1, max_length=4000)]


class ChooseListEntryEvent(_Strict):
    """Of a list entry's several matches, the one the shopper means."""

    event_id: EventId
    type: Literal["choose_list_entry"]
    entry_id: Annotated[str, Field(min_length=1, max_length=10)]
    gtin: Annotated[str, Field(min_length=1, max_length=14)]


CartEventIn = Annotated[
    ScanEvent
    | RemoveEvent
    | SetQuantityEvent
    | IdentifyMemberEvent
    | PresentCouponEvent
    | WeightEvent
    | DeclareOwnItemEvent
    | ShoppingListEvent
    | ChooseListEntryEvent,
    Field(discriminator="type"),
]


class PaymentIn(_Strict):
    provider: Annotated[str, Field(min_length=1, max_length=40)] = "demo"


class CheckoutIn(_Strict):
    event_id: EventId | None = None
    payment: PaymentIn = PaymentIn()


class CartCreated(BaseModel):
    cart_id: str
    token: str


class AdjustmentOut(BaseModel):
    promotion_id: str
    description: str
    amount: MoneyText


class CartLineOut(BaseModel):
    line_id: str
    gtin: str
    name: str
    brand: str
    quantity: int
    sold_by: Literal["each", "weight"]
    weight_g: int | None
    unit_price: MoneyText
    line_total: MoneyText = Field(description="Quantity x unit price, before promotions")
    discount: MoneyText
    net: MoneyText = Field(description="What the line costs after promotions")
    adjustments: list[AdjustmentOut]
    age_restricted: bool
    label_price: MoneyText | None = Field(
        default=None, description="A price printed on the item's own label, which wins"
    )
    warnings: list[str] = Field(
        default_factory=list, description="For the shopper and staff, such as a passed use-by date"
    )


class DepositOut(BaseModel):
    line_id: str
    name: str
    quantity: int
    unit_amount: MoneyText
    amount: MoneyText


class HintOut(BaseModel):
    promotion_id: str
    message: str = Field(examples=["Add 1 more yogurt: 3 for €5"])
    saving: MoneyText = Field(description="What it would save; 0 where it can't be told")


class TaxOut(BaseModel):
    rate: str = Field(examples=["25", "8.875"], description="Percent")
    base: MoneyText = Field(description="What the rate applied to")
    net: MoneyText
    tax: MoneyText
    gross: MoneyText


class FindingOut(BaseModel):
    kind: str = Field(description="unscanned_item, not_placed, extra_units, weight_mismatch, ...")
    severity: Literal["attention", "review"]
    t_ms: int = Field(description="The cart's clock")
    message: str = Field(description="For the shopper")
    detail: str = Field(description="For staff: what was expected and what was measured")
    line_id: str | None = None
    delta_mg: int | None = None


class VerificationOut(BaseModel):
    status: Literal["clear", "attention", "review"]
    findings: list[FindingOut] = Field(default_factory=list)
    unweighed_units: int = Field(description="Too light or of unknown weight: checked by risk")
    scale: Literal["reporting", "absent"]
    held_for_review: bool = Field(description="Checkout waits for an associate")


class ListMatchOut(BaseModel):
    gtin: str
    name: str
    where: str | None = Field(description="Aisle, bay and shelf in words; null: not on the map")


class ListEntryOut(BaseModel):
    entry_id: str
    text: str = Field(description="As the shopper wrote it, without the count")
    quantity: int
    got: int = Field(description="Units in the cart that count towards it")
    status: Literal["open", "done", "unmatched"]
    needs_choice: bool = Field(description="Several products match and none is chosen yet")
    chosen: str | None = Field(description="The GTIN the shopper chose")
    matches: list[ListMatchOut] = Field(description="Best first; the first is used until chosen")
    where: str | None = Field(description="Where the chosen or best match is")


class CartStateOut(BaseModel):
    cart_id: str
    status: Literal["shopping", "checked_out"]
    currency: str
    version: int
    lines: list[CartLineOut]
    item_count: int
    subtotal: MoneyText
    discount_total: MoneyText = Field(description="What promotions save the shopper")
    deposits: list[DepositOut] = Field(default_factory=list)
    deposit_total: MoneyText
    tax_total: MoneyText
    taxes: list[TaxOut] = Field(default_factory=list, description="Per rate")
    total: MoneyText = Field(description="What the shopper pays, deposits and any sales tax in")
    snap_eligible_total: MoneyText = Field(description="US: what SNAP/EBT benefits may pay")
    hints: list[HintOut] = Field(
        default_factory=list, description="What one more purchase would save"
    )
    member_id: str | None = Field(default=None, description="The loyalty member shopping")
    coupons: list[str] = Field(default_factory=list, description="Coupons presented")
    tax_mode: Literal["inclusive", "exclusive"]
    age_check_required: bool
    alerts: list[str] = Field(default_factory=list, description="Every line's warnings")
    receipt_id: str | None
    receipt_url: str | None
    updated_at: datetime
    verification: VerificationOut
    shopping_list: list[ListEntryOut] = Field(
        default_factory=list, description="The shopper's list, ticked off as items are scanned"
    )
    list_source: Literal["", "typed", "loyalty"] = ""


class CheckoutOut(BaseModel):
    receipt_id: str
    receipt_url: str


class ProductOut(BaseModel):
    gtin: str
    name: str
    brand: str
    department: str
    category: str
    price: MoneyText | None = Field(description="null: not priced yet")
    sold_by: Literal["each", "weight"]
    plu: str | None
    net_content: str | None
    age_restricted: bool
    aisle: str
    shelf: str
    where: str | None = Field(
        default=None, description="Aisle, bay and shelf in words, from the store map"
    )


class StaffLoginIn(_Strict):
    username: Annotated[str, Field(min_length=1, max_length=100)]
    password: Annotated[str, Field(min_length=1, max_length=200)]


class StaffSessionOut(BaseModel):
    token: str
    username: str
    role: str
    expires_at: datetime


class CartSummaryOut(BaseModel):
    cart_id: str
    device_name: str
    status: str
    opened_at: datetime
    updated_at: datetime
    item_count: int
    total: MoneyText
    currency: str
    alert_count: int


class CartListOut(BaseModel):
    carts: list[CartSummaryOut]


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody


class ReviewSummaryOut(BaseModel):
    review_id: str
    cart_id: str
    kind: Literal["review", "audit"]
    status: Literal["open", "resolved"]
    risk_ppm: int
    threshold_ppm: int
    member_id: str | None
    device_id: str
    findings: list[FindingOut]
    created_at: datetime
    outcome: str | None = None
    staff_id: str | None = None
    note: str = ""
    resolved_at: datetime | None = None


class ReviewListOut(BaseModel):
    reviews: list[ReviewSummaryOut]


class ReviewScanOut(BaseModel):
    line_id: str
    name: str
    quantity: int
    t_ms: int | None
    expected: str | None = Field(description="One unit's expected weight, as staff read it")


class ReviewStepOut(BaseModel):
    t_ms: int
    delta_mg: int


class ReviewDetailOut(ReviewSummaryOut):
    lines: list[ReviewScanOut]
    events: list[ReviewScanOut] = Field(description="Every scan, removal and change, in order")
    steps: list[ReviewStepOut] = Field(description="What the scale settled into")
    trace: list[tuple[int, int]] = Field(description="The scale's readings, [t_ms, mg]")


class ResolveReviewIn(_Strict):
    outcome: Literal["all_fine", "item_added", "item_removed", "audit"]
    note: Annotated[str, Field(max_length=500)] = ""


class PlaceOut(BaseModel):
    """A spot on the store map: the layout's centimetres, x along the front, y into the store."""

    x: int
    y: int


class LocationOut(BaseModel):
    where: str = Field(description="Aisle, bay and shelf in words")
    aisle: str
    bay: int
    shelf: str
    place: PlaceOut


class ProductLocationOut(BaseModel):
    gtin: str
    name: str
    location: LocationOut | None = Field(description="null: the map can't place it")
    problem: str | None = Field(default=None, description="Why it is not on the map")


class RouteStopOut(BaseModel):
    number: int
    entry_id: str
    text: str = Field(description="The list entry, as written")
    name: str = Field(description="The product it leads to")
    gtin: str
    location: LocationOut


class RouteAisleOut(BaseModel):
    aisle: str
    items: list[str]


class RouteOut(BaseModel):
    start: str = Field(description="Where the cart is: near the last item scanned, or the entrance")
    start_place: PlaceOut
    stops: list[RouteStopOut] = Field(description="In walking order")
    aisles: list[RouteAisleOut] = Field(description="The same stops, aisle by aisle")
    length_m: str = Field(description="Walking distance to the exit, metres")
    optimal: bool = Field(description="Proven shortest; otherwise the optimiser's best")
    not_on_map: list[str] = Field(default_factory=list)
    path: list[list[PlaceOut]] = Field(description="The walk, leg by leg, to draw")


class LayoutAisleOut(BaseModel):
    name: str
    label: str
    bays: int


class LayoutOut(BaseModel):
    layout_id: int
    name: str
    width_cm: int
    depth_cm: int
    aisles: list[LayoutAisleOut]


class UnplacedOut(BaseModel):
    gtin: str
    name: str
    aisle: str
    shelf: str
    problem: str


class UnplacedListOut(BaseModel):
    count: int
    products: list[UnplacedOut] = Field(description="The first 500")
