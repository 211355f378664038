"""TF-IDF fitted without scikit-learn, equal to `TfidfVectorizer(analyzer=..., sublinear_tf=True)`'s
defaults (smooth idf, L2-normalised rows, sorted vocabulary), so a serving process that only needs the
vocabulary, the idf and the document vectors does not import scikit-learn and SciPy (~100 MB)."""
from __future__ import annotations

import math
from collections import Counter
from typing import Sequence

import numpy as np


def fit_transform(documents: Sequence[Sequence[str]]) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    """(vocabulary, idf, dense document matrix) for documents given as their features."""
    counts = [Counter(features) for features in documents]
    vocabulary = {feature: i for i, feature in enumerate(sorted({f for c in counts for f in c}))}
    df = np.zeros(len(vocabulary))
    for c in counts:
        for feature in c:
            df[vocabulary[feature]] += 1
    idf = np.log((1 + len(documents)) / (1 + df)) + 1.0
    matrix = np.zeros((len(documents), len(vocabulary)))
    for row, c in enumerate(counts):
        if not c:
            continue
        index = [vocabulary[f] for f in c]
        values = np.array([1.0 + math.log(n) for n in c.values()]) * idf[index]
        norm = math.sqrt(float(values @ values))
        matrix[row, index] = values / norm if norm else values
    return vocabulary, idf, matrix
