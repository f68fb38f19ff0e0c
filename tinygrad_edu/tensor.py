"""The Tensor: an array of numbers (NumPy on the CPU, CuPy on a GPU) that remembers how it was made.

This file holds what a tensor *is*: its data, shape, dtype and device, its autograd fields
(`requires_grad`, `grad`, `grad_fn`), conversions to Python and NumPy, and the in-place edits that are
not part of any graph. The operations on tensors (`+`, `matmul`, `sum`, ...) live in `ops/`, which adds
them to this class as methods.
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from . import dtypes
from .backend import CPU, Device, device_of, move, to_numpy


class Size(tuple):
    """A tensor's shape: a tuple that prints as `tinygrad_edu.Size([2, 3])`."""

    def __repr__(self) -> str:
        return f"tinygrad_edu.Size({list(self)})"

    __str__ = __repr__

    def __getitem__(self, key):
        out = tuple.__getitem__(self, key)
        return Size(out) if isinstance(key, slice) else out

    def numel(self) -> int:
        """The number of elements a tensor of this shape has."""
        return int(np.prod(self, dtype=np.int64))


def _check_grad_dtype(d: dtypes.dtype, what: str = "") -> None:
    if not d.is_floating_point:  # (PyTorch's words differ between requires_grad_() and the attribute)
        raise RuntimeError(f"only Tensors of floating point {what}dtype can require gradients")


