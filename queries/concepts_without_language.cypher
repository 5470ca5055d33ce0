// Concepts with no term in language $lang: the gaps to fill in the vocabulary.
// params: lang
MATCH (c:Concept)
OPTIONAL MATCH (t:Term {lang: $lang})-[d:DENOTES]->(c)
WITH c, count(t) AS terms
WHERE terms = 0
RETURN c.cui AS cui, c.name AS name
ORDER BY cui
