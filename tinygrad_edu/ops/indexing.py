"""Indexing: `t[0]`, `t[:, 1:3]`, `t[None]`, `t[index_tensor]`, `t[mask]`, as NumPy and PyTorch index.

The backward puts the gradient back where the elements came from; with an index tensor that picks
an element twice, both picks' gradients add up.
"""
from __future__ import annotations

from typing import Any

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
            k = array_module(t._data).asarray(k, dtype=None if k else "int64")  # t[[]] picks nothing
            if k.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        elif isinstance(k, float):
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                             "valid indices (got float)")
        elif isinstance(k, slice) and k.step is not None and k.step <= 0:
            # NumPy reverses with a negative step; PyTorch refuses (use flip or an index tensor).
            raise ValueError("slice step cannot be zero" if k.step == 0 else "step must be greater than zero")
        out.append(k)
    if any(_is_mask(k) for k in out):
        _check_masks(out, list(t._data.shape))
    return tuple(out)


def _is_mask(k: Any) -> bool:
    return getattr(k, "dtype", None) == bool and k.ndim > 0


def _check_masks(key: list, shape: list) -> None:
    """PyTorch's error for a boolean mask whose shape is not that of the dimensions it covers."""
    d = 0  # where in `shape` the next part of the key applies; ints remove a dim, None adds one
    for k in key:
        if k is Ellipsis:
            return  # (past an ellipsis, NumPy checks the rest)
        if k is None:
            shape.insert(d, 1)
            d += 1
        elif _is_mask(k):
            for j, n in enumerate(k.shape):
                if d + j >= len(shape) or shape[d + j] != n:
                    raise IndexError(f"The shape of the mask {list(k.shape)} at index {j} does not match the shape "
                                     f"of the indexed tensor {shape} at index {d + j}")
            d += k.ndim
        elif not isinstance(k, slice) and getattr(k, "ndim", 0) == 0:  # an int (or a 0-d index tensor)
            del shape[d:d + 1]
        else:
            d += 1


def _advanced(key: tuple) -> bool:
    return any(hasattr(k, "dtype") and k.ndim > 0 for k in key)


class Index(Op):
    @staticmethod
    def forward(ctx, a, key):
        ctx.shape, ctx.dtype, ctx.key = a.shape, a.dtype, key
        try:
            return a[key]
        except IndexError as e:
            if "too many indices" in str(e):
                raise IndexError(f"too many indices for tensor of dimension {a.ndim}") from None
            # NumPy says "index 5 is out of bounds for axis 0", CuPy "Index 5 ...", PyTorch "index 5 ... dimension 0"
            raise IndexError(str(e).replace("axis", "dimension").replace("Index", "index", 1)) from None

    @staticmethod
    def backward(ctx, g):
        xp = array_module(g)
        out = xp.zeros(ctx.shape, dtype=g.dtype)
        if _advanced(ctx.key):
            xp.add.at(out, ctx.key, g)  # an index may repeat: add, don't overwrite
        else:
            out[ctx.key] = g
        return out, None


# Basic indexing does the same thing; the node is named, as PyTorch names it, after its last real step.
class Select(Index):
    pass


class Slice(Index):
    pass


class Alias(Index):
    pass


class NewAxis(Index):
    backward_name = "UnsqueezeBackward0"


def _node_for(key: tuple, shape: tuple, tuple_key: bool) -> type:
    """The op to record: basic indexing is named after its last step that changes the tensor."""
    if _advanced(key):
        return Index
    fn, d = Alias, 0  # t[...], t[:, :]: nothing changes
    for k in key:
        if k is None:
            fn = NewAxis
        elif k is Ellipsis:
            d += len(shape) - sum(p is not None and p is not Ellipsis for p in key)
        else:
            whole = (isinstance(k, slice) and k.start in (None, 0) and k.step in (None, 1)
                     and (k.stop is None or d < len(shape) and k.stop >= shape[d]))
            fn = fn if whole and tuple_key else Slice if isinstance(k, slice) else Select  # (t[:] is a Slice)
            d += 1
    return fn


def getitem(input: Tensor, key: Any) -> Tensor:
    """`input[key]`: elements picked by ints, slices, None, ..., index tensors or boolean masks."""
    parts = index_key(key, input)
    return _node_for(parts, input._data.shape, isinstance(key, tuple)).apply(input, parts)


def setitem(input: Tensor, key: Any, value: Any) -> None:
    """`input[key] = value`, in place (not recorded in any graph, so refused where a graph needs `input`)."""
    input._check_inplace(view=True)
    input._data[index_key(key, input)] = input._same_device(value)
