"""`python -m bot content export DIR` and `content import DIR`: the office's effective content as a content
directory (the files `bot content check` reads, plus `answers.yaml` with the office's own answers), and
such a directory stored back as published revisions. Export, import into an empty database, export
again: the same files."""
from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from bot.office_answers import ita_years
from bot.office_answers import store as answers_store

from . import documents, effective, revisions
from .answers_file import AnswersFile

ANSWERS_FILE = Path("answers.yaml")


def export(session, seed: Path, target: Path) -> Path:
    """Write the content in use into `target` (which must not exist or be empty)."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target}: not empty; export into a new folder")
    overlay = revisions.overlay(session)
    files_years = {int(p.stem) for p in (Path(seed) / "ita").glob("2[5-7][0-9][0-9].yaml")}
    for year_file in ita_years.stored(session.connection()):
        document = f"ita/{year_file.year}"
        if year_file.year not in files_years and document not in overlay:
            overlay[document] = documents.plain(year_file.model_dump(mode="json", exclude_defaults=True))
    effective.write(seed, overlay, target, link=False)
    rows = answers_store.answers(session.connection())
    if rows:
        body = {"answers": [{"question": q, "answer": a, "examples": ex, **({"link": link} if link else {})}
                            for _, q, a, ex, link in rows]}
        (target / ANSWERS_FILE).write_text(documents.dump(body), encoding="utf-8")
    return target


def document_files(folder: Path) -> dict[str, Path]:
    """The documents a content directory holds, by name."""
    found = {name: folder / f"{name}.yaml" for name in documents.FIXED if (folder / f"{name}.yaml").is_file()}
    for path in sorted((folder / "procedures").glob("*.yaml")):
        found[f"procedures/{path.stem}"] = path
    for path in sorted((folder / "ita").glob("*.yaml")):
        if documents.ITA_YEAR.match(f"ita/{path.stem}"):
            found[f"ita/{path.stem}"] = path
    return found


def import_(session, seed: Path, source: Path, author: str, reason: str = "นำเข้าจากไฟล์") -> list[str]:
    """Store every document of `source` that differs from what is in use as a published revision (a
    manual or year missing from `source` is removed), and add its answers not already there. Checked as a
    whole first; Refused names each wrong field. Returns what was done, one line each."""
    seed, source = Path(seed), Path(source)
    if not source.is_dir():
        raise FileNotFoundError(f"{source}: no such folder")
    incoming = {doc: documents.read(path) for doc, path in document_files(source).items()}
    in_use = {doc: revisions.current(session, seed, doc) for doc in document_files(seed)}
    in_use.update({doc: body for doc, body in revisions.overlay(session).items()})
    changed = {doc: body for doc, body in incoming.items() if in_use.get(doc) != body}
    changed.update({doc: None for doc, body in in_use.items() if body is not None and doc not in incoming})
    answers = _answers(source)
    revisions.publish_all(session, seed, changed, author, reason)
    have = {(q, a) for _, q, a, _, _ in answers_store.answers(session.connection())}
    added = 0
    for answer in answers:
        if (answer.question, answer.answer) not in have:
            answers_store.add_answer(session, answer.question, answer.answer, answer.examples, link=answer.link)
            added += 1
    return [f"{doc}: {'ลบออก' if body is None else 'ปรับปรุง'}" for doc, body in changed.items()] + \
        ([f"answers.yaml: เพิ่มคำตอบ {added} รายการ"] if added else [])


def _answers(source: Path) -> list[AnswersFile.Answer]:
    body = documents.read(source / ANSWERS_FILE)
    if body is None:
        return []
    try:
        return AnswersFile.model_validate(body).answers
    except ValidationError as exc:
        raise revisions.Refused([f"answers.yaml: {line}" for line in documents.thai_errors(exc)]) from None
