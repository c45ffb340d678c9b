"""A PostgreSQL for the storage tests: the one at AISLE_TEST_POSTGRES_URL, or a throwaway one.

Where no server answers at the configured URL, a private cluster is created with the installed
PostgreSQL binaries (initdb, pg_ctl) in a temporary folder, on a free port, and removed afterwards.
The tests never skip for want of PostgreSQL: if neither works, they fail and say why.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg

from tests.support.live import free_port

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not candidates:
        raise RuntimeError(
            f"No PostgreSQL answers and {name} is not installed: "
            "install PostgreSQL (apt-get install -y postgresql) or set AISLE_TEST_POSTGRES_URL"
        )
    return candidates[-1]


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="aisle-pg-"))
    data = folder / "data"
    port = free_port()
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        user = "postgres"
        pwd.getpwnam(user)
        shutil.chown(folder, user)
        run_as = ["runuser", "-u", user, "--"]
    subprocess.run(
        [*run_as, _binary("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [
            *run_as,
            _binary("pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-w",
            "-l",
            str(folder / "log"),
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*run_as, _binary("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    url = os.environ.get("AISLE_TEST_POSTGRES_URL", DEFAULT_URL)
    if _answers(url):
        yield url
        return
    with throwaway_cluster() as started:
        yield started


@contextlib.contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server, dropped afterwards."""
    name = "aisle_test_" + uuid.uuid4().hex[:12]
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = server_url.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
