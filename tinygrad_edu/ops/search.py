"""`argmax` and `argmin`: where the largest or smallest elements are (integer results, not differentiable)."""
from __future__ import annotations

from .. import dtypes
from ..autograd import Op
from ..backend import array_module
from ..tensor import Tensor
from . import fineprint


class ArgMax(Op):
    """The index of the largest element (the smallest if not `largest`), of the flattened array or along `dim`."""

    differentiable = False

    @staticmethod
    def forward(ctx, a, dim=None, keepdim=False, largest=True):
        xp = array_module(a)
        find = xp.argmax if largest else xp.argmin
        if dim is None:
            out = xp.asarray(find(a.reshape(-1))).reshape((1,) * a.ndim if keepdim else ())
        elif a.ndim == 0:
            out = xp.asarray(0)
        else:
            out = xp.asarray(find(a, axis=dim))
            out = xp.expand_dims(out, dim) if keepdim else out
        return out.astype(dtypes.int64.np, copy=False)


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """The index of the largest element (of the flattened tensor, or along `dim`)."""
    return ArgMax.apply(input, dim=fineprint.arg_dim("argmax", input, dim), keepdim=keepdim, largest=True)


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """The index of the smallest element (of the flattened tensor, or along `dim`)."""
    return ArgMax.apply(input, dim=fineprint.arg_dim("argmin", input, dim), keepdim=keepdim, largest=False)
