// The runs in the graph, newest first: their key, question, language, method, date and answer.
// param: lang string = null    only runs in this language (null: every language)
// param: method string = null    only runs of this method (null: every method)
// param: limit int = 50    at most this many runs
// example: medcore query runs --param lang=sw --param limit=10
MATCH (q:Question)-[:HAS_RUN]->(r:Run)
WHERE ($lang IS NULL OR r.lang = $lang) AND ($method IS NULL OR r.method = $method)
RETURN r.key AS run, q.text AS question, r.lang AS lang, r.method AS method, r.created AS created,
       r.answer AS answer, r.status AS status
ORDER BY created DESC, run
LIMIT $limit
