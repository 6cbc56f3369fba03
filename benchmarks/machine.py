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
    return (f"{cpu} · {os.cpu_count()} cores{memory} · {platform.system()} "
            f"{platform.machine()} · Python {platform.python_version()}")
