"""Loss functions: how wrong a prediction is, as one number to minimise.

Each loss is one engine op, its forward (the loss of every element, then reduced) beside its backward
(the derivative of that loss for each element, written out); `cross_entropy` is two, `log_softmax`
then `nll_loss`, as in PyTorch. Written by hand they stay finite where a composition of `log` and
`sigmoid` would not: `binary_cross_entropy_with_logits` of a logit of 1000 is 0 or 1000, not `nan`.
Each comes as a function (`mse_loss`) and a module (`MSELoss`).

`reduction` says what to do with the per-element losses: 'mean' (the default), 'sum', or 'none'
(keep them all).
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from .. import dtypes
from ..autograd import Op
from ..backend import array_module
from ..ops import log_softmax
from ..messages import broadcast_error
from ..ops.reductions import _torch_name
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


def _scale(g, size: int, reduction: str):
    """How much each element's loss counts in the output: the output's gradient, divided by n for a mean."""
    return g / size if reduction == "mean" else g


# --- the ops ------------------------------------------------------------------------------------

class MseLoss(Op):
    """(input - target)**2 per element."""

    @staticmethod
    def forward(ctx, x, t, reduction):
        d = x - t
        ctx.save_for_backward(d)
        ctx.reduction = reduction
        return _reduce(d * d, reduction)

    @staticmethod
    def backward(ctx, g):
        d, = ctx.saved_tensors
        norm = 2 / d.size if ctx.reduction == "mean" and d.size else 2  # (an empty d has nothing to scale)
        gx = norm * d * g  # in PyTorch's order, which overflows no sooner than it must
        return gx, (-gx if ctx.needs_input_grad[1] else None), None


class BinaryCrossEntropy(Op):
    """-(t log(p) + (1 - t) log(1 - p)) per element, for probabilities p; each log is clamped at -100."""

    @staticmethod
    def forward(ctx, p, t, w, reduction):
        xp = array_module(p)
        with np.errstate(divide="ignore"):  # log(0) is -inf, clamped to -100 on the next line
            log_p, log_q = xp.maximum(xp.log(p), -100), xp.maximum(xp.log(1 - p), -100)
        loss = -(t * log_p + (1 - t) * log_q)
        if w is not None:
            loss = loss * w
        ctx.save_for_backward(p, t, w, log_p, log_q)
        ctx.reduction = reduction
        return _reduce(loss, reduction)

    @staticmethod
    def backward(ctx, g):
        p, t, w, log_p, log_q = ctx.saved_tensors
        scale = _scale(g, p.size, ctx.reduction) * (1 if w is None else w)
        need_p, need_t = ctx.needs_input_grad[:2]
        gp = scale * (p - t) / array_module(p).maximum(p * (1 - p), 1e-12) if need_p else None
        gt = scale * (log_q - log_p) if need_t else None
        return gp, gt, None, None


class BinaryCrossEntropyWithLogits(Op):
    """The binary cross entropy of sigmoid(x), from the logit x: (1 - t) x - log(sigmoid(x)) per element.

    log(sigmoid(x)) is computed as min(x, 0) - log(1 + e^-|x|), which never overflows (e^-|x| is at most
    1). With `pos_weight` the positive term is weighted: (1 - t) x - (1 + (pos_weight - 1) t) log(sigmoid(x)).
    The gradient is sigmoid(x) - t (or, with pos_weight, (1 + (pos_weight - 1) t) sigmoid(x) - pos_weight t).
    The result has the target's dtype, as in PyTorch.
    """

    @staticmethod
    def forward(ctx, x, t, w, pos_weight, reduction):
        scale = 1 if pos_weight is None else 1 + (pos_weight - 1) * t
        loss = (1 - t) * x - scale * _log_sigmoid(x)
        if w is not None:
            loss = loss * w
        ctx.save_for_backward(x, t, w, pos_weight)
        ctx.reduction = reduction
        return _reduce(loss, reduction).astype(t.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, t, w, pos_weight = ctx.saved_tensors
        xp = array_module(x)
        g = g.astype(xp.result_type(x, t), copy=False)  # (the output may be narrower than the input)
        n = x.size if ctx.reduction == "mean" else 1
        weight = 1 if w is None else w
        need_x, need_t = ctx.needs_input_grad[:2]
        gx = gt = None
        if need_x:
            s = 1 / (1 + xp.exp(-x, dtype="float64").astype(x.dtype))  # sigmoid(x) as the sigmoid op computes it
            gx = _as_pytorch(((s - t) if pos_weight is None else (1 + (pos_weight - 1) * t) * s - pos_weight * t),
                             x.dtype, g, weight, n)
        if need_t:
            gt = _as_pytorch((-x if pos_weight is None else (1 - pos_weight) * _log_sigmoid(x) - x), x.dtype, g,
                             weight, n)
        return gx, gt, None, None, None


def _as_pytorch(v, dt, g, weight, n):
    """v * g * weight / n in PyTorch's order, rounded to the input's dtype `dt` after each step as its in-place
    ops round (so what overflows there overflows here)."""
    for f in (g, weight):
        f = f.astype(dt) if getattr(f, "ndim", None) == 0 else f  # (a 0-d factor takes v's dtype)
        v = (v.astype(dt, copy=False) * f).astype(dt, copy=False)
    return v / n


def _log_sigmoid(x):
    """log(sigmoid(x)) = -log(1 + e^-x), as min(x, 0) - log(1 + e^-|x|): no overflow. Computed in float64 and
    rounded to x's dtype, so that it is correctly rounded as PyTorch's is."""
    x64 = x.astype("float64", copy=False)
    xp = array_module(x)
    return (xp.minimum(x64, 0) - xp.log1p(xp.exp(-abs(x64)))).astype(x.dtype, copy=False)


class NllLoss(Op):
    """-w[t] * input[t] per sample: the negative log-likelihood of the target class, from log-probabilities.

    `input` is (classes,) for one sample, (samples, classes), or (samples, classes, h, w) with a target
    class per position; `target` holds the class indices. The mean divides by the total weight of the
    counted samples; `ignore_index` targets count for nothing.
    """

    @staticmethod
    def forward(ctx, logp, target, weight, reduction, ignore_index):
        xp = array_module(logp)
        rows = _rows(logp)  # one row of class scores per sample
        ctx.one_in_a_vector = logp.ndim == 1 and target.ndim == 1 and logp.shape[0] != 1
        target = target.reshape(-1)
        samples = xp.arange(len(target))
        counted = target != ignore_index
        picked = xp.where(counted, target, 0)
        bad = (picked < 0) | (picked >= rows.shape[1])
        if bad.any():
            raise IndexError(f"Target {int(target[bad][0])} is out of bounds.")
        w = (xp.ones(len(target), logp.dtype) if weight is None else weight[picked]) * counted
        loss = xp.where(counted, -rows[samples, picked], 0) * w  # an ignored row counts 0, even if it holds inf or nan
        ctx.save_for_backward(samples, picked, w)
        ctx.shape, ctx.reduction, ctx.total = logp.shape, reduction, w.sum()
        if reduction == "mean":
            with np.errstate(invalid="ignore"):  # every target ignored: 0 / 0 = nan, as in PyTorch
                return loss.sum() / ctx.total
        if reduction == "sum":
            return loss.sum()
        return loss.reshape(ctx.shape[:1] + ctx.shape[2:] if len(ctx.shape) > 1 else ())

    @staticmethod
    def backward(ctx, g):
        samples, picked, w = ctx.saved_tensors
        if ctx.one_in_a_vector:  # PyTorch's forward takes a (C,) input with a (1,) target; its backward refuses it
            raise RuntimeError(f"size mismatch (got input: {list(ctx.shape)}, target: [1])")
        with np.errstate(divide="ignore", invalid="ignore"):  # nothing counted: a total weight of 0
            scale = g / ctx.total if ctx.reduction == "mean" else g.reshape(-1) if ctx.reduction == "none" else g
        grad = array_module(g).zeros((len(picked), _classes(ctx.shape)), dtype=g.dtype)
        grad[samples, picked] = -w * scale
        return _unrows(grad, ctx.shape), None, None, None, None


class NllLoss2d(NllLoss):
    """The same, over a batch of images: (samples, classes, h, w) with a (samples, h, w) target."""

    node_name = "NllLoss2DBackward0"


def _classes(shape: tuple) -> int:
    return shape[1] if len(shape) > 1 else shape[0]


def _rows(a):
    """(samples, classes) from (classes,), (samples, classes) or (samples, classes, h, w)."""
    samples = a.shape[0] * math.prod(a.shape[2:]) if a.ndim > 1 else 1
    return (array_module(a).moveaxis(a, 1, -1) if a.ndim > 2 else a).reshape(samples, _classes(a.shape))


def _unrows(rows, shape: tuple):
    """The inverse of `_rows`: rows back to an array of `shape`."""
    if len(shape) < 3:
        return rows.reshape(shape)
    return array_module(rows).moveaxis(rows.reshape(shape[:1] + shape[2:] + shape[1:2]), -1, 1)


class _DivByCount(Op):
    """loss / n for a number n, as PyTorch's C++ losses divide (its node is DivBackward1)."""

    node_name = "DivBackward1"

    @staticmethod
    def forward(ctx, a, n):
        ctx.n = n
        return a / n

    @staticmethod
    def backward(ctx, g):
        return g / ctx.n, None


