"""Loss functions: how wrong a prediction is, as one number to minimise.

Each loss is one engine op, its forward (the loss of every element, then reduced) beside its backward
(the derivative of that loss for each element, written out); `cross_entropy` is two, `log_softmax`
then `nll_loss`, as in PyTorch. Written by hand they stay finite where a composition of `log` and
`sigmoid` would not: `binary_cross_entropy_with_logits` of a logit of 1000 is 0 or 1000, not `nan`.
Each comes as a function (`mse_loss`) and a module (`MSELoss`).

The tensors a loss compares are its operands (the graph's inputs, as PyTorch counts them); weights, the
class indices of `nll_loss` and `reduction` are parameters of the op. The backwards are written with
operators on `g` and on the operands, so they also run on tensors: `autograd.grad(loss, x,
create_graph=True)` records them and the gradient can be differentiated again.

`reduction` says what to do with the per-element losses: 'mean' (the default), 'sum', or 'none'
(keep them all).
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from .. import dtypes, messages
from ..autograd import Op, is_grad_enabled
from ..backend import array_module
from ..ops import log_softmax, where
from ..tensor import Tensor
from .module import Module

REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _reduce(loss, reduction: str):
    """The per-element losses reduced as asked."""
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.sum() / loss.size  # the mean (NumPy's .mean() is slower)


# --- the same math on arrays (forward, backward) and on tensors (a backward that records a graph) -------------

def _exp(a):
    return a.exp() if isinstance(a, Tensor) else array_module(a).exp(a)


def _log(a):
    if isinstance(a, Tensor):
        return a.log()
    return array_module(a).log(a)  # (log(0) = -inf, silently: see backend.quiet_numpy)


def _sigmoid(a):
    if isinstance(a, Tensor):
        return a.sigmoid()
    return 1 / (1 + array_module(a).exp(-a))  # (e^1000 = inf: 1 / (1 + inf) = 0, the right answer)


def _min0(a):
    """min(a, 0), elementwise."""
    return a.clamp(max=0) if isinstance(a, Tensor) else array_module(a).minimum(a, 0)


def log1p(e):
    """log(1 + e) for e >= 0, accurate to the last bits also where 1 + e rounds to 1 (e below 6e-8 in float32).

    Float32: log(u) - ((u - 1) - e) / u with u = 1 + e (the rounding of u, corrected to first order), because
    NumPy's float32 `log1p` is a scalar loop while its `log` is vectorised. Measured on this 2-core machine
    (float32, time per call): 10,000 elements log1p 154 us, log(1 + e) 66 us (but e^-30 becomes 0: wrong), this
    85 us; 1,000,000: 16.2 ms, 9.2 ms, 11.5 ms. Its error stays under 3e-7 relative (PyTorch's float32 tolerance
    is 1.3e-6). Float64: `log1p` itself (213 us against 248 us for the corrected form at 10,000 elements).
    """
    if not isinstance(e, Tensor) and e.dtype == np.float64:
        return array_module(e).log1p(e)
    u = 1 + e
    return _log(u) - ((u - 1) - e) / u


def log_sigmoid(x):
    """log(sigmoid(x)) = -log(1 + e^-x), as min(x, 0) - log1p(e^-|x|): e^-|x| is at most 1, so nothing
    overflows at any logit (+-1000 included), and nothing underflows to a wrong 0 where the answer is tiny.
    (NumPy's `-logaddexp(0, -x)` is as exact but slower: 389 us for 10,000 float32 elements, this 137 us.)"""
    return _min0(x) - log1p(_exp(-abs(x)))


# --- the ops ------------------------------------------------------------------------------------

class MseLoss(Op):
    """l = (x - t)^2 per element, then reduced (the mean divides by n).
    dl/dx = 2 (x - t) g / n,   dl/dt = -dl/dx."""

    twice_differentiable = True

    @staticmethod
    def forward(ctx, x, t, *, reduction):
        d = x - t
        ctx.save_for_backward(x, t)
        ctx.norm = 2 / d.size if reduction == "mean" and d.size else 2  # (an empty d has nothing to scale)
        return _reduce(d * d, reduction)

    @staticmethod
    def backward(ctx, g):
        x, t = ctx.saved_tensors
        gx = ctx.norm * (x - t) * g  # in PyTorch's order, which overflows no sooner than it must
        return gx, (-gx if ctx.needs_input_grad[1] else None)


class BinaryCrossEntropy(Op):
    """l = -w (t log p + (1 - t) log(1 - p)) per element, for probabilities p; each log is clamped at -100.
    dl/dp = w g (p - t) / max(p (1 - p), 1e-12),   dl/dt = w g (log(1 - p) - log p)  (unclamped, as PyTorch's)."""

    twice_differentiable = True

    @staticmethod
    def forward(ctx, p, t, *, weight, reduction):
        log_p, log_q = _log(p).clip(-100), _log(1 - p).clip(-100)
        loss = -(t * log_p + (1 - t) * log_q)
        if weight is not None:
            loss = loss * weight
        ctx.save_for_backward(p, t)
        ctx.weight, ctx.n = weight, (p.size if reduction == "mean" else 1)
        return _reduce(loss, reduction)

    @staticmethod
    def backward(ctx, g):
        p, t = ctx.saved_tensors
        scale = g / ctx.n if ctx.weight is None else g * ctx.weight / ctx.n
        need_p, need_t = ctx.needs_input_grad
        gp = scale * (p - t) / (p * (1 - p)).clip(1e-12) if need_p else None
        gt = (_log(1 - p) - _log(p)) * scale if need_t else None  # -logit(p): infinite at p = 0 or 1
        return gp, gt


class BinaryCrossEntropyWithLogits(Op):
    """The binary cross entropy of sigmoid(x), from the logit x: l = w ((1 - t) x - c log(sigmoid(x))), with
    c = 1 + (pos_weight - 1) t (c = 1 without pos_weight). log(sigmoid(x)) is `log_sigmoid`, finite for any x.
    dl/dx = w g (c sigmoid(x) - pos_weight t)  (= w g (sigmoid(x) - t) without pos_weight),
    dl/dt = w g ((1 - pos_weight) log(sigmoid(x)) - x). The result has the target's dtype, as in PyTorch."""

    twice_differentiable = True

    @staticmethod
    def forward(ctx, x, t, *, weight, pos_weight, reduction):
        # PyTorch's steps are in place: each result is rounded to the dtype of what it is written into (the
        # target's, or the logits'), so with two dtypes what overflows there overflows here.
        log_s = log_sigmoid(x)
        if pos_weight is not None:
            log_s = (log_s * (1 + (pos_weight - 1) * t)).astype(x.dtype, copy=False)
        loss = ((1 - t) * x).astype(t.dtype, copy=False) - log_s
        if weight is not None:
            loss = loss.astype(t.dtype, copy=False) * weight
        ctx.save_for_backward(x, t)
        ctx.weight, ctx.pos_weight, ctx.n = weight, pos_weight, (x.size if reduction == "mean" else 1)
        return _reduce(loss.astype(t.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, g):
        x, t = ctx.saved_tensors
        pw, need_x, need_t = ctx.pos_weight, *ctx.needs_input_grad
        gx = gt = None
        if need_x:
            gx = _sigmoid(x) - t if pw is None else (1 + (pw - 1) * t) * _sigmoid(x) - pw * t
        if need_t:
            gt = -x if pw is None else (1 - pw) * log_sigmoid(x) - x
        return _times(gx, g, ctx.weight, ctx.n, x), _times(gt, g, ctx.weight, ctx.n, x)


def _times(v, g, weight, n, like):
    """v * g * weight / n in PyTorch's order, rounded to the logits' dtype after each step as its in-place ops
    round (so what overflows there overflows here)."""
    if v is None:
        return None
    for f in (g, weight):
        if f is not None:
            v = _like(_like(v, like) * (_like(f, like) if f.ndim == 0 else f), like)
    return v / n


def _like(a, like):
    """`a` in the dtype of `like` (arrays, or tensors when the backward records a graph)."""
    if isinstance(a, Tensor):
        return a if a.dtype is like.dtype else a.to(like.dtype)
    return a.astype(like.dtype, copy=False)


class NllLoss(Op):
    """l = -w[t] x[t] per sample: the negative log-likelihood of the target class t, from log-probabilities x.
    The mean divides by the total weight of the counted samples; `ignore_index` targets count for nothing.
    dl/dx = -w[t] g / total at the target class of each sample, 0 elsewhere.

    `x` is (classes,) for one sample, (samples, classes), or (samples, classes, h, w) with a target class per
    position; the class indices `target` and the class weights are parameters (PyTorch's node has one input).
    """

    twice_differentiable = True

    @staticmethod
    def forward(ctx, logp, *, target, weight, reduction, ignore_index):
        xp = array_module(logp)
        rows = _rows(logp)  # one row of class scores per sample
        ctx.one_in_a_vector = logp.ndim == 1 and target.ndim == 1 and logp.shape[0] != 1
        flat = target.reshape(-1)
        counted = flat != ignore_index
        picked = xp.where(counted, flat, 0)
        bad = counted & ((flat < 0) | (flat >= rows.shape[1]))
        if bad.any():
            raise IndexError(f"Target {int(flat[bad][0])} is out of bounds.")
        if not rows.shape[1]:  # no classes, so every target is ignored: pick from a column of zeros
            rows, weight = xp.zeros((len(flat), 1), logp.dtype), None if weight is None else xp.zeros(1, logp.dtype)
        w = (xp.ones(len(flat), logp.dtype) if weight is None else weight[picked]) * counted
        loss = xp.where(counted, -rows[xp.arange(len(flat)), picked], 0) * w  # an ignored row is 0, even if inf
        ctx.picked, ctx.w, ctx.shape, ctx.reduction, ctx.total = picked, w, logp.shape, reduction, w.sum()
        ctx.counted, ctx.long_target = counted, target.dtype == np.int64
        ctx.save_for_backward(logp)  # (nothing it needs: so that, as in PyTorch, a second backward is refused)
        if reduction == "mean":
            return loss.sum() / ctx.total  # (every target ignored: 0 / 0 = nan, as in PyTorch)
        if reduction == "sum":
            return loss.sum()
        return loss.reshape(ctx.shape[:1] + ctx.shape[2:] if len(ctx.shape) > 1 else ())

    @staticmethod
    def backward(ctx, g):
        if ctx.one_in_a_vector:  # PyTorch's forward takes a (C,) input with a (1,) target; its backward refuses it
            raise RuntimeError(f"size mismatch (got input: {list(ctx.shape)}, target: [1])")
        if len(ctx.shape) == 4 and not ctx.long_target:  # (an empty forward did not check it)
            raise RuntimeError("expected scalar type Long but found Byte")
        scale = g / ctx.total if ctx.reduction == "mean" else g.reshape(-1) if ctx.reduction == "none" else g
        return _at_targets(scale * -ctx.w, ctx.picked, ctx.counted, ctx.shape)


def _at_targets(values, picked, counted, shape: tuple):
    """`values` (one per sample) at each counted sample's target class, 0 elsewhere (an ignored sample's gradient
    is 0 even when the total weight is 0 and the others' are nan, as in PyTorch), in the input's `shape`."""
    xp, rows = array_module(picked), (len(picked), _classes(shape))
    if isinstance(values, Tensor):  # (a backward that records a graph: where(), not an assignment)
        mask = (picked.reshape(-1, 1) == xp.arange(rows[1])) & counted.reshape(-1, 1)
        return _unrows(where(Tensor._make(mask, values._device), values.reshape(-1, 1), 0.0), shape)
    out = xp.zeros(rows, values.dtype)
    out[xp.arange(rows[0])[counted], picked[counted]] = values[counted]
    return _unrows(out, shape)


NllLoss2d = NllLoss.named("NllLoss2DBackward0")  # over a batch of images: (samples, classes, h, w)


def _classes(shape: tuple) -> int:
    return shape[1] if len(shape) > 1 else shape[0]


def _rows(a):
    """(samples, classes) from (classes,), (samples, classes) or (samples, classes, h, w)."""
    samples = a.shape[0] * math.prod(a.shape[2:]) if a.ndim > 1 else 1
    return (array_module(a).moveaxis(a, 1, -1) if a.ndim > 2 else a).reshape(samples, _classes(a.shape))


def _unrows(rows, shape: tuple):
    """The inverse of `_rows`: rows back to `shape` (an array, or a tensor)."""
    if len(shape) < 3:
        return rows.reshape(shape)
    rows = rows.reshape(shape[:1] + shape[2:] + shape[1:2])
    to_front = (0, rows.ndim - 1, *range(1, rows.ndim - 1))  # the classes back to dimension 1
    return rows.permute(to_front) if isinstance(rows, Tensor) else rows.transpose(to_front)


class _DivByCount(Op):
    """y = loss / n for a number n, as PyTorch's C++ losses divide (its node is DivBackward1).   dy/dloss = 1 / n."""

    node_name = "DivBackward1"
    twice_differentiable = True

    @staticmethod
    def forward(ctx, a, *, n):
        ctx.n = n
        return a / n

    @staticmethod
    def backward(ctx, g):
        return g / ctx.n


# --- the functions ------------------------------------------------------------------------------

def _same_size(input: Tensor, target: Tensor, message: str) -> None:
    if target._data.shape != input._data.shape:
        raise ValueError(message.format(target=target.size(), input=input.size()))


def _constant(t: Tensor | None, like: Tensor, fn: str, name: str):
    """The array of `t`, an optional weight that gets no gradient, in `like`'s dtype (None stays None)."""
    if t is None:
        return None
    if t.requires_grad and is_grad_enabled():
        raise messages.not_differentiable(fn, name)
    messages.same_device((like, t))
    return t._data if t._data.dtype == like._data.dtype else t._data.astype(like._data.dtype)


def mse_loss(input: Tensor, target: Tensor, *, reduction: str = "mean") -> Tensor:
    """The mean (or sum) of squared differences (input - target)**2."""
    _check_reduction(reduction)
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.size()}) that is different to the input size ({input.size()}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      "same size.", stacklevel=2)
    messages.check_broadcast(input._data.shape, target._data.shape)  # PyTorch broadcasts first: a 0-d dtype counts
    dt = dtypes.promote_types(input.dtype, target.dtype)
    if not dt.is_floating_point:
        raise messages.no_kernel("mse_cpu", input.dtype if not input.is_floating_point() else target.dtype)
    x, t = (a if a.dtype is dt else a.to(dt) for a in (input, target))
    return MseLoss.apply(x, t, reduction=reduction)


