"""Repositories over one SQLAlchemy connection; the unit of work hands them out."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from aisle.adapters.db import tables as t
from aisle.domain.cart import CartEvent, event_from_payload, event_to_payload
from aisle.domain.money import Money
from aisle.services.ports import (
    CartSummary,
    ConcurrentAppend,
    Device,
    DuplicateEvent,
    StaffMember,
    StoredEvent,
)


class SqlEventStore:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def load(
        self, cart_id: str, up_to_version: int | None = None, *, after_version: int = 0
    ) -> list[StoredEvent]:
        query = (
            select(t.cart_events)
            .where(t.cart_events.c.cart_id == cart_id)
            .order_by(t.cart_events.c.version)
        )
        if after_version:
            query = query.where(t.cart_events.c.version > after_version)
        if up_to_version is not None:
            query = query.where(t.cart_events.c.version <= up_to_version)
        return [
            StoredEvent(
                version=row.version,
                event_id=row.event_id,
                event=event_from_payload(row.type, row.type_version, row.payload),
                recorded_at=row.recorded_at,
            )
            for row in self._conn.execute(query)
        ]

    def version_of(self, cart_id: str, event_id: str) -> int | None:
        query = select(t.cart_events.c.version).where(
            t.cart_events.c.cart_id == cart_id, t.cart_events.c.event_id == event_id
        )
        return self._conn.execute(query).scalar_one_or_none()

    def append(
        self, cart_id: str, *, version: int, event_id: str, event: CartEvent, recorded_at: datetime
    ) -> None:
        row = _event_row(cart_id, version, event_id, event, recorded_at)
        self._insert([row], duplicate=event_id, clash=cart_id)

    def _insert(self, rows: list[dict[str, Any]], *, duplicate: str, clash: str) -> None:
        try:
            self._conn.execute(insert(t.cart_events), rows)
        except IntegrityError as error:
            # The unit of work is spent now (PostgreSQL aborts it): say which rule was broken,
            # from the constraint the database names, and let the caller roll back.
            if "event_id" in str(error.orig):
                raise DuplicateEvent(duplicate) from error
            raise ConcurrentAppend(clash) from error

    def versions_of(self, pairs: Collection[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """Where each of these (cart, event id) pairs is stored; pairs not stored are left out.
        One query per 400 pairs, each pair one seek in the (cart, event id) index."""
        found: dict[tuple[str, str], int] = {}
        for chunk in _chunks(sorted(set(pairs))):
            query, params = _joined(chunk, "e.cart_id, e.event_id, e.version", "cart_events")
            for row in self._conn.execute(query, params):
                found[(row.cart_id, row.event_id)] = row.version
        return found

    def refusals_of(
        self, pairs: Collection[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[str, str]]:
        """The (code, message) each of these (cart, event id) pairs was refused with, if any."""
        found: dict[tuple[str, str], tuple[str, str]] = {}
        for chunk in _chunks(sorted(set(pairs))):
            query, params = _joined(
                chunk, "e.cart_id, e.event_id, e.code, e.message", "refused_events"
            )
            for row in self._conn.execute(query, params):
                found[(row.cart_id, row.event_id)] = (row.code, row.message)
        return found

    def latest_versions(self, cart_ids: Collection[str]) -> dict[str, int]:
        """Each cart's latest version; carts with no events are left out. A max per cart, not
        a GROUP BY: each is one seek at the end of the cart's (cart, version) index."""
        found: dict[str, int] = {}
        for chunk in _chunks(sorted(set(cart_ids))):
            rows = ", ".join(f"(:c{i})" for i in range(len(chunk)))
            query = text(
                f"WITH carts(cart_id) AS (VALUES {rows}) SELECT carts.cart_id, "
                "(SELECT max(e.version) FROM cart_events AS e WHERE e.cart_id = carts.cart_id) "
                "FROM carts"
            )
            params = {f"c{i}": cart_id for i, cart_id in enumerate(chunk)}
            found.update(
                {cart_id: version for cart_id, version in self._conn.execute(query, params)
                 if version is not None}
            )  # fmt: skip
        return found

    def append_many(self, events: Sequence[tuple[str, int, str, CartEvent]], at: datetime) -> None:
        """Append (cart, version, event id, event) rows in one statement; a clash raises as
        :meth:`append` does and leaves the transaction to be rolled back."""
        if events:
            rows = [_event_row(*event, at) for event in events]
            what = str(sorted({cart_id for cart_id, *_ in events}))
            self._insert(rows, duplicate=what, clash=what)

    def refusal_of(self, cart_id: str, event_id: str) -> tuple[str, str] | None:
        r = t.refused_events
        query = select(r.c.code, r.c.message).where(
            r.c.cart_id == cart_id, r.c.event_id == event_id
        )
        row = self._conn.execute(query).first()
        return (row.code, row.message) if row else None

    def refuse(
        self, cart_id: str, *, event_id: str, code: str, message: str, recorded_at: datetime
    ) -> None:
        if self.refusal_of(cart_id, event_id) is None:
            self._conn.execute(
                insert(t.refused_events).values(
                    cart_id=cart_id,
                    event_id=event_id,
                    code=code,
                    message=message,
                    recorded_at=recorded_at,
                )
            )

    def cart_ids(self) -> list[str]:
        query = select(t.cart_events.c.cart_id).where(t.cart_events.c.version == 1)
        return list(self._conn.execute(query).scalars())


