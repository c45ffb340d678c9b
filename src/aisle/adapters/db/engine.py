"""Building engines: SQLite tuned for a cart server, or PostgreSQL.

SQLite runs in WAL mode (readers never wait for the writer) with ``synchronous=FULL`` so that an
acknowledged event survives a crash of the machine, not only of the process. Write transactions
start with ``BEGIN IMMEDIATE``: they take the write lock up front and queue behind each other
(``busy_timeout``) instead of failing when a read transaction tries to become a write one.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection

__all__ = ["FairLock", "WalCheckpointer", "is_sqlite", "make_engine", "normalise_url"]

WRITE = {"aisle_write": True}


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if not is_sqlite(url):
        return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)

    engine = create_engine(url, pool_size=8, max_overflow=24, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Checkpoints run on the background checkpointer's own connection (see below), not
        # inside whichever scan's commit happens to cross the WAL's size limit.
        cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get("aisle_write"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return engine


class FairLock:
    """A lock that serves waiters first come, first served.

    SQLite's own busy handler sleeps in growing steps (1, 2, 5 ... 100 ms) and lets newcomers
    overtake sleepers, so under load a write could wait seconds while the lock sat free. Writers
    of one server process queue here instead; ``busy_timeout`` remains for other processes.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[threading.Lock] = deque()
        self._held = False

    def acquire(self) -> None:
        with self._mutex:
            if not self._held:
                self._held = True
                return
            gate = threading.Lock()
            gate.acquire()
            self._waiters.append(gate)
        gate.acquire()  # the holder releases it to hand the lock over

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()
            else:
                self._held = False


class WalCheckpointer:
    """Copies SQLite's write-ahead log back into the database in the background.

    Left to SQLite, a checkpoint runs inside the commit that crosses the WAL's size limit, and
    that scan waits for it while every other writer waits behind it. A ``PASSIVE`` checkpoint
    from this thread never blocks a writer; it catches up whenever writers pause.
    """

    def __init__(self, engine: Engine, interval_s: float = 1.0) -> None:
        self._engine = engine
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-checkpointer", daemon=True)

    def start(self) -> WalCheckpointer:
        self._thread.start()
        return self

    def checkpoint(self) -> None:
        with self._engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.checkpoint()
            except Exception:  # a busy or closing database: try again next time
                continue

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        try:
            self.checkpoint()
        except Exception:
            return
