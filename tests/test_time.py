"""The time model (README "Time"): every as-of answer right, and honest about how sure it is.

One table of questions (who, in which relation, on which date, how sure) at every boundary: before the
founding, on the founding day, on and after the merger, on an observation date, after it, far in the
future. Each row is asked the same way a user would: through plain SPARQL with the usual OWL-Time filter,
the named queries, the REST API, the analytics projections, and the entity pages in Chromium. Then one
regression test per defect the time issue reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from graph.describe import answer_records, run_named_query
from graph.network import project, read_network
from graph.time import RelationTime, Span
from queries import load_queries

ID = "https://w3id.org/govgraph/id/"
QUERIES = load_queries()
NETWORK = ID + "organization/netzwerk-stadtentwicklung-nrw"
BOARD = ID + "organization/vorstand-netzwerk-stadtentwicklung-nrw"
AG_STADTUMBAU = ID + "organization/ag-stadtumbau"
INNENSTADT = ID + "organization/netzwerk-innenstadt-nrw"
STADTUMBAUNETZWERK = ID + "organization/stadtumbaunetzwerk-nrw"
DORTMUND = ID + "organization/gemeinde-05913000"
BRAKEL = ID + "organization/gemeinde-05762016"
BOCHUM = ID + "organization/gemeinde-05911000"
AMT = ID + "organization/amt-fuer-stadterneuerung-dortmund"
MINISTRY = ID + "organization/mhkbd-nrw"
KROEGER = ID + "person/sebastian-kroeger"
TEMME = ID + "person/hermann-temme"
PRESS_RELEASE = ID + "source/pressemitteilung-dortmund-2024-12"
NETWORK_PAGE = ID + "source/netzwerk-stadtentwicklung-ueber"


@dataclass(frozen=True)
class Case:
    """A relation asked for on a day: the named query and its parameters, the row's key, and the answer."""

    relation: str  # the relation node's IRI
    query: str
    parameters: tuple[tuple[str, str], ...]
    column: str  # the column naming the expected entity
    expected: str
    day: str
    certainty: str | None  # None: the answer must not list it


def cases(relation: str, query: str, parameters: dict, column: str, expected: str, answers: dict[str, str | None]) -> list:
    return [
        pytest.param(Case(ID + relation, query, tuple(parameters.items()), column, expected, day, certainty),
                     id=f"{relation.rsplit('/', 1)[-1]}@{day}")
        for day, certainty in answers.items()
    ]


TABLE = [
    # A member municipality of the network founded on 1 January 2024, seen by the press release of December 2024.
    *cases("membership/stadt-dortmund-netzwerk-stadtentwicklung-nrw", "members", {"organization": NETWORK}, "member", DORTMUND,
           {"2023-12-31": None, "2024-01-01": "possible", "2024-12-01": "certain", "2024-12-31": "certain",
            "2025-06-01": "possible", "2040-01-01": "possible"}),
    # A member of a former network "in the past": it cannot outlast the merger that ended the network.
    *cases("membership/stadt-dortmund-netzwerk-innenstadt-nrw", "members", {"organization": INNENSTADT}, "member", DORTMUND,
           {"2010-06-01": "possible", "2023-12-31": "possible", "2024-01-01": None, "2025-06-01": None}),
    # Seen on the founding day only (driburg-news on the founding assembly).
    *cases("membership/stadt-brakel-netzwerk-stadtentwicklung-nrw", "members", {"organization": NETWORK}, "member", BRAKEL,
           {"2023-06-01": None, "2024-01-14": "possible", "2024-01-15": "certain", "2024-01-16": "possible"}),
    # The lead municipality of the dissolved Stadtumbaunetzwerk.
    *cases("membership/stadt-bochum-federfuehrung-stadtumbaunetzwerk-nrw", "who-coordinates", {"unit": STADTUMBAUNETZWERK},
           "organization", BOCHUM, {"2023-06-01": "possible", "2024-01-01": None, "2025-06-01": None}),
    # Announced in December 2024 to begin on 1 January 2025; no source has seen it since.
    *cases("membership/amt-fuer-stadterneuerung-dortmund-koordinierung-ag-stadtumbau", "who-coordinates", {"unit": AG_STADTUMBAU},
           "office", AMT, {"2024-12-31": None, "2025-01-01": "possible", "2030-01-01": "possible"}),
    # On the board since November 2024 (stated), seen in December 2024: begun for certain by 30 November.
    *cases("membership/sebastian-kroeger-vorstand-netzwerk-stadtentwicklung-nrw", "board-composition", {"board": BOARD},
           "member", KROEGER, {"2024-10-31": None, "2024-11-15": "possible", "2024-11-30": "certain",
                               "2024-12-15": "certain", "2025-01-01": "possible"}),
    # The ministry's seat on the board: not before the board (a unit of the network) existed.
    *cases("membership/mhkbd-nrw-vorstand-netzwerk-stadtentwicklung-nrw", "board-composition", {"board": BOARD},
           "member", MINISTRY, {"2023-06-01": None, "2024-06-01": "possible", "2024-12-15": "certain"}),
    # Posts without a stated period: certain only where a source saw them.
    *cases("post/buergermeister-brakel", "person-posts", {"person": TEMME}, "organization", BRAKEL,
           {"2024-01-15": "certain", "2030-01-01": "possible"}),
    *cases("post/leitung-amt-fuer-stadterneuerung-dortmund", "person-posts", {"person": KROEGER}, "organization", AMT,
           {"2024-06-01": "possible", "2024-12-15": "certain"}),
]


