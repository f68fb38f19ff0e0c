"""Ops that move elements without changing them: reshape, permute, expand, cat, stack.

`forward` and `backward` work on arrays (NumPy or CuPy); the public functions below take tensors.
A backward moves the gradient back the way the forward moved the elements: a reshape's is a reshape
to the input's shape, a permute's the inverse permute, a concatenation's a split. (The engine sums
broadcast gradients back, so expand's backward is the gradient itself.)
"""
from __future__ import annotations

from typing import Any, Sequence

from .. import args
from ..autograd import Op
from ..backend import array_module
from ..tensor import Tensor
from . import fineprint


class Reshape(Op):
    """y = a with a new shape (the same elements, in the same order).   dL/da = g reshaped to a's shape."""

    node_name = "ViewBackward0"
    twice_differentiable = True  # (its backward also runs on tensors, for autograd.grad(create_graph=True))

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return a.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape)


# squeeze and unsqueeze are reshapes too; PyTorch names their nodes apart.
Squeeze, SqueezeDim, SqueezeDims = (Reshape.named(f"SqueezeBackward{i}") for i in range(3))
Unsqueeze = Reshape.named("UnsqueezeBackward0")


class Permute(Op):
    """y = a with its dimensions reordered: y's dim i is a's dim order[i].   dL/da = g permuted back."""

    @staticmethod
    def forward(ctx, a, order):
        ctx.order = order
        return a.transpose(order)

    @staticmethod
    def backward(ctx, g):
        return g.transpose(tuple(sorted(range(g.ndim), key=ctx.order.__getitem__)))  # (the inverse order)


Transpose, T = Permute.named("TransposeBackward0"), Permute.named("TBackward0")


class Expand(Op):
    """y = a repeated along its size-1 dimensions (and new leading ones) to `shape`, without copying.
    dL/da = g: the engine sums it over the repeated dimensions, as for any broadcast."""

    twice_differentiable = True

    @staticmethod
    def forward(ctx, a, shape):
        return array_module(a).broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, g):
        return g


class Cat(Op):
    """y = the arrays joined along `dim`.   dL/da_i = the slice of g where a_i went."""

    promotion = "common"

    @staticmethod
    def forward(ctx, *arrays, dim):
        ctx.skip = [a.ndim == 1 and a.size == 0 for a in arrays]  # PyTorch skips empty vectors (a legacy rule)
        ends, n = [], 0
        for a, skip in zip(arrays[:-1], ctx.skip):
            n += 0 if skip else a.shape[dim]
            ends.append(n)
        ctx.dim, ctx.ends = dim, ends
        return array_module(arrays[0]).concatenate([a for a, s in zip(arrays, ctx.skip) if not s] or arrays, dim)

    @staticmethod
    def backward(ctx, g):
        pieces = array_module(g).split(g, ctx.ends, axis=ctx.dim)
        return tuple(p.reshape(0) if skip else p for p, skip in zip(pieces, ctx.skip))


class Stack(Op):
    """y = the arrays (of one shape) stacked along a new dimension `dim`.   dL/da_i = g's i-th slice along dim."""

    promotion = "common"

    @staticmethod
    def forward(ctx, *arrays, dim):
        ctx.dim = dim
        return array_module(arrays[0]).stack(arrays, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return tuple(g.take(i, axis=ctx.dim) for i in range(g.shape[ctx.dim]))


# --- the public forms: tensors in, tensors out ----------------------------------------------------

def reshape(input: Tensor, *shape: Any) -> Tensor:
    """The same elements in a new shape (one dimension may be -1: inferred)."""
    return Reshape.apply(input, shape=args.infer(args.shape(shape, "reshape", "shape"), input.numel()))


def view(input: Tensor, *shape: Any) -> Tensor:
    """As `reshape` (this engine does not model strides, so every reshape is a view here)."""
    return Reshape.apply(input, shape=args.infer(args.shape(shape, "view"), input.numel()))


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions start_dim..end_dim into one (a tensor with nothing to merge is returned itself)."""
    shape = fineprint.flattened_shape(input, start_dim, end_dim)
    return input if shape == input.shape else Reshape.apply(input, shape=shape)


def permute(input: Tensor, *dims: Any) -> Tensor:
    """Reorder the dimensions: the new dimension i is the old dimension dims[i]."""
    return Permute.apply(input, order=fineprint.permutation(input, args.shape(dims, "permute", "dims")))


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dimensions."""
    order = list(range(input.ndim))
    i, j = args.dim(dim0, input.ndim), args.dim(dim1, input.ndim)
    if order:
        order[i], order[j] = j, i
    return Transpose.apply(input, order=tuple(order))


swapaxes = transpose


def t(input: Tensor) -> Tensor:
    """Transpose a matrix (a vector or a scalar stays as it is)."""
    fineprint.check_t(input)
    return T.apply(input, order=tuple(reversed(range(input.ndim))))


def squeeze(input: Tensor, dim: int | Sequence[int] | None = None) -> Tensor:
    """Remove dimensions of size 1 (all of them, or those in `dim` that have size 1)."""
    op = Squeeze if dim is None else SqueezeDim if isinstance(dim, int) else SqueezeDims
    return op.apply(input, shape=fineprint.squeezed_shape(input, dim))


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a dimension of size 1 at `dim`."""
    d = args.dim(dim, input.ndim + 1)
    return Unsqueeze.apply(input, shape=input.shape[:d] + (1,) + input.shape[d:])


def expand(input: Tensor, *sizes: Any) -> Tensor:
    """Broadcast to a larger shape without copying; -1 keeps a dimension's size."""
    return Expand.apply(input, shape=fineprint.expanded_shape(input, args.shape(sizes, "expand")))


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    """`expand` to `other`'s shape."""
    return expand(input, other.shape)


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along an existing dimension; their other sizes must match."""
    tensors = tuple(tensors)
    return Cat.apply(*tensors, dim=fineprint.cat_dim(tensors, dim))


concat = concatenate = cat


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors of one shape along a new dimension."""
    tensors = tuple(tensors)
    return Stack.apply(*tensors, dim=fineprint.stack_dim(tensors, dim))
