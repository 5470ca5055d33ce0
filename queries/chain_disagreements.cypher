// Option and NLI runs whose English and local chains answered differently, and which of them
// the final answer followed (english, local or neither; answers compared as written).
// param: lang string = null    only runs in this language (null: every language)
// example: medcore query chain_disagreements --param lang=yo
MATCH (q:Question)-[:HAS_RUN]->(r:Run)-[:HAS_CHAIN]->(e:Chain {role: 'english'})
MATCH (r)-[:HAS_CHAIN]->(l:Chain {role: 'local'})
WHERE q.task IN ['mcq', 'nli'] AND ($lang IS NULL OR r.lang = $lang)
  AND e.answer IS NOT NULL AND l.answer IS NOT NULL AND toUpper(trim(e.answer)) <> toUpper(trim(l.answer))
RETURN r.key AS run, r.lang AS lang, r.method AS method, q.text AS question, e.answer AS english_answer,
       l.answer AS local_answer, r.answer AS final_answer,
       CASE
         WHEN toUpper(trim(r.answer)) = toUpper(trim(e.answer)) THEN 'english'
         WHEN toUpper(trim(r.answer)) = toUpper(trim(l.answer)) THEN 'local'
         ELSE 'neither'
       END AS followed,
       r.correct AS correct
ORDER BY lang, run
