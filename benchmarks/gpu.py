"""The GPU benchmark: `python -m benchmarks.gpu [--out DIR] [--repeats N] [--quick]`.

Two workloads at sizes where a GPU pays off: one SGD step of the 784-256-10 MLP at batch 4,096, and a
4,096 x 4,096 float32 matmul with its backward (two more products). Each is written three ways
(benchmarks/workloads.py): CuPy by hand, tinygrad_edu on CuPy, and PyTorch CUDA. As in `python -m
benchmarks`, every implementation runs in a process of its own and the processes take turns; every timed
round ends with a synchronisation. The implementations must also agree on what the first step computed.

Prints one line per workload, then the targets (tinygrad_edu on CuPy at most 1.2x PyTorch CUDA), and
writes gpu_benchmark.json to --out (default: $GPU_CHECK_OUT, else .gpu-check/out, which git ignores).
Exit status 1 if an implementation failed or the implementations disagree; a missed target is reported,
not an error.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

import numpy as np

from .workloads import library, mlp, matmul, sync
from .worker import time_step

ROOT = Path(__file__).resolve().parent.parent
IMPLS = ["cupy", "tinygrad_edu", "torch"]
WORKLOADS = {"mlp": (mlp, {"batch": 4096}, "784-256-10 MLP, one SGD step at batch 4,096"),
             "matmul": (matmul, {"n": 4096}, "4,096 x 4,096 float32 matmul, forward + backward")}
QUICK_SIZES = {"mlp": {"batch": 8, "sizes": (16, 8, 4)}, "matmul": {"n": 8}}
TARGET = ("tinygrad_edu", "torch", 1.2)  # ours at most 1.2x PyTorch CUDA, on every workload
AGREE_RTOL = 1e-3  # float32 sums in different orders on the GPU
WORKER_TIMEOUT_S = 90  # one process: imports, CUDA start-up, both workloads (a few seconds on a GPU)


def _host(value) -> np.ndarray:
    """A tensor or GPU array as a NumPy float64 array."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    elif hasattr(value, "get"):
        value = value.get()
    return np.asarray(value, dtype=np.float64)


def fingerprint(out) -> list[float]:
    """What a step computed, in a few numbers: the mean absolute value of each of its outputs."""
    return [float(np.abs(_host(v)).mean()) for v in (out if isinstance(out, tuple) else (out,))]


def time_workloads(impl: str, quick: bool) -> dict:
    """In this process: the median seconds per step of every workload with `impl`, and what its first step made."""
    lib = library(impl)
    if impl == "torch" and not lib.cuda.is_available():
        raise SystemExit("PyTorch cannot use CUDA here (a CPU-only build, or no GPU)")
    times, checks = {}, {}
    for name, (make, sizes, _) in WORKLOADS.items():
        step = make(impl, "cuda", **(QUICK_SIZES[name] if quick else sizes))
        checks[name] = fingerprint(step())
        times[name] = time_step(step, lambda: sync(lib, "cuda"), 1 if quick else 5, 0.0 if quick else 0.1)
    return {"times": times, "checks": checks, "version": lib.__version__}


def measure(impls: list[str], repeats: int, quick: bool) -> tuple[dict, dict, dict, dict]:
    """Per implementation: its runs (seconds per step, per process), first-step fingerprints, error, version."""
    runs = {w: {i: [] for i in impls} for w in WORKLOADS}
    checks, errors, versions = {}, {}, {}
    for r in range(repeats):
        for k in range(len(impls)):
            impl = impls[(r + k) % len(impls)]  # rotate who goes first
            if impl in errors:
                continue
            cmd = [sys.executable, "-m", "benchmarks.gpu", "--worker", impl] + (["--quick"] if quick else [])
            try:
                out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=WORKER_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                errors[impl] = f"its process ran over {WORKER_TIMEOUT_S} s"
                continue
            if out.returncode != 0:
                errors[impl] = (out.stderr.strip().splitlines() or [f"exit status {out.returncode}"])[-1]
                continue
            result = json.loads(out.stdout.strip().splitlines()[-1])
            for w, seconds in result["times"].items():
                runs[w][impl].append(seconds)
            checks[impl], versions[impl] = result["checks"], result["version"]
    return runs, checks, errors, versions


