"""CPU time of a process and all its descendants, read from /proc (Linux), no dependency.

A uvicorn started with --workers N is a supervisor plus N spawned children, and a running
child's time is not in its parent's counters until it is reaped, so the whole tree is
summed. Read before and after a measured round, the difference is the server's CPU for it
— unlike machine-wide figures, not blurred by the load generator or anyone else's work.
"""

from __future__ import annotations

import os
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PROC = Path("/proc")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, user + system seconds), or None if the process is gone."""
    try:
        text = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()  # the name may hold spaces and parentheses
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK


def tree_seconds(root: int | None) -> float:
    """User + system CPU seconds of `root` and every live descendant (0.0 without /proc)."""
    if root is None or not _PROC.exists():
        return 0.0
    parent: dict[int, int] = {}
    spent: dict[int, float] = {}
    for entry in _PROC.iterdir():
        if entry.name.isdigit():
            found = _stat(int(entry.name))
            if found:
                parent[int(entry.name)], spent[int(entry.name)] = found
    total = 0.0
    for pid, seconds in spent.items():
        p = pid
        while p and p != root and p in parent:
            p = parent[p]
        if p == root:
            total += seconds
    return total


def machine_busy_seconds() -> float:
    """All cores' busy time (user, nice, system, irq, softirq) since boot, as the peers' cpustat reads it."""
    try:
        values = [int(x) for x in (_PROC / "stat").read_text().split("\n", 1)[0].split()[1:8]]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq = values
    return (user + nice + system + irq + softirq) / _TICK
