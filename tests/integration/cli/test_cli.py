"""Every CLI command through click's runner, against a local server and a real home."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pln_reader.cli.main import cli
from tests.corpus_paths import CORPUS, needs_corpus
from tests.integration.server import FeedServer

pytestmark = needs_corpus


def feed(title: str, *items: tuple[str, str]) -> bytes:
    body = "".join(f"<item><title>{t}</title><link>{u}</link><description>About {t}</description>"
                   f"<pubDate>Mon, 16 Nov 2026 10:00:00 GMT</pubDate></item>" for t, u in items)
    return f'<rss version="2.0"><channel><title>{title}</title>{body}</channel></rss>'.encode()


def test_full_cli_session(server: FeedServer, pln, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a = server.serve("/a.xml", feed("Teacher blog", ("Retrieval practice", "https://example.org/retrieval"),
                                    ("Feedback", "https://example.org/feedback?utm_source=rss")))
    b = server.serve("/b.xml", feed("Leader blog", ("Retrieval practice", "https://example.org/retrieval")))

    pln("list", "create", "Teaching", "--purpose", "Better lessons", "--context", "professional", "--budget", "10")
    out = pln("add", a, b, "--list", "Teaching").stdout
    assert out.count("added:") == 2

    lists = json.loads(pln("lists", "--json").stdout)
    assert lists[0]["name"] == "Teaching" and lists[0]["purpose"] == "Better lessons"
    assert lists[0]["budget_minutes"] == 10 and lists[0]["unread"] == 2

    sources = json.loads(pln("sources", "--json").stdout)
    assert {s["url"] for s in sources} == {a, b}
    for s in sources:
        assert set(s) >= {"id", "kind", "url", "title", "lists", "entries", "status", "error"}
        assert s["lists"] == ["Teaching"] and s["status"] == "ok" and s["error"] is None

    links = json.loads(pln("links", "--json").stdout)
    assert len(links) == 2
    shared = next(k for k in links if k["url"] == "https://example.org/retrieval")
    assert set(shared["sources"]) == {"Teacher blog", "Leader blog"}
    assert shared["lists"] == ["Teaching"] and shared["published"] == "2026-11-16T10:00:00Z"
    assert shared["read"] is False and shared["saved"] is False
    assert any(k["url"] == "https://example.org/feedback" for k in links)  # utm_* removed

    refreshed = json.loads(pln("refresh", "--force", "--json").stdout)
    assert {r["status"] for r in refreshed["sources"]} == {"not_modified"}
    assert refreshed["server"] is None and refreshed["skipped"] == 0

    found = json.loads(pln("search", "retrieval", "--json").stdout)
    assert [k["url"] for k in found] == ["https://example.org/retrieval"]

    pln("save", "https://example.org/feedback")
    assert [k["url"] for k in json.loads(pln("links", "--saved", "--json").stdout)] == ["https://example.org/feedback"]
    pln("save", "https://elsewhere.example/not-in-a-feed")  # any URL can be saved
    assert len(json.loads(pln("links", "--saved", "--json").stdout)) == 2
    pln("unsave", "https://elsewhere.example/not-in-a-feed")

    pln("mark-read", "https://example.org/retrieval")
    unread = json.loads(pln("links", "--unread", "--json").stdout)
    assert {k["url"] for k in unread} == {"https://example.org/feedback", "https://elsewhere.example/not-in-a-feed"}
    assert "marked 0 links read in Teaching" in pln("mark-read", "--list", "Teaching").stdout  # saved one stays
    pln("unsave", "https://example.org/feedback")
    assert "marked 1 link read" in pln("mark-read", "--list", "Teaching").stdout

    pln("list", "edit", "Teaching", "--rename", "Schools", "--budget", "5")
    assert json.loads(pln("lists", "--json").stdout)[0]["name"] == "Schools"

    exported = tmp_path / "out.opml"
    pln("export", "opml", "-o", str(exported))
    text = exported.read_text()
    assert 'pln:budget="5"' in text and a in text and "Better lessons" in text

    assert "removed" in pln("remove", a).stdout
    assert {s["url"] for s in json.loads(pln("sources", "--json").stdout)} == {b}
    pln("list", "delete", "Schools")
    assert json.loads(pln("lists", "--json").stdout) == []

    pln("import", str(exported))
    assert [t["name"] for t in json.loads(pln("lists", "--json").stdout)] == ["Schools"]


def test_errors_are_one_line_on_stderr(server: FeedServer, pln) -> None:  # type: ignore[no-untyped-def]
    cases = [
        (("links", "--list", "Nope"), "no topic list named 'Nope'"),
        (("remove", "42"), "no source '42'"),
        (("save", "not a url"), "not a url"),
        (("mark-read", "https://nowhere.example/"), "no link"),
        (("add", server.url("/status/404")), "HTTP 404"),
        (("list", "create", "X", "--budget", "-3"), "-3"),
    ]
    for args, message in cases:
        result = pln(*args, ok=False)
        assert result.exit_code != 0, args
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.output


def test_refresh_exit_code_is_zero_with_failed_sources(server: FeedServer, pln) -> None:  # type: ignore[no-untyped-def]
    ok = server.serve("/ok.xml", feed("OK", ("x", "https://example.org/x")))
    pln("add", ok)
    import sqlite3

    result = pln("refresh", "--force")
    assert "1 source:" in result.stdout
    # make the feed fail: now it is a 500
    server.routes["/ok.xml"] = lambda h: h.send_plain(500, b"oops")
    result = pln("refresh", "--force")
    assert result.exit_code == 0 and "1 failed" in result.stdout and "HTTP 500" in result.stdout
    assert sqlite3  # stdlib import only to show no storage error


def test_import_corpus_opml_and_bad_opml(pln) -> None:  # type: ignore[no-untyped-def]
    out = pln("import", str(CORPUS / "opml/newsboat__category.opml")).stdout
    assert "imported" in out
    bad = pln("import", str(CORPUS / "opml/newsboat__opml-element-missing.opml"), ok=False)
    assert bad.exit_code == 1 and "not-opml" in bad.stderr


def test_demo_runs_offline(pln) -> None:  # type: ignore[no-untyped-def]
    result = pln("demo")
    assert "Teaching and learning" in result.stdout
    assert "Reading the evidence on homework, honestly" in result.stdout
    assert "shared by 3" in result.stdout  # the same article from three demo feeds is one row


def test_python_dash_m_and_home_after_command(tmp_path: Path) -> None:
    home = tmp_path / "h"
    out = subprocess.run([sys.executable, "-m", "pln_reader", "lists", "--home", str(home), "--json"],
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
    assert (home / "pln.db").exists()


def script(home: str, *args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    """`python -m pln_reader` in a process of its own, as the console script runs."""
    options = {"capture_output": True, **kw} if "stdout" not in kw else kw
    return subprocess.run([sys.executable, "-m", "pln_reader", "--home", home, *args],
                          check=False, text=True, **options)  # type: ignore[call-overload]


def test_the_script_exits_with_its_status_and_all_its_output(tmp_path: Path) -> None:
    # `pln` leaves without the interpreter's teardown (cli.main.leave): the exit status and
    # every byte of output must still come out, whatever the size.
    home = str(tmp_path / "h")
    demo = script(home, "demo", "--no-ui")
    assert demo.returncode == 0 and "explore it" in demo.stdout
    listed = script(home, "links", "--json")
    rows = json.loads(listed.stdout)  # the whole document, not a buffer's worth of it
    assert listed.returncode == 0 and len(rows) >= 10
    usage = script(home, "links", "--limit", "0")
    assert usage.returncode == 2 and usage.stderr.startswith("error: ")
    missing = script(home, "hide", "https://nowhere.example/")
    assert missing.returncode == 1 and missing.stderr == "error: no link https://nowhere.example/ in the library\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_to_a_full_device_is_one_line(tmp_path: Path) -> None:
    home = str(tmp_path / "h")
    assert script(home, "demo", "--no-ui").returncode == 0
    with open("/dev/full", "w") as full:
        result = script(home, "links", stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 1
    assert result.stderr == "error: cannot write the output: No space left on device\n"


def test_hostile_titles_reach_the_terminal_cleaned(server: FeedServer, pln) -> None:  # type: ignore[no-untyped-def]
    hostile = (b"<rss version='2.0'><channel><title>Evil&#x1b;]0;pwned&#x7;Feed</title>"
               b"<item><title>[@click=app.quit]x[/] &#x1b;[2Jcleared &#x9b;31mred</title>"
               b"<link>https://example.org/evil</link>"
               b"<description>&lt;script&gt;alert(1)&lt;/script&gt;text &#x1b;[5m</description></item>"
               b"</channel></rss>")
    url = server.serve("/evil.xml", hostile)
    pln("add", url)
    out = pln("links").stdout + pln("sources").stdout + pln("links", "--json").stdout
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out
    # (&#x9b; becomes "›", as HTML reads numeric references in 0x80-0x9f: harmless)
    assert "[@click=app.quit]x[/] cleared ›31mred" in out
    assert "EvilFeed" in pln("sources").stdout
    assert "alert(1)" not in json.loads(pln("links", "--json").stdout)[0]["summary"]


def test_refresh_progress_lines_when_not_a_terminal(server: FeedServer, pln) -> None:  # type: ignore[no-untyped-def]
    a = server.serve("/a.xml", feed("Alpha", ("x", "https://example.org/x")))
    b = server.serve("/b.xml", feed("Beta", ("y", "https://example.org/y")))
    pln("add", a, b)
    err = pln("refresh", "--force").stderr
    assert "[1/2] not_modified" in err and "[2/2] not_modified" in err


def test_a_broken_database_is_a_clean_storage_error(tmp_path: Path) -> None:
    home = tmp_path / "broken"
    home.mkdir()
    (home / "pln.db").write_bytes(b"this is not a database, just some bytes" * 100)
    result = CliRunner().invoke(cli, ["--home", str(home), "lists"])
    assert result.exit_code == 1
    assert "cannot open the database" in result.stderr and "not a database" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_hidden_links_can_be_listed_and_shown_again(pln, library, tmp_path) -> None:  # type: ignore[no-untyped-def]
    feed = tmp_path / "f.xml"
    feed.write_text("<rss version='2.0'><channel><title>B</title><item><title>One</title>"
                    "<link>https://b.example/1</link></item><item><title>Two</title>"
                    "<link>https://b.example/2</link></item></channel></rss>")
    pln("add", str(feed))
    assert "hidden: https://b.example/1" in pln("hide", "https://b.example/1").output
    assert [k["url"] for k in json.loads(pln("links", "--json").output)] == ["https://b.example/2"]
    hidden = json.loads(pln("links", "--hidden", "--json").output)
    assert [(k["url"], k["hidden"]) for k in hidden] == [("https://b.example/1", True)]
    pln("unhide", "https://b.example/1")
    assert len(json.loads(pln("links", "--json").output)) == 2


def test_typed_text_is_cleaned_wherever_it_is_printed(pln, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    evil = "Evil\x1b]52;c;aGk=\x07\x1b[2J"
    outputs = [pln("list", "create", evil), pln("list", "edit", evil, "--purpose", "p")]
    pln("save", "https://example.org/a")
    outputs.append(pln("tag", "https://example.org/a", f"t{evil}"))
    outputs.append(pln("notes"))
    outputs.append(pln("list", "delete", "no such\x1b[2J list", ok=False))
    outputs.append(pln("list", "delete", evil))
    for result in outputs:
        assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stdout + result.stderr
    assert "Evil" in outputs[0].stdout and "tags: tEvil" in outputs[2].stdout
