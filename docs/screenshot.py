"""Make the README's screenshots from the built-in demo data: `python docs/screenshot.py`."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from pln_reader.library.facade import open_library
from pln_reader.ui.app import PlnApp

HERE = Path(__file__).parent


async def shoot(home: Path) -> None:
    with open_library(home) as library:
        library.load_demo()
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
