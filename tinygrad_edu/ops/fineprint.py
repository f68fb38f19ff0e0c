"""PyTorch's fine print for the ops: the dtypes it has no kernel for, the arguments it refuses, and its words.

None of this is needed to read how an op computes or differentiates; it makes the package refuse what
PyTorch refuses, with PyTorch's exception type and message, so code written here runs there.
"""
from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np

from .. import args, dtypes, messages, promotion
from ..autograd import Op, is_grad_enabled
from ..backend import Device, array_module, resolve
from ..inplace import writable  # noqa: F401 (for indexing and masks)
from ..tensor import Tensor


def require_tensor(fn: str, value: Any, name: str = "other", position: int = 2) -> None:
    """PyTorch's TypeError where an argument must be a tensor (`maximum(x, 2)`, `logical_and(x, 1)`)."""
    if not isinstance(value, Tensor):
        raise messages.not_a_tensor(fn, value, name, position)


def check_bool_sub(a: Any, b: Any) -> None:
    """PyTorch refuses `-` when either side is bool (NumPy only when both are)."""
    a_bool = type(a) is bool or isinstance(a, Tensor) and a._data.dtype == np.bool_
    b_bool = type(b) is bool or isinstance(b, Tensor) and b._data.dtype == np.bool_
    if a_bool and b_bool:
        raise RuntimeError(messages.BOOL_SUB)
    if a_bool or b_bool:
        raise RuntimeError(messages.BOOL_SUB_ONE)


def check_broadcast(*shapes: tuple) -> None:
    """PyTorch's broadcast error now, for ops that check shapes before anything else."""
    messages.check_broadcast(*shapes)


def check_alpha(alpha: Any, a: Any, b: Any) -> None:
    """`add(..., alpha=)`: a float alpha needs a floating result, a bool alpha a bool one."""
    check_broadcast(*(tuple(x.shape) for x in (a, b) if isinstance(x, Tensor)))
    dt = dtypes.result_type(a, b)
    if isinstance(alpha, bool):
        if dt is not dtypes.bool_:
            raise RuntimeError(messages.BOOL_ALPHA)
    elif isinstance(alpha, float) and not dt.is_floating_point:
        raise RuntimeError(messages.FLOAT_ALPHA)
    dtypes.check_fits(alpha, dt)


def check_int_divisor(dividend: Any, divisor: Any, dt: dtypes.dtype) -> None:
    """Integer division by zero is an error in PyTorch (NumPy gives 0 and a warning)."""
    shapes = [tuple(x.shape) for x in (dividend, divisor) if isinstance(x, Tensor)]
    if dt.is_floating_point or not np.prod(np.broadcast_shapes(*shapes)):
        return
    # (in the common dtype: a uint8 tensor // a 0-d int32 -2**31 divides by 0, as in PyTorch)
    if (divisor._data.astype(dt.np) == 0).any() if isinstance(divisor, Tensor) else dtypes.wrap_int(divisor, dt) == 0:
        raise RuntimeError(messages.INT_DIVISION_BY_ZERO)


def check_division(kernel: str, input: Any, other: Any) -> None:
    """floor_divide and remainder: shapes that broadcast, no bools, no integer division by zero."""
    check_broadcast(*(tuple(x.shape) for x in (input, other) if isinstance(x, Tensor)))
    dt = dtypes.result_type(input, other)
    if dt is dtypes.bool_:
        raise messages.no_kernel(kernel, dt)
    check_int_divisor(input, other, dt)


# --- pointwise: the arguments of add, sub, clamp, where, to ----------------------------------------

class AddScaled(Op):
    """y = a + alpha * b, rounded once as PyTorch's fused multiply-add (float32 through float64), for a float
    `add(a, b, alpha=)`; `sub` is alpha -> -alpha.   dL/da = g,  dL/db = alpha * g."""
    node_name = "AddBackward0"
    promotion = "common"

    @staticmethod
    def forward(ctx, a, b, *, alpha):
        ctx.alpha = alpha
        if a.dtype == np.float64:
            return a + alpha * b
        wide = a.astype(np.float64) + float(a.dtype.type(alpha)) * b.astype(np.float64)  # (alpha in a's dtype)
        return wide.astype(a.dtype)

    @staticmethod
    def backward(ctx, g):
        return g, g * ctx.alpha


