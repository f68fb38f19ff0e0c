"""Shared test helpers: PyTorch as an optional oracle, and `check_op`, which checks one op against
PyTorch (forward values, dtype and shape; gradients, their shape and dtype; the grad_fn name) and
against central finite differences in float64, at once.

An op is written once for both libraries as `fn(lib, *args)`, where `lib` is `tinygrad_edu` or `torch`:
`check_op(lambda lib, x, y: lib.sigmoid(x) * y, x_array, y_array)`.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

import tinygrad_edu as tg

try:  # PyTorch is a test oracle only; the package never imports it
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None


def torch_or_skip():
    """The torch module, or skip the calling test when PyTorch is not installed."""
    import pytest
    return pytest.importorskip("torch")


def norm(text: str) -> str:
    """PyTorch's text with its module name replaced by ours."""
    return text.replace("torch.", "tinygrad_edu.")


def dtype_name(d: Any) -> str:
    """'float32' for tg.float32, torch.float32 or np.float32."""
    if torch is not None and isinstance(d, torch.dtype):
        return str(d).replace("torch.", "")
    if isinstance(d, tg.dtype):
        return d.name
    return np.dtype(d).name


class Const:
    """An argument that becomes a tensor which does not require grad (an index, a mask, a fixed input)."""

    def __init__(self, array: Any):
        self.array = np.asarray(array)


def _is_float(a: np.ndarray) -> bool:
    return a.dtype.kind == "f"


def _make_args(lib: Any, args: tuple, float64: bool = False) -> tuple[list, list]:
    """The arguments as `lib` tensors (numbers passed through), and the tensors that require grad."""
    made, wrt = [], []
    for a in args:
        if isinstance(a, Const):
            made.append(lib.tensor(a.array) if lib is tg else torch.from_numpy(a.array.copy()))
        elif isinstance(a, np.ndarray):
            arr = a.astype(np.float64) if (float64 and _is_float(a)) else a.copy()
            t = lib.tensor(arr) if lib is tg else torch.from_numpy(arr)
            if _is_float(arr):
                t.requires_grad_()
                wrt.append(t)
            made.append(t)
        else:
            made.append(a)
    return made, wrt


def _outputs(out: Any) -> list:
    return list(out) if isinstance(out, tuple) else [out]


def _numpy(t: Any) -> np.ndarray:
    return t.detach().numpy()  # the same call in both libraries


def _upstream(outs: list, seed: int, float64: bool = False) -> list:
    """A random upstream gradient for each output that has a graph (so no grad is ever all ones)."""
    rng = np.random.default_rng(seed)
    ws = []
    for o in outs:
        dt = np.float64 if float64 else np.dtype(dtype_name(o.dtype))
        ws.append(rng.uniform(0.5, 1.5, tuple(o.shape)).astype(dt) if o.requires_grad else None)
    return ws


def _backward(lib: Any, outs: list, ws: list) -> None:
    graph = [(o, w) for o, w in zip(outs, ws) if w is not None]
    if len(graph) == 1:
        o, w = graph[0]
        o.backward(lib.tensor(w) if lib is tg else torch.from_numpy(w))
    else:
        total = sum(((o * (lib.tensor(w) if lib is tg else torch.from_numpy(w))).sum() for o, w in graph))
        total.backward()


def assert_same_tensor(ours: Any, theirs: Any, rtol: float = 1e-5, atol: float = 1e-6, what: str = "value") -> None:
    """Same shape, same dtype, same values (NaN where NaN) for a tinygrad_edu and a torch tensor."""
    assert tuple(ours.shape) == tuple(theirs.shape), f"{what}: shape {tuple(ours.shape)} != {tuple(theirs.shape)}"
    assert dtype_name(ours.dtype) == dtype_name(theirs.dtype), f"{what}: dtype {ours.dtype} != {theirs.dtype}"
    a, b = _numpy(ours), _numpy(theirs)
    if a.dtype.kind == "f":
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)
    else:
        np.testing.assert_array_equal(a, b, err_msg=what)


