"""A one-line description of the machine a benchmark ran on (CPU model, cores, memory, Python)."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def describe_machine() -> str:
    """E.g. ``Intel Xeon ... · 2 cores · 23.4 GiB · Linux x86_64 · Python 3.11.7``."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f" · {kib / 2**20:.1f} GiB"
    return (
        f"{cpu} · {os.cpu_count()} cores{memory} · {platform.system()} "
        f"{platform.machine()} · Python {platform.python_version()}"
    )


def load_average() -> float:
    """The 1-minute load average (other processes slow every timing), 0.0 where unknown."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


def describe_load(at_start: float) -> str:
    """The machine's load at the start of a benchmark and now, for its results."""
    return f"1-minute load average {at_start:.1f} at the start, {load_average():.1f} at the end"
