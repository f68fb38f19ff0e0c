"""Initialisers: fill a tensor, in place, with numbers drawn so that training starts well.

Random ones draw from tinygrad_edu's default generator (or the `generator` given) through
`Tensor.uniform_` and `Tensor.normal_`, with PyTorch's arithmetic for the bounds, so after the same
seed they give PyTorch's numbers. As in PyTorch, they do not record a graph.
"""
from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from ..autograd import no_grad
from ..backend import move
from ..random import Generator
from ..tensor import Tensor


def _fill(tensor: Tensor, values: np.ndarray) -> Tensor:
    """Write NumPy `values` into `tensor` in place (on its device, in its dtype)."""
    tensor._data[...] = move(values.astype(tensor._data.dtype, copy=False), tensor.device)
    return tensor


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The factor that keeps the spread of activations steady through `nonlinearity`."""
    if nonlinearity in ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                        "conv_transpose3d", "sigmoid"):
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, numbers.Number) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """How many inputs feed each output (fan in) and how many outputs each input feeds (fan out)."""
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive_field = int(np.prod(tensor.shape[2:], dtype=np.int64)) if tensor.dim() > 2 else 1
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _fan(tensor: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of {['fan_in', 'fan_out']}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with `val`."""
    return _fill(tensor, np.full(tensor.shape, val))


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with 0."""
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with 1."""
    return constant_(tensor, 1.0)


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Fill with numbers drawn uniformly from [a, b)."""
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Fill with numbers drawn from the normal distribution N(mean, std**2)."""
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0,
                  generator: Generator | None = None) -> Tensor:
    """Fill with numbers from N(mean, std**2) kept to [a, b], by PyTorch's rejection sampling.

    When [a, b] holds more than 30% of the distribution, draw normals and redraw the whole tensor
    where any fall outside, until none do; otherwise draw uniforms in [a, b] and keep each with
    probability exp(-(x - mean)**2 / (2 std**2)) relative to the peak. The second way compares
    float32 logarithms, which NumPy rounds correctly and PyTorch's SLEEF within an ulp: a value that
    lands exactly on the boundary can be kept by one and redrawn by the other (rare).
    """
    def norm_cdf(x: float) -> float:
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0
    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    dtype = tensor._data.dtype
    with no_grad():
        if norm_cdf((b - mean) / std) - norm_cdf((a - mean) / std) > 0.3:
            lo, hi = dtype.type(a), dtype.type(b)
            result = tensor.normal_(mean, std, generator=generator).numpy(force=True).copy()
            while ((result < lo) | (result > hi)).any():
                mask = (result < lo) | (result > hi)
                redraw = Tensor._make(np.empty_like(result)).normal_(mean, std, generator=generator)
                result = np.where(mask, redraw._data, result)
            return _fill(tensor, result)
        log_peak = -0.5 * ((max(a, min(mean, b)) - mean) / std) ** 2

        def log_density(x: np.ndarray) -> np.ndarray:   # PyTorch's sub_, div_, pow_, mul_, sub_, in the dtype
            return ((x - dtype.type(mean)) / dtype.type(std)) ** 2 * dtype.type(-0.5) - dtype.type(log_peak)

        def rejected(x: np.ndarray) -> np.ndarray:
            u = Tensor._make(np.empty_like(x)).uniform_(generator=generator)._data
            return np.log(u.astype(np.float64)).astype(dtype) > log_density(x)
        result = tensor.uniform_(a, b, generator=generator).numpy(force=True).copy()
        pending = rejected(result)
        while pending.any():
            candidates = Tensor._make(np.empty_like(result)).uniform_(a, b, generator=generator)._data
            result = np.where(pending, candidates, result)
            pending = np.where(pending, rejected(candidates), pending)
        return _fill(tensor, result)


def kaiming_uniform_(tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                     generator: Generator | None = None) -> Tensor:
    """He initialisation: uniform in +-gain * sqrt(3 / fan), so ReLU-like layers keep their variance.

    `Linear` uses it with `a=sqrt(5)`, which gives bounds of +-1/sqrt(fan_in).
    """
    if tensor.numel() == 0:
        warnings.warn("Initializing zero-element tensors is a no-op")
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    bound = math.sqrt(3.0) * std  # (PyTorch's order of operations, so the bounds round as PyTorch's do)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                    generator: Generator | None = None) -> Tensor:
    """He initialisation with a normal distribution: N(0, (gain / sqrt(fan))**2)."""
    if tensor.numel() == 0:
        warnings.warn("Initializing zero-element tensors is a no-op")
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return normal_(tensor, 0.0, std, generator)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Glorot initialisation: uniform in +-gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return uniform_(tensor, -math.sqrt(3.0) * std, math.sqrt(3.0) * std, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Glorot initialisation with a normal distribution: N(0, gain**2 * 2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator)
