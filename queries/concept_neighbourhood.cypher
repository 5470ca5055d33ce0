// Everything one hop from a concept: its terms, types, relations and local practice.
// param: cui string    the concept's id (a UMLS CUI or the project's MC/ML id)
// example: medcore query concept_neighbourhood --param cui=C0024530
MATCH (c:Concept {cui: $cui})-[r]-(m)
RETURN type(r) AS relationship, startNode(r) = c AS outgoing, labels(m)[0] AS label,
       coalesce(m.name, m.text, m.title) AS other
ORDER BY relationship, other
