"""Comparisons, logic and bit operations, and the nan/inf tests: elementwise ops with no gradient.

Outside the reading path: their results are bools (or integers), which no gradient flows through. Each is
an `Op` with `differentiable = False`, so it shares `apply`'s device check, type promotion and error
translation with the differentiable ops.
"""
from __future__ import annotations

from typing import Any, Callable

from .. import messages
from ..autograd import Op
from ..backend import array_module
from ..tensor import Tensor
from . import fineprint


def _op(name: str, ufunc: str, promotion: str | None = None, refuses: tuple = ()) -> type:
    """An op that applies NumPy's (or CuPy's) `ufunc` to its operands' arrays."""
    def forward(ctx: Any, *arrays: Any) -> Any:
        xp = array_module(next(a for a in arrays if hasattr(a, "shape")))
        return getattr(xp, ufunc)(*arrays)
    return type(name, (Op,), dict(forward=staticmethod(forward), differentiable=False, promotion=promotion,
                                  refuses=refuses, __doc__=f"y = {ufunc}(...), elementwise. No gradient."))


_FLOATS = ("float16", "float32", "float64")
Lt, Le, Gt, Ge, Eq, Ne = (_op(n, u, "common") for n, u in (("Lt", "less"), ("Le", "less_equal"), ("Gt", "greater"),
                                                           ("Ge", "greater_equal"), ("Eq", "equal"),
                                                           ("Ne", "not_equal")))
# (logical ops promote too: in the common dtype, a 0-d int32 -2**31 next to a uint8 tensor is 0, False)
LogicalAnd, LogicalOr, LogicalXor = (_op(f"Logical{n.title()}", f"logical_{n}", "common") for n in ("and", "or", "xor"))
BitwiseAnd, BitwiseOr, BitwiseXor = (_op(f"Bitwise{n.title()}", f"bitwise_{n}", "common",
                                         (f"bitwise_{n}_cpu", *_FLOATS)) for n in ("and", "or", "xor"))
LogicalNot = _op("LogicalNot", "logical_not")
BitwiseNot = _op("BitwiseNot", "invert", None, ("bitwise_not_cpu", *_FLOATS))
IsNan, IsFinite = _op("IsNan", "isnan"), _op("IsFinite", "isfinite")


def _public(op: type, name: str, doc: str, check: Callable | None = None) -> Callable:
    def fn(input: Any, other: Any) -> Tensor:
        if check is not None:
            check(input, other)
        return op.apply(input, other)
    fn.__name__, fn.__qualname__, fn.__doc__ = name, name, doc
    return fn


def _tensors_only(name: str) -> Callable:
    return lambda input, other: fineprint.require_tensor(name, other)


def _shapes_first(input: Any, other: Any) -> None:  # (PyTorch names a bad shape before a float it has no kernel for)
    fineprint.check_broadcast(*(tuple(x.shape) for x in (input, other) if isinstance(x, Tensor)))


lt, le, gt, ge, eq, ne = (_public(op, n, f"Elementwise `{n}` comparison: a bool tensor (not differentiable).")
                          for op, n in ((Lt, "lt"), (Le, "le"), (Gt, "gt"), (Ge, "ge"), (Eq, "eq"), (Ne, "ne")))
logical_and, logical_or, logical_xor = (
    _public(op, f"logical_{n}", f"Elementwise `logical {n}` of the truth of each element: a bool tensor.",
            _tensors_only(f"logical_{n}")) for op, n in ((LogicalAnd, "and"), (LogicalOr, "or"), (LogicalXor, "xor")))
bitwise_and, bitwise_or, bitwise_xor = (
    _public(op, f"bitwise_{n}", f"Elementwise `bitwise {n}` of integers (logical for bools); `&`, `|`, `^`.",
            _shapes_first) for op, n in ((BitwiseAnd, "and"), (BitwiseOr, "or"), (BitwiseXor, "xor")))


def logical_not(input: Tensor) -> Tensor:
    """Elementwise not (bool result)."""
    return LogicalNot.apply(input)


def bitwise_not(input: Tensor) -> Tensor:
    """Logical not for bool tensors, bitwise not for integers."""
    return BitwiseNot.apply(input)


def invert(input: Tensor) -> Tensor:
    """`~input`: `bitwise_not`."""
    if input.is_floating_point():
        raise TypeError(messages.INVERT_FLOAT)
    return bitwise_not(input)


def isnan(input: Tensor) -> Tensor:
    """True where the element is NaN."""
    return IsNan.apply(input)


def isfinite(input: Tensor) -> Tensor:
    """True where the element is neither infinite nor NaN."""
    return IsFinite.apply(input)

