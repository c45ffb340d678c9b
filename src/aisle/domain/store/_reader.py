"""Reading a layout file's YAML nodes into a :class:`Layout`, noting each field's line.

PyYAML's composed nodes keep the line each value was written on, which is what a store manager
needs to find a problem; the values themselves are read with YAML's own rules (so ``0x10``,
``1_000`` and ``yes`` mean what YAML says) and then held to the format's: whole centimetres,
names as text, no unknown or repeated keys.

PyYAML is the one library the domain takes beyond the standard library and biip, on purpose: it
reads text into values and does no I/O, and nothing else gives the lines that the errors
promise. (The promotion file reads its YAML in the service for the same reason it can: it
needs the catalog; a layout needs nothing but itself.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from aisle.domain.store._errors import LayoutProblem, where
from aisle.domain.store._geometry import Point, Rect
from aisle.domain.store._layout import Aisle, Checkout, Fixture, Layout, Obstacle

__all__ = ["TOP_KEYS", "NodeReader", "read_layout"]

TOP_KEYS = ("store", "size", "entrance", "exit", "checkouts", "aisles", "fixtures", "obstacles")
_REQUIRED = ("store", "size", "entrance", "exit", "aisles")
_RECT = ("x", "y", "width", "depth")
_STR_TAG = "tag:yaml.org,2002:str"


class NodeReader:
    """Reads composed YAML nodes into values, noting each field's line and every problem."""

    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self.lines: dict[str, int] = {}
        self.names: dict[str, str] = {}
        self.problems: list[LayoutProblem] = []

    def problem(self, line: int | None, field: str, message: str) -> None:
        self.problems.append(
            LayoutProblem(line=line, field=field, where=where(field, self.names), message=message)
        )

    def mapping(
        self, node: Node, field: str, required: Sequence[str], optional: Sequence[str] = ()
    ) -> dict[str, Node] | None:
        line = node.start_mark.line + 1
        self.lines[field] = line
        known = (*required, *optional)
        if not isinstance(node, MappingNode):
            self.problem(
                line,
                field,
                f"expected a mapping of {', '.join(known)}; got {_shown(self.value(node))}",
            )
            return None
        found: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = self.value(key_node)
            at = key_node.start_mark.line + 1
            if not isinstance(key, str) or key not in known:
                self.problem(
                    at, field, f"unknown key {_shown(key)}: expected one of {', '.join(known)}"
                )
            elif key in found:
                self.problem(at, _join(field, key), "given twice")
            else:
                found[key] = value_node
                self.lines[_join(field, key)] = value_node.start_mark.line + 1
        for key in required:
            if key not in found:
                self.problem(line, _join(field, key), "missing")
        return found

    def sequence(self, node: Node | None, field: str) -> list[Node]:
        if node is None:
            return []
        if not isinstance(node, SequenceNode):
            self.problem(
                node.start_mark.line + 1, field, f"expected a list; got {_shown(self.value(node))}"
            )
            return []
        return list(node.value)

    def integer(self, fields: dict[str, Node], field: str, key: str, least: int) -> int | None:
        node = fields.get(key)
        if node is None:
            return None
        value = self.value(node)
        if isinstance(value, int) and not isinstance(value, bool) and value >= least:
            return value
        what = (
            "a whole number of centimetres"
            if key in ("x", "y", "width", "depth")
            else "a whole number"
        )
        self.problem(
            node.start_mark.line + 1,
            _join(field, key),
            f"expected {what}, at least {least}; got {_shown(value)}",
        )
        return None

    def text(
        self, fields: dict[str, Node], field: str, key: str, default: str | None = None
    ) -> str | None:
        node = fields.get(key)
        if node is None:
            return default
        value = self.value(node)
        if isinstance(value, str) and value.strip():
            return value
        self.problem(
            node.start_mark.line + 1, _join(field, key), f"expected a name; got {_shown(value)}"
        )
        return None

    def value(self, node: Node) -> Any:
        if isinstance(node, MappingNode):
            return {}
        if isinstance(node, SequenceNode):
            return []
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError:  # a tag safe YAML does not read (``!!python/...``): as written
            return f"{node.tag} {node.value}"

    # -- the parts of a layout ------------------------------------------------------------------

    def point(self, node: Node, field: str) -> Point | None:
        fields = self.mapping(node, field, ("x", "y"))
        if fields is None:
            return None
        x, y = (self.integer(fields, field, key, 0) for key in ("x", "y"))
        return None if x is None or y is None else Point(x=x, y=y)

    def rect(self, fields: dict[str, Node], field: str) -> Rect | None:
        x, y = (self.integer(fields, field, key, 0) for key in ("x", "y"))
        width, depth = (self.integer(fields, field, key, 1) for key in ("width", "depth"))
        if x is None or y is None or width is None or depth is None:
            return None
        return Rect(x=x, y=y, width=width, depth=depth)

    def name_item(self, node: Node, field: str, key: str) -> None:
        """Remember an item's name before reading it, so its problems can say which it is."""
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                if (
                    isinstance(key_node, ScalarNode)
                    and key_node.value == key
                    and isinstance(value_node, ScalarNode)
                    and value_node.tag == _STR_TAG
                ):
                    self.names[field] = value_node.value

    def aisle(self, node: Node, field: str) -> Aisle | None:
        self.name_item(node, field, "name")
        fields = self.mapping(node, field, ("name", *_RECT, "bays"), ("label",))
        if fields is None:
            return None
        name, label = self.text(fields, field, "name"), self.text(fields, field, "label", "")
        rect, bays = self.rect(fields, field), self.integer(fields, field, "bays", 1)
        if name is None or label is None or rect is None or bays is None:
            return None
        return Aisle(name=name, label=label, rect=rect, bays=bays)

    def blocker(self, node: Node, field: str) -> tuple[str, Rect] | None:
        self.name_item(node, field, "label")
        fields = self.mapping(node, field, _RECT, ("label",))
        if fields is None:
            return None
        label, rect = self.text(fields, field, "label", ""), self.rect(fields, field)
        return None if label is None or rect is None else (label, rect)

    def checkout(self, node: Node, field: str) -> Checkout | None:
        self.name_item(node, field, "name")
        fields = self.mapping(node, field, ("name", "x", "y"))
        if fields is None:
            return None
        name = self.text(fields, field, "name")
        x, y = (self.integer(fields, field, key, 0) for key in ("x", "y"))
        if name is None or x is None or y is None:
            return None
        return Checkout(name=name, point=Point(x=x, y=y))


