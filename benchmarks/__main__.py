"""Run the benchmarks: `make bench` or `python -m benchmarks [--quick] [--device cuda] [--threads N] ...`.

How the numbers are made. Each implementation of the workloads (tinygrad_edu, the same steps written
by hand in NumPy or CuPy, and PyTorch) runs in a process of its own (benchmarks/worker.py), so the
thread pools of NumPy's BLAS and PyTorch never compete on the machine's cores. The processes take
turns, in a rotating order (ABC, BCA, CAB, ...), `--repeats` times, so a noisy moment slows all of
them alike. Inside a process each workload is warmed up, then timed in rounds of about 0.1 s; the
process reports its median per step. The table shows, per implementation, the median over its
processes, and the ratios between implementations measured in this one run.

Also measured, each in a fresh process: the time `import tinygrad_edu` takes, and the memory (RSS) over
5,000 MLP training steps. Results go to benchmarks/results/local/ (ignored by git) as JSON and a bar
chart; `--update` (`make bench UPDATE=1`) writes the committed copy in benchmarks/results/ instead.
Then, on the CPU, how cost grows with the batch size and the graph's depth (benchmarks/scaling.py;
`--no-scaling` skips it).
"""
from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .workloads import WORKLOADS

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"  # the committed copy: written only with --update
LOCAL = RESULTS / "local"  # a run's own results, ignored by git
TARGETS = {  # workload -> [(baseline, largest acceptable ratio)], as benchmarks/README.md states them
    "tiny": [("torch", 0.6)],
    "logistic_regression": [("numpy", 1.2), ("torch", 1.0)],
    "mlp": [("numpy", 1.1)],
    "matmul": [("numpy", 1.05)],
}
GPU_TARGETS = [("torch", 1.2)]  # on a GPU, every workload: the CuPy path within 1.2x of PyTorch CUDA
IMPORT_TARGET_S, MEMORY_TARGET_MB = 0.3, 5.0
NOISY = 0.25  # a spread (max - min over the median, across processes) above this: the machine was busy


def implementations(device: str) -> list[str]:
    """The implementations to measure: ours, the hand-written baseline, and PyTorch if it is installed."""
    have_torch = importlib.util.find_spec("torch") is not None
    if device == "cpu":
        return ["tinygrad_edu", "numpy"] + (["torch"] if have_torch else [])
    impls = ["tinygrad_edu", "cupy"]
    if have_torch:
        import torch
        if torch.cuda.is_available():
            impls.append("torch")
    return impls


def _env(threads: int | None) -> dict:
    """The environment for the measuring processes: with `threads`, every library's thread pool set to it."""
    env = dict(os.environ)
    if threads:
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = str(threads)
    return env


def _python(args: list[str], threads: int | None) -> str:
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT, env=_env(threads))
    if out.returncode != 0:
        raise RuntimeError(f"`python {' '.join(args)}` failed:\n{out.stderr}")
    return out.stdout


def measure(impls: list[str], workloads: list[str], args: argparse.Namespace) -> dict[str, dict[str, list[float]]]:
    """Per workload and implementation: the median seconds per step reported by each of its processes."""
    runs: dict = {w: {impl: [] for impl in impls} for w in workloads}
    repeats = 1 if args.quick else args.repeats
    for r in range(repeats):
        for k in range(len(impls)):
            impl = impls[(r + k) % len(impls)]  # rotate who goes first
            cmd = ["-m", "benchmarks.worker", impl, args.device, "--only", *workloads]
            cmd += ["--quick"] if args.quick else []
            cmd += ["--threads", str(args.threads)] if args.threads else []
            for w, seconds in json.loads(_python(cmd, args.threads).strip().splitlines()[-1]).items():
                runs[w][impl].append(seconds)
        print(f"round {r + 1}/{repeats} done", file=sys.stderr)
    return runs


