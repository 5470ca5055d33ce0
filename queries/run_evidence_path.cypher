// The evidence path of one run, part by part: the question, the English and local chains,
// the aligned concepts, the scaffold with the practice facts and passages its steps cite,
// and the answer; in that order, each part in its own order.
// param: run string    the run's key (medcore runs lists them)
// example: medcore query run_evidence_path --param run=0123abcd4567ef89
MATCH (q:Question)-[:HAS_RUN]->(r:Run {key: $run})
RETURN 'question' AS part, 0 AS position, q.text AS text, r.model AS detail
UNION ALL
MATCH (r:Run {key: $run})-[:HAS_CHAIN]->(ch:Chain)-[:HAS_STEP]->(s:Step)
RETURN ch.role AS part, s.index AS position, s.text AS text, ch.lang AS detail
ORDER BY part, position
UNION ALL
MATCH (r:Run {key: $run})-[:HAS_CHAIN]->(:Chain {role: 'english'})-[:HAS_STEP]->(e:Step)-[a:ALIGNED_WITH]->(l:Step)
RETURN 'alignment' AS part, e.index AS position, a.english_cui + ' = ' + a.local_cui AS text,
       'local step ' + toString(l.index) + ', score ' + toString(a.score) AS detail
ORDER BY position, text
UNION ALL
MATCH (r:Run {key: $run})-[:HAS_SCAFFOLD]->(:Scaffold)-[:HAS_STEP]->(ss:ScaffoldStep)
RETURN 'scaffold' AS part, ss.index AS position, ss.text AS text, ss.origin AS detail
ORDER BY position
UNION ALL
MATCH (r:Run {key: $run})-[:HAS_SCAFFOLD]->(:Scaffold)-[:HAS_STEP]->(ss:ScaffoldStep)-[cp:CITES_PRACTICE]->(t:Concept)
RETURN 'practice' AS part, ss.index AS position, cp.statement AS text, t.name AS detail
ORDER BY position, text
UNION ALL
MATCH (r:Run {key: $run})-[:HAS_SCAFFOLD]->(:Scaffold)-[:HAS_STEP]->(ss:ScaffoldStep)-[:CITES]->(p:Passage)
RETURN 'passage' AS part, ss.index AS position, p.text AS text, p.key AS detail
ORDER BY position, detail
UNION ALL
MATCH (r:Run {key: $run})
RETURN 'answer' AS part, 0 AS position, coalesce(r.answer, '') AS text, coalesce(r.status, '') AS detail
