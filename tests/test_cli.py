"""The `govgraph` console command, run as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import ORG, RDF

from queries import load_queries

GOVGRAPH = shutil.which("govgraph") or str(Path(sys.executable).parent / "govgraph")
AG_QUERY = """PREFIX org: <http://www.w3.org/ns/org#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?label WHERE { ?ag org:subOrganizationOf <https://w3id.org/govgraph/id/organization/netzwerk-stadtentwicklung-nrw> ;
  a <https://w3id.org/govgraph/ontology#WorkingGroup> ; skos:prefLabel ?label FILTER(lang(?label) = "de") } ORDER BY ?label"""
AG_LABELS = ["AG Baulandmanagement", "AG Historische Stadt- und Ortskerne", "AG Innenstadt", "AG Soziale Stadt", "AG Stadtumbau"]


def run(built, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "GOVGRAPH_DATA_DIR": str(built.data_dir)}
    return subprocess.run([GOVGRAPH, *args], capture_output=True, text=True, env=env, input=stdin, timeout=120)


def test_query_table(built):
    result = run(built, "query", AG_QUERY)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].strip() == "label" and lines[2:-1] == [f"{label}@de" for label in AG_LABELS] and lines[-1] == "(5 rows)"


def test_query_json_is_sparql_results_json(built):
    result = run(built, "query", AG_QUERY, "--format", "json")
    document = json.loads(result.stdout)
    assert document["head"]["vars"] == ["label"]
    assert [b["label"]["value"] for b in document["results"]["bindings"]] == AG_LABELS
    assert document["results"]["bindings"][0]["label"]["xml:lang"] == "de"


