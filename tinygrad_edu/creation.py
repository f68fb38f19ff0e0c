"""Making tensors: from Python data (`tensor`), from NumPy (`from_numpy`), filled (`zeros`, `ones`,
`full`, `arange`, `linspace`, `eye`) and random (`rand`, `randn`, `randint`, `randperm`, `normal`,
`bernoulli`, seeded by `manual_seed`; the numbers are PyTorch's, made in `random.py`)."""
from __future__ import annotations

import numbers
from typing import Any, Sequence

import numpy as np

from . import args, dtypes, random as _random
from .backend import CPU, Device, move, resolve
from .random import (Generator, default_generator, get_rng_state, initial_seed, manual_seed,  # noqa: F401
                     seed, set_rng_state)  # (the generator lives in random.py; creation's names stay)
from .tensor import Size, Tensor


# --- from data ----------------------------------------------------------------------------------

def _infer_shape(data: Any, dim: int = 0) -> tuple:
    """The shape of nested sequences; ValueError (PyTorch's) for ragged ones."""
    if isinstance(data, Tensor):
        return tuple(data.shape)
    if isinstance(data, np.ndarray):
        return data.shape
    if not isinstance(data, (list, tuple)):
        return ()
    if not data:
        return (0,)
    first = _infer_shape(data[0], dim + 1)
    for x in data[1:]:
        s = _infer_shape(x, dim + 1)
        if s != first:
            k = next(i for i in range(max(len(s), len(first))) if s[i:i + 1] != first[i:i + 1])
            if k >= len(first):  # (PyTorch says TypeError where a number meets a sequence)
                raise TypeError(f"expected a number at dim {dim + 1 + k} (got a sequence of length {s[k]})")
            if k >= len(s):
                raise TypeError(f"expected sequence of length {first[k]} at dim {dim + 1 + k} (got a number)")
            raise ValueError(f"expected sequence of length {first[k]} at dim {dim + 1 + k} (got {s[k]})")
    return (len(data),) + first


def _leaves_dtype(data: Any) -> dtypes.dtype:
    """The default dtype for Python numbers: bool if all are bool, int64 if all are ints, else float32."""
    kinds = set()
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        elif isinstance(x, Tensor):
            kinds.add(x.dtype)
        elif isinstance(x, (np.ndarray, np.generic)):  # NumPy arrays and scalars keep their dtype
            kinds.add(dtypes.from_numpy_dtype(x.dtype))
        elif isinstance(x, bool):
            kinds.add(dtypes.bool_)
        elif isinstance(x, numbers.Integral):
            kinds.add(dtypes.int64)
        elif isinstance(x, numbers.Real):
            kinds.add(dtypes.default_float)
        else:
            raise RuntimeError(f"Could not infer dtype of {type(x).__name__}")
    result = dtypes.default_float if not kinds else None
    for k in kinds:
        result = k if result is None else dtypes.promote_types(result, k)
    return result


def _place(array: np.ndarray, device: Any, requires_grad: bool) -> Tensor:
    dev = resolve(device)
    if requires_grad and array.dtype.kind != "f":
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    t = Tensor._make(array if dev is CPU else move(array, dev), dev)
    return t.requires_grad_(True) if requires_grad else t


