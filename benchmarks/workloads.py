"""The benchmark's workloads, each written three ways: tinygrad_edu, by hand in NumPy (or CuPy), PyTorch.

A workload is a function `make(impl, device, **sizes) -> step`, where `step()` runs one training step
(or one forward + backward) and returns what it computed (the loss, or the output and its gradients),
so that tests can check the three versions agree. The tinygrad_edu and PyTorch versions are the same
code with a different module (`lib`): the API is the same. The NumPy version derives every gradient
by hand, as a careful person would write it: no wasted passes over the data.
"""
from __future__ import annotations

import importlib
from typing import Callable

import numpy as np

Step = Callable[[], object]


def library(impl: str):
    """The tensor library an implementation uses: tinygrad_edu, torch, numpy or cupy."""
    return importlib.import_module({"tinygrad_edu": "tinygrad_edu", "torch": "torch", "numpy": "numpy",
                                    "cupy": "cupy"}[impl])


def _data(shape: tuple, seed: int, kind: str = "normal") -> np.ndarray:
    rng = np.random.default_rng(seed)
    if kind == "normal":
        return rng.standard_normal(shape).astype(np.float32)
    return (rng.random(shape) < 0.5).astype(np.float32)


def _to(lib, array: np.ndarray, device: str, requires_grad: bool = False):
    """A copy of `array` as `lib`'s tensor on `device` (or as a NumPy/CuPy array for hand-written code)."""
    if lib.__name__ in ("numpy", "cupy"):
        return lib.asarray(array)
    return lib.tensor(array, device=device, requires_grad=requires_grad)


def sync(lib, device: str) -> None:
    """Wait for the GPU to finish (its work is asynchronous); nothing to wait for on the CPU."""
    if device == "cpu":
        return
    if lib.__name__ == "torch":
        lib.cuda.synchronize()
    else:
        import cupy
        cupy.cuda.Device().synchronize()


def _sgd_step(lib, model, loss_fn, X, y, lr: float) -> Step:
    """One training step as every course notebook writes it (the same code for tinygrad_edu and PyTorch)."""
    opt = lib.optim.SGD(model.parameters(), lr=lr)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        opt.step()
        return loss
    return step


# --- tiny: the seed's scalar logistic regression, forward + backward (per-op overhead) -----------

def tiny(impl: str, device: str) -> Step:
    lib = library(impl)
    x1, y = 1.1, 1.0
    if impl in ("numpy", "cupy"):
        w1, b, x, t = (lib.asarray(v, dtype=lib.float32) for v in (2.2, 0.0, x1, y))

        def step():
            z = w1 * x + b
            a = 1 / (1 + lib.exp(-z))
            loss = -(t * lib.log(a) + (1 - t) * lib.log(1 - a))
            dz = a - t                       # dL/dz for sigmoid + cross-entropy
            return loss, dz * x, dz          # loss, dL/dw1, dL/db
        return step
    w1 = lib.tensor(2.2, device=device, requires_grad=True)
    b = lib.tensor(0.0, device=device, requires_grad=True)
    x, t = lib.tensor(x1, device=device), lib.tensor(y, device=device)

    def step():
        a = lib.sigmoid(w1 * x + b)
        loss = -(t * lib.log(a) + (1 - t) * lib.log(1 - a))
        w1.grad = b.grad = None
        loss.backward()
        return loss, w1.grad, b.grad
    return step


# --- logistic regression: a full-batch step on 10,000 x 20 --------------------------------------

def logistic_regression(impl: str, device: str, n: int = 10_000, d: int = 20) -> Step:
    lib = library(impl)
    X_np, y_np = _data((n, d), 0), _data((n, 1), 1, "labels")
    w_np = (np.random.default_rng(2).uniform(-1, 1, (1, d)) / np.sqrt(d)).astype(np.float32)
    lr = 0.1
    X, y = _to(lib, X_np, device), _to(lib, y_np, device)
    if impl in ("numpy", "cupy"):
        w, b = lib.asarray(w_np.T.copy()), lib.zeros((1,), dtype=lib.float32)

        def step():
            nonlocal w, b
            z = X @ w + b
            e = lib.exp(-abs(z))
            u = 1 + e  # log1p(e) as tinygrad_edu computes it in float32 (NumPy's float32 log1p is a slow scalar loop)
            loss = (lib.maximum(z, 0) - z * y + (lib.log(u) - ((u - 1) - e) / u)).sum() / n  # (.mean(): 3 us more)
            dz = (1 / (1 + lib.exp(-z)) - y) / n
            w -= lr * (X.T @ dz)
            b -= lr * dz.sum(axis=0)
            return loss
        return step
    model = lib.nn.Linear(d, 1).to(device)
    with lib.no_grad():
        model.weight.copy_(_to(lib, w_np, device))
        model.bias.zero_()
    return _sgd_step(lib, model, lib.nn.BCEWithLogitsLoss(), X, y, lr)


