"""Make the README's screenshots from the built-in demo data: `python docs/screenshot.py`."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from pln_reader.demo import load_demo
from pln_reader.library.facade import open_library
from pln_reader.ui.app import PlnApp

HERE = Path(__file__).parent


async def shoot(home: Path) -> None:
    with open_library(home) as library:
        load_demo(library)
        library.refresh(force=True)
        urls = [k.url for k in library.links()]
        library.save(urls[1], fetch_new=False)
        library.add_note(urls[1], "Try the audit questions with our Year 9 team.")
        library.share(urls[3], channel="team", comment="For Monday's meeting", fetch_new=False)
        app = PlnApp(library)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            app.theme = "textual-dark"
            await pilot.press("j")
            await pilot.pause()
            app.save_screenshot(str(HERE / "screenshot-main.svg"))
            await pilot.press("question_mark")
            await pilot.pause()
            app.save_screenshot(str(HERE / "screenshot-help.svg"))


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(shoot(Path(tmp)))
