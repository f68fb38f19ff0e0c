"""Elementwise ops: arithmetic, the math functions, activations, comparisons and `where`.

Each op's forward and backward sit side by side, on arrays of whichever module (NumPy or CuPy) holds
the data. A backward returns gradients in the output's (broadcast) shape: the engine sums them back to
each input's shape, once, for every op.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import dtypes
from ..autograd import Op
from ..backend import array_module, as_array
from ..tensor import Tensor, same_device


# --- types and broadcasting, decided once for every op ------------------------------------------

def promote(*operands: Any, floating: bool = False) -> tuple[dtypes.dtype, list]:
    """PyTorch's result dtype for `operands`, and the operands converted to it.

    Tensors of another dtype are cast (a recorded op, so grads flow back in their own dtype); Python
    scalars stay Python scalars, which NumPy and CuPy let take the type of the array they meet.
    """
    dt = _shared_float_dtype(operands)
    if dt is not None:  # the usual case in training: nothing to convert, decided quickly
        return dt, list(operands)
    dt = dtypes.result_type(*operands)
    if floating and not dt.is_floating_point:
        dt = dtypes.default_float
    out = []
    for x in operands:
        if isinstance(x, Tensor):
            out.append(x if x._data.dtype == dt.np else x.to(dt))
        elif isinstance(x, np.generic):
            out.append(x.item())
        elif isinstance(x, (int, float, bool)):
            out.append(x)
        else:
            raise TypeError(f"unsupported operand type: expected a Tensor or a number, got {type(x).__name__}")
    return dt, out


def _shared_float_dtype(operands: tuple) -> dtypes.dtype | None:
    """The dtype when every tensor operand has the same floating dtype and the others are Python numbers.

    PyTorch's rules then keep that dtype and convert nothing. None for every other mix.
    """
    found = None
    for x in operands:
        if isinstance(x, Tensor):
            if found is None:
                found = x._data.dtype
            elif x._data.dtype != found:
                return None
        elif type(x) is not float and type(x) is not int:
            return None
    return dtypes._FROM_NUMPY[found] if found is not None and found.kind == "f" else None


def quietly() -> np.errstate:
    """A `with` block in which NumPy computes log(0) = -inf, 1 / 0 = inf, 0 / 0 = nan and overflows to inf
    without a RuntimeWarning, as PyTorch does. (It costs about 1 us, so only the ops that can hit these use it.)"""
    return np.errstate(all="ignore")


def broadcast_error(*shapes: tuple) -> RuntimeError:
    """PyTorch's message for shapes that cannot broadcast, with both shapes named."""
    a, b = shapes[0], shapes[1]
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x != y and 1 not in (x, y):
            dim = max(len(a), len(b)) - i
            return RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton "
                                f"dimension {dim} (shapes {list(a)} and {list(b)} cannot be broadcast)")
    return RuntimeError(f"shapes {[list(s) for s in shapes]} cannot be broadcast")


def _shape(x: Any) -> tuple:
    return tuple(x.shape) if isinstance(x, Tensor) else ()


def binary(fn: type, a: Any, b: Any, floating: bool = False) -> Tensor:
    """Apply the two-input op `fn` after promoting its operands' types."""
    _, (a, b) = promote(a, b, floating=floating)
    try:
        return fn.apply(a, b)
    except ValueError as e:
        if "broadcast" in str(e):
            raise broadcast_error(_shape(a), _shape(b)) from None
        raise
    except TypeError as e:  # NumPy refuses bool - bool too, in other words
        if "boolean subtract" in str(e):
            raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                               "`logical_xor()` operator instead.") from None
        raise


def unary_float(fn: type, x: Tensor) -> Tensor:
    """Apply `fn`, casting integer input to the default float first (as `exp`, `log`... do in PyTorch)."""
    if not x.is_floating_point():
        x = x.to(dtypes.default_float)
    return fn.apply(x)


# --- arithmetic ---------------------------------------------------------------------------------

class Add(Op):
    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, g):
        return g, g


class Sub(Op):
    @staticmethod
    def forward(ctx, a, b):
        return a - b

    @staticmethod
    def backward(ctx, g):
        return g, -g


