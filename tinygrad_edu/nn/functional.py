"""`tinygrad_edu.nn.functional` (import it as `F`): the layers and losses as plain functions.

`F.linear(x, w, b)` is what an `nn.Linear` computes, without a module to hold `w` and `b`. It is one
engine op (forward and backward below), as the training loop runs it at every step. The losses live
in `losses.py` and are listed here too, so `F.cross_entropy(...)` works as in PyTorch.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from .. import dtypes, messages, random as _random
from ..autograd import Op
from ..backend import array_module
from ..ops import log_softmax as _log_softmax, matmul as _matmul, relu, sigmoid, softmax as _softmax, tanh
from ..messages import broadcast_error
from ..messages import type_name as _torch_name
from ..tensor import Tensor
from ..ops import where as _tensor_where
from .losses import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, log1p as _log1p, mse_loss,
                     nll_loss)

__all__ = ["linear", "embedding", "relu", "sigmoid", "tanh", "softmax", "log_softmax", "mse_loss",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss", "dropout",
           "softplus"]


class Addmm(Op):
    """y = x @ w.T + b for a matrix x (one row per sample): a Linear layer's affine map, as one node.
    dL/dx = g w,   dL/dw = g^T x,   dL/db = g summed over the samples (the engine sums any other broadcast)."""

    twice_differentiable = True  # (its backward is operators on g and the operands: it also runs on tensors)

    @staticmethod
    def forward(ctx, x, w, b=None):
        ctx.save_for_backward(x, w)
        ctx.bias_vector = b is not None and b.ndim == 1
        y = x @ w.T
        if b is not None:
            y += b
        return y

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx = g @ w if need[0] else None
        gw = g.T @ x if need[1] else None
        if len(need) == 2:  # (no bias: Mm)
            return gx, gw
        return gx, gw, ((g.sum(0) if ctx.bias_vector else g) if need[2] else None)


Mm = Addmm.named("MmBackward0")  # `linear` without a bias: x @ w.T, two inputs


def _type_name(x: object) -> str:
    """A type's name as PyTorch's argument errors print it (`numpy.ndarray`, `list`)."""
    kind = type(x)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def _check_addmm(input: Tensor, weight: Tensor, bias: Tensor | None) -> None:
    """PyTorch's errors for x @ w.T (+ b) with a matrix x, in its order: the shapes are checked first without a
    bias, the dtypes first with one."""
    (rows, k), (out_features, k2) = input._data.shape, weight._data.shape
    if k != k2 and bias is None:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k} and {k2}x{out_features})")
    dtype = weight._data.dtype
    if input._data.dtype != dtype or (bias is not None and bias._data.dtype != dtype):
        name = messages.type_name
        if bias is None:
            low = [messages.c_type_name(t.dtype) for t in (input, weight)]
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {low[0]} != {low[1]}")
        if bias._data.dtype != dtype:
            raise RuntimeError(f"self and mat2 must have the same dtype, but got {name(bias.dtype)} and "
                               f"{name(weight.dtype)}")
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {name(input.dtype)} and "
                           f"{name(weight.dtype)}")
    if k != k2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k} and {k2}x{out_features})")
    if bias is not None:
        b_shape = bias._data.shape
        if len(b_shape) > 2:
            raise RuntimeError(f"expand({messages.tensor_type(bias)}{{{list(b_shape)}}}, size=[{rows}, "
                               f"{out_features}]): the number of sizes provided (2) must be greater or equal to the "
                               f"number of dimensions in the tensor ({len(b_shape)})")
        for dim in (1, 0)[:len(b_shape)]:  # from the last dimension, as PyTorch's expand checks
            n, m = b_shape[dim - 2], (rows, out_features)[dim]
            if n not in (1, m):
                raise RuntimeError(f"The expanded size of the tensor ({m}) must match the existing size ({n}) at "
                                   f"non-singleton dimension {dim}.  Target sizes: [{rows}, {out_features}].  "
                                   f"Tensor sizes: {list(b_shape)}")
    if dtype.kind == "b" and rows * out_features:  # (an empty result needs no kernel)
        if k:
            raise NotImplementedError("\"addmm_impl_cpu_\" not implemented for 'Bool'")
        if bias is not None:  # (PyTorch fills the result with 0 in int64 first)
            raise RuntimeError("result type Long can't be cast to the desired output type Bool")


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """input @ weight.T + bias: `weight` has shape (out_features, in_features).

    A batch of samples (a matrix) goes through one op, `Addmm` (or `Mm`). Other ranks take PyTorch's
    paths, so they give its results, errors and node names: flattened to a matrix and back with a
    bias, through `matmul` without one (or with a 0-d one).
    """
    for i, (name, t) in enumerate((("input", input), ("weight", weight))):
        if not isinstance(t, Tensor):
            raise TypeError(f"linear(): argument '{name}' (position {i + 1}) must be Tensor, not {_type_name(t)}")
    # The checks read the raw arrays (not `input.shape`, `input.dtype`): this runs at every step.
    x_shape, w_shape = input._data.shape, weight._data.shape
    if not x_shape or not w_shape:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {len(x_shape)}D and "
                           f"{len(w_shape)}D")
    if len(w_shape) > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {len(w_shape)}D")
    # PyTorch's fused path: a matrix input, or a bias that is a vector (once its dims of size 1 are dropped)
    fused = bias is not None and (len(x_shape) == 2 or bias.ndim == 1 or sum(n != 1 for n in bias.shape) == 1)
    if fused and bias._data.dtype != weight._data.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {messages.type_name(bias.dtype)} and "
                           f"{messages.type_name(weight.dtype)}")
    if fused and len(w_shape) == 1:
        raise RuntimeError("mat2 must be a matrix, got 1-D tensor")
    if len(x_shape) == 2 and len(w_shape) == 2:
        _check_addmm(input, weight, bias)
        return Mm.apply(input, weight) if bias is None else Addmm.apply(input, weight, bias)
    if fused:  # as one matrix of samples, then back to the input's shape
        out = linear(input.reshape(math.prod(x_shape[:-1]), x_shape[-1]), weight, bias)
        return out.reshape(*x_shape[:-1], out.shape[1])
    out = _matmul(input, weight.t())
    return out if bias is None else _add_into(out, bias)


def _add_into(out: Tensor, bias: Tensor) -> Tensor:
    """out + bias as PyTorch's in-place `out.add_(bias)`: the bias may not change out's shape or dtype kind."""
    try:
        shape = np.broadcast_shapes(out._data.shape, bias._data.shape)
    except ValueError:
        raise broadcast_error(out._data.shape, bias._data.shape) from None
    if shape != out._data.shape:
        raise RuntimeError(f"output with shape {list(out.shape)} doesn't match the broadcast shape {list(shape)}")
    result = dtypes.promote_types(out.dtype, bias.dtype)
    kind = {"b": 0, "u": 1, "i": 1, "f": 2}
    if kind[result.np.kind] > kind[out.dtype.np.kind]:
        raise RuntimeError(f"result type {messages.type_name(result)} can't be cast to the desired output type "
                           f"{messages.type_name(out.dtype)}")
    return out + (bias if bias.dtype is out.dtype else bias.to(out.dtype))


class Embedding(Op):
    """Rows of `weight` picked by integer indices; each row's gradient sums the gradients of its picks."""

    @staticmethod
    def forward(ctx, idx, w, padding_idx):
        ctx.save_for_backward(idx)
        ctx.shape, ctx.padding_idx = w.shape, padding_idx
        return w[idx]

    @staticmethod
    def backward(ctx, g):
        idx, = ctx.saved_tensors
        xp = array_module(g)
        grad = xp.zeros(ctx.shape, dtype=g.dtype)
        xp.add.at(grad, idx.reshape(-1), g.reshape(idx.size, ctx.shape[1]))  # an index may repeat: add
        if ctx.padding_idx is not None:
            grad[ctx.padding_idx] = 0  # the padding row never learns
        return None, grad, None


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0) -> Tensor:
    """The rows of `weight` (num_embeddings, embedding_dim) at the integer indices `input`.

    With `max_norm`, each looked-up row whose `norm_type`-norm is above it is first scaled down to that norm,
    in `weight` itself and outside the graph, as PyTorch does.
    """
    if max_norm is None and not isinstance(input, Tensor):
        raise TypeError(f"embedding(): argument 'indices' (position 1) must be Tensor, not {_type_name(input)}")
    reads_size = padding_idx not in (None, 0) or max_norm is None and (padding_idx == 0 or weight.requires_grad)
    if weight.ndim == 0 and reads_size:  # PyTorch reads the size of the weight first
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if reads_size and padding_idx is not None:
        n = weight.shape[0]
        if not -n <= padding_idx < n:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx %= n
    if max_norm is not None:
        if not isinstance(input, Tensor):
            raise AttributeError(f"'{_type_name(input)}' object has no attribute 'contiguous'")
        _renorm_rows(input, weight, _float_arg(max_norm, "max_norm", 3), _float_arg(norm_type, "norm_type", 4))
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    _check_indices(input, 1, "embedding")
    idx = input._data
    if idx.size and weight.shape[0] == 0:
        raise RuntimeError("index_select(): self indexing axis dim should be positive")
    if idx.size and (idx.min() < 0 or idx.max() >= weight.shape[0]):
        if weight.shape[1] == 0:  # (PyTorch checks rows of nothing in another kernel, with another message)
            flat = idx.reshape(-1)
            bad = flat[(flat < 0) | (flat >= weight.shape[0])][0]
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={int(bad)} axis_dim={weight.shape[0]}")
        raise IndexError("index out of range in self")
    return Embedding.apply(input, weight, padding_idx)


