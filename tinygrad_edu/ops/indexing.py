"""Indexing: `t[0]`, `t[:, 1:3]`, `t[None]`, `t[index_tensor]`, `t[mask]`, as NumPy and PyTorch index.

The backward puts the gradient back where the elements came from; with an index tensor that picks
an element twice, both picks' gradients add up.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd import Op
from ..backend import array_module
from ..tensor import Tensor, same_device


def index_key(key: Any, t: Tensor) -> Any:
    """`key` with tensors and lists turned into arrays on `t`'s device, checked like PyTorch checks it."""
    parts = key if isinstance(key, tuple) else (key,)
    out = []
    for k in parts:
        if isinstance(k, Tensor):
            same_device((t, k)) if k._device.type != "cpu" or t._device.type != "cpu" else None
            if k.is_floating_point():
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            k = k._data
        elif isinstance(k, list):
            k = array_module(t._data).asarray(k)
            if k.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        elif isinstance(k, float):
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                             "valid indices (got float)")
        out.append(k)
    return tuple(out)


def _advanced(key: tuple) -> bool:
    return any(hasattr(k, "dtype") and k.ndim > 0 for k in key)


class Index(Op):
    @staticmethod
    def forward(ctx, a, key):
        ctx.shape, ctx.dtype, ctx.key = a.shape, a.dtype, key
        try:
            return a[key]
        except IndexError as e:
            raise IndexError(str(e).replace("axis", "dimension")) from None

    @staticmethod
    def backward(ctx, g):
        xp = array_module(g)
        out = xp.zeros(ctx.shape, dtype=g.dtype)
        if _advanced(ctx.key):
            xp.add.at(out, ctx.key, g)  # an index may repeat: add, don't overwrite
        else:
            out[ctx.key] = g
        return out, None


class Select(Index):
    pass


class Slice(Index):
    pass


def getitem(input: Tensor, key: Any) -> Tensor:
    """`input[key]`: elements picked by ints, slices, None, ..., index tensors or boolean masks."""
    key = index_key(key, input)
    if _advanced(key):
        fn = Index
    elif all(isinstance(k, (int, np.integer)) for k in key):
        fn = Select
    else:
        fn = Slice
    return fn.apply(input, key)
