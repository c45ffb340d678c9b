"""The schema. Alembic migrations create it; this module is what the code reads and writes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no offset of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: expected a timezone-aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# The cart streams. Append-only: the code never updates or deletes a row of this table.
cart_events = Table(
    "cart_events",
    metadata,
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("cart_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("event_id", String(100), nullable=False),
    Column("type", String(64), nullable=False),
    Column("type_version", Integer, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    UniqueConstraint("cart_id", "version", name="uq_cart_events_cart_version"),
    UniqueConstraint("cart_id", "event_id", name="uq_cart_events_cart_event_id"),
)

# Events a cart sent that were refused: not in any stream, kept so a resend gets the same answer.
refused_events = Table(
    "refused_events",
    metadata,
    Column("cart_id", String(64), primary_key=True),
    Column("event_id", String(100), primary_key=True),
    Column("code", String(64), nullable=False),
    Column("message", Text, nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
)

# A projection of the streams, for the staff page.
carts = Table(
    "carts",
    metadata,
    Column("cart_id", String(64), primary_key=True),
    Column("device_id", String(64), nullable=False),
    Column("device_name", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("opened_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("item_count", Integer, nullable=False),
    Column("total_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("alert_count", Integer, nullable=False, server_default="0"),
    Index("ix_carts_status_updated", "status", "updated_at"),
)

# Batches or lots of a product that must not be sold.
recalls = Table(
    "recalls",
    metadata,
    Column("gtin", String(14), primary_key=True),
    Column("batch", String(40), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
)

tax_classes = Table(
    "tax_classes",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("rate_percent", String(20), nullable=False),  # a Decimal, exactly as written
    Column("snap_eligible", Boolean, nullable=False, server_default=false()),
)

products = Table(
    "products",
    metadata,
    Column("gtin", String(14), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("brand", String(200), nullable=False),
    Column("department", String(100), nullable=False),
    Column("tax_class", String(40), nullable=False),
    Column("sold_by", String(10), nullable=False),
    Column("net_amount", Integer),
    Column("net_unit", String(5)),
    Column("plu", String(5), unique=True),
    Column("age_restricted", Boolean, nullable=False),
    Column("aisle", String(50), nullable=False),
    Column("shelf", String(100), nullable=False),
    Column("search_text", Text, nullable=False),  # folded name, brand, department, codes
    Column("category", String(200), nullable=False, server_default=""),
    Column("deposit_minor", BigInteger),
    Column("image_url", String(500), nullable=False, server_default=""),
    Column("source", String(200), nullable=False, server_default=""),
    Column("updated_at", UtcDateTime()),
    Index("ix_products_category", "category", "department"),
)

# Every code a product is found by (its own GTIN too), in the 14-digit form.
product_codes = Table(
    "product_codes",
    metadata,
    Column("gtin", String(14), primary_key=True),
    Column("product_gtin", String(14), nullable=False),
    Index("ix_product_codes_product", "product_gtin"),
)

# Price history: never edited; the price at a moment is the newest row effective by then.
prices = Table(
    "prices",
    metadata,
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("gtin", String(14), nullable=False),
    Column("price_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("effective_from", UtcDateTime(), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("source", String(200), nullable=False),
    Column("store", String(40), nullable=False, server_default=""),  # "": every store
    Index("ix_prices_gtin_store_effective", "gtin", "store", "effective_from"),
)

price_reductions = Table(
    "price_reductions",
    metadata,
    Column("promotion_id", String(100), primary_key=True),
    Column("gtin", String(14), nullable=False, index=True),
    Column("price_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("starts_at", UtcDateTime(), nullable=False),
    Column("ends_at", UtcDateTime(), nullable=False),
    Column("label", String(200), nullable=False),
    Column("store", String(40), nullable=False, server_default=""),  # "": every store
)

# Promotion rules from promotions files, by id. ``rule`` is the rule in the promotions file
# format (``aisle.domain.pricing.rule_document``), read back with ``parse_promotions``; the other
# columns repeat what a query or a list needs. Re-importing a rule updates its row.
promotions = Table(
    "promotions",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("name", String(200), nullable=False),
    Column("starts_at", UtcDateTime(), nullable=False),
    Column("ends_at", UtcDateTime(), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("rule", JSON, nullable=False),
    Column("source", String(200), nullable=False),
    Column("imported_at", UtcDateTime(), nullable=False),
    Index("ix_promotions_window", "starts_at", "ends_at"),
)

devices = Table(
    "devices",
    metadata,
    Column("device_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

staff = Table(
    "staff",
    metadata,
    Column("staff_id", String(64), primary_key=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

receipts = Table(
    "receipts",
    metadata,
    Column("receipt_id", String(64), primary_key=True),
    Column("cart_id", String(64), nullable=False, unique=True),
    Column("issued_at", UtcDateTime(), nullable=False),
    Column("document", JSON, nullable=False),
)

# Loyalty members: the id is the code on the card.
members = Table(
    "members",
    metadata,
    Column("member_id", String(40), primary_key=True),
    Column("name", String(200), nullable=False, server_default=""),
    Column("added_at", UtcDateTime(), nullable=False),
    Column("shopping_list", Text(), nullable=False, server_default=""),
)

# Digital coupons loaded to a member's account: they apply whenever the member shops.
member_coupons = Table(
    "member_coupons",
    metadata,
    Column("member_id", String(40), primary_key=True),
    Column("code", String(100), primary_key=True),
)

# Each coupon is redeemed once, ever: the code is the key. Never updated or deleted.
coupon_redemptions = Table(
    "coupon_redemptions",
    metadata,
    Column("code", String(100), primary_key=True),
    Column("cart_id", String(64), nullable=False),
    Column("member_id", String(40)),
    Column("redeemed_at", UtcDateTime(), nullable=False),
)

# A product's learned unit weight on the cart's scale (milligrams); none until it is learned.
product_weights = Table(
    "product_weights",
    metadata,
    Column("gtin", String(14), primary_key=True),
    Column("mean_mg", BigInteger, nullable=False),
    Column("spread_mg", BigInteger, nullable=False),
    Column("observations", Integer, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

# What the scale measured for one unit on a trip that ended clear or staff confirmed.
# Append-only: the weights above are learned from the latest of these.
weight_observations = Table(
    "weight_observations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("gtin", String(14), nullable=False),
    Column("unit_mg", BigInteger, nullable=False),
    Column("cart_id", String(64), nullable=False),
    Column("source", String(20), nullable=False),  # "clear" or "staff"
    Column("recorded_at", UtcDateTime(), nullable=False),
    Index("ix_weight_observations_gtin", "gtin", "id"),
)

# Every checked trip's risk: the review threshold is a quantile of the latest of these.
trip_risks = Table(
    "trip_risks",
    metadata,
    Column("cart_id", String(64), primary_key=True),
    Column("risk_ppm", Integer, nullable=False),
    Column("decision", String(10), nullable=False),  # pass, review or audit
    Column("recorded_at", UtcDateTime(), nullable=False),
    Index("ix_trip_risks_recorded_at", "recorded_at"),
)

# The review queue: trips held before checkout ("review") and exit checks ("audit").
reviews = Table(
    "reviews",
    metadata,
    Column("review_id", String(64), primary_key=True),
    Column("cart_id", String(64), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("status", String(10), nullable=False),  # open or resolved
    Column("risk_ppm", Integer, nullable=False),
    Column("threshold_ppm", Integer, nullable=False),
    Column("member_id", String(40)),
    Column("device_id", String(64), nullable=False),
    Column("findings", JSON, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("outcome", String(20)),
    Column("staff_id", String(64)),
    Column("note", String(500), nullable=False, server_default=""),
    Column("resolved_at", UtcDateTime()),
    Index("ix_reviews_status", "status", "created_at"),
    Index("ix_reviews_member", "member_id"),
)

# Every store layout a manager loaded, as written; the newest is the store's layout.
store_layouts = Table(
    "store_layouts",
    metadata,
    Column("layout_id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("document", Text, nullable=False),
    Column("loaded_at", UtcDateTime(), nullable=False),
)
