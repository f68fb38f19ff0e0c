"""What PyTorch's random numbers cost in NumPy: `python -m benchmarks.rng [--size N] [--rounds R]`.

tinygrad_edu makes PyTorch's CPU stream (mt19937, 624 words at a time, in NumPy array operations) and
turns it into numbers as PyTorch's kernels do; NumPy's own generator (PCG64, in C) is the yardstick,
and PyTorch (C++) is timed too where it is installed. Each call is timed in turns with the others,
`--rounds` times, and the best time of each is kept (the fairest on a busy machine).
"""
from __future__ import annotations

import argparse
import importlib.util
import time

import numpy as np

import tinygrad_edu as tg


def cases(n: int) -> list[tuple[str, dict]]:
    """(name, {implementation: call}) for each measured call."""
    rng = np.random.default_rng(0)
    calls = [
        ("rand float32", {"tinygrad_edu": lambda: tg.rand(n), "numpy": lambda: rng.random(n, dtype=np.float32)}),
        ("randn float32", {"tinygrad_edu": lambda: tg.randn(n),
                           "numpy": lambda: rng.standard_normal(n, dtype=np.float32)}),
        ("rand float64", {"tinygrad_edu": lambda: tg.rand(n, dtype=tg.float64), "numpy": lambda: rng.random(n)}),
        ("randn float64", {"tinygrad_edu": lambda: tg.randn(n, dtype=tg.float64),
                           "numpy": lambda: rng.standard_normal(n)}),
        ("randint [0, 10)", {"tinygrad_edu": lambda: tg.randint(0, 10, (n,)),
                             "numpy": lambda: rng.integers(0, 10, n)}),
        ("randperm (n / 10)", {"tinygrad_edu": lambda: tg.randperm(n // 10),
                               "numpy": lambda: rng.permutation(n // 10)}),
    ]
    if importlib.util.find_spec("torch") is not None:
        import torch
        torch.set_num_threads(1)
        for (name, impls), call in zip(calls, [
                lambda: torch.rand(n), lambda: torch.randn(n), lambda: torch.rand(n, dtype=torch.float64),
                lambda: torch.randn(n, dtype=torch.float64), lambda: torch.randint(0, 10, (n,)),
                lambda: torch.randperm(n // 10)]):
            impls["torch"] = call
    return calls


def best_times(impls: dict, rounds: int) -> dict:
    """The best wall time in seconds of each call, timed in turns."""
    best = {name: float("inf") for name in impls}
    for name, call in impls.items():   # warm up
        call()
    for _ in range(rounds):
        for name, call in impls.items():
            start = time.perf_counter()
            call()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="numbers per call (default 1,000,000)")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    print(f"{args.size:,} numbers per call; best of {args.rounds} rounds, in milliseconds")
    print(f"{'call':<20}{'tinygrad_edu':>14}{'numpy':>10}{'torch':>10}{'ours / numpy':>15}")
    for name, impls in cases(args.size):
        t = best_times(impls, args.rounds)
        torch_ms = f"{t['torch'] * 1e3:10.1f}" if "torch" in t else f"{'-':>10}"
        print(f"{name:<20}{t['tinygrad_edu'] * 1e3:14.1f}{t['numpy'] * 1e3:10.1f}{torch_ms}"
              f"{t['tinygrad_edu'] / t['numpy']:14.1f}x")


if __name__ == "__main__":
    main()
