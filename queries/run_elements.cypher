// The nodes and links of one run, for drawing it (medcore viz): the question, both chains'
// steps in order with the concepts they mention, the alignment links with their scores, the
// scaffold with the practice facts and passages its steps cite, the concepts fusion left out
// with the reason, and the answer.
// param: run string    the run's key (medcore runs lists them)
// example: medcore query run_elements --param run=0123abcd4567ef89
MATCH (q:Question)-[:HAS_RUN]->(r:Run {key: $run})
RETURN 'node' AS element, q.key AS id, 'question' AS kind, q.text AS label, '' AS source, '' AS target,
       q.lang AS detail, 0 AS position
UNION ALL
MATCH (r:Run {key: $run})
RETURN 'node' AS element, r.key AS id, 'answer' AS kind, coalesce(r.answer, '') AS label, '' AS source,
       '' AS target, coalesce(r.status, '') + ' (' + r.model + ')' AS detail, 0 AS position
UNION ALL
MATCH (r:Run {key: $run})-[:HAS_CHAIN]->(ch:Chain)-[:HAS_STEP]->(s:Step)
RETURN 'node' AS element, s.key AS id, ch.role AS kind, s.text AS label, '' AS source, '' AS target,
       ch.lang AS detail, s.index AS position
UNION ALL
MATCH (r:Run {key: $run})-[:HAS_CHAIN]->(:Chain)-[:HAS_STEP]->(s:Step)-[m:MENTIONS]->(c:Concept)
RETURN 'node' AS element, s.key + '|' + c.cui AS id, 'concept' AS kind, m.surface AS label, s.key AS source,
       c.cui AS target, c.cui + ' ' + c.name + ' (' + coalesce(m.status, 'present') + ', ' + m.method + ')' AS detail,
       s.index AS position
UNION ALL
MATCH (r:Run {key: $run})-[:HAS_CHAIN]->(:Chain {role: 'english'})-[:HAS_STEP]->(e:Step)-[a:ALIGNED_WITH]->(l:Step)
RETURN 'edge' AS element, e.key + '=' + l.key + '|' + a.key AS id, 'aligned' AS kind,
       a.english_cui + ' = ' + a.local_cui AS label, e.key AS source, l.key AS target, toString(a.score) AS detail,
       e.index AS position
UNION ALL
MATCH (r:Run {key: $run})-[:HAS_SCAFFOLD]->(:Scaffold)-[:HAS_STEP]->(ss:ScaffoldStep)
RETURN 'node' AS element, ss.key AS id, 'scaffold' AS kind, ss.text AS label, '' AS source, '' AS target,
       ss.origin AS detail, ss.index AS position
UNION ALL
MATCH (r:Run {key: $run})-[:HAS_SCAFFOLD]->(:Scaffold)-[:HAS_STEP]->(ss:ScaffoldStep)-[cp:CITES_PRACTICE]->(t:Concept)
RETURN 'node' AS element, ss.key + '|' + cp.key AS id, 'practice' AS kind, cp.statement AS label, ss.key AS source,
       t.cui AS target, t.name AS detail, ss.index AS position
UNION ALL
MATCH (r:Run {key: $run})-[:HAS_SCAFFOLD]->(:Scaffold)-[:HAS_STEP]->(ss:ScaffoldStep)-[:CITES]->(p:Passage)
RETURN 'node' AS element, ss.key + '|' + p.key AS id, 'passage' AS kind, p.text AS label, ss.key AS source,
       p.key AS target, p.key AS detail, ss.index AS position
UNION ALL
MATCH (r:Run {key: $run})-[:HAS_SCAFFOLD]->(:Scaffold)-[x:REJECTED]->(c:Concept)
RETURN 'node' AS element, 'rejected|' + c.cui AS id, 'rejected' AS kind, c.name AS label, '' AS source,
       c.cui AS target, x.reason AS detail, 0 AS position
