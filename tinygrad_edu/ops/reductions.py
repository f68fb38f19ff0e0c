"""Reductions: `sum`, `mean`, `max`, `min`, `argmax`, `argmin`, and `softmax` / `log_softmax`.

A reduction's backward spreads the output's gradient back over the elements it reduced.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any, Sequence

from .. import dtypes
from ..autograd import Op, is_grad_enabled
from ..backend import array_module, as_array
from ..args import dim as _wrap_dim
from ..tensor import Tensor
from . import fineprint
from .pointwise import maximum, minimum, quietly, select


def dims(dim: int | Sequence[int] | None, ndim: int) -> tuple[int, ...] | None:
    """Reduction dimensions as a tuple of non-negative ints (None: all of them)."""
    if dim is None:
        return None
    if isinstance(dim, int):
        dim = (dim,)
    axes = tuple(_wrap_dim(d, ndim) for d in dim)
    fineprint.unique_dims(axes)
    if not axes:
        return None
    return axes if ndim else ()  # a 0-d tensor takes dim 0 or -1, and has nothing to reduce


def _kept_shape(shape: tuple, axes: tuple[int, ...] | None) -> tuple:
    """`shape` with the reduced dimensions set to 1 (the shape a keepdim result has)."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _spread(g: Any, shape: tuple, axes: tuple[int, ...] | None) -> Any:
    """The gradient of a reduction's output, broadcast back over the input's shape (a tensor under create_graph)."""
    g = g.reshape(_kept_shape(shape, axes))
    return g.expand(shape) if isinstance(g, Tensor) else array_module(g).broadcast_to(g, shape)


_torch_name = dtypes.scalar_type_name  # (the nn layer imports it under this name)


class Sum(Op):
    @staticmethod
    def forward(ctx, a, axes, keepdim, dtype):
        ctx.shape, ctx.axes = a.shape, axes
        with quietly():  # inf + -inf is nan without a word, as in PyTorch (NumPy's sum warns from its own module)
            return a.sum(axis=axes, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, g):
        return _spread(g, ctx.shape, ctx.axes), None, None, None


class SumDim(Sum):
    node_name = "SumBackward1"


class Mean(Op):
    @staticmethod
    def forward(ctx, a, axes, keepdim):
        ctx.shape, ctx.axes = a.shape, axes
        with quietly():
            total = a.sum(axis=axes, keepdims=keepdim)
        ctx.count = a.size // (total.size or 1)  # not max(): this module defines its own
        return total / ctx.count  # (NumPy's mean would warn about an empty tensor; PyTorch says nan)

    @staticmethod
    def backward(ctx, g):
        return _spread(g / ctx.count, ctx.shape, ctx.axes), None, None


class MeanDim(Mean):
    node_name = "MeanBackward1"


class MaxAll(Op):
    """The largest element; ties share the gradient equally (as in PyTorch)."""

    node_name = "MaxBackward1"

    @staticmethod
    def forward(ctx, a, largest):
        y = a.max() if largest else a.min()
        ctx.save_for_backward(a, y)
        return y

    @staticmethod
    def backward(ctx, g):
        a, y = ctx.saved_tensors
        hit = (a == y) | ((a != a) & (y != y))  # the elements equal to the result (the nans, if it is nan)
        return select(hit, g / hit.sum(), 0), None


class MaxDim(Op):
    """Values along a dimension picked by the indices found in the forward (`max(dim)` / `min(dim)`)."""

    node_name = "MaxBackward0"

    @staticmethod
    def forward(ctx, a, index, dim, keepdim):
        ctx.shape = a.shape
        if a.ndim == 0:  # the only element is the extreme one
            return a.copy()
        xp = array_module(a)
        idx = xp.expand_dims(index, dim)
        ctx.dim, ctx.idx, ctx.keepdim = dim, idx, keepdim
        y = xp.take_along_axis(a, idx, axis=dim)
        return y if keepdim else y.squeeze(dim)

    @staticmethod
    def backward(ctx, g):
        if not ctx.shape:
            return g, None, None, None
        xp = array_module(g)
        g = g if ctx.keepdim else xp.expand_dims(g, ctx.dim)
        positions = xp.arange(ctx.shape[ctx.dim]).reshape([-1 if i == ctx.dim else 1 for i in range(len(ctx.shape))])
        return xp.where(positions == ctx.idx, g, 0).astype(g.dtype, copy=False), None, None, None


class MinDim(MaxDim):
    node_name = "MinBackward0"


class MinAll(MaxAll):
    node_name = "MinBackward1"


def _max(a: Any, dim: int) -> Any:
    """The largest element along `dim` (kept), the shift that keeps exp() from overflowing; none if it is empty."""
    return a.max(axis=dim, keepdims=True) if a.size else a.sum(axis=dim, keepdims=True)


class Softmax(Op):
    @staticmethod
    def forward(ctx, a, dim):
        xp = array_module(a)
        e = xp.exp(a - _max(a, dim))
        y = e / e.sum(axis=dim, keepdims=True)
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return y * (g - (g * y).sum(axis=ctx.dim, keepdims=True)), None