SubScaled = AddScaled.named("SubBackward0")


def fused(input: Any, other: Any, alpha: Any) -> bool:
    """Is `add(input, other, alpha=)` one fused multiply-add (an alpha other than 1, on float tensors)?"""
    if type(alpha) is int and alpha == 1 or not (isinstance(input, Tensor) and isinstance(other, Tensor)):
        return False
    check_alpha(alpha, input, other)
    return dtypes.result_type(input, other).is_floating_point


def scaled(input: Any, other: Any, alpha: Any) -> Any:
    """`alpha * other` for `add(input, other, alpha=)` and `sub`: in the result's dtype, with PyTorch's checks."""
    if type(alpha) is int and alpha == 1:  # the default, checked fast
        return other
    check_alpha(alpha, input, other)
    if not isinstance(other, Tensor) or alpha == 1:
        return other if alpha == 1 else other * alpha
    dt = dtypes.result_type(input, other)
    if dt is dtypes.bool_:  # bools: alpha * other is other, or all False
        return other & bool(alpha)
    if isinstance(input, Tensor) and input.shape != other.shape:  # scaled before it is summed back, as PyTorch
        other = other.expand(np.broadcast_shapes(input.shape, other.shape))
    return other.to(dt) * alpha  # alpha * other in the result's dtype


def with_out(name: str, fn: Any, input: Any, other: Any, out: Tensor, **kwargs: Any) -> Tensor:
    """`fn(input, other)`, stored in `out` (PyTorch's out= variants)."""
    check_out(name, out, (input, other))
    return write_out(fn(input, other, **kwargs), out, (input, other))


def pow_of_minus_inf(a: Any, p: Any, y: Any) -> Any:
    """`y = a ** p` with C's (-inf) ** p where p is not an integer: inf for p > 0, 0 for p < 0 (NumPy: nan)."""
    if getattr(getattr(a, "dtype", None), "kind", None) != "f" or not (  # (arrays only: not a grad of a grad)
            hasattr(p, "dtype") and p.dtype.kind == "f" or type(p) is float and np.isfinite(p) and not p.is_integer()):
        return y
    xp = array_module(a)
    fraction = xp.isfinite(p) & (p != xp.floor(p))
    return xp.where((a == -xp.inf) & fraction, xp.where(p > 0, xp.inf, 0), y).astype(y.dtype, copy=False)


def check_relu(input: Tensor) -> None:
    if input.dtype is dtypes.bool_:
        raise RuntimeError(messages.RELU_BOOL)


def clamp_bounds(input: Tensor, lo: Any, hi: Any) -> tuple:
    """`input` in the dtype it meets its bounds in, and the bounds as that dtype sees them (checked)."""
    if lo is None and hi is None:
        raise RuntimeError(messages.CLAMP_NO_BOUNDS)
    x, *_ = promotion.promote((input, *(v for v in (lo, hi) if v is not None)), "common")
    if x.dtype is dtypes.bool_:
        raise messages.no_kernel("clamp_scalar_cpu" if lo is not None and hi is not None else
                                 "clamp_min_scalar_cpu" if hi is None else "clamp_max_scalar_cpu", input)
    for v in (lo, hi):
        dtypes.check_fits(v, x.dtype)
    return (x, *(None if v is None else dtypes.wrap_int(v, x.dtype) for v in (lo, hi)))


def where_operands(condition: Any, input: Any, other: Any) -> tuple:
    """`where`'s checks: a bool condition on the operands' device, shapes that broadcast, numbers that fit.
    Two numbers become 0-d tensors of their common dtype (NumPy would pick float64 for 1 and 2.5)."""
    if not isinstance(condition, Tensor) or condition.dtype is not dtypes.bool_:
        raise messages.where_condition(condition)
    tensors = [x for x in (condition, input, other) if isinstance(x, Tensor)]
    messages.same_device(tensors)
    check_broadcast(*(tuple(x.shape) for x in tensors))
    dt = dtypes.result_type(input, other)
    for v in (input, other):
        dtypes.check_fits(v, dt)
    if len(tensors) == 1:
        xp = array_module(condition._data)
        input, other = (Tensor._make(xp.asarray(v, dtype=dt.np)) for v in (input, other))
    return input, other


