// Concepts found only in local chains (never in the same run's English chain), by language
// and semantic type: what reasoning in the local language adds.
// param: lang string = null    only runs in this language (null: every language)
// example: medcore query local_only_concepts --param lang=sw
MATCH (r:Run)-[:HAS_CHAIN]->(:Chain {role: 'local'})-[:HAS_STEP]->(:Step)-[:MENTIONS]->(c:Concept)
WHERE $lang IS NULL OR r.lang = $lang
OPTIONAL MATCH (r)-[:HAS_CHAIN]->(:Chain {role: 'english'})-[:HAS_STEP]->(:Step)-[e:MENTIONS]->(c)
WITH r, c, count(e) AS in_english
WHERE in_english = 0
OPTIONAL MATCH (c)-[:HAS_TYPE]->(st:SemanticType)
RETURN r.lang AS lang, coalesce(st.name, 'unknown') AS semantic_type, c.cui AS cui, c.name AS name,
       count(DISTINCT r) AS runs
ORDER BY lang, runs DESC, cui
