"""How cost grows with size: `python -m benchmarks.scaling [--quick] [--out DIR] [--update]`.

Three measurements, each for tinygrad_edu, hand-written NumPy and PyTorch:
- time per training step against the batch size (1 to 65,536) of the logistic regression and the MLP
  of benchmarks/workloads.py;
- time of `backward()` against the depth of a chain `y = (y * 1.0001).tanh()` of 10 to 100,000 ops on
  a 16-element tensor (NumPy: the hand-written reverse loop); building the graph is not timed;
- peak memory of one MLP training step against the batch size: the highest resident set size (RSS)
  during the step above the RSS just before it, i.e. the activations, gradients and temporaries the
  step needs beyond its data and parameters. The kernel's own count is read (VmHWM in /proc/self/status,
  reset by writing 5 to /proc/self/clear_refs), so it sees NumPy's and PyTorch's allocations alike;
  the process runs with glibc's mmap threshold fixed at 64 KiB, so every large array goes back to the
  system when it is freed and does not stay counted. Linux only.

As in `python -m benchmarks`, every implementation runs in processes of its own (this module's
`--worker` mode), which take turns `--repeats` times; the tables show the median over the processes.
Each size gets a time budget (`--budget` seconds): a warm-up, then 3 to 5 timed rounds, so that the
large sizes cost a few steps and the small ones many. Results go to benchmarks/results/local/
(ignored by git) as scaling.json and scaling.png (log-log); `--update` writes the committed copy in
benchmarks/results/.
"""
from __future__ import annotations

import argparse
import datetime
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
from typing import Callable

from .workloads import library, logistic_regression, mlp

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
LOCAL = RESULTS / "local"
BATCHES = [4**k for k in range(9)]  # 1, 4, 16, ..., 65,536
DEPTHS = [10, 100, 1_000, 10_000, 100_000]
QUICK_BATCHES, QUICK_DEPTHS = [1, 16, 256], [10, 100]
STEPS = {"logistic_regression": lambda impl, batch: logistic_regression(impl, "cpu", n=batch),
         "mlp": lambda impl, batch: mlp(impl, "cpu", batch=batch)}
LIMIT = 1.2  # sizes where tinygrad_edu takes more than this times NumPy's time are marked
NOISY = 0.25  # as in `python -m benchmarks`: a spread over the median above this means a busy machine
CHAIN_SIZE, CHAIN_FACTOR = 16, 1.0001


# --- the depth workload -------------------------------------------------------------------------