def _check_indices(input: Tensor, position: int, caller: str) -> None:
    if input.dtype not in (dtypes.int64, dtypes.int32):
        kind = "CPUBoolType" if input.dtype is dtypes.bool_ else f"tinygrad_edu.{_torch_name(input.dtype)}Tensor"
        raise RuntimeError(f"Expected tensor for argument #{position} 'indices' to have one of the following scalar "
                           f"types: Long, Int; but got {kind} instead (while checking arguments for {caller})")


def _float_arg(value: object, name: str, position: int) -> float:
    if isinstance(value, Tensor) and value.ndim == 0 or isinstance(value, (int, float, np.number)):
        return float(value)
    kind = "Tensor" if isinstance(value, Tensor) else _type_name(value)
    raise TypeError(f"embedding_renorm_(): argument '{name}' (position {position}) must be float, not {kind}")


def _renorm_rows(input: Tensor, weight: Tensor, max_norm: float, norm_type: float) -> None:
    """Scale each row of `weight` looked up by `input` whose norm is above `max_norm` down to norm `max_norm`."""
    if weight.ndim != 2:
        raise RuntimeError(f"Expected 2-dimensional tensor, but got {weight.ndim}-dimensional tensor for argument #1 "
                           "'self' (while checking arguments for embedding_renorm_)")
    _check_indices(input, 2, "embedding_renorm_")
    xp = array_module(weight._data)
    rows = xp.unique(input._data)  # in order, each row once however often it is looked up
    n = weight.shape[0]
    bad = (rows < -n) | (rows >= n)
    good = rows[:int(bad.argmax())] if bad.any() else rows  # PyTorch scales the rows before the first bad one
    if good.size and not weight.is_floating_point():
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got "
                           f"{_torch_name(weight.dtype)} instead.")
    picked = weight._data[good]
    if picked.size == 0 and good.size and math.isinf(norm_type):
        raise RuntimeError(f"linalg.vector_norm cannot compute the {norm_type} norm on an empty tensor because the "
                           "operation does not have an identity")
    with np.errstate(over="ignore", invalid="ignore"):  # overflows to inf and inf rows to nan, silently as there
        if picked.shape[1] == 1 and norm_type != 0:  # PyTorch's norm of one element is its size: it cannot overflow
            norms = xp.abs(picked[:, 0]).astype(np.float64)
        else:
            norms = xp.linalg.norm(picked, ord=norm_type, axis=1).astype(np.float64)
        big = norms > max_norm
        scale = (max_norm / (norms[big] + 1e-7)).astype(picked.dtype)  # PyTorch's 1e-7 keeps a zero norm finite
        weight._data[good[big]] = picked[big] * scale[:, None]
    if good.size < rows.size:
        raise IndexError(f"select(): index {int(rows[good.size])} out of range for tensor of size "
                         f"{list(weight.shape)} at dimension 0")


