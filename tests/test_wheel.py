"""The wheel works outside the checkout, as a Python user would install it.

`pip wheel` builds it from a copy of the checkout's files (tracked and new, not ignored), without
setuptools warnings; it is installed into a fresh venv in an empty folder, and there `govgraph build`,
`query`, `export` and `serve` (with the SPARQL editor's and the explorer's assets built into the package)
work on a copy of ../shared named by the environment only. Dependencies come from a wheelhouse kept
between runs ($GOVGRAPH_WHEELHOUSE, default ~/.cache/govgraph/wheelhouse), so only the first run downloads.
"""

from __future__ import annotations

import email
import email.message
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import requests

from api.assets import EXPLORE_PACKAGE_FILES
from conftest import free_port, stop, wait_for_http
from graph.config import REPO_ROOT, SHARED_DIR

WHEELHOUSE = Path(os.environ.get("GOVGRAPH_WHEELHOUSE") or Path.home() / ".cache" / "govgraph" / "wheelhouse")
# What of ../shared the installed package is pointed at, by environment variable (one place to extend).
SHARED_ENVIRONMENT = {"GOVGRAPH_REFDATA": "refdata", "GOVGRAPH_SEED": "seed/000_860421c42e9470fd.txt", "GOVGRAPH_MEMBER_SOURCES": "sources"}
SETUPTOOLS_WARNINGS = ("BuildBackendWarning", "SetuptoolsDeprecationWarning", "is absent from the `packages` configuration")
PACKAGES = ("api", "cli", "graph", "ontology", "queries")


def run(command: list[str], **options) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, **options)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def metadata(wheel: Path) -> email.message.Message:
    """The wheel's core metadata (name, licence, Requires-Dist, …)."""
    with zipfile.ZipFile(wheel) as archive:
        return email.message_from_bytes(archive.read(next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The wheel built from a copy of the checkout (in-tree build files stay out of it); and pip's output."""
    source = tmp_path_factory.mktemp("checkout-copy")
    files = run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=REPO_ROOT).stdout.split()
    for name in files:
        if (REPO_ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO_ROOT / name, source / name)
    (source / "node_modules").symlink_to(REPO_ROOT / "node_modules")  # npm ci already ran: `make setup`
    dist = tmp_path_factory.mktemp("dist")
    built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--verbose", "--wheel-dir", str(dist), str(source)])
    return next(dist.glob("govgraph-*.whl")), built.stdout + built.stderr


def test_the_wheel_builds_without_setuptools_warnings_and_with_clean_metadata(wheel):
    path, output = wheel
    assert [line for line in output.splitlines() if any(warning in line for warning in SETUPTOOLS_WARNINGS)] == []
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
    assert metadata(path)["License-Expression"] == "MIT" and any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    tracked = set(run(["git", "ls-files", *PACKAGES], cwd=REPO_ROOT).stdout.split())
    assert tracked and tracked <= names, "every module and data file of every package is in the wheel"
    assets = {"api/static/vendor/@zazuko/yasgui/yasgui.min.js", "api/static/vendor/@zazuko/yasgui/yasgui.min.css",
              *(f"api/static/vendor/{package}/{Path(path).name}" for package, path in EXPLORE_PACKAGE_FILES.values())}
    assert assets <= names, "the front-end assets are built into the package"


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], Path]:
    """A fresh venv with the wheel, an empty working folder and an environment naming a copy of ../shared,
    and `govgraph build` run there."""
    path, _ = wheel
    root = tmp_path_factory.mktemp("outside")
    run([sys.executable, "-m", "venv", "--without-pip", str(root / "venv")])
    pip = [sys.executable, "-m", "pip", "--python", str(root / "venv" / "bin" / "python")]  # this pip, installing there
    WHEELHOUSE.mkdir(parents=True, exist_ok=True)
    offline = [*pip, "install", "--no-index", "--find-links", str(WHEELHOUSE), str(path)]
    if subprocess.run(offline, capture_output=True, timeout=600).returncode != 0:  # a dependency not in the wheelhouse yet
        requirements = root / "requirements.txt"  # the wheel's own dependencies: the wheelhouse never holds a govgraph wheel
        needed = [line for line in metadata(path).get_all("Requires-Dist") if "extra ==" not in line]
        requirements.write_text("\n".join(needed) + "\n")
        run([*pip, "download", "--dest", str(WHEELHOUSE), "--find-links", str(WHEELHOUSE), "--requirement", str(requirements)])
        run(offline)
    shared = root / "shared-copy"
    shutil.copytree(SHARED_DIR, shared)
    environment = {name: value for name, value in os.environ.items() if not name.startswith(("GOVGRAPH_", "PYTHON", "VIRTUAL_ENV"))}
    environment.update({name: str(shared / relative) for name, relative in SHARED_ENVIRONMENT.items()})
    environment["GOVGRAPH_DATA_DIR"] = str(root / "data")
    empty = root / "empty"
    empty.mkdir()
    govgraph = root / "venv" / "bin" / "govgraph"
    run([str(govgraph), "build"], cwd=empty, env=environment)
    return govgraph, environment, empty


def test_the_installed_package_builds_queries_and_exports_outside_the_checkout(installed, graph_store):
    govgraph, environment, empty = installed  # `govgraph build` has run there
    python = govgraph.parent / "python"
    where = run([str(python), "-c", "import api, graph; print(api.__file__, graph.__file__)"], cwd=empty, env=environment).stdout
    assert str(REPO_ROOT) not in where and str(govgraph.parent.parent) in where
    municipalities = "SELECT (COUNT(*) AS ?n) { ?s a <https://w3id.org/govgraph/ontology#Municipality> }"
    count = run([str(govgraph), "query", "--format", "csv", municipalities], cwd=empty, env=environment).stdout
    in_the_checkout = next(iter(graph_store.query(municipalities)))["n"].value  # the same reference data and member sources
    assert count.split() == ["n", in_the_checkout] and int(in_the_checkout) > 396  # all of NRW and the members outside it
    edges = run([str(govgraph), "export", "-p", "governance", "-f", "edges.csv", "-o", "-"], cwd=empty, env=environment).stdout
    assert edges.startswith("id,source,target") and len(edges.splitlines()) > 20 and "/graph/" not in edges


def test_the_installed_server_serves_the_graph_and_the_sparql_editor(installed):
    govgraph, environment, empty = installed
    port = free_port()
    log = open(empty.parent / "serve.log", "w")
    process = subprocess.Popen([str(govgraph), "serve", "--host", "127.0.0.1", "--port", str(port)],
                               cwd=empty, env=environment, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(url + "/sparql", process, seconds=60)
        editor = requests.get(url + "/sparql", headers={"Accept": "text/html"}, timeout=30)
        assert editor.status_code == 200 and "/sparql/assets/yasgui.min.js" in editor.text
        for asset in ("/sparql/assets/yasgui.min.js", "/sparql/assets/yasgui.min.css", *(f"/explore/assets/{name}" for name in EXPLORE_PACKAGE_FILES)):
            response = requests.get(url + asset, timeout=30)
            assert response.status_code == 200 and len(response.content) > 10_000, asset
        entity = requests.get(url + "/id/organization/ag-stadtumbau", headers={"Accept": "application/ld+json"}, timeout=30)
        assert entity.status_code == 200 and entity.json()["@context"] == url + "/context/1.0.0.jsonld"
        assert requests.get(url + "/context/1.0.0.jsonld", timeout=30).status_code == 200
    finally:
        stop(process)
        log.close()
