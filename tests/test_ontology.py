"""The ontology: valid OWL in Turtle, bilingual, versioned, documented with pyLODE."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ontology import NAMESPACE, ONTOLOGY_FILE, ONTOLOGY_IRI, SHAPES_FILE

ONTOLOGY = Graph().parse(ONTOLOGY_FILE, format="turtle")
OWN_TERMS = sorted(
    {
        subject
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
        for subject in ONTOLOGY.subjects(RDF.type, kind)
        if isinstance(subject, URIRef) and str(subject).startswith(NAMESPACE)
    }
)


def test_is_a_versioned_owl_ontology():
    ontology = URIRef(ONTOLOGY_IRI)
    assert (ontology, RDF.type, OWL.Ontology) in ONTOLOGY
    assert ONTOLOGY.value(ontology, OWL.versionIRI) is not None
    assert ONTOLOGY.value(ontology, OWL.versionInfo) is not None


def test_has_the_required_classes():
    names = {str(term).removeprefix(NAMESPACE) for term in OWN_TERMS}
    required = {
        "Network", "WorkingGroup", "Board", "CoordinationRound", "SteeringCircle", "Municipality", "District",
        "AdministrativeDistrict", "DistrictGovernment", "StateMinistry", "MunicipalUmbrellaAssociation",
        "MunicipalOffice", "Coordination", "ExpertConsultancy", "Funding", "MembershipFee", "Proposal", "Merger", "Source",
    }
    assert required <= names


@pytest.mark.parametrize("term", OWN_TERMS, ids=lambda term: str(term).removeprefix(NAMESPACE))
def test_every_own_term_is_labelled_and_defined_in_german_and_english(term):
    for predicate in (RDFS.label, SKOS.definition):
        languages = {value.language for value in ONTOLOGY.objects(term, predicate) if isinstance(value, Literal)}
        assert {"de", "en"} <= languages, f"{term} lacks {predicate} in {({'de', 'en'} - languages)}"


def test_own_classes_specialise_standard_vocabularies():
    standard = ("http://www.w3.org/ns/org#", "http://www.w3.org/ns/prov#", "http://schema.org/", "http://purl.org/dc/terms/",
                "http://www.w3.org/2006/time#", "http://xmlns.com/foaf/0.1/", "http://www.w3.org/ns/dcat#",
                "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/oa#")
    closure = {term: set(ONTOLOGY.transitive_objects(term, RDFS.subClassOf)) for term in OWN_TERMS if (term, RDF.type, OWL.Class) in ONTOLOGY}
    orphans = [term for term, ancestors in closure.items() if not any(str(a).startswith(standard) for a in ancestors)]
    assert orphans == []


def test_shapes_parse_and_target_the_ontology():
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    assert len(list(shapes.subjects(RDF.type, URIRef("http://www.w3.org/ns/shacl#NodeShape")))) >= 5


def test_pylode_generates_html_documentation(tmp_path):
    from pylode import OntPub

    html = OntPub(ontology=str(ONTOLOGY_FILE)).make_html()
    assert "<html" in html
    missing = [term for term in OWN_TERMS if str(term).removeprefix(NAMESPACE) not in html]
    assert missing == []
