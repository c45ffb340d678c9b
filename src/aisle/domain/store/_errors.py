"""Why a store layout was refused: every problem, each with its line in the file and its field.

A *field* is a path into the file, as a program reads it: ``aisles[2].bays`` (lists count from
0). A person reads the same place with the item's name: ``aisles[2] 'Aisle 3', bays``.

>>> problem = LayoutProblem(line=14, field="aisles[2]", where="aisles[2] 'Aisle 3'",
...                         message="overlaps aisles[1] 'Aisle 2'")
>>> str(LayoutError([problem]))
"line 14, aisles[2] 'Aisle 3': overlaps aisles[1] 'Aisle 2'"
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aisle.domain.errors import DomainError

__all__ = ["LayoutError", "LayoutProblem", "where"]


@dataclass(frozen=True, slots=True, kw_only=True)
class LayoutProblem:
    line: int | None  # 1-based; None for a layout that did not come from a file
    field: str  # "aisles[2].bays"; "" for the file as a whole
    where: str  # the field as a person reads it: "aisles[2] 'Aisle 3', bays"
    message: str

    def __str__(self) -> str:
        place = ", ".join(part for part in (self.line_text, self.where) if part)
        return f"{place}: {self.message}" if place else self.message

    @property
    def line_text(self) -> str:
        return "" if self.line is None else f"line {self.line}"


class LayoutError(DomainError, ValueError):
    """A store layout was refused. ``problems`` lists everything wrong with it; ``line`` and
    ``field`` are the first problem's. One problem reads as itself; several are listed under a
    count, one a line, in the order of the file."""

    code = "store_layout"

    def __init__(self, problems: Sequence[LayoutProblem]) -> None:
        if not problems:
            raise ValueError("LayoutError: expected at least one problem")
        self.problems = tuple(problems)
        self.line = self.problems[0].line
        self.field = self.problems[0].field
        if len(self.problems) == 1:
            super().__init__(str(self.problems[0]))
        else:
            listed = "\n".join(str(problem) for problem in self.problems)
            super().__init__(f"{len(self.problems)} problems in the store layout:\n{listed}")


def where(field: str, names: Mapping[str, str]) -> str:
    """``aisles[2].bays`` as a person reads it, naming the item when it has a name; a field
    of something unnamed (``size.width``) stays as it is.

    >>> where("aisles[2].bays", {"aisles[2]": "Aisle 3"})
    "aisles[2] 'Aisle 3', bays"
    """
    item, _, rest = field.partition(".")
    name = names.get(item, "")
    if not name:
        return field
    return f"{item} {name!r}, {rest}" if rest else f"{item} {name!r}"
