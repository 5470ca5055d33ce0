// Evaluation results kept in the graph, by dataset, language and method: runs, graded
// answers and how many were right (long-form answers are graded by the judge, not here).
// param: dataset string = null    only this benchmark (null: every benchmark)
// example: medcore query results_by_method --param dataset=mmedbench
MATCH (r:Run)
WHERE r.method IS NOT NULL AND ($dataset IS NULL OR r.dataset = $dataset)
WITH r.dataset AS dataset, r.lang AS lang, r.method AS method, count(r) AS runs,
     toInteger(sum(CASE WHEN r.correct IS NULL THEN 0 ELSE 1 END)) AS graded,
     toInteger(sum(CASE WHEN r.correct THEN 1 ELSE 0 END)) AS correct
RETURN dataset, lang, method, runs, graded, correct,
       CASE WHEN graded = 0 THEN null ELSE toFloat(correct) / graded END AS accuracy
ORDER BY dataset, lang, method