# --- the functions ------------------------------------------------------------------------------

def _same_size(input: Tensor, target: Tensor, message: str) -> None:
    if target._data.shape != input._data.shape:
        raise ValueError(message.format(target=target.size(), input=input.size()))


def _not_implemented(kernel: str, t: Tensor) -> NotImplementedError:
    """PyTorch's error for a dtype its kernel has no version for."""
    return NotImplementedError(f'"{kernel}" not implemented for \'{_torch_name(t.dtype)}\'')


def _as(t: Tensor | None, like: Tensor) -> Tensor | None:
    """`t` (an optional weight) in `like`'s dtype."""
    return t if t is None or t._data.dtype == like._data.dtype else t.to(like.dtype)


def mse_loss(input: Tensor, target: Tensor, *, reduction: str = "mean") -> Tensor:
    """The mean (or sum) of squared differences (input - target)**2."""
    _check_reduction(reduction)
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.size()}) that is different to the input size ({input.size()}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      "same size.", stacklevel=2)
    try:  # PyTorch broadcasts the two first, so a 0-d tensor's dtype counts in full
        np.broadcast_shapes(input._data.shape, target._data.shape)
    except ValueError:
        raise broadcast_error(input._data.shape, target._data.shape) from None
    dt = dtypes.promote_types(input.dtype, target.dtype)
    if not dt.is_floating_point:
        raise _not_implemented("mse_cpu", input if not input.is_floating_point() else target)
    x, t = (a if a.dtype is dt else a.to(dt) for a in (input, target))
    return MseLoss.apply(x, t, reduction)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, *,
                         reduction: str = "mean") -> Tensor:
    """Cross entropy between probabilities `input` (in [0, 1]) and targets in [0, 1]."""
    _check_reduction(reduction)
    _same_size(input, target, "Using a target size ({target}) that is different to the input size ({input}) is "
                              "deprecated. Please ensure they have the same size.")
    if target.dtype is not input.dtype:
        raise RuntimeError(f"Found dtype {_torch_name(target.dtype)} but expected {_torch_name(input.dtype)}")
    if not input.is_floating_point():
        raise _not_implemented("binary_cross_entropy", input)
    for name, t in (("input", input), ("target", target)):
        if not array_module(t._data).all((t._data >= 0) & (t._data <= 1)):  # nan fails this too, as in PyTorch
            raise RuntimeError(f"all elements of {name} should be between 0 and 1")
    return BinaryCrossEntropy.apply(input, target, _as(weight, input), reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None, *,
                                     reduction: str = "mean", pos_weight: Tensor | None = None) -> Tensor:
    """Binary cross entropy of sigmoid(input) against `target`, computed stably from the logits.

    `pos_weight` (one weight per class, broadcast along the last dimension) scales the loss of
    positive targets. `weight` and `pos_weight` are constants here: they get no gradient.
    """
    _check_reduction(reduction)
    _same_size(input, target, "Target size ({target}) must be the same as input size ({input})")
    if not input.is_floating_point():
        raise _not_implemented("log_sigmoid_cpu", input)
    if target.dtype is dtypes.bool_:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                           "`logical_xor()` operator instead.")
    if not target.is_floating_point():
        raise RuntimeError(f"result type {_torch_name(input.dtype)} can't be cast to the desired output type "
                           f"{_torch_name(target.dtype)}")
    return BinaryCrossEntropyWithLogits.apply(input, target, _as(weight, input), _as(pos_weight, input), reduction)


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
    if n == 4 and len(t_shape) != 3:
        raise RuntimeError(f"only batches of spatial targets supported (3D tensors) but got targets of dimension: "
                           f"{len(t_shape)}")
    if n < 4 and len(t_shape) > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if target.dtype not in (dtypes.int64, dtypes.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_torch_name(target.dtype)}")
    if n == 1 and len(t_shape) == 1 and t_shape[0] != 1:
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {t_shape[0]}")
    classes = _classes(x_shape)
    if weight is not None and weight._data.shape != (classes,):
        raise RuntimeError(f"weight tensor should be defined either for all {classes} classes or no classes but got "
                           f"weight tensor of shape: {list(weight.shape)}")
    if n == 4 and t_shape[1:] != x_shape[2:]:
        raise RuntimeError(f"size mismatch (got input: {list(x_shape)} , target: {list(t_shape)}")
    if not input.is_floating_point():
        raise _not_implemented("nll_loss2d_forward_out_frame" if n == 4 else "nll_loss_out_frame", input)
    if n == 4 and target.dtype is not dtypes.int64:
        raise RuntimeError(f"expected scalar type Long but found {_torch_name(target.dtype)}")
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError(f"expected scalar type {_torch_name(input.dtype)} but found {_torch_name(weight.dtype)}")
    return (NllLoss2d if n == 4 else NllLoss).apply(input, target, weight, reduction, ignore_index)


