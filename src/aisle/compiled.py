"""Compiled modules, and a guard that never lets a stale build run.

The pricing programme (:mod:`aisle.domain.pricing._programme`, the dynamic programme every scan
runs) and the optimiser around it (``_optimiser``, ``_claims``) are plain, strictly typed
Python. mypyc, the compiler that ships with mypy, turns them into C extensions that run the
same code faster (:data:`COMPILED`). The programme also exists in C (:data:`NATIVE`:
``aisle/domain/pricing/_kernel.c``: a component without a threshold in doubt solved whole, and
a frontier's tracking pass), which the programme uses where it is built and current, some 20
times faster than the Python. ``scripts/setup``
builds both (:func:`main`); without a build the Python runs, as it always could
(``scripts/setup run`` installs no mypy: it builds the C kernel alone, where there is a C
compiler, and the demo store runs the rest from source).

A build sits next to its source, and Python imports an extension before a source of the same
name, even after the source has changed. So :func:`install` (called when the ``aisle`` package
is imported) puts a finder in front of Python's own: it lets a build load only while its
source still has the digest recorded when it was built (``compiled.json``, beside this file),
and otherwise imports the source and warns. ``AISLE_PURE_PYTHON=1`` imports the sources
always (and no C kernel): the test suite runs the pricing tests both ways.
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
    "NATIVE",
    "PURE",
    "StaleBuild",
    "build",
    "install",
    "judge",
    "main",
    "source_of",
    "state",
]

COMPILED = (
    "aisle.domain.pricing._programme",
    "aisle.domain.pricing._optimiser",
    "aisle.domain.pricing._claims",
)
"""The modules mypyc compiles: the programme's loops, and the optimiser's and the ceilings'
(:mod:`~aisle.domain.pricing._claims`) bookkeeping around them, are where a scan spends its time.
A test that spies on a function or method of one of them runs in the Python-alone pass."""

NATIVE = ("aisle.domain.pricing._kernel",)
"""Modules written in C (``.c`` beside the package's sources), built with setuptools. There is
no Python module of the same name: where the build is missing or stale, importing one raises
:class:`ImportError`, and its caller runs its Python instead."""

PURE = "AISLE_PURE_PYTHON"
"""Set to 1, the sources run even where a build is current."""

_SRC = Path(__file__).resolve().parent.parent
_MANIFEST = Path(__file__).resolve().with_name("compiled.json")

State = Literal["compiled", "source", "stale", "pure"]


class StaleBuild(UserWarning):
    """A build of a module whose source has changed since: the source runs instead."""


def source_of(name: str) -> Path:
    """The source file of module ``name`` in this tree (C for :data:`NATIVE`)."""
    return _SRC.joinpath(*name.split(".")).with_suffix(".c" if name in NATIVE else ".py")


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
    """Imports the source of a compiled module unless its build is current; refuses a native
    module (``native``, source in C) unless its build is current."""

    def __init__(self, names: Sequence[str], manifest: Path, native: Sequence[str] = ()) -> None:
        self.names = frozenset(names)
        self.native = frozenset(native)
        self.manifest = manifest

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if path is None:
            return None
        stem = fullname.rpartition(".")[2]
        if fullname in self.native:
            self._native(fullname, stem, path)
            return None  # current: Python's own finder loads the build
        if fullname not in self.names:
            return None
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

    def _native(self, fullname: str, stem: str, path: Sequence[str]) -> None:
        """Raise :class:`ImportError` unless the native build is current."""
        for entry in path:
            source = Path(entry) / f"{stem}.c"
            if not source.is_file():
                continue
            verdict = judge(fullname, source, self.manifest)
            if verdict == "compiled":
                return
            if verdict == "stale":
                warnings.warn(
                    f"the build of {fullname} was made from another version of {source} or is "
                    "incomplete; running the Python instead (scripts/setup rebuilds it)",
                    StaleBuild,
                    stacklevel=2,
                )
            raise ImportError(f"{fullname}: no current build ({verdict})", name=fullname)


def install(
    names: Sequence[str] = COMPILED, manifest: Path = _MANIFEST, native: Sequence[str] = NATIVE
) -> None:
    """Put the guard in front of Python's finders (once)."""
    if not any(isinstance(finder, _Guard) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Guard(names, manifest, native))


def state(honour_pure: bool = True) -> dict[str, State]:
    """For each compiled or native module, what runs (or will, once imported)."""
    return {
        name: judge(name, source_of(name), _MANIFEST, honour_pure) for name in COMPILED + NATIVE
    }


_NATIVE_BUILD = """
import sys
from setuptools import Distribution, Extension
from setuptools.command.build_ext import build_ext

modules = sys.argv[1:]
extensions = [
    Extension(name, [name.replace(".", "/") + ".c"], extra_compile_args=["-O2"])
    for name in modules
]
command = build_ext(Distribution({"name": "aisle-native", "ext_modules": extensions}))
command.inplace = True
command.ensure_finalized()
command.run()
"""
"""Builds :data:`NATIVE` modules in place in the copy (``python -c``, with the names)."""


def build(
    names: Sequence[str] = COMPILED, quiet: bool = False, native: Sequence[str] = NATIVE
) -> dict[str, str]:
    """Compile ``names`` with mypyc and ``native`` with the C compiler beside their sources and
    record their digests; returns them. mypyc needs mypy (the test extras), both need a C
    compiler and Python's headers. The build runs in a copy of the package, so that nothing
    half-built is ever beside a source. The records of modules built before and not now are
    kept (``scripts/setup run`` builds the C kernel alone)."""
    kept_modules, kept_files = _recorded(_MANIFEST)
    sources = {name: source_of(name) for name in (*names, *native)}
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
        typed = [str(source_of(name).relative_to(_SRC)) for name in names]
        if typed:
            subprocess.run(
                [sys.executable, "-m", "mypyc", *typed],
                cwd=work,
                check=True,
                stdout=subprocess.DEVNULL if quiet else None,
            )
        if native:
            subprocess.run(
                [sys.executable, "-c", _NATIVE_BUILD, *native],
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
            raise RuntimeError("the build made nothing")
        _MANIFEST.unlink(missing_ok=True)  # until the new builds are all in place: none loads
        for path in made:
            target = _SRC / path.relative_to(work)
            partial = target.with_name(target.name + ".partial")
            shutil.copy2(path, partial)
            os.replace(partial, target)  # a new file: a process that loaded the old one keeps it
    built = {str(path.relative_to(work)) for path in made}
    built |= {file for file in kept_files if (_SRC / file).is_file()}
    modules = {name: digest for name, digest in kept_modules.items() if name not in digests}
    record = {"modules": modules | digests, "files": sorted(built)}
    partial = _MANIFEST.with_name(_MANIFEST.name + ".partial")
    partial.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, _MANIFEST)
    return digests


def main(native_only: bool = False) -> None:
    """Build what is not current, and say what runs (``scripts/setup`` calls it).

    With ``native_only`` (``scripts/setup run``, which installs no mypy), only the C kernel,
    and where it can't be built (no C compiler, no Python headers) the Python runs instead,
    as it always can: the demo store is slower, not broken."""
    verdicts = state(honour_pure=False)
    if native_only:
        if any(verdicts[name] != "compiled" for name in NATIVE):
            try:
                build((), quiet=True, native=NATIVE)
            except (OSError, RuntimeError, subprocess.CalledProcessError) as error:
                print(f"the C kernel was not built ({error}): the pricing programme's Python runs")
    elif any(verdict != "compiled" for verdict in verdicts.values()):
        if importlib.util.find_spec("mypyc") is None:
            sys.exit("mypyc comes with mypy: pip install -e '.[test]' first")
        build(quiet=True)
    for name, verdict in state().items():
        print(f"{name}: {verdict}")
