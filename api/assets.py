"""Where the front-end assets are: built into the package (`pip install`, see setup.py), or in the
checkout's node_modules/ (`make setup`, an editable install). Pinned npm packages either way, never a CDN."""

from __future__ import annotations

from pathlib import Path

from graph.config import REPO_ROOT

VENDOR_DIR = Path(__file__).resolve().parent / "static" / "vendor"
NODE_MODULES = REPO_ROOT / "node_modules"


def npm_file(package: str, path: str) -> Path:
    """A file of a pinned npm package: as setup.py built it into the package (`vendor/<package>/<file name>`),
    else in the checkout's node_modules/."""
    built = VENDOR_DIR / package / Path(path).name
    return built if built.is_file() else NODE_MODULES / package / path


YASGUI_DIR = npm_file("@zazuko/yasgui", "build/yasgui.min.js").parent
# The explorer's scripts by the name the page uses: npm package and path in it (setup.py builds in the same files).
EXPLORE_PACKAGE_FILES = {
    "cytoscape.min.js": ("cytoscape", "dist/cytoscape.min.js"),
    "layout-base.js": ("layout-base", "layout-base.js"),
    "cose-base.js": ("cose-base", "cose-base.js"),
    "cytoscape-fcose.js": ("cytoscape-fcose", "cytoscape-fcose.js"),
}
EXPLORE_SCRIPTS = {name: npm_file(package, path) for name, (package, path) in EXPLORE_PACKAGE_FILES.items()}