class Softplus(Op):
    """y = log(1 + e^(beta x)) / beta, and y = x where beta x > threshold (as PyTorch).
    dL/dx = g sigmoid(beta x)  (g where beta x > threshold).

    log(1 + e^z) is `log1p(e^z)` (see losses.log1p: NumPy's float32 log1p is slow, a corrected log is not):
    accurate for z near -100 (where log(1 + e^z) would round to 0), and an e^z that overflows is never used.
    """

    refuses = ("softplus_cpu", "bool", "uint8", "int8", "int16", "int32", "int64")
    twice_differentiable = True

    @staticmethod
    def forward(ctx, x, *, beta, threshold):
        z = x * beta
        ctx.save_for_backward(x)
        ctx.beta, ctx.threshold = beta, threshold
        xp = array_module(x)
        e = xp.exp(z)  # (e^z = inf: z > threshold, where x is the answer, or a threshold of inf or nan)
        return xp.where(z > threshold, x, xp.where(e == np.inf, e, _log1p(e)) / beta)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        z = x * ctx.beta
        if isinstance(z, Tensor):
            s = z.sigmoid()
        else:
            e = array_module(z).exp(z)
            s = e / (e + 1)  # PyTorch's form: nan for z = inf
        return _where(z > ctx.threshold, g, g * s)


