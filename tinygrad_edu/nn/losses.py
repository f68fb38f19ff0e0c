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

import warnings

import numpy as np

from .. import dtypes
from ..autograd import Op
from ..backend import array_module
from ..ops import log_softmax
from ..ops.pointwise import promote
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
        gx = 2 * d * _scale(g, d.size, ctx.reduction)
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
    """The binary cross entropy of sigmoid(x), from the logit x: (1 - t) x + log(1 + e^-x) per element.

    Computed as max(x, 0) - t x + log(1 + e^-|x|), which never overflows (e^-|x| is at most 1). With
    `pos_weight` the positive term is weighted: (1 - t) x + (1 + (pos_weight - 1) t) log(1 + e^-x).
    The gradient is sigmoid(x) - t (or, with pos_weight, (1 + (pos_weight - 1) t) sigmoid(x) - pos_weight t).
    """

    @staticmethod
    def forward(ctx, x, t, w, pos_weight, reduction):
        xp = array_module(x)
        if pos_weight is None:
            loss = xp.maximum(x, 0) - x * t + xp.log1p(xp.exp(-abs(x)))
        else:
            loss = (1 - t) * x + (1 + (pos_weight - 1) * t) * _softplus(-x)
        if w is not None:
            loss = loss * w
        ctx.save_for_backward(x, t, w, pos_weight)
        ctx.reduction = reduction
        return _reduce(loss, reduction)

    @staticmethod
    def backward(ctx, g):
        x, t, w, pos_weight = ctx.saved_tensors
        xp = array_module(x)
        scale = _scale(g, x.size, ctx.reduction) * (1 if w is None else w)
        need_x, need_t = ctx.needs_input_grad[:2]
        gx = gt = None
        if need_x:
            s = 0.5 + 0.5 * xp.tanh(0.5 * x)  # sigmoid(x), written so that it never overflows
            gx = scale * ((s - t) if pos_weight is None else (1 + (pos_weight - 1) * t) * s - pos_weight * t)
        if need_t:
            gt = scale * (-x if pos_weight is None else (pos_weight - 1) * _softplus(-x) - x)
        return gx, gt, None, None, None


def _softplus(x):
    """log(1 + e^x), as max(x, 0) + log(1 + e^-|x|): no overflow."""
    xp = array_module(x)
    return xp.maximum(x, 0) + xp.log1p(xp.exp(-abs(x)))


class NllLoss(Op):
    """-w[t] * input[t] per sample: the negative log-likelihood of the target class, from log-probabilities.

    `input` arrives as rows (samples, classes) and `target` as one class index per row. The mean
    divides by the total weight of the counted samples; `ignore_index` targets count for nothing.
    """

    @staticmethod
    def forward(ctx, logp, target, weight, reduction, ignore_index):
        xp = array_module(logp)
        rows = xp.arange(len(target))
        counted = target != ignore_index
        picked = xp.where(counted, target, 0)
        bad = (picked < 0) | (picked >= logp.shape[1])
        if bad.any():
            raise IndexError(f"Target {int(target[bad][0])} is out of bounds.")
        w = (xp.ones(len(target), logp.dtype) if weight is None else weight[picked]) * counted
        loss = -logp[rows, picked] * w
        ctx.save_for_backward(rows, picked, w)
        ctx.shape, ctx.reduction, ctx.total = logp.shape, reduction, w.sum()
        if reduction == "mean":
            with np.errstate(invalid="ignore"):  # every target ignored: 0 / 0 = nan, as in PyTorch
                return loss.sum() / ctx.total
        return _reduce(loss, reduction)

    @staticmethod
    def backward(ctx, g):
        rows, picked, w = ctx.saved_tensors
        scale = g / ctx.total if ctx.reduction == "mean" else g
        grad = array_module(g).zeros(ctx.shape, dtype=g.dtype)
        grad[rows, picked] = -w * scale
        return grad, None, None, None, None


# --- the functions ------------------------------------------------------------------------------

