"""Stable losses that cost what they must: tinygrad_edu against the best NumPy formulation and PyTorch.

    python -m benchmarks.losses            # 10,000 and 1,000,000 elements, float32 and float64
    python -m benchmarks.losses --quick    # 10,000 elements only

For each loss and dtype, one call is the loss and its gradient (forward and backward). The NumPy side has
several hand-written formulations of the same math; each is first checked against PyTorch in float64 on
random logits with +-1000, +-100 and +-30 among them (every value within PyTorch's relative tolerance for the
dtype, 1.3e-6 for float32 and 1e-7 for float64, so a loss of 1e-13 may not come out as 0; the gradient within
rtol and atol 1e-5 / 1e-7), and the fastest accurate one is the one compared with. PyTorch
runs on one thread, as NumPy does. Times are the best of a few repeats, in microseconds per call.
"""
from __future__ import annotations

import argparse
import timeit

import numpy as np

CLASSES = 10
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
    """A function that runs the loss and its backward on fresh leaves of `x`."""
    F = lib.nn.functional

    def run():
        xt = lib.tensor(x, requires_grad=True)
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


def _time(fn, n: int) -> float:
    number = max(1, int(2e6 // n))
    return min(timeit.repeat(fn, number=number, repeat=5)) / number * 1e6


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 elements only")
    args = parser.parse_args(argv)
    import torch
    import tinygrad_edu as tg
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    sizes = (10_000,) if args.quick else (10_000, 1_000_000)
    print(f"{'loss':16} {'dtype':8} {'n':>9} {'tinygrad_edu':>13} {'NumPy best':>11} {'PyTorch':>9}  "
          f"{'tg/NumPy':>8} {'tg/torch':>8}  NumPy formulation (accurate ones only)")
    for name, formulations in (("bce_with_logits", BCE), ("cross_entropy", CE), ("log_softmax", LOG_SOFTMAX),
                               ("softplus", SOFTPLUS)):
        for dtype in ("float32", "float64"):
            for n in sizes:
                x, t = _inputs(name, n, dtype, rng)
                reference, exact = _reference(name, x, t), _exact_edges(name, x, t)
                timed = {k: _time(lambda f=f: f(x, t), n) for k, f in formulations.items()
                         if _accurate(f, (x, t), reference, dtype, exact)}
                best = min(timed, key=timed.get)
                ours = _time(_lib_call(tg, name, x, tg.tensor(t)), n)
                theirs = _time(_lib_call(torch, name, x, torch.tensor(t)), n)
                print(f"{name:16} {dtype:8} {n:>9,} {ours:>11.0f}us {timed[best]:>9.0f}us {theirs:>7.0f}us  "
                      f"{ours / timed[best]:>8.2f} {ours / theirs:>8.2f}  {best}")


if __name__ == "__main__":
    main()
