"""`tinygrad_edu.nn.functional` (import it as `F`): the layers and losses as plain functions.

`F.linear(x, w, b)` is what an `nn.Linear` computes, without a module to hold `w` and `b`. It is one
engine op (forward and backward below), as the training loop runs it at every step. The losses live
in `losses.py` and are listed here too, so `F.cross_entropy(...)` works as in PyTorch.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from .. import dtypes, random as _random
from ..autograd import Op
from ..backend import array_module
from ..ops import log_softmax as _log_softmax, matmul as _matmul, relu, sigmoid, softmax as _softmax, tanh
from ..ops.pointwise import broadcast_error
from ..ops.reductions import _torch_name
from ..tensor import Tensor
from .losses import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, mse_loss,
                     nll_loss)

__all__ = ["linear", "embedding", "relu", "sigmoid", "tanh", "softmax", "log_softmax", "mse_loss",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss", "dropout"]


class Addmm(Op):
    """y = x @ w.T + b for a matrix x (one row per sample), the affine map of a Linear layer, as one node."""

    @staticmethod
    def forward(ctx, x, w, b):
        ctx.save_for_backward(x, w)
        ctx.bias_vector = b is not None and b.ndim == 1
        y = x @ w.T
        if b is not None:
            y += b
        return y

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad
        gx = g @ w if need_x else None      # dL/dx = g w
        gw = g.T @ x if need_w else None    # dL/dw = g^T x
        gb = g.sum(axis=0) if ctx.bias_vector else g  # dL/db = g summed over the samples (the engine sums the rest)
        return gx, gw, (gb if need_b else None)


class Mm(Addmm):
    """`linear` without a bias: PyTorch names its node MmBackward0."""

    backward_name = "MmBackward0"


def _type_name(x: object) -> str:
    """A type's name as PyTorch's argument errors print it (`numpy.ndarray`, `list`)."""
    kind = type(x)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def _check_addmm(input: Tensor, weight: Tensor, bias: Tensor | None) -> None:
    """PyTorch's errors for x @ w.T (+ b) with a matrix x, in its order: the shapes are checked first without a
    bias, the dtypes first with one."""
    (rows, k), (out_features, k2) = input._data.shape, weight._data.shape
    if k != k2 and bias is None:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k} and {k2}x{out_features})")
    dtype = weight._data.dtype
    if input._data.dtype != dtype or (bias is not None and bias._data.dtype != dtype):
        name = _torch_name
        if bias is None:
            c_names = {"Long": "long int", "Int": "int", "Half": "c10::Half"}
            low = [c_names.get(name(t.dtype), name(t.dtype).lower()) for t in (input, weight)]
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {low[0]} != {low[1]}")
        if bias._data.dtype != dtype:
            raise RuntimeError(f"self and mat2 must have the same dtype, but got {name(bias.dtype)} and "
                               f"{name(weight.dtype)}")
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {name(input.dtype)} and "
                           f"{name(weight.dtype)}")
    if k != k2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k} and {k2}x{out_features})")
    if bias is not None:
        b_shape = bias._data.shape
        if len(b_shape) > 2:
            raise RuntimeError(f"expand(tinygrad_edu.{_torch_name(bias.dtype)}Tensor{{{list(b_shape)}}}, size=[{rows}, "
                               f"{out_features}]): the number of sizes provided (2) must be greater or equal to the "
                               f"number of dimensions in the tensor ({len(b_shape)})")
        for dim in (1, 0)[:len(b_shape)]:  # from the last dimension, as PyTorch's expand checks
            n, m = b_shape[dim - 2], (rows, out_features)[dim]
            if n not in (1, m):
                raise RuntimeError(f"The expanded size of the tensor ({m}) must match the existing size ({n}) at "
                                   f"non-singleton dimension {dim}.  Target sizes: [{rows}, {out_features}].  "
                                   f"Tensor sizes: {list(b_shape)}")
    if dtype == np.bool_:
        raise NotImplementedError("\"addmm_impl_cpu_\" not implemented for 'Bool'")


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """input @ weight.T + bias: `weight` has shape (out_features, in_features).

    A batch of samples (a matrix) goes through one op, `Addmm` (or `Mm`). Other ranks take PyTorch's
    paths, so they give its results, errors and node names: flattened to a matrix and back with a
    bias, through `matmul` without one (or with a 0-d one).
    """
    for i, (name, t) in enumerate((("input", input), ("weight", weight))):
        if not isinstance(t, Tensor):
            raise TypeError(f"linear(): argument '{name}' (position {i + 1}) must be Tensor, not {_type_name(t)}")
    # The checks read the raw arrays (not `input.shape`, `input.dtype`): this runs at every step.
    x_shape, w_shape = input._data.shape, weight._data.shape
    if not x_shape or not w_shape:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {len(x_shape)}D and "
                           f"{len(w_shape)}D")
    if len(w_shape) > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {len(w_shape)}D")
    # PyTorch's fused path: a matrix input, or a bias that is a vector (once its dims of size 1 are dropped)
    fused = bias is not None and (len(x_shape) == 2 or bias.ndim == 1 or sum(n != 1 for n in bias.shape) == 1)
    if fused and bias._data.dtype != weight._data.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_torch_name(bias.dtype)} and "
                           f"{_torch_name(weight.dtype)}")
    if fused and len(w_shape) == 1:
        raise RuntimeError("mat2 must be a matrix, got 1-D tensor")
    if len(x_shape) == 2 and len(w_shape) == 2:
        _check_addmm(input, weight, bias)
        return (Mm if bias is None else Addmm).apply(input, weight, bias)
    if fused:  # as one matrix of samples, then back to the input's shape
        out = linear(input.reshape(math.prod(x_shape[:-1]), x_shape[-1]), weight, bias)
        return out.reshape(*x_shape[:-1], out.shape[1])
    out = _matmul(input, weight.t())
    return out if bias is None else _add_into(out, bias)


def _add_into(out: Tensor, bias: Tensor) -> Tensor:
    """out + bias as PyTorch's in-place `out.add_(bias)`: the bias may not change out's shape or dtype kind."""
    try:
        shape = np.broadcast_shapes(out._data.shape, bias._data.shape)
    except ValueError:
        raise broadcast_error(out._data.shape, bias._data.shape) from None
    if shape != out._data.shape:
        raise RuntimeError(f"output with shape {list(out.shape)} doesn't match the broadcast shape {list(shape)}")
    result = dtypes.promote_types(out.dtype, bias.dtype)
    kind = {"b": 0, "u": 1, "i": 1, "f": 2}
    if kind[result.np.kind] > kind[out.dtype.np.kind]:
        raise RuntimeError(f"result type {_torch_name(result)} can't be cast to the desired output type "
                           f"{_torch_name(out.dtype)}")
    return out + (bias if bias.dtype is out.dtype else bias.to(out.dtype))


class Embedding(Op):
    """Rows of `weight` picked by integer indices; each row's gradient sums the gradients of its picks."""

    @staticmethod
    def forward(ctx, idx, w, padding_idx):
        ctx.save_for_backward(idx)
        ctx.shape, ctx.padding_idx = w.shape, padding_idx
        return w[idx]

    @staticmethod
    def backward(ctx, g):
        idx, = ctx.saved_tensors
        xp = array_module(g)
        grad = xp.zeros(ctx.shape, dtype=g.dtype)
        xp.add.at(grad, idx.reshape(-1), g.reshape(idx.size, ctx.shape[1]))  # an index may repeat: add
        if ctx.padding_idx is not None:
            grad[ctx.padding_idx] = 0  # the padding row never learns
        return None, grad, None


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None) -> Tensor:
    """The rows of `weight` (num_embeddings, embedding_dim) at the integer indices `input`."""
    if not isinstance(input, Tensor):
        raise TypeError(f"embedding(): argument 'indices' (position 1) must be Tensor, not {_type_name(input)}")
    if weight.ndim == 0 and (padding_idx is not None or weight.requires_grad):  # PyTorch reads its size first
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if padding_idx is not None:
        n = weight.shape[0]
        if not -n <= padding_idx < n:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx %= n
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    if input.dtype not in (dtypes.int64, dtypes.int32):
        kind = "CPUBoolType" if input.dtype is dtypes.bool_ else f"tinygrad_edu.{_torch_name(input.dtype)}Tensor"
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {kind} instead (while checking arguments for embedding)")
    idx = input._data
    if idx.size and weight.shape[0] == 0:
        raise RuntimeError("index_select(): self indexing axis dim should be positive")
    if idx.size and (idx.min() < 0 or idx.max() >= weight.shape[0]):
        if weight.shape[1] == 0:  # (PyTorch checks rows of nothing in another kernel, with another message)
            flat = idx.reshape(-1)
            bad = flat[(flat < 0) | (flat >= weight.shape[0])][0]
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={int(bad)} axis_dim={weight.shape[0]}")
        raise IndexError("index out of range in self")
    return Embedding.apply(input, weight, padding_idx)


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


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """While training, zero each element with probability p and scale the rest by 1 / (1 - p).

    The mask is PyTorch's for the same seed: `bernoulli_(1 - p)` on the default generator (one
    float64 uniform per element), then divided by 1 - p in the input's dtype. Not training, or
    p = 0, it returns `input` itself.
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0 or not training or input.numel() == 0:
        return input
    dtype = input._data.dtype
    if p == 1:
        noise = np.zeros((), dtype)
    else:
        gen = _random._generator(None, input.device)
        noise = _random.bernoulli(gen, 1 - p, tuple(input.shape)).astype(dtype) / dtype.type(1 - p)
    noise = Tensor._make(array_module(input._data).asarray(noise), input.device)
    return input.mul_(noise) if inplace else input * noise
