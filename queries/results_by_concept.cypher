// Evaluation results by the concepts the runs' chains mention: which medical topics a method
// gets right or wrong.
// param: method string = null    only runs of this method (null: every method)
// param: limit int = 25    at most this many rows
// example: medcore query results_by_concept --param method=coreasoner
MATCH (r:Run)-[:HAS_CHAIN]->(:Chain)-[:HAS_STEP]->(:Step)-[:MENTIONS]->(c:Concept)
WHERE r.correct IS NOT NULL AND ($method IS NULL OR r.method = $method)
WITH DISTINCT c, r
RETURN c.cui AS cui, c.name AS name, count(r) AS graded, toInteger(sum(CASE WHEN r.correct THEN 1 ELSE 0 END)) AS correct
ORDER BY graded DESC, cui
LIMIT $limit
