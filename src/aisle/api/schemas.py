"""The HTTP contract's request and response bodies. Money is a decimal string ("12.34")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

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


CartEventIn = Annotated[
    ScanEvent | RemoveEvent | SetQuantityEvent | IdentifyMemberEvent | PresentCouponEvent,
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
