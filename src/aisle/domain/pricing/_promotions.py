"""Temporary price reductions: the shelf's special price for one product over a time window.

They arrive with price lists (Konzum's "special price" column) rather than promotion files, so
they keep a shape of their own; the optimiser sees each as a :class:`UnitOffer` with a fixed
price, and where several are live the lowest price wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aisle.domain.money import Money
from aisle.domain.pricing._rules import Conditions, FixedPrice, Group, UnitOffer


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

    def as_offer(self) -> UnitOffer:
        """The reduction as the optimiser sees it: a fixed unit price for one product."""
        return UnitOffer(
            id=self.promotion_id,
            name=self.label or f"Special price {self.price}",
            group=Group(gtins=frozenset({self.gtin})),
            benefit=FixedPrice(price=self.price),
            when=Conditions(
                starts_at=self.starts_at,
                ends_at=self.ends_at,
                stores=frozenset({self.store}) if self.store else frozenset(),
            ),
        )
