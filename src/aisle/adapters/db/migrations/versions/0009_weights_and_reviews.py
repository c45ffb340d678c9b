"""Product weights that learn, and the review queue.

``product_weights`` holds each product's learned unit weight (mean and spread, milligrams);
``weight_observations`` the weights the scale measured for one unit on trips that ended clear or
that staff confirmed (append-only, what the model is learned from). ``trip_risks`` holds every
checked trip's risk, from which the review threshold is set; ``reviews`` the queue: trips held
before checkout (``review``) and trips chosen at random for an exit check (``audit``).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "product_weights",
        sa.Column("gtin", sa.String(length=14), nullable=False),
        sa.Column("mean_mg", sa.BigInteger(), nullable=False),
        sa.Column("spread_mg", sa.BigInteger(), nullable=False),
        sa.Column("observations", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("gtin", name=op.f("pk_product_weights")),
    )
    op.create_table(
        "weight_observations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("gtin", sa.String(length=14), nullable=False),
        sa.Column("unit_mg", sa.BigInteger(), nullable=False),
        sa.Column("cart_id", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weight_observations")),
    )
    op.create_index("ix_weight_observations_gtin", "weight_observations", ["gtin", "id"])
    op.create_table(
        "trip_risks",
        sa.Column("cart_id", sa.String(length=64), nullable=False),
        sa.Column("risk_ppm", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("cart_id", name=op.f("pk_trip_risks")),
    )
    op.create_index("ix_trip_risks_recorded_at", "trip_risks", ["recorded_at"])
    op.create_table(
        "reviews",
        sa.Column("review_id", sa.String(length=64), nullable=False),
        sa.Column("cart_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("risk_ppm", sa.Integer(), nullable=False),
        sa.Column("threshold_ppm", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.String(length=40), nullable=True),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("staff_id", sa.String(length=64), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False, server_default=""),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("review_id", name=op.f("pk_reviews")),
    )
    op.create_index("ix_reviews_status", "reviews", ["status", "created_at"])
    op.create_index("ix_reviews_member", "reviews", ["member_id"])


def downgrade() -> None:
    op.drop_table("reviews")
    op.drop_table("trip_risks")
    op.drop_table("weight_observations")
    op.drop_table("product_weights")
