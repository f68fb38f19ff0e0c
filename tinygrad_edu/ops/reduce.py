"""Reductions: `sum`, `mean`, `max` / `min`, and `softmax` / `log_softmax`.

`forward` and `backward` work on arrays (NumPy or CuPy); the public functions below take tensors.
A reduction's backward spreads the gradient of each result element back over the elements it reduced.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .. import args, dtypes, return_types
from ..autograd import Op
from ..backend import array_module
from ..tensor import Tensor
from . import fineprint, pointwise
from .search import ArgMax


def spread(g: Any, shape: tuple, dims: tuple[int, ...] | None) -> Any:
    """`g`, the gradient of a reduction over `dims` (None: all), repeated over the input's `shape`."""
    g = g.reshape(tuple(1 if dims is None or i in dims else n for i, n in enumerate(shape)))
    return g.expand(shape) if isinstance(g, Tensor) else array_module(g).broadcast_to(g, shape)


class Sum(Op):
    """y = the sum of a's elements over `dims` (all if None).   dL/da = g, repeated over the summed elements."""

    twice_differentiable = True  # (its backward also runs on tensors, for autograd.grad(create_graph=True))

    @staticmethod
    def forward(ctx, a, dims=None, keepdim=False, dtype=None):
        ctx.shape, ctx.dims = a.shape, dims
        with np.errstate(all="ignore"):  # inf + -inf is nan without a warning (one NumPy's own Python code gives)
            return a.sum(axis=dims, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, g):
        return spread(g, ctx.shape, ctx.dims)


class Mean(Op):
    """y = the sum over `dims` / n, n the number of elements summed.   dL/da = g / n, repeated over them."""

    twice_differentiable = True

    @staticmethod
    def forward(ctx, a, dims=None, keepdim=False):
        ctx.shape, ctx.dims = a.shape, dims
        with np.errstate(all="ignore"):  # (the mean of nothing is nan, without a warning)
            total = a.sum(axis=dims, keepdims=keepdim)
            ctx.n = a.size // (total.size or 1)
            return total / ctx.n

    @staticmethod
    def backward(ctx, g):
        return spread(g / ctx.n, ctx.shape, ctx.dims)


SumDim, MeanDim = Sum.named("SumBackward1"), Mean.named("MeanBackward1")  # PyTorch's names for reductions over dims


class MaxAll(Op):
    """y = the largest element of a (the smallest if not `largest`).   dL/da = g shared equally by the
    elements equal to y (ties split it, as in PyTorch), 0 for the others."""

    node_name = "MaxBackward1"

    @staticmethod
    def forward(ctx, a, largest=True):
        y = a.max() if largest else a.min()
        ctx.save_for_backward(a, y)
        return y

    @staticmethod
    def backward(ctx, g):
        a, y = ctx.saved_tensors
        hit = (a == y) | ((a != a) & (y != y))  # the elements equal to y (the nans, if y is nan)
        return array_module(g).where(hit, g / hit.sum(), 0)


class MaxDim(Op):
    """y = a's elements at `index` along `dim` (where the largest or smallest are, found beforehand).
    dL/da = g at those positions, 0 elsewhere."""

    node_name = "MaxBackward0"

    @staticmethod
    def forward(ctx, a, dim, keepdim, index):  # (index keeps the reduced dimension, with size 1)
        ctx.shape, ctx.dim, ctx.index = a.shape, dim, index
        if a.ndim == 0:  # the only element is the extreme one
            return a.copy()
        y = array_module(a).take_along_axis(a, index, axis=dim)
        return y if keepdim else y.squeeze(dim)

    @staticmethod
    def backward(ctx, g):
        if not ctx.shape:
            return g
        xp, n = array_module(g), len(ctx.shape)
        positions = xp.arange(ctx.shape[ctx.dim]).reshape([-1 if i == ctx.dim else 1 for i in range(n)])
        return xp.where(positions == ctx.index, g.reshape(ctx.index.shape), 0).astype(g.dtype, copy=False)


MinAll, MinDim = MaxAll.named("MinBackward1"), MaxDim.named("MinBackward0")


def _peak(a: Any, dim: int) -> Any:
    """The largest element along `dim` (kept): subtracted before exp() so that it cannot overflow."""
    return a.max(axis=dim, keepdims=True) if a.size else a.sum(axis=dim, keepdims=True)


