"""The unit of work: one connection, one transaction, every repository on it."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine

from aisle.adapters.db.catalog import SqlCatalog
from aisle.adapters.db.engine import FairLock
from aisle.adapters.db.layouts import SqlLayouts
from aisle.adapters.db.members import SqlCouponRedemptions, SqlMembers
from aisle.adapters.db.promotions import SqlPromotions
from aisle.adapters.db.repositories import (
    SqlCartSummaries,
    SqlDevices,
    SqlEventStore,
    SqlReceipts,
    SqlStaff,
)
from aisle.adapters.db.verification import SqlReviews, SqlWeights

__all__ = ["SqlUnitOfWork", "SqlUnitOfWorkFactory"]


class SqlUnitOfWork:
    events: SqlEventStore
    carts: SqlCartSummaries
    catalog: SqlCatalog
    devices: SqlDevices
    staff: SqlStaff
    receipts: SqlReceipts
    members: SqlMembers
    redemptions: SqlCouponRedemptions
    promotions: SqlPromotions
    weights: SqlWeights
    reviews: SqlReviews
    layouts: SqlLayouts

    def __init__(
        self, engine: Engine, *, write: bool, store: str = "", write_lock: FairLock | None = None
    ) -> None:
        self._engine = engine
        self._write = write
        self._store = store
        self._write_lock = write_lock if write else None
        self._conn: Connection | None = None

    def __enter__(self) -> SqlUnitOfWork:
        if self._write_lock is not None:
            self._write_lock.acquire()
        try:
            return self._open()
        except BaseException:
            if self._write_lock is not None:
                self._write_lock.release()
            raise

    def _open(self) -> SqlUnitOfWork:
        conn = self._engine.connect()
        if self._write:
            conn = conn.execution_options(aisle_write=True)
        conn.begin()
        self._conn = conn
        self.events = SqlEventStore(conn)
        self.carts = SqlCartSummaries(conn)
        self.catalog = SqlCatalog(conn, self._store)
        self.devices = SqlDevices(conn)
        self.staff = SqlStaff(conn)
        self.receipts = SqlReceipts(conn)
        self.members = SqlMembers(conn)
        self.redemptions = SqlCouponRedemptions(conn)
        self.promotions = SqlPromotions(conn, self._store)
        self.weights = SqlWeights(conn)
        self.reviews = SqlReviews(conn)
        self.layouts = SqlLayouts(conn)
        return self

    @property
    def store(self) -> str:
        return self._store

    def commit(self) -> None:
        assert self._conn is not None
        self._conn.commit()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._conn is not None
        try:
            if self._conn.in_transaction():
                self._conn.rollback()
        finally:
            self._conn.close()
            self._conn = None
            if self._write_lock is not None:
                self._write_lock.release()


class SqlUnitOfWorkFactory:
    def __init__(self, engine: Engine, store: str = "") -> None:
        self.engine = engine
        self.store = store
        # SQLite has one writer at a time: queue this process's writers fairly in front of it.
        self._write_lock = FairLock() if engine.dialect.name == "sqlite" else None

    def __call__(self, *, write: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self.engine, write=write, store=self.store, write_lock=self._write_lock
        )
