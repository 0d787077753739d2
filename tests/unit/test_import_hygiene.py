"""Import rules, checked in a fresh interpreter: the core never imports textual or click, and
`pln --help` does not pay for the heavy libraries."""

from __future__ import annotations

import json
import subprocess
import sys


def modules_after(code: str) -> set[str]:
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_core_does_not_import_ui_or_cli() -> None:
    loaded = modules_after(
        "import pln_reader.library, pln_reader.refresh.run, pln_reader.refresh.pipeline,"
        " pln_reader.library.opml, pln_reader.refresh.opml_source, pln_reader.feeds.discover,"
        " pln_reader.reflect.render, pln_reader.reflect.review_render, pln_reader.social.own_posts"
    )
    assert "textual" not in loaded
    assert not any(name.startswith(("pln_reader.ui", "pln_reader.cli")) for name in loaded)


def test_only_the_cli_imports_click() -> None:
    # sqlite-utils itself imports click, so this is checked on our sources, not sys.modules.
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "pln_reader"
    allowed = {f"cli/{p.name}" for p in package.glob("cli/*.py")}
    offenders = []
    for path in package.rglob("*.py"):
        rel = path.relative_to(package).as_posix()
        if rel in allowed or rel.startswith("ui/"):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n.split(".")[0] in ("click", "textual") for n in names):
                offenders.append(rel)
    assert offenders == []


def test_help_is_lazy() -> None:
    loaded = modules_after(
        "import sys\nsys.argv=['pln','--help']\nfrom pln_reader.cli.main import cli\n"
        "try:\n    cli()\nexcept SystemExit:\n    pass"
    )
    for heavy in ("httpx", "sqlite_utils", "feedparser", "trafilatura", "textual", "lxml", "jinja2",
                  "markdown_it", "nh3"):
        assert heavy not in loaded, heavy


def test_fetching_does_not_load_httpx_command_line_client() -> None:
    # httpx's own CLI (rich, pygments) would cost every refresh process 6 MB and ~40 ms.
    loaded = modules_after("import pln_reader.refresh.run, pln_reader.net.fetch, httpx\n"
                           "assert callable(httpx.main)")
    assert "httpx" in loaded
    assert not {"rich", "pygments"} & loaded


def test_starting_fetch_workers_loads_neither_the_library_nor_the_network() -> None:
    # `pln refresh` starts them first thing, so that they load all this while the caller does.
    loaded = modules_after("import pln_reader.library.prestart")
    assert "pln_reader.refresh.workers" in loaded
    for heavy in ("pln_reader.library.facade", "pln_reader.refresh.pipeline", "pln_reader.store.db",
                  "asyncio", "httpx", "multiprocessing", "sqlite3"):
        assert heavy not in loaded, heavy