class SqlCartSummaries:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def lock(self, cart_id: str) -> None:
        """Queue writers of one cart behind each other (PostgreSQL row lock; SQLite's
        ``BEGIN IMMEDIATE`` already serialises every writer)."""
        query = select(t.carts.c.cart_id).where(t.carts.c.cart_id == cart_id).with_for_update()
        self._conn.execute(query)

    def lock_many(self, cart_ids: Collection[str]) -> set[str]:
        """:meth:`lock` for several carts at once, always in the same order; the carts that
        another transaction holds (a checkout waiting on a payment) are skipped, not waited
        for. Returns the carts locked (on SQLite, every cart there is: the writer has the
        whole database)."""
        locked: set[str] = set()
        for chunk in _chunks(sorted(set(cart_ids))):
            query = (
                select(t.carts.c.cart_id)
                .where(t.carts.c.cart_id.in_(chunk))
                .order_by(t.carts.c.cart_id)
                .with_for_update(skip_locked=True)
            )
            locked.update(self._conn.execute(query).scalars())
        return locked

    def touch_many(self, cart_ids: Collection[str], at: datetime) -> None:
        """Mark the carts as active at ``at`` (the staff list's last activity)."""
        if cart_ids:
            query = update(t.carts).where(t.carts.c.cart_id.in_(sorted(cart_ids)))
            self._conn.execute(query.values(updated_at=at))

    def exists(self, cart_id: str) -> bool:
        query = select(t.carts.c.cart_id).where(t.carts.c.cart_id == cart_id)
        return self._conn.execute(query).first() is not None

    def upsert(self, summary: CartSummary) -> None:
        changed = {
            "status": summary.status,
            "updated_at": summary.updated_at,
            "item_count": summary.item_count,
            "total_minor": summary.total.minor,
            "currency": summary.total.currency,
            "alert_count": summary.alert_count,
        }
        result = self._conn.execute(
            update(t.carts).where(t.carts.c.cart_id == summary.cart_id).values(**changed)
        )
        if result.rowcount == 0:
            self._conn.execute(
                insert(t.carts).values(
                    cart_id=summary.cart_id,
                    device_id=summary.device_id,
                    device_name=summary.device_name,
                    opened_at=summary.opened_at,
                    **changed,
                )
            )

    def list(self, *, status: str | None = None, limit: int = 200) -> list[CartSummary]:
        query = select(t.carts).order_by(t.carts.c.updated_at.desc()).limit(limit)
        if status is not None:
            query = query.where(t.carts.c.status == status)
        return [
            CartSummary(
                cart_id=row.cart_id,
                device_id=row.device_id,
                device_name=row.device_name,
                status=row.status,
                opened_at=row.opened_at,
                updated_at=row.updated_at,
                item_count=row.item_count,
                total=Money(minor=row.total_minor, currency=row.currency),
                alert_count=row.alert_count,
            )
            for row in self._conn.execute(query)
        ]


