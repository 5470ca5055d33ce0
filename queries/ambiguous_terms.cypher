// Terms that denote more than one concept in a language: homonyms the linker must resolve.
// param: lang string = null    only this language (null: every language)
// example: medcore query ambiguous_terms --param lang=sw
MATCH (t:Term)-[:DENOTES]->(c:Concept)
WHERE $lang IS NULL OR t.lang = $lang
WITH DISTINCT t.lang AS lang, t.text AS term, c.cui AS cui, c.name AS name
ORDER BY cui
// collected in id order on both engines, names beside their ids
WITH lang, term, collect(cui) AS cuis, collect(name) AS names
WHERE size(cuis) > 1
RETURN lang, term, cuis, names
ORDER BY lang, term
