"""The README's screenshots script (docs/screenshots.py) in real headless Chromium against `govgraph serve`."""

from __future__ import annotations

from PIL import Image

from docs.screenshots import PAGES, WIDTH, take_screenshots


def test_the_screenshots_script_takes_small_pictures_of_each_page(browser, live_server, tmp_path):
    written = take_screenshots(browser, live_server, tmp_path)
    assert [path.stem for path in written] == list(PAGES) == ["home", "entity", "editor", "explorer"]
    for path in written:
        with Image.open(path) as picture:
            assert picture.format == "PNG" and picture.width == WIDTH
        assert path.stat().st_size < 150_000, f"{path.name} should stay small in git"
