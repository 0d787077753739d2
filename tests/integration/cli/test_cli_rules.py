"""`pln rule add|list|test|remove`, `pln links --hidden` and `pln story` through the real CLI."""

from __future__ import annotations

import json

from tests.integration.library.test_rules import feed
from tests.integration.server import FeedServer


def test_rule_commands_end_to_end(server: FeedServer, pln) -> None:  # type: ignore[no-untyped-def]
    a = server.serve("/a.xml", feed("Teacher blog", ("Crypto [red]in[/red] class", "https://a.example/crypto"),
                                    ("Retrieval practice", "https://a.example/retrieval")))
    b = server.serve("/b.xml", feed("Other paper", ("Retrieval practice!", "https://b.example/retrieval")))
    pln("add", a, b)
    out = pln("rule", "test", "mute", "word", "crypto").stdout
    assert "of 3 links first seen in the last 30 days:" in out
    assert "it would hide 1, keep 2" in out and "hidden: Crypto" in out
    assert json.loads(pln("rule", "list", "--json").stdout) == []  # a test saves nothing

    bad = pln("rule", "add", "mute", "regex", "[a-", ok=False)
    assert bad.exit_code != 0
    assert bad.stderr.strip().splitlines() == [
        "error: bad regular expression '[a-': unterminated character set at position 3"]

    out = pln("rule", "add", "mute", "word", "crypto").stdout
    assert out.strip() == "rule #1 saved: mute word 'crypto', hides 1 link"
    assert "Crypto" not in pln("links").stdout
    hidden = pln("links", "--hidden").stdout
    assert "hidden by rule #1 mute word \"crypto\"" in hidden
    still = pln("unhide", "https://a.example/crypto")
    assert still.stderr.strip() == ('still hidden by rule #1 mute word "crypto": '
                                    "`pln rule remove ID` shows it")
    listed = json.loads(pln("rule", "list", "--json").stdout)
    assert [(r["id"], r["action"], r["kind"], r["pattern"], r["hides"]) for r in listed] == [
        (1, "mute", "word", "crypto", 1)]
    out = pln("rule", "remove", "1").stdout
    assert out.strip() == "rule #1 removed: mute word 'crypto'; 1 link back"
    assert "Crypto" in pln("links").stdout
    assert pln("rule", "remove", "1", ok=False).stderr.strip() == "error: no rule #1 (see `pln rule list`)"


def test_links_show_one_row_per_story(server: FeedServer, pln) -> None:  # type: ignore[no-untyped-def]
    a = server.serve("/a.xml", feed("A", ("Teachers strike over pay in three regions", "https://a.example/s")))
    b = server.serve("/b.xml", feed("B", ("Teachers strike over pay in three regions", "https://b.example/s")))
    pln("add", a, b)
    rows = json.loads(pln("links", "--json").stdout)
    assert len(rows) == 1 and rows[0]["versions"] == 2
    assert "(2 versions)" in pln("links").stdout
    story = json.loads(pln("story", rows[0]["url"], "--json").stdout)
    assert sorted(k["url"] for k in story) == ["https://a.example/s", "https://b.example/s"]
