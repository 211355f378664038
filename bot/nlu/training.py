"""Training of the intent model with scikit-learn: only at build time or on a first start (in a process of
its own, see model_cache.py), never in a serving process. Its output is plain arrays (`ModelArrays`)."""
from __future__ import annotations

import numpy as np
from scipy.sparse import hstack
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from .lexicon import ClassifierConfig


class Reference:
    """The fitted scikit-learn objects, kept by a training process so tests can compare the array scorer."""

    def __init__(self, char_vec, word_vec, sk, word_weight: float):
        self.char_vec, self.word_vec, self.sk, self.word_weight = char_vec, word_vec, sk, word_weight

    def proba(self, text: str) -> np.ndarray:
        matrix = hstack([self.char_vec.transform([text]), self.word_vec.transform([text]) * self.word_weight])
        return self.sk.predict_proba(matrix.tocsr())[0]


def fit(config: ClassifierConfig, chars, words, texts: list[str], labels: list[str]) -> tuple[dict, Reference]:
    """TF-IDF + linear SVM with a temperature fitted on cross-validated margins; returns the arrays the
    scorer needs (vocabularies, idf, weights, bias, temperature, classes) and the reference objects."""
    char_vec = TfidfVectorizer(analyzer=chars, sublinear_tf=True)
    word_vec = TfidfVectorizer(analyzer=words, sublinear_tf=True)
    matrix = hstack([char_vec.fit_transform(texts), word_vec.fit_transform(texts) * config.word_weight])
    folds = StratifiedKFold(config.calibration_folds, shuffle=True, random_state=0)
    sk = CalibratedClassifierCV(
        LinearSVC(C=config.C, random_state=0), method="temperature", cv=folds, ensemble=False
    ).fit(matrix.tocsr(), labels)
    fitted = sk.calibrated_classifiers_[0]
    svm = fitted.estimator
    n_char = len(char_vec.vocabulary_)
    weights = np.ascontiguousarray(svm.coef_.T)  # (features, classes): rows gathered per message
    arrays = {
        "classes": [str(sk.classes_[i]) for i in svm.classes_],  # the svm sees encoded labels
        "beta": float(fitted.calibrators[0].beta_),
        "char_vocabulary": {str(k): int(v) for k, v in char_vec.vocabulary_.items()},
        "char_idf": np.asarray(char_vec.idf_, dtype=np.float64),
        "char_weights": np.ascontiguousarray(weights[:n_char]),
        "word_vocabulary": {str(k): int(v) for k, v in word_vec.vocabulary_.items()},
        "word_idf": np.asarray(word_vec.idf_, dtype=np.float64),
        "word_weights": np.ascontiguousarray(weights[n_char:]),
        "bias": np.asarray(svm.intercept_, dtype=np.float64).copy(),
    }
    return arrays, Reference(char_vec, word_vec, sk, config.word_weight)
