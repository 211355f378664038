"""The TF-IDF fit the report search uses without scikit-learn equals scikit-learn's on the real passages."""
from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.nlu import tfidf


def test_fit_equals_scikit_learn_on_the_reports_passages(services):
    from bot import knowledge

    index = knowledge.of(services)
    retriever = getattr(index, "retriever", None) or index
    analyzer = retriever.analyzer
    words = [analyzer.words(p.text) for p in index.passages][:400]
    documents = words + [analyzer.chars(w) for w in words[:100]] + [[]]  # both blocks, and an empty one
    vec = TfidfVectorizer(analyzer=lambda x: x, sublinear_tf=True)
    expected = vec.fit_transform(documents).toarray()
    vocabulary, idf, matrix = tfidf.fit_transform(documents)
    assert vocabulary == vec.vocabulary_
    assert np.allclose(idf, vec.idf_, rtol=0, atol=1e-12)
    assert np.allclose(matrix, expected, rtol=0, atol=1e-12)
