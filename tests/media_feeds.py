"""A podcast feed and a player that records what it was given, for the media tests (issue 20)."""

from __future__ import annotations

import json
import stat
import sys
import time
from pathlib import Path

EPISODE_PAGE = "/episodes/failure"


def podcast_feed(base: str) -> bytes:
    """Three items: an episode with a page, a video without one, and one with hostile files only."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
     xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Failure Club</title><link>{base}/</link>
<item><title>The importance of failure</title><link>{base}{EPISODE_PAGE}</link>
  <guid isPermaLink="false">ep-1</guid><pubDate>Wed, 18 Nov 2026 08:00:00 GMT</pubDate>
  <description>Show notes: why failing is how we learn.</description>
  <enclosure url="{base}/files/failure.mp3" type="audio/mpeg" length="46000000"/>
  <itunes:duration>48:03</itunes:duration>
  <psc:chapters version="1.2" xmlns:psc="http://podlove.org/simple-chapters">
    <psc:chapter start="00:00:00" title="Welcome"/><psc:chapter start="00:12:30" title="Why failing teaches"/>
  </psc:chapters></item>
<item><title>Ladder of inference</title><guid isPermaLink="false">v-1</guid>
  <pubDate>Tue, 17 Nov 2026 08:00:00 GMT</pubDate>
  <media:content url="{base}/files/ladder.mp4" type="video/mp4" duration="745"/></item>
<item><title>Hostile files</title><link>{base}/episodes/hostile</link><guid isPermaLink="false">h-1</guid>
  <pubDate>Mon, 16 Nov 2026 08:00:00 GMT</pubDate>
  <enclosure url="file:///etc/passwd" type="audio/mpeg"/>
  <enclosure url="javascript:alert(1)" type="audio/mpeg"/>
  <enclosure url="/etc/passwd; rm -rf ~" type="audio/mpeg"/>
  <enclosure url="{base}/files/x.mp3;touch%20pwned" type="audio/mpeg"/>
  <enclosure url="{base}/files/$(touch pwned).mp3" type="audio/mpeg"/></item>
</channel></rss>""".encode()


def recording_player(folder: Path, name: str = "mpv") -> Path:
    """A program called ``name`` in ``folder`` that writes its arguments (JSON) to ``name``.args."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    out = folder / f"{name}.args"
    script.write_text(f"#!{sys.executable}\nimport json, sys\n"
                      f"open({str(out)!r}, 'w').write(json.dumps(sys.argv[1:]))\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return out


def wait_for_args(path: Path, timeout: float = 10.0) -> list[str]:
    """The arguments the detached player recorded (it runs on its own: wait for it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_size:
            return json.loads(path.read_text())
        time.sleep(0.05)
    raise AssertionError(f"the player never ran ({path} not written)")


def without_browser(env: dict[str, str], path: str) -> dict[str, str]:
    """``env`` with PATH set to ``path`` and nothing that tells webbrowser where a browser is."""
    out = {k: v for k, v in env.items() if k not in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY")}
    out["PATH"] = path
    return out

