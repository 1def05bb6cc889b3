"""The README's screenshots, taken anew with headless Chromium: `make screenshots`.

Builds the graph into a temporary data directory (or uses GOVGRAPH_DATA_DIR when it holds a
build), serves it with `govgraph serve` on a free port of 127.0.0.1, and writes small PNGs of the
home page, an entity page, the SPARQL editor and the explorer to docs/screenshots/.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from PIL import Image

OUTPUT = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"  # Debian's package, as the browser tests use
VIEWPORT = {"width": 1280, "height": 800}
WIDTH = 960  # pixels of the committed pictures: readable in the README, small in git
# name -> (path, what must be on screen before the picture is taken)
PAGES = {
    "home": ("/", "#working-groups .card"),
    "entity": ("/id/organization/ag-stadtumbau", ".timeline-entry"),
    "editor": ("/sparql", ".yasr .dataTable tbody tr"),
    "explorer": ("/explore?projection=governance&asOf=2025-03-01", "body[data-state=ready]"),
}


def take_screenshots(browser, base_url: str, output: Path = OUTPUT) -> list[Path]:
    """One PNG per page of PAGES, in English, scaled to WIDTH and reduced to a palette; returns the files."""
    output.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    written = []
    try:
        for name, (path, ready) in PAGES.items():
            page = context.new_page()
            page.goto(base_url + path)
            if name == "editor":
                page.locator(".yasqe_queryButton").first.click()  # the first tab, run with its example values
            page.locator(ready).first.wait_for(timeout=30_000)
            page.wait_for_timeout(300)  # let the last paint settle
            written.append(_save(page.screenshot(), output / f"{name}.png"))
            page.close()
    finally:
        context.close()
    return written


def _save(png: bytes, path: Path) -> Path:
    picture = Image.open(io.BytesIO(png)).convert("RGB")
    picture = picture.resize((WIDTH, round(picture.height * WIDTH / picture.width)), Image.LANCZOS)
    picture.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(path, optimize=True)
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    from playwright.sync_api import sync_playwright

    govgraph = str(Path(sys.executable).parent / "govgraph")
    with tempfile.TemporaryDirectory() as scratch:
        environment = dict(os.environ)
        data_dir = Path(environment.get("GOVGRAPH_DATA_DIR") or scratch)
        if not (data_dir / "current").exists():
            environment["GOVGRAPH_DATA_DIR"] = str(data_dir)
            subprocess.run([govgraph, "build"], env=environment, check=True)
        port = _free_port()
        server = subprocess.Popen([govgraph, "--data-dir", str(data_dir), "serve", "--port", str(port)], env=environment)
        base_url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    requests.get(base_url + "/sparql", timeout=1)
                    break
                except requests.RequestException:
                    time.sleep(0.1)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
                for path in take_screenshots(browser, base_url):
                    print(f"{path} ({path.stat().st_size // 1024} KB)")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
