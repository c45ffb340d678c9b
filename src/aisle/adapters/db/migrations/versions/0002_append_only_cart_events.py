"""Cart events are append-only: the database itself refuses UPDATE and DELETE on them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MESSAGE = "cart events are append-only: they are never updated or deleted"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER cart_events_no_{action.lower()} BEFORE {action} ON cart_events "
                f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION cart_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{_MESSAGE}'; END $$"
    )
    op.execute(
        "CREATE TRIGGER cart_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
        "ON cart_events FOR EACH STATEMENT EXECUTE FUNCTION cart_events_append_only()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER cart_events_no_update")
        op.execute("DROP TRIGGER cart_events_no_delete")
        return
    op.execute("DROP TRIGGER cart_events_append_only ON cart_events")
    op.execute("DROP FUNCTION cart_events_append_only()")