def import_time(repeats: int) -> dict[str, float]:
    """Seconds `import tinygrad_edu` adds to a fresh Python: the median over `repeats` pairs of processes."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # (a learner's Python caches bytecode)

    def wall(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env)
        return time.perf_counter() - start
    wall("import tinygrad_edu")  # the first import compiles the package; every later one reads the cache
    bare, full = [], []
    for _ in range(repeats):
        bare.append(wall("pass"))
        full.append(wall("import tinygrad_edu"))
    return {"import_s": statistics.median(full) - statistics.median(bare), "python_s": statistics.median(bare),
            "repeats": repeats}


def memory(steps: int) -> dict[str, float]:
    """RSS growth over `steps` MLP training steps, measured in a fresh process."""
    return json.loads(_python(["-m", "benchmarks.memory", str(steps)], None).strip().splitlines()[-1])


# --- reporting ----------------------------------------------------------------------------------

def _baseline(res: dict) -> float | None:
    return res.get("numpy") or res.get("cupy")


def _targets(results: dict) -> dict[str, list]:
    return {w: GPU_TARGETS for w in results["workloads"]} if results.get("device") == "cuda" else TARGETS


def table(results: dict) -> str:
    by_hand = "cupy" if results.get("device") == "cuda" else "numpy"
    lines = [f"{'workload':<22}{'implementation':<15}{'median / step':>15}{'spread':>8}{'vs ' + by_hand:>10}"
             f"{'vs torch':>10}"]
    for workload, res in results["workloads"].items():
        base = _baseline(res)
        for impl, t in res.items():
            runs = results["runs"][workload][impl]
            spread = f"{100 * (max(runs) - min(runs)) / t:.0f}%" if len(runs) > 1 else "-"
            vs_np = f"{t / base:.2f}x" if base else "-"
            vs_torch = f"{t / res['torch']:.2f}x" if "torch" in res else "-"
            lines.append(f"{workload:<22}{impl:<15}{_time(t):>15}{spread:>8}{vs_np:>10}{vs_torch:>10}")
    if "import" in results:
        i = results["import"]
        lines.append(f"import tinygrad_edu: {i['import_s']:.3f} s (a bare Python starts in {i['python_s']:.3f} s)")
    if "memory" in results:
        m = results["memory"]
        lines.append(f"memory: RSS {m['rss_start_mb']:.1f} MB after warm-up, {m['rss_end_mb']:.1f} MB after "
                     f"{m['steps']} MLP steps: growth {m['growth_mb']:+.2f} MB (peak {m['peak_mb']:.1f} MB)")
    return "\n".join(lines)


def noisy(results: dict) -> bool:
    """True if some implementation's processes disagree by more than NOISY (a busy machine)."""
    return any((max(ts) - min(ts)) / statistics.median(ts) > NOISY
               for r in results["runs"].values() for ts in r.values() if len(ts) > 1)


def _time(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:.1f} us"


def targets(results: dict) -> str:
    lines = ["targets (benchmarks/README.md):"]
    for workload, checks in _targets(results).items():
        res = results["workloads"].get(workload, {})
        for baseline, limit in checks:
            baseline = "cupy" if baseline == "numpy" and "cupy" in res else baseline
            if baseline not in res or "tinygrad_edu" not in res:
                lines.append(f"  {workload} vs {baseline} <= {limit}x: not measured")
                continue
            ratio = res["tinygrad_edu"] / res[baseline]
            verdict = "met" if ratio <= limit else "MISSED"
            lines.append(f"  {workload} vs {baseline} <= {limit}x: {ratio:.2f}x {verdict}")
    if "memory" in results:
        g = results["memory"]["growth_mb"]
        lines.append(f"  memory growth < {MEMORY_TARGET_MB:g} MB: {g:+.2f} MB "
                     f"{'met' if g < MEMORY_TARGET_MB else 'MISSED'}")
    if "import" in results:
        s = results["import"]["import_s"]
        verdict = "met" if s < IMPORT_TARGET_S else "MISSED"
        lines.append(f"  import tinygrad_edu < {IMPORT_TARGET_S:g} s: {s:.3f} s {verdict}")
    return "\n".join(lines)