def to_args(input: Tensor, args: tuple, kwargs: dict) -> tuple:
    """The device and dtype in `to('cuda:0')`, `to(tg.float64)`, `to(other)`, `to(device=, dtype=)`."""
    dev, dt = kwargs.pop("device", None), kwargs.pop("dtype", None)
    kwargs.pop("non_blocking", None), kwargs.pop("copy", None)
    if kwargs:
        raise messages.to_unexpected_keyword(next(iter(kwargs)))
    for a in args:
        if isinstance(a, Tensor):
            dev, dt = a.device, a.dtype
        elif isinstance(a, dtypes.dtype):
            dt = a
        elif isinstance(a, (str, Device, int)):
            dev = a
        else:
            raise messages.to_invalid(a)
    return (input.device if dev is None else resolve(dev)), (input.dtype if dt is None else dtypes.check(dt))


def write_out(result: Tensor, out: Tensor | None, inputs: Sequence[Any] = (), same_dtype: bool = False) -> Tensor:
    """`out=`: store `result` in the tensor `out` (resized if its shape differs), as PyTorch's out= variants do.

    An elementwise op may not resize an input it writes into; matmul wants `out` in the result's dtype."""
    if out is None:
        return result
    if same_dtype and out.dtype is not result.dtype:
        raise messages.out_dtype(result.dtype, out.dtype)
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



# --- shapes and movement (ops/movement.py) --------------------------------------------------------

def flattened_shape(input: Tensor, start_dim: int, end_dim: int) -> tuple:
    """The shape `flatten(start_dim, end_dim)` gives (a 0-d tensor becomes a vector of 1)."""
    s, e = args.dim(start_dim, input.ndim), args.dim(end_dim, input.ndim)
    if input.ndim == 0:
        return (1,)
    if s > e:
        raise RuntimeError(messages.FLATTEN_ORDER)
    shape = tuple(input.shape)
    return shape[:s] + (args.known_product(shape[s:e + 1]),) + shape[e + 1:]


def permutation(input: Tensor, order: tuple) -> tuple:
    """`permute`'s dims, checked (one per dimension, each once) and made non-negative."""
    if len(order) != input.ndim:
        raise messages.permute_length(input.ndim, len(order))
    order = tuple(args.dim(d, input.ndim) for d in order)
    if len(set(order)) != len(order):
        raise RuntimeError(messages.PERMUTE_REPEATED)
    return order


def check_t(input: Tensor) -> None:
    if input.ndim > 2:
        raise messages.t_dims(input.ndim)


def squeezed_shape(input: Tensor, dim: Any) -> tuple:
    """The shape `squeeze(dim)` gives: without the dimensions of size 1 (among `dim`, if given)."""
    dims = range(input.ndim) if dim is None else args.dims(dim, input.ndim)
    return tuple(n for i, n in enumerate(input.shape) if not (i in dims and n == 1))


def expanded_shape(input: Tensor, sizes: tuple) -> tuple:
    """The shape `expand(*sizes)` gives (-1 keeps a size), checked as PyTorch checks it."""
    lead = len(sizes) - input.ndim
    if lead < 0:
        raise messages.expand_too_few(input, sizes)
    shape = list(sizes)
    for i in reversed(range(len(sizes))):  # (from the last dim, as PyTorch checks)
        if i < lead and sizes[i] < 0:
            raise messages.expand_leading(sizes[i], i)
        old = input.shape[i - lead] if i >= lead else 1
        shape[i] = n = old if sizes[i] == -1 else sizes[i]
        if old != 1 and old != n:
            raise messages.expand_mismatch(n, old, i, sizes, input.shape)
    return tuple(shape)


def cat_dim(tensors: tuple, dim: int) -> int:
    """`cat`'s dim, non-negative, after PyTorch's checks of the tensors' shapes (empty vectors are skipped)."""
    if not tensors:
        raise ValueError(messages.CAT_EMPTY)
    for i, x in enumerate(tensors):
        if x.ndim == 0:
            raise messages.cat_zero_d(i)
    checked = [x for x in tensors if not (x.ndim == 1 and x.numel() == 0)]
    if not checked:  # only empty vectors: any dim will do
        return 0
    first = checked[0]
    d = args.dim(dim, first.ndim)
    for i, x in enumerate(checked[1:], 1):
        if x.ndim != first.ndim:
            raise messages.cat_ndim(first.ndim, x.ndim)
        for k in range(first.ndim):
            if k != d and x.shape[k] != first.shape[k]:
                raise messages.cat_sizes(d, first.shape[k], x.shape[k], i)
    return d


