"""Mastodon sources against the real GoToSocial (tests/gotosocial.py): ULID ids for lists and
statuses, Link-header paging, hashtags that need the user's token, boosts, own posts.

The library is the real one on a real SQLite file; the server is shared by the session's tests,
so each test makes its own lists, tags and links. GoToSocial makes no link cards: cards are
covered by the fakes (test_social.py).
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pln_reader.cli.main import cli
from pln_reader.library.facade import Library, open_library
from tests.gotosocial import GoToSocial, unique


def gts_home(tmp_path: Path, gts: GoToSocial, extra: str = "") -> Path:
    """A pln home whose token is ``me``'s on the GoToSocial instance."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    settings = home / "settings.toml"
    settings.write_text("[fetch]\nconnect_timeout = 5.0\nread_timeout = 10.0\n"
                        f'[social]\nmastodon_instance = "{gts.url}"\n{extra}')
    settings.chmod(0o600)
    return home


@pytest.fixture
def token(gts: GoToSocial, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PLN_MASTODON_TOKEN", gts.token("me"))
    return gts.token("me")


@pytest.fixture
def library(tmp_path: Path, gts: GoToSocial, token: str) -> Iterator[Library]:
    with open_library(gts_home(tmp_path, gts)) as lib:
        yield lib


def add_one(library: Library, target: str, list_name: str = "Network") -> object:
    [result] = library.add([target], lists=[list_name])
    assert result.error is None, result.error
    return result


def link(tag: str, n: int | str) -> str:
    return f"https://example.org/{tag}/{n}"


def cursor_of(library: Library, url: str) -> str | None:
    rows = library.store.query("SELECT f.cursor FROM fetch_state f JOIN sources s ON s.id = f.source_id"
                               " WHERE s.url = ?", [url])
    return rows[0][0] if rows else None


def test_a_list_by_its_url_with_links_boosts_and_no_instance_links(library: Library, gts: GoToSocial) -> None:
    mark = unique("t")
    list_id = gts.make_list(f"EdLeaders {mark}", ["alice", "bob"])
    assert not list_id.isdigit() and len(list_id) == 26  # a ULID
    first = gts.post("alice", f"Worth a read {link(mark, 1)} #{mark} @bob")
    gts.post("alice", f"See also {gts.url}/@bob and {first['url']} and {link(mark, 2)}")
    gts.boost("bob", first["id"])
    gts.post("carol", f"Not in the list {link(mark, 'carol')}")
    result = add_one(library, f"{gts.url}/lists/{list_id}")
    source = result.source  # type: ignore[attr-defined]
    assert (source.kind, source.url, source.title) == ("mastodon_list", f"{gts.url}/lists/{list_id}",
                                                       f"EdLeaders {mark}")
    urls = {k.url for k in library.links()}
    assert {link(mark, 1), link(mark, 2)} <= urls and link(mark, "carol") not in urls
    # hashtags, mentions and the instance's own pages (profiles, statuses) are no articles
    assert not any(u.startswith(gts.url) for u in urls)
    sharers = {e.sharer_handle for e in library.link_entries(link(mark, 1))}
    assert sharers == {f"@alice@{gts.host}", f"@bob@{gts.host}"}  # the boost is bob's share
    [one] = [k for k in library.links() if k.url == link(mark, 1)]
    assert one.shared_by == 2
    posts = library.source_posts(str(source.id), limit=100)
    assert all(p.post_url and p.post_url.startswith(f"{gts.url}/@") for p in posts)


def test_first_and_incremental_refresh_page_past_40(tmp_path: Path, gts: GoToSocial, token: str) -> None:
    mark = unique("p")
    list_id = gts.make_list(f"Paging {mark}", ["carol"])
    for n in range(45):
        last = gts.post("carol", f"Post {n} {link(mark, n)}")
    url = f"{gts.url}/lists/{list_id}"
    with open_library(gts_home(tmp_path, gts)) as library:
        add_one(library, url)
        mine = {k.url for k in library.links() if f"/{mark}/" in k.url}
        assert mine == {link(mark, n) for n in range(45)}  # two pages of at most 40
        assert cursor_of(library, url) == last["id"]  # the id the server gave, kept as text
        for n in range(45, 50):
            last = gts.post("carol", f"Post {n} {link(mark, n)}")
        [again] = library.refresh(force=True).results
        assert (again.status, again.new) == ("new", 5), again.reason
        assert cursor_of(library, url) == last["id"]
        # More than a page behind: min_id walks forward through the server's prev links.
        for n in range(50, 95):
            last = gts.post("carol", f"Post {n} {link(mark, n)}")
        [behind] = library.refresh(force=True).results
        assert (behind.status, behind.new) == ("new", 45), behind.reason
        assert cursor_of(library, url) == last["id"]
        assert {k.url for k in library.links() if f"/{mark}/" in k.url} == {link(mark, n) for n in range(95)}
        assert library.refresh(force=True).results[0].status == "unchanged"  # nothing twice


def test_shared_by_across_two_lists_and_a_hashtag(library: Library, gts: GoToSocial) -> None:
    mark = unique("s")
    article = link(mark, "shared")
    first = gts.make_list(f"A {mark}", ["alice"])
    second = gts.make_list(f"B {mark}", ["bob"])
    status = gts.post("alice", f"Good one {article}")
    gts.boost("bob", status["id"])
    gts.post("carol", f"Me too {article} #{mark}")
    add_one(library, f"{gts.url}/lists/{first}", "Leaders")
    add_one(library, f"{gts.url}/lists/{second}", "Leaders")
    tag = add_one(library, f"{gts.url}/tags/{mark.upper()}", "Tags")
    assert tag.source.url == f"{gts.url}/tags/{mark}"  # type: ignore[attr-defined]
    [top] = [k for k in library.links() if k.url == article]
    assert top.shared_by == 3 and len(top.sources) == 3
    assert {e.sharer_handle for e in library.link_entries(article)} == {
        f"@{u}@{gts.host}" for u in ("alice", "bob", "carol")}
    assert library.links(sort="shared", limit=1)[0].url == article


def test_a_hashtag_on_the_own_instance_is_read_with_the_token(library: Library, gts: GoToSocial) -> None:
    mark = unique("h")
    gts.post("alice", f"Tagged {link(mark, 1)} #{mark}")
    add_one(library, f"{gts.url}/tags/{mark}", "Tags")
    assert link(mark, 1) in {k.url for k in library.links()}
    gts.post("bob", f"Tagged later {link(mark, 2)} #{mark}")
    [again] = library.refresh(force=True).results
    assert (again.status, again.new) == ("new", 1), again.reason


def test_a_hashtag_without_sign_in_says_what_was_tried(tmp_path: Path, gts: GoToSocial,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    mark = unique("n")
    gts.post("alice", f"Tagged {link(mark, 1)} #{mark}")
    monkeypatch.delenv("PLN_MASTODON_TOKEN", raising=False)
    with open_library(gts_home(tmp_path, gts)) as library:  # its own instance, but no token
        [own] = library.add([f"{gts.url}/tags/{mark}"])
    assert own.error and f"{gts.url} requires sign-in to read hashtags" in own.error
    assert "PLN_MASTODON_TOKEN" in own.error
    assert f"/api/v1/timelines/tag/{mark}" in own.error and "advertises no RSS feed" in own.error
    # Another instance than the token's: the token is not sent, and the refusal names the instance.
    monkeypatch.setenv("PLN_MASTODON_TOKEN", gts.token("me"))
    (tmp_path / "other").mkdir()
    other = gts_home(tmp_path / "other", gts)
    (other / "settings.toml").write_text('[social]\nmastodon_instance = "https://home.example"\n')
    with open_library(other) as library:
        [far] = library.add([f"{gts.url}/tags/{mark}"])
        assert library.sources() == []
    assert far.error and f"{gts.url} requires sign-in to read hashtags (#{mark})" in far.error
    assert "only to your own instance" in far.error and gts.token("me") not in far.error


def test_mastodon_lists_suggests_a_command_that_works(tmp_path: Path, gts: GoToSocial, token: str) -> None:
    mark = unique("c")
    list_id = gts.make_list(f"Cli {mark}", ["alice"])
    gts.post("alice", f"From the CLI {link(mark, 1)}")
    home = gts_home(tmp_path, gts)
    runner = CliRunner()

    def pln(*args: str) -> Result:
        result = runner.invoke(cli, ["--home", str(home), *args], catch_exceptions=False)
        assert result.exit_code == 0, (result.output, result.stderr)
        return result

    out = pln("mastodon", "lists", "--instance", gts.url).output
    assert list_id in out and token not in out
    [line] = [x.strip() for x in out.splitlines() if x.strip().startswith(f"pln add {gts.url}/lists/{list_id}")]
    args = shlex.split(line)[1:]
    assert args == ["add", f"{gts.url}/lists/{list_id}", "--list", f"Cli {mark}"]
    assert "added" in pln(*args).output
    assert link(mark, 1) in pln("links", "--list", f"Cli {mark}").output
    assert "From the CLI" in pln("posts", f"{gts.url}/lists/{list_id}").output


def test_shares_sync_reads_own_posts_and_boosts(tmp_path: Path, gts: GoToSocial, token: str) -> None:
    mark = unique("o")
    list_id = gts.make_list(f"Own {mark}", ["alice"])
    theirs = gts.post("alice", f"Read this {link(mark, 'boosted')} and {link(mark, 'mine')}")
    home = gts_home(tmp_path, gts, f'mastodon_account = "{gts.url}/@me"\n')
    with open_library(home) as library:
        add_one(library, f"{gts.url}/lists/{list_id}")
        mine = gts.post("me", f"My take on {link(mark, 'mine')}")
        gts.boost("me", theirs["id"])
        gts.post("me", f"Not in the store {link(mark, 'elsewhere')}")
        first = library.sync_own_posts()
        assert first.errors == [] and first.recorded >= 2
        shares = {(s.link_url, s.post_url) for s in library.shares()}
        assert (link(mark, "mine"), mine["url"]) in shares
        assert any(u == link(mark, "boosted") for u, _ in shares)  # the own boost
        assert all(s.channel == "mastodon" for s in library.shares())
        second = library.sync_own_posts()
        assert second.recorded == 0 and second.known == first.recorded


def test_a_bad_token_and_an_unknown_list(tmp_path: Path, gts: GoToSocial,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    list_id = gts.make_list(unique("Bad "), ["alice"])
    monkeypatch.setenv("PLN_MASTODON_TOKEN", "not-a-real-token-0123456789")
    with open_library(gts_home(tmp_path, gts)) as library:
        [bad] = library.add([f"{gts.url}/lists/{list_id}"])
        [bad_tag] = library.add([f"{gts.url}/tags/{unique('b')}"])  # the token reads tags too
        assert library.sources() == []
    assert bad.error and gts.url in bad.error and "rejected the access token" in bad.error
    assert "not-a-real-token-0123456789" not in bad.error
    assert bad_tag.error and "rejected the access token" in bad_tag.error
    assert "not-a-real-token-0123456789" not in bad_tag.error
    monkeypatch.setenv("PLN_MASTODON_TOKEN", gts.token("me"))
    with open_library(gts_home(tmp_path, gts)) as library:
        [unknown] = library.add([f"{gts.url}/lists/01M8SQNVNR6ASDZT5HQB2NXWPK"])
        assert unknown.error and "no list 01M8SQNVNR6ASDZT5HQB2NXWPK" in unknown.error
        [others] = library.add([f"{gts.url}/lists/{gts.make_list(unique('Alice '), ['bob'], owner='alice')}"])
        assert others.error and "no list" in others.error  # alice's list is not me's to read
        assert library.sources() == []
