"""PyTorch's fine print for the ops: the dtypes it has no kernel for, the arguments it refuses, and its words.

None of this is needed to read how an op computes or differentiates; it makes the package refuse what
PyTorch refuses, with PyTorch's exception type and message, so code written here runs there.
"""
from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np

from .. import dtypes
from ..backend import array_module
from ..tensor import Tensor


def no_kernel(kernel: str, t: Tensor | dtypes.dtype) -> NotImplementedError:
    """PyTorch's error for a dtype an op has no implementation for: '"abs_cpu" not implemented for 'Bool''."""
    dt = t if isinstance(t, dtypes.dtype) else t.dtype
    return NotImplementedError(f'"{kernel}" not implemented for \'{dtypes.scalar_type_name(dt)}\'')


def refuse_dtype(kernel: str, t: Tensor, *refused: dtypes.dtype) -> None:
    """Raise `no_kernel` if `t` has one of the `refused` dtypes."""
    if t.dtype in refused:
        raise no_kernel(kernel, t)


def require_tensor(fn: str, value: Any, name: str = "other", position: int = 2) -> None:
    """PyTorch's TypeError where an argument must be a tensor (`maximum(x, 2)`, `logical_and(x, 1)`)."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, not {type(value).__name__}")


def check_bool_sub(a: Any, b: Any) -> None:
    """PyTorch refuses `-` when either side is bool (NumPy only when both are)."""
    bools = [isinstance(x, bool) or (isinstance(x, Tensor) and x.dtype is dtypes.bool_) for x in (a, b)]
    if all(bools):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                           "`logical_xor()` operator instead.")
    if any(bools):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")


def check_broadcast(*shapes: tuple) -> None:
    """PyTorch's broadcast error now, for ops that check shapes before anything else."""
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        from ..messages import broadcast_error
        raise broadcast_error(*shapes) from None


def check_alpha(alpha: Any, a: Any, b: Any) -> None:
    """`add(..., alpha=)`: a float alpha needs a floating result, a bool alpha a bool one."""
    check_broadcast(*(tuple(x.shape) for x in (a, b) if isinstance(x, Tensor)))
    dt = dtypes.result_type(a, b)
    if isinstance(alpha, bool):
        if dt is not dtypes.bool_:
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
    elif isinstance(alpha, float) and not dt.is_floating_point:
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    dtypes.check_fits(alpha, dt)


def check_int_divisor(dividend: Any, divisor: Any, dt: dtypes.dtype) -> None:
    """Integer division by zero is an error in PyTorch (NumPy gives 0 and a warning)."""
    shapes = [tuple(x.shape) for x in (dividend, divisor) if isinstance(x, Tensor)]
    if dt.is_floating_point or not np.prod(np.broadcast_shapes(*shapes)):
        return
    if (divisor._data == 0).any() if isinstance(divisor, Tensor) else divisor == 0:
        raise RuntimeError("ZeroDivisionError")


def unique_dims(dims: Sequence[int]) -> None:
    """PyTorch's error for a dimension given twice (dims already wrapped to be non-negative)."""
    seen = set()
    for d in dims:
        if d in seen:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        seen.add(d)


def missing_sizes(fn: str, what: str) -> TypeError:
    """`permute()` and `expand()` with no sizes at all."""
    return TypeError(f'{fn}() missing 1 required positional arguments: "{what}"')


def write_out(result: Tensor, out: Tensor | None, inputs: Sequence[Any] = (), same_dtype: bool = False) -> Tensor:
    """`out=`: store `result` in the tensor `out` (resized if its shape differs), as PyTorch's out= variants do.

    An elementwise op may not resize an input it writes into; matmul wants `out` in the result's dtype."""
    if out is None:
        return result
    if same_dtype and out.dtype is not result.dtype:
        raise RuntimeError(f"Expected out tensor to have dtype {result.dtype.name}, but got {out.dtype.name} instead")
    if out.shape != result.shape and any(x is out for x in inputs):
        raise RuntimeError(f"output with shape {list(out.shape)} doesn't match the broadcast shape "
                           f"{list(result.shape)}")
    if result.dtype._category > out.dtype._category:
        raise RuntimeError(f"result type {dtypes.scalar_type_name(result.dtype)} can't be cast to the desired output "
                           f"type {dtypes.scalar_type_name(out.dtype)}")
    if out.shape == result.shape:
        out._data[...] = result._data
    else:
        if out.numel():
            resize_warning(out.shape, result.shape)
        out._data = result._data.astype(out._data.dtype)
    return out


def resize_out(out: Tensor, shape: tuple) -> None:
    """Give `out` the shape `shape` in place, keeping its leading elements (PyTorch's resize_output)."""
    if tuple(out.shape) == shape:
        return
    if out.numel():
        resize_warning(out.shape, shape)
    n = int(np.prod(shape))
    flat = out._data.reshape(-1)[:n]
    out._data = flat.reshape(shape) if flat.size == n else array_module(flat).zeros(shape, flat.dtype)


def check_out(fn: str, out: Tensor | None, inputs: Sequence[Any]) -> None:
    """out= variants are not differentiable: PyTorch refuses them when an input requires grad."""
    from ..autograd import is_grad_enabled
    if out is not None and is_grad_enabled() and any(isinstance(x, Tensor) and x.requires_grad
                                                     for x in (*inputs, out)):
        raise RuntimeError(f"{fn}(): functions with out=... arguments don't support automatic differentiation, but "
                           "one of the arguments requires grad.")


def resize_warning(old: tuple, new: tuple) -> None:
    warnings.warn(f"An output with one or more elements was resized since it had shape {list(old)}, which does not "
                  f"match the required output shape {list(new)}. This behavior is deprecated, and in a future PyTorch "
                  "release outputs will not be resized unless they have zero elements. You can explicitly reuse an "
                  "out tensor t by resizing it, inplace, to zero elements with t.resize_(0).", UserWarning,
                  stacklevel=4)