def summarize(runs: dict, checks: dict, errors: dict, versions: dict) -> dict:
    """Medians, the ratio to the target's baseline, and whether each implementation agrees with CuPy by hand."""
    ours, base, limit = TARGET
    results = {"median_s": {}, "targets": {}, "agree": {}, "errors": errors, "versions": versions,
               "runs": runs, "checks": checks}
    for w, by_impl in runs.items():
        med = {i: statistics.median(ts) for i, ts in by_impl.items() if ts}
        results["median_s"][w] = med
        ratio = med[ours] / med[base] if ours in med and base in med else None
        results["targets"][w] = {"ratio": ratio, "limit": limit, "met": None if ratio is None else ratio <= limit}
        if "cupy" in checks:
            results["agree"][w] = {i: bool(np.allclose(c[w], checks["cupy"][w], rtol=AGREE_RTOL, atol=1e-6))
                                   for i, c in checks.items() if i != "cupy"}
    return results


def _time(seconds: float) -> str:
    return f"{seconds * 1e3:.3f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:.1f} us"


def report(results: dict) -> list[str]:
    """One line per workload (times, the target's verdict, agreement), and one per failed implementation."""
    ours, base, limit = TARGET
    lines = []
    for w, med in results["median_s"].items():
        times = "  ".join(f"{i} {_time(t)}" for i, t in med.items())
        target = results["targets"][w]
        verdict = ("not measured" if target["ratio"] is None else
                   f"{target['ratio']:.2f}x {'met' if target['met'] else 'MISSED'}")
        wrong = [i for i, ok in results["agree"].get(w, {}).items() if not ok]
        agree = f"; DISAGREE with cupy: {', '.join(wrong)}" if wrong else ""
        lines.append(f"gpu bench: {w:<7} {times}  |  {ours} <= {limit}x {base}: {verdict}{agree}")
    lines += [f"gpu bench: {impl} FAILED: {why}" for impl, why in results["errors"].items()]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gpu", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one step: checks the benchmark runs")
    parser.add_argument("--repeats", type=int, default=3, help="processes per implementation, taking turns")
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("GPU_CHECK_OUT", ROOT / ".gpu-check/out")),
                        help="folder for gpu_benchmark.json")
    parser.add_argument("--worker", choices=IMPLS, help=argparse.SUPPRESS)  # one implementation, in this process
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(time_workloads(args.worker, args.quick)))
        return 0

    import tinygrad_edu as tg
    from tinygrad_edu import backend
    if not tg.cuda.is_available():
        print(f"gpu bench: no usable CUDA GPU here ({backend._gpu()[1]}): nothing to measure", file=sys.stderr)
        return 2
    import cupy
    results = {"gpu": tg.cuda.get_device_name(0),
               "machine": f"{platform.machine()}, Python {platform.python_version()}, NumPy {np.__version__}, "
                          f"CuPy {cupy.__version__}, CUPY_TF32={os.environ.get('CUPY_TF32', 'unset')}",
               "sizes": {w: (QUICK_SIZES[w] if args.quick else sizes) for w, (_, sizes, _) in WORKLOADS.items()},
               "repeats": 1 if args.quick else args.repeats, "quick": args.quick}
    results.update(summarize(*measure(IMPLS, results["repeats"], args.quick)))
    print(f"gpu bench: {results['gpu']}; {results['machine']}; {results['repeats']} process(es) each")
    for line in report(results):
        print(line)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "gpu_benchmark.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"gpu bench: results in {path}")
    disagree = any(not ok for a in results["agree"].values() for ok in a.values())
    return 1 if results["errors"] or disagree else 0


if __name__ == "__main__":
    sys.exit(main())
