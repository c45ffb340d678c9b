"""The demo payment provider: approves every charge at once, as a test terminal would.

A real provider (a card terminal on the cart, a wallet) implements the same ``PaymentProvider``
protocol; the charge carries the cart id as its idempotency key so a retried checkout never
charges twice.
"""

from __future__ import annotations

import hashlib

from aisle.domain.money import Money
from aisle.services.ports import PaymentResult

__all__ = ["DemoPaymentProvider"]


class DemoPaymentProvider:
    name = "demo"

    def charge(self, *, amount: Money, idempotency_key: str) -> PaymentResult:
        if amount.minor < 0:
            return PaymentResult(approved=False, reference="", message="Nothing to pay")
        digest = hashlib.sha256(f"{idempotency_key}:{amount.minor}".encode()).hexdigest()
        return PaymentResult(approved=True, reference="demo-" + digest[:12])
