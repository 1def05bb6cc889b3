# An authorised update that puts `javascript:` IRIs where the pages and the explorer show links
# (for the link-safety tests only, never part of the real graph): each must show as text, never run.
PREFIX org:    <http://www.w3.org/ns/org#>
PREFIX owl:    <http://www.w3.org/2002/07/owl#>
PREFIX foaf:   <http://xmlns.com/foaf/0.1/>
PREFIX prov:   <http://www.w3.org/ns/prov#>
PREFIX skos:   <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs:   <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <http://schema.org/>
PREFIX gg:     <https://w3id.org/govgraph/ontology#>
PREFIX id:     <https://w3id.org/govgraph/id/>

INSERT DATA {
  id:organization\/javascript-links a org:Organization ;
      skos:prefLabel "Verlinkte Skripte"@de ; rdfs:label "Verlinkte Skripte"@de ;
      foaf:homepage <javascript:window.linkRan='homepage'> ;
      owl:sameAs <JavaScript:window.linkRan='sameAs'> , <data:text/html;base64,PHNjcmlwdD53aW5kb3cubGlua1Jhbj0nZGF0YSc8L3NjcmlwdD4=> ;
      prov:wasDerivedFrom id:source\/javascript-links .
  id:source\/javascript-links a gg:Source ;
      skos:prefLabel "Quelle mit Skript-Link"@de ; rdfs:label "Quelle mit Skript-Link"@de ;
      schema:url <javascript:window.linkRan='url'> ; foaf:page <javascript:window.linkRan='url'> .
  <javascript:window.linkRan='node'> a org:Organization ; skos:prefLabel "Skript-Knoten"@de .
  id:membership\/javascript-links a org:Membership ;
      org:member <javascript:window.linkRan='node'> ;
      org:organization id:organization\/javascript-links ;
      prov:wasDerivedFrom <javascript:window.linkRan='source'> .
}
