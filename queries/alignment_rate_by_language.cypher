// Alignment rate by language: of the concepts each run's local chain mentions, the share
// the alignment matched to a concept of the English chain.
// param: method string = null    only runs of this evaluation method (null: all runs)
// example: medcore query alignment_rate_by_language --param method=coreasoner
MATCH (r:Run)-[:HAS_CHAIN]->(:Chain {role: 'local'})-[:HAS_STEP]->(s:Step)-[:MENTIONS]->(c:Concept)
WHERE $method IS NULL OR r.method = $method
OPTIONAL MATCH (:Step)-[a:ALIGNED_WITH]->(s)
WHERE a.local_cui = c.cui
WITH r.lang AS lang, r.key AS run, c.cui AS cui, count(a) AS alignments
WITH lang, count(DISTINCT run) AS runs, count(cui) AS local_concepts,
     toInteger(sum(CASE WHEN alignments > 0 THEN 1 ELSE 0 END)) AS aligned
RETURN lang, runs, local_concepts, aligned, toFloat(aligned) / local_concepts AS rate
ORDER BY lang