def chart(results: dict, path: Path) -> None:
    """Bars: each implementation's time per step relative to the hand-written code (log scale), targets marked."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    workloads = list(results["workloads"])
    order = ["tinygrad_edu", "numpy", "cupy", "torch"]
    impls = sorted({i for r in results["workloads"].values() for i in r}, key=order.index)
    fig, ax = plt.subplots(figsize=(8, 3.8))
    width = 0.8 / len(impls)
    for k, impl in enumerate(impls):
        ratios = [res[impl] / _baseline(res) if impl in res else np.nan for res in results["workloads"].values()]
        bars = ax.bar(np.arange(len(workloads)) + k * width, ratios, width, label=impl)
        ax.bar_label(bars, fmt="%.2f", fontsize=7)
    for i, w in enumerate(workloads):  # a target against the hand-written code: a black tick over our bar
        for baseline, limit in _targets(results).get(w, []):
            if baseline == "numpy":
                ax.plot([i - width / 2, i + width / 2], [limit, limit], color="black", lw=2)
    ax.set_yscale("log")
    ax.axhline(1, color="gray", lw=0.8)
    ax.set_xticks(np.arange(len(workloads)) + width * (len(impls) - 1) / 2, workloads)
    ax.set_ylabel("time / hand-written code (log)")
    ax.set_title(f"Time per step relative to hand-written {'NumPy' if results['device'] == 'cpu' else 'CuPy'} "
                 f"({results['device']}; lower is better; black: target)", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _machine(args: argparse.Namespace, impls: list[str]) -> str:
    import numpy as np
    text = (f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, NumPy {np.__version__}")
    if "torch" in impls:
        text += f", PyTorch {importlib.metadata.version('torch')}"
    threads = f"every library pinned to {args.threads} thread(s)" if args.threads else "each library's default threads"
    return f"{text}; {threads}; one process per implementation, {1 if args.quick else args.repeats} rounds"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes, one step, one round: checks the benchmark runs")
    parser.add_argument("--no-memory", action="store_true", help="skip the 5,000-step memory workload")
    parser.add_argument("--repeats", type=int, default=7, help="processes per implementation, taking turns")
    parser.add_argument("--threads", type=int, default=None, help="pin every library's thread pool to N threads")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--out", type=Path, default=None,
                        help=f"where to write latest.json and latest.png (default {LOCAL.relative_to(ROOT)}/, "
                             "ignored by git; nowhere for --quick)")
    parser.add_argument("--update", action="store_true",
                        help=f"write the committed copy in {RESULTS.relative_to(ROOT)}/ instead (make bench UPDATE=1)")
    parser.add_argument("--only", nargs="*", default=list(WORKLOADS), choices=list(WORKLOADS), help="workloads to run")
    parser.add_argument("--no-scaling", action="store_true",
                        help="skip the scaling part (python -m benchmarks.scaling: cost against batch size and depth)")
    args = parser.parse_args(argv)
    impls = implementations(args.device)
    runs = measure(impls, args.only, args)
    results = {"device": args.device, "machine": _machine(args, impls),
               "workloads": {w: {impl: statistics.median(ts) for impl, ts in r.items()} for w, r in runs.items()},
               "runs": runs}
    results["import"] = import_time(1 if args.quick else 9)
    if not args.no_memory:
        results["memory"] = memory(50 if args.quick else 5000)
    print(results["machine"])
    print(table(results))
    print(targets(results))
    if args.quick:
        print("(--quick: tiny sizes and a single step, to check the harness runs; these ratios mean nothing)")
    elif noisy(results):
        print(f"(the spread of some timings is over {NOISY:.0%}: something else was using the CPU; "
              "run again when the machine is idle)")
    out = args.out or (None if args.quick else RESULTS if args.update else LOCAL)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        suffix = "" if args.device == "cpu" else f"_{args.device}"
        (out / f"latest{suffix}.json").write_text(json.dumps(results, indent=2) + "\n")
        chart(results, out / f"latest{suffix}.png")
    if args.device == "cpu" and not args.no_scaling:
        from . import scaling
        print()
        scaling.main((["--quick"] if args.quick else []) + (["--update"] if args.update else [])
                     + (["--out", str(args.out)] if args.out else [])
                     + (["--threads", str(args.threads)] if args.threads else []))
    return results


if __name__ == "__main__":
    main()
