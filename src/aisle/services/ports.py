"""What the services need from the outside world, as protocols the adapters implement."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol

from aisle.domain.barcodes import RecalledLot
from aisle.domain.cart import CartEvent
from aisle.domain.catalog import NetContent, PriceChange, Product, TaxClass
from aisle.domain.money import Money
from aisle.domain.pricing import CatalogFacts, Offer, PriceReduction
from aisle.domain.verify import UnitWeight

Clock = Callable[[], datetime]


class DuplicateEvent(Exception):
    """The cart's stream already holds this event id."""


class ConcurrentAppend(Exception):
    """Another writer appended to the same cart first; reload and decide again."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredEvent:
    version: int
    event_id: str
    event: CartEvent
    recorded_at: datetime


class EventStore(Protocol):
    def load(
        self, cart_id: str, up_to_version: int | None = None, *, after_version: int = 0
    ) -> list[StoredEvent]:
        """The cart's events in order: those after ``after_version``, up to ``up_to_version``."""
        ...

    def version_of(self, cart_id: str, event_id: str) -> int | None: ...

    def refusal_of(self, cart_id: str, event_id: str) -> tuple[str, str] | None:
        """The (code, message) an event id was refused with, if it was."""
        ...

    def refuse(
        self, cart_id: str, *, event_id: str, code: str, message: str, recorded_at: datetime
    ) -> None: ...

    def append(
        self, cart_id: str, *, version: int, event_id: str, event: CartEvent, recorded_at: datetime
    ) -> None: ...

    def versions_of(self, pairs: Collection[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """Where each stored (cart, event id) pair is; pairs not stored are left out."""
        ...

    def refusals_of(
        self, pairs: Collection[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[str, str]]: ...

    def latest_versions(self, cart_ids: Collection[str]) -> dict[str, int]: ...

    def append_many(self, events: Sequence[tuple[str, int, str, CartEvent]], at: datetime) -> None:
        """(cart, version, event id, event) rows, all recorded at ``at``, in one statement."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class CartSummary:
    cart_id: str
    device_id: str
    device_name: str
    status: str
    opened_at: datetime
    updated_at: datetime
    item_count: int
    total: Money
    alert_count: int = 0


class CartSummaries(Protocol):
    """A projection of every cart's stream, for the staff page. Rebuildable from the streams."""

    def lock(self, cart_id: str) -> None: ...

    def lock_many(self, cart_ids: Collection[str]) -> set[str]:
        """Lock the carts no other transaction holds; return those locked."""
        ...

    def touch_many(self, cart_ids: Collection[str], at: datetime) -> None: ...

    def exists(self, cart_id: str) -> bool: ...

    def upsert(self, summary: CartSummary) -> None: ...

    def list(self, *, status: str | None = None, limit: int = 200) -> list[CartSummary]: ...


class Catalog(Protocol):
    """Products as they are at a moment: their price is the one effective then."""

    def by_gtin(self, gtin14: str, at: datetime) -> Product | None: ...

    def by_plu(self, plu: str, at: datetime) -> Product | None: ...

    def search(self, query: str, at: datetime, *, limit: int = 20) -> list[Product]: ...

    def prices_at(
        self, gtins: Collection[str], at: datetime, *, only_store: str | None = None
    ) -> dict[str, Money]: ...

    def price_history(self, gtin14: str) -> list[PriceChange]: ...

    def tax_class(self, code: str) -> TaxClass:
        """The class with this code; LookupError when the store has none."""
        ...

    def tax_classes(self) -> list[TaxClass]: ...

    def price_reductions(
        self, gtins: Collection[str], at: datetime
    ) -> Sequence[PriceReduction]: ...

    def new_reduction_ids(self, ids: Collection[str]) -> set[str]: ...

    def recalled_lots(self, gtin14: str) -> list[RecalledLot]: ...

    def add_recall(self, lot: RecalledLot, reason: str, recorded_at: datetime) -> None: ...

    def count(self) -> int: ...

    def places(self) -> list[ProductPlace]: ...

    def existing(self, gtins: Collection[str]) -> dict[str, dict[str, Any]]: ...

    def owners_of(self, gtins: Collection[str]) -> dict[str, str]: ...

    def add_tax_classes(self, classes: Sequence[TaxClass]) -> None: ...

    def add_products(
        self, products: Sequence[Product], added_at: datetime, source: str
    ) -> None: ...

    def update_products(
        self, products: Sequence[Product], updated_at: datetime, source: str
    ) -> None: ...

    def add_codes(self, pairs: Sequence[tuple[str, str]]) -> None: ...

    def add_prices(self, changes: Sequence[PriceChange], recorded_at: datetime) -> None: ...

    def add_price_reductions(self, reductions: Sequence[PriceReduction]) -> None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Device:
    device_id: str
    name: str


class Devices(Protocol):
    def add(self, device: Device, token_hash: str, created_at: datetime) -> None: ...

    def by_token_hash(self, token_hash: str) -> Device | None: ...

    def by_name(self, name: str) -> Device | None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class StaffMember:
    staff_id: str
    username: str
    role: str


class StaffAccounts(Protocol):
    def add(self, member: StaffMember, password_hash: str, created_at: datetime) -> None: ...

    def by_username(self, username: str) -> tuple[StaffMember, str] | None: ...

    def by_id(self, staff_id: str) -> StaffMember | None: ...

    def set_password_hash(self, staff_id: str, password_hash: str) -> None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    """A loyalty member: the id is the code on their card; digital coupons are loaded to it."""

    member_id: str
    name: str = ""
    coupons: tuple[str, ...] = ()
    shopping_list: str = ""  # as the member wrote it; it comes along when they identify


class Members(Protocol):
    def get(self, member_id: str) -> Member | None: ...

    def add(self, member: Member, added_at: datetime) -> None:
        """Add a new member with its coupons."""
        ...

    def update(self, member: Member) -> None:
        """Set an existing member's name and add the coupons it does not hold yet."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class CouponRedemption:
    code: str
    cart_id: str
    member_id: str | None
    redeemed_at: datetime


class CouponRedemptions(Protocol):
    """Each coupon is redeemed once, ever: a second redemption of a code is refused."""

    def of(self, codes: Collection[str]) -> dict[str, CouponRedemption]:
        """The redemptions of these codes, by code (codes never redeemed are left out)."""
        ...

    def add(self, redemptions: Sequence[CouponRedemption]) -> None:
        """Record redemptions; ConcurrentAppend when another checkout redeemed one first."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredPromotion:
    """A promotion rule as stored: the offer, and which file brought it when."""

    offer: Offer
    source: str
    imported_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class SavedPromotions:
    added: int
    updated: int
    unchanged: int


class Promotions(Protocol):
    """Promotion rules from promotions files, kept by id.

    Saving is an upsert: a new id is added, an id whose rule changed is updated, an identical
    rule is left as it was, so importing the same file again changes nothing. Rules are never
    deleted: ending one early is done by importing it with an earlier ``ends_at``.
    """

    def live(self, at: datetime) -> Sequence[Offer]:
        """The rules whose window holds ``at``; stores, members and coupons are price_lines'."""
        ...

    def stored(self) -> list[StoredPromotion]:
        """Every rule, the latest start first."""
        ...

    def save(
        self, offers: Sequence[Offer], *, currency: str, source: str, imported_at: datetime
    ) -> SavedPromotions: ...

    def catalog_facts(self, at: datetime) -> CatalogFacts:
        """The catalog as a promotions file is checked against: products, codes, prices."""
        ...


class Weights(Protocol):
    """Products' learned unit weights, and the observations they are learned from."""

    def learned(self, gtins: Collection[str]) -> dict[str, UnitWeight]:
        """The learned weights of these products (those never learned are left out)."""
        ...

    def learned_among(
        self, category: str, department: str, *, least_observations: int
    ) -> list[tuple[str, NetContent, UnitWeight]]:
        """``(gtin, net content, learned weight)`` of a category's products (a department's
        products in no category, when ``category`` is "") learned from at least
        ``least_observations`` weights, with a net content in g or ml."""
        ...

    def observe(
        self, observations: Sequence[tuple[str, int]], *, cart_id: str, source: str, at: datetime
    ) -> None:
        """Record ``(gtin, unit_mg)`` observations; the models are updated by the caller."""
        ...

    def latest(self, gtin: str, limit: int, *, source: str | None = None) -> list[int]:
        """The latest observations of one product, unit milligrams, newest first: confirmed
        ones ("clear" and "staff") by default, or those of one ``source`` ("mismatch")."""
        ...

    def save(self, gtin: str, weight: UnitWeight, at: datetime) -> None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Review:
    review_id: str
    cart_id: str
    kind: str  # "review" (held before checkout) or "audit" (an exit check)
    status: str  # "open" or "resolved"
    risk_ppm: int
    threshold_ppm: int
    member_id: str | None
    device_id: str
    findings: tuple[dict[str, Any], ...]
    created_at: datetime
    outcome: str | None = None
    staff_id: str | None = None
    note: str = ""
    resolved_at: datetime | None = None


class Reviews(Protocol):
    """The review queue, and every checked trip's risk (from which the threshold is set)."""

    def add(self, review: Review) -> None: ...

    def get(self, review_id: str) -> Review | None: ...

    def queue(self, *, status: str | None = None, limit: int = 200) -> list[Review]: ...

    def resolve(
        self, review_id: str, *, outcome: str, staff_id: str, note: str, at: datetime
    ) -> None: ...

    def record_risk(self, cart_id: str, risk_ppm: int, decision: str, at: datetime) -> None: ...

    def recent_risks(self, limit: int) -> list[int]:
        """The latest trips' risks, up to ``limit``."""
        ...

    def confirmed_short(self, member_id: str) -> int:
        """How many of this member's reviewed trips staff found short (an item added)."""
        ...


class Receipts(Protocol):
    def add(
        self, receipt_id: str, cart_id: str, issued_at: datetime, document: dict[str, Any]
    ) -> None: ...

    def get(self, receipt_id: str) -> dict[str, Any] | None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductPlace:
    """Where the catalog says a product is shelved."""

    gtin: str
    name: str
    aisle: str
    shelf: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredLayout:
    """A layout file as a manager loaded it: the newest one is the store's layout."""

    layout_id: int
    name: str
    document: str
    loaded_at: datetime


class Layouts(Protocol):
    def latest(self) -> StoredLayout | None: ...

    def latest_id(self) -> int | None: ...

    def add(self, *, name: str, document: str, loaded_at: datetime) -> int:
        """Keep a layout (checked by the caller); its id, newer than every earlier one."""
        ...


class UnitOfWork(Protocol):
    @property
    def events(self) -> EventStore: ...

    @property
    def carts(self) -> CartSummaries: ...

    @property
    def catalog(self) -> Catalog: ...

    @property
    def devices(self) -> Devices: ...

    @property
    def staff(self) -> StaffAccounts: ...

    @property
    def receipts(self) -> Receipts: ...

    @property
    def promotions(self) -> Promotions: ...

    @property
    def store(self) -> str:
        """The store this unit of work prices for ("" for a single store or the chain)."""
        ...

    @property
    def members(self) -> Members: ...

    @property
    def redemptions(self) -> CouponRedemptions: ...

    @property
    def weights(self) -> Weights: ...

    @property
    def reviews(self) -> Reviews: ...

    @property
    def layouts(self) -> Layouts: ...

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, write: bool = False) -> UnitOfWork: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentResult:
    approved: bool
    reference: str
    message: str = ""


class PaymentProvider(Protocol):
    name: str

    def charge(self, *, amount: Money, idempotency_key: str) -> PaymentResult: ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...

    def needs_rehash(self, password_hash: str) -> bool: ...
