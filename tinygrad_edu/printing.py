"""How a tensor prints: the same text as PyTorch's `repr`, with this package's name.

Rules, as PyTorch has them: 4 decimals; integers-valued floats print as `1.`; scientific notation
when the values span more than 1000x or leave [1e-4, 1e8); past 1000 elements only the first and
last 3 along each dimension, with `...`; lines wrap at 80 characters.
"""
from __future__ import annotations

import math

import numpy as np

from . import dtypes
from .backend import to_numpy
from .tensor import Tensor

PRECISION, THRESHOLD, EDGEITEMS, LINEWIDTH = 4, 1000, 3, 80
SCI_MODE: bool | None = None  # None: chosen from the values
_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, math.inf, 3, 80)}


def set_printoptions(precision: int | None = None, threshold: float | None = None, edgeitems: int | None = None,
                     linewidth: int | None = None, profile: str | None = None, sci_mode: bool | None = None) -> None:
    """How tensors print from now on, as `torch.set_printoptions`: digits after the point, how many elements
    before a print is summarised, how many it shows at each edge, the line width, scientific notation."""
    global PRECISION, THRESHOLD, EDGEITEMS, LINEWIDTH, SCI_MODE
    if profile is not None:
        PRECISION, THRESHOLD, EDGEITEMS, LINEWIDTH = _PROFILES[profile]
    PRECISION = PRECISION if precision is None else precision
    THRESHOLD = THRESHOLD if threshold is None else threshold
    EDGEITEMS = EDGEITEMS if edgeitems is None else edgeitems
    LINEWIDTH = LINEWIDTH if linewidth is None else linewidth
    SCI_MODE = sci_mode


class _Formatter:
    """Chooses one width and notation for every number of a tensor."""

    def __init__(self, values: np.ndarray):
        self.floating = values.dtype.kind == "f"
        self.int_mode, self.sci_mode, self.width = True, False, 1
        flat = values.reshape(-1)
        if not self.floating:
            self.width = max([len(str(v)) for v in flat.tolist()] + [1])
            return
        finite = flat[np.isfinite(flat) & (flat != 0)].astype(np.float64)
        if finite.size == 0:
            return
        big, small = float(np.abs(finite).max()), float(np.abs(finite).min())
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        if self.int_mode:
            self.sci_mode = big / small > 1000.0 or big > 1.0e8
        else:
            self.sci_mode = big / small > 1000.0 or big > 1.0e8 or small < 1.0e-4
        if SCI_MODE is not None:
            self.sci_mode = SCI_MODE
        for v in finite.tolist():
            if self.sci_mode:
                n = len(f"{v:.{PRECISION}e}")
            elif self.int_mode:
                n = len(f"{v:.0f}") + 1
            else:
                n = len(f"{v:.{PRECISION}f}")
            self.width = max(self.width, n)

    def format(self, v) -> str:
        if not self.floating:
            s = str(v)
        elif self.sci_mode:
            s = f"{v:{self.width}.{PRECISION}e}"
        elif self.int_mode:
            s = f"{v:.0f}" + ("" if math.isinf(v) or math.isnan(v) else ".")
        else:
            s = f"{v:.{PRECISION}f}"
        return " " * (self.width - len(s)) + s


def _summarized(a: np.ndarray) -> np.ndarray:
    """The corners of `a` that a summarised print shows: the first and last 3 along each dimension."""
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        return np.concatenate([a[:EDGEITEMS], a[-EDGEITEMS:]]) if len(a) > 2 * EDGEITEMS else a
    rows = list(range(EDGEITEMS)) + list(range(len(a) - EDGEITEMS, len(a))) if len(a) > 2 * EDGEITEMS else range(len(a))
    return np.stack([_summarized(a[i]) for i in rows])


def _vector(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    per_line = max(1, (LINEWIDTH - indent) // (fmt.width + 2))
    if summarize and len(a) > 2 * EDGEITEMS:
        items = [fmt.format(v) for v in a[:EDGEITEMS].tolist()] + [" ..."] + [fmt.format(v) for v in a[-EDGEITEMS:].tolist()]
    else:
        items = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector(a, indent, summarize, fmt)
    if summarize and len(a) > 2 * EDGEITEMS:
        parts = ([_nested(a[i], indent + 1, summarize, fmt) for i in range(EDGEITEMS)] + ["..."]
                 + [_nested(a[i], indent + 1, summarize, fmt) for i in range(len(a) - EDGEITEMS, len(a))])
    else:
        parts = [_nested(a[i], indent + 1, summarize, fmt) for i in range(len(a))]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def array_str(a: np.ndarray, indent: int) -> str:
    """The bracketed numbers of a tensor, as PyTorch lays them out."""
    if a.size == 0:
        return "[]"
    if a.dtype == np.float16:
        a = a.astype(np.float32)
    summarize = a.size > THRESHOLD
    return _nested(a, indent, summarize, _Formatter(_summarized(a) if summarize else a))


def _add_suffixes(body: str, suffixes: list[str], indent: int) -> str:
    out = [body]
    last = len(body) - body.rfind("\n") + 1
    for suffix in suffixes:
        n = len(suffix.replace("tinygrad_edu.", "torch."))  # break lines where PyTorch breaks them
        if last + n + 2 > LINEWIDTH:
            out.append(",\n" + " " * indent + suffix)
            last = indent + n
        else:
            out.append(", " + suffix)
            last += n + 2
    return "".join(out) + ")"


def tensor_repr(t: Tensor) -> str:
    """`tensor([1., 2.], requires_grad=True)` and friends, character for character as PyTorch."""
    prefix = "tensor("
    indent = len(prefix)
    a = to_numpy(t._data)
    suffixes = []
    if t.device.type != "cpu":
        suffixes.append(f"device='{t.device}'")
    if a.size == 0:
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
        if t.dtype is not dtypes.default_float:
            suffixes.append(f"dtype={t.dtype}")
        body = "[]"
    else:
        if t.dtype not in (dtypes.default_float, dtypes.int64, dtypes.bool_):
            suffixes.append(f"dtype={t.dtype}")
        body = array_str(a, indent)
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)


Tensor.__repr__ = tensor_repr