def named_answer(store, case: Case) -> str | None:
    """The certainty the named query gives the expected entity on the day (None: not listed)."""
    answer = run_named_query(store, QUERIES[case.query], {**dict(case.parameters), "asOf": case.day}, id_base=ID)
    found = {row["certainty"] for row in answer_records(answer.result)[1] if row[case.column] == case.expected}
    assert len(found) <= 1, found
    return found.pop() if found else None


@pytest.mark.parametrize("case", TABLE)
def test_named_queries(any_store, case: Case):
    assert named_answer(any_store, case) == case.certainty


@pytest.mark.parametrize("case", TABLE)
def test_rest_api(client, case: Case):
    response = client.get(f"/api/queries/{case.query}", query_string={**dict(case.parameters), "asOf": case.day})
    assert response.status_code == 200
    found = {row["certainty"] for row in response.get_json()["rows"] if row[case.column] == case.expected}
    assert found == ({case.certainty} if case.certainty else set())


# What a plain SPARQL client writes: beginning <= D <= end, a missing bound open. It must never get a
# relation that cannot hold on D; the build's derived bounds see to that.
OWL_TIME_FILTER = """
PREFIX org: <http://www.w3.org/ns/org#>  PREFIX time: <http://www.w3.org/2006/time#>
PREFIX dcterms: <http://purl.org/dc/terms/>  PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
ASK {
  OPTIONAL { <%(relation)s> org:memberDuring|dcterms:temporal ?period }
  OPTIONAL { ?period time:hasBeginning/time:inXSDDate ?beginning }
  OPTIONAL { ?period time:hasEnd/time:inXSDDate ?end }
  FILTER(COALESCE(?beginning <= "%(day)s"^^xsd:date, true))
  FILTER(COALESCE(?end >= "%(day)s"^^xsd:date, true))
}"""


# Kröger's seat begins in "2024-11" (a month), which a filter on time:inXSDDate alone cannot read (gg:firstDay can).
DAY_PRECISE = [case for case in TABLE if "sebastian-kroeger-vorstand" not in case.id]


@pytest.mark.parametrize("case", DAY_PRECISE)
def test_plain_sparql_with_the_owl_time_filter(any_store, case: Case):
    """Stated and derived bounds answer the usual filter right, on both backends."""
    holds = bool(any_store.query(OWL_TIME_FILTER % {"relation": case.relation, "day": case.day}))
    assert holds == (case.certainty is not None)


@pytest.fixture(scope="module")
def network(graph_store):
    return read_network(graph_store)


@pytest.mark.parametrize("case", TABLE)
def test_analytics_projection(network, case: Case):
    projection = "people" if case.relation.startswith(ID + "post/") or "kroeger" in case.relation else "governance"
    graph = project(network, projection, date.fromisoformat(case.day))
    edges = [data for _, _, key, data in graph.edges(keys=True, data=True) if key == case.relation]
    assert [data["certainty"] for data in edges] == ([case.certainty] if case.certainty else [])


