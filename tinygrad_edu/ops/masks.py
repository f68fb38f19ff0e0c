"""Ops that keep some elements and replace the others: `masked_fill`, and `triu` / `tril` (the triangles
of a matrix, used for causal attention masks).

Their backward lets the gradient through where the element was kept, and sends 0 where it was replaced.
"""
from __future__ import annotations

from typing import Any

from ..autograd import Op
from ..backend import array_module
from ..inplace import check_inplace
from ..tensor import Tensor
from . import fineprint


class MaskedFill(Op):
    """y = value where mask, a elsewhere.   dL/da = 0 where mask, g elsewhere."""

    @staticmethod
    def forward(ctx, a, mask, value):
        xp = array_module(a)
        ctx.mask = mask
        return xp.where(mask, xp.asarray(value).astype(a.dtype), a)

    @staticmethod
    def backward(ctx, g):
        return array_module(g).where(ctx.mask, 0, g)


class Triu(Op):
    """y = a's upper triangle (the lower one if not `upper`) from the `diagonal`-th diagonal, zeros elsewhere,
    in each matrix of the last two dimensions.   dL/da = the same triangle of g."""

    @staticmethod
    def forward(ctx, a, diagonal, upper):
        ctx.diagonal, ctx.upper = diagonal, upper
        xp = array_module(a)
        return (xp.triu if upper else xp.tril)(a, diagonal)

    @staticmethod
    def backward(ctx, g):
        xp = array_module(g)
        return (xp.triu if ctx.upper else xp.tril)(g, ctx.diagonal)


Tril = Triu.named("TrilBackward0")


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """`value` where `mask` is True, `input` elsewhere (the mask broadcasts to `input`'s shape)."""
    x, value = fineprint.masked_fill_args(input, mask, value)
    return MaskedFill.apply(x, mask=mask._data, value=value)


def masked_fill_(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """`masked_fill`, in place."""
    check_inplace(input)
    fineprint.check_in_place_mask(input, mask)
    filled = masked_fill(input.detach(), mask, value)._data
    where = array_module(filled).broadcast_to(mask._data, filled.shape)
    fineprint.writable(input)[where] = filled[where]  # (only where the mask says: an expanded tensor shares memory)
    return input


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The elements on and above the `diagonal`-th diagonal of each matrix; zeros below."""
    fineprint.check_triangle("triu", input, diagonal)
    return Triu.apply(input, diagonal=diagonal, upper=True)


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The elements on and below the `diagonal`-th diagonal of each matrix; zeros above."""
    fineprint.check_triangle("tril", input, diagonal)
    return Tril.apply(input, diagonal=diagonal, upper=False)
