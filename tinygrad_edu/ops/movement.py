"""Ops that move elements without changing them: reshape, transpose, permute, squeeze, expand, cat, stack.

Their backward moves the gradient back the same way: a reshape's is a reshape, a transpose's a
transpose, a concatenation's a split.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .. import dtypes
from ..autograd import Op
from ..backend import array_module
from ..args import dim as _wrap_dim
from ..tensor import Size, Tensor
from . import fineprint


def _shape_arg(shape: tuple) -> tuple:
    """`f(2, 3)`, `f((2, 3))` and `f([2, 3])` all mean the shape (2, 3)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
        shape = tuple(shape[0])
    for n in shape:
        if not isinstance(n, (int, np.integer)) and not (isinstance(n, Tensor) and n.ndim == 0):
            raise TypeError(f"shape must be a sequence of ints, got an element of type {type(n).__name__}")
    return tuple(int(n) for n in shape)


def infer_shape(shape: tuple, numel: int) -> tuple:
    """Fill in a -1 in `shape`; RuntimeError (PyTorch's) if the shape cannot hold `numel` elements."""
    known = 1
    for n in shape:
        if n != -1:
            known *= n
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if -1 in shape and known == 0 and numel == 0:
        raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {list(shape)} because the unspecified "
                           "dimension size -1 can be any value and is ambiguous")
    if -1 in shape and known and numel % known == 0:
        shape = tuple(numel // known if n == -1 else n for n in shape)
    if any(n < 0 for n in shape) or int(np.prod(shape, dtype=np.int64)) != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


class View(Op):
    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return a.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape), None


class Transpose(Op):
    @staticmethod
    def forward(ctx, a, d0, d1):
        ctx.dims = d0, d1
        return a.swapaxes(d0, d1) if a.ndim else a

    @staticmethod
    def backward(ctx, g):
        return (g.swapaxes(*ctx.dims) if g.ndim else g), None, None


class T(Transpose):
    """`t()`: the transpose of a matrix (a vector or a scalar stays as it is)."""


class Permute(Op):
    @staticmethod
    def forward(ctx, a, order):
        ctx.order = order
        return a.transpose(order)

    @staticmethod
    def backward(ctx, g):
        return g.transpose(tuple(np.argsort(ctx.order).tolist())), None


class Squeeze(Op):
    @staticmethod
    def forward(ctx, a, axes):
        ctx.shape = a.shape
        return a.squeeze(axes)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape), None


class SqueezeDim(Squeeze):
    node_name = "SqueezeBackward1"


class SqueezeDims(Squeeze):
    node_name = "SqueezeBackward2"


class Unsqueeze(Op):
    @staticmethod
    def forward(ctx, a, dim):
        ctx.shape = a.shape
        return array_module(a).expand_dims(a, dim)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape), None


class Expand(Op):
    @staticmethod
    def forward(ctx, a, shape):
        return array_module(a).broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, g):
        return g, None  # the engine sums the stretched dimensions back


class Cat(Op):
    @staticmethod
    def forward(ctx, *arrays, dim):
        ctx.skip = [a.ndim == 1 and a.size == 0 for a in arrays]  # PyTorch skips empty vectors (a legacy rule)
        parts = [a for a, skip in zip(arrays, ctx.skip) if not skip] or arrays
        ctx.dim = dim
        ctx.ends = np.cumsum([0 if skip else a.shape[dim] for a, skip in zip(arrays, ctx.skip)])[:-1].tolist()
        return array_module(arrays[0]).concatenate(parts, axis=dim)

    @staticmethod
    def backward(ctx, g):
        pieces = array_module(g).split(g, ctx.ends, axis=ctx.dim)
        return tuple(p.reshape(0) if skip else p for p, skip in zip(pieces, ctx.skip))


