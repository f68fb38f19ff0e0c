"""In-place edits (`add_`, `zero_`, `copy_`, ...): they change a tensor's numbers and record nothing.

PyTorch records in-place ops in the graph; this engine refuses them on tensors that are part of one
(the message says to write `y = y + 1`), and computes the others with the ordinary ops on detached tensors.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes, messages
from .autograd.grad_mode import is_grad_enabled
from .backend import move
from .tensor import Tensor


def check_inplace(self: Tensor, other: Any = None, view: bool = False) -> None:
    """PyTorch's guard: no in-place change of a leaf that requires grad, unless under no_grad."""
    if isinstance(other, Tensor) and other.requires_grad and not self.requires_grad and is_grad_enabled():
        raise RuntimeError(messages.NOT_RECORDED)
    if self.requires_grad and is_grad_enabled():
        if self.is_leaf:
            raise messages.inplace_on_leaf(view)
        raise RuntimeError(messages.NOT_RECORDED)


def writable(t: Tensor) -> Any:
    """`t`'s array, ready for an in-place write. An expanded tensor's is NumPy's read-only broadcast view: it gets
    memory of its own, still one element per repeated row, so a write into one copy shows in all, as in PyTorch."""
    a = t._data
    if getattr(a.flags, "writeable", True):
        return a
    repeated = [s == 0 and n > 1 for n, s in zip(a.shape, a.strides)]
    own = a[tuple(slice(0, 1) if r else slice(None) for r in repeated)].copy()
    strides = [0 if r else s for r, s in zip(repeated, own.strides)]
    t._data = np.lib.stride_tricks.as_strided(own, a.shape, strides, writeable=True)
    return t._data


def _write(self: Tensor, value: Any) -> Tensor:
    check_inplace(self)
    writable(self)[...] = value._data if isinstance(value, Tensor) else dtypes.wrap_int(value, self.dtype)
    return self


def store(self: Tensor, result: Tensor) -> Tensor:
    """Store `self op other`, computed by the out-of-place op, in this tensor: its dtype and shape stay."""
    if result.dtype._category > self.dtype._category:
        raise RuntimeError(f"result type {messages.type_name(result.dtype)} can't be cast to the desired output type "
                           f"{messages.type_name(self.dtype)}")
    if result._data.shape != self._data.shape:
        raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                           f"{list(result.shape)}")
    writable(self)[...] = result._data
    return self


def zero_(self: Tensor) -> Tensor:
    """Set every element to 0, in place."""
    return _write(self, 0)


def fill_(self: Tensor, value: Any) -> Tensor:
    """Set every element to `value`, in place."""
    dtypes.check_fits(value, self.dtype)
    return _write(self, value)


def copy_(self: Tensor, src: Tensor) -> Tensor:
    """Copy `src`'s numbers (broadcast to this shape) into this tensor, in place, from any device."""
    check_inplace(self, src)
    if isinstance(src, Tensor):
        messages.check_broadcast(tuple(self.shape), tuple(src.shape))
        shape = np.broadcast_shapes(self.shape, src.shape)
        if shape != self.shape:
            raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape {list(shape)}")
    writable(self)[...] = move(src._data, self._device) if isinstance(src, Tensor) else src
    return self


def _detached(x: Any) -> Any:
    return x.detach() if isinstance(x, Tensor) else x


def add_(self: Tensor, other: Any, *, alpha: float = 1) -> Tensor:
    """self += alpha * other, in place."""
    check_inplace(self, other)
    return store(self, self.detach().add(_detached(other), alpha=alpha))


def sub_(self: Tensor, other: Any, *, alpha: float = 1) -> Tensor:
    """self -= alpha * other, in place."""
    check_inplace(self, other)
    return store(self, self.detach().sub(_detached(other), alpha=alpha))


def mul_(self: Tensor, other: Any) -> Tensor:
    """self *= other, in place."""
    check_inplace(self, other)
    return store(self, self.detach().mul(_detached(other)))


def div_(self: Tensor, other: Any) -> Tensor:
    """self /= other, in place."""
    check_inplace(self, other)
    return store(self, self.detach().div(_detached(other)))


for _fn in (zero_, fill_, copy_, add_, sub_, mul_, div_):
    setattr(Tensor, _fn.__name__, _fn)
Tensor.__iadd__, Tensor.__isub__, Tensor.__imul__, Tensor.__itruediv__ = add_, sub_, mul_, div_
