"""Configuration, read from ``AISLE_*`` environment variables (or a ``.env`` file).

Nothing reads settings at import time: entry points build ``Settings()`` and hand it to
``create_app`` and ``bootstrap``. Outside the demo, a missing or weak secret key is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from aisle.domain.barcodes import PRESETS
from aisle.domain.money import CURRENCY_EXPONENTS, Rounding
from aisle.domain.pricing import TaxMode, TaxScope

__all__ = ["Settings"]

_KNOWN_WEAK = {"changeme", "change-me", "secret", "aisle", "password", "dev", "demo"}
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AISLE_", env_file=".env", extra="ignore")

    #: Where the SQLite database and the demo's files live.
    data_dir: Path = Path("aisle-data")
    #: SQLAlchemy URL; ``postgresql://user@host/db`` for production. Default: SQLite in data_dir.
    database_url: str | None = None
    #: Signs cart, staff and receipt tokens. At least 32 characters, random.
    secret_key: SecretStr | None = None
    #: The demo store: allows a generated secret and the demo staff login.
    demo: bool = False

    store_name: str = "Aisle Demo Market"
    #: Which store of a chain this server is: its own price list wins over the chain's.
    store_id: str = ""
    #: How this store's weighed and priced labels are laid out: a preset of
    #: ``aisle.domain.barcodes.PRESETS`` (default, us, us-price-check, in-store, hr, de, se ...).
    barcode_rules: str = "default"
    #: The store's time zone: "today" for use-by dates on 2D codes.
    timezone: str = "UTC"
    currency: str = "EUR"
    tax_mode: TaxMode = TaxMode.INCLUSIVE
    #: How tax rounds to the minor unit: ``half_up`` or ``half_even`` (banker's rounding).
    tax_rounding: Rounding = Rounding.HALF_UP
    #: ``document``: tax rounds once per rate over the receipt (the EU VAT summary);
    #: ``line``: each line's tax rounds, then adds up per rate (many US point-of-sale systems).
    tax_scope: TaxScope = TaxScope.DOCUMENT
    #: Whether bottle deposits are taxed (at their product's rate); untaxed by default.
    deposits_taxed: bool = False
    #: Produce weighed on the cart's scale: the store's produce bag, taken off the settled weight.
    produce_bag_tare_g: int = Field(default=0, ge=0, le=100)
    #: Staff time for reviews: at most this many trips in 1,000 are held before checkout.
    reviews_per_1000: int = Field(default=50, ge=0, le=1000)
    #: Trips below the review threshold checked at the exit anyway, at random, per 1,000:
    #: the audits that measure honestly what the threshold lets through.
    audits_per_1000: int = Field(default=10, ge=0, le=1000)
    #: The address phones use to open receipt links (QR codes); default: the request's own.
    public_url: str | None = None

    #: The MQTT broker the carts' scales publish their readings to (``mqtt://host:1883``);
    #: none: readings come over HTTP only (``src/aisle/adapters/mqtt.py`` has the topics).
    mqtt_url: str | None = None
    #: The first level of every MQTT topic: ``{prefix}/carts/{cart_id}/weight``.
    mqtt_prefix: str = Field(default="aisle", pattern=r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")

    host: str = "127.0.0.1"
    port: int = 8000

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.currency not in CURRENCY_EXPONENTS:
            raise ValueError(
                f"AISLE_CURRENCY={self.currency!r}: expected one of {sorted(CURRENCY_EXPONENTS)}"
            )
        if self.barcode_rules not in PRESETS:
            raise ValueError(
                f"AISLE_BARCODE_RULES={self.barcode_rules!r}: expected one of {sorted(PRESETS)}"
            )
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"AISLE_TIMEZONE={self.timezone!r} is not a known time zone") from None
        secret = self.secret_key.get_secret_value() if self.secret_key else ""
        if not self.demo and (
            len(secret) < MIN_SECRET_LENGTH or secret.strip().lower() in _KNOWN_WEAK
        ):
            raise ValueError(
                "AISLE_SECRET_KEY must be set to a random value of at least "
                f"{MIN_SECRET_LENGTH} characters outside the demo "
                '(for example: python -c "import secrets; print(secrets.token_urlsafe(48))")'
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'aisle.db').resolve()}"

    @property
    def secret(self) -> str:
        if self.secret_key is None:
            raise ValueError("no secret key configured")
        return self.secret_key.get_secret_value()