class Stack(Op):
    @staticmethod
    def forward(ctx, *arrays, dim):
        ctx.dim = dim
        return array_module(arrays[0]).stack(arrays, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return tuple(g.take(i, axis=ctx.dim) for i in range(g.shape[ctx.dim]))


# --- the public forms ---------------------------------------------------------------------------

def reshape(input: Tensor, *shape: Any) -> Tensor:
    """The same elements in a new shape (one dimension may be -1: inferred)."""
    shape = infer_shape(_shape_arg(shape), input.numel())
    return View.apply(input, shape)


def view(input: Tensor, *shape: Any) -> Tensor:
    """As `reshape` (this engine does not model strides, so every reshape is a view here)."""
    return reshape(input, *shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions start_dim..end_dim into one."""
    s, e = _wrap_dim(start_dim, input.ndim), _wrap_dim(end_dim, input.ndim)
    if input.ndim == 0:
        return reshape(input, 1)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input  # nothing to merge: PyTorch returns the tensor itself
    shape = input.shape
    return reshape(input, *shape[:s], int(np.prod(shape[s:e + 1])), *shape[e + 1:])


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dimensions."""
    n = input.ndim
    return Transpose.apply(input, _wrap_dim(dim0, n), _wrap_dim(dim1, n))


swapaxes = transpose


def permute(input: Tensor, *dims: Any) -> Tensor:
    """Reorder the dimensions: the new dimension i is the old dimension dims[i]."""
    if not dims:
        raise fineprint.missing_sizes("permute", "dims")
    order = _shape_arg(dims)
    if len(order) != input.ndim:
        raise RuntimeError("permute(sparse_coo): number of dimensions in the tensor input does not match the length of "
                           f"the desired ordering of dimensions i.e. input.dim() = {input.ndim} is not equal to "
                           f"len(dims) = {len(order)}")
    order = tuple(_wrap_dim(d, input.ndim) for d in order)
    if len(set(order)) != len(order):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, order)


def t(input: Tensor) -> Tensor:
    """Transpose a matrix (a tensor of at most 2 dimensions)."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return T.apply(input, 0, 1 if input.ndim == 2 else 0)


def squeeze(input: Tensor, dim: int | Sequence[int] | None = None) -> Tensor:
    """Remove dimensions of size 1 (all of them, or those in `dim` that have size 1)."""
    if dim is None:
        return Squeeze.apply(input, None)
    fn = SqueezeDim if isinstance(dim, int) else SqueezeDims
    axes = (dim,) if isinstance(dim, int) else tuple(dim)
    axes = tuple(_wrap_dim(a, input.ndim) for a in axes)
    fineprint.unique_dims(axes)
    axes = tuple(d for d in axes if input.ndim and input.shape[d] == 1)
    return fn.apply(input, axes)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a dimension of size 1 at `dim`."""
    return Unsqueeze.apply(input, _wrap_dim(dim, input.ndim + 1))


def expand(input: Tensor, *sizes: Any) -> Tensor:
    """Broadcast to a larger shape without copying; -1 keeps a dimension's size."""
    if not sizes:
        raise fineprint.missing_sizes("expand", "size")
    sizes = _shape_arg(sizes)
    lead = len(sizes) - input.ndim
    if lead < 0:
        raise RuntimeError(f"expand(tinygrad_edu.{dtypes.scalar_type_name(input.dtype)}Tensor{{{list(input.shape)}}}, "
                           f"size={list(sizes)}): the number of sizes provided ({len(sizes)}) must be greater or equal "
                           f"to the number of dimensions in the tensor ({input.ndim})")
    shape = []
    for i, n in enumerate(sizes):
        old = input.shape[i - lead] if i >= lead else 1
        n = old if n == -1 else n
        if old != 1 and old != n:
            raise RuntimeError(f"The expanded size of the tensor ({n}) must match the existing size ({old}) at "
                               f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                               f"{list(input.shape)}")
        shape.append(n)
    return Expand.apply(input, tuple(shape))


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    """`expand` to `other`'s shape."""
    return expand(input, other.shape)


def _same_dtype(tensors: Sequence[Tensor]) -> list[Tensor]:
    dt = dtypes.result_type(*tensors)
    return [x if x.dtype is dt else x.to(dt) for x in tensors]


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along an existing dimension; their other sizes must match."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("tinygrad_edu.cat(): expected a non-empty list of Tensors")
    checked = [x for x in tensors if not (x.ndim == 1 and x.numel() == 0)]  # (PyTorch skips empty vectors)
    for i, x in enumerate(tensors):
        if x.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    if not checked:  # only empty vectors: any dim will do
        return Cat.apply(*_same_dtype(tensors), dim=0)
    first = checked[0]
    d = _wrap_dim(dim, first.ndim)
    for i, x in enumerate(checked[1:], 1):
        if x.ndim != first.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {first.ndim} and {x.ndim}")
        for k in range(first.ndim):
            if k != d and x.shape[k] != first.shape[k]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size "
                                   f"{first.shape[k]} but got size {x.shape[k]} for tensor number {i} in the list.")
    return Cat.apply(*_same_dtype(tensors), dim=d)


concat = concatenate = cat


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors of one shape along a new dimension."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    d = _wrap_dim(dim, tensors[0].ndim + 1)
    for i, x in enumerate(tensors[1:], 1):
        if x.shape != tensors[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at "
                               f"entry 0 and {list(x.shape)} at entry {i}")
    return Stack.apply(*_same_dtype(tensors), dim=d)


for _op in (View, Squeeze, Unsqueeze, Expand):  # their backward also runs on tensors (create_graph=True)
    _op.twice_differentiable = True
