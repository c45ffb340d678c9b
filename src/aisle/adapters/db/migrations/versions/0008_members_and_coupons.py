"""Loyalty members, their digital coupons, coupon redemptions, and SNAP-eligible tax classes.

A member's id is the code on their loyalty card. A coupon is redeemed once, ever:
``coupon_redemptions`` is keyed by the coupon's code. A US store marks the tax classes whose
goods SNAP/EBT benefits may pay for.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "members",
        sa.Column("member_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_members")),
    )
    op.create_table(
        "member_coupons",
        sa.Column("member_id", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("member_id", "code", name=op.f("pk_member_coupons")),
    )
    op.create_table(
        "coupon_redemptions",
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("cart_id", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.String(length=40), nullable=True),
        sa.Column("redeemed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_coupon_redemptions")),
    )
    with op.batch_alter_table("tax_classes") as batch:
        batch.add_column(
            sa.Column("snap_eligible", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("tax_classes") as batch:
        batch.drop_column("snap_eligible")
    op.drop_table("coupon_redemptions")
    op.drop_table("member_coupons")
    op.drop_table("members")