class SqlDevices:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, device: Device, token_hash: str, created_at: datetime) -> None:
        self._conn.execute(
            insert(t.devices).values(
                device_id=device.device_id,
                name=device.name,
                token_hash=token_hash,
                created_at=created_at,
                revoked=False,
            )
        )

    def by_token_hash(self, token_hash: str) -> Device | None:
        query = select(t.devices).where(
            t.devices.c.token_hash == token_hash, t.devices.c.revoked.is_(False)
        )
        row = self._conn.execute(query).first()
        return Device(device_id=row.device_id, name=row.name) if row else None

    def by_name(self, name: str) -> Device | None:
        row = self._conn.execute(select(t.devices).where(t.devices.c.name == name)).first()
        return Device(device_id=row.device_id, name=row.name) if row else None


class SqlStaff:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, member: StaffMember, password_hash: str, created_at: datetime) -> None:
        self._conn.execute(
            insert(t.staff).values(
                staff_id=member.staff_id,
                username=member.username,
                password_hash=password_hash,
                role=member.role,
                created_at=created_at,
            )
        )

    def by_username(self, username: str) -> tuple[StaffMember, str] | None:
        row = self._conn.execute(select(t.staff).where(t.staff.c.username == username)).first()
        if row is None:
            return None
        member = StaffMember(staff_id=row.staff_id, username=row.username, role=row.role)
        return member, row.password_hash

    def by_id(self, staff_id: str) -> StaffMember | None:
        row = self._conn.execute(select(t.staff).where(t.staff.c.staff_id == staff_id)).first()
        return (
            StaffMember(staff_id=row.staff_id, username=row.username, role=row.role)
            if row
            else None
        )

    def set_password_hash(self, staff_id: str, password_hash: str) -> None:
        self._conn.execute(
            update(t.staff)
            .where(t.staff.c.staff_id == staff_id)
            .values(password_hash=password_hash)
        )


class SqlReceipts:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(
        self, receipt_id: str, cart_id: str, issued_at: datetime, document: dict[str, Any]
    ) -> None:
        self._conn.execute(
            insert(t.receipts).values(
                receipt_id=receipt_id, cart_id=cart_id, issued_at=issued_at, document=document
            )
        )

    def get(self, receipt_id: str) -> dict[str, Any] | None:
        query = select(t.receipts.c.document).where(t.receipts.c.receipt_id == receipt_id)
        document = self._conn.execute(query).scalar_one_or_none()
        return dict(document) if document is not None else None


__all__ = [
    "SqlCartSummaries",
    "SqlDevices",
    "SqlEventStore",
    "SqlReceipts",
    "SqlStaff",
]


_CHUNK = 400  # pairs: 800 parameters, under the 999 of SQLite before 3.32
_T = TypeVar("_T")


def _chunks(items: Sequence[_T]) -> list[Sequence[_T]]:
    return [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def _joined(
    chunk: Sequence[tuple[str, str]], columns: str, table: str
) -> tuple[Any, dict[str, str]]:
    """A query of ``table`` (as ``e``) for these (cart, event id) pairs, joined from a
    ``WITH wanted(...) AS (VALUES ...)`` so that each pair is one seek in the (cart, event id)
    index: on SQLite a row-value ``IN`` scans the whole table. Written as text, since
    SQLAlchemy would compile a fresh ``VALUES`` construct for every batch."""
    rows = ", ".join(f"(:c{i}, :e{i})" for i in range(len(chunk)))
    params: dict[str, str] = {}
    for i, (cart_id, event_id) in enumerate(chunk):
        params[f"c{i}"] = cart_id
        params[f"e{i}"] = event_id
    query = text(
        f"WITH wanted(cart_id, event_id) AS (VALUES {rows}) SELECT {columns} "
        f"FROM wanted JOIN {table} AS e "
        "ON e.cart_id = wanted.cart_id AND e.event_id = wanted.event_id"
    )
    return query, params


def _event_row(
    cart_id: str, version: int, event_id: str, event: CartEvent, at: datetime
) -> dict[str, Any]:
    return {
        "cart_id": cart_id,
        "version": version,
        "event_id": event_id,
        "type": event.TYPE,
        "type_version": event.VERSION,
        "payload": event_to_payload(event),
        "recorded_at": at,
    }
