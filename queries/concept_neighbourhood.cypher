// Everything one hop from concept $cui: its terms, types, relations and local practice.
// params: cui
MATCH (c:Concept {cui: $cui})-[r]-(m)
RETURN type(r) AS relationship, startNode(r) = c AS outgoing, labels(m)[0] AS label,
       coalesce(m.name, m.text, m.title) AS other
ORDER BY relationship, other
