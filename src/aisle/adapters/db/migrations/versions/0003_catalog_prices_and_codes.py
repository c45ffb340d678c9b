"""Catalog: prices with effective dates, several GTINs per product, categories and deposits.

A price change is a new row in ``prices``; the price at a moment is the newest row that is
effective by then. Existing prices move there as effective since the epoch.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "prices",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("gtin", sa.String(length=14), nullable=False),
        sa.Column("price_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("effective_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_prices")),
    )
    op.create_index("ix_prices_gtin_effective", "prices", ["gtin", "effective_from"])
    op.create_table(
        "product_codes",
        sa.Column("gtin", sa.String(length=14), nullable=False),
        sa.Column("product_gtin", sa.String(length=14), nullable=False),
        sa.PrimaryKeyConstraint("gtin", name=op.f("pk_product_codes")),
    )
    op.create_index("ix_product_codes_product", "product_codes", ["product_gtin"])
    op.execute(
        "INSERT INTO prices (gtin, price_minor, currency, effective_from, recorded_at, source) "
        "SELECT gtin, price_minor, currency, '1970-01-01 00:00:00', '1970-01-01 00:00:00', "
        "'migration' FROM products"
    )
    op.execute("INSERT INTO product_codes (gtin, product_gtin) SELECT gtin, gtin FROM products")
    with op.batch_alter_table("products") as batch:
        batch.drop_column("price_minor")
        batch.drop_column("currency")
        batch.add_column(
            sa.Column("category", sa.String(length=200), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("deposit_minor", sa.BigInteger(), nullable=True))
        batch.add_column(
            sa.Column("image_url", sa.String(length=500), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("source", sa.String(length=200), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("products") as batch:
        batch.drop_column("updated_at")
        batch.drop_column("source")
        batch.drop_column("image_url")
        batch.drop_column("deposit_minor")
        batch.drop_column("category")
        batch.add_column(
            sa.Column("price_minor", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("currency", sa.String(length=3), nullable=False, server_default="EUR")
        )
    op.drop_table("product_codes")
    op.drop_table("prices")
