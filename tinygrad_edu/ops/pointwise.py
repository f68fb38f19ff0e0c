"""Elementwise ops: arithmetic, the math functions, activations, comparisons and `where`.

Each op's forward and backward sit side by side, on arrays of whichever module (NumPy or CuPy) holds
the data. A backward returns gradients in the output's (broadcast) shape: the engine sums them back to
each input's shape, once, for every op.
"""
from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from .. import dtypes
from ..autograd import Op, is_grad_enabled
from ..backend import array_module, as_array
from ..messages import same_device
from ..tensor import Tensor
from . import fineprint


# --- types and broadcasting, decided once for every op ------------------------------------------

def promote(*operands: Any, floating: bool = False) -> tuple[dtypes.dtype, list]:
    """PyTorch's result dtype for `operands`, and the operands converted to it.

    Tensors of another dtype are cast (a recorded op, so grads flow back in their own dtype); Python
    scalars stay Python scalars, which NumPy and CuPy let take the type of the array they meet.
    """
    dt = _shared_float_dtype(operands)
    if dt is not None:  # the usual case in training: nothing to convert, decided quickly
        return dt, list(operands)
    if any(isinstance(x, np.ndarray) for x in operands):  # `tensor + array`: the array is a tensor (as in PyTorch)
        operands = [Tensor._make(x) if isinstance(x, np.ndarray) else x for x in operands]
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
            out.append(dtypes.wrap_int(x, dt))
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


def select(cond: Any, a: Any, b: Any) -> Any:
    """`a` where `cond`, else `b`: how a backward drops the gradient of masked elements (multiplying by a
    0/1 mask would turn an infinite gradient into nan). On arrays, or on tensors for a grad of a grad."""
    if isinstance(cond, Tensor) or isinstance(a, Tensor) or isinstance(b, Tensor):
        return where(cond, a, b)
    return array_module(cond).where(cond, a, b)


def quietly() -> np.errstate:
    """A `with` block in which NumPy computes log(0) = -inf, 1 / 0 = inf, 0 / 0 = nan and overflows to inf
    without a RuntimeWarning, as PyTorch does. (It costs about 1 us, so only the ops that can hit these use it.)"""
    return np.errstate(all="ignore")


def broadcast_error(*shapes: tuple) -> RuntimeError:
    """PyTorch's message for shapes that cannot broadcast, with both shapes named."""
    a, b = shapes[0], shapes[1]
    for s in shapes[1:]:  # (three shapes, for `where`: the first pair that fails)
        try:
            a, b = np.broadcast_shapes(a, s), s
        except ValueError:
            b = s
            break
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
    node_name = "RsubBackward1"


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
            return (g / b if need_a else None), (-g * (a / b) / b if need_b else None)


class Rdiv(Div):
    """`number / tensor`: PyTorch records it as a multiplication by the reciprocal."""

    node_name = "MulBackward0"


class Pow(Op):
    """x ** y for two tensors (or a number raised to a tensor)."""

    node_name = "PowBackward1"

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
        with quietly():
            ga = g * select(b == 0, 0, b * a ** (b - 1)) if need_a else None  # b a**(b-1); 0 where b = 0
            gb = g * select((a == 0) & (b >= 0), 0, y * array_module(g).log(a)) if need_b else None  # a**b log a
        return ga, gb


class Rpow(Pow):
    """A number raised to a tensor, `2 ** x`."""

    node_name = "PowBackward2"


class PowScalar(Op):
    """x ** p for a number p."""

    @staticmethod
    def forward(ctx, a, p):
        ctx.save_for_backward(a)
        ctx.p = p
        with quietly():
            return _power(a, p)

    @staticmethod
    def backward(ctx, g):
        if ctx.p == 0:  # x**0 is constant: 0 everywhere, at x = 0 too (where 0 * x**-1 would be nan)
            return g * 0, None
        a, = ctx.saved_tensors
        with quietly():
            return g * (ctx.p * _power(a, ctx.p - 1)), None

    node_name = "PowBackward0"


def _power(a: Any, p: float) -> Any:
    """a ** p as PyTorch computes it: sqrt(a) for p = 0.5 and 1 / sqrt(a) for p = -0.5 (so (-0.) ** 0.5 is -0. and
    (-inf) ** -0.5 is nan, where C's pow gives 0. and 0.)."""
    if p == 0.5 or p == -0.5:
        r = array_module(a).sqrt(a)
        return r if p > 0 else 1 / r
    return a ** p


