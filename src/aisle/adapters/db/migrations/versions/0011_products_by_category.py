"""Products found by category and department: a new product's first weight guess reads the
learned weights of its category's products (``SqlWeights.learned_among``) on every scan of a
product the store has not weighed yet.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_products_category", "products", ["category", "department"])


def downgrade() -> None:
    op.drop_index("ix_products_category", table_name="products")