def _where(condition, a, b):
    """where() on arrays, or on tensors when a backward records a graph."""
    return _tensor_where(condition, a, b) if isinstance(a, Tensor) else array_module(a).where(condition, a, b)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta * x)) / beta, a smooth relu; x itself where beta * x > threshold."""
    return Softplus.apply(input, beta=beta, threshold=threshold)


def _softmax_dim(name: str, ndim: int) -> int:
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an "
                  "argument.", stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, *, dtype=None) -> Tensor:
    """exp(x) / sum(exp(x)) along `dim`: scores to probabilities."""
    return _softmax(input, _softmax_dim("softmax", input.ndim) if dim is None else dim, dtype)


def log_softmax(input: Tensor, dim: int | None = None, *, dtype=None) -> Tensor:
    """log(softmax(x)) along `dim`, computed without overflow."""
    return _log_softmax(input, _softmax_dim("log_softmax", input.ndim) if dim is None else dim, dtype)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """While training, zero each element with probability p and scale the rest by 1 / (1 - p).

    The mask is PyTorch's for the same seed: `bernoulli_(1 - p)` on the default generator (one
    float64 uniform per element), then divided by 1 - p in the input's dtype. Not training, or
    p = 0, it returns `input` itself.
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if math.isnan(p):  # (PyTorch's kernel refuses it, with another exception type, training or not)
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0 or not training or input.numel() == 0:
        return input
    dtype = input._data.dtype
    if p == 1:
        noise = np.zeros((), dtype)
    else:
        gen = _random._generator(None, input.device)
        noise = _random.bernoulli(gen, 1 - p, tuple(input.shape)).astype(dtype) / dtype.type(1 - p)
    noise = Tensor._make(array_module(input._data).asarray(noise), input.device)
    return input.mul_(noise) if inplace else input * noise
