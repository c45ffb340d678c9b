"""Modules compiled with mypyc, and a guard that never lets a stale build run.

The pricing programme (:mod:`aisle.domain.pricing._programme`, the dynamic programme every scan
runs) is plain, strictly typed Python. mypyc, the compiler that ships with mypy, turns it into a
C extension that runs the same code faster: on ``benchmarks/pricing.py``, a full basket from
scratch in about 60 % of the time. ``scripts/setup`` builds it (:func:`main`); without a build
the source runs, as it always could (``scripts/setup run`` installs no mypy, so the demo store
runs the source).

A build sits next to its source, and Python imports an extension before a source of the same
name, even after the source has changed. So :func:`install` (called when the ``aisle`` package
is imported) puts a finder in front of Python's own: it lets a build load only while its
source still has the digest recorded when it was built (``compiled.json``, beside this file),
and otherwise imports the source and warns. ``AISLE_PURE_PYTHON=1`` imports the sources
always: the test suite runs the pricing tests both ways.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Literal

__all__ = [
    "COMPILED",
    "PURE",
    "StaleBuild",
    "build",
    "install",
    "judge",
    "main",
    "source_of",
    "state",
]

COMPILED = ("aisle.domain.pricing._programme",)
"""The modules mypyc compiles: the programme's loops are where a scan spends its time."""

PURE = "AISLE_PURE_PYTHON"
"""Set to 1, the sources run even where a build is current."""

_SRC = Path(__file__).resolve().parent.parent
_MANIFEST = Path(__file__).resolve().with_name("compiled.json")

State = Literal["compiled", "source", "stale", "pure"]


class StaleBuild(UserWarning):
    """A build of a module whose source has changed since: the source runs instead."""


def source_of(name: str) -> Path:
    """The source file of module ``name`` in this tree."""
    return _SRC.joinpath(*name.split(".")).with_suffix(".py")


def _digest(source: Path) -> str:
    return hashlib.sha256(source.read_bytes()).hexdigest()


def _recorded(manifest: Path) -> tuple[dict[str, str], list[str]]:
    """The digests of the sources built, by module, and every file the build made (relative to
    the folder above the manifest's); nothing when there is no manifest or it can't be read."""
    try:
        found = json.loads(manifest.read_text(encoding="utf-8"))
        modules, files = found["modules"], found["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}, []
    if not isinstance(modules, dict) or not isinstance(files, list):
        return {}, []
    return modules, files


def _builds(source: Path) -> list[Path]:
    """The extension builds of ``source``'s module beside it."""
    stem = source.stem
    return [
        source.with_name(stem + suffix)
        for suffix in importlib.machinery.EXTENSION_SUFFIXES
        if source.with_name(stem + suffix).is_file()
    ]


def judge(name: str, source: Path, manifest: Path = _MANIFEST, honour_pure: bool = True) -> State:
    """Whether module ``name`` should load its build beside ``source`` ("compiled"), its source
    because there is no build ("source"), because the build is of another source or incomplete
    ("stale"), or because :data:`PURE` asks for it ("pure")."""
    if not _builds(source):
        return "source"
    if honour_pure and os.environ.get(PURE, "") not in ("", "0"):
        return "pure"
    modules, files = _recorded(manifest)
    if modules.get(name) != _digest(source):
        return "stale"
    root = manifest.parent.parent
    if not files or not all((root / file).is_file() for file in files):
        return "stale"  # a library the build needs (mypyc's ``…__mypyc`` module) is missing
    return "compiled"


class _Guard(importlib.abc.MetaPathFinder):
    """Imports the source of a compiled module unless its build is current."""

    def __init__(self, names: Sequence[str], manifest: Path) -> None:
        self.names = frozenset(names)
        self.manifest = manifest

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in self.names or path is None:
            return None
        stem = fullname.rpartition(".")[2]
        for entry in path:
            source = Path(entry) / f"{stem}.py"
            if not source.is_file():
                continue
            verdict = judge(fullname, source, self.manifest)
            if verdict == "compiled":
                return None  # Python's own finder loads the build
            if verdict == "stale":
                warnings.warn(
                    f"the compiled {fullname} was built from another version of {source} or is "
                    "incomplete; running the source (scripts/setup rebuilds it)",
                    StaleBuild,
                    stacklevel=2,
                )
            return importlib.util.spec_from_file_location(fullname, source)
        return None


def install(names: Sequence[str] = COMPILED, manifest: Path = _MANIFEST) -> None:
    """Put the guard in front of Python's finders (once)."""
    if not any(isinstance(finder, _Guard) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Guard(names, manifest))


def state(honour_pure: bool = True) -> dict[str, State]:
    """For each compiled module, what runs (or will, once imported)."""
    return {name: judge(name, source_of(name), _MANIFEST, honour_pure) for name in COMPILED}


def build(names: Sequence[str] = COMPILED, quiet: bool = False) -> dict[str, str]:
    """Compile ``names`` with mypyc beside their sources and record their digests; returns
    them. mypyc needs mypy (the test extras) and a C compiler. The build runs in a copy of the
    package, so that nothing half-built is ever beside a source."""
    sources = {name: source_of(name) for name in names}
    with tempfile.TemporaryDirectory(prefix="aisle-mypyc-") as tmp:
        work = Path(tmp)
        shutil.copytree(
            _SRC / "aisle",
            work / "aisle",
            ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd", "compiled.json"),
        )
        files = [str(path.relative_to(_SRC)) for path in sources.values()]
        # the digests of what is compiled: the copy, not the sources, which may change meanwhile
        digests = {name: _digest(work / file) for name, file in zip(sources, files, strict=True)}
        subprocess.run(
            [sys.executable, "-m", "mypyc", *files],
            cwd=work,
            check=True,
            stdout=subprocess.DEVNULL if quiet else None,
        )
        made = [
            path
            for path in work.rglob("*")
            if path.suffix in (".so", ".pyd") and "build" not in path.relative_to(work).parts
        ]
        if not made:
            raise RuntimeError("mypyc built nothing")
        _MANIFEST.unlink(missing_ok=True)  # until the new builds are all in place: none loads
        for path in made:
            target = _SRC / path.relative_to(work)
            partial = target.with_name(target.name + ".partial")
            shutil.copy2(path, partial)
            os.replace(partial, target)  # a new file: a process that loaded the old one keeps it
    files = sorted(str(path.relative_to(work)) for path in made)
    record = {"modules": digests, "files": files}
    partial = _MANIFEST.with_name(_MANIFEST.name + ".partial")
    partial.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, _MANIFEST)
    return digests


def main() -> None:
    """Build what is not current, and say what runs (``scripts/setup`` calls it)."""
    if any(verdict != "compiled" for verdict in state(honour_pure=False).values()):
        if importlib.util.find_spec("mypyc") is None:
            sys.exit("mypyc comes with mypy: pip install -e '.[test]' first")
        build(quiet=True)
    for name, verdict in state().items():
        print(f"{name}: {verdict}")
