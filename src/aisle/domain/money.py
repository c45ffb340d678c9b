"""Money as a type: integer minor units that carry their currency.

Amounts never pass through a float. Arithmetic between two currencies is refused. Rounding happens
only at named points (``Money.from_decimal`` with an explicit rule), never implicitly.

>>> Money.parse("12.34", "EUR") + Money.parse("0.66", "EUR")
Money(minor=1300, currency='EUR')
>>> str(Money(minor=1300, currency="EUR"))
'13.00'
>>> Money(minor=199, currency="EUR") * 3
Money(minor=597, currency='EUR')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

__all__ = ["CURRENCY_EXPONENTS", "Money", "Rounding"]

#: ISO 4217 minor-unit exponents for the currencies a store may be configured with.
CURRENCY_EXPONENTS: dict[str, int] = {
    "EUR": 2,
    "USD": 2,
    "GBP": 2,
    "CHF": 2,
    "CAD": 2,
    "AUD": 2,
    "SEK": 2,
    "NOK": 2,
    "DKK": 2,
    "PLN": 2,
    "CZK": 2,
    "HUF": 2,
    "JPY": 0,
}


#: No price or total in a grocery store comes near this; anything larger is a typo or an attack.
MAX_MAJOR = 10**12


class Rounding(StrEnum):
    """How an exact amount becomes whole minor units."""

    HALF_UP = "half_up"
    HALF_EVEN = "half_even"

    @property
    def decimal_rule(self) -> str:
        return ROUND_HALF_UP if self is Rounding.HALF_UP else ROUND_HALF_EVEN


def _exponent(currency: str) -> int:
    try:
        return CURRENCY_EXPONENTS[currency]
    except KeyError:
        known = ", ".join(sorted(CURRENCY_EXPONENTS))
        raise ValueError(f"Unknown currency {currency!r}: expected one of {known}") from None


@dataclass(frozen=True, slots=True, order=False)
class Money:
    """An amount in the smallest unit of its currency (cents for EUR)."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        # type() rather than isinstance(): a bool is an int, and not an amount (a basket's
        # pricing makes a few hundred of these, so the check is kept to two lookups)
        if type(self.minor) is not int:
            raise TypeError(f"Money.minor must be an int, got {self.minor!r}")
        if self.currency not in CURRENCY_EXPONENTS:
            _exponent(self.currency)  # raises, naming the currencies known

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(minor=0, currency=currency)

    @classmethod
    def total(cls, amounts: Iterable[Money], currency: str) -> Money:
        """The sum of ``amounts``, all in ``currency`` (zero when there are none), made once
        rather than one ``+`` at a time.

        >>> Money.total([Money(150, "EUR"), Money(-25, "EUR")], "EUR")
        Money(minor=125, currency='EUR')
        >>> Money.total([Money(150, "USD")], "EUR")
        Traceback (most recent call last):
        ...
        ValueError: Cannot combine EUR with USD
        """
        minor = 0
        for amount in amounts:
            if amount.currency != currency:
                raise ValueError(f"Cannot combine {currency} with {amount.currency}")
            minor += amount.minor
        return cls(minor=minor, currency=currency)

    @classmethod
    def parse(cls, text: str, currency: str) -> Money:
        """Parse a decimal string such as ``"12.34"``; more decimals than the currency has fail.

        >>> Money.parse("1.005", "EUR")
        Traceback (most recent call last):
        ...
        ValueError: '1.005' has more decimals than EUR allows (2)
        """
        exponent = _exponent(currency)
        try:
            value = Decimal(text.strip())
        except InvalidOperation:
            raise ValueError(f"{text!r} is not a decimal amount such as '12.34'") from None
        if not value.is_finite():
            raise ValueError(f"{text!r} is not a finite amount")
        if abs(value) >= MAX_MAJOR:
            raise ValueError(f"{text!r} is too large: expected less than {MAX_MAJOR:,}")
        scaled = value.scaleb(exponent)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{text!r} has more decimals than {currency} allows ({exponent})")
        return cls(minor=int(scaled), currency=currency)

    @classmethod
    def from_decimal(cls, value: Decimal, currency: str, rounding: Rounding) -> Money:
        """Round an exact major-unit amount to minor units with the given rule.

        >>> Money.from_decimal(Decimal("0.125"), "EUR", Rounding.HALF_UP)
        Money(minor=13, currency='EUR')
        >>> Money.from_decimal(Decimal("0.125"), "EUR", Rounding.HALF_EVEN)
        Money(minor=12, currency='EUR')
        """
        scaled = value.scaleb(_exponent(currency)).quantize(
            Decimal(1), rounding=rounding.decimal_rule
        )
        return cls(minor=int(scaled), currency=currency)

    @property
    def amount(self) -> Decimal:
        """The exact amount in major units."""
        return Decimal(self.minor).scaleb(-_exponent(self.currency))

    def __str__(self) -> str:
        exponent = _exponent(self.currency)
        return f"{self.amount:.{exponent}f}"

    def _check(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"Cannot combine Money with {other!r}")
        if other.currency != self.currency:
            raise ValueError(f"Cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(minor=self.minor + other.minor, currency=self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(minor=self.minor - other.minor, currency=self.currency)

    def __mul__(self, factor: int) -> Money:
        if not isinstance(factor, int) or isinstance(factor, bool):
            raise TypeError(f"Money can be multiplied by an int only, got {factor!r}")
        return Money(minor=self.minor * factor, currency=self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(minor=-self.minor, currency=self.currency)

    def __lt__(self, other: Money) -> bool:
        self._check(other)
        return self.minor < other.minor

    def __le__(self, other: Money) -> bool:
        self._check(other)
        return self.minor <= other.minor

    @property
    def is_zero(self) -> bool:
        return self.minor == 0
