// Concepts with no term in a language: the gaps to fill in the vocabulary.
// param: lang string    ISO 639-1 code (en, zh, ja, ko, sw, th, yo)
// example: medcore query concepts_without_language --param lang=yo
MATCH (c:Concept)
OPTIONAL MATCH (t:Term {lang: $lang})-[d:DENOTES]->(c)
WITH c, count(t) AS terms
WHERE terms = 0
RETURN c.cui AS cui, c.name AS name
ORDER BY cui
