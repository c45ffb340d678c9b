from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aisle.api.app import create_app
from aisle.bootstrap import Services
from tests.support.store import SECRET, demo_store, make_settings


@dataclass
class Cart:
    client: TestClient
    cart_id: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def send(self, event: dict[str, Any], event_id: str | None = None) -> Any:
        body = {"event_id": event_id or uuid.uuid4().hex, **event}
        return self.client.post(
            f"/api/v1/carts/{self.cart_id}/events", json=body, headers=self.auth
        )

    def scan(self, code: str, **extra: Any) -> Any:
        return self.send({"type": "scan", "code": code, **extra})

    def state(self) -> Any:
        response = self.client.get(f"/api/v1/carts/{self.cart_id}", headers=self.auth)
        assert response.status_code == 200, response.text
        return response.json()


@dataclass
class Api:
    client: TestClient
    services: Services
    device_token: str

    def new_cart(self) -> Cart:
        response = self.client.post(
            "/api/v1/carts", headers={"Authorization": f"Bearer {self.device_token}"}
        )
        assert response.status_code == 201, response.text
        body = response.json()
        return Cart(self.client, body["cart_id"], body["token"])

    def staff_token(self, role: str = "associate") -> str:
        name = f"{role}-{uuid.uuid4().hex[:6]}"
        self.services.access.add_staff(name, "a good long password", role)
        response = self.client.post(
            "/api/v1/staff/login", json={"username": name, "password": "a good long password"}
        )
        assert response.status_code == 200, response.text
        return str(response.json()["token"])


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    settings = make_settings(f"sqlite:///{tmp_path / 'aisle.db'}", tmp_path)
    services = demo_store(settings)
    _, device_token = services.access.add_device("cart-1")
    with TestClient(create_app(settings, services)) as client:
        yield Api(client, services, device_token)
    services.close()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """For the ``aisle`` command: a fresh data folder, a good secret, no stray settings."""
    monkeypatch.setenv("AISLE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AISLE_SECRET_KEY", SECRET)
    monkeypatch.delenv("AISLE_DATABASE_URL", raising=False)
    monkeypatch.delenv("AISLE_DEMO", raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    return tmp_path
