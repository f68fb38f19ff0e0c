"""Matrix multiplication, `a @ b`, for vectors, matrices and batches of matrices (NumPy's rules).

`forward` and `backward` work on arrays (NumPy or CuPy); the public functions below take tensors.
A vector operand is treated as a one-row (or one-column) matrix, so that the same two lines of
backward serve every case; the engine sums the gradient of a broadcast batch back.

Differences from PyTorch, on purpose: the nodes of batched products are named BmmBackward0 (PyTorch
names them after its internal reshapes, UnsafeViewBackward0), and vector @ matrix MmBackward0.
"""
from __future__ import annotations

from ..autograd import Op
from ..tensor import Tensor
from . import fineprint


class MatMul(Op):
    """y = a @ b.   dL/da = g @ b^T,  dL/db = a^T @ g  (g = dL/dy; ^T swaps the last two dimensions)."""

    node_name = "MmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx, g):
        a0, b0 = a, b = ctx.saved_tensors
        if b.ndim == 1:                      # (..., n) @ (n,): b is a column
            g, b = g[..., None], b[:, None]
        if a.ndim == 1:                      # (n,) @ (..., n, m): a is a row
            g, a = g[..., None, :], a[None, :]
        ga = g @ b.swapaxes(-1, -2) if ctx.needs_input_grad[0] else None
        gb = a.swapaxes(-1, -2) @ g if ctx.needs_input_grad[1] else None
        if ga is not None and a0.ndim == 1:  # (the row and column made above, removed again)
            ga = ga[..., 0, :]
        if gb is not None and b0.ndim == 1:
            gb = gb[..., 0]
        return ga, gb


# PyTorch names the product after its kernel: vector . vector, matrix @ vector, batched.
Dot, Mv, Bmm = MatMul.named("DotBackward0"), MatMul.named("MvBackward0"), MatMul.named("BmmBackward0")
_BY_RANK = {(1, 1): Dot, (2, 1): Mv, (2, 2): MatMul, (1, 2): MatMul}


def matmul(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The matrix product (dot product for two vectors; batched for more than 2 dimensions)."""
    if out is not None:
        return fineprint.matmul_out(input, other, out, matmul)
    a, b = fineprint.matmul_operands(input, other)
    return _BY_RANK.get((a.ndim, b.ndim), Bmm).apply(a, b)


def mm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """The product of two matrices (only matrices: `matmul` takes vectors and batches too)."""
    fineprint.check_mm(input, mat2)
    return matmul(input, mat2, out=out)


def dot(input: Tensor, other: Tensor) -> Tensor:
    """The dot product of two vectors."""
    fineprint.check_dot(input, other)
    return matmul(input, other)