class FloorDivide(Op):
    """a // b. Its gradient is 0 almost everywhere; PyTorch does not define it, and neither does this."""

    node_name = "NotImplemented"

    @staticmethod
    def forward(ctx, a, b):
        return array_module(a if hasattr(a, "shape") else b).floor_divide(a, b)

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::floor_divide is not implemented")


def _mod(a: Any, b: Any) -> Any:
    """PyTorch's a % b: the remainder of a / b truncated, moved by b where its sign differs from b's (so a zero
    keeps a's sign: -1. % 1. is -0.)."""
    xp = array_module(a if hasattr(a, "shape") else b)
    r = xp.fmod(a, b)
    if r.dtype.kind != "f":
        return xp.remainder(a, b)
    return xp.where((r != 0) & ((r < 0) != (b < 0)), r + b, r)


class Rremainder(FloorDivide):
    """`number % tensor`: its gradient is not defined (in PyTorch either)."""

    @staticmethod
    def forward(ctx, a, b):
        return _mod(a, b)

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::remainder is not implemented")


class Remainder(Op):
    """a % b = a - b * floor(a / b), with the sign of b."""

    node_name = "RemainderBackward1"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _mod(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return g, -g * array_module(g).floor_divide(a, b)


class RemainderScalar(Remainder):
    node_name = "RemainderBackward0"


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
        return g * select(a == a, array_module(a).sign(a), 0)  # (sign(nan) is 0 in PyTorch)


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
        e = array_module(a).exp(-a, dtype="float64").astype(a.dtype)  # (NumPy's float32 exp can be 1 ulp off)
        y = 1 / (1 + e)  # (e may be inf: y is 0)
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
        return select(y <= 0, 0, g)  # (nan passes its gradient through, as in PyTorch)


class Clamp(Op):
    node_name = "ClampBackward1"

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
        return select(keep, g, 0), None, None


class Maximum(Op):
    """Elementwise max of two tensors; where they tie, each gets half the gradient (as in PyTorch)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return array_module(a).maximum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        both = select(a == b, g / 2, g)  # a tie shares the gradient; a nan passes it to both
        return select(a < b, 0, both), select(a > b, 0, both)


class Minimum(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return array_module(a).minimum(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        both = select(a == b, g / 2, g)
        return select(a > b, 0, both), select(a < b, 0, both)


class Where(Op):
    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.save_for_backward(cond)
        return array_module(cond).where(cond, a, b)

    @staticmethod
    def backward(ctx, g):
        cond, = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad[1:]
        return None, (select(cond, g, 0) if need_a else None), (select(cond, 0, g) if need_b else None)


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

def _scaled(input: Any, other: Any, alpha: Any) -> Any:
    if type(alpha) is int and alpha == 1:  # the default, checked fast
        return other
    fineprint.check_alpha(alpha, input, other)
    if not isinstance(other, Tensor) or alpha == 1:
        return other if alpha == 1 else other * alpha
    dt = dtypes.result_type(input, other)
    if dt is dtypes.bool_:  # bools: alpha * other is other, or all False
        return other & builtins.bool(alpha)
    if isinstance(input, Tensor) and input.shape != other.shape:  # scaled before it is summed back, as PyTorch
        other = other.expand(np.broadcast_shapes(input.shape, other.shape))
    return mul(other.to(dt), alpha)  # alpha * other in the result's dtype


def _with_out(name: str, fn: Any, input: Any, other: Any, out: Tensor | None, **kwargs: Any) -> Tensor:
    """`fn(input, other)`, stored in `out` when one is given (PyTorch's out= variants)."""
    fineprint.check_out(name, out, (input, other))
    return fineprint.write_out(fn(input, other, **kwargs), out, (input, other))


def add(input: Any, other: Any, *, alpha: Any = 1, out: Tensor | None = None) -> Tensor:
    """input + alpha * other, broadcasting."""
    if out is not None:
        return _with_out("add", add, input, other, out, alpha=alpha)
    return binary(Add, input, _scaled(input, other, alpha))


def sub(input: Any, other: Any, *, alpha: Any = 1, out: Tensor | None = None) -> Tensor:
    """input - alpha * other, broadcasting."""
    if out is not None:
        return _with_out("sub", sub, input, other, out, alpha=alpha)
    fineprint.check_bool_sub(input, other)
    return binary(Sub if isinstance(input, Tensor) else Rsub, input, _scaled(input, other, alpha))


def mul(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:
    """input * other, elementwise, broadcasting."""
    if out is not None:
        return _with_out("mul", mul, input, other, out)
    return binary(Mul, input, other)


def div(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:
    """input / other, elementwise, always true division (integers give floats)."""
    if out is not None:
        return _with_out("div", div, input, other, out)
    return binary(Div if isinstance(input, Tensor) else Rdiv, input, other, floating=True)


def pow(input: Any, exponent: Any) -> Tensor:
    """input ** exponent, elementwise."""
    dt, (x, p) = promote(input, exponent)
    if not dt.is_floating_point:
        return _int_pow(x, p if isinstance(p, Tensor) else exponent, dt)
    if isinstance(exponent, Tensor):
        return binary(Pow if isinstance(input, Tensor) else Rpow, x, p)
    return PowScalar.apply(x, p)


def _int_pow(base: Any, exponent: Any, dt: dtypes.dtype) -> Tensor:
    """Integer (and bool) powers, which have no gradient: a negative exponent gives 0 (or +-1 for a base of +-1)."""
    if isinstance(exponent, Tensor) and dt is dtypes.bool_:
        raise fineprint.no_kernel("pow", dt)
    if not isinstance(exponent, Tensor):
        if exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        dtypes.check_fits(exponent, dt)
        return Tensor._make(as_array(base._data ** dtypes.wrap_int(exponent, dt)).astype(dt.np, copy=False), base._device)
    xp = array_module(exponent._data)
    a = base._data if isinstance(base, Tensor) else xp.asarray(base, dtype=dt.np)
    e = exponent._data
    try:
        y = a ** xp.where(e < 0, 0, e)
    except ValueError:
        raise broadcast_error(_shape(base), _shape(exponent)) from None
    odd = (e % 2).astype(bool)
    y = xp.where(e >= 0, y, xp.where(a == 1, 1, xp.where(a == -1, xp.where(odd, -1, 1), 0)))
    return Tensor._make(as_array(y).astype(dt.np, copy=False), exponent._device)


def floor_divide(input: Any, other: Any) -> Tensor:
    """input // other, elementwise: the quotient rounded down (not differentiable)."""
    return _integer_division(FloorDivide, input, other)


def remainder(input: Any, other: Any) -> Tensor:
    """input % other, elementwise, with the sign of `other` (as Python's %)."""
    fn = Remainder if isinstance(other, Tensor) else RemainderScalar
    return _integer_division(fn if isinstance(input, Tensor) else Rremainder, input, other)


def _integer_division(fn: type, input: Any, other: Any) -> Tensor:
    dt, (a, b) = promote(input, other)
    fineprint.check_broadcast(_shape(a), _shape(b))
    if dt is dtypes.bool_:
        raise fineprint.no_kernel("div_floor_cpu" if fn is FloorDivide else "remainder_cpu", a if isinstance(a, Tensor) else b)
    fineprint.check_int_divisor(a, b, dt)
    return binary(fn, a, b)


def neg(input: Tensor) -> Tensor:
    """-input."""
    try:
        return Neg.apply(input)
    except TypeError:  # NumPy refuses to negate bools, as PyTorch does
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert "
                           "a mask, use the `~` or `logical_not()` operator instead.") from None


def abs(input: Tensor) -> Tensor:  # noqa: A001 (shadows the builtin on purpose: torch.abs)
    """|input|, elementwise."""
    fineprint.refuse_dtype("abs_cpu", input, dtypes.bool_)
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
    if input.dtype is dtypes.bool_:
        raise RuntimeError("Boolean inputs not supported for relu")
    return Relu.apply(input)


def clamp(input: Tensor, min: float | None = None, max: float | None = None) -> Tensor:
    """Limit every element to [min, max] (either bound may be None)."""
    if min is None and max is None:
        raise RuntimeError("tinygrad_edu.clamp: At least one of 'min' or 'max' must not be None")
    dt, (x, *_) = promote(input, *(v for v in (min, max) if v is not None))
    if dt is dtypes.bool_:
        raise fineprint.no_kernel("clamp_scalar_cpu" if min is not None and max is not None else
                                  "clamp_min_scalar_cpu" if max is None else "clamp_max_scalar_cpu", input)
    for v in (min, max):
        dtypes.check_fits(v, dt)
    return Clamp.apply(x, *(None if v is None else dtypes.wrap_int(v, dt) for v in (min, max)))


clip = clamp


def maximum(input: Tensor, other: Tensor) -> Tensor:
    """The larger of two tensors, elementwise."""
    fineprint.require_tensor("maximum", other)
    return binary(Maximum, input, other)


def minimum(input: Tensor, other: Tensor) -> Tensor:
    """The smaller of two tensors, elementwise."""
    fineprint.require_tensor("minimum", other)
    return binary(Minimum, input, other)


def where(condition: Tensor, input: Any, other: Any) -> Tensor:
    """Elements of `input` where `condition` is True, of `other` elsewhere."""
    if not isinstance(condition, Tensor) or condition.dtype is not dtypes.bool_:
        got = f", but got a tensor with dtype {dtypes.scalar_type_name(condition.dtype)}" \
            if isinstance(condition, Tensor) else ""
        raise RuntimeError("where expected condition to be a boolean tensor" + got)
    dt, (a, b) = promote(input, other)
    for v in (input, other):
        dtypes.check_fits(v, dt)
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
    def logic(input: Tensor, other: Tensor) -> Tensor:
        fineprint.require_tensor(op, other)
        same_device((input, other))
        dt = dtypes.result_type(input, other).np  # (in it, a 0-d int32 -2**31 is a uint8 0: False)
        try:
            return Tensor._make(as_array(getattr(array_module(input._data), op)(input._data.astype(dt, copy=False),
                                                                                 other._data.astype(dt, copy=False))))
        except ValueError:
            raise broadcast_error(input.shape, other.shape) from None
    logic.__name__ = op
    logic.__doc__ = f"Elementwise `{op.replace('_', ' ')}` of the truth of each element: a bool tensor."
    return logic


logical_and, logical_or, logical_xor = _logic("logical_and"), _logic("logical_or"), _logic("logical_xor")


def _bitwise(op: str):
    def bitwise(input: Any, other: Any) -> Tensor:
        dt, operands = promote(input, other)
        if dt.is_floating_point:
            fineprint.check_broadcast(_shape(input), _shape(other))
            raise fineprint.no_kernel(f"{op}_cpu", dt)
        arrays = [x._data if isinstance(x, Tensor) else x for x in operands]
        try:
            return Tensor._make(as_array(getattr(array_module(arrays[0] if isinstance(operands[0], Tensor) else
                                                             arrays[1]), op)(*arrays)))
        except ValueError:
            raise broadcast_error(*(_shape(x) for x in operands)) from None
    bitwise.__name__ = op
    bitwise.__doc__ = f"Elementwise `{op.replace('_', ' ')}` of integers (logical for bools); `&`, `|`, `^`."
    return bitwise


bitwise_and, bitwise_or, bitwise_xor = _bitwise("bitwise_and"), _bitwise("bitwise_or"), _bitwise("bitwise_xor")


def logical_not(input: Tensor) -> Tensor:
    """Elementwise not (bool result)."""
    return Tensor._make(array_module(input._data).logical_not(input._data))


def bitwise_not(input: Tensor) -> Tensor:
    """Logical not for bool tensors, bitwise not for integers."""
    if input.is_floating_point():
        raise fineprint.no_kernel("bitwise_not_cpu", input)
    return Tensor._make(~input._data)


def invert(input: Tensor) -> Tensor:
    """`~input`: `bitwise_not`."""
    if input.is_floating_point():
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return bitwise_not(input)


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
    if not dt.is_floating_point:  # no gradient flows to an integer or bool copy
        input = input.detach()
    return ToCopy.apply(input, dt, dev)


# Ops whose backward uses only operators on `g` and on saved inputs or outputs: run on tensors, it records
# a graph, so autograd.grad(..., create_graph=True) can differentiate it again (see autograd's docstring).
for _op in (Add, Sub, Rsub, Mul, Div, PowScalar, Neg, Exp, Log, Sqrt, Sigmoid, Tanh, Relu):
    _op.twice_differentiable = True
