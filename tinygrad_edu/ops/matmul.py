"""Matrix multiplication, `a @ b`, for vectors, matrices and batches of matrices (NumPy's rules).

Its backward is two more matrix products: dL/da = g @ b^T and dL/db = a^T @ g. A vector operand is
treated as a one-row (or one-column) matrix so that the same two lines serve every case.
"""
from __future__ import annotations

from ..autograd import Op
from ..tensor import Tensor
from .pointwise import broadcast_error, promote


def _dims(shape) -> str:
    return "x".join(str(n) for n in shape)


class MatMul(Op):
    @classmethod
    def node_name(cls) -> str:
        return "MmBackward0"

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
    @classmethod
    def node_name(cls) -> str:
        return "DotBackward0"


class Mv(MatMul):
    @classmethod
    def node_name(cls) -> str:
        return "MvBackward0"


class Bmm(MatMul):
    @classmethod
    def node_name(cls) -> str:
        return "BmmBackward0"


_BY_RANK = {(1, 1): Dot, (2, 1): Mv, (2, 2): MatMul}


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
    if b.ndim == 1:
        raise RuntimeError(f"size mismatch, got input ({a.shape[-2]}), mat ({_dims(a.shape)}), vec ({k_b})")
    raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_dims(a.shape)} and {_dims(b.shape)})")


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """The matrix product (dot product for two vectors; batched for more than 2 dimensions)."""
    if not isinstance(input, Tensor) or not isinstance(other, Tensor):
        raise TypeError(f"matmul(): argument 'other' must be Tensor, not {type(other).__name__}")
    _, (a, b) = promote(input, other)
    _check(a, b)
    try:
        return _BY_RANK.get((a.ndim, b.ndim), Bmm).apply(a, b)
    except ValueError:
        raise broadcast_error(tuple(a.shape[:-2]), tuple(b.shape[:-2])) from None


mm = matmul


def dot(input: Tensor, other: Tensor) -> Tensor:
    """The dot product of two vectors."""
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    return matmul(input, other)
