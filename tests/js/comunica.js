// Run one SPARQL query with Comunica over SPARQL endpoints; print the bindings as JSON lines.
// Usage: node comunica.js QUERY ENDPOINT [ENDPOINT ...]
// Exit status 0 with the rows, or 1 with the error message on stderr (one line).
"use strict";
const { QueryEngine } = require("@comunica/query-sparql");

async function main() {
  const [query, ...endpoints] = process.argv.slice(2);
  const engine = new QueryEngine();
  const stream = await engine.queryBindings(query, {
    sources: endpoints.map((value) => ({ type: "sparql", value })),
    lenient: false,
  });
  const rows = await stream.toArray();
  for (const row of rows) {
    const out = {};
    for (const [variable, term] of row) { out[variable.value] = term.value; }
    process.stdout.write(JSON.stringify(out) + "\n");
  }
}

main().catch((error) => {
  process.stderr.write(String(error && error.message || error).split("\n")[0] + "\n");
  process.exit(1);
});
