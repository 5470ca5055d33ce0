// LOCAL_PRACTICE facts per region and kind, optionally for one region ($region, or null).
// params: region
MATCH (c:Concept)-[r:LOCAL_PRACTICE]->(t:Concept)
WHERE $region IS NULL OR r.region = $region
RETURN r.region AS region, r.kind AS kind, count(r) AS facts
ORDER BY region, kind
