"""Prices and price reductions per store: a chain shares one catalog, each store its prices.

A price row with an empty ``store`` applies to every store; a store's own row wins over it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("prices") as batch:
        batch.add_column(
            sa.Column("store", sa.String(length=40), nullable=False, server_default="")
        )
    with op.batch_alter_table("price_reductions") as batch:
        batch.add_column(
            sa.Column("store", sa.String(length=40), nullable=False, server_default="")
        )
    op.drop_index("ix_prices_gtin_effective", table_name="prices")
    op.create_index("ix_prices_gtin_store_effective", "prices", ["gtin", "store", "effective_from"])


def downgrade() -> None:
    op.drop_index("ix_prices_gtin_store_effective", table_name="prices")
    op.create_index("ix_prices_gtin_effective", "prices", ["gtin", "effective_from"])
    with op.batch_alter_table("prices") as batch:
        batch.drop_column("store")
    with op.batch_alter_table("price_reductions") as batch:
        batch.drop_column("store")
