"""Type promotion, decided in one place: the dtype operands meet in, by PyTorch's rules.

Each op says which rule it follows (`Op.promotion`); `Op.apply` calls `promote` once, before the
forward. PyTorch promotes differently from NumPy (`int64 + 0.5` is float32, a Python number never
widens a tensor within its kind), so the engine decides the dtype and NumPy only computes.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes, messages
from .tensor import Tensor


def promote(operands: tuple, rule: str | None, refuses: tuple = ()) -> tuple:
    """`operands` converted to their common dtype (`rule="common"`), or to a floating one (`"float"`).

    Tensors of another dtype are cast (a recorded op, so their grads flow back in their own dtype);
    Python numbers stay numbers, which NumPy lets take the type of the array they meet. With `refuses`
    (a kernel name, then dtype names), a result in a refused dtype raises PyTorch's NotImplementedError.
    """
    found = None
    for x in operands:  # the usual case in training: one float dtype and Python numbers, nothing to do
        if isinstance(x, Tensor):
            if found is None:
                found = x._data.dtype
            elif x._data.dtype != found:
                break
        elif type(x) is not float and type(x) is not int:
            break
    else:
        if found is not None and found.kind == "f" and (not refuses or dtypes.FROM_NUMPY[found].name not in refuses):
            return operands
    if rule is None:  # (an op that only refuses dtypes: its operands keep theirs)
        dt = dtypes.FROM_NUMPY[found] if found is not None else None
        if refuses and dt is not None and dt.name in refuses[1:]:
            raise messages.no_kernel(refuses[0], dt)
        return operands
    operands = tuple(Tensor._make(x) if isinstance(x, np.ndarray) else x for x in operands)  # `tensor + array`
    dt = dtypes.result_type(*operands)
    if rule == "float" and not dt.is_floating_point:
        dt = dtypes.default_float
    if refuses and dt.name in refuses[1:]:
        raise messages.no_kernel(refuses[0], dt)
    out = []
    for x in operands:
        if isinstance(x, Tensor):
            out.append(x if x._data.dtype == dt.np else x.to(dt))
        elif isinstance(x, np.generic):
            out.append(x.item())
        elif isinstance(x, (int, float, bool)):
            out.append(dtypes.wrap_int(x, dt))
        else:
            raise TypeError(f"unsupported operand type: expected a Tensor or a number, got {type(x).__name__}")
    return tuple(out)
