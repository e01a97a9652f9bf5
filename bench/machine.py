"""What the figures were measured on: CPU, cores, memory, versions, load."""

import os
import platform
import sys
from pathlib import Path


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024**2
    return float("nan")


def load_average() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def describe() -> dict[str, str]:
    import bm25s
    import faiss
    import sentence_transformers
    import torch

    return {
        "CPU": cpu_model(),
        "cores": str(os.cpu_count()),
        "RAM": f"{memory_gib():.1f} GiB",
        "Python": sys.version.split()[0],
        "torch": torch.__version__,
        "sentence-transformers": sentence_transformers.__version__,
        "faiss": faiss.__version__,
        "bm25s": bm25s.__version__,
        "load average at start (1 / 5 / 15 min)": load_average(),
    }
