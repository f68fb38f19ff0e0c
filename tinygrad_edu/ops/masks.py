"""Ops that keep some elements and replace the others: `masked_fill`, and `triu` / `tril` (the triangles
of a matrix, used for causal attention masks).

Their backward lets the gradient through where the element was kept, and sends 0 where it was replaced.
"""
from __future__ import annotations

from ..inplace import check_inplace

from typing import Any

import numpy as np

from .. import dtypes
from ..autograd import Op
from ..backend import array_module
from ..messages import same_device
from ..tensor import Tensor
from . import fineprint
from ..messages import broadcast_error


class MaskedFill(Op):
    @staticmethod
    def forward(ctx, a, mask, value):
        xp = array_module(a)
        ctx.mask = mask
        return xp.where(mask, xp.asarray(value).astype(a.dtype), a)

    @staticmethod
    def backward(ctx, g):
        return array_module(g).where(ctx.mask, 0, g), None, None


class Triu(Op):
    """The upper triangle of the last two dimensions, from diagonal `k` up (`tril`: the lower one)."""

    @staticmethod
    def forward(ctx, a, k, upper):
        ctx.k, ctx.upper = k, upper
        return _triangle(a, k, upper)

    @staticmethod
    def backward(ctx, g):
        return _triangle(g, ctx.k, ctx.upper), None, None


class Tril(Triu):
    pass


def _triangle(a: Any, k: int, upper: bool) -> Any:
    xp = array_module(a)
    return (xp.triu if upper else xp.tril)(a, k)


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """`value` where `mask` is True, `input` elsewhere (the mask broadcasts to `input`'s shape)."""
    if not isinstance(mask, Tensor) or mask.dtype is not dtypes.bool_:
        got = mask.dtype.name if isinstance(mask, Tensor) else type(mask).__name__
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {got}")
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.ndim} dimension(s).")
        value = value.item()
    same_device((input, mask))
    try:
        shape = np.broadcast_shapes(tuple(input.shape), tuple(mask.shape))
    except ValueError:
        raise broadcast_error(tuple(input.shape), tuple(mask.shape)) from None
    dtypes.check_fits(value, input.dtype)
    x = input if tuple(input.shape) == shape else input.expand(shape)
    return MaskedFill.apply(x, mask._data, value)


def masked_fill_(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """`masked_fill`, in place."""
    check_inplace(input)
    if isinstance(mask, Tensor) and mask.shape != input.shape:
        try:
            fits = np.broadcast_shapes(tuple(input.shape), tuple(mask.shape)) == tuple(input.shape)
        except ValueError:
            fits = False
        if not fits:
            raise broadcast_error(tuple(input.shape), tuple(mask.shape))
    input._data[...] = masked_fill(input.detach(), mask, value)._data
    return input


def _check_triangle(name: str, input: Tensor, diagonal: Any) -> None:
    if not isinstance(diagonal, int) or isinstance(diagonal, bool):
        raise TypeError(f"{name}(): argument 'diagonal' (position 2) must be int, not {type(diagonal).__name__}")
    if input.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The elements on and above the `diagonal`-th diagonal of each matrix; zeros below."""
    _check_triangle("triu", input, diagonal)
    return Triu.apply(input, diagonal, True)


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The elements on and below the `diagonal`-th diagonal of each matrix; zeros above."""
    _check_triangle("tril", input, diagonal)
    return Tril.apply(input, diagonal, False)
