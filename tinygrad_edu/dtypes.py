"""Data types, and PyTorch's rules for the type of a result when types meet.

PyTorch promotes differently from NumPy: `int64 + 0.5` is float32 (the default float), a Python or
NumPy scalar never widens a tensor's type within its category, and an int tensor divided is float32.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from . import messages


class dtype:
    """A tensor's element type, such as `tinygrad_edu.float32`."""

    __slots__ = ("name", "np", "is_floating_point", "itemsize", "_category")

    def __init__(self, name: str, np_type: Any, category: int):
        self.name, self.np = name, np.dtype(np_type)
        self.is_floating_point = category == 2
        self.itemsize = self.np.itemsize
        self._category = category  # 0 bool, 1 integer, 2 floating point

    def __repr__(self) -> str:
        return f"tinygrad_edu.{self.name}"


bool_ = dtype("bool", np.bool_, 0)
uint8 = dtype("uint8", np.uint8, 1)
int8 = dtype("int8", np.int8, 1)
int16 = dtype("int16", np.int16, 1)
int32 = dtype("int32", np.int32, 1)
int64 = dtype("int64", np.int64, 1)
float16 = dtype("float16", np.float16, 2)
float32 = dtype("float32", np.float32, 2)
float64 = dtype("float64", np.float64, 2)

ALL = (bool_, uint8, int8, int16, int32, int64, float16, float32, float64)
FROM_NUMPY = _FROM_NUMPY = {d.np: d for d in ALL}  # (the engine looks dtypes up here, fast)

default_float = float32
default_int = int64


def from_numpy_dtype(np_type: Any) -> dtype:
    """The dtype for a NumPy dtype; TypeError for the ones PyTorch has no tensor type for."""
    try:
        return _FROM_NUMPY[np.dtype(np_type)]
    except (KeyError, TypeError):
        raise TypeError(
            f"can't convert np.ndarray of type {np.dtype(np_type)}. The only supported types are: "
            "float64, float32, float16, int64, int32, int16, int8, uint8, and bool.") from None


def check(d: Any, what: str = "dtype") -> dtype:
    """`d` if it is a dtype; a TypeError that says what to pass instead otherwise."""
    if isinstance(d, dtype):
        return d
    hint = f" '{d}'" if isinstance(d, str) else ""
    raise TypeError(f"{what} must be a tinygrad_edu.dtype such as tinygrad_edu.float32, not {type(d).__name__}{hint}")


scalar_type_name = messages.type_name  # 'Float', 'Long', 'Bool': the names PyTorch's messages give dtypes


def promote_types(a: dtype, b: dtype) -> dtype:
    """The smallest dtype both `a` and `b` fit in, by PyTorch's table."""
    if a is b:
        return a
    if a._category != b._category:
        return a if a._category > b._category else b
    return _FROM_NUMPY[np.promote_types(a.np, b.np)]


def scalar_dtype(x: Any) -> dtype:
    """The dtype a Python (or NumPy) scalar takes when it meets a tensor: bool, int64 or float32."""
    if isinstance(x, (bool, np.bool_)):
        return bool_
    if isinstance(x, numbers.Integral):
        return default_int
    if isinstance(x, numbers.Real):
        return default_float
    raise TypeError(f"expected a tensor or a number, got {type(x).__name__}")


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    # A dimensioned operand wins within its category; a scalar of a higher category lifts the result.
    if higher is None:
        return lower
    if lower is None or higher.is_floating_point:
        return higher
    if higher is bool_ or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


def result_type(*operands: Any) -> dtype:
    """PyTorch's result dtype for an elementwise op on tensors and scalars (`torch.result_type`)."""
    dim = zero = wrapped = None
    for x in operands:
        d = getattr(x, "dtype", None)
        if isinstance(d, dtype):
            if x.ndim:
                dim = d if dim is None else promote_types(dim, d)
            else:
                zero = d if zero is None else promote_types(zero, d)
        else:
            d = scalar_dtype(x)
            wrapped = d if wrapped is None else promote_types(wrapped, d)
    return _combine(dim, _combine(zero, wrapped))


def from_type_name(name: str) -> dtype:
    """The dtype a type name stands for, as `Tensor.type` takes it: 'torch.FloatTensor', 'tinygrad_edu.LongTensor'."""
    short = name.rsplit(".", 1)[-1].removesuffix("Tensor")
    for d in ALL:
        if messages.type_name(d) == short:
            return d
    raise ValueError(f"invalid type: '{name}'")


def check_fits(value: Any, d: dtype) -> None:
    """A number written into an integer tensor (`fill_`, `t[i] = v`, a clamp bound) must fit its dtype, as
    PyTorch checks (NumPy would wrap it or fail with its own error). Unsigned types also take negatives."""
    if d._category != 1 or type(value) not in (int, float):
        return
    info = np.iinfo(d.np)
    low = int(info.min) if info.min or type(value) is float else -int(info.max)
    if value != value or not low <= value <= info.max:
        raise RuntimeError(f"value cannot be converted to type {d.name} without overflow")


def wrap_int(x: Any, d: dtype) -> Any:
    """A Python int as the integer dtype `d` sees it: wrapped around, as C and PyTorch do (`uint8 + 300`)."""
    if type(x) is int and d._category == 1 and d is not int64:
        return int(np.asarray(x, dtype=np.int64).astype(d.np))
    return x
