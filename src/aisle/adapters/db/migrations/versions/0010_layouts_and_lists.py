"""Store layouts, and the shopping list kept on a loyalty account.

``store_layouts`` keeps every layout file a manager loaded, as written (the newest is the
store's layout; the older ones are its history). ``members.shopping_list`` is the list a member
keeps on their account, which comes along when they identify at a cart.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "store_layouts",
        sa.Column("layout_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("layout_id", name=op.f("pk_store_layouts")),
    )
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("shopping_list", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("shopping_list")
    op.drop_table("store_layouts")
