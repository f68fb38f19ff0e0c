"""`tinygrad_edu.nn.functional` (import it as `F`): the layers and losses as plain functions.

`F.linear(x, w, b)` is what an `nn.Linear` computes, without a module to hold `w` and `b`. It is one
engine op (forward and backward below), as the training loop runs it at every step. The losses live
in `losses.py` and are listed here too, so `F.cross_entropy(...)` works as in PyTorch.
"""
from __future__ import annotations

import warnings

import numpy as np

from ..autograd import Op
from ..ops import log_softmax as _log_softmax, relu, sigmoid, softmax as _softmax, tanh
from ..ops.reductions import _torch_name
from ..tensor import Tensor
from .losses import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, mse_loss,
                     nll_loss)

__all__ = ["linear", "relu", "sigmoid", "tanh", "softmax", "log_softmax", "mse_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss"]


class Addmm(Op):
    """y = x @ w.T + b, the affine map of a Linear layer, with its backward, as one node."""

    @staticmethod
    def forward(ctx, x, w, b):
        ctx.save_for_backward(x, w)
        y = x @ w.T
        if b is not None:
            y += b
        return y

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad
        rows = g.reshape(-1, g.shape[-1])               # one row per sample, whatever x's rank
        gx = g @ w if need_x else None                  # dL/dx = g w
        gw = rows.T @ x.reshape(-1, x.shape[-1]) if need_w else None  # dL/dw = g^T x
        gb = rows.sum(axis=0) if need_b else None       # dL/db = g summed over samples
        return gx, gw, gb


class Mm(Addmm):
    """`linear` without a bias: PyTorch names its node MmBackward0."""

    backward_name = "MmBackward0"


def _dtype_error(input: Tensor, weight: Tensor, bias: Tensor | None) -> RuntimeError:
    """PyTorch's error for mixed dtypes (it never converts them silently); its wording depends on the path."""
    def name(t: Tensor) -> str:
        return _torch_name(t.dtype)
    if bias is None:
        c_names = {"Long": "long int", "Int": "int", "Half": "c10::Half"}
        low = [c_names.get(name(t), name(t).lower()) for t in (input, weight)]
        return RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {low[0]} != {low[1]}")
    if input.dtype is not weight.dtype:
        return RuntimeError(f"mat1 and mat2 must have the same dtype, but got {name(input)} and {name(weight)}")
    return RuntimeError(f"self and mat2 must have the same dtype, but got {name(bias)} and {name(weight)}")


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """input @ weight.T + bias: `weight` has shape (out_features, in_features)."""
    # The checks read the raw arrays (not `input.shape`, `input.dtype`): this runs at every step.
    x_shape, w_shape = input._data.shape, weight._data.shape
    if not x_shape or not w_shape:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {len(x_shape)}D and "
                           f"{len(w_shape)}D")
    dtype = weight._data.dtype
    if input._data.dtype != dtype or (bias is not None and bias._data.dtype != dtype):
        raise _dtype_error(input, weight, bias)
    if len(w_shape) != 2 or x_shape[-1] != w_shape[-1]:
        rows = int(np.prod(x_shape[:-1], dtype=np.int64))
        out_features = w_shape[0] if len(w_shape) == 2 else 1
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x_shape[-1]} and "
                           f"{w_shape[-1]}x{out_features})")
    out_features = w_shape[0]
    if bias is not None and bias._data.size not in (1, out_features):
        target = list(x_shape[:-1]) + [out_features]
        raise RuntimeError(f"The expanded size of the tensor ({out_features}) must match the existing size "
                           f"({bias.shape[-1]}) at non-singleton dimension {len(target) - 1}.  Target sizes: "
                           f"{target}.  Tensor sizes: {list(bias.shape)}")
    return (Mm if bias is None else Addmm).apply(input, weight, bias)


def _softmax_dim(name: str, ndim: int) -> int:
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an "
                  "argument.", stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, *, dtype=None) -> Tensor:
    """exp(x) / sum(exp(x)) along `dim`: scores to probabilities."""
    return _softmax(input, _softmax_dim("softmax", input.ndim) if dim is None else dim, dtype)


def log_softmax(input: Tensor, dim: int | None = None, *, dtype=None) -> Tensor:
    """log(softmax(x)) along `dim`, computed without overflow."""
    return _log_softmax(input, _softmax_dim("log_softmax", input.ndim) if dim is None else dim, dtype)
