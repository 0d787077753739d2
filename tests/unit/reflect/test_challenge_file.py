"""Challenge files: the built-in one, user files in the data directory, and malformed files
refused in one line that names the file, the step and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from pln_reader.core.errors import InputError
from pln_reader.reflect.challenge import (
    BUILT_IN,
    CHECKS,
    available,
    find,
    parse_challenge,
    read_challenge,
    user_folder,
)

HEAD = """[challenge]
name = "mine"
title = "My week"
days = 7
minutes_per_day = 5
"""


def step(day: int = 1, check: str = "saved", extra: str = "") -> str:
    return (f'[[step]]\nday = {day}\ntitle = "Day {day}"\ntext = "Do the thing."\n'
            f'check = "{check}"\n{extra}')


def test_the_built_in_challenge_has_a_step_for_each_of_its_30_days() -> None:
    challenge = read_challenge(BUILT_IN / "connected-30.toml", "built-in")
    assert (challenge.name, challenge.days, challenge.minutes_per_day) == ("connected-30", 30, 10)
    assert [s.day for s in challenge.steps] == list(range(1, 31))
    assert challenge.steps[0].check == "list_with_purpose"
    assert (challenge.steps[1].check, challenge.steps[1].n) == ("sources_added", 3)
    assert challenge.steps[2].check == "social_source_added"
    assert challenge.steps[-1].check == "weekly_list_written"
    assert "review" in challenge.steps[-1].text
    assert set(CHECKS) == {s.check for s in challenge.steps}  # it uses every check
    assert all(s.title and s.text for s in challenge.steps)


def test_a_user_challenge_is_listed_beside_the_built_in_one_and_found_by_name(tmp_path: Path) -> None:
    folder = user_folder(tmp_path)
    folder.mkdir()
    (folder / "mine.toml").write_text(HEAD + step(1) + step(3, "note", "n = 2\n"), encoding="utf-8")
    (folder / "broken.toml").write_text("[challenge\n", encoding="utf-8")
    found, problems = available(tmp_path)
    assert [(c.name, c.origin) for c in found] == [("connected-30", "built-in"),
                                                   ("mine", str(folder / "mine.toml"))]
    assert len(problems) == 1 and str(folder / "broken.toml") in problems[0]
    mine = find(tmp_path, "mine")
    assert [(s.day, s.check, s.n) for s in mine.steps] == [(1, "saved", 1), (3, "note", 2)]
    assert find(tmp_path, str(folder / "mine.toml")).name == "mine"  # or by its path
    with pytest.raises(InputError, match="no challenge named 'nope'; there are: connected-30, mine"):
        find(tmp_path, "nope")


def test_a_user_file_of_the_built_in_name_comes_instead_of_it(tmp_path: Path) -> None:
    folder = user_folder(tmp_path)
    folder.mkdir()
    (folder / "connected-30.toml").write_text(HEAD.replace('"mine"', '"connected-30"') + step(),
                                              encoding="utf-8")
    assert find(tmp_path, "connected-30").days == 7
    assert [c.origin for c in available(tmp_path)[0]] == [str(folder / "connected-30.toml")]


@pytest.mark.parametrize(("text", "message"), [
    ("[challenge\nname = 1", r"^F: not valid TOML: .*line 1"),
    (HEAD + step(1) + step(2, "tweeted"),
     (r"^F: step 2 \(day 2\): unknown check 'tweeted'; allowed: list_with_purpose, sources_added, "
     r"social_source_added, skim_days_on_budget, saved, read_in_full, note, highlight, shared, "
     r"shared_on_professional_channel, weekly_list_written, source_pruned, applied$")),
    (HEAD + '[[step]]\nday = 1\ntitle = "t"\ntext = "x"\n', r"^F: step 1 \(day 1\): needs a check; allowed: list_"),
    (HEAD + step(8), r"^F: step 1: day must be a whole number from 1 to 7, not 8$"),
    (HEAD + step(1) + step(1), r"^F: step 2: day 1 has a step already \(one a day\)$"),
    (HEAD + step(1, extra="points = 3\n"), r"^F: step 1: unknown key 'points'; allowed: day, title, text, check, n$"),
    (HEAD + step(1, extra="n = 0\n"), r"^F: step 1 \(day 1\): n must be a whole number from 1 to 10000, not 0$"),
    (HEAD + step(1, extra="n = true\n"), r"^F: step 1 \(day 1\): n must be a whole number"),
    (HEAD + '[[step]]\nday = 2\ntitle = ""\ntext = "x"\ncheck = "saved"\n', r"^F: step 1 \(day 2\): needs a title"),
    (HEAD.replace("days = 7", 'days = "seven"') + step(), r"^F: \[challenge\] days must be a whole number"),
    (HEAD.replace('"mine"', '"My Week!"') + step(), r"^F: \[challenge\] name must be lower-case"),
    (HEAD + "colour = 1\n" + step(), r"^F: \[challenge\] has an unknown key 'colour'; allowed: name, title, days"),
    (HEAD, r"^F: needs \[\[step\]\] tables"),
    (step(), r"^F: needs a \[challenge\] table"),
    (HEAD + step() + "[extra]\n", r"^F: unknown table 'extra'; allowed: challenge, step$"),
])
def test_malformed_files_are_refused_in_one_line(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        parse_challenge(text, "F")
    assert "\n" not in str(caught.value)


def test_a_malformed_user_file_is_refused_with_its_path_when_started(tmp_path: Path) -> None:
    folder = user_folder(tmp_path)
    folder.mkdir()
    bad = folder / "mine.toml"
    bad.write_text(HEAD + step(1, "follow_people"), encoding="utf-8")
    with pytest.raises(InputError, match=rf"^{bad}: step 1 \(day 1\): unknown check 'follow_people'"):
        find(tmp_path, "mine")
    with pytest.raises(InputError, match="no such challenge file"):
        find(tmp_path, str(tmp_path / "missing.toml"))
