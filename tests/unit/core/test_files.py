"""Files pln writes are written whole or not at all, and every failure is one clear error."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pln_reader.core.errors import InputError
from pln_reader.core.files import write_atomically
from tests.tmpfs import mounted_tmpfs


def test_a_file_is_written_whole_and_replaced(tmp_path: Path) -> None:
    path = tmp_path / "out.opml"
    write_atomically(path, b"first")
    write_atomically(path, b"second")
    assert path.read_bytes() == b"second" and os.listdir(tmp_path) == ["out.opml"]
    assert path.stat().st_mode & 0o777 == 0o644


def test_a_planted_temporary_symlink_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep me")
    (tmp_path / "out.opml.tmp").symlink_to(victim)  # the fixed name an earlier pln used
    (tmp_path / ".out.opml.tmp").symlink_to(victim)
    write_atomically(tmp_path / "out.opml", b"export")
    assert victim.read_bytes() == b"keep me" and (tmp_path / "out.opml").read_bytes() == b"export"


@pytest.mark.parametrize("where", ["missing/dir/out.md", "a-file/out.md", "/proc/pln-out.md"])
def test_an_unwritable_place_is_one_clear_error(tmp_path: Path, where: str) -> None:
    (tmp_path / "a-file").write_text("x")
    path = Path(where) if where.startswith("/") else tmp_path / where
    with pytest.raises(InputError, match=r"^cannot write .*out\.md: "):
        write_atomically(path, b"data")
    assert sorted(os.listdir(tmp_path)) == ["a-file"]


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real file system of 64 KiB (tmpfs), mounted for the test; needs root."""
    with mounted_tmpfs(tmp_path / "tiny", "64k") as mount:
        yield mount


def test_a_full_disk_keeps_the_old_file_and_leaves_no_temporary(full_disk: Path) -> None:
    path = full_disk / "learned.md"
    write_atomically(path, b"last week")
    with pytest.raises(InputError, match="No space left on device"):
        write_atomically(path, b"x" * (1 << 20))
    assert path.read_bytes() == b"last week" and os.listdir(full_disk) == ["learned.md"]
