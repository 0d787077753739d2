"""The first hour of a new user, through the real CLI (click's runner) on a real home: usage
errors as one line, the periods of `pln learned`, and the demo's weekly list."""

from __future__ import annotations

import pytest

from pln_reader.core.periods import last_full_week, local_zone, this_week
from pln_reader.library.facade import utcnow


@pytest.mark.parametrize(("args", "message"), [
    (["learned", "--week", "2026-W99"], "error: --week: 2026-W99 is not a week (YYYY-Www)\n"),
    (["learned", "--week", "next"], "error: --week: next is not a week (YYYY-Www)\n"),
    (["learned", "--since", "2026-13-01"], "error: --since: 2026-13-01 is not a date (YYYY-MM-DD)\n"),
    # a bad date is a bad date, before any rule about which options go together
    (["learned", "--since", "2026-13-01", "--week", "this"],
     "error: --since: 2026-13-01 is not a date (YYYY-MM-DD)\n"),
    (["learned", "--until", "yesterday", "--all"], "error: --until: yesterday is not a date (YYYY-MM-DD)\n"),
    (["learned", "--week", "this", "--all"],
     "error: give one of --week, --since (with or without --until) or --all\n"),
    (["learned", "--until", "2026-11-01"], "error: --until needs --since (both dates are included)\n"),
    (["learned", "--since", "2026-11-20", "--until", "2026-11-10"],
     "error: --until: the period ends (2026-11-10) before it starts (2026-11-20)\n"),
    (["learned", "--since", "2999-01-01"], "error: --since: 2999-01-01 is after today\n"),
    (["learned", "--format", "docx"], "error: --format: 'docx' is not one of 'md', 'html', 'json', 'atom'\n"),
    (["learned", "--wek", "this"], "error: no such option '--wek'. Did you mean '--week'?\n"),
    (["review", "--days", "0"], "error: --days: 0 is not in the range x>=1\n"),
    (["note"], "error: missing argument 'URL'\n"),
    (["mark-read"], "error: give exactly one of URL, --list NAME or --all\n"),
    (["list", "create"], "error: missing argument 'NAME'\n"),
])
def test_a_usage_error_is_one_line_naming_the_option_and_the_value(pln, args, message) -> None:  # type: ignore[no-untyped-def]
    result = pln(*args, ok=False)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)


def test_the_groups_own_options_too(home) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from pln_reader.cli.main import cli

    result = CliRunner().invoke(cli, ["--hom", str(home), "lists"])
    assert (result.exit_code, result.stderr) == (2, "error: no such option '--hom'. Did you mean '--home'?\n")


def test_learned_weeks_this_last_and_since_alone(pln) -> None:  # type: ignore[no-untyped-def]
    url = "https://example.org/tried-this-week"
    pln("save", url)
    pln("note", url, "Tried it with **9B**")
    now = utcnow()
    this, last = this_week(now, local_zone()), last_full_week(now, local_zone())

    default = pln("learned")  # the last full week: empty, but this week is not
    assert f"# What I learned: week {int(last.label[-2:])} of {last.label[:4]}" in default.stdout
    assert default.stderr == (f"nothing annotated or shared in {last.label}, but this week so far "
                              "has some: pln learned --week this\n")
    assert pln("learned", "--week", "last").stderr == default.stderr
    assert pln("learned", "--week", last.label).stdout == default.stdout

    current = pln("learned", "--week", "this")
    assert "Tried it with **9B**" in current.stdout and current.stderr == ""
    assert pln("learned", "--week", this.label).stdout == current.stdout

    assert this.first_day is not None
    since = pln("learned", "--since", this.first_day.isoformat())  # from that day until now
    assert "Tried it with **9B**" in since.stdout and since.stderr == ""


def test_the_demo_weekly_list_and_review_have_something_on_first_open(pln) -> None:  # type: ignore[no-untyped-def]
    pln("demo", "--no-ui")
    this_week_post = pln("learned", "--week", "this").stdout
    assert "Supervision that learns" in this_week_post
    assert "Shared on Mastodon" in this_week_post
    last_week_post = pln("learned").stdout
    assert "Protecting teacher time" in last_week_post and "Shared with my team" in last_week_post
    assert "> For most people, the letter is the service." in last_week_post
    review = pln("review").stdout
    assert "All lists" in review and "skim time 0 of" not in review
    article = pln("article", "https://service-design.example.org/posts/start-with-the-letter").stdout
    assert "Calls asking what a letter meant fell by a third" in article


