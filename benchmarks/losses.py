"""Stable losses that cost what they must: tinygrad_edu against the best NumPy formulation and PyTorch.

    python -m benchmarks.losses              # 10,000 and 1,000,000 elements, float32 and float64
    python -m benchmarks.losses --quick      # 10,000 elements only
    python -m benchmarks.losses --update     # and write the committed benchmarks/results/losses.json

For each loss and dtype, one call is the loss (the mean, for the two losses) and its gradient. The NumPy side has
several hand-written formulations of the same math; each is first checked against PyTorch in float64 on
random logits with +-1000, +-100 and +-30 among them (every value within PyTorch's relative tolerance for the
dtype, 1.3e-6 for float32 and 1e-7 for float64, so a loss of 1e-13 may not come out as 0; the gradient within
rtol and atol 1e-5 / 1e-7), and the fastest accurate one is the one compared with. PyTorch runs on
one thread, as NumPy does. Times are the best of 5 repeats, per call; tinygrad_edu and PyTorch wrap the
logits in a leaf tensor without copying them. The target (benchmarks/README.md): tinygrad_edu as fast as
the best NumPy formulation. Results go to benchmarks/results/local/losses.json (ignored by git), or
with `--update` to the committed copy in benchmarks/results/.
"""
from __future__ import annotations

import argparse
import json
import platform
import timeit
from pathlib import Path

import numpy as np

