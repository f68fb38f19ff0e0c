"""Indexing: `t[0]`, `t[:, 1:3]`, `t[None]`, `t[index_tensor]`, `t[mask]`, as NumPy and PyTorch index.

The backward puts the gradient back where the elements came from; with an index tensor that picks
an element twice, both picks' gradients add up.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import dtypes, messages
from ..autograd import Op, is_grad_enabled
from ..backend import array_module
from ..inplace import check_inplace
from ..messages import NOT_RECORDED, same_device
from ..tensor import Tensor
from . import fineprint


def index_key(key: Any, t: Tensor) -> Any:
    """`key` with tensors and lists turned into arrays on `t`'s device, checked like PyTorch checks it."""
    parts = key if isinstance(key, tuple) else (key,)
    out = []
    for k in parts:
        if isinstance(k, Tensor):
            same_device((t, k)) if k._device.type != "cpu" or t._device.type != "cpu" else None
            if k.is_floating_point():
                raise IndexError(messages.INDEX_DTYPE)
            k = k._data.astype(bool if k._data.dtype == "uint8" else k._data.dtype)  # a byte tensor is a mask
            # (a copy: a backward must not see later in-place changes of the index)
        elif isinstance(k, list):
            k = array_module(t._data).asarray(k, dtype=None if k else "int64")  # t[[]] picks nothing
            if k.dtype.kind == "f":
                raise IndexError(messages.INDEX_DTYPE)
        elif isinstance(k, float):
            raise IndexError(messages.FLOAT_INDEX)
        elif isinstance(k, slice) and k.step is not None and k.step <= 0:
            # NumPy reverses with a negative step; PyTorch refuses (use flip or an index tensor).
            raise messages.slice_step(k.step)
        out.append(k)
    if any(_is_mask(k) for k in out):
        _check_masks(out, list(t._data.shape))
    return tuple(out)


def _is_mask(k: Any) -> bool:
    return getattr(k, "dtype", None) == bool and k.ndim > 0


def _check_masks(key: list, shape: list) -> None:
    """PyTorch's error for a boolean mask whose shape is not that of the dimensions it covers."""
    d = 0  # where in `shape` the next part of the key applies; ints remove a dim, None adds one
    for i, k in enumerate(key):
        if k is Ellipsis:  # it covers the dims the parts after it leave
            d = max(d, len(shape) - sum(p.ndim if _is_mask(p) else p is not None for p in key[i + 1:]))
        elif k is None:
            shape.insert(d, 1)
            d += 1
        elif _is_mask(k):
            if d + k.ndim > len(shape):
                raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
            for j, n in enumerate(k.shape):
                if d + j >= len(shape) or shape[d + j] != n:
                    raise messages.mask_shape(k.shape, shape, j, d + j)
            d += k.ndim
        elif not isinstance(k, slice) and getattr(k, "ndim", 0) == 0:  # an int (or a 0-d index tensor)
            del shape[d:d + 1]
        else:
            d += 1


def _advanced(key: tuple) -> bool:
    return any(hasattr(k, "dtype") and (k.ndim > 0 or k.dtype == bool) for k in key)  # (a 0-d int is an int)


class Index(Op):
    """y = a[key].   dL/da = g put back where its elements came from, 0 elsewhere (an element picked twice
    gets both picks' gradients: they add up). `key` is a parameter: ints, slices, None, ... and index arrays."""

    @staticmethod
    def forward(ctx, a, *, key, first=None):
        ctx.shape, ctx.key, ctx.first = a.shape, key, first
        a = a if first is None else a[first]  # the ints, applied before the rest (see `ints_first`)
        try:
            return a[key]
        except IndexError as e:
            shape = result_shape(a.shape, key)
            if shape is not None and 0 in shape:  # nothing picked: PyTorch checks no index
                return array_module(a).zeros(shape, a.dtype)
            raise messages.index_error(e, a.ndim, key) from None

    @staticmethod
    def backward(ctx, g):
        xp = array_module(g)
        out = xp.zeros(ctx.shape, dtype=g.dtype)
        if g.size == 0:
            return out
        target = out if ctx.first is None else out[ctx.first]  # (a view: writing into it writes into out)
        if _advanced(ctx.key):
            xp.add.at(target, ctx.key, g)  # an index may repeat: add, don't overwrite
        else:
            target[ctx.key] = g
        return out


