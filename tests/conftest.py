"""Shared fixtures: storage on every backend, settings, and the real data folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.support.postgres import fresh_database, postgres_server

# Shared, noisy machines: Hypothesis checks behaviour, never time.
settings.register_profile("aisle", deadline=None, print_blob=True)
settings.load_profile("aisle")

REPO = Path(__file__).resolve().parent.parent
TEST_SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Every storage test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'aisle.db'}"
        return
    server: str = request.getfixturevalue("postgres_url")
    with fresh_database(server) as url:
        yield url


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real data folder (../shared/data, or AISLE_SHARED_DATA)."""
    folder = Path(os.environ.get("AISLE_SHARED_DATA", REPO.parent / "shared" / "data"))
    if not folder.is_dir():
        if os.environ.get("AISLE_REQUIRE_SHARED_DATA"):
            pytest.fail(f"real data folder {folder} is absent, and CI requires it")
        pytest.skip(f"real data folder {folder} is absent (set AISLE_SHARED_DATA)")
    return folder