def stack_dim(tensors: tuple, dim: int) -> int:
    """`stack`'s new dim, non-negative, after checking that the tensors have one shape."""
    if not tensors:
        raise RuntimeError(messages.STACK_EMPTY)
    d = args.dim(dim, tensors[0].ndim + 1)
    for i, x in enumerate(tensors[1:], 1):
        if x.shape != tensors[0].shape:
            raise messages.stack_sizes(tensors[0].shape, x.shape, i)
    return d


# --- reductions (ops/reduce.py, ops/search.py) ----------------------------------------------------

def reduce_dims(dim: Any, ndim: int) -> tuple | None:
    """A reduction's dims, non-negative (None, or an empty list: all of them; a 0-d tensor: none)."""
    dims = args.dims(dim, ndim)
    if not dims:
        return None
    return dims if ndim else ()


def sum_dtype(input: Tensor, dtype: Any) -> Any:
    """The NumPy dtype `sum` accumulates in: int64 for bool and integers, unless told."""
    if dtype is None and not input.is_floating_point():
        dtype = dtypes.int64
    if dtype is not None and not dtypes.check(dtype).is_floating_point and input.requires_grad and is_grad_enabled():
        raise messages.autograd_dtype(dtype)
    return None if dtype is None else dtype.np


def mean_input(input: Tensor, dtype: Any) -> Tensor:
    """`mean`'s input, in `dtype` if given: PyTorch averages floating-point tensors only."""
    if dtype is not None:
        input = input.to(dtype)
    if not input.is_floating_point():
        raise messages.mean_dtype(input.dtype)
    return input


def check_reduce_all(name: str, input: Tensor) -> None:
    """`max()` / `argmax()` of all elements: there must be one."""
    if input.numel() == 0:
        raise messages.reduce_all_empty(name)


def reduce_dim(name: str, input: Tensor, dim: int) -> int:
    """The dim of `max(dim)` / `argmax(dim)`, non-negative, along which there must be an element."""
    d = args.dim(dim, input.ndim)
    if input.ndim and input.shape[d] == 0:
        raise messages.reduce_dim_empty(name, d)
    return d


def arg_dim(name: str, input: Tensor, dim: int | None) -> int | None:
    """The dim of `argmax` / `argmin` (None: of all elements), checked as PyTorch checks it."""
    if input.dtype is dtypes.bool_:
        raise messages.arg_bool(name)
    if dim is None:
        check_reduce_all(name, input)
        return None
    return reduce_dim(name, input, dim)


def softmax_input(input: Tensor, dim: int, dtype: Any, name: str) -> Tensor:
    """The input of a softmax, cast to `dtype` if given; PyTorch has no kernel for integers (an empty
    integer tensor: a copy, as there is nothing to compute)."""
    d = args.dim(dim, input.ndim)
    if dtype is not None:
        input = input.to(dtype)
    if not input.is_floating_point():
        if input.numel():
            last = "lastdim_" if input.ndim == 0 or d == input.ndim - 1 else ""
            raise messages.no_kernel(f"{name}_{last}kernel_impl", input.dtype)
        return Tensor._make(input._data.copy(), input._device)
    return input


# --- matmul (ops/matmul.py) -----------------------------------------------------------------------

