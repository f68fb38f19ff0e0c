"""RSS over many MLP training steps, in its own process: `python -m benchmarks.memory STEPS`.

Prints one JSON line: RSS after a warm-up, at the end, the growth and the peak, in MB. A graph that
outlived its step would make the RSS grow step after step.
"""
from __future__ import annotations

import json
import resource
import sys

from .workloads import mlp


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def main(steps: int) -> dict:
    step = mlp("tinygrad_edu", "cpu")
    warm = min(500, max(1, steps // 10))
    for _ in range(warm):
        step()
    start = rss_mb()
    for _ in range(steps - warm):
        step()
    end = rss_mb()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"steps": steps, "rss_start_mb": start, "rss_end_mb": end, "growth_mb": end - start, "peak_mb": peak}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)))