def tensor(data: Any, dtype: dtypes.dtype | None = None, device: str | Device | None = None,
           requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of `data` (a number, nested lists, a NumPy array or a tensor).

    Its dtype is inferred as PyTorch does: bools give bool, ints int64, floats float32; a NumPy array
    keeps its dtype.
    """
    if isinstance(data, Tensor):
        array = data.numpy(force=True).copy()
        device = data.device if device is None else device  # a copy stays on its device, as in PyTorch
    elif isinstance(data, np.ndarray):
        array = np.array(data, dtype=dtypes.from_numpy_dtype(data.dtype).np)
    elif isinstance(data, np.generic):
        array = np.array(data, dtype=dtypes.from_numpy_dtype(data.dtype).np)
    else:
        if data is None:
            raise RuntimeError("Could not infer dtype of NoneType")
        if isinstance(data, (str, bytes)) or not isinstance(data, (list, tuple, numbers.Number)):
            raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
        _infer_shape(data)
        inferred = _leaves_dtype(data)
        items = [x.numpy(force=True) if isinstance(x, Tensor) else x for x in data] \
            if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in data) else data
        # Python numbers go straight to the dtype asked for: tensor(1.1, dtype=float64) is exactly 1.1.
        target = inferred if dtype is None else dtypes.check(dtype)
        if target._category == 1 and inferred.is_floating_point and items is data:  # each float must fit (PyTorch)
            floats = np.array(data, dtype=np.float64)
            for v in (floats.min(), floats.max()) if floats.size and not np.isnan(floats).any() else floats.ravel()[:1]:
                dtypes.check_fits(float(v), target)
        try:
            array = np.array(items, dtype=target.np)
        except OverflowError:  # an int beyond what the dtype holds: PyTorch's words
            if target is dtypes.int64:
                raise ValueError("Overflow when unpacking long long") from None
            raise RuntimeError(f"value cannot be converted to type {target.name} without overflow") from None
    if dtype is not None:
        array = array.astype(dtypes.check(dtype).np, copy=False)
    return _place(array, device, requires_grad)


def as_tensor(data: Any, dtype: dtypes.dtype | None = None, device: str | Device | None = None) -> Tensor:
    """Like `tensor`, but shares memory with a NumPy array or tensor when it can."""
    if isinstance(data, Tensor) and dtype in (None, data.dtype) and (device is None or resolve(device) == data.device):
        return data
    if isinstance(data, np.ndarray) and dtype in (None, dtypes.from_numpy_dtype(data.dtype)) and device in (None, "cpu"):
        return from_numpy(data)
    return tensor(data, dtype, device)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor that shares `array`'s memory: a change to one is seen in the other."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    dtypes.from_numpy_dtype(array.dtype)
    return Tensor._make(array, CPU)


# --- filled -------------------------------------------------------------------------------------

def _dtype(dtype: dtypes.dtype | None, default: dtypes.dtype) -> np.dtype:
    return (default if dtype is None else dtypes.check(dtype)).np


def _filled(fn: str, fill: Any, size: tuple, dtype, device, requires_grad) -> Tensor:
    shape = args.new_shape(size, fn)
    return _place(np.full(shape, fill, dtype=_dtype(dtype, dtypes.default_float)), device, requires_grad)


def zeros(*size: Any, dtype: dtypes.dtype | None = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros with the given shape."""
    return _filled("zeros", 0, size, dtype, device, requires_grad)


def ones(*size: Any, dtype: dtypes.dtype | None = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones with the given shape."""
    return _filled("ones", 1, size, dtype, device, requires_grad)


def empty(*size: Any, dtype: dtypes.dtype | None = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of the given shape whose values are not set (here: zeros)."""
    return _filled("empty", 0, size, dtype, device, requires_grad)


def full(size: Sequence[int], fill_value: Any, *, dtype: dtypes.dtype | None = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor of the given shape filled with `fill_value` (its dtype inferred from the value)."""
    dtype = dtype or dtypes.scalar_dtype(fill_value)
    return _place(np.full(args.new_shape((size,), "full"), fill_value, dtype=dtype.np), device, requires_grad)


def _like(input: Tensor, dtype, device) -> tuple:
    return (dtype or input.dtype), (input.device if device is None else device)


def zeros_like(input: Tensor, *, dtype: dtypes.dtype | None = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """Zeros with `input`'s shape, dtype and device."""
    dt, dev = _like(input, dtype, device)
    return zeros(input.shape, dtype=dt, device=dev, requires_grad=requires_grad)


def ones_like(input: Tensor, *, dtype: dtypes.dtype | None = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """Ones with `input`'s shape, dtype and device."""
    dt, dev = _like(input, dtype, device)
    return ones(input.shape, dtype=dt, device=dev, requires_grad=requires_grad)


def full_like(input: Tensor, fill_value: Any, *, dtype: dtypes.dtype | None = None, device: Any = None,
              requires_grad: bool = False) -> Tensor:
    """`fill_value` everywhere, with `input`'s shape, dtype and device."""
    dt, dev = _like(input, dtype, device)
    return full(input.shape, fill_value, dtype=dt, device=dev, requires_grad=requires_grad)


def empty_like(input: Tensor, **kwargs: Any) -> Tensor:
    """A tensor like `input` whose values are not set (here: zeros)."""
    return zeros_like(input, **kwargs)


def arange(start: float, end: float | None = None, step: float = 1, *, dtype: dtypes.dtype | None = None,
           device: Any = None, requires_grad: bool = False) -> Tensor:
    """start, start + step, ... up to (not including) end. Integers give int64, otherwise float32."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    ints = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in (start, end, step))
    default = dtypes.int64 if ints else dtypes.default_float
    return _place(np.arange(start, end, step, dtype=np.float64 if not ints else np.int64).astype(_dtype(dtype, default)),
                  device, requires_grad)


def linspace(start: float, end: float, steps: int, *, dtype: dtypes.dtype | None = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """`steps` evenly spaced numbers from start to end, both included."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    return _place(np.linspace(start, end, steps).astype(_dtype(dtype, dtypes.default_float)), device, requires_grad)


def eye(n: int, m: int | None = None, *, dtype: dtypes.dtype | None = None, device: Any = None,
        requires_grad: bool = False) -> Tensor:
    """The identity matrix (n x m, ones on the diagonal)."""
    return _place(np.eye(n, m, dtype=_dtype(dtype, dtypes.default_float)), device, requires_grad)


def _random_float(kind: str, size: tuple, generator, dtype, device, requires_grad, *params) -> Tensor:
    """A new tensor of `size` filled by `random.uniform` or `random.normal` (the CPU stream, then moved)."""
    shape = args.new_shape(size, "rand" if kind == "uniform" else "randn")
    dt = dtypes.default_float if dtype is None else dtypes.check(dtype)
    if not dt.is_floating_point:
        raise NotImplementedError(f'"{"check_uniform_bounds" if kind == "uniform" else "normal_kernel_cpu"}" not '
                                  f"implemented for '{dtypes.scalar_type_name(dt)}'")
    dev = resolve(device)
    draw = _random.uniform if kind == "uniform" else _random.normal
    values = draw(_random._generator(generator, dev), Size(shape).numel(), dt.np, *params)
    return _place(values.reshape(shape), dev, requires_grad)


def rand(*size: Any, generator: Generator | None = None, dtype: dtypes.dtype | None = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """Uniform random numbers in [0, 1), PyTorch's for the same seed."""
    return _random_float("uniform", size, generator, dtype, device, requires_grad)


def randn(*size: Any, generator: Generator | None = None, dtype: dtypes.dtype | None = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    """Random numbers from the standard normal distribution (mean 0, variance 1), PyTorch's for the same seed."""
    return _random_float("normal", size, generator, dtype, device, requires_grad)


def randint(low: int, high: int | None = None, size: Sequence[int] = None, *, generator: Generator | None = None,
            dtype: dtypes.dtype | None = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Random integers in [low, high); `randint(high, size)` starts at 0. PyTorch's for the same seed."""
    if size is None:
        if not isinstance(high, (tuple, list, Size)):
            raise TypeError("randint() missing required argument 'size'")
        low, high, size = 0, low, high
    elif high is None:
        low, high = 0, low
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    shape, dev = args.new_shape((size,), "randint"), resolve(device)
    values = _random.integers(_random._generator(generator, dev), Size(shape).numel(), int(low), int(high))
    return _place(values.reshape(shape).astype(_dtype(dtype, dtypes.int64)), dev, requires_grad)


def randperm(n: int, *, generator: Generator | None = None, dtype: dtypes.dtype | None = None,
             device: Any = None, requires_grad: bool = False) -> Tensor:
    """A random ordering of 0 .. n-1, PyTorch's for the same seed."""
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    dev = resolve(device)
    order = _random.permutation(_random._generator(generator, dev), int(n))
    return _place(order.astype(_dtype(dtype, dtypes.int64)), dev, requires_grad)


def rand_like(input: Tensor, **kwargs: Any) -> Tensor:
    """Uniform random numbers with `input`'s shape (and dtype and device unless told)."""
    kwargs.setdefault("dtype", input.dtype)
    kwargs.setdefault("device", input.device)
    return rand(input.shape, **kwargs)


def randn_like(input: Tensor, **kwargs: Any) -> Tensor:
    """Standard normal random numbers with `input`'s shape (and dtype and device unless told)."""
    kwargs.setdefault("dtype", input.dtype)
    kwargs.setdefault("device", input.device)
    return randn(input.shape, **kwargs)


def randint_like(input: Tensor, low: int = 0, high: int | None = None, **kwargs: Any) -> Tensor:
    """Random integers in [low, high) with `input`'s shape (and dtype and device unless told);
    `randint_like(x, high)` starts at 0."""
    if high is None:
        low, high = 0, low
    kwargs.setdefault("dtype", input.dtype)
    kwargs.setdefault("device", input.device)
    return randint(low, high, input.shape, **kwargs)


def normal(mean: Any = 0.0, std: Any = 1.0, size: Sequence[int] | None = None, *,
           generator: Generator | None = None, dtype: dtypes.dtype | None = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Normal random numbers: `normal(mean, std, size)` for numbers, or element-wise means and standard
    deviations given as tensors (the result has their broadcast shape), as PyTorch computes them:
    standard normals, then `* std + mean` in the tensors' dtype."""
    if not isinstance(mean, Tensor) and not isinstance(std, Tensor):
        if size is None:
            raise TypeError("normal() missing required argument 'size'")
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        return _random_float("normal", (size,), generator, dtype, device, requires_grad, float(mean), float(std))
    like = mean if isinstance(mean, Tensor) else std
    if isinstance(std, Tensor):
        if (std._data < 0).any():
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    shape = np.broadcast_shapes(tuple(mean.shape) if isinstance(mean, Tensor) else (),
                                tuple(std.shape) if isinstance(std, Tensor) else ())
    gen = _random._generator(generator, like.device)
    if isinstance(std, Tensor):   # normal_(0, 1), then mul_(std), add_(mean)
        z = _random.normal(gen, Size(shape).numel(), like._data.dtype).reshape(shape)
        out = Tensor._make(z, CPU).to(like.device) * std + mean
    else:                         # normal_(0, std), then add_(mean)
        z = _random.normal(gen, Size(shape).numel(), like._data.dtype, 0.0, float(std)).reshape(shape)
        out = Tensor._make(z, CPU).to(like.device) + mean
    return out.detach()


def bernoulli(input: Tensor, p: float | None = None, *, generator: Generator | None = None) -> Tensor:
    """0s and 1s with `input`'s shape and dtype: 1 with probability `input` (element-wise), or `p` if given."""
    return zeros_like(input).bernoulli_(input if p is None else p, generator=generator)
