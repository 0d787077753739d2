"""The package's layers, read from its source with ``ast``: imports only go down.

    1  cli/  ui/            faces: library/ and core/ only (cli opens ui lazily, in one place)
    2  library/
    3  refresh/  reflect/  sync/
    4  articles/  social/
    5  feeds/  opml/  imports/   pure parsing: core/ only
    6  net/  store/
    7  core/  demo/

A folder may import folders on lower layers or itself. Every import counts: at module level,
inside functions and under ``if TYPE_CHECKING:``. Inside one folder a circle of modules is
allowed only when one of its imports is under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "pln_reader"

LAYERS: dict[str, int] = {
    "cli": 1, "ui": 1,
    "library": 2,
    "refresh": 3, "reflect": 3, "sync": 3,
    "articles": 4, "social": 4,
    "feeds": 5, "opml": 5, "imports": 5,
    "net": 6, "store": 6,
    "core": 7, "demo": 7,
}
FACES = {"cli", "ui"}
FACES_MAY_USE = {"library", "core"}
# Pure parsing does no I/O, so it reaches no store and no network: core/ only.
PURE = {"feeds", "opml", "imports"}
# The one place a face may import the other: `pln ui` (and `pln demo`) open the app.
LAZY_UI_OPEN = ("pln_reader.cli.main", "pln_reader.ui.app")
# Root modules: the package's own __init__ (the public names, lazily) and `python -m pln_reader`.
ROOT_MODULES = {"pln_reader": {"pln_reader.library", "pln_reader.core.version"},
                "pln_reader.__main__": {"pln_reader.cli.main"}}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    type_checking: bool
    in_function: bool

    def __str__(self) -> str:
        where = " (under TYPE_CHECKING)" if self.type_checking else ""
        return f"{self.source}:{self.line} imports {self.target}{where}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def _target(base: str, name: str) -> str:
    """``from base import name``: the submodule when ``name`` is one, else ``base`` itself."""
    candidate = f"{base}.{name}"
    return candidate if candidate in MODULES else base


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def edges_of(name: str, path: Path) -> list[Edge]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Edge] = []

    def visit(node: ast.AST, type_checking: bool, in_function: bool) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "pln_reader":
                    found.append(Edge(name, alias.name, node.lineno, type_checking, in_function))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if base.split(".")[0] == "pln_reader":
                for alias in node.names:
                    found.append(Edge(name, _target(base, alias.name), node.lineno, type_checking,
                                      in_function))
        for child in ast.iter_child_nodes(node):
            if isinstance(node, ast.If) and _is_type_checking(node.test) and child in node.body:
                visit(child, True, in_function)
            else:
                visit(child, type_checking,
                      in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef))

    visit(ast.parse(path.read_text("utf-8"), str(path)), False, False)
    return found


EDGES = [e for name, path in sorted(MODULES.items()) for e in edges_of(name, path)]


def folder(module: str) -> str | None:
    """The stage folder a module lives in (None for the package's root modules)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def layer_violations(edges: list[Edge]) -> list[str]:
    bad = []
    for e in edges:
        src, dst = folder(e.source), folder(e.target)
        if src is None:
            if e.target not in ROOT_MODULES.get(e.source, set()):
                bad.append(f"{e}: a root module may import only {sorted(ROOT_MODULES.get(e.source, ()))}")
            continue
        if dst is None:
            bad.append(f"{e}: nothing imports the package's root (import from its folder instead)")
            continue
        if src == dst:
            continue
        if src in FACES:
            if (e.source, e.target) == LAZY_UI_OPEN and e.in_function and not e.type_checking:
                continue
            if dst not in FACES_MAY_USE:
                bad.append(f"{e}: {src}/ may import only library/ and core/")
            continue
        if src in PURE and dst != "core":
            bad.append(f"{e}: {src}/ is pure parsing and may import only core/")
            continue
        if LAYERS[dst] <= LAYERS[src]:
            rel = "a sibling" if LAYERS[dst] == LAYERS[src] else "a higher layer"
            bad.append(f"{e}: {dst}/ is {rel} of {src}/ (layer {LAYERS[dst]} vs {LAYERS[src]})")
    return bad


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one node (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return groups


def folder_graph(edges: list[Edge]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for e in edges:
        src, dst = folder(e.source), folder(e.target)
        if src and dst and src != dst:
            graph.setdefault(src, set()).add(dst)
    return graph


def module_graph(edges: list[Edge]) -> dict[str, set[str]]:
    """Imports between modules of one folder, leaving out those under TYPE_CHECKING."""
    graph: dict[str, set[str]] = {}
    for e in edges:
        if not e.type_checking and folder(e.source) and folder(e.source) == folder(e.target):
            graph.setdefault(e.source, set()).add(e.target)
    return graph


def test_every_folder_has_a_layer() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert folders == set(LAYERS)
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert loose == ["__init__.py", "__main__.py"]


def test_imports_only_go_down() -> None:
    assert len(EDGES) > 200  # the reader found the imports
    assert layer_violations(EDGES) == []


def test_no_circle_between_folders() -> None:
    assert circles(folder_graph(EDGES)) == []


def test_no_circle_inside_a_folder_but_through_type_checking() -> None:
    assert circles(module_graph(EDGES)) == []


def test_each_folder_says_what_it_holds_and_may_import() -> None:
    for name in LAYERS:
        doc = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text("utf-8")))
        assert doc, f"{name}/__init__.py has no docstring"
        assert 2 <= len(doc.splitlines()) <= 3, f"{name}/__init__.py: two or three lines"
        assert "import" in doc.lower(), f"{name}/__init__.py does not say what it may import"


# -- the checks themselves catch what they are for ------------------------------------------


def _edge(source: str, target: str, *, type_checking: bool = False, in_function: bool = False) -> Edge:
    return Edge(source, target, 1, type_checking, in_function)


@pytest.mark.parametrize(("source", "target"), [
    ("pln_reader.feeds.prepare", "pln_reader.core.models"),      # down is fine ...
    ("pln_reader.social.fetch", "pln_reader.store.links"),
    ("pln_reader.library.facade", "pln_reader.refresh.run"),
    ("pln_reader.cli.reflect", "pln_reader.core.periods"),
    ("pln_reader.ui.app", "pln_reader.library.facade"),
])
def test_a_downward_import_passes(source: str, target: str) -> None:
    assert layer_violations([_edge(source, target)]) == []


@pytest.mark.parametrize(("source", "target", "type_checking"), [
    ("pln_reader.reflect.report", "pln_reader.library.facade", True),  # up, even for types
    ("pln_reader.feeds.prepare", "pln_reader.opml.read", False),        # a sibling
    ("pln_reader.cli.reflect", "pln_reader.reflect.learned", False),     # a face past the library
    ("pln_reader.ui.screens.reader", "pln_reader.articles.extract", False),
    ("pln_reader.ui.app", "pln_reader.cli.main", False),
    ("pln_reader.core.models", "pln_reader", False),                     # the root re-exports
    ("pln_reader.feeds.prepare", "pln_reader.store.links", False),      # pure parsing, no store
])
def test_an_upward_or_sideways_import_is_named(source: str, target: str, type_checking: bool) -> None:
    found = layer_violations([_edge(source, target, type_checking=type_checking)])
    assert len(found) == 1 and source in found[0] and target in found[0]


def test_the_ui_is_opened_only_lazily_from_the_cli() -> None:
    assert layer_violations([_edge(*LAZY_UI_OPEN, in_function=True)]) == []
    assert len(layer_violations([_edge(*LAZY_UI_OPEN)])) == 1
    assert len(layer_violations([_edge("pln_reader.cli.notes", "pln_reader.ui.app",
                                       in_function=True)])) == 1


def test_circles_are_found() -> None:
    edges = [_edge("pln_reader.store.a", "pln_reader.store.b"),
             _edge("pln_reader.store.b", "pln_reader.store.a")]
    assert circles(module_graph(edges)) == [["pln_reader.store.a", "pln_reader.store.b"]]
    edges[1] = _edge("pln_reader.store.b", "pln_reader.store.a", type_checking=True)
    assert circles(module_graph(edges)) == []
    assert circles({"feeds": {"opml"}, "opml": {"feeds"}}) == [["feeds", "opml"]]


def test_every_kind_of_import_is_read(tmp_path: Path) -> None:
    path = tmp_path / "sample.py"
    path.write_text(
        "from typing import TYPE_CHECKING\n"
        "from ..core import models\n"
        "from ..store.db import Storage\n"
        "import pln_reader.net.fetch\n"
        "if TYPE_CHECKING:\n    from ..library.facade import Library\n"
        "def f():\n    from ..refresh.run import Refresher\n", "utf-8")
    found = {(e.target, e.type_checking, e.in_function) for e in edges_of("pln_reader.feeds.sample", path)}
    assert found == {("pln_reader.core.models", False, False), ("pln_reader.store.db", False, False),
                     ("pln_reader.net.fetch", False, False), ("pln_reader.library.facade", True, False),
                     ("pln_reader.refresh.run", False, True)}


SQL_CALLS = {"execute", "executemany", "executescript", "query"}


def sql_in(name: str, source: str) -> list[str]:
    """Calls that run SQL (``.execute``, ``.query``, ...) or reach ``store.conn`` in a module
    outside store/ (in ui/, ``.query`` is Textual's DOM query and does not count)."""
    if folder(name) == "store":
        return []
    calls = SQL_CALLS - {"query"} if folder(name) == "ui" else SQL_CALLS
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in calls:
            found.append(f"{name}:{node.lineno} calls .{node.func.attr}()")
        elif isinstance(node, ast.Attribute) and node.attr == "conn" \
                and isinstance(node.value, ast.Attribute) and node.value.attr == "store":
            found.append(f"{name}:{node.lineno} reaches store.conn")
    return found


def test_only_the_store_speaks_sql() -> None:
    assert [f for name, path in sorted(MODULES.items()) for f in sql_in(name, path.read_text("utf-8"))] == []


def test_sql_outside_the_store_is_named() -> None:
    code = "def f(library):\n    library.store.conn.execute('SELECT 1')\n"
    assert len(sql_in("pln_reader.social.shorteners", code)) == 2
    assert sql_in("pln_reader.store.links", code) == []
    assert sql_in("pln_reader.ui.app", "def f(self):\n    self.query('Static')\n") == []