@pytest.mark.parametrize("bad", ["99999", "1441", "-5", "ten"])
def test_one_rule_for_budgets_in_the_cli_and_the_store(pln, library, bad: str) -> None:  # type: ignore[no-untyped-def]
    from pln_reader.core.errors import InputError

    message = f"a budget is a whole number of minutes from 0 to 1440 a day, not {bad}"
    result = pln("list", "create", "Reading", "--budget", bad, ok=False)
    assert (result.exit_code, result.stderr) == (2, f"error: --budget: {message}\n")
    if bad.lstrip("-").isdigit():
        with pytest.raises(InputError) as raised:
            library.create_list("Reading", budget_minutes=int(bad))
        assert str(raised.value) == message
    pln("list", "create", "Reading", "--budget", "1440")
    pln("list", "edit", "Reading", "--budget", "0")
    assert library.get_list("Reading").budget_minutes == 0
    result = pln("list", "edit", "Reading", "--budget", bad, ok=False)
    assert (result.exit_code, result.stderr) == (2, f"error: --budget: {message}\n")


def test_sources_has_a_header_and_cuts_long_names_in_the_middle(pln, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "80")
    folder = tmp_path / "a-rather-long-folder-name-that-every-feed-here-shares" / "bad"
    folder.mkdir(parents=True)
    untitled = b"<rss version='2.0'><channel><item><title>One</title><link>https://example.org/%s</link></item></channel></rss>"
    for name in ("atoma__rss__x.xml", "fp__x.xml"):
        (folder / name).write_bytes(untitled % name.encode())
    pln("add", str(folder / "atoma__rss__x.xml"), str(folder / "fp__x.xml"))
    lines = pln("sources").stdout.splitlines()
    assert lines[0] == "  id  kind  status       entries  source  [lists]"
    names = [line.split("  ")[-2] for line in lines[1:]]
    assert "…" in names[0] and names[0].endswith("/bad/atoma__rss__x.xml")
    assert "…" in names[1] and names[1].endswith("/bad/fp__x.xml")
    assert names[0].startswith("file:///") and len(names[0]) == len(names[1]) == 80 - 38 - 1


def test_numbers_agree_with_their_nouns(pln, tmp_path) -> None:  # type: ignore[no-untyped-def]
    one = tmp_path / "one.opml"
    one.write_text("<opml version='2.0'><body><outline text='Reading'>"
                   "<outline type='rss' text='A' xmlUrl='https://a.example.org/feed'/></outline></body></opml>")
    assert pln("import", str(one)).stdout.splitlines()[0] == f"imported {one}: 1 new list, 1 new source"
    pln("save", "https://example.org/a")
    assert pln("mark-read", "--all").stdout == "marked 0 links read\n"
    pln("save", "https://example.org/b")
    pln("unsave", "https://example.org/b")
    assert pln("mark-read", "--all").stdout == "marked 1 link read\n"


@pytest.mark.parametrize(("channel", "phrase"), [("twitter", "on X (Twitter)"), ("threads", "on Threads")])
def test_twitter_and_threads_are_share_channels(pln, channel: str, phrase: str) -> None:  # type: ignore[no-untyped-def]
    import json

    url = "https://example.org/worth-sharing"
    logged = json.loads(pln("share", url, "--channel", channel, "--comment", "Worth it", "--json").stdout)
    assert logged["channel"] == channel
    assert f"Shared {phrase}, " in pln("learned", "--week", "this").stdout


def test_a_note_with_no_text_and_no_terminal_is_an_error_not_an_editor(pln, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sys

    started = tmp_path / "editor-started"
    editor = tmp_path / "editor.py"
    editor.write_text(f"import sys, pathlib; pathlib.Path({str(started)!r}).touch(); "
                      "open(sys.argv[1], 'w').write('from the editor')")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    url = "https://example.org/a"
    pln("save", url)
    message = ("error: no TEXT given and stdin is not a terminal: give the note as TEXT, "
               "or --edit to open $EDITOR anyway\n")
    result = pln("note", url, ok=False)  # click's runner: stdin is not a terminal
    assert (result.exit_code, result.stderr) == (2, message)
    pln("note", url, "typed")
    result = pln("edit-note", "1", ok=False)
    assert (result.exit_code, result.stderr) == (2, message)
    assert not started.exists()
    pln("edit-note", "1", "--edit")  # asked for: the editor starts
    assert started.exists()


def test_a_new_home_is_created_and_said_once(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from pln_reader.cli.main import cli

    runner = CliRunner()
    typo = tmp_path / "plnn-home"
    first = runner.invoke(cli, ["--home", str(typo), "lists"])
    assert (first.exit_code, first.stderr) == (0, f"new library at {typo}\n")
    assert (typo / "pln.db").is_file() or any(typo.iterdir())
    second = runner.invoke(cli, ["--home", str(typo), "lists"])
    assert (second.exit_code, second.stderr) == (0, "")
    from_env = tmp_path / "from-env"
    monkeypatch.setenv("PLN_READER_HOME", str(from_env))
    third = runner.invoke(cli, ["lists"])
    assert (third.exit_code, third.stderr) == (0, f"new library at {from_env}\n")


def test_links_have_a_header_row(pln) -> None:  # type: ignore[no-untyped-def]
    pln("save", "https://example.org/a-saved-link")
    lines = pln("links").stdout.splitlines()
    assert lines[0] == "    age  title  (from)        S saved, • unread"
    assert lines[1].startswith("S•")
