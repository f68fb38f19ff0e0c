"""Time one implementation's workloads in this process: `python -m benchmarks.worker IMPL DEVICE [options]`.

The runner (`python -m benchmarks`) starts one of these per implementation, several times over, so
that NumPy's, PyTorch's and our thread pools never share a process (on a 2-core machine they slow
each other down: a PyTorch step run after NumPy work in the same process can be many times slower).
Prints one JSON line: the median seconds per step of each workload.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Callable

from .workloads import QUICK_SIZES, WORKLOADS, library, sync


def time_step(step: Callable[[], object], wait: Callable[[], None], rounds: int, round_s: float) -> float:
    """Median seconds per step over `rounds` rounds of about `round_s` seconds each, after a warm-up."""
    start = time.perf_counter()
    while True:  # warm-up: caches, allocator, lazy initialisation, the CPU's clock
        step()
        wait()
        if time.perf_counter() - start > round_s:
            break
    start = time.perf_counter()
    step()
    wait()
    k = max(1, min(10_000, int(round_s / max(time.perf_counter() - start, 1e-7))))
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(k):
            step()
        wait()
        times.append((time.perf_counter() - start) / k)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.worker")
    parser.add_argument("impl", choices=["tinygrad_edu", "numpy", "cupy", "torch"])
    parser.add_argument("device", choices=["cpu", "cuda"])
    parser.add_argument("--only", nargs="*", default=list(WORKLOADS))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--round-s", type=float, default=0.1, help="seconds per timed round")
    parser.add_argument("--threads", type=int, default=None, help="PyTorch intra-op threads (others: set by env)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one step a round")
    args = parser.parse_args(argv)
    lib = library(args.impl)
    if args.impl == "torch" and args.threads:
        lib.set_num_threads(args.threads)
    results = {}
    for name in args.only:
        step = WORKLOADS[name][0](args.impl, args.device, **(QUICK_SIZES[name] if args.quick else {}))
        wait = (lambda: sync(lib, args.device))
        results[name] = time_step(step, wait, 1 if args.quick else args.rounds, 0.0 if args.quick else args.round_s)
    print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
