"""The HTML post in a real headless browser (Debian's chromium): its DOM as the browser built it
holds no raw Markdown, no script and no handler, and a screenshot is kept for people to look at
(tests/artifacts/, git-ignored)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import html

from pln_reader.reflect.render import to_html
from pln_reader.reflect.report import build_weekly, period_for_week
from tests.post_seed import HOSTILE_NAME, HOSTILE_TITLE, PASSAGE, seed

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).parents[1] / "artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-dev-shm-usage", "--hide-scrollbars"]

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")]


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run([str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=True)


def test_the_html_post_in_a_browser(tmp_path: Path) -> None:
    library = seed(tmp_path / "home")
    try:
        week = build_weekly(library, period_for_week("2026-W46", ZoneInfo("Europe/London")))
        page = tmp_path / "post.html"
        page.write_text(to_html(week, style="post", intro="Here are some of the things **we** learned."),
                        "utf-8")
    finally:
        library.close()

    dom = _chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    root = html.fromstring(dom)
    text = " ".join(root.text_content().split())
    assert text.startswith("What I learned: week 46 of 2026")
    assert root.xpath("count(//ol[@class='post']/li)") == 4
    # Notes are rendered: bold is <strong>, a list is a list; no Markdown left to read.
    assert root.xpath("//div[@class='intro']//strong/text()") == ["we"]
    assert "two-question starters" in root.xpath("//div[@class='note']//strong/text()")
    assert root.xpath("//div[@class='note']//li/a/@href") == ["https://leadership-weekly.example.org/checklist"]
    people = " ".join(HOSTILE_NAME.split()) + " shared " + HOSTILE_TITLE
    markdown_left = text.replace(people, "")
    assert "**" not in markdown_left and "- [" not in markdown_left and "](" not in markdown_left
    # What came from the network is text the browser shows, never markup it runs.
    assert people in text and PASSAGE in text
    assert not root.xpath("//script | //img | //iframe | //*[@onerror] | //*[@onclick]")
    assert not [h for h in root.xpath("//a/@href") if not h.startswith("https://")]
    # Nothing private in a post.
    assert not any(w in text for w in ("skimmed", "Skim time", "Reading queue", "Practice map"))

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "post_2026-W46.png"
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=900,1600", page.as_uri())
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    shutil.copy(shot, tmp_path / shot.name)
