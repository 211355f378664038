"""The checks of `bot content check` that concern the documents staff change, run on the content they
would make: each service manual, the office with its manuals, the holidays, the ITA figures."""
from __future__ import annotations

import tempfile
from pathlib import Path

from bot.content import load_content
from bot.content.check import Findings, _collect, figure_findings, procedure_problems
from scoring.yamlfile import load_model

from .effective import scratch, write


def problems(seed: Path, overlay: dict[str, dict | None]) -> list[str]:
    """What `bot content check` finds wrong in the files these documents touch, once laid over the seed:
    every service manual, the office and its manuals together, the holidays, the ITA figures."""
    from bot.complaints.deadlines import HolidaysFile

    with tempfile.TemporaryDirectory(dir=scratch()) as tmp:
        folder = write(seed, overlay, Path(tmp) / "content")
        findings = Findings()
        findings.problems += procedure_problems(folder)
        content = _collect(findings, lambda: load_content(folder))
        if (folder / "holidays.yaml").is_file():
            _collect(findings, lambda: load_model(folder / "holidays.yaml", HolidaysFile))
        if content is not None:
            _collect(findings, lambda: figure_findings(folder, findings))
        return [p.replace(f"{folder}/", "") for p in dict.fromkeys(findings.problems)]
