"""The Tensor: an array of numbers (NumPy on the CPU, CuPy on a GPU) that remembers how it was made.

This file holds what a tensor *is*: its data, shape, dtype and device, the three autograd fields
(`requires_grad`, `grad`, `grad_fn`) and its conversions to Python and NumPy. What you can *do* with a
tensor is added to this class from the layers above: the ops (`+`, `matmul`, `sum`, ...) by `ops/`,
`backward()` by `autograd/`, in-place edits by `inplace.py`, printing by `printing.py`.
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from . import args, dtypes, messages
from .backend import CPU, Device, device_of, to_numpy


# (looked up once, not at every call: every result of every op is made by Tensor._make)
_new, _generic, _ndarray, _asarray = object.__new__, np.generic, np.ndarray, np.asarray


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
        return args.known_product(self)


class Tensor:
    """A multi-dimensional array on a device, which can record the operations that produced it."""

    __slots__ = ("_data", "_device", "_requires_grad", "grad", "grad_fn", "_retains_grad", "__weakref__")
    __array_priority__ = 1000  # so `numpy_array * tensor` calls Tensor.__rmul__ ...
    __array_ufunc__ = None     # ... for every operator, NumPy's ufuncs included

    def __init__(self, data: Any = (), *, requires_grad: bool = False):
        # Like torch.Tensor(data): always the default float dtype. (`tensor()` is the usual way to make one.)
        self._data, self._device = np.array(data, dtype=dtypes.default_float.np), CPU
        self._requires_grad, self.grad, self.grad_fn, self._retains_grad = False, None, None, False
        self.requires_grad_(requires_grad)

    @staticmethod
    def _make(array: Any, device: Device | None = None, requires_grad: bool = False) -> "Tensor":
        """A tensor around `array` (no copy): how the engine makes every result."""
        if isinstance(array, _generic):  # NumPy gives 0-d results as scalars; a tensor holds an array
            array = _asarray(array)
        t = _new(Tensor)
        t._data = array
        t._device = device or (CPU if type(array) is _ndarray else device_of(array))
        t._requires_grad = requires_grad
        t.grad = t.grad_fn = None
        t._retains_grad = False
        return t

    # --- what a tensor is -----------------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None) -> Size | int:
        """The shape, or the length of one dimension."""
        return self.shape if dim is None else self._data.shape[args.dim(dim, self.ndim)]

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
        return dtypes.FROM_NUMPY[self._data.dtype]

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    @property
    def device(self) -> Device:
        return self._device

    @property
    def is_cuda(self) -> bool:
        return self._device.type == "cuda"

    # --- autograd fields: is it recorded, what made it, its gradient ---------------------------
    @property
    def requires_grad(self) -> bool:
        """Whether operations on this tensor are recorded, so that gradients can flow back to it."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self.grad_fn is not None:
            raise RuntimeError(messages.ONLY_LEAVES if not value else messages.ONLY_LEAVES.split(" If")[0])
        if value and self._data.dtype.kind != "f":
            raise messages.grad_dtype("and complex ")
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        """Start (or stop) recording operations on this leaf tensor, so `backward()` fills its `.grad`."""
        if requires_grad and self._data.dtype.kind != "f":
            raise messages.grad_dtype()
        if not requires_grad and self.grad_fn is not None:
            raise RuntimeError(messages.ONLY_LEAVES)
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user (not by an op that records a graph)."""
        return self.grad_fn is None

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

    def detach(self) -> "Tensor":
        """The same numbers as a new leaf that is not part of any graph (shares memory)."""
        return Tensor._make(self._data, self._device)

    def detach_(self) -> "Tensor":
        self.grad_fn, self._requires_grad = None, False
        return self

    @property
    def data(self) -> "Tensor":
        """The same numbers, detached from the graph (shares memory)."""
        return self.detach()

    @data.setter
    def data(self, value: "Tensor") -> None:
        self._data, self._device = value._data, value._device

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
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
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
        if self._data.dtype.kind == "f" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __format__(self, spec: str) -> str:
        return self.item().__format__(spec) if self.ndim == 0 else object.__format__(self, spec)

    __hash__ = object.__hash__
