"""A compiled module runs only while its build is of the source beside it."""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aisle import compiled
from aisle.compiled import StaleBuild, _Guard, build, judge

SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A package ``guarded`` whose module ``fast`` has a "build" beside it that is not a real
    extension: if Python ever tried to load it, the import would fail."""
    folder = tmp_path / "guarded"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / "fast.py").write_text("WHERE = 'source'\n")
    (folder / f"fast{SUFFIX}").write_bytes(b"not an extension")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv(compiled.PURE, raising=False)
    yield folder
    for name in ("guarded.fast", "guarded"):
        sys.modules.pop(name, None)


def record(manifest: Path, source: Path) -> None:
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    files = [f"guarded/fast{SUFFIX}"]
    manifest.write_text(json.dumps({"modules": {"guarded.fast": digest}, "files": files}))


def test_a_module_with_no_build_runs_its_source(package: Path) -> None:
    (package / f"fast{SUFFIX}").unlink()
    assert judge("guarded.fast", package / "fast.py", package / "m.json") == "source"


def test_a_build_runs_while_its_source_is_the_one_it_was_built_from(package: Path) -> None:
    manifest = package / "m.json"
    record(manifest, package / "fast.py")
    assert judge("guarded.fast", package / "fast.py", manifest) == "compiled"
    guard = _Guard(["guarded.fast"], manifest)
    assert guard.find_spec("guarded.fast", [str(package)]) is None  # Python's finder loads it


@pytest.mark.parametrize("built_from", ["WHERE = 'an older source'\n", None])
def test_a_build_of_another_source_is_passed_over_for_the_source_with_a_warning(
    package: Path, built_from: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = package / "m.json"
    if built_from is not None:  # None: no record of the build at all
        older = package / "older.py"
        older.write_text(built_from)
        record(manifest, older)
    assert judge("guarded.fast", package / "fast.py", manifest) == "stale"
    monkeypatch.setattr(sys, "meta_path", [_Guard(["guarded.fast"], manifest), *sys.meta_path])
    with pytest.warns(StaleBuild, match="guarded.fast was built from another version"):
        module = importlib.import_module("guarded.fast")
    assert module.WHERE == "source"
    assert module.__file__ == str(package / "fast.py")


def test_the_pure_setting_runs_the_source_even_of_a_current_build(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = package / "m.json"
    record(manifest, package / "fast.py")
    monkeypatch.setenv(compiled.PURE, "1")
    assert judge("guarded.fast", package / "fast.py", manifest) == "pure"
    monkeypatch.setattr(sys, "meta_path", [_Guard(["guarded.fast"], manifest), *sys.meta_path])
    assert importlib.import_module("guarded.fast").WHERE == "source"


def test_what_scripts_setup_built_is_what_the_suite_runs() -> None:
    """``scripts/test`` sets AISLE_REQUIRE_COMPILED for its main pass, after ``scripts/setup``
    built the programme: the build, not the source, must be what prices there."""
    if not os.environ.get("AISLE_REQUIRE_COMPILED"):
        pytest.skip("run by scripts/test, after scripts/setup has built the programme")
    if os.environ.get(compiled.PURE, "") not in ("", "0"):
        pytest.skip("the pure pass runs the source on purpose")
    from aisle.domain.pricing import _programme

    assert compiled.state() == dict.fromkeys(compiled.COMPILED + compiled.NATIVE, "compiled")
    assert _programme.__file__ is not None
    assert _programme.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
    assert _programme._KERNEL is not None  # and the programme runs the C kernel


@pytest.fixture
def native(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A package ``guarded`` with a native module ``quick``: its C source and a "build" beside
    it that is not a real extension, and no Python of the same name."""
    folder = tmp_path / "guarded"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / "quick.c").write_text("/* the kernel */\n")
    (folder / f"quick{SUFFIX}").write_bytes(b"not an extension")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv(compiled.PURE, raising=False)
    yield folder
    for name in ("guarded.quick", "guarded"):
        sys.modules.pop(name, None)


def record_native(manifest: Path, source: Path) -> None:
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    files = [f"guarded/quick{SUFFIX}"]
    manifest.write_text(json.dumps({"modules": {"guarded.quick": digest}, "files": files}))


def test_a_current_native_build_is_left_to_pythons_finder(native: Path) -> None:
    manifest = native / "m.json"
    record_native(manifest, native / "quick.c")
    guard = _Guard([], manifest, ["guarded.quick"])
    assert guard.find_spec("guarded.quick", [str(native)]) is None