def finite_difference_check(fn: Callable, args: tuple, seed: int = 0, eps: float = 1e-6,
                            rtol: float = 1e-4, atol: float = 1e-6) -> None:
    """The engine's gradients of sum(fn(...) * w) against central differences, every input in float64."""
    made, wrt = _make_args(tg, args, float64=True)
    outs = _outputs(fn(tg, *made))
    ws = _upstream(outs, seed, float64=True)
    if not any(w is not None for w in ws):
        return
    _backward(tg, outs, ws)

    def loss() -> float:
        with tg.no_grad():
            res = _outputs(fn(tg, *made))
        return float(sum(float((r.detach().numpy().astype(np.float64) * w).sum())
                         for r, w in zip(res, ws) if w is not None))

    for t in wrt:
        if t.grad is not None:
            assert t.grad.shape == t.shape and t.grad.dtype == t.dtype, "a grad must have its tensor's shape and dtype"
        analytic = np.zeros(t.shape) if t.grad is None else t.grad.numpy()  # (an unused input gets no grad)
        flat = t._data.reshape(-1)
        numeric = np.zeros(flat.size)
        for j in range(flat.size):
            orig = flat[j]
            flat[j] = orig + eps
            plus = loss()
            flat[j] = orig - eps
            minus = loss()
            flat[j] = orig
            numeric[j] = (plus - minus) / (2 * eps)
        np.testing.assert_allclose(analytic.reshape(-1), numeric, rtol=rtol, atol=atol,
                                   err_msg="analytic gradient != central finite differences")


def check_op(fn: Callable, *args: Any, grad: bool = True, fd: bool = True, name: bool = True, seed: int = 0,
             rtol: float = 1e-5, atol: float = 1e-6, grad_rtol: float = 1e-4, grad_atol: float = 1e-5) -> list:
    """Check `fn(lib, *tensors)` on tinygrad_edu against PyTorch (when installed) and finite differences.

    `args`: NumPy arrays become tensors (floating ones require grad), `Const(array)` a tensor that does
    not, anything else (numbers, NumPy scalars) is passed as it is. Checked: the outputs' shapes, dtypes
    and values; the grads' values, shapes and dtypes after a backward with a random upstream gradient;
    the grad_fn's name; the grads against central differences in float64. Returns our outputs.
    """
    made, wrt = _make_args(tg, args)
    outs = _outputs(fn(tg, *made))
    for o in outs:
        assert isinstance(o, tg.Tensor)
    ws = _upstream(outs, seed)
    if grad and any(w is not None for w in ws):
        _backward(tg, outs, ws)
        for t in wrt:
            if t.grad is not None:
                assert t.grad.shape == t.shape and t.grad.dtype == t.dtype, "grad shape/dtype != the tensor's"
    if torch is not None:
        t_made, t_wrt = _make_args(torch, args)
        t_outs = _outputs(fn(torch, *t_made))
        assert len(t_outs) == len(outs)
        for i, (o, to) in enumerate(zip(outs, t_outs)):
            assert_same_tensor(o, to, rtol, atol, what=f"output {i}")
            assert o.requires_grad == to.requires_grad, f"output {i}: requires_grad differs"
            if name and to.grad_fn is not None:
                theirs = type(to.grad_fn).__name__
                assert o.grad_fn.name() == theirs, f"grad_fn {o.grad_fn.name()} != {theirs}"
        if grad and any(w is not None for w in ws):
            _backward(torch, t_outs, ws)
            for i, (t, tt) in enumerate(zip(wrt, t_wrt)):
                assert (t.grad is None) == (tt.grad is None), f"grad {i}: None in one library only"
                if t.grad is not None:
                    assert_same_tensor(t.grad, tt.grad, grad_rtol, grad_atol, what=f"grad of input {i}")
    if grad and fd:
        finite_difference_check(fn, args, seed)
    return outs