class Tensor:
    """A multi-dimensional array on a device, which can record the operations that produced it."""

    __slots__ = ("_data", "_device", "_requires_grad", "grad", "grad_fn", "_retains_grad", "__weakref__")
    __array_priority__ = 1000  # so `numpy_array * tensor` calls Tensor.__rmul__ ...
    __array_ufunc__ = None     # ... for every operator, NumPy's ufuncs included

    def __init__(self, data: Any = (), *, requires_grad: bool = False):
        # Like torch.Tensor(data): always the default float dtype.
        self._init(np.array(data, dtype=dtypes.default_float.np), CPU)
        self.requires_grad_(requires_grad)

    def _init(self, array, device: Device) -> None:
        self._data, self._device = array, device
        self._requires_grad, self.grad, self.grad_fn, self._retains_grad = False, None, None, False

    @classmethod
    def _make(cls, array, device: Device | None = None, requires_grad: bool = False) -> "Tensor":
        """A tensor around `array` (no copy). The engine's constructor; learners use `tensor()`."""
        if isinstance(array, np.generic):  # NumPy gives 0-d results as scalars; a tensor holds an array
            array = np.asarray(array)
        t = object.__new__(Tensor)  # (what _init does, written out: every op's result is made here)
        t._data, t._device = array, device if device is not None else device_of(array)
        t._requires_grad, t.grad, t.grad_fn, t._retains_grad = requires_grad, None, None, False
        return t

    # --- what a tensor is -----------------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None) -> Size | int:
        """The shape, or the length of one dimension."""
        return self.shape if dim is None else self._data.shape[_wrap_dim(dim, self.ndim)]

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        """The number of dimensions (the rank): 0 for a scalar, 1 for a vector, 2 for a matrix..."""
        return self._data.ndim

    def numel(self) -> int:
        """The number of elements."""
        return int(self._data.size)

    def element_size(self) -> int:
        """Bytes per element."""
        return self._data.itemsize

    @property
    def dtype(self) -> dtypes.dtype:
        return dtypes._FROM_NUMPY[self._data.dtype]

    def type(self, dtype: dtypes.dtype | str | None = None) -> "Tensor | str":
        """A copy in `dtype` (this tensor itself if it already is); without one, the type's name."""
        if dtype is None:
            return f"tinygrad_edu.{dtypes.scalar_type_name(self.dtype)}Tensor"
        if isinstance(dtype, str):
            dtype = dtypes.from_type_name(dtype)
        return self.to(dtype)

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    @property
    def device(self) -> Device:
        return self._device

    @property
    def is_cuda(self) -> bool:
        return self._device.type == "cuda"

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user (not by an op that records a graph)."""
        return self.grad_fn is None

    @property
    def data(self) -> "Tensor":
        """The same numbers, detached from the graph (shares memory)."""
        return Tensor._make(self._data, self._device)

    @data.setter
    def data(self, value: "Tensor") -> None:
        self._data, self._device = value._data, value._device

    # --- autograd fields ------------------------------------------------------------------------
    @property
    def requires_grad(self) -> bool:
        """Whether operations on this tensor are recorded, so that gradients can flow back to it."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self.grad_fn is not None:
            raise RuntimeError("you can only change requires_grad flags of leaf variables." + ("" if value else
                               " If you want to use a computed variable in a subgraph that doesn't require "
                               "differentiation use var_no_grad = var.detach()."))
        if value and self._data.dtype.kind != "f":
            _check_grad_dtype(self.dtype, "and complex ")
        self._requires_grad = value

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        """Start (or stop) recording operations on this leaf tensor, so `backward()` fills its `.grad`."""
        if requires_grad:
            _check_grad_dtype(self.dtype)
        elif not self.is_leaf:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to use a "
                               "computed variable in a subgraph that doesn't require differentiation use "
                               "var_no_grad = var.detach().")
        self._requires_grad = bool(requires_grad)
        return self

    def retain_grad(self) -> None:
        """Keep `.grad` for this non-leaf tensor too when `backward()` runs."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if not self.is_leaf:
            self._retains_grad = True
            self.grad_fn._retain(self)

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def backward(self, gradient: "Tensor | None" = None, retain_graph: bool = False) -> None:
        """Fill `.grad` of every leaf this tensor was computed from with d(self)/d(leaf)."""
        from .autograd import backward
        backward(self, gradient, retain_graph)

    def detach(self) -> "Tensor":
        """The same numbers as a new leaf that is not part of any graph (shares memory)."""
        return Tensor._make(self._data, self._device)

    def detach_(self) -> "Tensor":
        self.grad_fn, self._requires_grad = None, False
        return self

    # --- to Python and NumPy --------------------------------------------------------------------
    def item(self) -> float | int | bool:
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.item()

    def tolist(self) -> Any:
        """Nested Python lists of Python numbers (a number for a 0-d tensor)."""
        return to_numpy(self._data).tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The NumPy array holding this tensor's numbers (shares memory, on the CPU only)."""
        if force:
            return to_numpy(self._data)
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        if self._device.type != "cpu":
            raise TypeError(f"can't convert {self._device} device type tensor to numpy. Use Tensor.cpu() to copy the "
                            "tensor to host memory first.")
        return self._data

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        a = self.numpy()
        return a if dtype is None else a.astype(dtype)

    def __repr__(self) -> str:
        from .printing import tensor_repr
        return tensor_repr(self)

    def __format__(self, spec: str) -> str:
        if self.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    # --- Python protocols -----------------------------------------------------------------------
    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator["Tensor"]:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self)))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.item())

    def __float__(self) -> float:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return float(self._data.item())

    def __int__(self) -> int:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(self._data.item())

    def __index__(self) -> int:
        if self.dtype._category == 2 or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    __hash__ = object.__hash__

    # --- in-place edits (not recorded in any graph) ---------------------------------------------
    def _check_inplace(self, other: Any = None, view: bool = False) -> None:
        """PyTorch's guard: no in-place change of a leaf that requires grad, unless under no_grad.

        PyTorch also records in-place ops on tensors inside a graph (or that make one, with an `other`
        that requires grad); this engine refuses them.
        """
        from .autograd import is_grad_enabled
        if isinstance(other, Tensor) and other.requires_grad and not self.requires_grad and is_grad_enabled():
            raise RuntimeError(NOT_RECORDED)
        if self.requires_grad and is_grad_enabled():
            if self.is_leaf:
                raise RuntimeError(f"a {'view of a ' if view else ''}leaf Variable that requires grad is being used "
                                   "in an in-place operation.")
            raise RuntimeError(NOT_RECORDED)

    def _write(self, value: Any) -> "Tensor":
        self._check_inplace()
        self._data[...] = value._data if isinstance(value, Tensor) else dtypes.wrap_int(value, self.dtype)
        return self

    def _update(self, result: "Tensor") -> "Tensor":
        """Store `self op other`, computed by the out-of-place op, in this tensor: its dtype and shape stay."""
        if result.dtype._category > self.dtype._category:
            raise RuntimeError(f"result type {dtypes.scalar_type_name(result.dtype)} can't be cast to the desired "
                               f"output type {dtypes.scalar_type_name(self.dtype)}")
        if result._data.shape != self._data.shape:
            raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                               f"{list(result.shape)}")
        self._data[...] = result._data
        return self

    def zero_(self) -> "Tensor":
        """Set every element to 0, in place."""
        return self._write(0)

    def fill_(self, value: Any) -> "Tensor":
        """Set every element to `value`, in place."""
        dtypes.check_fits(value, self.dtype)
        return self._write(value)

    def copy_(self, src: "Tensor") -> "Tensor":
        """Copy `src`'s numbers (broadcast to this shape) into this tensor, in place, from any device."""
        self._check_inplace(src)
        if isinstance(src, Tensor):
            try:
                shape = np.broadcast_shapes(self.shape, src.shape)
            except ValueError:
                from .ops.pointwise import broadcast_error
                raise broadcast_error(self.shape, src.shape) from None
            if shape != self.shape:
                raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                                   f"{list(shape)}")
        self._data[...] = move(src._data, self._device) if isinstance(src, Tensor) else src
        return self

    def _same_device(self, other: Any) -> Any:
        if isinstance(other, Tensor):
            same_device((self, other))
            return other._data
        return other

    # The arithmetic is the ops' own (added to this class by ops/), on detached tensors: no graph.
    def add_(self, other: Any, *, alpha: float = 1) -> "Tensor":
        """self += alpha * other, in place."""
        self._check_inplace(other)
        return self._update(self.detach().add(_detached(other), alpha=alpha))

    def sub_(self, other: Any, *, alpha: float = 1) -> "Tensor":
        """self -= alpha * other, in place."""
        self._check_inplace(other)
        return self._update(self.detach().sub(_detached(other), alpha=alpha))

    def mul_(self, other: Any) -> "Tensor":
        """self *= other, in place."""
        self._check_inplace(other)
        return self._update(self.detach().mul(_detached(other)))

    def div_(self, other: Any) -> "Tensor":
        """self /= other, in place."""
        self._check_inplace(other)
        return self._update(self.detach().div(_detached(other)))

    __iadd__, __isub__, __imul__, __itruediv__ = add_, sub_, mul_, div_



NOT_RECORDED = ("tinygrad_edu does not record in-place operations on tensors that are part of a graph (PyTorch "
                "does); write the out-of-place form, such as y = y + 1.")


def _detached(x: Any) -> Any:
    return x.detach() if isinstance(x, Tensor) else x


def same_device(tensors) -> None:
    """Raise PyTorch's error if the tensors are not all on one device (nothing is ever copied silently)."""
    devices = list(dict.fromkeys(t._device for t in tensors))
    if len(devices) > 1:  # PyTorch names the first GPU it met first: "cuda:0 and cpu"
        common = next((d for d in devices if d.type != "cpu"), devices[0])
        other = next(d for d in devices if d != common)
        raise RuntimeError("Expected all tensors to be on the same device, but found at least two devices, "
                           f"{common} and {other}!")


def _wrap_dim(dim: int, ndim: int) -> int:
    """A dimension index in range(ndim), from a possibly negative one; IndexError like PyTorch's."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n