@pytest.mark.parametrize("case", ["stale", "no build", "pure"])
def test_a_native_module_without_a_current_build_is_not_imported(
    native: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its caller gets ImportError and runs its Python; a stale build also warns."""
    manifest = native / "m.json"
    record_native(manifest, native / "quick.c")
    if case == "stale":
        (native / "quick.c").write_text("/* the kernel, edited since its build */\n")
    elif case == "no build":
        (native / f"quick{SUFFIX}").unlink()
    else:
        monkeypatch.setenv(compiled.PURE, "1")
    guard = _Guard([], manifest, ["guarded.quick"])
    monkeypatch.setattr(sys, "meta_path", [guard, *sys.meta_path])
    if case == "stale":
        with (
            pytest.warns(StaleBuild, match="guarded.quick was made from another version"),
            pytest.raises(ImportError, match="no current build"),
        ):
            importlib.import_module("guarded.quick")
    else:
        with pytest.raises(ImportError, match="no current build"):
            importlib.import_module("guarded.quick")


def test_importing_aisle_puts_the_guard_before_pythons_own_finders() -> None:
    guards = [at for at, finder in enumerate(sys.meta_path) if isinstance(finder, _Guard)]
    paths = [
        at for at, finder in enumerate(sys.meta_path) if finder is importlib.machinery.PathFinder
    ]
    assert len(guards) == 1 and guards[0] < paths[0]


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A source tree ``aisle`` with one module to build, where :func:`build` works."""
    src = tmp_path / "src"
    (src / "aisle").mkdir(parents=True)
    (src / "aisle" / "__init__.py").write_text("")
    (src / "aisle" / "fast.py").write_text("WHERE = 'source'\n")
    monkeypatch.setattr(compiled, "_SRC", src)
    monkeypatch.setattr(compiled, "_MANIFEST", src / "aisle" / "compiled.json")
    monkeypatch.delenv(compiled.PURE, raising=False)
    return src


def fake_mypyc(edit: Path | None) -> Any:
    """What mypyc leaves in the copy it compiles: the module and its library; and, with
    ``edit``, a change to that source in the real tree while it compiles."""

    def run(args: list[str], cwd: Path, **_: object) -> None:
        for name in (f"fast{SUFFIX}", f"fast__mypyc{SUFFIX}"):
            (Path(cwd) / "aisle" / name).write_bytes(b"built")
        if edit is not None:
            edit.write_text("WHERE = 'edited while it was built'\n")

    return run


def test_a_build_is_current_with_every_file_it_made(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(subprocess, "run", fake_mypyc(edit=None))
    build(["aisle.fast"], quiet=True, native=())
    source, manifest = tree / "aisle" / "fast.py", tree / "aisle" / "compiled.json"
    assert judge("aisle.fast", source, manifest) == "compiled"
    (tree / "aisle" / f"fast__mypyc{SUFFIX}").unlink()  # the shim would fail to import
    assert judge("aisle.fast", source, manifest) == "stale"


def test_a_source_edited_while_it_is_built_leaves_the_build_stale(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tree / "aisle" / "fast.py"
    monkeypatch.setattr(subprocess, "run", fake_mypyc(edit=source))
    build(["aisle.fast"], quiet=True, native=())
    assert judge("aisle.fast", source, tree / "aisle" / "compiled.json") == "stale"


def fake_builds(*names: str) -> Any:
    """What a build leaves in the copy it works in: these extension files (mypyc's or the C
    compiler's), whatever it was asked."""

    def run(args: list[str], cwd: Path, **_: object) -> None:
        for name in names:
            (Path(cwd) / "aisle" / f"{name}{SUFFIX}").write_bytes(b"built")

    return run


def test_a_build_of_the_kernel_alone_keeps_the_records_of_what_was_built_before(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tree / "aisle" / "kernel.c").write_text("/* C */\n")
    monkeypatch.setattr(compiled, "NATIVE", ("aisle.kernel",))
    monkeypatch.setattr(subprocess, "run", fake_mypyc(edit=None))
    build(["aisle.fast"], quiet=True, native=())
    monkeypatch.setattr(subprocess, "run", fake_builds("kernel"))
    build((), quiet=True, native=("aisle.kernel",))  # what scripts/setup run does
    manifest = tree / "aisle" / "compiled.json"
    assert judge("aisle.fast", tree / "aisle" / "fast.py", manifest) == "compiled"
    assert judge("aisle.kernel", tree / "aisle" / "kernel.c", manifest) == "compiled"


def test_setup_for_running_builds_the_kernel_alone_and_never_fails_for_want_of_a_compiler(
    tree: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tree / "aisle" / "kernel.c").write_text("/* C */\n")
    monkeypatch.setattr(compiled, "NATIVE", ("aisle.kernel",))
    monkeypatch.setattr(compiled, "COMPILED", ("aisle.fast",))

    def no_compiler(args: list[str], cwd: Path, **_: object) -> None:
        assert "mypyc" not in args  # no mypy where the server alone is installed
        raise subprocess.CalledProcessError(1, args)

    monkeypatch.setattr(subprocess, "run", no_compiler)
    compiled.main(native_only=True)
    said = capsys.readouterr().out
    assert "the C kernel was not built" in said and "non-zero exit status 1" in said
    assert "the pricing programme's Python runs" in said
    assert "aisle.kernel: source" in said and "aisle.fast: source" in said

    monkeypatch.setattr(subprocess, "run", fake_builds("kernel"))
    compiled.main(native_only=True)
    assert "aisle.kernel: compiled" in capsys.readouterr().out
