"""Elementwise ops, each with its math in its docstring (g = dL/dy) and its forward and backward side by side on
ARRAYS (NumPy or CuPy); the public functions at the end take TENSORS. A backward gives grads in the result's
(broadcast) shape: the engine sums them back. PyTorch's fine print is in fineprint.py and messages.py."""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import backend, promotion as _promotion
from ..autograd import Op
from ..backend import array_module, as_array, device_of, move
from ..tensor import Tensor
from . import fineprint, integer


def select(cond: Any, a: Any, b: Any) -> Any:
    """`a` where `cond`, else `b` (on arrays, or tensors for a grad of a grad): a 0/1 mask would make inf * 0 nan."""
    if isinstance(cond, Tensor) or isinstance(a, Tensor) or isinstance(b, Tensor):
        return where(cond, a, b)
    return backend.select(cond, a, b)


class Add(Op):
    """y = a + b.   dL/da = g,  dL/db = g."""
    promotion = "common"

    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, g):
        return g, g


class Sub(Op):
    """y = a - b.   dL/da = g,  dL/db = -g."""
    promotion = "common"

    @staticmethod
    def forward(ctx, a, b):
        return a - b

    @staticmethod
    def backward(ctx, g):
        return g, -g


class Rsub(Sub):
    """`1 - x`: y = a - b, the number a is op state (PyTorch counts one input).   dL/db = -g."""
    node_name = "RsubBackward1"
    forward = staticmethod(lambda ctx, b, *, a: a - b)
    backward = staticmethod(lambda ctx, g: -g)


class Mul(Op):
    """y = a * b.   dL/da = g * b,  dL/db = g * a   (g = dL/dy, arriving from the output).

    `forward` and `backward` see arrays (NumPy, or CuPy on a GPU), not tensors:
    `apply` unwraps the tensors. If a and b were broadcast, the engine sums each
    gradient back to its operand's shape, once, for every op."""
    promotion = "common"

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
    """y = a / b (integers give floats).   dL/da = g / b,  dL/db = -g * a / b**2."""
    promotion = "float"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a / b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (g / b if need_a else None), (-g * (a / b / b) if need_b else None)


class Rdiv(Div):
    """`2 / x` as PyTorch computes it, times the reciprocal: y = a * r, r = 1 / b.   dL/db = -(g * a) * r * r."""
    node_name = "MulBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * (1 / b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return None, -(g * a) * ((1 / b) * (1 / b))


class Pow(Op):
    """y = a ** b.   dL/da = g * b * a ** (b - 1)  (0 where b = 0),   dL/db = g * y * log(a)  (0 where a = 0, b >= 0).

    A number base or exponent is op state, not an operand: `x ** 2` is `exponent=2`, `2 ** x` is `base=2`."""
    node_name = "PowBackward1"

    @staticmethod
    def forward(ctx, *operands, base=None, exponent=None):
        a, b = (operands[0] if base is None else base), (operands[-1] if exponent is None else exponent)
        y = _power(a, b)
        ctx.save_for_backward(a, b, y)
        ctx.base, ctx.exponent = base, exponent
        return y

    @staticmethod
    def backward(ctx, g):
        a, b, y = ctx.saved_tensors
        if ctx.exponent is not None:  # x ** p: x's grad only; x ** 0 is constant (0 at x = 0 too; not for False)
            return g * (b * _power(a, b - 1)) if b is False or b != 0 else g * 0
        bf = b.astype(y.dtype, copy=False)  # (an integer exponent's b - 1 stays integer: it wraps, as PyTorch's)
        db = g * select((a == 0) & (bf >= 0), 0, y * array_module(g).log(a))
        return db if ctx.base is not None else (g * select(b == 0, 0, bf * _power(a, b - 1)), db)  # (2 ** x: db)


PowScalar, Rpow = Pow.named("PowBackward0"), Pow.named("PowBackward2")  # x ** 2 and 2 ** x


def _power(a: Any, p: Any) -> Any:
    """a ** p as PyTorch computes it: sqrt(a) for p = 0.5, 1 / sqrt(a) for -0.5 ((-0.) ** 0.5 is -0., not 0.)."""
    if not hasattr(p, "shape") and (p == 0.5 or p == -0.5):
        return array_module(a).sqrt(a) if p > 0 else 1 / array_module(a).sqrt(a)
    y = a ** (p.astype(a.dtype) if hasattr(p, "dtype") and p.dtype.kind in "iu" else p)  # (int exponents: a's type)
    return fineprint.pow_of_minus_inf(a, p, y)


class Neg(Op):
    """y = -a.   dL/da = -g."""

    @staticmethod
    def forward(ctx, a):
        return -a

    @staticmethod
    def backward(ctx, g):
        return -g