def _sum_kept(x: Any, dim: int) -> Any:
    """The sum along `dim`, kept as a dimension of size 1 (of an array, or of a tensor under create_graph)."""
    return x.sum(dim, keepdim=True) if isinstance(x, Tensor) else x.sum(axis=dim, keepdims=True)


class Softmax(Op):
    """y = exp(a) / sum(exp(a)) along `dim`.   dL/da = y * (g - sum(g * y) along dim)."""

    twice_differentiable = True

    @staticmethod
    def forward(ctx, a, dim):
        e = array_module(a).exp(a - _peak(a, dim))
        y = e / e.sum(axis=dim, keepdims=True)
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return y * (g - _sum_kept(g * y, ctx.dim))


class LogSoftmax(Op):
    """y = a - log(sum(exp(a))) along `dim`.   dL/da = g - exp(y) * sum(g) along dim."""

    twice_differentiable = True

    @staticmethod
    def forward(ctx, a, dim):
        xp = array_module(a)
        shifted = a - _peak(a, dim)
        y = shifted - xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g - (y.exp() if isinstance(y, Tensor) else array_module(y).exp(y)) * _sum_kept(g, ctx.dim)


# --- the public forms: tensors in, tensors out ----------------------------------------------------

def sum(input: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False, *,
        dtype: dtypes.dtype | None = None) -> Tensor:
    """The sum of all elements, or along `dim`. Bool and integer sums are int64."""
    dims, dtype = fineprint.reduce_dims(dim, input.ndim), fineprint.sum_dtype(input, dtype)
    return (Sum if dims is None else SumDim).apply(input, dims=dims, keepdim=keepdim, dtype=dtype)


def mean(input: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False, *,
         dtype: dtypes.dtype | None = None) -> Tensor:
    """The mean of all elements, or along `dim` (floating-point tensors only, as in PyTorch)."""
    x, dims = fineprint.mean_input(input, dtype), fineprint.reduce_dims(dim, input.ndim)
    return (Mean if dims is None else MeanDim).apply(x, dims=dims, keepdim=keepdim)


def max(input: Tensor, dim: int | Tensor | None = None, keepdim: bool = False):
    """The largest element; with `dim`, a `(values, indices)` pair along it; with a tensor, `maximum`."""
    return _extreme(input, dim, keepdim, True)


def min(input: Tensor, dim: int | Tensor | None = None, keepdim: bool = False):
    """The smallest element; with `dim`, a `(values, indices)` pair along it; with a tensor, `minimum`."""
    return _extreme(input, dim, keepdim, False)


def _extreme(input: Tensor, dim: Any, keepdim: bool, largest: bool):
    if isinstance(dim, Tensor):
        return (pointwise.maximum if largest else pointwise.minimum)(input, dim)
    if dim is None:
        fineprint.check_reduce_all("max" if largest else "min", input)
        return (MaxAll if largest else MinAll).apply(input, largest=largest)
    d = fineprint.reduce_dim("max" if largest else "min", input, dim)
    index = ArgMax.apply(input, dim=d, keepdim=True, largest=largest)  # where the extremes are
    values = (MaxDim if largest else MinDim).apply(input, dim=d, keepdim=keepdim, index=index._data)
    pair = return_types.max if largest else return_types.min
    return pair(values, index if keepdim or not input.ndim else index.squeeze(d))


def softmax(input: Tensor, dim: int, dtype: dtypes.dtype | None = None) -> Tensor:
    """exp(x) / sum(exp(x)) along `dim`: turns scores into probabilities that sum to 1."""
    x = fineprint.softmax_input(input, dim, dtype, "softmax")  # (an empty integer tensor: a copy of it)
    return Softmax.apply(x, dim=args.dim(dim, x.ndim)) if x.is_floating_point() else x


def log_softmax(input: Tensor, dim: int, dtype: dtypes.dtype | None = None) -> Tensor:
    """log(softmax(x)) along `dim`, computed without overflow."""
    x = fineprint.softmax_input(input, dim, dtype, "log_softmax")
    return LogSoftmax.apply(x, dim=args.dim(dim, x.ndim)) if x.is_floating_point() else x