CLASSES = 10
RESULTS = Path(__file__).resolve().parent / "results"
LOCAL = RESULTS / "local"
TARGET = 1.0  # tinygrad_edu's time over the best accurate NumPy formulation's
TOL = {"float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7)}


def _logits(n: int, dtype: str, rng: np.random.Generator) -> np.ndarray:
    x = rng.standard_normal(n) * 4
    x[:6] = [1000, -1000, 100, -100, 30, -30]
    return x.astype(dtype)


def _log1p_corrected(e):
    u = 1 + e
    return np.log(u) - ((u - 1) - e) / u


# --- the hand-written NumPy formulations: each returns (per-element losses or outputs, gradient) -----------
# bce_with_logits: loss = max(x, 0) - x t + log(1 + e^-|x|), grad = (sigmoid(x) - t) / n

def _bce(x, t, log1p, one_exp):
    e = np.exp(-np.abs(x))
    loss = np.maximum(x, 0) - x * t + log1p(e)
    with np.errstate(over="ignore"):
        s = np.where(x >= 0, 1, e) / (1 + e) if one_exp else 1 / (1 + np.exp(-x))
    return loss, (s - t) / x.size


BCE = {"log1p": lambda x, t: _bce(x, t, np.log1p, False),
       "log(1+e)": lambda x, t: _bce(x, t, lambda e: np.log(1 + e), False),
       "corrected log": lambda x, t: _bce(x, t, _log1p_corrected, False),
       "log1p, one exp": lambda x, t: _bce(x, t, np.log1p, True),
       "corrected log, one exp": lambda x, t: _bce(x, t, _log1p_corrected, True)}


# cross_entropy over CLASSES classes: loss = logsumexp(x) - x[target], grad = (softmax(x) - onehot) / rows

def _ce(x, target, shift):
    m = x.max(axis=1, keepdims=True) if shift else 0
    z = x - m
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    rows = np.arange(len(x))
    loss = np.log(s)[:, 0] - z[rows, target]
    g = e / s
    g[rows, target] -= 1
    return loss, g / len(x)


CE = {"max-subtracted": lambda x, t: _ce(x, t, True),
      "logaddexp.reduce": lambda x, t: _ce_logaddexp(x, t),
      "no max (overflows)": lambda x, t: _ce(x, t, False)}


def _ce_logaddexp(x, target):
    lse = np.logaddexp.reduce(x, axis=1, keepdims=True)
    rows = np.arange(len(x))
    g = np.exp(x - lse)
    g[rows, target] -= 1
    return lse[:, 0] - x[rows, target], g / len(x)


# log_softmax along the classes, backward with an output gradient g: grad = g - softmax(x) * sum(g)

def _log_softmax(x, g, reuse):
    z = x - x.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    y = z - np.log(s)
    return y, g - (e / s if reuse else np.exp(y)) * g.sum(axis=1, keepdims=True)


LOG_SOFTMAX = {"exp(y) in backward": lambda x, g: _log_softmax(x, g, False),
               "e / s kept": lambda x, g: _log_softmax(x, g, True)}


# softplus (beta 1, threshold 20): y = log(1 + e^x) (x above 20), grad = sigmoid(x)

def _softplus(x, g, log1p, stable):
    with np.errstate(over="ignore", invalid="ignore"):
        if stable:
            e = np.exp(-np.abs(x))
            y = np.maximum(x, 0) + log1p(e)
            s = np.where(x >= 0, 1, e) / (1 + e)
        else:
            e = np.exp(x)
            y = np.where(x > 20, x, log1p(e))
            s = e / (1 + e)
            s[x > 20] = 1
    return y, g * s


SOFTPLUS = {"log1p(e^x)": lambda x, g: _softplus(x, g, np.log1p, False),
            "corrected log(1 + e^x)": lambda x, g: _softplus(x, g, _log1p_corrected, False),
            "max(x,0) + log1p(e^-|x|)": lambda x, g: _softplus(x, g, np.log1p, True),
            "max(x,0) + corrected, one exp": lambda x, g: _softplus(x, g, _log1p_corrected, True)}


# --- the same with a library (tinygrad_edu or PyTorch) ----------------------------------------------------

def _lib_call(lib, name: str, x, t):
    """A function that runs the loss and its backward on a fresh leaf around `x`."""
    F = lib.nn.functional

    def run():
        xt = lib.from_numpy(x).requires_grad_()  # (no copy: the NumPy formulations get the array as it is)
        if name == "bce_with_logits":
            F.binary_cross_entropy_with_logits(xt, t).backward()
        elif name == "cross_entropy":
            F.cross_entropy(xt, t).backward()
        elif name == "log_softmax":
            F.log_softmax(xt, 1).backward(t)
        else:
            F.softplus(xt).backward(t)
        return xt.grad
    return run


def _reference(name: str, x: np.ndarray, t: np.ndarray):
    """PyTorch's per-element values and gradient, in float64."""
    import torch
    F = torch.nn.functional
    xt = torch.tensor(x.astype(np.float64), requires_grad=True)
    tt = torch.tensor(t.astype(np.float64) if t.dtype.kind == "f" else t)
    if name == "bce_with_logits":
        y = F.binary_cross_entropy_with_logits(xt, tt, reduction="none")
        y.mean().backward()
    elif name == "cross_entropy":
        y = F.cross_entropy(xt, tt, reduction="none")
        y.mean().backward()
    elif name == "log_softmax":
        y = F.log_softmax(xt, 1)
        y.backward(tt)
    else:
        y = F.softplus(xt)
        y.backward(tt)
    return y.detach().numpy(), xt.grad.numpy()


def _exact_edges(name: str, x: np.ndarray, t: np.ndarray) -> np.ndarray | None:
    """The exact values (float64, log1p) at the six extreme logits, where a formula may lose a tiny answer."""
    x, t = x.reshape(-1)[:6].astype(np.float64), t.reshape(-1)[:6].astype(np.float64)
    tail = np.log1p(np.exp(-np.abs(x)))
    return {"bce_with_logits": (np.maximum(x, 0) - x * t) + tail, "softplus": np.maximum(x, 0) + tail}.get(name)


def _accurate(candidate, args, reference, dtype: str, exact: np.ndarray | None) -> bool:
    rtol, atol = TOL[dtype]
    with np.errstate(all="ignore"):
        got = candidate(*args)
    values, grads = (a.astype(np.float64) for a in got)
    if exact is None:
        return np.allclose(values, reference[0], rtol, atol) and np.allclose(grads, reference[1], rtol, atol)
    # the extreme logits also to rtol alone, where their answer is a normal number: a loss of 1e-13 is not 0
    edge, ref = values.reshape(-1)[:6], exact
    normal = np.abs(ref) > np.finfo(dtype).tiny
    return (np.allclose(values, reference[0], rtol, atol) and np.allclose(grads, reference[1], rtol, atol)
            and np.allclose(edge[normal], ref[normal], rtol=rtol, atol=0))


def _time(fn, n: int, work: float = 2e6) -> float:
    """Seconds per call of `fn` on `n` elements: the best of 5 repeats of about `work` elements' worth of calls."""
    number = max(1, int(work // n))
    return min(timeit.repeat(fn, number=number, repeat=5)) / number


def _inputs(name: str, n: int, dtype: str, rng: np.random.Generator):
    if name == "bce_with_logits":
        t = rng.uniform(0, 1, n)
        t[:6] = [1, 0, 1, 0, 1, 0]  # at the extreme logits, targets that make the loss tiny
        return _logits(n, dtype, rng), t.astype(dtype)
    if name == "cross_entropy":
        return _logits(n, dtype, rng).reshape(-1, CLASSES), rng.integers(0, CLASSES, n // CLASSES)
    x = _logits(n, dtype, rng)
    if name == "log_softmax":
        x = x.reshape(-1, CLASSES)
    return x, rng.standard_normal(x.shape).astype(dtype)


def _numpy_call(name: str, formulation, x, t):
    """A NumPy formulation's loss and gradient, reduced to the mean loss where the library call computes the mean
    (the two losses: their gradients above are already those of the mean)."""
    loss, grad = formulation(x, t)
    return (loss.sum() / loss.size, grad) if name in ("bce_with_logits", "cross_entropy") else (loss, grad)


def measure(name: str, formulations: dict, n: int, dtype: str, rng: np.random.Generator, work: float) -> dict:
    """One row of the table: the three times (seconds per call) and the NumPy formulation that was fastest."""
    import torch
    import tinygrad_edu as tg
    x, t = _inputs(name, n, dtype, rng)
    reference, exact = _reference(name, x, t), _exact_edges(name, x, t)
    timed = {k: _time(lambda f=f: _numpy_call(name, f, x, t), n, work) for k, f in formulations.items()
             if _accurate(f, (x, t), reference, dtype, exact)}
    best = min(timed, key=timed.get)
    return {"loss": name, "dtype": dtype, "n": n, "tinygrad_edu": _time(_lib_call(tg, name, x, tg.tensor(t)), n, work),
            "numpy": timed[best], "torch": _time(_lib_call(torch, name, x, torch.tensor(t)), n, work),
            "formulation": best}


def report(rows: list[dict]) -> str:
    """The table, and how many rows meet the target."""
    lines = [f"{'loss':16} {'dtype':8} {'n':>9} {'tinygrad_edu':>13} {'NumPy best':>11} {'PyTorch':>9}  "
             f"{'tg/NumPy':>8} {'tg/torch':>8}  NumPy formulation (accurate ones only)"]
    for r in rows:
        lines.append(f"{r['loss']:16} {r['dtype']:8} {r['n']:>9,} {r['tinygrad_edu'] * 1e6:>11.0f}us "
                     f"{r['numpy'] * 1e6:>9.0f}us {r['torch'] * 1e6:>7.0f}us  {r['tinygrad_edu'] / r['numpy']:>8.2f} "
                     f"{r['tinygrad_edu'] / r['torch']:>8.2f}  {r['formulation']}")
    met = sum(r["tinygrad_edu"] <= TARGET * r["numpy"] for r in rows)
    lines.append(f"target (benchmarks/README.md): tinygrad_edu <= {TARGET}x the best NumPy formulation: "
                 f"met in {met} of {len(rows)} cases")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.losses", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 elements only")
    parser.add_argument("--sizes", type=int, nargs="*", default=None, help="numbers of elements (a multiple of 10)")
    parser.add_argument("--work", type=float, default=2e6,
                        help="elements per timed repeat (fewer: a quicker, rougher run)")
    parser.add_argument("--out", type=Path, default=None, help="where to write losses.json (default results/local/)")
    parser.add_argument("--update", action="store_true", help="write the committed copy in benchmarks/results/")
    args = parser.parse_args(argv)
    import torch
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    sizes = args.sizes or ((10_000,) if args.quick else (10_000, 1_000_000))
    rows = [measure(name, formulations, n, dtype, rng, args.work)
            for name, formulations in (("bce_with_logits", BCE), ("cross_entropy", CE),
                                       ("log_softmax", LOG_SOFTMAX), ("softplus", SOFTPLUS))
            for dtype in ("float32", "float64") for n in sizes]
    print(f"{platform.machine()}, NumPy {np.__version__}, PyTorch {torch.__version__} (one thread); "
          "times: best of 5 repeats, per call (loss and its gradient)")
    print(report(rows))
    out = args.out or (RESULTS if args.update else LOCAL)
    out.mkdir(parents=True, exist_ok=True)
    (out / "losses.json").write_text(json.dumps(rows, indent=2) + "\n")
    return rows


if __name__ == "__main__":
    main()
