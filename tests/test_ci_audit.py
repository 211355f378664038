"""The CI's dependency audit (.ci/audit.py) fails on a known vulnerability and only on that: a service it
cannot reach is reported as "not run". pip-audit is replaced by a script that writes the report it would."""
from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AUDITED = {"name": "flask", "version": "3.1.3", "vulns": []}
VULNERABLE = {"name": "jinja2", "version": "3.0.0", "vulns": [
    {"id": "GHSA-h5c8-rqwp-cp95", "aliases": ["CVE-2024-22195"], "fix_versions": ["3.1.3"]}]}
UNKNOWN = {"name": "pillow", "skip_reason": "Dependency not found on PyPI and could not be audited"}


def fake_pip_audit(tmp_path: Path, reports: dict[str, dict | None]) -> Path:
    """A pip-audit that answers per vulnerability service: a report, or a network error (None)."""
    script = tmp_path / "pip-audit"
    script.write_text(f"""#!{sys.executable}
import json, sys
reports = {json.dumps(reports)!r}
args = sys.argv[1:]
report = json.loads(reports)[args[args.index("--vulnerability-service") + 1]]
if report is None:
    sys.exit("requests.exceptions.ConnectionError: Failed to resolve")
open(args[args.index("--output") + 1], "w").write(json.dumps(report))
sys.exit(1 if any(d.get("vulns") for d in report["dependencies"]) else 0)
""")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


@pytest.mark.parametrize("reports, code, says", [
    ({"pypi": {"dependencies": [AUDITED, VULNERABLE], "fixes": []}, "osv": None}, 1, "VULNERABLE jinja2"),
    ({"pypi": {"dependencies": [AUDITED, UNKNOWN], "fixes": []}, "osv": None}, 0, "0 known vulnerabilities"),
    ({"pypi": {"dependencies": [UNKNOWN], "fixes": []}, "osv": {"dependencies": [VULNERABLE]}}, 1,
     "CVE-2024-22195"),
    ({"pypi": {"dependencies": [UNKNOWN], "fixes": []}, "osv": None}, 0, "NOT RUN"),
])
def test_the_audit_fails_on_findings_and_reports_an_unreachable_service(tmp_path, reports, code, says):
    proc = subprocess.run([sys.executable, str(ROOT / ".ci" / "audit.py"), str(fake_pip_audit(tmp_path, reports))],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert says in proc.stdout
