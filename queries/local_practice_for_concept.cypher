// What is done locally about a concept, in every region, with statements and sources.
// param: cui string    the condition's concept id
// example: medcore query local_practice_for_concept --param cui=C0024530
MATCH (c:Concept {cui: $cui})-[r:LOCAL_PRACTICE]->(t:Concept)
RETURN r.region AS region, r.kind AS kind, t.name AS about, r.statement AS statement,
       r.statement_local AS statement_local, r.source AS source
ORDER BY region, kind, about, statement