# Basic indexing does the same thing; PyTorch names the node after its last step that changes the tensor.
Select, Slice, Alias = Index.named("SelectBackward0"), Index.named("SliceBackward0"), Index.named("AliasBackward0")
NewAxis = Index.named("UnsqueezeBackward0")


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
    parts = index_key(one_ellipsis(key, input.ndim), input)
    first, parts = ints_first(parts)
    return _node_for(parts, input._data.shape, isinstance(key, tuple)).apply(input, key=parts, first=first)


def _is_int(k: Any) -> bool:
    return (type(k) is int or getattr(k, "ndim", 1) == 0 and k.dtype.kind in "iu") and type(k) is not bool


def ints_first(key: tuple) -> tuple:
    """(a key of the ints alone, the rest of the key) where ints meet index arrays, else (None, key): PyTorch
    selects the ints first, so in `t[1, :, idx]` idx's dims stay in place (NumPy would move them first)."""
    if not (_advanced(key) and any(_is_int(k) for k in key)):
        return None, key
    def in_first(k: Any) -> tuple:  # an int, or the dims the part covers, kept whole (True and 0-d masks: none)
        if _is_int(k) or k is None or k is Ellipsis:
            return (int(k),) if _is_int(k) else (k,)
        return (slice(None),) * (0 if type(k) is bool else k.ndim if getattr(k, "dtype", None) == bool else 1)
    first = tuple(p for k in key for p in in_first(k))
    return first, tuple(slice(None) if k is None else k for k in key if not _is_int(k))


def setitem(input: Tensor, key: Any, value: Any) -> None:
    """`input[key] = value`, in place (not recorded in any graph, so refused where a graph needs `input`)."""
    dtypes.check_fits(value, input.dtype)
    key = one_ellipsis(key, input.ndim)
    keys = key if isinstance(key, tuple) else (key,)
    by_tensor = any(isinstance(k, (Tensor, list)) for k in keys)
    used = sum(k.ndim if isinstance(k, Tensor) and k.dtype is dtypes.bool_ else k is not None and k is not Ellipsis
               for k in keys)
    if used > input.ndim:
        raise messages.index_error(IndexError("too many indices"), input.ndim, keys)
    if by_tensor and input.is_leaf:  # PyTorch's index_put_ refuses a leaf that requires grad before the index
        basic = tuple(k for k in keys for k in ((slice(None),) * getattr(k, "ndim", 1) if isinstance(k, Tensor) and
                                                k.dtype in (dtypes.bool_, dtypes.uint8) else (k,)))
        _pick(input, tuple(slice(None) if isinstance(k, (Tensor, list)) else k for k in basic))  # (its ints first)
        check_inplace(input, view=True)
    masked_fill = _check_fill_and_overlap(input, keys, value, by_tensor)
    parts = index_key(key, input)
    if masked_fill and isinstance(value, Tensor):
        dtypes.check_fits(value.item(), input.dtype)
    if input.requires_grad:
        _check_assignment(input, parts, value)  # a bad index or value first, then the in-place refusal
    check_inplace(input, view=True)
    if isinstance(value, Tensor) and value.requires_grad and is_grad_enabled():
        raise RuntimeError(NOT_RECORDED)
    if _check_assignment(input, parts, value):
        if isinstance(value, Tensor):
            value = value.reshape(_value_shape(value))
        first, rest = ints_first(parts)
        into = fineprint.writable(input) if first is None else fineprint.writable(input)[first]  # (a view)
        into[rest] = dtypes.wrap_int((value._data if isinstance(value, Tensor) and not same_device((input, value)) else value), input.dtype)


def _check_fill_and_overlap(input: Tensor, keys: tuple, value: Any, by_tensor: bool) -> bool:
    """PyTorch's refusals of a byte mask where it would call masked_fill_, and of an index or value that is the
    written tensor itself (unless nothing overlaps, or one value goes to a mask, whose shape is checked first).
    Returns whether PyTorch would call masked_fill_ (one mask of the right shape, one value)."""
    tensors = [k for k in keys if isinstance(k, (Tensor, list))]
    masked_fill = (len(tensors) == 1 and getattr(tensors[0], "dtype", None) in (dtypes.bool_, dtypes.uint8) and
                   tensors[0].ndim > 0 and (not isinstance(value, Tensor) or value.numel() == 1) and
                   _mask_fits(input.shape, keys, tensors[0]))
    if masked_fill and tensors[0].dtype is dtypes.uint8 and (not isinstance(value, Tensor) or value.numel() == 1):
        raise RuntimeError(messages.MASKED_FILL_BYTE)
    fill = input.dtype is dtypes.bool_ and (not isinstance(value, Tensor) or value.numel() == 1)
    empty_view = not input.numel() and any(k is None or isinstance(k, (int, slice)) for k in keys)  # overlaps nothing
    one_to_mask = any(getattr(k, "dtype", None) in (dtypes.bool_, dtypes.uint8) and k.ndim for k in tensors) and \
        isinstance(value, Tensor) and value.numel() == 1  # (its mask is checked first)
    if not empty_view and (input.ndim and any(k is input for k in keys) and not fill or value is input and by_tensor
                           and not one_to_mask):
        raise RuntimeError(messages.SAME_MEMORY)
    return masked_fill


