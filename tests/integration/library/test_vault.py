"""The Markdown vault: a file per annotated or shared link, safe names, YAML front matter no
title can break, idempotent runs, the user's own section kept, nothing deleted."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pln_reader.cli.main import cli
from pln_reader.core.errors import InputError
from pln_reader.library.facade import Library
from pln_reader.reflect.vault import MARK, safe_name
from tests.tmpfs import mounted_tmpfs

HOSTILE = 'Break"\n---\nevil: true\n# a "title" ../../etc/passwd \x1b[2J CON'


def front_matter(path: Path) -> tuple[dict[str, object], str]:
    text = path.read_text("utf-8")
    match = re.match(r"\A---\n(.*?)\n---\n(.*)\Z", text, re.DOTALL)
    assert match, text[:200]
    return yaml.safe_load(match.group(1)), match.group(2)


def annotate(library: Library) -> tuple[str, str]:
    plain = "https://example.org/a"
    hostile = "https://example.org/b"
    for url, title in ((plain, "Retrieval practice: a guide"), (hostile, HOSTILE)):
        library.save(url, fetch_new=False)
        library.store.conn.execute("UPDATE links SET title = ? WHERE url = ?", [title, url])
    library.add_note(plain, "Try **two-question** starters\n\n- no marks")
    library.tag(plain, ["assessment"])
    library.share(plain, channel="team", comment="worth a look", fetch_new=False)
    library.add_note(hostile, "careful with this one")
    return plain, hostile


def test_one_file_per_link_with_front_matter_and_body(library: Library, tmp_path: Path) -> None:
    plain, _hostile = annotate(library)
    result = library.export_vault(tmp_path / "vault")
    assert len(result.written) == 2 and result.unchanged == 0
    files = sorted((tmp_path / "vault").iterdir())
    assert [p.name for p in files] == ["Break --- evil true # a title . . etc passwd [2J CON.md",
                                       "Retrieval practice a guide.md"]
    meta, body = front_matter(tmp_path / "vault" / "Retrieval practice a guide.md")
    assert meta["url"] == plain and meta["title"] == "Retrieval practice: a guide"
    assert meta["tags"] == ["assessment"] and meta["saved"] and set(meta) >= {
        "sharers", "authors", "sources", "lists", "read"}
    assert "## Notes" in body and "Try **two-question** starters" in body and "- no marks" in body
    assert "## Shares" in body and "team: “worth a look”" in body and body.rstrip().endswith(MARK)
    meta, _ = front_matter(files[0])  # the hostile title stays one value; no key is added
    assert meta["title"] == HOSTILE and "evil" not in meta


@pytest.mark.parametrize(("title", "name"), [
    ("../../secret", "secret"), ("..hidden", "hidden"), ("a/b\\c", "a b c"), ("CON", "_CON"),
    ("nul.txt", "_nul.txt"), ("x" * 300, "x" * 100), ("\u202eevil", "evil"), ("", "example.org"),
    ("   ", "example.org"),
])
def test_file_names_are_safe(title: str, name: str) -> None:
    assert safe_name(title, "https://example.org") == name


def test_a_second_run_changes_nothing_and_the_users_part_is_kept(library: Library, tmp_path: Path) -> None:
    plain, _ = annotate(library)
    folder = tmp_path / "vault"
    library.export_vault(folder)
    path = folder / "Retrieval practice a guide.md"
    path.write_text(path.read_text("utf-8") + "My own thoughts, written in Obsidian.\n", "utf-8")
    os.utime(path, (1_000_000_000, 1_000_000_000))
    mtimes = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    again = library.export_vault(folder)
    assert again.written == [] and again.unchanged == 2
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == mtimes
    # The title changes and a highlight-free note is added: same file, the user's part kept.
    library.store.conn.execute("UPDATE links SET title = 'A new title' WHERE url = ?", [plain])
    library.add_note(plain, "a second thought")
    library.export_vault(folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted(mtimes)
    text = path.read_text("utf-8")
    assert "A new title" in text and "a second thought" in text
    assert text.endswith(f"{MARK}\nMy own thoughts, written in Obsidian.\n")


def test_a_link_with_nothing_left_keeps_its_file(library: Library, tmp_path: Path) -> None:
    _, hostile = annotate(library)
    folder = tmp_path / "vault"
    library.export_vault(folder)
    [note] = library.annotations(url=hostile)
    library.delete_annotation(note.id)
    result = library.export_vault(folder)
    assert result.orphaned == 1 and len(list(folder.iterdir())) == 2
    [path] = [p for p in folder.iterdir() if p.name.startswith("Break")]
    assert "Nothing annotated, shared or applied any more" in path.read_text("utf-8")


def test_titles_that_clash_get_their_own_files(library: Library, tmp_path: Path) -> None:
    for n in range(3):
        url = f"https://example.org/same/{n}"
        library.save(url, fetch_new=False)
        library.store.conn.execute("UPDATE links SET title = 'Same title' WHERE url = ?", [url])
        library.add_note(url, f"note {n}")
    library.export_vault(tmp_path / "vault")
    names = sorted(p.name for p in (tmp_path / "vault").iterdir())
    assert len(names) == 3 and "Same title.md" in names
    assert sum(n.startswith("Same title (") for n in names) == 2


def test_the_setting_keeps_the_vault_up_to_date(library: Library, home: Path, tmp_path: Path) -> None:
    (home / "settings.toml").write_text((home / "settings.toml").read_text() + '[vault]\ndir = "notes"\n')
    runner = CliRunner()
    for args in (["save", "https://example.org/c"], ["note", "https://example.org/c", "kept in sync"]):
        assert runner.invoke(cli, ["--home", str(home), *args]).exit_code == 0
    [path] = (home / "notes").iterdir()
    assert "kept in sync" in path.read_text("utf-8")
    assert runner.invoke(cli, ["--home", str(home), "tag", "https://example.org/c", "later"]).exit_code == 0
    assert '"later"' in path.read_text("utf-8")
    result = runner.invoke(cli, ["--home", str(home), "export", "vault"])
    assert result.exit_code == 0 and "0 files written, 1 unchanged" in result.output


def test_a_vault_that_cannot_be_written_is_one_clear_error(library: Library, tmp_path: Path) -> None:
    annotate(library)
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(InputError, match="cannot write the vault"):
        library.export_vault(tmp_path / "a-file" / "vault")
    with mounted_tmpfs(tmp_path / "tiny", "8k") as tiny:
        (tiny / "filler").write_bytes(b"\0" * 4096)
        with pytest.raises(InputError, match="No space left on device"):
            for _ in range(50):  # until the disk is full
                library.add_note("https://example.org/a", "x" * 2000)
                library.export_vault(tiny / "v")
        leftovers = [p.name for p in (tiny / "v").iterdir() if not p.name.endswith(".md")]
        assert leftovers == []  # no half-written temporary files


def test_applied_entries_are_listed_and_a_link_only_applied_gets_a_file(library: Library,
                                                                        tmp_path: Path) -> None:
    from datetime import UTC, datetime

    plain, _ = annotate(library)
    library.record_applied(plain, "Tried it with 9B", at=datetime(2026, 11, 12, 15, tzinfo=UTC))
    only = "https://example.org/only-applied"
    library.record_applied(only, "Ran the meeting\nwith two questions <!-- your notes below -->",
                           at=datetime(2026, 11, 14, 9, tzinfo=UTC))
    library.store.conn.execute("UPDATE links SET title = 'Only applied' WHERE url = ?", [only])
    folder = tmp_path / "vault"
    result = library.export_vault(folder)
    assert len(result.written) == 3 and result.orphaned == 0
    _, body = front_matter(folder / "Retrieval practice a guide.md")
    assert body.index("## Shares") < body.index("## Applied")  # shares, then applied entries
    assert "## Applied\n- 2026-11-12: Tried it with 9B\n" in body
    path = folder / "Only applied.md"
    meta, body = front_matter(path)
    assert meta["url"] == only and "## Notes" not in body
    assert "- 2026-11-14: Ran the meeting\n  with two questions &lt;!-- your notes below -->" in body
    assert body.count(MARK) == 1  # the user's part starts at the one real mark
    path.write_text(path.read_text("utf-8") + "mine\n", "utf-8")
    [entry] = library.applied(url=only)
    library.delete_applied(entry.id)
    library.export_vault(folder)
    text = path.read_text("utf-8")
    assert "Nothing annotated, shared or applied any more" in text and text.endswith(f"{MARK}\nmine\n")


def test_pln_applied_updates_the_vault(library: Library, home: Path) -> None:
    (home / "settings.toml").write_text((home / "settings.toml").read_text() + '[vault]\ndir = "notes"\n')
    result = CliRunner().invoke(cli, ["--home", str(home), "applied", "https://example.org/d",
                                      "Changed my Monday briefing"])
    assert result.exit_code == 0, result.output
    [path] = (home / "notes").iterdir()
    assert "## Applied" in path.read_text("utf-8") and "Changed my Monday briefing" in path.read_text("utf-8")