class Rsub(Sub):
    backward_name = "RsubBackward1"


class Mul(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (g * b if need_a else None), (g * a if need_b else None)


class Div(Op):
    """a / b. (PyTorch records `number / tensor` as a multiplication by the reciprocal, MulBackward0.)"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        with quietly():
            return a / b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        with quietly():
            return (g / b if need_a else None), (-g * a / (b * b) if need_b else None)


class Pow(Op):
    """x ** y for two tensors (or a number raised to a tensor)."""

    backward_name = "PowBackward1"

    @staticmethod
    def forward(ctx, a, b):
        with quietly():
            y = a ** b
        ctx.save_for_backward(a, b, y)
        return y

    @staticmethod
    def backward(ctx, g):
        a, b, y = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        xp = array_module(g)
        with quietly():
            ga = g * b * a ** (b - 1) if need_a else None
            gb = g * y * xp.log(xp.where(a > 0, a, 1)) if need_b else None  # d/db a**b = a**b log a (0 where a <= 0)
        return ga, gb


class Rpow(Pow):
    """A number raised to a tensor, `2 ** x`."""

    backward_name = "PowBackward2"


class PowScalar(Op):
    """x ** p for a number p."""

    @staticmethod
    def forward(ctx, a, p):
        ctx.save_for_backward(a)
        ctx.p = p
        with quietly():
            return a ** p

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        with quietly():
            return g * ctx.p * a ** (ctx.p - 1), None

    backward_name = "PowBackward0"


class Neg(Op):
    @staticmethod
    def forward(ctx, a):
        return -a

    @staticmethod
    def backward(ctx, g):
        return -g


class Abs(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return array_module(a).abs(a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * array_module(a).sign(a)


# --- math functions and activations -------------------------------------------------------------

class Exp(Op):
    @staticmethod
    def forward(ctx, a):
        with quietly():
            y = array_module(a).exp(a)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * y


class Log(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with quietly():
            return array_module(a).log(a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        with quietly():
            return g / a


class Sqrt(Op):
    @staticmethod
    def forward(ctx, a):
        with quietly():
            y = array_module(a).sqrt(a)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        with quietly():
            return g / (2 * y)


class Sigmoid(Op):
    @staticmethod
    def forward(ctx, a):
        xp = array_module(a)
        e = xp.exp(-xp.abs(a))  # never overflows: exp of a number <= 0
        y = (xp.where(a >= 0, 1, e) / (1 + e)).astype(a.dtype, copy=False)  # 1/(1+e^-a), or e^a/(1+e^a)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * y * (1 - y)


class Tanh(Op):
    @staticmethod
    def forward(ctx, a):
        y = array_module(a).tanh(a)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * (1 - y * y)


class Relu(Op):
    @staticmethod
    def forward(ctx, a):
        y = array_module(a).maximum(a, 0).astype(a.dtype, copy=False)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * (y > 0)


class Clamp(Op):
    backward_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, a, lo, hi):
        xp = array_module(a)
        ctx.save_for_backward(a)
        ctx.lo, ctx.hi = lo, hi
        y = a if lo is None else xp.maximum(a, lo)
        y = y if hi is None else xp.minimum(y, hi)
        return y.astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        keep = True
        if ctx.lo is not None:
            keep = a >= ctx.lo
        if ctx.hi is not None:
            keep = keep & (a <= ctx.hi)
        return g * keep, None, None


class Maximum(Op):
    """Elementwise max of two tensors; where they tie, each gets half the gradient (as in PyTorch)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return array_module(a).maximum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        share = (a > b) + 0.5 * (a == b)
        return g * share.astype(g.dtype), g * (1 - share).astype(g.dtype)


class Minimum(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return array_module(a).minimum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        share = (a < b) + 0.5 * (a == b)
        return g * share.astype(g.dtype), g * (1 - share).astype(g.dtype)


class Where(Op):
    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.save_for_backward(cond)
        return array_module(cond).where(cond, a, b)

    @staticmethod
    def backward(ctx, g):
        cond, = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad[1:]
        return None, (g * cond if need_a else None), (g * ~cond if need_b else None)


# --- copies and casts ---------------------------------------------------------------------------

class ToCopy(Op):
    """A copy in another dtype or on another device; the gradient goes back to the original's."""

    @staticmethod
    def forward(ctx, a, dtype, device):
        from ..backend import device_of, move
        ctx.dtype, ctx.device = a.dtype, device_of(a)
        return move(a.astype(dtype.np, copy=False), device)  # cast, then move: the result is on `device`

    @staticmethod
    def backward(ctx, g):
        from ..backend import move
        return move(g.astype(ctx.dtype, copy=False), ctx.device), None, None


class Clone(Op):
    @staticmethod
    def forward(ctx, a):
        return a.copy()

    @staticmethod
    def backward(ctx, g):
        return g


# --- the public forms ---------------------------------------------------------------------------

def _scaled(other: Any, alpha: float) -> Any:
    return mul(other, alpha) if isinstance(other, Tensor) else other * alpha


def add(input: Any, other: Any, *, alpha: float = 1) -> Tensor:
    """input + alpha * other, broadcasting."""
    return binary(Add, input, other if alpha == 1 else _scaled(other, alpha))


def sub(input: Any, other: Any, *, alpha: float = 1) -> Tensor:
    """input - alpha * other, broadcasting."""
    return binary(Sub if isinstance(input, Tensor) else Rsub, input, other if alpha == 1 else _scaled(other, alpha))


def mul(input: Any, other: Any) -> Tensor:
    """input * other, elementwise, broadcasting."""
    return binary(Mul, input, other)


def div(input: Any, other: Any) -> Tensor:
    """input / other, elementwise, always true division (integers give floats)."""
    return binary(Div, input, other, floating=True)


def pow(input: Any, exponent: Any) -> Tensor:
    """input ** exponent, elementwise."""
    try:
        if isinstance(exponent, Tensor):
            return binary(Pow if isinstance(input, Tensor) else Rpow, input, exponent)
        _, (x, p) = promote(input, exponent)
        return PowScalar.apply(x, p)
    except ValueError as e:  # NumPy's words for integers to negative powers are PyTorch's, as a ValueError
        if "negative integer powers" in str(e):
            raise RuntimeError(str(e)) from None
        raise


def neg(input: Tensor) -> Tensor:
    """-input."""
    try:
        return Neg.apply(input)
    except TypeError:  # NumPy refuses to negate bools, as PyTorch does
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert "
                           "a mask, use the `~` or `logical_not()` operator instead.") from None


def abs(input: Tensor) -> Tensor:  # noqa: A001 (shadows the builtin on purpose: torch.abs)
    """|input|, elementwise."""
    return Abs.apply(input)


def exp(input: Tensor) -> Tensor:
    """e ** input, elementwise."""
    return unary_float(Exp, input)


def log(input: Tensor) -> Tensor:
    """The natural logarithm, elementwise."""
    return unary_float(Log, input)


def sqrt(input: Tensor) -> Tensor:
    """The square root, elementwise."""
    return unary_float(Sqrt, input)


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + e ** -input), elementwise: squashes any number into (0, 1)."""
    return unary_float(Sigmoid, input)


def tanh(input: Tensor) -> Tensor:
    """The hyperbolic tangent, elementwise: squashes any number into (-1, 1)."""
    return unary_float(Tanh, input)


def relu(input: Tensor) -> Tensor:
    """max(input, 0), elementwise."""
    return Relu.apply(input)


def clamp(input: Tensor, min: float | None = None, max: float | None = None) -> Tensor:
    """Limit every element to [min, max] (either bound may be None)."""
    if min is None and max is None:
        raise RuntimeError("tinygrad_edu.clamp: At least one of 'min' or 'max' must not be None")
    _, (x, *_) = promote(input, *(v for v in (min, max) if v is not None))
    return Clamp.apply(x, min, max)


clip = clamp


def maximum(input: Tensor, other: Tensor) -> Tensor:
    """The larger of two tensors, elementwise."""
    return binary(Maximum, input, other)


def minimum(input: Tensor, other: Tensor) -> Tensor:
    """The smaller of two tensors, elementwise."""
    return binary(Minimum, input, other)


def where(condition: Tensor, input: Any, other: Any) -> Tensor:
    """Elements of `input` where `condition` is True, of `other` elsewhere."""
    if not isinstance(condition, Tensor) or condition.dtype is not dtypes.bool_:
        got = f", but got a tensor with dtype {dtypes.scalar_type_name(condition.dtype)}" \
            if isinstance(condition, Tensor) else ""
        raise RuntimeError("where expected condition to be a boolean tensor" + got)
    dt, (a, b) = promote(input, other)
    try:
        out = Where.apply(condition, a, b)
    except ValueError:
        raise broadcast_error(tuple(condition.shape), _shape(a), _shape(b)) from None
    return out if out.dtype is dt else out.to(dt)


def clone(input: Tensor) -> Tensor:
    """A copy with its own memory (recorded: gradients flow back to `input`)."""
    return Clone.apply(input)


# --- comparisons and logic (not differentiable) -------------------------------------------------

def _compare(name: str, ufunc: str):
    def compare(input: Any, other: Any) -> Tensor:
        _, operands = promote(input, other)
        arrays = [x._data if isinstance(x, Tensor) else x for x in operands]
        tensors = [x for x in operands if isinstance(x, Tensor)]
        same_device(tensors)
        try:
            return Tensor._make(as_array(getattr(array_module(tensors[0]._data), ufunc)(*arrays)))
        except ValueError:
            raise broadcast_error(*(_shape(x) for x in operands)) from None
    compare.__name__ = name
    compare.__doc__ = f"Elementwise `{name}` comparison: a bool tensor (not differentiable)."
    return compare


lt, le, gt, ge, eq, ne = (_compare(n, u) for n, u in (("lt", "less"), ("le", "less_equal"), ("gt", "greater"),
                                                       ("ge", "greater_equal"), ("eq", "equal"), ("ne", "not_equal")))


def _logic(op: str):
    def logic(input: Tensor, other: Any) -> Tensor:
        o = other._data if isinstance(other, Tensor) else other
        same_device([t for t in (input, other) if isinstance(t, Tensor)])
        return Tensor._make(as_array(getattr(array_module(input._data), op)(input._data, o)))
    logic.__name__ = op
    return logic


logical_and, logical_or, logical_xor = _logic("logical_and"), _logic("logical_or"), _logic("logical_xor")


def logical_not(input: Tensor) -> Tensor:
    """Elementwise not (bool result)."""
    return Tensor._make(array_module(input._data).logical_not(input._data))


def bitwise_not(input: Tensor) -> Tensor:
    """~input: logical not for bool tensors, bitwise not for integers."""
    if input.is_floating_point():
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return Tensor._make(~input._data)


def isnan(input: Tensor) -> Tensor:
    """True where the element is NaN."""
    return Tensor._make(array_module(input._data).isnan(input._data))


def isfinite(input: Tensor) -> Tensor:
    """True where the element is neither infinite nor NaN."""
    return Tensor._make(array_module(input._data).isfinite(input._data))


def to(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """A copy on another device and/or in another dtype: `to('cuda:0')`, `to(tg.float64)`, `to(other)`.

    Returns `input` itself when nothing changes, as PyTorch does.
    """
    from ..backend import Device, resolve
    dev, dt = kwargs.pop("device", None), kwargs.pop("dtype", None)
    kwargs.pop("non_blocking", None), kwargs.pop("copy", None)
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    for a in args:
        if isinstance(a, Tensor):
            dev, dt = a.device, a.dtype
        elif isinstance(a, dtypes.dtype):
            dt = a
        elif isinstance(a, (str, Device, int)):
            dev = a
        else:
            raise TypeError(f"to() received an invalid combination of arguments: expected a device, a dtype or a "
                            f"Tensor, got {type(a).__name__}")
    dev = input.device if dev is None else resolve(dev)
    dt = input.dtype if dt is None else dtypes.check(dt)
    if dev == input.device and dt is input.dtype:
        return input
    return ToCopy.apply(input, dt, dev)
