// Runs whose scaffold cites no local evidence (no practice fact, no passage): answers that
// rest on the chains alone.
// param: lang string = null    only runs in this language (null: every language)
// example: medcore query runs_without_local_evidence --param lang=ja
MATCH (q:Question)-[:HAS_RUN]->(r:Run)-[:HAS_SCAFFOLD]->(sc:Scaffold)
WHERE $lang IS NULL OR r.lang = $lang
OPTIONAL MATCH (sc)-[:HAS_STEP]->(ss:ScaffoldStep)-[cp:CITES_PRACTICE]->(:Concept)
WITH q, r, sc, count(cp) AS facts
OPTIONAL MATCH (sc)-[:HAS_STEP]->(ps:ScaffoldStep)-[ci:CITES]->(:Passage)
WITH q, r, facts, count(ci) AS passages
WHERE facts + passages = 0
RETURN r.key AS run, r.lang AS lang, r.method AS method, q.text AS question, r.answer AS answer
ORDER BY lang, run
