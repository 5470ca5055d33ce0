// The LOCAL_PRACTICE facts scaffolds used most, by region.
// param: region string = null    only facts of this region (null: every region)
// param: limit int = 25    at most this many rows
// example: medcore query practice_facts_used --param region=KE
MATCH (r:Run)-[:HAS_SCAFFOLD]->(:Scaffold)-[:HAS_STEP]->(:ScaffoldStep)-[cp:CITES_PRACTICE]->(t:Concept)
MATCH (h:Concept {cui: cp.head})-[lp:LOCAL_PRACTICE]->(t)
WHERE lp.key = cp.practice_key AND ($region IS NULL OR lp.region = $region)
RETURN lp.region AS region, h.name AS concept, lp.kind AS kind, t.name AS about, lp.statement AS statement,
       count(DISTINCT r) AS runs
ORDER BY runs DESC, region, concept, kind
LIMIT $limit