# --- MLP: 784-256-10, one minibatch step at batch 256 -------------------------------------------

def mlp(impl: str, device: str, batch: int = 256, sizes: tuple = (784, 256, 10)) -> Step:
    lib = library(impl)
    d_in, d_hidden, d_out = sizes
    X_np = _data((batch, d_in), 3)
    labels_np = np.random.default_rng(4).integers(0, d_out, batch)
    rng = np.random.default_rng(5)
    W1_np = (rng.uniform(-1, 1, (d_hidden, d_in)) / np.sqrt(d_in)).astype(np.float32)
    W2_np = (rng.uniform(-1, 1, (d_out, d_hidden)) / np.sqrt(d_hidden)).astype(np.float32)
    lr = 0.05
    X = _to(lib, X_np, device)
    if impl in ("numpy", "cupy"):
        labels = lib.asarray(labels_np)
        W1, W2 = lib.asarray(W1_np), lib.asarray(W2_np)
        b1, b2 = lib.zeros(d_hidden, lib.float32), lib.zeros(d_out, lib.float32)
        rows = lib.arange(batch)

        def step():
            h_pre = X @ W1.T + b1
            h = lib.maximum(h_pre, 0)
            logits = h @ W2.T + b2
            shifted = logits - logits.max(axis=1, keepdims=True)
            logp = shifted - lib.log(lib.exp(shifted).sum(axis=1, keepdims=True))
            loss = -logp[rows, labels].mean()
            d_logits = lib.exp(logp)
            d_logits[rows, labels] -= 1
            d_logits /= batch
            d_h = (d_logits @ W2) * (h_pre > 0)
            W2[...] -= lr * (d_logits.T @ h)
            b2[...] -= lr * d_logits.sum(axis=0)
            W1[...] -= lr * (d_h.T @ X)
            b1[...] -= lr * d_h.sum(axis=0)
            return loss
        return step
    labels = lib.tensor(labels_np, device=device)
    model = lib.nn.Sequential(lib.nn.Linear(d_in, d_hidden), lib.nn.ReLU(), lib.nn.Linear(d_hidden, d_out)).to(device)
    with lib.no_grad():
        for layer, W in ((model[0], W1_np), (model[2], W2_np)):
            layer.weight.copy_(_to(lib, W, device))
            layer.bias.zero_()
    return _sgd_step(lib, model, lib.nn.CrossEntropyLoss(), X, labels, lr)


# --- large op: 1024 x 1024 matmul, forward and backward -----------------------------------------

def matmul(impl: str, device: str, n: int = 1024) -> Step:
    lib = library(impl)
    A_np, B_np, G_np = _data((n, n), 6), _data((n, n), 7), _data((n, n), 8)
    if impl in ("numpy", "cupy"):
        A, B, G = (lib.asarray(v) for v in (A_np, B_np, G_np))

        def step():
            C = A @ B
            return C, G @ B.T, A.T @ G      # C, dL/dA, dL/dB
        return step
    A, B = _to(lib, A_np, device, True), _to(lib, B_np, device, True)
    G = _to(lib, G_np, device)

    def step():
        A.grad = B.grad = None
        C = A @ B
        C.backward(G)
        return C, A.grad, B.grad
    return step


# Sizes for `--quick` (and the tests): each workload at a size that runs in a blink.
QUICK_SIZES = {"tiny": {}, "logistic_regression": {"n": 64}, "mlp": {"batch": 8, "sizes": (16, 8, 4)},
               "matmul": {"n": 8}}

WORKLOADS = {
    "tiny": (tiny, "the seed's scalar sigmoid(w1*x1 + b) and its loss, forward + backward"),
    "logistic_regression": (logistic_regression, "full-batch step (forward, backward, SGD) on 10,000 x 20"),
    "mlp": (mlp, "784-256-10 MLP, one SGD step on a batch of 256"),
    "matmul": (matmul, "1024 x 1024 float32 matmul, forward + backward"),
}
