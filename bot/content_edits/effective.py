"""The office's effective content: content/ (the seed) with each document's latest published revision laid
over it, written out as a content directory so that every loader (and `bot content check`) reads it the
way it reads content/. Untouched files are linked, not copied, when it is only for this process."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from bot.content import Content, load_content

from . import documents

_scratch: dict[int, Path] = {}  # by process id: a forked worker makes its own and never removes its parent's


def scratch() -> Path:
    """This process's folder of effective content directories (removed when the process ends)."""
    pid = os.getpid()
    if pid not in _scratch:
        _scratch[pid] = Path(tempfile.mkdtemp(prefix="bot-content-"))
        atexit.register(_remove, pid, _scratch[pid])
    return _scratch[pid]


def _remove(pid: int, folder: Path) -> None:
    if os.getpid() == pid:
        shutil.rmtree(folder, ignore_errors=True)


def write(seed: Path, overlay: dict[str, dict | None], target: Path, link: bool = True) -> Path:
    """content/ at `seed`, with `overlay` (document → body, None removing the file) written over it, into
    `target`. Answers are not files here (see transfer.py)."""
    seed, target = Path(seed), Path(target)
    files = {documents.file_of(doc): body for doc, body in overlay.items() if not documents.ANSWER.match(doc)}
    target.mkdir(parents=True, exist_ok=True)
    for folder, _, names in os.walk(seed, followlinks=True):  # a folder of the seed may be a link (tests' nlu/)
        for name in sorted(names):
            source = Path(folder) / name
            relative = source.relative_to(seed)
            if relative in files:
                continue
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            if link:
                (target / relative).symlink_to(source.resolve())
            else:
                shutil.copy2(source, target / relative)
    for relative, body in files.items():
        if body is not None:
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            (target / relative).write_text(documents.dump(body), encoding="utf-8")
    return target


def directory(seed: Path, overlay: dict[str, dict | None]) -> Path:
    """A fresh effective content directory for this process (the seed itself when nothing is laid over)."""
    if not any(not documents.ANSWER.match(d) for d in overlay):
        return Path(seed)
    return write(seed, overlay, Path(tempfile.mkdtemp(dir=scratch())))


def load(seed: Path, overlay: dict[str, dict | None]) -> Content:
    return load_content(directory(seed, overlay))
