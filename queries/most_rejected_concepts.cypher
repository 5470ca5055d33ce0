// The concepts fusion left out of scaffolds most often, with the reasons given.
// param: limit int = 25    at most this many rows
// example: medcore query most_rejected_concepts --param limit=10
MATCH (:Run)-[:HAS_SCAFFOLD]->(:Scaffold)-[x:REJECTED]->(c:Concept)
RETURN c.cui AS cui, c.name AS name, x.reason AS reason, count(x) AS times
ORDER BY times DESC, cui, reason
LIMIT $limit
