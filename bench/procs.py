"""What a process costs, read from /proc (Linux): CPU seconds, resident memory, proportional set size."""
from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str]:
    raw = Path(f"/proc/{pid}/stat").read_text()
    return raw[raw.rindex(")") + 2:].split()  # fields after "pid (comm) ", so a comm with spaces is safe


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (10 ms resolution at the usual 100 Hz)."""
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / TICKS


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat_fields(int(entry.name))[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return sorted(found)


def _kb(path: str, key: str) -> int:
    for line in Path(path).read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(f"{key} not in {path}")


def rss_mb(pid: int) -> float:
    return round(_kb(f"/proc/{pid}/status", "VmRSS") / 1024, 1)


def pss_mb(pid: int) -> float:
    """Proportional set size: pages shared with other processes (a preloaded master's) counted in part."""
    return round(_kb(f"/proc/{pid}/smaps_rollup", "Pss") / 1024, 1)
