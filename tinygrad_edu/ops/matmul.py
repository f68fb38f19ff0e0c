"""Matrix multiplication, `a @ b`, for vectors, matrices and batches of matrices (NumPy's rules).

Its backward is two more matrix products: dL/da = g @ b^T and dL/db = a^T @ g. A vector operand is
treated as a one-row (or one-column) matrix so that the same two lines serve every case.

Differences from PyTorch, on purpose: the nodes of batched products are named BmmBackward0 (PyTorch
names them after its internal reshapes, UnsafeViewBackward0), and vector @ matrix MmBackward0.
"""
from __future__ import annotations

import math

import numpy as np

from .. import dtypes
from ..autograd import Op
from ..tensor import Tensor
from . import fineprint
from ..messages import broadcast_error


def _dims(shape) -> str:
    return "x".join(str(n) for n in shape)


class MatMul(Op):
    node_name = "MmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        if b.ndim == 1:                      # (..., n) @ (n,): b is a column
            g, b = g[..., None], b[:, None]
        if a.ndim == 1:                      # (n,) @ (..., n, m): a is a row
            g, a = g[..., None, :], a[None, :]
        ga = g @ b.swapaxes(-1, -2) if need_a else None
        gb = a.swapaxes(-1, -2) @ g if need_b else None
        a0, b0 = ctx.saved_tensors
        if need_a and a0.ndim == 1:
            ga = ga[..., 0, :]
        if need_b and b0.ndim == 1:
            gb = gb[..., 0]
        return ga, gb


class Dot(MatMul):
    node_name = "DotBackward0"


class Mv(MatMul):
    node_name = "MvBackward0"


class Bmm(MatMul):
    node_name = "BmmBackward0"


_BY_RANK = {(1, 1): Dot, (2, 1): Mv, (2, 2): MatMul, (1, 2): MatMul}
# PyTorch's error messages name element types as C++ does.
_C_NAMES = {"float16": "c10::Half", "float32": "float", "float64": "double", "int64": "long int", "int32": "int",
            "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}


def _check(a: Tensor, b: Tensor) -> None:
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D")
    k_a = a.shape[-1]
    k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a == k_b:
        return
    if a.ndim == 1 and b.ndim == 1:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{k_a}] and src [{k_b}] to have the same "
                           f"number of elements, but got {k_a} and {k_b} elements respectively")
    rows = math.prod(a.shape[:-1])  # against a matrix or a vector, a's leading dimensions are rows
    if a.ndim == 2 and b.ndim >= 3 and a.requires_grad:  # PyTorch folds b's batch into rows: b^T @ a^T
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({math.prod(b.shape[:-2]) * b.shape[-1]}x"
                           f"{k_b} and {a.shape[1]}x{a.shape[0]})")
    if a.ndim == 1 and b.ndim == 3 and k_b == 1:  # folded too, into b^T @ a
        n = b.shape[0] * b.shape[2]
        raise RuntimeError(f"size mismatch, got input ({n}), mat ({n}x{k_b}), vec ({k_a})")
    if a.ndim == b.ndim == 3 and b.shape[0] == 1 < a.shape[0] and b.requires_grad:  # b is taken as one matrix
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k_a} and {_dims(b.shape[1:])})")
    if b.ndim == 1:
        raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{k_a}), vec ({k_b})")
    if b.ndim == 2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k_a} and {_dims(b.shape)})")
    try:
        batch = math.prod(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]))
    except ValueError:
        raise broadcast_error(tuple(a.shape[:-2]), tuple(b.shape[:-2])) from None
    raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{batch}, {k_a}] but got: "
                       f"[{batch}, {k_b}].")


def matmul(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The matrix product (dot product for two vectors; batched for more than 2 dimensions)."""
    if not isinstance(input, Tensor) or not isinstance(other, Tensor):
        raise TypeError(f"matmul(): argument 'other' must be Tensor, not {type(other).__name__}")
    if out is not None:
        return _matmul_out(input, other, out)
    a, b = input, other
    _check(a, b)
    if b.ndim >= 3 and a.ndim < 3 or min(a.ndim, b.ndim) >= 3:  # a batched product (bmm) checks its kernel first
        fineprint.check_broadcast(tuple(a.shape[:-2]), tuple(b.shape[:-2]))
        if a.dtype.name == "bool" and a.numel() and b.numel():
            raise fineprint.no_kernel("bmm", a)
    if a.dtype is not b.dtype:  # as in PyTorch, matmul does not promote
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_C_NAMES[a.dtype.name]} != "
                           f"{_C_NAMES[b.dtype.name]}")
    if a.dtype.name == "bool" and a.numel() and b.numel():
        raise fineprint.no_kernel("dot" if a.ndim == b.ndim == 1 else "addmm_impl_cpu_", a)
    try:
        return _BY_RANK.get((a.ndim, b.ndim), Bmm).apply(a, b)
    except ValueError:
        raise broadcast_error(tuple(a.shape[:-2]), tuple(b.shape[:-2])) from None


def _matmul_out(input: Tensor, other: Tensor, out: Tensor) -> Tensor:
    """`matmul(..., out=)` with PyTorch's checks in its order: for two vectors (its dot_out) and for batches,
    `out` is resized before the inputs are checked (so an `out` that is also an input changes it)."""
    fineprint.check_out("matmul", out, (input, other))
    if input.ndim == 1 and other.ndim == 1:
        fineprint.resize_out(out, ())
        if out.dtype is not input.dtype:
            raise RuntimeError(f"result dtype {dtypes.scalar_type_name(out.dtype)} does not match input dtype "
                               f"{dtypes.scalar_type_name(input.dtype)}")
        return fineprint.write_out(dot(input, other), out)
    if max(input.ndim, other.ndim) >= 3 and min(input.ndim, other.ndim) >= 1:
        try:
            batch = np.broadcast_shapes(input.shape[:-2], other.shape[:-2] if other.ndim > 1 else ())
        except ValueError:
            batch = None
        if batch is not None:
            rows, cols = tuple(input.shape[-2:-1]), tuple(other.shape[-1:]) if other.ndim > 1 else ()
            fineprint.resize_out(out, batch + rows + cols)
        _check(input, other)
        if out.dtype is not other.dtype:
            raise RuntimeError(f"Expected out tensor to have dtype {_C_NAMES[other.dtype.name]}, but got "
                               f"{_C_NAMES[out.dtype.name]} instead")
    return fineprint.write_out(matmul(input, other), out, same_dtype=True)


def mm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The product of two matrices (only matrices: `matmul` takes vectors and batches too)."""
    for name, x in (("self", input), ("mat2", mat2)):
        if isinstance(x, Tensor) and x.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix")
    return matmul(input, mat2, out=out)


def dot(input: Tensor, other: Tensor) -> Tensor:
    """The dot product of two vectors."""
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    return matmul(input, other)
