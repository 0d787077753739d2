"""Pure parts of sync: list paths <-> folder names, item ids in both forms."""

from __future__ import annotations

import pytest

from pln_reader.sync.client import item_id
from pln_reader.sync.folders import is_default, list_paths, renamed, split


def test_a_nested_list_is_named_by_its_path() -> None:
    rows = [{"id": 1, "name": "Teaching", "parent_id": None},
            {"id": 2, "name": "Assessment", "parent_id": 1},
            {"id": 3, "name": "Marking", "parent_id": 2},
            {"id": 4, "name": "Care", "parent_id": None}]
    assert list_paths(rows) == {1: "Teaching", 2: "Teaching/Assessment",
                                3: "Teaching/Assessment/Marking", 4: "Care"}


def test_a_circle_of_parents_does_not_hang() -> None:
    rows = [{"id": 1, "name": "A", "parent_id": 2}, {"id": 2, "name": "B", "parent_id": 1}]
    assert list_paths(rows) == {1: "B/A", 2: "A/B"}


@pytest.mark.parametrize(("path", "expected"), [
    ("Teaching", "School"), ("Teaching/Assessment", "School/Assessment"),
    ("Teachingx", None), ("Care", None)])
def test_renamed_carries_subfolders(path: str, expected: str | None) -> None:
    assert renamed(path, "Teaching", "School") == expected


def test_split_and_default_folders() -> None:
    assert split(" Teaching / Assessment /") == ["Teaching", "Assessment"]
    assert is_default(None) and is_default("Uncategorized") and is_default("All")
    assert not is_default("Teaching")


@pytest.mark.parametrize(("raw", "short"), [
    ("1796162229558496", "1796162229558496"),
    ("tag:google.com,2005:reader/item/000661999ba6dce0", str(0x000661999BA6DCE0)),
    ("000661999ba6dce0", str(0x000661999BA6DCE0)),
])
def test_item_ids_in_long_and_short_form(raw: str, short: str) -> None:
    assert item_id(raw) == short


def test_an_id_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValueError):
        item_id("zz-not-an-id")