def _same_size(input: Tensor, target: Tensor, message: str) -> None:
    if target._data.shape != input._data.shape:
        raise ValueError(message.format(target=target.size(), input=input.size()))


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
    _, (x, t) = promote(input, target, floating=True)
    return MseLoss.apply(x, t, reduction)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, *,
                         reduction: str = "mean") -> Tensor:
    """Cross entropy between probabilities `input` (in [0, 1]) and targets in [0, 1]."""
    _check_reduction(reduction)
    _same_size(input, target, "Using a target size ({target}) that is different to the input size ({input}) is "
                              "deprecated. Please ensure they have the same size.")
    if target.dtype is not input.dtype:
        raise RuntimeError(f"Found dtype {_torch_name(target.dtype)} but expected {_torch_name(input.dtype)}")
    xp = array_module(input._data)
    if xp.any((input._data < 0) | (input._data > 1)):
        raise RuntimeError("all elements of input should be between 0 and 1")
    return BinaryCrossEntropy.apply(input, target, _as(weight, input), reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None, *,
                                     reduction: str = "mean", pos_weight: Tensor | None = None) -> Tensor:
    """Binary cross entropy of sigmoid(input) against `target`, computed stably from the logits.

    `pos_weight` (one weight per class, broadcast along the last dimension) scales the loss of
    positive targets. `weight` and `pos_weight` are constants here: they get no gradient.
    """
    _check_reduction(reduction)
    _same_size(input, target, "Target size ({target}) must be the same as input size ({input})")
    x, t = input, target
    if t._data.dtype != x._data.dtype or x._data.dtype.kind != "f":
        _, (x, t) = promote(input, target, floating=True)
    return BinaryCrossEntropyWithLogits.apply(x, t, _as(weight, x), _as(pos_weight, x), reduction)


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, *, ignore_index: int = -100,
             reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class-index targets, from log-probabilities of shape (N, C) or (C,).

    (N, C, d1, ...) inputs with (N, d1, ...) targets work too: every position is a sample.
    """
    _check_reduction(reduction)
    if target.dtype not in (dtypes.int64, dtypes.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {_torch_name(target.dtype)}")
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    if input.ndim == 1 or target.ndim == 0:
        if input.ndim != 1 or target.ndim != 0:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        return nll_loss(input.unsqueeze(0), target.unsqueeze(0), weight, ignore_index=ignore_index,
                        reduction=reduction).reshape(())
    if input.shape[0] != target.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
                         f"({target.shape[0]}).")
    if target.shape != input.shape[:1] + input.shape[2:]:
        if input.ndim == 2:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        raise RuntimeError(f"Expected target size {[input.shape[0]] + list(input.shape[2:])}, "
                           f"got {list(target.shape)}")
    if input.ndim > 2:  # classes last, then one row per position
        rows = input.permute(0, *range(2, input.ndim), 1)
        loss = nll_loss(rows.reshape(-1, input.shape[1]), target.reshape(-1), weight, ignore_index=ignore_index,
                        reduction=reduction)
        return loss.reshape(target.shape) if reduction == "none" else loss
    if weight is not None and weight.shape != (input.shape[1],):
        raise RuntimeError(f"weight tensor should be defined either for all {input.shape[1]} classes or no classes "
                           f"but got weight tensor of shape: {list(weight.shape)}")
    return NllLoss.apply(input, target, _as(weight, input), reduction, ignore_index)


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, *, ignore_index: int = -100,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Cross entropy between logits `input` (N, C) and class indices `target` (N,): nll_loss(log_softmax(input)).

    A floating-point `target` of the input's shape is read as class probabilities instead.
    `label_smoothing` is not implemented here.
    """
    _check_reduction(reduction)
    if label_smoothing != 0.0:
        raise NotImplementedError("tinygrad_edu's cross_entropy has no label_smoothing; PyTorch's has.")
    class_dim = 0 if input.ndim == 1 else 1
    logp = log_softmax(input, class_dim)
    if not (target.is_floating_point() and target.shape == input.shape):
        return nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if weight is not None:  # one weight per class, along the class dimension
        logp = logp * weight.reshape([-1] + [1] * (input.ndim - class_dim - 1))
    loss = -(logp * target).sum(class_dim)
    if reduction == "mean":
        return loss.sum() / (input.numel() // input.shape[class_dim]) if input.ndim > 1 else loss
    return loss.sum() if reduction == "sum" else loss


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
