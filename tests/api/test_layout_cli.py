"""`aisle layout check` and `aisle layout load`: a store manager's layout file, checked whole."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from aisle.cli import DEMO_LAYOUT, app

runner = CliRunner()


BROKEN = """\
store: Corner shop
size: {width: 1000, depth: 800}
entrance: {x: 100, y: 100}
exit: {x: 900, y: 100}
aisles:
  - {name: Aisle 1, x: 200, y: 300, width: 200, depth: 400, bays: 4}
  - {name: Aisle 2, x: 300, y: 300, width: 200, depth: 400, bays: 4}
"""


def broken(env: Path) -> Path:
    """A layout whose second aisle overlaps its first, on line 7."""
    path = env / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    return path


def test_layout_check_says_the_demo_layout_is_fine(env: Path) -> None:
    result = runner.invoke(app, ["layout", "check", str(DEMO_LAYOUT)])
    assert result.exit_code == 0, result.output
    assert "15 aisles" in result.output and "fine" in result.output


def test_layout_load_makes_it_the_stores_and_names_products_it_cannot_place(env: Path) -> None:
    result = runner.invoke(app, ["layout", "load", str(DEMO_LAYOUT)])
    assert result.exit_code == 0, result.output
    assert "Loaded Aisle demo store: 15 aisles" in result.output


def test_a_broken_layout_is_refused_with_its_lines_and_nothing_is_loaded(env: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["layout", "load", str(broken(env))])
    assert result.exit_code == 1
    assert "nothing loaded" in result.output
    assert "line 7, aisles[1] 'Aisle 2': overlaps aisles[0] 'Aisle 1'" in result.output
    from aisle.bootstrap import bootstrap
    from aisle.settings import Settings

    services = bootstrap(Settings())
    try:
        assert services.finder.store_map() is None
    finally:
        services.close()