def matmul_operands(a: Any, b: Any) -> tuple:
    """`a @ b`'s operands after PyTorch's checks, in its order: types, shapes (as its kernels word them),
    dtypes (matmul does not promote; a batched product with nothing to multiply is made in b's dtype)."""
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        raise messages.matmul_not_tensor(b)
    if a.ndim == b.ndim == 1 and a.dtype is not b.dtype:  # (dot checks the dtypes before the sizes)
        raise messages.dot_dtypes(a.dtype, b.dtype)
    check_matmul_shapes(a, b)
    if b.ndim >= 3 and a.ndim < 3 or min(a.ndim, b.ndim) >= 3:  # a batched product (bmm) checks its kernel first
        check_broadcast(tuple(a.shape[:-2]), tuple(b.shape[:-2]))
        if a.dtype is dtypes.bool_ and a.numel() and b.numel():
            raise messages.no_kernel("bmm", a.dtype)
    if a.dtype is not b.dtype:
        error = _matmul_dtype_error(a, b)
        if error is not None:
            raise error
        if a.requires_grad and not b.dtype.is_floating_point:  # (the empty result, in b's dtype, would require grad)
            raise messages.autograd_dtype(b.dtype)
        a = a.to(b.dtype)
    if a.dtype is dtypes.bool_ and (a.ndim == b.ndim == 1 or a.numel() and b.numel()):
        kernel = "dot" if a.ndim == b.ndim == 1 else "addmv_impl_cpu" if b.ndim == 1 else "addmm_impl_cpu_"
        raise messages.no_kernel(kernel, a.dtype)
    return a, b


def _matmul_dtype_error(a: Tensor, b: Tensor) -> Exception | None:
    """Operands of two dtypes: PyTorch's error, worded by the kernel its matmul calls (dot, mv, mm, bmm, after
    folding a batch into rows), or None for a batched product of an empty operand (PyTorch does not check)."""
    if b.ndim == 1:
        return messages.mv_dtypes(a.dtype, b.dtype)
    if b.ndim == 2:
        return messages.matmul_dtypes(a.dtype, b.dtype)
    if a.ndim == 1 and (a.requires_grad or not b.numel()):  # b's batch folded: b^T @ a
        return messages.mv_dtypes(b.dtype, a.dtype)
    if a.ndim == 2 and a.requires_grad:  # b's batch folded: (b^T @ a^T)^T
        return messages.matmul_dtypes(b.dtype, a.dtype)
    return messages.bmm_dtypes(a.dtype, b.dtype) if a.numel() and b.numel() else None


def check_matmul_shapes(a: Tensor, b: Tensor) -> None:
    """The inner sizes must match; PyTorch's message depends on which kernel (and which folding of a batch
    into rows) it would have used."""
    if a.ndim == 0 or b.ndim == 0:
        raise messages.matmul_0d(a.ndim, b.ndim)
    k_a, k_b = a.shape[-1], (b.shape[0] if b.ndim == 1 else b.shape[-2])
    if k_a == k_b:
        return
    if a.ndim == 1 and b.ndim == 1:
        raise messages.dot_sizes(k_a, k_b)
    rows = int(np.prod(a.shape[:-1]))  # against a matrix or a vector, a's leading dimensions are rows
    if a.ndim == 2 and b.ndim >= 3 and a.requires_grad:  # PyTorch folds b's batch into rows: b^T @ a^T
        raise messages.mm_shapes((int(np.prod(b.shape[:-2])) * b.shape[-1], k_b), (a.shape[1], a.shape[0]))
    if a.ndim == 1 and b.ndim >= 3 and (b.ndim == 3 and k_b == 1 or a.requires_grad):  # folded: b^T @ a
        n = int(np.prod(b.shape[:-2])) * b.shape[-1]
        raise messages.mv_sizes(n, k_b, k_a)
    if a.ndim == b.ndim == 3 and b.shape[0] == 1 < a.shape[0] and b.requires_grad:  # b is taken as one matrix
        raise messages.mm_shapes((rows, k_a), b.shape[1:])
    if b.ndim == 1:
        raise messages.mv_sizes(rows, k_a, k_b)
    if b.ndim == 2:
        raise messages.mm_shapes((rows, k_a), b.shape)
    check_broadcast(tuple(a.shape[:-2]), tuple(b.shape[:-2]))
    raise messages.bmm_sizes(int(np.prod(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]))), k_a, k_b)


def check_mm(a: Any, b: Any) -> None:
    for name, x in (("self", a), ("mat2", b)):
        if isinstance(x, Tensor) and x.ndim != 2:
            raise messages.matrix_expected(name)


def check_dot(a: Tensor, b: Tensor) -> None:
    if a.ndim != 1 or b.ndim != 1:
        raise messages.dot_1d(a.ndim, b.ndim)


