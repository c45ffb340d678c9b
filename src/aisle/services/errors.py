"""Errors of the use cases that are not rules of the domain."""

from __future__ import annotations

from aisle.domain.errors import DomainError

__all__ = ["CartNotFound", "PaymentDeclined", "ReceiptNotFound", "ReviewNotFound"]


class CartNotFound(DomainError):
    code = "cart_not_found"


class ReceiptNotFound(DomainError):
    code = "receipt_not_found"


class PaymentDeclined(DomainError):
    code = "payment_declined"


class ReviewNotFound(DomainError):
    code = "review_not_found"
