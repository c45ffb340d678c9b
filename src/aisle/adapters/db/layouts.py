"""Store layouts in SQL: every file a manager loaded, kept as written; the newest applies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, insert, select

from aisle.adapters.db import tables as t
from aisle.services.ports import StoredLayout

__all__ = ["SqlLayouts"]


class SqlLayouts:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def latest(self) -> StoredLayout | None:
        sl = t.store_layouts
        row = self._conn.execute(select(sl).order_by(sl.c.layout_id.desc()).limit(1)).first()
        if row is None:
            return None
        return StoredLayout(
            layout_id=row.layout_id, name=row.name, document=row.document, loaded_at=row.loaded_at
        )

    def latest_id(self) -> int | None:
        sl = t.store_layouts
        found = self._conn.execute(select(func.max(sl.c.layout_id))).scalar_one()
        return int(found) if found is not None else None

    def add(self, *, name: str, document: str, loaded_at: datetime) -> int:
        result = self._conn.execute(
            insert(t.store_layouts).values(name=name, document=document, loaded_at=loaded_at)
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])
