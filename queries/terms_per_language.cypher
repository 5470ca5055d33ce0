// Terms per language, curated and learned apart: how multilingual the vocabulary is.
// example: medcore query terms_per_language
MATCH (t:Term)
RETURN t.lang AS lang, t.status AS status, count(t) AS terms
ORDER BY lang, status
