"""Layout files: a store's floor plan as a store manager writes it, read into a :class:`Layout`.

The format is documented in ``docs/store-layout.md``; YAML and JSON are one format (JSON is
YAML). :func:`parse_layout` reads the text itself, not an already loaded structure, so that
every problem can name its line. It refuses the file with one :class:`LayoutError` that lists
*every* problem in the order of the file, so it is fixed in one round: first what is missing or
mistyped; when the fields are sound, what is wrong with the plan (see ``_checks``).

:func:`layout_document` writes a layout back in the same format, which reads back to the same
layout: the file is also the form layouts are stored and exported in.

>>> layout = parse_layout('''
... store: Corner shop
... size: {width: 1000, depth: 1500}
... entrance: {x: 100, y: 100}
... exit: {x: 900, y: 100}
... aisles:
...   - {name: Aisle 1, x: 400, y: 500, width: 200, depth: 800, bays: 4}
... ''')
>>> layout.aisle("aisle 1").bay_point(1)
Point(x=500, y=600)
>>> parse_layout(layout_document(layout)) == layout
True
>>> parse_layout('''
... store: Corner shop
... size: {width: 1000, depth: 1500}
... entrance: {x: 100, y: 100}
... exit: {x: 900, y: 100}
... aisles:
...   - {name: Aisle 1, x: 400, y: 500, width: 200, depth: 800, bays: seven}
... ''')
Traceback (most recent call last):
...
aisle.domain.store._errors.LayoutError: line 7, aisles[0] 'Aisle 1', bays: expected a whole \
number, at least 1; got 'seven'
"""

from __future__ import annotations

import yaml

from aisle.domain.store._checks import layout_problems
from aisle.domain.store._errors import LayoutError, LayoutProblem
from aisle.domain.store._geometry import Point, Rect
from aisle.domain.store._layout import Layout
from aisle.domain.store._reader import TOP_KEYS, NodeReader, read_layout

__all__ = ["layout_document", "parse_layout"]


def parse_layout(text: str) -> Layout:
    """Read a layout file (YAML or JSON); raises :class:`LayoutError` listing every problem."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = None if mark is None else mark.line + 1
        problem = LayoutProblem(
            line=line, field="", where="", message=f"not YAML or JSON: {error.problem}"
        )
        raise LayoutError([problem]) from None
    except yaml.YAMLError as error:
        raise LayoutError(
            [LayoutProblem(line=None, field="", where="", message=f"not YAML or JSON: {error}")]
        ) from None
    if root is None:
        message = f"the file is empty: expected a mapping of {', '.join(TOP_KEYS)}"
        raise LayoutError([LayoutProblem(line=None, field="", where="", message=message)])
    reader = NodeReader(loader)
    layout = read_layout(reader, root)
    if reader.problems or layout is None:
        raise LayoutError(_in_file_order(reader.problems))
    problems = layout_problems(layout)
    if problems:
        raise LayoutError(_in_file_order([_with_line(p, reader.lines) for p in problems]))
    return layout


def _in_file_order(problems: list[LayoutProblem]) -> list[LayoutProblem]:
    return sorted(problems, key=lambda problem: problem.line or 0)  # stable: same line, as found


def _with_line(problem: LayoutProblem, lines: dict[str, int]) -> LayoutProblem:
    field = problem.field
    while field and field not in lines:
        field = field.rpartition(".")[0]
    return LayoutProblem(
        line=lines.get(field), field=problem.field, where=problem.where, message=problem.message
    )


def layout_document(layout: Layout) -> str:
    """The layout in the file format: one line an item, reading back to the same layout."""
    lines = [
        f"store: {_text(layout.name)}",
        f"size: {{width: {layout.width}, depth: {layout.depth}}}",
        f"entrance: {_point(layout.entrance)}",
        f"exit: {_point(layout.exit)}",
        "checkouts:" + ("" if layout.checkouts else " []"),
    ]
    for checkout in layout.checkouts:
        p = checkout.point
        lines.append(f"  - {{name: {_text(checkout.name)}, x: {p.x}, y: {p.y}}}")
    lines.append("aisles:")
    for aisle in layout.aisles:
        label = f", label: {_text(aisle.label)}" if aisle.label else ""
        lines.append(
            f"  - {{name: {_text(aisle.name)}{label}, {_rect(aisle.rect)}, bays: {aisle.bays}}}"
        )
    for key, things in (("fixtures", layout.fixtures), ("obstacles", layout.obstacles)):
        lines.append(f"{key}:" + ("" if things else " []"))
        for thing in things:
            label = f"label: {_text(thing.label)}, " if thing.label else ""
            lines.append(f"  - {{{label}{_rect(thing.rect)}}}")
    return "\n".join(lines) + "\n"


def _point(point: Point) -> str:
    return f"{{x: {point.x}, y: {point.y}}}"


def _rect(rect: Rect) -> str:
    return f"x: {rect.x}, y: {rect.y}, width: {rect.width}, depth: {rect.depth}"


def _text(text: str) -> str:
    """Plain where YAML reads it back as the same text on one line of a flow mapping; quoted
    as PyYAML's emitter would otherwise; as an escaped double-quoted string, which always reads
    back, as the last resort (for a line separator, say, that a quoted scalar would fold)."""
    chosen = _flow(text, allow_unicode=True, style=None)
    for candidate in (text, chosen):
        try:
            if candidate.splitlines() == [candidate] and yaml.safe_load(f"{{k: {candidate}}}") == {
                "k": text
            }:
                return candidate
        except yaml.YAMLError:
            continue
    return _flow(text, allow_unicode=False, style='"')


def _flow(text: str, *, allow_unicode: bool, style: str | None) -> str:
    written = yaml.safe_dump(
        {"k": text},
        default_flow_style=True,
        default_style=style,
        allow_unicode=allow_unicode,
        width=1_000_000,
    )
    return written.strip().removeprefix("{").removesuffix("}").split(": ", 1)[1]