def matmul_out(input: Tensor, other: Tensor, out: Tensor, matmul: Any) -> Tensor:
    """`matmul(..., out=)` with PyTorch's checks in its order: for two vectors (its dot_out) and for batches,
    `out` is resized before the inputs are checked (so an `out` that is also an input changes it)."""
    check_out("matmul", out, (input, other))
    if input.ndim == 1 and other.ndim == 1:
        resize_out(out, ())
        if out.dtype is not input.dtype:
            raise messages.dot_out_dtype(out.dtype, input.dtype)
        return write_out(matmul(input, other), out)
    if input.ndim == 2 and other.ndim == 1 and input.shape[1] != other.shape[0]:  # (PyTorch's addmv_out: `out`
        if out.ndim == 0:                                                          # is its input, not resized)
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        raise messages.mv_sizes(input.shape[0], input.shape[1], other.shape[0], out.shape[0] if out.shape[0] == 1
                                else None)
    if other.ndim == 1 and input.ndim >= 2 and not out.dtype is input.dtype is other.dtype:
        if input.ndim > 2:
            resize_out(out, tuple(input.shape[:-1]))
        check_matmul_shapes(input, other)
        if input.ndim > 2 or out.ndim == 0 or out.ndim == 1 and out.shape[0] in (1, input.shape[0]):
            raise messages.mv_dtypes(input.dtype, other.dtype, out.dtype)
        if input.dtype is not other.dtype:  # (an `out` of another shape is not addmv's input)
            raise messages.mv_dtypes(input.dtype, other.dtype)
        raise messages.out_dtype(other.dtype, out.dtype, c_names=True)
    if other.ndim == 2 and input.ndim <= 2 and out.dtype is not input.dtype:  # (mm checks `out` against `input`)
        check_matmul_shapes(input, other)
        raise messages.out_dtype(input.dtype, out.dtype, c_names=True)
    if max(input.ndim, other.ndim) >= 3 and min(input.ndim, other.ndim) >= 1:
        batches = tuple(input.shape[:-2]), tuple(other.shape[:-2]) if other.ndim > 1 else ()
        check_broadcast(*batches)
        rows, cols = tuple(input.shape[-2:-1]), tuple(other.shape[-1:]) if other.ndim > 1 else ()
        resize_out(out, np.broadcast_shapes(*batches) + rows + cols)
        check_matmul_shapes(input, other)
        expected = (input if other.ndim == 2 else other).dtype
        if out.dtype is not expected:
            raise messages.out_dtype(expected, out.dtype, c_names=True)
    return write_out(matmul(input, other), out, same_dtype=True)


# --- masks (ops/masks.py) -------------------------------------------------------------------------

def masked_fill_args(input: Tensor, mask: Any, value: Any) -> tuple:
    """`masked_fill`'s input (expanded to the mask's shape if that is larger) and value (a number), checked."""
    if not isinstance(mask, Tensor) or mask.dtype is not dtypes.bool_:
        raise messages.mask_dtype(mask.dtype.name if isinstance(mask, Tensor) else type(mask).__name__)
    if isinstance(value, Tensor):
        if value.ndim:
            raise messages.mask_value_dims(value.ndim)
        value = value.item()
    messages.same_device((input, mask))
    check_broadcast(tuple(input.shape), tuple(mask.shape))
    shape = np.broadcast_shapes(tuple(input.shape), tuple(mask.shape))
    dtypes.check_fits(value, input.dtype)
    return (input if tuple(input.shape) == shape else input.expand(shape)), value


def check_in_place_mask(input: Tensor, mask: Any) -> None:
    """`masked_fill_`: the mask must broadcast to the input's own shape."""
    if isinstance(mask, Tensor) and mask.shape != input.shape:
        try:
            fits = np.broadcast_shapes(tuple(input.shape), tuple(mask.shape)) == tuple(input.shape)
        except ValueError:
            fits = False
        if not fits:
            raise messages.broadcast_error(tuple(input.shape), tuple(mask.shape))


def check_triangle(name: str, input: Tensor, diagonal: Any) -> None:
    if not isinstance(diagonal, int) or isinstance(diagonal, bool):
        raise messages.triangle_diagonal(name, diagonal)
    if input.ndim < 2:
        raise messages.triangle_dims(name)
