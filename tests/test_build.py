"""The build: atomic, validated, and a failed build leaves the served store untouched."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.build import build
from graph.build.build import KEPT_OLD_STORES, PARTIAL_SUFFIX
from graph.config import Settings
from graph.errors import BuildError
from graph.store import EmbeddedStore, current_store_path

PRESS_RELEASE = "pressemitteilung-dortmund-2024-12"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Settings:
    """A data dir of its own with one good build, and a copy of the sources to break."""
    sources = tmp_path_factory.mktemp("sources")
    for path in Path(settings.sources_dir).glob("*.ttl"):
        shutil.copy(path, sources / path.name)
    own = settings.with_(data_dir=tmp_path_factory.mktemp("served"), sources_dir=sources)
    build(own)
    return own


def _served_state(settings: Settings) -> tuple[str, int]:
    link = current_store_path(settings.data_dir)
    store = EmbeddedStore.open(link, read_only=True)
    return os.readlink(link), store.triple_count()


def _break(settings: Settings, name: str, text: str) -> Path:
    path = Path(settings.sources_dir) / f"{name}.ttl"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def broken_file(served: Settings):
    """Each test adds one bad file; it is removed afterwards."""
    created: list[Path] = []

    def add(name: str, text: str) -> Path:
        created.append(_break(served, name, text))
        return created[-1]

    yield add
    for path in created:
        path.unlink()


PREFIXES = """
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix gg: <https://w3id.org/govgraph/ontology#> .
@prefix o: <organization/> .
@prefix m: <membership/> .
"""


def test_turtle_syntax_error_fails_with_file_and_line(served, broken_file):
    before = _served_state(served)
    path = broken_file("zz-syntax", PREFIXES + "\no:x skos:prefLabel \"unterminated .\n")
    with pytest.raises(BuildError) as error:
        build(served)
    assert str(path) in str(error.value) and "syntax error" in str(error.value)
    assert _served_state(served) == before


def test_membership_without_member_breaks_a_shape(served, broken_file):
    before = _served_state(served)
    path = broken_file(
        "zz-shape",
        PREFIXES
        + "\nm:broken a org:Membership ; org:organization o:ag-stadtumbau ; org:role <role/mitgliedskommune> ;"
        + f" prov:wasDerivedFrom <source/{PRESS_RELEASE}> .\n",
    )
    with pytest.raises(BuildError) as error:
        build(served)
    message = str(error.value)
    assert "https://w3id.org/govgraph/id/membership/broken" in message
    assert "org#member" in message and "shape" in message and str(path) in message
    assert _served_state(served) == before


def test_fact_without_a_source_fails(served, broken_file):
    before = _served_state(served)
    path = broken_file(
        "zz-unsourced",
        PREFIXES
        + "\nm:unsourced a org:Membership ; org:member o:gemeinde-05913000 ; org:organization o:ag-stadtumbau ;"
        + " org:role <role/mitgliedskommune> .\n",
    )
    with pytest.raises(BuildError) as error:
        build(served)
    message = str(error.value)
    assert "https://w3id.org/govgraph/id/membership/unsourced" in message
    assert "wasDerivedFrom" in message and str(path) in message
    assert _served_state(served) == before


def test_a_relation_sourced_only_in_another_file_fails(served, broken_file):
    """The union holds a source for the AG (other files), but this file states a relation of its own without one."""
    before = _served_state(served)
    path = broken_file("zz-plain-link", PREFIXES + "\no:ag-stadtumbau org:unitOf o:vorstand-netzwerk-stadtentwicklung-nrw .\n")
    with pytest.raises(BuildError) as error:
        build(served)
    message = str(error.value)
    assert "https://w3id.org/govgraph/id/organization/ag-stadtumbau: Node states facts but names no source" in message
    assert str(path) in message
    assert _served_state(served) == before


def test_undeclared_term_fails(served, broken_file):
    before = _served_state(served)
    path = broken_file("zz-undeclared", PREFIXES + "\no:ag-stadtumbau gg:inventedProperty \"x\" .\n")
    with pytest.raises(BuildError) as error:
        build(served)
    assert "https://w3id.org/govgraph/ontology#inventedProperty" in str(error.value) and str(path) in str(error.value)
    assert _served_state(served) == before


def test_missing_refdata_is_named(served):
    with pytest.raises(BuildError) as error:
        build(served.with_(refdata_dir=Path("/nonexistent/refdata")))
    assert "GOVGRAPH_REFDATA" in str(error.value)


def test_a_good_rebuild_swaps_the_store_and_keeps_an_open_reader_working(served):
    old_target, count = _served_state(served)
    reader = EmbeddedStore.open(current_store_path(served.data_dir), read_only=True)
    build(served)
    new_target, new_count = _served_state(served)
    assert new_target != old_target and new_count == count
    assert reader.triple_count() == count  # the old store still answers while a server switches over


def test_a_store_left_by_a_killed_build_is_removed_and_never_counted_as_a_kept_old_store(served, tmp_path):
    """A build loads its store under `*.partial` and renames it when complete; a killed one leaves the partial name."""
    stores = Path(served.data_dir) / "stores"
    current = current_store_path(served.data_dir).resolve()
    stamp = time.strftime("%Y%m%dT%H%M%S")
    kept = [stores / f"build-{stamp}-00000{index}" for index in range(KEPT_OLD_STORES)]
    for path in kept:  # complete older stores, newer than any before
        shutil.copytree(current, path)
    killed = stores / f"build-{stamp}-000009{PARTIAL_SUFFIX}"
    writer = subprocess.Popen([sys.executable, "-c", (  # a build's store write, killed halfway
        f"import pyoxigraph\nstore = pyoxigraph.Store({str(killed)!r})\n"
        "while True: store.bulk_load(b'<urn:a> <urn:b> <urn:c> .', format=pyoxigraph.RdfFormat.N_TRIPLES)\n")])
    while not (killed / "CURRENT").exists():
        time.sleep(0.05)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    time.sleep(1.1)  # the next build's name sorts after the planted ones
    build(served)
    remaining = sorted(path.name for path in stores.iterdir())
    new = current_store_path(served.data_dir).resolve()
    assert remaining == sorted([new.name, *(path.name for path in kept)])
    assert EmbeddedStore.open(kept[0], read_only=True).triple_count() > 0