@pytest.mark.parametrize(("day", "certainty"), [("2024-10-31", None), ("2024-12-15", "certain"), ("2025-06-01", "possible")])
def test_entity_page_in_chromium(browser, live_server, day: str, certainty: str | None):
    """Kröger's page says, for his seat on the board, how sure it is on the chosen day."""
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server}/id/person/sebastian-kroeger?lang=en&asOf={day}")
    entry = page.locator(".timeline-entry", has=page.locator("a.other", has_text="Board of the Netzwerk"))
    text = entry.locator(".certainty").first.inner_text()
    context.close()
    assert text == (certainty or "not valid")


# --- the rule itself, on hand-made relations -------------------------------------------------------


@pytest.mark.parametrize(
    ("timing", "day", "expected"),
    [
        (RelationTime(observations=("2013-04", "2017")), date(2013, 4, 30), "certain"),  # inside an observation
        (RelationTime(observations=("2013-04", "2017")), date(2015, 6, 1), "possible"),  # between two observations
        (RelationTime(observations=("2013-04",), upper=date(2023, 12, 31)), date(2024, 1, 1), None),  # outlived its network
        (RelationTime(start="2016-12", end="2019"), date(2018, 1, 1), "certain"),  # inside a stated period
        (RelationTime(start="2016-12", end="2019"), date(2016, 12, 15), "possible"),  # inside an imprecise bound
        (RelationTime(start="2025-01-01", observations=("2024-12",)), date(2025, 6, 1), "possible"),  # announced, not seen
        (RelationTime(observations=("2024-12",), lower=date(2024, 1, 1)), date(2023, 6, 1), None),  # before its network
    ],
)
def test_certainty_rule(timing: RelationTime, day: date, expected: str | None):
    assert timing.certainty(day) == expected


def test_an_observation_outside_the_possible_days_certifies_nothing():
    timing = RelationTime(observations=("2026-11",), upper=date(2023, 12, 31))
    assert timing.effective_observations() == () and timing.certain() == ()
    assert timing.possible() == Span(None, date(2023, 12, 31))


# --- regressions: the defects the time issue reported -----------------------------------------------


def ask(store, name: str, **arguments: str) -> list[dict]:
    return answer_records(run_named_query(store, QUERIES[name], arguments, id_base=ID).result)[1]


def test_dortmund_is_no_current_member_of_the_former_networks(graph_store):
    rows = ask(graph_store, "municipality-memberships", municipality=DORTMUND, asOf="2025-06-01")
    organizations = {row["organization"] for row in rows if row["kind"] == "membership"}
    assert INNENSTADT not in organizations and STADTUMBAUNETZWERK not in organizations
    assert 12000.0 not in {row["feeAmount"] for row in rows}


def test_bochum_no_longer_leads_the_dissolved_stadtumbaunetzwerk(graph_store):
    assert not ask(graph_store, "who-coordinates", unit=STADTUMBAUNETZWERK, asOf="2025-06-01")
    assert not ask(graph_store, "what-coordinates", organization=BOCHUM, asOf="2025-06-01")


def test_no_members_or_board_before_the_founding(graph_store):
    assert not ask(graph_store, "members", organization=NETWORK, asOf="2023-06-01")
    assert not ask(graph_store, "board-composition", asOf="2023-06-01")


def test_the_five_ags_begin_with_the_merger(graph_store):
    rows = graph_store.query("""
        PREFIX gg: <https://w3id.org/govgraph/ontology#>  PREFIX time: <http://www.w3.org/2006/time#>
        SELECT ?ag ?beginning WHERE { ?ag a gg:WorkingGroup ; gg:existedDuring/time:hasBeginning/time:inXSDDate ?beginning }""")
    assert {(row["ag"].value, row["beginning"].value) for row in rows} == {
        (ID + f"organization/{ag}", "2024-01-01")
        for ag in ("ag-stadtumbau", "ag-baulandmanagement", "ag-soziale-stadt", "ag-innenstadt", "ag-historische-stadt-und-ortskerne")
    }


def test_undated_posts_are_not_certain_everywhere(graph_store):
    assert {row["certainty"] for row in ask(graph_store, "person-posts", person=TEMME, asOf="2030-01-01")} == {"possible"}
    leitung = [row for row in ask(graph_store, "person-posts", person=KROEGER, asOf="2024-06-01") if row["organization"] == AMT]
    assert [row["certainty"] for row in leitung] == ["possible"]


