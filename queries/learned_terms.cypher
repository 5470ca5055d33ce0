// Terms the pipeline learned from runs, by language and confidence: candidates for curation.
// param: lang string = null    only this language (null: every language)
// param: min_confidence float = 0.0    only terms at least this confident
// example: medcore query learned_terms --param lang=th --param min_confidence=0.8
MATCH (t:Term {status: 'learned'})-[:DENOTES]->(c:Concept)
WHERE ($lang IS NULL OR t.lang = $lang) AND t.confidence >= $min_confidence
RETURN t.lang AS lang, t.text AS term, c.cui AS cui, c.name AS concept, t.confidence AS confidence, t.run AS run
ORDER BY lang, confidence DESC, term
