"""Run the benchmarks: `make bench` or `python -m benchmarks [--quick] [--no-memory] [--out DIR]`.

Every implementation of a workload runs in this one process, interleaved round by round (so a noisy
neighbour slows all of them alike), after a warm-up. The table shows the median time per step and the
ratios of tinygrad_edu against the hand-written NumPy (or CuPy) code and PyTorch measured in the same run.
Results go to benchmarks/results/ as JSON and a bar chart.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from .workloads import WORKLOADS

RESULTS = Path(__file__).resolve().parent / "results"
TARGETS = {  # workload -> (baseline, largest acceptable ratio), from COURSE_DESIGN section 6
    "tiny": [("torch", 1.0)],
    "logistic_regression": [("numpy", 1.3), ("torch", 1.0)],
    "matmul": [("numpy", 1.05)],
}


def implementations(device: str) -> list[tuple[str, str]]:
    """(implementation, device) pairs to measure: ours, the hand-written baseline, and PyTorch if installed."""
    have_torch = importlib.util.find_spec("torch") is not None
    if device == "cpu":
        return [("tinygrad_edu", "cpu"), ("numpy", "cpu")] + ([("torch", "cpu")] if have_torch else [])
    pairs = [("tinygrad_edu", "cuda"), ("cupy", "cuda")]
    if have_torch:
        import torch
        if torch.cuda.is_available():
            pairs.append(("torch", "cuda"))
    return pairs


def measure(workload: str, pairs: list[tuple[str, str]], rounds: int, quick: bool) -> dict[str, float]:
    """Median seconds per step of each implementation, interleaved round by round."""
    make = WORKLOADS[workload][0]
    kwargs = {"tiny": {}, "logistic_regression": {"n": 200}, "mlp": {"batch": 8, "sizes": (16, 8, 4)},
              "matmul": {"n": 16}}[workload] if quick else {}
    steps, per_round = {}, {}
    for impl, device in pairs:
        step = make(impl, device, **kwargs)
        for _ in range(3):
            step()
        start = time.perf_counter()
        step()
        one = max(time.perf_counter() - start, 1e-7)
        steps[impl] = step
        per_round[impl] = 1 if quick else max(1, min(2000, int(0.2 / one)))  # about 0.2 s a round
    times: dict[str, list[float]] = {impl: [] for impl in steps}
    for _ in range(rounds):
        for impl, device in pairs:
            step, k = steps[impl], per_round[impl]
            _sync(impl, device)
            start = time.perf_counter()
            for _ in range(k):
                step()
            _sync(impl, device)
            times[impl].append((time.perf_counter() - start) / k)
    return {impl: statistics.median(ts) for impl, ts in times.items()}


def _sync(impl: str, device: str) -> None:
    if device != "cpu":
        from .workloads import _sync as sync, library
        sync(library(impl), device)


def memory(steps: int) -> dict[str, float]:
    """RSS growth over `steps` MLP training steps, measured in a fresh process."""
    out = subprocess.run([sys.executable, "-m", "benchmarks.memory", str(steps)], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parent.parent)
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(results: dict) -> str:
    lines = [f"{'workload':<22}{'implementation':<16}{'median / step':>16}{'vs numpy':>10}{'vs torch':>10}"]
    for workload, res in results["workloads"].items():
        base = res.get("numpy") or res.get("cupy")
        for impl, t in res.items():
            vs_np = f"{t / base:.2f}x" if base else "-"
            vs_torch = f"{t / res['torch']:.2f}x" if "torch" in res else "-"
            lines.append(f"{workload:<22}{impl:<16}{t * 1e6:>13.1f} us{vs_np:>10}{vs_torch:>10}")
    if "memory" in results:
        m = results["memory"]
        lines.append(f"memory: RSS {m['rss_start_mb']:.1f} MB after warm-up, {m['rss_end_mb']:.1f} MB after "
                     f"{m['steps']} MLP steps: growth {m['growth_mb']:+.2f} MB (peak {m['peak_mb']:.1f} MB)")
    return "\n".join(lines)


def targets(results: dict) -> str:
    lines = ["targets (COURSE_DESIGN section 6):"]
    for workload, checks in TARGETS.items():
        res = results["workloads"].get(workload, {})
        for baseline, limit in checks:
            if baseline not in res or "tinygrad_edu" not in res:
                lines.append(f"  {workload} vs {baseline} <= {limit}x: not measured ({baseline} missing)")
                continue
            ratio = res["tinygrad_edu"] / res[baseline]
            lines.append(f"  {workload} vs {baseline} <= {limit}x: {ratio:.2f}x {'met' if ratio <= limit else 'MISSED'}")
    if "memory" in results:
        g = results["memory"]["growth_mb"]
        lines.append(f"  memory growth < 5 MB: {g:+.2f} MB {'met' if g < 5 else 'MISSED'}")
    return "\n".join(lines)


def chart(results: dict, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    workloads = list(results["workloads"])
    impls = sorted({i for r in results["workloads"].values() for i in r}, key=["tinygrad_edu", "numpy", "cupy", "torch"].index)
    fig, ax = plt.subplots(figsize=(8, 3.5))
    width = 0.8 / len(impls)
    for k, impl in enumerate(impls):
        ratios = []
        for w in workloads:
            res = results["workloads"][w]
            base = res.get("numpy") or res.get("cupy")
            ratios.append(res[impl] / base if impl in res else 0)
        ax.bar(np.arange(len(workloads)) + k * width, ratios, width, label=impl)
    ax.axhline(1, color="gray", lw=0.8)
    ax.set_xticks(np.arange(len(workloads)) + width * (len(impls) - 1) / 2, workloads)
    ax.set_ylabel("time / hand-written NumPy")
    ax.set_title(f"Time per step relative to hand-written code ({results['device']}; lower is better)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one round: checks the benchmark runs")
    parser.add_argument("--no-memory", action="store_true", help="skip the 5,000-step memory workload")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--only", nargs="*", default=None, help="workloads to run")
    args = parser.parse_args(argv)
    pairs = implementations(args.device)
    results = {"device": args.device, "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python "
               f"{platform.python_version()}, NumPy {np.__version__}", "workloads": {}}
    if any(i == "torch" for i, _ in pairs):
        import torch
        results["machine"] += f", PyTorch {torch.__version__} ({torch.get_num_threads()} threads)"
    for name in args.only or WORKLOADS:
        results["workloads"][name] = measure(name, pairs, 1 if args.quick else args.rounds, args.quick)
        print(f"measured {name}", file=sys.stderr)
    if not args.no_memory:
        results["memory"] = memory(50 if args.quick else 5000)
    print(results["machine"])
    print(table(results))
    print(targets(results))
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.device == "cpu" else f"_{args.device}"
    (args.out / f"latest{suffix}.json").write_text(json.dumps(results, indent=2) + "\n")
    chart(results, args.out / f"latest{suffix}.png")
    return results


if __name__ == "__main__":
    main()
