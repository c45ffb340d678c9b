# The C kernel's interface (_kernel.c): the pricing programme's forward passes.
from decimal import Decimal

def run(
    classes: tuple[tuple[int, int, int, tuple[tuple[int, int, int, int], ...]], ...],
    offers: tuple[tuple[int, ...], ...],
    spends: tuple[tuple[bool, int, int, Decimal, tuple[int, ...]], ...],
    order: list[int],
    keep: int,
    left: int,
    /,
) -> tuple[int, dict[int, tuple[int, tuple[tuple[int, ...], ...]]] | None]: ...
def solve(
    classes: tuple[tuple[int, int, int, tuple[tuple[int, int, int, int], ...]], ...],
    offers: tuple[tuple[int, ...], ...],
    spends: tuple[tuple[bool, int, int, Decimal, tuple[int, ...]], ...],
    left: int,
    group_budget: int,
    /,
) -> tuple[int, tuple[int, tuple[tuple[int, ...], ...]] | None]: ...
def futures(
    classes: tuple[tuple[int, int, int, tuple[tuple[int, int, int, int], ...]], ...],
    offers: tuple[tuple[int, ...], ...],
    spends: tuple[tuple[bool, int, int, Decimal, tuple[int, ...]], ...],
    order: list[int],
    left: int,
    /,
) -> tuple[int, int | None, object | None]: ...
def order(
    classes: tuple[tuple[int, int, int, tuple[tuple[int, int, int, int], ...]], ...],
    offers: tuple[tuple[int, ...], ...],
    spends: tuple[tuple[bool, int, int, Decimal, tuple[int, ...]], ...],
    /,
) -> list[int]: ...
def frontier(
    classes: tuple[tuple[int, int, int, tuple[tuple[int, int, int, int], ...]], ...],
    offers: tuple[tuple[int, ...], ...],
    spends: tuple[tuple[bool, int, int, Decimal, tuple[int, ...]], ...],
    order: list[int],
    left: int,
    bounds: list[tuple[list[int], object, int]],
    /,
) -> tuple[int, list[tuple[tuple[int, ...], int, tuple[tuple[int, ...], ...]]] | None]: ...