def _batch_size(x_shape: tuple, t_shape: tuple) -> int:
    """The target's batch size as PyTorch reads it (a 0-d target reads as 0)."""
    if t_shape:
        return t_shape[0]
    if x_shape[0] == 0 and len(x_shape) == 2:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if x_shape[0] == 0 and len(x_shape) != 4:
        raise RuntimeError("ArrayRef: invalid slice, N = 1; size = 0")
    return 0


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, *, ignore_index: int = -100,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Cross entropy between logits `input` (N, C) and class indices `target` (N,): nll_loss(log_softmax(input)).

    A `target` of the input's shape is read as class probabilities instead. `label_smoothing` is not
    implemented here.
    """
    _check_reduction(reduction)
    if label_smoothing != 0.0:
        raise NotImplementedError("tinygrad_edu's cross_entropy has no label_smoothing; PyTorch's has.")
    class_dim = 0 if input.ndim == 1 else 1
    if target._data.shape != input._data.shape:
        return nll_loss(log_softmax(input, class_dim), target, weight, ignore_index=ignore_index, reduction=reduction)
    if not target.is_floating_point():
        raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                           f"{_torch_name(target.dtype)}")
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    if input.ndim == 0:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    logp = log_softmax(input, class_dim)
    if weight is not None:  # one weight per class, along the class dimension
        logp = logp * weight.reshape([-1] + [1] * (input.ndim - class_dim - 1))
    picked = logp * target
    if reduction == "none":
        return -picked.sum(class_dim)
    if reduction == "sum":
        return -picked.sum()
    if not input.numel():  # the mean of nothing: nan, as PyTorch gives it
        return -(picked.sum() * math.nan)
    return _DivByCount.apply(-picked.sum(), input.numel() // input.shape[class_dim])


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