class LogSoftmax(Op):
    @staticmethod
    def forward(ctx, a, dim):
        xp = array_module(a)
        shifted = a - _max(a, dim)
        y = shifted - xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))
        ctx.save_for_backward(y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g - array_module(y).exp(y) * g.sum(axis=ctx.dim, keepdims=True), None


# --- the public forms ---------------------------------------------------------------------------

def sum(input: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False, *,
        dtype: dtypes.dtype | None = None) -> Tensor:
    """The sum of all elements, or along `dim`. Bool and integer sums are int64."""
    axes = dims(dim, input.ndim)
    if dtype is None and not input.is_floating_point():
        dtype = dtypes.int64
    if dtype is not None and not dtypes.check(dtype).is_floating_point and input.requires_grad and is_grad_enabled():
        raise RuntimeError(f"Autograd not support dtype: {_torch_name(dtype)}")
    np_dtype = None if dtype is None else dtype.np
    return (Sum if axes is None else SumDim).apply(input, axes, keepdim, np_dtype)


def mean(input: Tensor, dim: int | Sequence[int] | None = None, keepdim: bool = False, *,
         dtype: dtypes.dtype | None = None) -> Tensor:
    """The mean of all elements, or along `dim` (floating-point tensors only, as in PyTorch)."""
    if dtype is not None:
        input = input.to(dtype)
    if not input.is_floating_point():
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point or "
                           f"complex dtype. Got: {_torch_name(input.dtype)}")
    axes = dims(dim, input.ndim)
    return (Mean if axes is None else MeanDim).apply(input, axes, keepdim)


return_types_max = namedtuple("max", ["values", "indices"])
return_types_min = namedtuple("min", ["values", "indices"])
for _t in (return_types_max, return_types_min):
    _t.__repr__ = lambda self: (f"tinygrad_edu.return_types.{type(self).__name__}(\nvalues={self.values!r},\n"
                                f"indices={self.indices!r})")
    _t.__module__ = "tinygrad_edu.return_types"


def _extreme(input: Tensor, dim: Any, keepdim: bool, largest: bool):
    if isinstance(dim, Tensor):
        return (maximum if largest else minimum)(input, dim)
    if dim is None and input.numel() == 0:
        name = "max" if largest else "min"
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                           "reduction dim with the 'dim' argument.")
    if dim is None:
        return (MaxAll if largest else MinAll).apply(input, largest)
    d = _wrap_dim(dim, input.ndim)
    _check_nonempty("max" if largest else "min", input, d)
    xp = array_module(input._data)
    index = as_array((xp.argmax if largest else xp.argmin)(input._data, axis=d)) if input.ndim else xp.asarray(0)
    values = (MaxDim if largest else MinDim).apply(input, index, d, keepdim)
    if keepdim and input.ndim:
        index = xp.expand_dims(index, d)
    indices = Tensor._make(index.astype(dtypes.int64.np, copy=False), input._device)
    return (return_types_max if largest else return_types_min)(values, indices)


def max(input: Tensor, dim: int | Tensor | None = None, keepdim: bool = False):
    """The largest element; with `dim`, a `(values, indices)` pair along it; with a tensor, `maximum`."""
    return _extreme(input, dim, keepdim, True)


def min(input: Tensor, dim: int | Tensor | None = None, keepdim: bool = False):
    """The smallest element; with `dim`, a `(values, indices)` pair along it; with a tensor, `minimum`."""
    return _extreme(input, dim, keepdim, False)


def _check_nonempty(name: str, input: Tensor, d: int) -> None:
    if input.ndim and input.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _arg(input: Tensor, dim: int | None, keepdim: bool, largest: bool) -> Tensor:
    name = "argmax" if largest else "argmin"
    if input.dtype is dtypes.bool_:
        raise RuntimeError(f"{name}(): does not support bool input")
    if dim is None and input.numel() == 0:
        raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
    if dim is not None:
        _check_nonempty(name, input, _wrap_dim(dim, input.ndim))
    xp = array_module(input._data)
    find = xp.argmax if largest else xp.argmin
    if dim is None:
        out = find(input._data.reshape(-1))
        out = xp.asarray(out).reshape((1,) * input.ndim if keepdim else ())
    else:
        d = _wrap_dim(dim, input.ndim)
        out = find(input._data, axis=d) if input.ndim else xp.asarray(0)
        if keepdim and input.ndim:
            out = xp.expand_dims(out, d)
    return Tensor._make(as_array(out).astype(dtypes.int64.np, copy=False), input._device)


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """The index of the largest element (of the flattened tensor, or along `dim`)."""
    return _arg(input, dim, keepdim, True)


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """The index of the smallest element (of the flattened tensor, or along `dim`)."""
    return _arg(input, dim, keepdim, False)


def _float(input: Tensor, dim: int, dtype: dtypes.dtype | None, name: str) -> Tensor:
    """The input of a softmax: cast to `dtype` if given; PyTorch has no kernel for integers."""
    d = _wrap_dim(dim, input.ndim)
    if dtype is not None:
        input = input.to(dtype)
    if not input.is_floating_point() and input.numel():
        last = "lastdim_" if input.ndim == 0 or d == input.ndim - 1 else ""
        raise fineprint.no_kernel(f"{name}_{last}kernel_impl", input)
    return input


def softmax(input: Tensor, dim: int, dtype: dtypes.dtype | None = None) -> Tensor:
    """exp(x) / sum(exp(x)) along `dim`: turns scores into probabilities that sum to 1."""
    x = _float(input, dim, dtype, "softmax")
    if not x.is_floating_point():  # (empty: nothing to compute)
        return Tensor._make(x._data.copy(), x._device)
    return Softmax.apply(x, _wrap_dim(dim, x.ndim))


def log_softmax(input: Tensor, dim: int, dtype: dtypes.dtype | None = None) -> Tensor:
    """log(softmax(x)) along `dim`, computed without overflow."""
    x = _float(input, dim, dtype, "log_softmax")
    if not x.is_floating_point():  # (empty: nothing to compute)
        return Tensor._make(x._data.copy(), x._device)
    return LogSoftmax.apply(x, _wrap_dim(dim, x.ndim))


for _op in (Sum, Mean):  # their backward also runs on tensors (autograd.grad(..., create_graph=True))
    _op.twice_differentiable = True
