"""`govgraph ask`: the named queries from the real console command on the built graph."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from queries import load_queries

ID = "https://w3id.org/govgraph/id/"
UNIT = f"unit={ID}organization/ag-stadtumbau"


@pytest.fixture(scope="module")
def ask(built):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("GOVGRAPH_")}
    environment.update(GOVGRAPH_DATA_DIR=str(built.data_dir), GOVGRAPH_BASE_IRI=built.base_iri)

    def run(*arguments: str) -> subprocess.CompletedProcess:
        command = [str(Path(sys.executable).parent / "govgraph"), "ask", *arguments]
        return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=120)

    return run


def test_without_a_name_it_lists_the_queries(ask):
    listed = ask()
    assert listed.returncode == 0
    for name in load_queries():
        assert name in listed.stdout
    assert "unit:iri" in listed.stdout and "asOf?:date" in listed.stdout


def test_table(ask):
    result = ask("who-coordinates", "--param", UNIT, "--param", "asOf=2025-03-01")
    assert result.returncode == 0, result.stderr
    assert "Sebastian Kröger" in result.stdout and "Amt für Stadterneuerung der Stadt Dortmund" in result.stdout
    assert result.stdout.rstrip().endswith("(1 row)")


def test_json_and_csv(ask):
    answer = json.loads(ask("who-coordinates", "-p", UNIT, "-p", "asOf=2025-03-01", "--format", "json").stdout)
    assert answer["asOf"] == "2025-03-01" and answer["rows"][0]["personLabel"] == "Sebastian Kröger"
    rows = list(csv.DictReader(io.StringIO(ask("who-coordinates", "-p", UNIT, "-p", "asOf=2024-12-01", "--format", "csv").stdout)))
    assert rows == []


def test_construct_answers_in_turtle(ask):
    result = ask("entity-provenance", "-p", f"entity={ID}person/sebastian-kroeger", "--format", "turtle")
    assert result.returncode == 0 and "<http://www.w3.org/ns/prov#wasDerivedFrom>" in result.stdout
    wrong = ask("entity-provenance", "-p", f"entity={ID}person/sebastian-kroeger", "--format", "csv")
    assert wrong.returncode == 2 and "turtle" in wrong.stderr


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("who-coordinates", "-p", "unit=not an iri"), "parameter 'unit'"),
        (("who-coordinates",), "missing required parameter 'unit'"),
        (("who-coordinates", "-p", UNIT, "-p", "asof=2025-03-01"), "unknown parameter 'asof'"),
        (("who-coordinates", "-p", "unit"), "not of the form name=value"),
    ],
)
def test_bad_parameters_exit_2_naming_them(ask, arguments, message):
    result = ask(*arguments)
    assert result.returncode == 2 and message in result.stderr


def test_an_unknown_query_exits_1_listing_the_valid_names(ask):
    result = ask("who-coordinate")
    assert result.returncode == 1 and "who-coordinates" in result.stderr


def test_pages_are_announced_on_stderr(ask):
    result = ask("non-member-municipalities", "-p", "pageSize=3", "--format", "json")
    assert len(json.loads(result.stdout)["rows"]) == 3 and "page=2" in result.stderr
