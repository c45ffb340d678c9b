"""Refused cart events are remembered, recalled lots are kept, and carts count their alerts.

A refusal is not part of the cart's stream (it changed nothing); it is kept beside it, so the
same event id always gets the same answer. A recalled batch of a product is never sold.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "refused_events",
        sa.Column("cart_id", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("cart_id", "event_id", name=op.f("pk_refused_events")),
    )
    op.create_table(
        "recalls",
        sa.Column("gtin", sa.String(length=14), nullable=False),
        sa.Column("batch", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("gtin", "batch", name=op.f("pk_recalls")),
    )
    with op.batch_alter_table("carts") as batch:
        batch.add_column(sa.Column("alert_count", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("carts") as batch:
        batch.drop_column("alert_count")
    op.drop_table("recalls")
    op.drop_table("refused_events")