class Abs(Op):
    """y = |a|.   dL/da = g * sign(a)  (0 at a = 0, and for nan)."""
    refuses = ("abs_cpu", "bool")

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return array_module(a).abs(a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * select(a == a, array_module(a).sign(a), 0)


class Exp(Op):
    """y = e ** a.   dL/da = g * y."""
    promotion = "float"

    @staticmethod
    def forward(ctx, a):
        y = array_module(a).exp(a)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * y


class Log(Op):
    """y = ln(a).   dL/da = g / a."""
    promotion = "float"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return array_module(a).log(a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / a


class Sqrt(Op):
    """y = sqrt(a).   dL/da = g / (2 y)."""
    promotion = "float"

    @staticmethod
    def forward(ctx, a):
        y = array_module(a).sqrt(a)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g / (2 * y)


class Sigmoid(Op):
    """y = 1 / (1 + e ** -a).   dL/da = g * y * (1 - y)."""
    promotion = "float"

    @staticmethod
    def forward(ctx, a):
        e = array_module(a).exp(-a, dtype=np.float64).astype(a.dtype)  # (NumPy's float32 exp can be 1 ulp off)
        y = 1 / (1 + e)  # (e may be inf: y is 0)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * y * (1 - y)


class Tanh(Op):
    """y = tanh(a).   dL/da = g * (1 - y**2)."""
    promotion = "float"

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
    """y = max(a, 0).   dL/da = g where y > 0, else 0  (a nan passes its gradient through)."""

    @staticmethod
    def forward(ctx, a):
        y = array_module(a).maximum(0, a).astype(a.dtype, copy=False)  # (NumPy's tie gives the 2nd: -0. stays -0.)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return select(y <= 0, 0, g)


class Clamp(Op):
    """y = min(max(a, lo), hi) (a bound may be None).   dL/da = g where lo <= a <= hi, else 0."""
    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, a, *, lo, hi):
        ctx.save_for_backward(a)
        ctx.lo, ctx.hi = lo, hi
        y = array_module(a).clip(a, lo, hi).astype(a.dtype, copy=False)  # (clip: max with lo, then min with hi)
        return array_module(a).where(y == a, a, y)  # (a tie keeps a: -0. clamped at 0 stays -0., as in PyTorch)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return select((True if ctx.lo is None else a >= ctx.lo) & (True if ctx.hi is None else a <= ctx.hi), g, 0)


class Maximum(Op):
    """y = max(a, b).   dL/da = g where a > b, dL/db = g where b > a; a tie gives each g / 2."""
    promotion = "common"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return array_module(a).maximum(b, a)  # (NumPy's tie gives the 2nd, PyTorch's the 1st: -0. vs 0.)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        both = select(a == b, g / 2, g)  # a tie shares the gradient; a nan passes it to both
        return select(a < b, 0, both), select(a > b, 0, both)


class Minimum(Op):
    """y = min(a, b).   dL/da = g where a < b, dL/db = g where b < a; a tie gives each g / 2."""
    promotion = "common"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return array_module(a).minimum(b, a)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        both = select(a == b, g / 2, g)
        return select(a > b, 0, both), select(a < b, 0, both)


class Where(Op):
    """y = a where cond, else b (cond is op state).   dL/da = g where cond, dL/db = g elsewhere."""
    promotion = "common"

    @staticmethod
    def forward(ctx, a, b, *, cond):
        ctx.cond = cond
        return array_module(cond).where(cond, a, b)

    @staticmethod
    def backward(ctx, g):
        return select(ctx.cond, g, 0), select(ctx.cond, 0, g)


class ToCopy(Op):
    """y = a, in another dtype and/or on another device.   dL/da = g, back in a's dtype, on a's device."""

    @staticmethod
    def forward(ctx, a, *, dtype, device):
        ctx.dtype, ctx.device = a.dtype, device_of(a)
        return move(a.astype(dtype.np, copy=False), device)  # cast, then move: the result is on `device`

    @staticmethod
    def backward(ctx, g):
        return move(as_array(g).astype(ctx.dtype, copy=False), ctx.device)  # (g may be a NumPy scalar)


class Clone(Op):
    """y = a, in memory of its own.   dL/da = g."""

    @staticmethod
    def forward(ctx, a):
        return a.copy()

    @staticmethod
    def backward(ctx, g):
        return g


# --- the public functions, on tensors -----------------------------------------------------------

def add(input: Any, other: Any, *, alpha: Any = 1, out: Tensor | None = None) -> Tensor:
    """input + alpha * other, broadcasting."""
    if out is not None:
        return fineprint.with_out("add", add, input, other, out, alpha=alpha)
    if type(alpha) is int and alpha == 1:  # (the usual call: no alpha)
        return Add.apply(input, other)
    if fineprint.fused(input, other, alpha):  # input + alpha * other, rounded once as in PyTorch
        return fineprint.AddScaled.apply(input, other, alpha=alpha)
    return Add.apply(input, fineprint.scaled(input, other, alpha))


def sub(input: Any, other: Any, *, alpha: Any = 1, out: Tensor | None = None) -> Tensor:
    """input - alpha * other, broadcasting."""
    if out is not None:
        return fineprint.with_out("sub", sub, input, other, out, alpha=alpha)
    fineprint.check_bool_sub(input, other)
    if not isinstance(input, Tensor):  # `1 - x` (from x.__rsub__)
        a, b = _promotion.promote((input, other), "common")  # (not in apply: the number is a param, yet counts)
        return Rsub.apply(b, a=a)
    if type(alpha) is int and alpha == 1:
        return Sub.apply(input, other)
    if fineprint.fused(input, other, alpha):
        return fineprint.SubScaled.apply(input, other, alpha=-alpha)
    return Sub.apply(input, fineprint.scaled(input, other, alpha))


def mul(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:
    """input * other, elementwise, broadcasting."""
    return Mul.apply(input, other) if out is None else fineprint.with_out("mul", mul, input, other, out)


def div(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:
    """input / other, elementwise, always true division (integers give floats)."""
    if out is not None:
        return fineprint.with_out("div", div, input, other, out)
    return (Div if isinstance(input, Tensor) else Rdiv).apply(input, other)


def pow(input: Any, exponent: Any) -> Tensor:
    """input ** exponent, elementwise (integers stay integers, and have no gradient)."""
    a, b = _promotion.promote((input, exponent), "common")  # (not in apply: a number is a param here, yet counts)
    if not (a if isinstance(a, Tensor) else b).is_floating_point():
        return integer.pow(input, exponent)
    if not isinstance(b, Tensor):
        return PowScalar.apply(a, exponent=b)
    if isinstance(a, Tensor) and exponent._data.dtype.kind in "iu":
        b = exponent  # an integer exponent stays integer (it needs no grad), as in PyTorch's derivative
    return Pow.apply(a, b) if isinstance(a, Tensor) else Rpow.apply(b, base=a)


def neg(input: Tensor) -> Tensor:
    """-input."""
    return Neg.apply(input)


def abs(input: Tensor) -> Tensor:  # noqa: A001 (shadows the builtin on purpose: torch.abs)
    """|input|, elementwise."""
    return Abs.apply(input)


def exp(input: Tensor) -> Tensor:
    """e ** input, elementwise."""
    return Exp.apply(input)


def log(input: Tensor) -> Tensor:
    """The natural logarithm, elementwise."""
    return Log.apply(input)


def sqrt(input: Tensor) -> Tensor:
    """The square root, elementwise."""
    return Sqrt.apply(input)


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + e ** -input), elementwise: squashes any number into (0, 1)."""
    return Sigmoid.apply(input)


def tanh(input: Tensor) -> Tensor:
    """The hyperbolic tangent, elementwise: squashes any number into (-1, 1)."""
    return Tanh.apply(input)


def relu(input: Tensor) -> Tensor:
    """max(input, 0), elementwise."""
    fineprint.check_relu(input)
    return Relu.apply(input)


def clamp(input: Tensor, min: float | None = None, max: float | None = None) -> Tensor:
    """Limit every element to [min, max] (either bound may be None)."""
    x, lo, hi = fineprint.clamp_bounds(input, min, max)
    return Clamp.apply(x, lo=lo, hi=hi)


clip = clamp


def maximum(input: Tensor, other: Tensor) -> Tensor:
    """The larger of two tensors, elementwise."""
    fineprint.require_tensor("maximum", other)
    return Maximum.apply(input, other)


def minimum(input: Tensor, other: Tensor) -> Tensor:
    """The smaller of two tensors, elementwise."""
    fineprint.require_tensor("minimum", other)
    return Minimum.apply(input, other)


def where(condition: Tensor, input: Any, other: Any) -> Tensor:
    """Elements of `input` where `condition` is True, of `other` elsewhere."""
    a, b = fineprint.where_operands(condition, input, other)
    return Where.apply(a, b, cond=condition._data)


def clone(input: Tensor) -> Tensor:
    """A copy with its own memory (recorded: gradients flow back to `input`)."""
    return Clone.apply(input)


def to(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """A copy on another device and/or in another dtype (`input` itself if neither changes): `to('cuda:0')`."""
    device, dtype = fineprint.to_args(input, args, kwargs)
    if device == input.device and dtype is input.dtype:
        return input
    return ToCopy.apply(input if dtype.is_floating_point else input.detach(), dtype=dtype, device=device)


# Backwards written with operators only, on g and saved operands or outputs: on tensors, they record a graph.
for _op in (Add, Sub, Rsub, Mul, Div, PowScalar, Neg, Exp, Log, Sqrt, Sigmoid, Tanh, Relu):
    _op.twice_differentiable = True
