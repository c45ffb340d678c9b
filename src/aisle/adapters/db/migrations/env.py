"""Alembic environment: runs migrations on the engine the caller hands over."""

from __future__ import annotations

from alembic import context

from aisle.adapters.db.engine import make_engine
from aisle.adapters.db.tables import metadata

config = context.config
connectable = config.attributes.get("engine") or make_engine(
    config.get_main_option("sqlalchemy.url") or ""
)

with connectable.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
