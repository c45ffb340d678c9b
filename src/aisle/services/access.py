"""Who may do what: cart devices, cart sessions, staff, and receipt links.

- A cart *device* (the tablet on a physical cart) holds a long random token issued by
  ``aisle device add``; the server keeps only its SHA-256.
- A cart *session* token is an HMAC of the cart id under the server's secret: it acts on that cart
  alone, and needs no table.
- Staff log in with a password (argon2id) and get a signed, expiring session token; their role
  is read from the database on every request, so a demotion takes effect at once.
- A receipt link carries an HMAC key, so a phone can open it later without any login.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from aisle.domain.errors import DomainError
from aisle.services.ports import (
    Clock,
    Device,
    PasswordHasher,
    StaffMember,
    UnitOfWorkFactory,
)

__all__ = ["ROLES", "AccessService", "InvalidCredentials", "TokenSigner"]

ROLES = ("associate", "manager")
STAFF_SESSION = timedelta(hours=12)


class InvalidCredentials(DomainError):
    code = "invalid_credentials"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _same(expected: str, given: str) -> bool:
    """Compare in constant time; a token with characters no signature has (not ASCII) is
    simply not the same, where ``hmac.compare_digest`` on strings would raise.

    >>> _same("abc", "abc"), _same("abc", "ab\u00e9")
    (True, False)
    """
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "surrogatepass"))


class TokenSigner:
    """HMAC-SHA256 signatures over short, typed messages (the type keeps tokens apart)."""

    def __init__(self, secret: str) -> None:
        self._key = secret.encode()

    def _sign(self, message: str) -> str:
        return _b64(hmac.new(self._key, message.encode(), hashlib.sha256).digest())

    def cart_token(self, cart_id: str) -> str:
        return f"ct1.{cart_id}.{self._sign('cart:' + cart_id)}"

    def cart_of(self, token: str) -> str | None:
        parts = token.split(".")
        if len(parts) != 3 or parts[0] != "ct1":
            return None
        expected = self._sign("cart:" + parts[1])
        return parts[1] if _same(expected, parts[2]) else None

    def staff_token(self, staff_id: str, expires_at: datetime) -> str:
        stamp = str(int(expires_at.timestamp()))
        return f"st1.{staff_id}.{stamp}.{self._sign(f'staff:{staff_id}:{stamp}')}"

    def staff_of(self, token: str, now: datetime) -> str | None:
        parts = token.split(".")
        if len(parts) != 4 or parts[0] != "st1" or not parts[2].isdigit():
            return None
        expected = self._sign(f"staff:{parts[1]}:{parts[2]}")
        if not _same(expected, parts[3]):
            return None
        return parts[1] if int(parts[2]) > now.timestamp() else None

    def receipt_key(self, receipt_id: str) -> str:
        return self._sign("receipt:" + receipt_id)[:22]

    def receipt_key_valid(self, receipt_id: str, key: str) -> bool:
        return _same(self.receipt_key(receipt_id), key)


@dataclass(frozen=True, slots=True)
class StaffSession:
    member: StaffMember
    token: str
    expires_at: datetime


class AccessService:
    def __init__(
        self, *, uow: UnitOfWorkFactory, hasher: PasswordHasher, signer: TokenSigner, clock: Clock
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self.signer = signer
        self._clock = clock
        self._dummy_hash = hasher.hash(secrets.token_urlsafe(16))

    # -- devices --------------------------------------------------------------------------

    def add_device(self, name: str) -> tuple[Device, str]:
        name = name.strip()
        if not name:
            raise DomainError("A device needs a name, such as 'cart-17'")
        token = "dev_" + secrets.token_urlsafe(32)
        device = Device(device_id=secrets.token_hex(8), name=name)
        with self._uow(write=True) as uow:
            if uow.devices.by_name(name) is not None:
                raise DomainError(f"There is already a device called {name!r}")
            uow.devices.add(device, token_hash(token), self._clock())
            uow.commit()
        return device, token

    def device_for(self, token: str) -> Device | None:
        if not token.startswith("dev_"):
            return None
        with self._uow() as uow:
            return uow.devices.by_token_hash(token_hash(token))

    # -- staff ----------------------------------------------------------------------------

    def add_staff(
        self, username: str, password: str, role: str, *, allow_weak_password: bool = False
    ) -> StaffMember:
        username = username.strip()
        if not username:
            raise DomainError("A staff account needs a username")
        if role not in ROLES:
            raise DomainError(f"Role {role!r}: expected one of {', '.join(ROLES)}")
        if len(password) < 8 and not allow_weak_password:
            raise DomainError("A staff password needs at least 8 characters")
        member = StaffMember(staff_id=secrets.token_hex(8), username=username, role=role)
        with self._uow(write=True) as uow:
            if uow.staff.by_username(username) is not None:
                raise DomainError(f"There is already a staff account {username!r}")
            uow.staff.add(member, self._hasher.hash(password), self._clock())
            uow.commit()
        return member

    def log_in(self, username: str, password: str) -> StaffSession:
        with self._uow() as uow:
            found = uow.staff.by_username(username.strip())
        if found is None:
            self._hasher.verify(self._dummy_hash, password)  # same work either way
            raise InvalidCredentials("Wrong username or password")
        member, password_hash = found
        if not self._hasher.verify(password_hash, password):
            raise InvalidCredentials("Wrong username or password")
        if self._hasher.needs_rehash(password_hash):
            with self._uow(write=True) as uow:
                uow.staff.set_password_hash(member.staff_id, self._hasher.hash(password))
                uow.commit()
        expires_at = self._clock() + STAFF_SESSION
        return StaffSession(
            member=member,
            token=self.signer.staff_token(member.staff_id, expires_at),
            expires_at=expires_at,
        )

    def staff_for(self, token: str) -> StaffMember | None:
        staff_id = self.signer.staff_of(token, self._clock())
        if staff_id is None:
            return None
        with self._uow() as uow:
            return uow.staff.by_id(staff_id)
