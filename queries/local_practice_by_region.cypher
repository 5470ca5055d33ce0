// LOCAL_PRACTICE facts per region and kind.
// param: region string = null    ISO 3166-1 code (KE, NG, ...); null: every region
// example: medcore query local_practice_by_region --param region=KE
MATCH (c:Concept)-[r:LOCAL_PRACTICE]->(t:Concept)
WHERE $region IS NULL OR r.region = $region
RETURN r.region AS region, r.kind AS kind, count(r) AS facts
ORDER BY region, kind
