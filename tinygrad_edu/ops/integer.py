"""Integer arithmetic: integer powers, floor division and remainder.

Outside the reading path: integer results have no gradient, and what is differentiable here (the remainder
of floats) is a sawtooth whose derivative is 1. Each op is an `Op`, so it shares `apply`'s device check,
type promotion and error translation with the others.
"""
from __future__ import annotations

from typing import Any

from .. import dtypes, messages, promotion
from ..autograd import Op
from ..backend import array_module
from ..tensor import Tensor
from . import fineprint


def _xp(a: Any, b: Any) -> Any:
    return array_module(a if hasattr(a, "shape") else b)


class IntPow(Op):
    """y = a ** b for integers (and bools); a negative b gives 0, or +-1 for a base of +-1. No gradient."""
    differentiable = False

    @staticmethod
    def forward(ctx, a, b, *, dtype):
        xp = _xp(b, a)
        if not hasattr(b, "shape"):
            return xp.asarray(a ** b).astype(dtype.np, copy=False)
        a = xp.asarray(a, dtype=dtype.np)
        y = a ** xp.where(b < 0, 0, b)
        odd = (b % 2).astype(bool)
        y = xp.where(b >= 0, y, xp.where(a == 1, 1, xp.where(a == -1, xp.where(odd, -1, 1), 0)))
        return y.astype(dtype.np, copy=False)


def _sides(operands: tuple, a: Any, b: Any) -> tuple:
    """a and b, from the tensor operands and a number side given as a param (`x // 2`: b=2)."""
    return (a, *operands) if a is not None else (*operands, b) if b is not None else operands


class FloorDivide(Op):
    """y = floor(a / b). Its gradient is 0 almost everywhere; PyTorch does not define it, and neither does this."""
    node_name = "NotImplemented"  # (PyTorch: torch::autograd::NotImplemented, shown as NotImplemented)

    @staticmethod
    def forward(ctx, *operands, a=None, b=None):
        a, b = _sides(operands, a, b)
        return _xp(a, b).floor_divide(a, b)

    @staticmethod
    def backward(ctx, g):
        raise messages.no_derivative("floor_divide")


def _mod(a: Any, b: Any) -> Any:
    """PyTorch's a % b: the remainder of a / b truncated, moved by b where its sign differs from b's (so a zero
    keeps a's sign: -1. % 1. is -0.)."""
    xp = _xp(a, b)
    r = xp.fmod(a, b)
    if r.dtype.kind != "f":
        return xp.remainder(a, b)
    return xp.where((r != 0) & ((r < 0) != (b < 0)), r + b, r)


class Remainder(Op):
    """y = a % b = a - b * floor(a / b), with the sign of b.   dL/da = g,  dL/db = -g * floor(a / b)."""
    node_name = "RemainderBackward1"

    @staticmethod
    def forward(ctx, *operands, a=None, b=None):
        ctx.number_b = b is not None
        a, b = _sides(operands, a, b)
        ctx.save_for_backward(a, b)
        return _mod(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return g if ctx.number_b else (g, -g * array_module(g).floor_divide(a, b))


RemainderScalar = Remainder.named("RemainderBackward0")  # tensor % number


class Rremainder(Remainder):
    """`number % tensor`: its gradient is not defined (in PyTorch either)."""
    node_name = "NotImplemented"  # (PyTorch: torch::autograd::NotImplemented, shown as NotImplemented)

    @staticmethod
    def backward(ctx, g):
        raise messages.no_derivative("remainder")


def _apply(both: type, number_b: type, number_a: type, input: Any, other: Any) -> Tensor:
    """The op on two tensors, or on a tensor and a number, which is op state (not a graph input) as in PyTorch."""
    a, b = promotion.promote((input, other), "common")  # (here, not in apply: the number takes part in the dtype)
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        return both.apply(a, b)
    return number_b.apply(a, b=b) if isinstance(a, Tensor) else number_a.apply(b, a=a)


def pow(input: Any, exponent: Any) -> Tensor:
    """input ** exponent for integers and bools (no gradient); `ops.pow` sends them here."""
    x, p = promotion.promote((input, exponent), "common")
    dt = (x if isinstance(x, Tensor) else p).dtype
    if isinstance(p, Tensor):
        fineprint.check_broadcast(*(tuple(t.shape) for t in (x, p) if isinstance(t, Tensor)))  # (before the dtype)
        if dt is dtypes.bool_:
            raise messages.no_kernel("pow", dt)
        return IntPow.apply(x, p, dtype=dt)
    if exponent < 0:
        raise RuntimeError(messages.NEGATIVE_INT_POWER)
    dtypes.check_fits(exponent, dt)
    return IntPow.apply(x, p, dtype=dt)


def floor_divide(input: Any, other: Any) -> Tensor:
    """input // other, elementwise: the quotient rounded down (not differentiable)."""
    fineprint.check_division("div_floor_cpu", input, other)
    return _apply(FloorDivide, FloorDivide, FloorDivide, input, other)


def remainder(input: Any, other: Any) -> Tensor:
    """input % other, elementwise, with the sign of `other` (as Python's %)."""
    fineprint.check_division("remainder_cpu", input, other)
    return _apply(Remainder, RemainderScalar, Rremainder, input, other)