def test_a_derived_bound_says_which_rule_and_facts_it_comes_from(graph_store):
    rows = list(graph_store.query("""
        PREFIX org: <http://www.w3.org/ns/org#>  PREFIX time: <http://www.w3.org/2006/time#>
        PREFIX gg: <https://w3id.org/govgraph/ontology#>  PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?end ?rule ?fact WHERE {
          <%smembership/stadt-dortmund-netzwerk-innenstadt-nrw> org:memberDuring/time:hasEnd ?instant .
          ?instant time:inXSDDate ?end ; gg:derivedBy ?rule ; prov:wasInfluencedBy ?fact }""" % ID))
    assert [(r["end"].value, r["rule"].value, r["fact"].value) for r in rows] == [
        ("2023-12-31", "https://w3id.org/govgraph/ontology#WithinLifetimes", INNENSTADT + "/lifetime")]
    lifetime_end = list(graph_store.query("""
        PREFIX time: <http://www.w3.org/2006/time#>  PREFIX gg: <https://w3id.org/govgraph/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?rule ?fact WHERE { <%s/lifetime> time:hasEnd ?instant . ?instant gg:derivedBy ?rule ;
                                   prov:wasInfluencedBy ?fact }""" % INNENSTADT))
    assert [(r["rule"].value, r["fact"].value) for r in lifetime_end] == [
        ("https://w3id.org/govgraph/ontology#EndedByMerger", ID + "event/zusammenschluss-netzwerk-stadtentwicklung-nrw-2024")]


def test_the_networks_sources_include_every_page_that_states_its_facts(graph_store):
    derived = {row["source"].value for row in graph_store.query(
        "SELECT ?source WHERE { <%s> <http://www.w3.org/ns/prov#wasDerivedFrom> ?source }" % NETWORK)}
    assert {ID + "source/forum-bauland-netzwerk", ID + "source/ag-stadtumbau-gremien", PRESS_RELEASE} <= derived
    rows = ask(graph_store, "entity-sources", entity=NETWORK)
    role = [row for row in rows if row["fact"] == NETWORK and row["property"].endswith("#providesForRole")
            and row["value"] == ID + "role/kooperationspartner"]
    assert {row["source"] for row in role} == {ID + "source/forum-bauland-netzwerk"}


def test_the_merger_is_one_event_dated_by_the_source_that_gives_the_day(graph_store):
    rows = [row for row in ask(graph_store, "organization-timeline", organization=NETWORK) if row["kind"].startswith("change")]
    assert [(row["date"], row["dateSources"]) for row in rows] == [("2024-01-01", NETWORK_PAGE)]
    assert set(rows[0]["sources"].split()) == {PRESS_RELEASE, NETWORK_PAGE}
    dates = {(row["value"], row["source"]) for row in ask(graph_store, "entity-sources", entity=ID + "event/zusammenschluss-netzwerk-stadtentwicklung-nrw-2024")
             if row["property"].endswith("#hasTime")}
    assert dates == {("2024", PRESS_RELEASE), ("2024-01-01", NETWORK_PAGE)}


def test_dortmunds_place_in_the_ag_stadtumbau_cites_the_sentences_that_state_it(graph_store):
    quotes = {row["quote"] for row in ask(graph_store, "entity-sources", entity=DORTMUND)
              if row["fact"] == ID + "membership/stadt-dortmund-ag-stadtumbau" and row["quote"]}
    assert quotes and not any(quote.startswith("In diesen engagiert sich") for quote in quotes)
    assert any("AG Stadtumbau" in quote for quote in quotes)


def test_one_period_for_kroegers_speaker_post_in_every_view(graph_store, network, client):
    """Regression (issue 15): the Sprecher post was undated on the pages, '2024-11' in /explore and person-posts."""
    post = ID + "post/sprecher-ag-stadtumbau"
    rows = [row for row in ask(graph_store, "person-posts", person=KROEGER, asOf="2025-03-01") if row["relation"] == post]
    assert {row["since"] for row in rows} == {"2024-11"}
    (edge,) = [data for _, _, key, data in project(network, "people").edges(keys=True, data=True) if key == post]
    assert edge["start"] == "2024-11" and edge["start_rule"] == "BegunByAppointment"
    for page in ("/id/person/sebastian-kroeger", "/id/organization/ag-stadtumbau"):
        html = client.get(page, headers={"Accept": "text/html"}).get_data(as_text=True)
        speaker = [item for item in html.split('<li class="timeline-entry">')[1:] if 'href="/id/role/sprecher"' in item]
        assert len(speaker) == 2, page  # the post and the membership that comes with it
        assert all('<time datetime="2024-11">' in entry.split("</p>")[0] for entry in speaker), page
