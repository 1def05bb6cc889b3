// Loads a Cytoscape JSON document (on stdin) into Cytoscape.js as a web page would, and prints what it made of it.
// Usage: node load_cytoscape.js <node_modules folder> < graph.cyjs
// Cytoscape.js throws on an invalid or repeated id or an edge whose end is missing; it warns on anything else.
const path = require("path");
const fs = require("fs");
const cytoscape = require(path.resolve(process.argv[2], "cytoscape"));

const warnings = [];
console.warn = (...parts) => warnings.push(parts.join(" "));
const document = JSON.parse(fs.readFileSync(0, "utf8"));
const cy = cytoscape({ headless: true, elements: document.elements, data: document.data });
process.stdout.write(JSON.stringify({
  nodes: cy.nodes().map((node) => node.id()),
  edges: cy.edges().map((edge) => [edge.id(), edge.source().id(), edge.target().id()]),
  data: cy.data(),
  warnings,
}));
