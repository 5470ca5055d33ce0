// Vocabulary coverage of one language per semantic type: the share of concepts with a term.
// param: lang string    ISO 639-1 code (en, zh, ja, ko, sw, th, yo)
// example: medcore query vocabulary_coverage --param lang=yo
MATCH (c:Concept)-[:HAS_TYPE]->(st:SemanticType)
OPTIONAL MATCH (t:Term {lang: $lang})-[:DENOTES]->(c)
WITH st, c, count(t) AS terms
WITH st, count(c) AS concepts, toInteger(sum(CASE WHEN terms > 0 THEN 1 ELSE 0 END)) AS covered
RETURN st.tui AS tui, st.name AS semantic_type, concepts, covered, toFloat(covered) / concepts AS coverage
ORDER BY concepts DESC, tui