def chain(impl: str, depth: int) -> tuple[Callable[[], object], Callable[[object], object]]:
    """`(forward, backward)` for a chain of `depth` ops, `y = (y * 1.0001).tanh()` repeated, then `y.sum()`.

    `forward()` builds the graph (for NumPy: keeps the values the backward needs); `backward(graph)`
    returns the gradient of the sum with respect to the chain's input.
    """
    lib = library(impl)
    x_np = library("numpy").linspace(-2, 2, CHAIN_SIZE, dtype="float32")
    if impl == "numpy":
        def forward():
            outputs, y = [], x_np
            for _ in range(depth // 2):
                y = lib.tanh(y * CHAIN_FACTOR)
                outputs.append(y)
            return outputs

        def backward(outputs):
            g = lib.ones_like(x_np)
            for y in reversed(outputs):
                g = g * (1 - y * y) * CHAIN_FACTOR   # tanh' = 1 - tanh^2, then the product's factor
            return g
        return forward, backward
    x = lib.tensor(x_np, requires_grad=True)

    def forward():
        y = x
        for _ in range(depth // 2):
            y = (y * CHAIN_FACTOR).tanh()
        return y.sum()

    def backward(root):
        x.grad = None
        root.backward()
        return x.grad
    return forward, backward


# --- measuring, inside a worker process ---------------------------------------------------------

def time_budgeted(run: Callable[[object], object], prepare: Callable[[], object], budget_s: float,
                  rounds: int = 5) -> float:
    """Median seconds per `run(prepare())` over `rounds` rounds filling about `budget_s`; `prepare` is not timed.

    After a warm-up (at least one call), each round times `k` calls, `k` chosen so a round lasts about
    `budget_s / rounds`; when a single call is longer than that, 3 rounds of one call.
    """
    start = time.perf_counter()
    while True:  # warm-up: at least one call, for about a tenth of the budget (at most 0.05 s)
        arg = prepare()
        call = time.perf_counter()
        run(arg)
        once = time.perf_counter() - call
        if time.perf_counter() - start >= min(0.05, budget_s / 10):
            break
    k = max(1, int(budget_s / rounds / max(once, 1e-7)))
    rounds = min(rounds, 3) if k == 1 else rounds
    times = []
    for _ in range(rounds):
        args = [prepare() for _ in range(k)]
        start = time.perf_counter()
        for arg in args:
            run(arg)
        times.append((time.perf_counter() - start) / k)
        del args
    return statistics.median(times)


def _number(value) -> float:
    """One float that sums up what a step or a backward returned (a loss, or a gradient's sum)."""
    value = value.detach().numpy() if hasattr(value, "detach") else value
    return float(library("numpy").asarray(value, dtype="float64").sum())


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def step_memory_mb(impl: str, batch: int) -> float:
    """MB that the first MLP training step at `batch` adds, at its peak, to its data and parameters."""
    step = mlp(impl, "cpu", batch=batch)
    before = _status_mb("VmRSS")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # the kernel resets the peak (VmHWM) to the current RSS
    step()
    return _status_mb("VmHWM") - before


def worker(impl: str, parts: list[str], batches: list[int], depths: list[int], budget_s: float,
           rounds: int) -> dict:
    """In this process, one implementation's numbers for each part at every size, in increasing order."""
    out: dict = {}
    for part in parts:
        found = out[part] = {"memory_mb": {}} if part == "memory" else {"time": {}, "first": {}}
        if part == "memory":
            mlp(impl, "cpu", batch=1)()  # lazy initialisation (thread pools, BLAS buffers) is not what we measure
        for size in sorted(depths if part == "depth" else batches):
            if part == "memory":
                found["memory_mb"][str(size)] = step_memory_mb(impl, size)
            elif part == "depth":
                forward, backward = chain(impl, size)
                found["first"][str(size)] = _number(backward(forward()))
                found["time"][str(size)] = time_budgeted(backward, forward, budget_s, rounds)
            else:
                step = STEPS[part](impl, size)
                found["first"][str(size)] = _number(step())
                found["time"][str(size)] = time_budgeted(lambda _: step(), lambda: None, budget_s, rounds)
            step = forward = backward = None  # free this size before the next (gc.collect() takes 0.7 s with torch)
    return out


# --- the runner ---------------------------------------------------------------------------------

def implementations() -> list[str]:
    return ["tinygrad_edu", "numpy"] + (["torch"] if importlib.util.find_spec("torch") else [])


def _worker_process(impl: str, parts: list[str], args: argparse.Namespace) -> dict:
    env = dict(os.environ)
    if args.threads:
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = str(args.threads)
    if parts == ["memory"]:  # glibc maps every array of 64 KiB or more on its own and unmaps it when freed
        env["MALLOC_MMAP_THRESHOLD_"] = str(64 * 1024)
    cmd = [sys.executable, "-m", "benchmarks.scaling", "--worker", impl, *parts,
           "--batches", *map(str, args.batches), "--depths", *map(str, args.depths),
           "--budget", str(args.budget), "--rounds", str(args.rounds)]
    cmd += ["--threads", str(args.threads)] if args.threads else []
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    if out.returncode != 0:
        raise RuntimeError(f"`{' '.join(cmd[1:])}` failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(args: argparse.Namespace) -> dict:
    """Every part for every implementation, processes taking turns; medians over the processes."""
    impls = implementations()
    parts = {"logistic_regression": args.batches, "mlp": args.batches, "depth": args.depths}
    runs = {p: {i: {str(s): [] for s in sizes} for i in impls} for p, sizes in parts.items()}
    first: dict = {p: {} for p in parts}
    for r in range(args.repeats):
        for k in range(len(impls)):
            impl = impls[(r + k) % len(impls)]  # rotate who goes first
            for part, found in _worker_process(impl, list(parts), args).items():
                first[part].setdefault(impl, found["first"])
                for size, seconds in found["time"].items():
                    runs[part][impl][size].append(seconds)
        print(f"scaling: round {r + 1}/{args.repeats} done", file=sys.stderr)
    results = {"time": {p: {i: {s: statistics.median(ts) for s, ts in r.items()} for i, r in by.items()}
                        for p, by in runs.items()},
               "runs": runs, "first": first, "sizes": {"batch": args.batches, "depth": args.depths}}
    if not args.no_memory and Path("/proc/self/clear_refs").exists():
        results["memory_mb"] = {i: _worker_process(i, ["memory"], args)["memory"]["memory_mb"] for i in impls}
    return results


def agree(results: dict, rtol: float = 1e-4) -> list[str]:
    """Where an implementation's first step (or first gradient) differs from NumPy's: an empty list if nowhere."""
    wrong = []
    for part, by_impl in results["first"].items():
        for impl, values in by_impl.items():
            for size, value in values.items():
                ref = by_impl["numpy"][size]
                if abs(value - ref) > rtol * max(abs(ref), 1e-3):
                    wrong.append(f"{part} at {size}: {impl} {value:.6g}, numpy {ref:.6g}")
    return wrong


def noisy(results: dict) -> bool:
    """True if, at some size, an implementation's processes disagree by more than NOISY (a busy machine)."""
    return any((max(ts) - min(ts)) / statistics.median(ts) > NOISY
               for by_impl in results["runs"].values() for by_size in by_impl.values() for ts in by_size.values()
               if len(ts) > 1)


def _time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1e3:.2f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:.1f} us"


TITLES = {"logistic_regression": "step time, logistic regression (batch x 20, full batch)",
          "mlp": "step time, MLP 784-256-10 (one SGD step)",
          "depth": "backward time, chain of ops on a 16-element tensor",
          "memory": "peak memory of one MLP step above the RSS before it"}


def crossover(values: dict[str, dict[str, float]]) -> str | None:
    """The smallest size from which tinygrad_edu stays within LIMIT x NumPy (None if it never does)."""
    ours, base = values["tinygrad_edu"], values["numpy"]
    sizes = list(ours)
    for i, size in enumerate(sizes):
        if all(ours[s] <= LIMIT * base[s] for s in sizes[i:]):
            return size
    return None


def table(results: dict) -> str:
    impls = list(results["time"]["mlp"])
    parts = [(p, results["time"][p], _time) for p in results["time"]]
    if "memory_mb" in results:
        parts.append(("memory", results["memory_mb"], lambda mb: f"{mb:.1f} MB"))
    lines = []
    for part, values, fmt in parts:
        lines.append(f"{TITLES[part]}:")
        head = f"  {'depth' if part == 'depth' else 'batch':>7}" + "".join(f"{i:>14}" for i in impls)
        lines.append(head + f"{'vs numpy':>11}" + (f"{'vs torch':>10}" if "torch" in impls else ""))
        for size in values["numpy"]:
            ours = values["tinygrad_edu"][size]
            row = f"  {int(size):>7,}" + "".join(f"{fmt(values[i][size]):>14}" for i in impls)
            ratio = ours / values["numpy"][size] if values["numpy"][size] > 0 else float("inf")
            row += f"{ratio:>10.2f}x" + ("*" if ratio > LIMIT else " ")
            if "torch" in impls:
                row += f"{ours / values['torch'][size]:>9.2f}x" if values["torch"][size] > 0 else f"{'-':>10}"
            lines.append(row)
        if part != "memory":
            size = crossover(values)
            where = f"from {int(size):,} on" if size is not None else "at no size measured"
            lines.append(f"  tinygrad_edu within {LIMIT}x of NumPy {where}")
    lines.append(f"(*: tinygrad_edu more than {LIMIT}x NumPy)")
    return "\n".join(lines)


def chart(results: dict, path: Path) -> None:
    """Four log-log panels: step time against batch (logistic regression, MLP), backward time against
    depth, peak memory against batch; red rings where tinygrad_edu takes more than LIMIT x NumPy."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    panels = [("logistic_regression", results["time"]["logistic_regression"], "batch size", "seconds per step"),
              ("mlp", results["time"]["mlp"], "batch size", "seconds per step"),
              ("depth", results["time"]["depth"], "ops in the chain", "seconds per backward")]
    if "memory_mb" in results:
        panels.append(("memory", results["memory_mb"], "batch size", "MB at the step's peak"))
    fig, axes = plt.subplots(2, 2, figsize=(10, 7.5))
    colours = {"tinygrad_edu": "C0", "numpy": "C1", "torch": "C2"}
    for ax, (part, values, xlabel, ylabel) in zip(axes.flat, panels):
        for impl, by_size in values.items():
            sizes = [int(s) for s in by_size]
            ax.plot(sizes, list(by_size.values()), "o-", ms=3.5, color=colours[impl], label=impl)
        slow = [int(s) for s, v in values["tinygrad_edu"].items() if v > LIMIT * values["numpy"][s]]
        ax.plot(slow, [values["tinygrad_edu"][str(s)] for s in slow], "o", ms=9, mfc="none", color="red",
                label=f"> {LIMIT}x NumPy" if slow else None)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(TITLES[part], fontsize=9)
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    fig.suptitle(f"How cost grows (log-log; lower is better), {results['date']}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _machine(args: argparse.Namespace) -> str:
    import numpy as np
    text = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, NumPy {np.__version__}"
    if importlib.util.find_spec("torch"):
        text += f", PyTorch {importlib.metadata.version('torch')}"
    threads = f"every library pinned to {args.threads} thread(s)" if args.threads else "each library's default threads"
    return f"{text}; {threads}; one process per implementation, {args.repeats} rounds, {args.budget:g} s per size"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scaling", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few small sizes, one round: checks the harness runs")
    parser.add_argument("--batches", type=int, nargs="+", default=None, help=f"batch sizes (default {BATCHES})")
    parser.add_argument("--depths", type=int, nargs="+", default=None, help=f"chain lengths (default {DEPTHS})")
    parser.add_argument("--repeats", type=int, default=None, help="processes per implementation (default 3)")
    parser.add_argument("--budget", type=float, default=None, help="seconds of timing per size (default 0.25)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per size (3 for slow sizes)")
    parser.add_argument("--threads", type=int, default=None, help="pin every library's thread pool to N threads")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory part")
    parser.add_argument("--out", type=Path, default=None,
                        help=f"where to write scaling.json and scaling.png (default {LOCAL.relative_to(ROOT)}/; "
                             "nowhere for --quick)")
    parser.add_argument("--update", action="store_true",
                        help=f"write the committed copy in {RESULTS.relative_to(ROOT)}/ (make bench UPDATE=1)")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        impl, *parts = args.worker
        if impl == "torch" and args.threads:
            library("torch").set_num_threads(args.threads)
        found = worker(impl, parts, args.batches, args.depths, args.budget, args.rounds)
        print(json.dumps(found))
        return found
    args.batches = args.batches or (QUICK_BATCHES if args.quick else BATCHES)
    args.depths = args.depths or (QUICK_DEPTHS if args.quick else DEPTHS)
    args.repeats = args.repeats or (1 if args.quick else 3)
    args.budget = args.budget if args.budget is not None else (0.0 if args.quick else 0.25)
    args.rounds = 1 if args.quick else args.rounds
    results = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
               "machine": _machine(args), **measure(args)}
    print(results["machine"])
    print(table(results))
    wrong = agree(results)
    print("first steps and gradients: " + ("all three implementations agree" if not wrong else
                                           "DIFFER: " + "; ".join(wrong)))
    if args.quick:
        print("(--quick: a few small sizes, one process each, to check the harness runs; the times mean little)")
    elif noisy(results):
        print(f"(at some sizes the processes disagree by more than {NOISY:.0%}: something else was using the CPU; "
              "run again when the machine is idle)")
    out = args.out or (None if args.quick else RESULTS if args.update else LOCAL)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "scaling.json").write_text(json.dumps(results, indent=2) + "\n")
        chart(results, out / "scaling.png")
    return results


if __name__ == "__main__":
    main()
