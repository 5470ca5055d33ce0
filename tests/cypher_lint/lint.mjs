// Reads [{name, text, params}] as JSON on stdin, lints each statement with Neo4j's
// linter and prints [{name, diagnostics: [{severity, message, offset}]}] as JSON.
// Severity follows the LSP: 1 error, 2 warning, 3 information, 4 hint.
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { statements, labels, relationshipTypes } = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const results = statements.map(({ name, text, params }) => {
  const parameters = Object.fromEntries(params.map((p) => [p, null]));
  const schema = { labels, relationshipTypes, parameters };
  const { diagnostics } = lintCypherQuery(text, schema);
  return {
    name,
    diagnostics: diagnostics.map((d) => ({ severity: d.severity, message: d.message, offset: d.offsets?.start })),
  };
});
process.stdout.write(JSON.stringify(results));
