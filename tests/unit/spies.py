"""A test that spies on a method of a class mypyc compiles runs only where it runs as source."""

from __future__ import annotations

import pytest

from aisle import compiled


def on_source(module: str) -> pytest.MarkDecorator:
    """Skip the test where ``module`` (``aisle.domain.pricing._claims``, say) runs compiled: a
    spy can't stand in for a method of a class mypyc compiled. The Python-alone pass of
    scripts/test (``AISLE_PURE_PYTHON=1``) runs it."""
    return pytest.mark.skipif(
        compiled.state().get(module) == "compiled",
        reason="a spy can't stand in for a method of a class mypyc compiled: the Python-alone "
        "pass of scripts/test (AISLE_PURE_PYTHON=1) runs this",
    )
