"""Small matplotlib helpers the training notebooks share: a decision boundary and loss curves.

`plot_decision_boundary(model, X, y)` shades the plane by the model's probability of class 1 and
draws the line where that probability is one half; `plot_losses({"train": losses})` draws learning
curves. matplotlib is imported only when something is drawn.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .autograd import no_grad
from .backend import to_numpy
from .creation import tensor
from .tensor import Tensor

CLASS_COLORS = ("#1f77b4", "#d62728")  # class 0 blue, class 1 red
CLASS_CMAP = "RdBu_r"                  # probability 0 blue, 1 red


def _as_numpy(a: Any) -> np.ndarray:
    """A NumPy copy of a Tensor (any device), a NumPy array, a list, or anything with `.numpy()`."""
    if isinstance(a, Tensor):
        return to_numpy(a.detach()._data)
    if hasattr(a, "detach") and hasattr(a, "numpy"):  # another library's tensor (PyTorch's)
        return np.asarray(a.detach().cpu().numpy())
    return np.asarray(a)


def _model_device(model: Any) -> Any:
    """The device of a model's first parameter, or None for a plain function."""
    params = getattr(model, "parameters", None)
    if params is None:
        return None
    first = next(iter(params()), None)
    return None if first is None else first.device


def predict_proba(model_or_fn: Callable, points: np.ndarray, logits: bool = True) -> np.ndarray:
    """The model's probability of class 1 at each row of `points` (an (N, 2) NumPy array), as NumPy.

    The model is called on a float32 Tensor (on the model's device) with gradients off and may
    return shape (N,) or (N, 1). With `logits=True` its output is passed through the sigmoid.
    """
    x = tensor(np.asarray(points, dtype=np.float32))
    device = _model_device(model_or_fn)
    if device is not None:
        x = x.to(device)
    with no_grad():
        out = model_or_fn(x)
    out = _as_numpy(out).reshape(len(points)).astype(np.float64)
    return 1.0 / (1.0 + np.exp(-out)) if logits else out


def plot_decision_boundary(model_or_fn: Callable, X: Any, y: Any, ax: Any = None, logits: bool = True,
                           title: str | None = None, resolution: int = 200, margin: float = 0.5,
                           labels: Sequence[str] = ("class 0", "class 1"), colorbar: bool = False) -> Any:
    """Shade the plane by the model's probability of class 1, draw its 0.5 line, scatter the data.

    `model_or_fn` takes an (N, 2) float32 Tensor and returns one logit per row (or a probability,
    with `logits=False`). `X` is (N, 2) and `y` holds 0/1 labels (Tensors or arrays). Returns the axes.
    """
    import matplotlib.pyplot as plt

    X, y = _as_numpy(X), _as_numpy(y).reshape(-1)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4.2))
    (x0, y0), (x1, y1) = X.min(0) - margin, X.max(0) + margin
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
    prob = predict_proba(model_or_fn, grid, logits=logits).reshape(gx.shape)
    shading = ax.contourf(gx, gy, prob, levels=np.linspace(0, 1, 11), cmap=CLASS_CMAP, alpha=0.45)
    ax.contour(gx, gy, prob, levels=[0.5], colors="black", linewidths=1.5)
    for cls, (color, label) in enumerate(zip(CLASS_COLORS, labels)):
        pts = X[y == cls]
        ax.scatter(pts[:, 0], pts[:, 1], s=18, c=color, edgecolors="white", linewidths=0.5, label=label)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.legend(loc="upper left", fontsize=8, framealpha=0.8)
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(shading, ax=ax, label=f"P({labels[1]})")
    return ax


def plot_losses(curves: Mapping[str, Sequence[float]] | Sequence[float], ax: Any = None, xlabel: str = "epoch",
                ylabel: str = "loss", title: str | None = None, logy: bool = False, **line_kwargs: Any) -> Any:
    """Draw one line per named curve (`{"train": [...], "test": [...]}`), or a single list. Returns the axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    if not isinstance(curves, Mapping):
        curves = {ylabel: curves}
    for name, values in curves.items():
        values = [float(v) for v in values]
        ax.plot(range(1, len(values) + 1), values, label=name, **line_kwargs)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    if len(curves) > 1:
        ax.legend(loc="upper right")  # a loss curve starts high on the left: keep its start in sight
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    return ax
