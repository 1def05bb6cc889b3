"""One build step on top of pyproject.toml: the front-end assets the server serves go into the package.

YASGUI (the SPARQL editor) and Cytoscape.js with its fCoSE layout (the network explorer) are copied from
the npm packages pinned in package-lock.json (`npm ci` fetches them when node_modules/ is missing) into
`api/static/vendor/<package>/` of the build, so an installed server needs no checkout, npm or CDN.
An editable install (`make setup`) serves them from the checkout's node_modules/ instead.
"""

import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
NODE_MODULES = ROOT / "node_modules"
# npm package -> the files of it the app serves (api/assets.py), with its package.json (name, version, licence)
FRONT_END_ASSETS = {
    "@zazuko/yasgui": ("build/yasgui.min.js", "build/yasgui.min.css", "package.json"),
    "cytoscape": ("dist/cytoscape.min.js", "LICENSE", "package.json"),
    "cytoscape-fcose": ("cytoscape-fcose.js", "LICENSE", "package.json"),
    "cose-base": ("cose-base.js", "LICENSE", "package.json"),
    "layout-base": ("layout-base.js", "LICENSE", "package.json"),
}


class BuildPyWithFrontEndAssets(build_py):
    """build_py, then the front-end assets into the built package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        sources = [NODE_MODULES / package / name for package, names in FRONT_END_ASSETS.items() for name in names]
        if not all(path.is_file() for path in sources):
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True)
        for package, names in FRONT_END_ASSETS.items():
            target = Path(self.build_lib) / "api" / "static" / "vendor" / package
            target.mkdir(parents=True, exist_ok=True)
            for name in names:
                shutil.copyfile(NODE_MODULES / package / name, target / Path(name).name)


setup(cmdclass={"build_py": BuildPyWithFrontEndAssets})
