// Language violations (a reply still in the wrong language after its re-ask) and unparseable
// and failed answers, by language: where the model does not hold to the contract.
// param: method string = null    only runs of this evaluation method (null: all runs)
// example: medcore query contract_failures_by_language --param method=direct-local
MATCH (r:Run)
WHERE $method IS NULL OR r.method = $method
OPTIONAL MATCH (r)-[:HAS_CHECK]->(k:Check {kind: 'language', action: 'recorded'})
WITH r, count(k) AS violations
RETURN r.lang AS lang, count(r) AS runs, toInteger(sum(CASE WHEN violations > 0 THEN 1 ELSE 0 END)) AS runs_with_violations,
       toInteger(sum(violations)) AS violations, toInteger(sum(CASE WHEN r.status = 'unparseable' THEN 1 ELSE 0 END)) AS unparseable,
       toInteger(sum(CASE WHEN r.status = 'failed' THEN 1 ELSE 0 END)) AS failed
ORDER BY lang