def read_layout(reader: NodeReader, root: Node) -> Layout | None:
    top = reader.mapping(root, "", _REQUIRED, ("checkouts", "fixtures", "obstacles"))
    if top is None:
        return None
    name = reader.text(top, "", "store")
    size = reader.mapping(top["size"], "size", ("width", "depth")) if "size" in top else None
    width = reader.integer(size, "size", "width", 1) if size is not None else None
    depth = reader.integer(size, "size", "depth", 1) if size is not None else None
    entrance = reader.point(top["entrance"], "entrance") if "entrance" in top else None
    exit_ = reader.point(top["exit"], "exit") if "exit" in top else None
    checkouts = [
        reader.checkout(node, f"checkouts[{i}]")
        for i, node in enumerate(reader.sequence(top.get("checkouts"), "checkouts"))
    ]
    aisle_nodes = reader.sequence(top.get("aisles"), "aisles")
    if "aisles" in top and not aisle_nodes and isinstance(top["aisles"], SequenceNode):
        reader.problem(top["aisles"].start_mark.line + 1, "aisles", "expected at least one aisle")
    aisles = [reader.aisle(node, f"aisles[{i}]") for i, node in enumerate(aisle_nodes)]
    fixtures = [
        reader.blocker(node, f"fixtures[{i}]")
        for i, node in enumerate(reader.sequence(top.get("fixtures"), "fixtures"))
    ]
    obstacles = [
        reader.blocker(node, f"obstacles[{i}]")
        for i, node in enumerate(reader.sequence(top.get("obstacles"), "obstacles"))
    ]
    if reader.problems or not (name and width and depth and entrance and exit_):
        return None
    return Layout(
        name=name,
        width=width,
        depth=depth,
        entrance=entrance,
        exit=exit_,
        checkouts=tuple(c for c in checkouts if c),
        aisles=tuple(a for a in aisles if a),
        fixtures=tuple(Fixture(label=label, rect=rect) for label, rect in filter(None, fixtures)),
        obstacles=tuple(
            Obstacle(label=label, rect=rect) for label, rect in filter(None, obstacles)
        ),
    )


def _join(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value) if isinstance(value, str) else str(value)
