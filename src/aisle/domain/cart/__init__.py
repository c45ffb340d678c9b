"""The cart: an append-only stream of events, and the state projected from it.

Commands say what a cart asks for (``ScanItem``); the aggregate decides and answers with one event
in the past tense (``ItemScanned``) or refuses with a :class:`~aisle.domain.errors.DomainError`.
State is never stored on its own: it is ``CartState.replay(events)``, at any time.
"""

from aisle.domain.cart.commands import (
    CheckOut,
    ChooseListEntry,
    DeclareOwnItem,
    IdentifyMember,
    PresentCoupon,
    RemoveLine,
    ReportWeight,
    ScanItem,
    SetQuantity,
    ShoppingCommand,
    WriteShoppingList,
)
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
    event_from_payload,
    event_to_payload,
)
from aisle.domain.cart.state import MAX_QUANTITY, CartLine, CartState, CartStatus, Label

__all__ = [
    "MAX_QUANTITY",
    "CartCheckedOut",
    "CartEvent",
    "CartLine",
    "CartOpened",
    "CartState",
    "CartStatus",
    "CheckOut",
    "ChooseListEntry",
    "CouponPresented",
    "DeclareOwnItem",
    "IdentifyMember",
    "ItemScanned",
    "Label",
    "LineRemoved",
    "ListEntryChosen",
    "MemberIdentified",
    "OwnItemDeclared",
    "PresentCoupon",
    "QuantityChanged",
    "RemoveLine",
    "ReportWeight",
    "ReviewRequested",
    "ReviewResolved",
    "ScanItem",
    "SetQuantity",
    "ShoppingCommand",
    "ShoppingListWritten",
    "WeightMeasured",
    "WriteShoppingList",
    "event_from_payload",
    "event_to_payload",
]
