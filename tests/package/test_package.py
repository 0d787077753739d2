"""The sdist and the wheel as an installer gets them: every file the program reads, every import
declared, clean metadata. (Installing the wheel and running it: tests/package/smoke_wheel.py,
which .ci/run runs, since it needs the package index.)"""

from __future__ import annotations

import ast
import email.parser
import importlib.metadata
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]
PACKAGE = CHECKOUT / "pln_reader"


def _git_files(under: str) -> list[str]:
    out = subprocess.run(["git", "ls-files", under], check=False, cwd=CHECKOUT, capture_output=True, text=True)
    return out.stdout.split() if out.returncode == 0 else []


def _clean_copy(to: Path) -> Path:
    """The checkout as a fresh clone has it (with uncommitted changes, without build leftovers
    such as egg-info, whose file lists setuptools would otherwise reuse)."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=CHECKOUT,
                           capture_output=True, text=True, check=True).stdout.splitlines()
    for name in files:
        source = CHECKOUT / name
        if source.is_file():
            (to / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, to / name)
    return to


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sdist, then the wheel built from the sdist (as `python -m build` does), offline."""
    out = tmp_path_factory.mktemp("dist")
    tree = _clean_copy(tmp_path_factory.mktemp("tree"))
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out),
                           str(tree)], check=False, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Deprecat" not in done.stdout + done.stderr, "setuptools warns of a deprecated setting"
    return out


def _wheel(dist: Path) -> zipfile.ZipFile:
    [wheel] = dist.glob("*.whl")
    return zipfile.ZipFile(wheel)


def _metadata(dist: Path) -> email.message.Message:
    wheel = _wheel(dist)
    [name] = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    return email.parser.Parser().parsestr(wheel.read(name).decode("utf-8"))


def package_data_files() -> list[str]:
    """Every file under pln_reader/ that is not Python (what the program reads at run time)."""
    found = []
    for path in PACKAGE.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".py", ".pyc"):
            found.append(path.relative_to(CHECKOUT).as_posix())
    return sorted(found)


def test_the_package_has_data_files_to_check() -> None:
    files = package_data_files()
    assert "pln_reader/ui/app.tcss" in files and "pln_reader/demo/lists.opml" in files


def test_the_wheel_carries_every_file_under_the_package(dist: Path) -> None:
    names = set(_wheel(dist).namelist())
    modules = sorted(p.relative_to(CHECKOUT).as_posix() for p in PACKAGE.rglob("*.py"))
    assert [f for f in package_data_files() if f not in names] == []
    assert [m for m in modules if m not in names] == []


def test_the_sdist_carries_the_sources_tests_and_docs(dist: Path) -> None:
    [sdist] = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    wanted = [f for f in _git_files("pln_reader") + _git_files("tests") + _git_files("config")
              if not f.startswith("tests/ui/__snapshots__")] or package_data_files()
    wanted += ["README.md", "CHANGES.md", "LICENSE", "pyproject.toml"]
    assert [f for f in wanted if f not in names] == []
    assert not [n for n in names if n.endswith(".pyc") or "/.work/" in n]


def test_metadata_is_complete(dist: Path) -> None:
    meta = _metadata(dist)
    assert meta["License-Expression"] == "MIT"
    assert meta["Requires-Python"] == ">=3.11"
    assert meta["Summary"] and meta["Description-Content-Type"] == "text/markdown"
    assert "pln_reader" in (meta.get_payload() or "")  # the README is the long description
    assert {u.split(",")[0] for u in meta.get_all("Project-URL", [])} >= {"Homepage", "Issues"}
    assert any(c.startswith("Programming Language :: Python :: 3.11") for c in meta.get_all("Classifier", []))
    entry_points = _wheel(dist).read(next(n for n in _wheel(dist).namelist()
                                          if n.endswith("entry_points.txt"))).decode()
    assert "pln = pln_reader.cli.main:main" in entry_points


def test_twine_check_passes(dist: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir())],
                          check=False, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def _third_party_imports() -> dict[str, set[str]]:
    """Top-level modules imported anywhere in the package (also lazily), with the files."""
    found: dict[str, set[str]] = {}
    stdlib = sys.stdlib_module_names
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) and not node.level and node.module
                     else [])
            for name in names:
                top = name.split(".")[0]
                if top not in stdlib and top != "pln_reader":
                    found.setdefault(top, set()).add(path.relative_to(CHECKOUT).as_posix())
    return found


def _requirement_name(spec: str) -> str:
    for stop in "<>=!~[; ":
        spec = spec.split(stop)[0]
    return spec.strip().lower().replace("_", "-")


def test_every_runtime_import_is_a_declared_dependency(dist: Path) -> None:
    declared = {_requirement_name(r) for r in _metadata(dist).get_all("Requires-Dist", [])
                if "extra ==" not in r}
    providers = importlib.metadata.packages_distributions()
    undeclared = {}
    for module, files in sorted(_third_party_imports().items()):
        dists = {d.lower().replace("_", "-") for d in providers.get(module, [module])}
        if not dists & declared:
            undeclared[module] = sorted(files)
    assert undeclared == {}
