"""Dependency audit for CI: `pip-audit` over the project's environment (the editable project itself left
out). A known vulnerability fails the run, unless its id is in AUDIT_IGNORE below with the README's
"Dependencies and why" explaining it. A vulnerability service that cannot be reached (no network, or a
package index that mirrors the packages but not PyPI's JSON API) does not fail the run: it says so, loudly,
since then nothing was audited.

Usage: python .ci/audit.py [path/to/pip-audit]
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

SERVICES = ("pypi", "osv")  # PyPI's JSON API first, then OSV's
AUDIT_IGNORE: dict[str, str] = {}  # vulnerability id -> why it does not apply (also in the README)


def run(pip_audit: str, service: str) -> tuple[dict | None, str]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        args = [pip_audit, "--vulnerability-service", service, "--skip-editable", "--progress-spinner", "off",
                "--format", "json", "--output", str(out), "--timeout", "20"]
        for vuln in AUDIT_IGNORE:
            args += ["--ignore-vuln", vuln]
        proc = subprocess.run(args, capture_output=True, text=True, timeout=600)
        report = json.loads(out.read_text()) if out.exists() and out.stat().st_size else None
    return report, proc.stderr.strip()


def main() -> int:
    pip_audit = sys.argv[1] if len(sys.argv) > 1 else "pip-audit"
    for service in SERVICES:
        report, err = run(pip_audit, service)
        if report is None:
            print(f"dependency audit: {service} unreachable ({err.splitlines()[-1] if err else 'no report'})")
            continue
        deps = report.get("dependencies", [])
        audited = [d for d in deps if "skip_reason" not in d]
        if not audited:
            print(f"dependency audit: {service} knows none of the {len(deps)} packages (unreachable or a mirror)")
            continue
        findings = [(d["name"], d["version"], v) for d in audited for v in d.get("vulns", [])]
        for name, version, v in findings:
            fixed = ", ".join(v.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE {name} {version}: {v.get('id')} ({', '.join(v.get('aliases') or [])}); fixed in {fixed}")
        skipped = len(deps) - len(audited)
        print(f"dependency audit ({service}): {len(audited)} packages audited, {skipped} skipped, "
              f"{len(findings)} known vulnerabilities")
        return 1 if findings else 0
    print("dependency audit: NOT RUN, no vulnerability service reachable from this machine; CI goes on")
    return 0


if __name__ == "__main__":
    sys.exit(main())
