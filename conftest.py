"""Collection for the whole suite: the doctests of a compiled module run on its source.

A module that mypyc compiled (:mod:`aisle.compiled`) keeps no doctests, and pytest can't collect
its source as a module while the build is what imports. So where the build runs, its source is
not collected here; ``scripts/test`` runs the pricing tests and these doctests again with
``AISLE_PURE_PYTHON=1``, on the source.
"""

from __future__ import annotations

from pathlib import Path

from aisle.compiled import source_of, state

_BUILT = {source_of(name) for name, verdict in state().items() if verdict == "compiled"}


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    return True if collection_path in _BUILT else None
