"""What a 2D code's dates and batch mean on a given day: decided by the service, not the scan.

Parsing a scan needs no clock and no recall list; these checks need both, so the cart service
calls them after `parse_scan` with its own "today" and the store's recalls. A past use-by or
best-before date warns the shopper and the staff (the item may still be bought; the staff
decide); a recalled batch is never sold.

>>> item = Gs1Data(gtin14="09506000134352", source="qr", expiry=date(2026, 11, 20), batch="L42")
>>> [warning.message for warning in check_dates(item, today=date(2026, 11, 21))]
["This item's use-by date was 2026-11-20: please show it to an associate"]
>>> check_recall(item, {RecalledLot(gtin14="09506000134352", batch="L42")})
'This item (batch L42) has been recalled and cannot be sold: please give it to an associate'
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Literal

from aisle.domain.barcodes._codes import Gs1Data

__all__ = ["DateWarning", "RecalledLot", "check_dates", "check_recall"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DateWarning:
    """A date on the pack that has passed: ``use_by`` (AI 17) or ``best_before`` (AI 15)."""

    kind: Literal["use_by", "best_before"]
    day: date
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RecalledLot:
    """A batch or lot of one product that must not be sold."""

    gtin14: str
    batch: str


def check_dates(code: Gs1Data, today: date) -> list[DateWarning]:
    """The dates on the pack that are before ``today`` (a date is good through its own day).

    >>> check_dates(Gs1Data(gtin14="09506000134352", source="qr", best_before=date(2026, 1, 2)),
    ...             today=date(2026, 1, 2))
    []
    """
    warnings: list[DateWarning] = []
    if code.expiry is not None and code.expiry < today:
        warnings.append(
            DateWarning(
                kind="use_by",
                day=code.expiry,
                message=(
                    f"This item's use-by date was {code.expiry.isoformat()}: "
                    "please show it to an associate"
                ),
            )
        )
    if code.best_before is not None and code.best_before < today:
        warnings.append(
            DateWarning(
                kind="best_before",
                day=code.best_before,
                message=f"This item's best-before date was {code.best_before.isoformat()}",
            )
        )
    return warnings


def check_recall(code: Gs1Data, recalled: Collection[RecalledLot]) -> str | None:
    """Why the item must not be sold, if its batch is recalled; None otherwise.

    A code without a batch cannot be matched to a recall: the service decides what to do with
    recalls of a whole GTIN.
    """
    if code.batch is None or RecalledLot(gtin14=code.gtin14, batch=code.batch) not in recalled:
        return None
    return (
        f"This item (batch {code.batch}) has been recalled and cannot be sold: "
        "please give it to an associate"
    )