def _broadcast(a: tuple, b: tuple) -> tuple:
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        raise messages.broadcast_error(a, b) from None


def _fits(shape: tuple, broadcast: tuple) -> None:
    """PyTorch's error for an in-place op on a tensor of `shape` whose result would have the `broadcast` shape."""
    if tuple(broadcast) != tuple(shape):
        raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape {list(broadcast)}")


def _expanded_weight_shape(target: Tensor, weight: Tensor) -> tuple:
    """The shape `binary_cross_entropy` expands its weight to, checked as `torch.broadcast_shapes` checks it."""
    result = [1] * (weight.ndim - target.ndim) + list(target.shape)
    for i in range(-1, -weight.ndim - 1, -1):
        n = weight.shape[i]
        if n != 1 and n != result[i]:
            if result[i] != 1:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {n} at {i}! Mismatching argument at "
                                   f"index 1 had {weight.size()}; but expected shape should be broadcastable to "
                                   f"{result}")
            result[i] = n
    return tuple(result)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, *,
                         reduction: str = "mean") -> Tensor:
    """Cross entropy between probabilities `input` (in [0, 1]) and targets in [0, 1]."""
    _check_reduction(reduction)
    _same_size(input, target, "Using a target size ({target}) that is different to the input size ({input}) is "
                              "deprecated. Please ensure they have the same size.")
    weight_shape = None if weight is None else _expanded_weight_shape(target, weight)
    if target.dtype is not input.dtype:
        raise RuntimeError(f"Found dtype {messages.type_name(target.dtype)} but expected "
                           f"{messages.type_name(input.dtype)}")
    if not input.is_floating_point():
        raise messages.no_kernel("binary_cross_entropy", input.dtype)
    for name, t in (("input", input), ("target", target)):
        if not array_module(t._data).all((t._data >= 0) & (t._data <= 1)):  # nan fails this too, as in PyTorch
            raise RuntimeError(f"all elements of {name} should be between 0 and 1")
    if weight is not None:  # PyTorch multiplies the loss by the expanded weight in place
        _fits(input.shape, weight_shape)
    w = _constant(weight, input, "binary_cross_entropy", "weight")
    return BinaryCrossEntropy.apply(input, target, weight=w, reduction=reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None, *,
                                     reduction: str = "mean", pos_weight: Tensor | None = None) -> Tensor:
    """Binary cross entropy of sigmoid(input) against `target`, computed stably from the logits.

    `pos_weight` (one weight per class, broadcast along the last dimension) scales the loss of
    positive targets. `weight` and `pos_weight` are constants: they get no gradient (as in PyTorch).
    """
    _check_reduction(reduction)
    _same_size(input, target, "Target size ({target}) must be the same as input size ({input})")
    if not input.is_floating_point():
        raise messages.no_kernel("log_sigmoid_cpu", input.dtype)
    if pos_weight is not None:  # PyTorch scales log(sigmoid(input)) in place by 1 + (pos_weight - 1) * target
        _fits(input.shape, _broadcast(pos_weight.shape, target.shape))
    if target.dtype is dtypes.bool_:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                           "`logical_xor()` operator instead.")
    if not target.is_floating_point():
        raise RuntimeError(f"result type {messages.type_name(input.dtype)} can't be cast to the desired output type "
                           f"{messages.type_name(target.dtype)}")
    if weight is not None:  # and multiplies the loss by weight in place
        _fits(input.shape, _broadcast(input.shape, weight.shape))
    fn = "binary_cross_entropy_with_logits"
    return BinaryCrossEntropyWithLogits.apply(input, target, weight=_constant(weight, input, fn, "weight"),
                                              pos_weight=_constant(pos_weight, input, fn, "pos_weight"),
                                              reduction=reduction)


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, *, ignore_index: int = -100,
             reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class-index targets, from log-probabilities of shape (N, C) or (C,).

    (N, C, d1, ...) inputs with (N, d1, ...) targets work too: every position is a sample. The checks
    come in PyTorch's order, so a wrong call raises what PyTorch raises.
    """
    _check_reduction(reduction)
    x_shape, t_shape = input._data.shape, target._data.shape  # (read once: this runs at every step)
    n = len(x_shape)
    if n < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {n})")
    if n != 1 and x_shape[0] != _batch_size(x_shape, t_shape):
        raise ValueError(f"Expected input batch_size ({x_shape[0]}) to match target batch_size "
                         f"({_batch_size(x_shape, t_shape)}).")
    if n not in (1, 2, 4):  # as PyTorch: viewed as (N, C, 1, positions), then as the target
        if t_shape[1:] != x_shape[2:]:
            raise RuntimeError(f"Expected target size {[x_shape[0]] + list(x_shape[2:])}, got {list(t_shape)}")
        flat = input.reshape(*x_shape[:2], 1, -1) if input.numel() else input.reshape(*x_shape[:2], 0, 0)
        flat_target = target.reshape(t_shape[0], 1, -1) if target.numel() else target.reshape(t_shape[0], 0, 0)
        loss = nll_loss(flat, flat_target, weight, ignore_index=ignore_index, reduction=reduction)
        return loss.reshape(t_shape) if reduction == "none" else loss
    fn = "nll_loss2d_forward" if n == 4 else "nll_loss_forward"
    if weight is not None and weight.requires_grad and is_grad_enabled():  # (checked before the kernel's checks)
        raise messages.not_differentiable(fn, "weight")
    if n == 4 and len(t_shape) != 3:
        raise RuntimeError(f"only batches of spatial targets supported (3D tensors) but got targets of dimension: "
                           f"{len(t_shape)}")
    if n < 4 and len(t_shape) > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if target.dtype not in (dtypes.int64, dtypes.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {messages.type_name(target.dtype)}")
    if n == 2 and not t_shape and x_shape[0] == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if n == 1 and len(t_shape) == 1 and t_shape[0] != 1:
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {t_shape[0]}")
    classes = _classes(x_shape)
    if weight is not None and (weight.numel() != classes if n == 4 else weight._data.shape != (classes,)):
        raise RuntimeError(f"weight tensor should be defined either for all {classes} classes or no classes but got "
                           f"weight tensor of shape: {list(weight.shape)}")  # (the 2-d kernel reads any shape)
    if n == 4 and t_shape[1:] != x_shape[2:]:
        raise RuntimeError(f"size mismatch (got input: {list(x_shape)} , target: {list(t_shape)}")
    if not input.is_floating_point():
        raise messages.no_kernel("nll_loss2d_forward_out_frame" if n == 4 else "nll_loss_out_frame", input.dtype)
    if n == 4 and target.dtype is not dtypes.int64 and (target.numel() or reduction == "none"):
        raise RuntimeError(f"expected scalar type Long but found {messages.type_name(target.dtype)}")  # (else: backward)
        raise RuntimeError(f"expected scalar type Long but found {messages.type_name(target.dtype)}")
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError(f"expected scalar type {messages.type_name(input.dtype)} but found "
                           f"{messages.type_name(weight.dtype)}")
    messages.same_device((input, target))
    w = _constant(weight if weight is None or n != 4 else weight.reshape(classes), input, fn, "weight")
    return (NllLoss2d if n == 4 else NllLoss).apply(input, target=target._data, weight=w, reduction=reduction,
                                                    ignore_index=ignore_index)


def _batch_size(x_shape: tuple, t_shape: tuple) -> int:
    """The target's batch size as PyTorch reads it (a 0-d target reads as 0)."""
    if t_shape:
        return t_shape[0]
    if x_shape[0] == 0 and len(x_shape) == 2:
        return 0  # (PyTorch's IndexError comes after the target's dtype is checked: see nll_loss)
    if x_shape[0] == 0 and len(x_shape) != 4:
        raise RuntimeError("ArrayRef: invalid slice, N = 1; size = 0")
    return 0


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, *, ignore_index: int = -100,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Cross entropy between logits `input` (N, C) and class indices `target` (N,): nll_loss(log_softmax(input)).

    A `target` of the input's shape is read as class probabilities instead. `label_smoothing` is not
    implemented here. Stable for any logits: log_softmax subtracts each row's largest logit first.
    """
    _check_reduction(reduction)
    if label_smoothing != 0.0:
        raise NotImplementedError("tinygrad_edu's cross_entropy has no label_smoothing; PyTorch's has.")
    class_dim = 0 if input.ndim == 1 else 1
    if target._data.shape != input._data.shape:
        return nll_loss(log_softmax(input, class_dim), target, weight, ignore_index=ignore_index, reduction=reduction)
    if not target.is_floating_point():
        raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                           f"{messages.type_name(target.dtype)}")
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    if input.ndim == 0:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    classes = input.shape[class_dim]
    if weight is not None and (weight.ndim != 1 or weight.numel() != classes):
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all {classes} classes or no "
                           f"classes but got weight tensor of shape: {list(weight.shape)}")
    picked = log_softmax(input, class_dim) * target
    if weight is not None:  # one weight per class, along the class dimension (after the target, as PyTorch: the
        picked = picked * weight.reshape([-1] + [1] * (input.ndim - class_dim - 1))  # same overflows)
    if reduction == "none":
        return -picked.sum(class_dim)
    if reduction == "sum":
        return -picked.sum()
    if not input.numel():  # the mean of nothing: nan, as PyTorch gives it
        return -(picked.sum() * math.nan)
    return _DivByCount.apply(-picked.sum(), n=input.numel() // input.shape[class_dim])


# --- the modules --------------------------------------------------------------------------------

class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = reduction  # checked when the loss is computed, as in PyTorch


class MSELoss(_Loss):
    """The mean squared error: `MSELoss()(prediction, target)`."""

    def __init__(self, *, reduction: str = "mean") -> None:
        super().__init__(reduction)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return mse_loss(input, target, reduction=self.reduction)


class BCELoss(_Loss):
    """Binary cross entropy of probabilities (after a sigmoid); `weight` rescales each element."""

    def __init__(self, weight: Tensor | None = None, *, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross entropy from logits (a sigmoid and BCELoss in one, stable for any logit)."""

    def __init__(self, weight: Tensor | None = None, *, reduction: str = "mean",
                 pos_weight: Tensor | None = None) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return binary_cross_entropy_with_logits(input, target, self.weight, reduction=self.reduction,
                                                pos_weight=self.pos_weight)


class NLLLoss(_Loss):
    """Negative log-likelihood of class indices, from log-probabilities."""

    def __init__(self, weight: Tensor | None = None, *, ignore_index: int = -100, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return nll_loss(input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction)


class CrossEntropyLoss(_Loss):
    """Cross entropy from logits (a log_softmax and NLLLoss in one): the classification loss."""

    def __init__(self, weight: Tensor | None = None, *, ignore_index: int = -100, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return cross_entropy(input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction,
                             label_smoothing=self.label_smoothing)
