"""`aisle members add`: loyalty members and the digital coupons loaded to them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from aisle.cli import app

runner = CliRunner()


def test_members_add_adds_a_member_and_later_loads_more_coupons(env: Path) -> None:
    added = runner.invoke(app, ["members", "add", "4000123", "--name", "Ana", "--coupon", "DIGI-1"])
    assert added.exit_code == 0, added.output
    assert "Member 4000123 Ana: coupons DIGI-1" in added.output
    more = runner.invoke(
        app, ["members", "add", "4000123", "--coupon", "DIGI-2", "--coupon", "DIGI-1"]
    )
    assert more.exit_code == 0, more.output
    assert "Member 4000123 Ana: coupons DIGI-1, DIGI-2" in more.output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["members", "add", "no spaces please"], "expected 1 to 40 letters, digits"),
        (["members", "add", "4000123", "--coupon", "TWO WORDS"], "no spaces"),
    ],
    ids=["a member id with spaces", "a coupon code with spaces"],
)
def test_members_add_refuses_what_no_card_or_coupon_can_hold(
    env: Path, args: list[str], words: str
) -> None:
    refused = runner.invoke(app, args)
    assert refused.exit_code == 1
    assert words in refused.output
