from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aisle.bootstrap import Services
from tests.support.store import ManualClock, demo_store, make_settings


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def store(database_url: str, tmp_path: Path, clock: ManualClock) -> Iterator[Services]:
    services = demo_store(make_settings(database_url, tmp_path), clock)
    yield services
    services.close()