def _mask_fits(shape: tuple, keys: tuple, mask: Tensor) -> bool:
    """Whether `mask` has the shape of the dims of `shape` it indexes (the other keys are ints, slices, None, ...)."""
    i = next(i for i, k in enumerate(keys) if k is mask)
    dims = lambda ks: sum(k is not None and k is not Ellipsis for k in ks)  # noqa: E731 (the dims keys use)
    d = len(shape) - mask.ndim - dims(keys[i + 1:]) if Ellipsis in keys[:i] else dims(keys[:i])
    return d >= 0 and tuple(shape[d:d + mask.ndim]) == tuple(mask.shape)


def one_ellipsis(key: Any, ndim: int) -> Any:
    """`key` with at most one `...`, meaning what PyTorch makes of several: each stands for the dims the other
    parts leave, so a trailing one does nothing."""
    if not isinstance(key, tuple) or sum(k is Ellipsis for k in key) < 2:
        return key
    key = list(key)
    while key and key[-1] is Ellipsis and key.count(Ellipsis) > 1:
        key.pop()
    if key.count(Ellipsis) > 1:
        given = sum(k.ndim if isinstance(k, Tensor) and k.dtype in (dtypes.bool_, dtypes.uint8) else 1
                    for k in key if k is not None and k is not Ellipsis)
        key = [p for k in key for p in ((slice(None),) * max(ndim - given, 0) if k is Ellipsis else (k,))]
    return tuple(key)


def _value_shape(value: Tensor) -> tuple:
    """The value's shape without leading 1s: PyTorch strips them before it broadcasts an assigned value."""
    shape = tuple(value.shape)
    while shape and shape[0] == 1:
        shape = shape[1:]
    return shape


def result_shape(shape: tuple, parts: tuple) -> tuple | None:
    """The shape indexing with `parts` gives, whatever its index tensors hold (None if a dim they index is empty)."""
    safe = tuple(np.zeros(k.shape, np.intp) if hasattr(k, "dtype") and k.dtype != bool else
                 k.get() if hasattr(k, "get") else k for k in parts)  # (a CuPy mask to NumPy)
    first, safe = ints_first(safe)
    try:
        whole = np.broadcast_to(np.zeros((), np.int8), shape)
        return (whole if first is None else whole[first])[safe].shape
    except IndexError:
        return None


def _check_assignment(input: Tensor, parts: tuple, value: Any) -> int:
    """PyTorch's checks of `input[parts] = value`, in its order: the value's shape, its dtype, then the index
    (not checked when it picks nothing). Returns how many elements it picks."""
    target = result_shape(input._data.shape, parts)
    if target is None:  # an int out of range, or an index into an empty dim
        _pick(input, parts)
    shape = _value_shape(value) if isinstance(value, Tensor) else ()
    try:
        ok = np.broadcast_shapes(shape, target) == target
    except ValueError:
        ok = False
    if not ok:
        raise messages.value_shape(shape, target, _advanced(parts))
    _check_value(input, parts, value)
    if 0 not in target:
        _pick(input, parts)
    return math.prod(target)


def _pick(input: Tensor, parts: tuple) -> None:
    """Raise PyTorch's IndexError if `parts` is out of bounds."""
    try:
        input._data[parts]
    except IndexError as e:
        raise messages.index_error(e, input.ndim, parts) from None


def _check_value(input: Tensor, parts: tuple, value: Any) -> None:
    """PyTorch's check of a tensor of values assigned with an index tensor (or a mask, unless the value has one
    element): it has the destination's dtype."""
    if not isinstance(value, Tensor) or value.dtype is input.dtype:
        return
    by_index = any(hasattr(k, "dtype") and (k.dtype != bool or k.ndim == 0) for k in parts)
    if by_index or value.numel() != 1 and any(_is_mask(k) for k in parts):
        raise messages.index_put_dtypes(input.dtype, value.dtype)