def test_query_csv_has_plain_values(built):
    result = run(built, "query", AG_QUERY, "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows == [["label"]] + [[label] for label in AG_LABELS]


def test_query_tsv_keeps_rdf_terms(built):
    result = run(built, "query", AG_QUERY, "--format", "tsv")
    assert result.stdout.splitlines() == ["?label"] + [f'"{label}"@de' for label in AG_LABELS]


def test_query_turtle_for_construct_and_stdin(built):
    query = "CONSTRUCT { ?ag a <http://www.w3.org/ns/org#OrganizationalUnit> } WHERE { ?ag a <https://w3id.org/govgraph/ontology#WorkingGroup> }"
    result = run(built, "query", "-", "--format", "turtle", stdin=query)
    assert result.returncode == 0, result.stderr
    graph = Graph().parse(data=result.stdout, format="turtle")
    units = {str(subject).rsplit("/", 1)[1] for subject in graph.subjects(RDF.type, ORG.OrganizationalUnit)}
    assert units == {"ag-baulandmanagement", "ag-historische-stadt-und-ortskerne", "ag-innenstadt", "ag-soziale-stadt", "ag-stadtumbau"}


def test_query_format_that_does_not_fit_the_query_form(built):
    result = run(built, "query", "ASK { ?s ?p ?o }", "--format", "turtle")
    assert result.returncode == 2 and "CONSTRUCT/DESCRIBE" in result.stderr


def test_syntax_error_exits_1_with_line_and_column(built):
    result = run(built, "query", "SELECT * WHERE {\n ?s ?p }")
    assert result.returncode == 1
    assert "syntax error at line 2, column 2: incomplete triple pattern `?s ?p`" in result.stderr
    result = run(built, "query", "SELEC * WHERE { ?s ?p ?o }")
    assert result.returncode == 1 and "did you mean SELECT?" in result.stderr


def test_stats_lists_graphs_and_classes(built):
    result = run(built, "stats")
    assert result.returncode == 0, result.stderr
    assert "https://w3id.org/govgraph/graph/pressemitteilung-dortmund-2024-12" in result.stdout
    assert "https://w3id.org/govgraph/ontology#Municipality\t397" in result.stdout  # NRW's 396 and Bürstadt (Hessen)


def test_query_before_any_build_says_what_to_do(tmp_path):
    env = {**os.environ, "GOVGRAPH_DATA_DIR": str(tmp_path)}
    result = subprocess.run([GOVGRAPH, "query", "ASK {}"], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1 and "govgraph build" in result.stderr


def test_validate_reports_valid(built):
    result = run(built, "validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("valid:")


def _commands(listing: str) -> list[str]:
    """The command names of `govgraph --help` (lines indented by two spaces; summaries may wrap)."""
    section = listing.split("Commands:")[1].split("Environment:")[0]
    return [line.split()[0] for line in section.splitlines() if re.match(r"^  \S", line)]


def test_every_console_command_resolves_and_its_help_says_how_to_use_it(tmp_path):
    listing = subprocess.run([GOVGRAPH, "--help"], capture_output=True, text=True, timeout=60)
    assert listing.returncode == 0
    commands = _commands(listing.stdout)
    assert {"build", "validate", "query", "stats", "serve", "ask", "export", "analytics", "draw"} <= set(commands)
    assert "…" not in listing.stdout and "..." not in listing.stdout.split("Commands:")[1], "summaries are not cut"
    assert "GOVGRAPH_UPDATE_TOKEN" in listing.stdout.split("Environment:")[1]
    for command in commands:
        result = subprocess.run([GOVGRAPH, command, "--help"], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0 and "Usage: govgraph" in result.stdout, command
        assert "Environment:" in result.stdout and "GOVGRAPH_" in result.stdout.split("Environment:")[1], command
        example = result.stdout.split("Example")[1]
        assert f"govgraph {command}" in example, command


def test_ask_help_lists_the_queries():
    result = subprocess.run([GOVGRAPH, "ask", "--help"], capture_output=True, text=True, timeout=60)
    for name, query in load_queries().items():
        assert re.search(rf"^ +{name} +{re.escape(query.summary)}", result.stdout, re.M), name


def test_options_go_before_or_after_the_command(built, tmp_path):
    elsewhere = {**os.environ, "GOVGRAPH_DATA_DIR": str(tmp_path / "nothing-built-here")}
    before = subprocess.run([GOVGRAPH, "--data-dir", str(built.data_dir), "stats"], capture_output=True, text=True, env=elsewhere, timeout=120)
    after = subprocess.run([GOVGRAPH, "stats", "--data-dir", str(built.data_dir)], capture_output=True, text=True, env=elsewhere, timeout=120)
    assert before.returncode == after.returncode == 0, after.stderr
    assert before.stdout == after.stdout and "entities" in after.stdout
    answer = subprocess.run([GOVGRAPH, "query", "ASK { ?s ?p ?o }", "--data-dir", str(built.data_dir)],
                            capture_output=True, text=True, env=elsewhere, timeout=120)
    assert answer.returncode == 0 and answer.stdout.strip() == "yes"


def test_build_command_shows_progress_and_swaps_in_the_store(tmp_path):
    env = {**os.environ, "GOVGRAPH_DATA_DIR": str(tmp_path)}
    result = subprocess.run([GOVGRAPH, "build"], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    for step in ("parsed the ontology", "imported 396 municipalities", "OWL-RL closure: cycle 1 over", "materialized", "validated", "wrote the store"):
        assert step in result.stderr
    assert result.stdout.startswith("built ") and (tmp_path / "current").is_symlink()


def test_query_as_deep_as_the_limit_is_answered_and_a_deeper_one_refused(built):
    """The engine recurses on the stack of the thread it runs on: the CLI runs it on one sized for the limit."""
    def nested_calls(levels: int) -> str:  # ~9 KB of the engine's stack a level: 4,000 levels overflow 8 MB
        return 'SELECT ?x WHERE { BIND(' + "STR(" * levels + '"deep"' + ")" * levels + " AS ?x) }"

    result = run(built, "query", "-", "--format", "csv", stdin=nested_calls(3_990))
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines() == ["x", "deep"]
    result = run(built, "query", "-", stdin=nested_calls(5_000))
    assert result.returncode == 1
    assert result.stderr.startswith("error: the query is nested too deeply") and "GOVGRAPH_MAX_QUERY_DEPTH" in result.stderr
