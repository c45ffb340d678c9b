"""The promotion engines of the foundation: none, and temporary price reductions.

A temporary price reduction (TPR) is the shelf's special price for a product over a time window.
For a product with several active reductions the lowest price wins, so the shopper always gets the
best of them; ties go to the smallest promotion id, so pricing is deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from aisle.domain.catalog import SoldBy
from aisle.domain.money import Money, Rounding
from aisle.domain.pricing._engine import Adjustment, LineToPrice


class NoPromotions:
    def adjustments(
        self, lines: Sequence[LineToPrice], gross: dict[str, Money], at: datetime
    ) -> Sequence[Adjustment]:
        return ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceReduction:
    promotion_id: str
    gtin: str
    price: Money  # the special price, per piece or per kg like the regular one
    starts_at: datetime
    ends_at: datetime
    label: str = ""
    store: str = ""  # "" for every store of the chain

    def __post_init__(self) -> None:
        if self.ends_at <= self.starts_at:
            raise ValueError(
                f"Promotion {self.promotion_id}: ends_at {self.ends_at.isoformat()} "
                f"is not after starts_at {self.starts_at.isoformat()}"
            )
        if self.price.minor < 0:
            raise ValueError(f"Promotion {self.promotion_id}: price {self.price} is negative")

    def active_at(self, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at


class PriceReductions:
    def __init__(self, reductions: Sequence[PriceReduction]) -> None:
        self._by_gtin: dict[str, list[PriceReduction]] = {}
        for reduction in reductions:
            self._by_gtin.setdefault(reduction.gtin, []).append(reduction)

    def adjustments(
        self, lines: Sequence[LineToPrice], gross: dict[str, Money], at: datetime
    ) -> Sequence[Adjustment]:
        found: list[Adjustment] = []
        for line in lines:
            if line.label_price is not None:
                continue  # a price on the item's own label (reduced to clear) is final
            active = [r for r in self._by_gtin.get(line.gtin, ()) if r.active_at(at)]
            if not active:
                continue
            best = min(active, key=lambda r: (r.price.minor, r.promotion_id))
            if best.price.minor >= line.unit_price.minor:
                continue
            if line.sold_by is SoldBy.WEIGHT and line.weight_g is not None:
                exact = best.price.amount * line.weight_g / 1000
                reduced = Money.from_decimal(exact, best.price.currency, Rounding.HALF_UP)
            else:
                reduced = best.price * line.quantity
            found.append(
                Adjustment(
                    line_id=line.line_id,
                    promotion_id=best.promotion_id,
                    description=best.label or f"Special price {best.price}",
                    amount=gross[line.line_id] - reduced,
                )
            )
        return found
