"""Tokens: a cart token acts on its own cart only; forged or altered tokens fail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr, ValidationError

from aisle.services.access import TokenSigner
from aisle.settings import Settings

NOW = datetime(2026, 11, 24, tzinfo=UTC)
signer = TokenSigner("a-test-secret-that-is-long-enough-0123456789")


def test_a_cart_token_names_its_cart() -> None:
    assert signer.cart_of(signer.cart_token("cart-a")) == "cart-a"


@pytest.mark.parametrize(
    "token",
    [
        "ct1.cart-a.forged",
        "ct1.cart-b." + signer.cart_token("cart-a").split(".")[2],
        TokenSigner("another-secret-another-secret-another-secret").cart_token("cart-a"),
        "",
        "ct2.cart-a.x",
        "dev_whatever",
    ],
    ids=[
        "forged-signature",
        "signature-of-another-cart",
        "other-server",
        "empty",
        "wrong-kind",
        "device-token",
    ],
)
def test_forged_cart_tokens_name_no_cart(token: str) -> None:
    assert signer.cart_of(token) is None


def test_a_staff_token_expires() -> None:
    token = signer.staff_token("s1", NOW + timedelta(hours=1))
    assert signer.staff_of(token, NOW) == "s1"
    assert signer.staff_of(token, NOW + timedelta(hours=2)) is None


def test_a_cart_token_is_never_a_staff_token() -> None:
    assert signer.staff_of(signer.cart_token("s1"), NOW) is None


def test_a_receipt_key_opens_only_its_receipt() -> None:
    key = signer.receipt_key("r1")
    assert signer.receipt_key_valid("r1", key)
    assert not signer.receipt_key_valid("r2", key)


@pytest.mark.parametrize(
    "secret", [None, "changeme", "short", "demo"], ids=["missing", "default", "short", "demo-word"]
)
def test_outside_the_demo_a_weak_secret_is_refused(
    secret: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AISLE_SECRET_KEY", raising=False)
    monkeypatch.delenv("AISLE_DEMO", raising=False)
    with pytest.raises(ValidationError, match="AISLE_SECRET_KEY must be set"):
        Settings(secret_key=SecretStr(secret) if secret else None)


def test_the_demo_runs_without_a_configured_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AISLE_SECRET_KEY", raising=False)
    assert Settings(demo=True).demo


def test_settings_come_from_aisle_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AISLE_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("AISLE_DATABASE_URL", "postgresql://postgres@db/aisle")
    monkeypatch.setenv("AISLE_TAX_MODE", "exclusive")
    settings = Settings()
    assert settings.resolved_database_url == "postgresql://postgres@db/aisle"
    assert settings.tax_mode.value == "exclusive"
