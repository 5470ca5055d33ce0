// What is done locally about concept $cui, in every region, with statements and sources.
// params: cui
MATCH (c:Concept {cui: $cui})-[r:LOCAL_PRACTICE]->(t:Concept)
RETURN r.region AS region, r.kind AS kind, t.name AS about, r.statement AS statement,
       r.statement_local AS statement_local, r.source AS source
ORDER BY region, kind
