"""The trained intent model as plain arrays in a file, keyed by a hash of everything training reads.

A serving process loads the file (numpy arrays and strings, no pickle) and never imports scikit-learn or
SciPy. On a miss (new content, first start) the model is trained in a process of its own
(`python -m bot.nlu.train_cache --content DIR`), so the training libraries never enter the server's
memory; with gunicorn's --preload that happens once, before the workers fork. Nothing is downloaded.
The directory is $NLU_CACHE_DIR, else instance/nlu-cache/ in the project.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent.parent
FORMAT = 1  # bump when the arrays' layout changes
# Code whose change changes the trained model (features, training); the hash covers their source.
TRAINING_CODE = ("classifier.py", "training.py")


def cache_dir() -> Path:
    return Path(os.environ.get("NLU_CACHE_DIR") or ROOT / "instance" / "nlu-cache")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def key(config, texts: list[str], labels: list[str]) -> str:
    """Changes with the training sentences (after normalising and masking), the classifier settings, the
    feature and training code, and the versions of the libraries that tokenise and train."""
    h = hashlib.sha256()
    h.update(json.dumps([FORMAT, config.model_dump(mode="json"), texts, labels], ensure_ascii=False).encode())
    for name in TRAINING_CODE:
        h.update((Path(__file__).parent / name).read_bytes())
    for package in ("scikit-learn", "pythainlp", "numpy"):
        h.update(f"{package}={_version(package)};".encode())
    return h.hexdigest()[:24]


def path_for(model_key: str) -> Path:
    return cache_dir() / f"intent-model-{model_key}.npz"


def _vocabulary_array(vocabulary: dict[str, int]) -> np.ndarray:
    words = [""] * len(vocabulary)
    for word, index in vocabulary.items():
        words[index] = word
    return np.array(words, dtype=str)


def save(model_key: str, arrays: dict) -> None:
    """Write atomically (a reader never sees half a file); a read-only directory only costs a warning."""
    target = path_for(model_key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".npz.tmp")
        with os.fdopen(fd, "wb") as f:
            np.savez(f, classes=np.array(arrays["classes"], dtype=str), beta=np.array(arrays["beta"]),
                     bias=arrays["bias"], char_vocabulary=_vocabulary_array(arrays["char_vocabulary"]),
                     char_idf=arrays["char_idf"], char_weights=arrays["char_weights"],
                     word_vocabulary=_vocabulary_array(arrays["word_vocabulary"]),
                     word_idf=arrays["word_idf"], word_weights=arrays["word_weights"])
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        log.warning("intent model not cached in %s: %s", target.parent, exc)


def load(model_key: str) -> dict | None:
    target = path_for(model_key)
    if not target.is_file():
        return None
    try:
        with np.load(target, allow_pickle=False) as z:
            return {
                "classes": z["classes"].tolist(), "beta": float(z["beta"]), "bias": z["bias"].copy(),
                "char_vocabulary": {w: i for i, w in enumerate(z["char_vocabulary"].tolist())},
                "char_idf": z["char_idf"].copy(), "char_weights": np.ascontiguousarray(z["char_weights"]),
                "word_vocabulary": {w: i for i, w in enumerate(z["word_vocabulary"].tolist())},
                "word_idf": z["word_idf"].copy(), "word_weights": np.ascontiguousarray(z["word_weights"]),
            }
    except (OSError, ValueError, KeyError) as exc:
        log.warning("intent model cache %s unreadable (%s); training again", target.name, exc)
        return None


def train_apart(content_dir: Path, procedures_dir: Path | None) -> bool:
    """Train and cache the model in a child process; True when it succeeded."""
    command = [sys.executable, "-m", "bot.nlu.train_cache", "--content", str(content_dir)]
    if procedures_dir is not None:
        command += ["--procedures", str(procedures_dir)]
    log.info("training the intent model (first start with this content)")
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        log.warning("training in a child process failed: %s", done.stderr[-2000:])
    return done.returncode == 0
