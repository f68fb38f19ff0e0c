"""Making tensors: from Python data (`tensor`), from NumPy (`from_numpy`), filled (`zeros`, `ones`,
`full`, `arange`, `linspace`, `eye`) and random (`rand`, `randn`, `randint`, seeded by `manual_seed`)."""
from __future__ import annotations

import numbers
from typing import Any, Sequence

import numpy as np

from . import dtypes
from .backend import CPU, Device, move, resolve
from .tensor import Size, Tensor


# --- random numbers -----------------------------------------------------------------------------

class Generator:
    """A source of random numbers; `Generator().manual_seed(0)` makes a sequence reproducible.

    Numbers are drawn on the CPU (NumPy's PCG64) and then moved, so a seed gives the same numbers on
    every device. They are not the numbers PyTorch draws for the same seed.
    """

    def __init__(self, device: str | Device = "cpu"):
        self.device = resolve(device) if device != "cpu" else CPU
        self.manual_seed(0)

    def manual_seed(self, seed: int) -> "Generator":
        """Restart the sequence from `seed`."""
        self._seed = int(seed)
        self.rng = np.random.default_rng(self._seed)
        return self

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> dict:
        return self.rng.bit_generator.state

    def set_state(self, state: dict) -> None:
        self.rng.bit_generator.state = state


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator, so random tensors (and shuffles) repeat from run to run."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator from the operating system's entropy; returns the seed."""
    s = int(np.random.SeedSequence().entropy % (2**63))
    default_generator.manual_seed(s)
    return s


def initial_seed() -> int:
    return default_generator.initial_seed()


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
        if isinstance(data, (str, bytes)) or not isinstance(data, (list, tuple, numbers.Number)):
            raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
        _infer_shape(data)
        inferred = _leaves_dtype(data)
        items = [x.numpy(force=True) if isinstance(x, Tensor) else x for x in data] \
            if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in data) else data
        # Python numbers go straight to the dtype asked for: tensor(1.1, dtype=float64) is exactly 1.1.
        array = np.array(items, dtype=(inferred if dtype is None else dtypes.check(dtype)).np)
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

def _size(size: Sequence) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = tuple(size[0])
    for n in size:
        if not isinstance(n, (int, np.integer)):
            raise TypeError(f"size must be a tuple of ints, but got an element of type {type(n).__name__}")
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {list(size)}")
    return tuple(int(n) for n in size)


def _dtype(dtype: dtypes.dtype | None, default: dtypes.dtype) -> np.dtype:
    return (default if dtype is None else dtypes.check(dtype)).np


def _filled(fill: Any, size: tuple, dtype, device, requires_grad) -> Tensor:
    return _place(np.full(_size(size), fill, dtype=_dtype(dtype, dtypes.default_float)), device, requires_grad)


def zeros(*size: Any, dtype: dtypes.dtype | None = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros with the given shape."""
    return _filled(0, size, dtype, device, requires_grad)


def ones(*size: Any, dtype: dtypes.dtype | None = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones with the given shape."""
    return _filled(1, size, dtype, device, requires_grad)


def empty(*size: Any, dtype: dtypes.dtype | None = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of the given shape whose values are not set (here: zeros)."""
    return _filled(0, size, dtype, device, requires_grad)


def full(size: Sequence[int], fill_value: Any, *, dtype: dtypes.dtype | None = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor of the given shape filled with `fill_value` (its dtype inferred from the value)."""
    dtype = dtype or dtypes.scalar_dtype(fill_value)
    return _place(np.full(_size((size,)), fill_value, dtype=dtype.np), device, requires_grad)


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


def rand(*size: Any, generator: Generator | None = None, dtype: dtypes.dtype | None = None, device: Any = None,
         requires_grad: bool = False) -> Tensor:
    """Uniform random numbers in [0, 1)."""
    rng = (generator or default_generator).rng
    return _place(rng.random(_size(size)).astype(_dtype(dtype, dtypes.default_float)), device, requires_grad)


def randn(*size: Any, generator: Generator | None = None, dtype: dtypes.dtype | None = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
    """Random numbers from the standard normal distribution (mean 0, variance 1)."""
    rng = (generator or default_generator).rng
    return _place(rng.standard_normal(_size(size)).astype(_dtype(dtype, dtypes.default_float)), device, requires_grad)


def randint(low: int, high: int | None = None, size: Sequence[int] = None, *, generator: Generator | None = None,
            dtype: dtypes.dtype | None = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Random integers in [low, high); `randint(high, size)` starts at 0."""
    if size is None:
        if not isinstance(high, (tuple, list, Size)):
            raise TypeError("randint() missing required argument 'size'")
        low, high, size = 0, low, high
    elif high is None:
        low, high = 0, low
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    rng = (generator or default_generator).rng
    return _place(rng.integers(low, high, _size((size,))).astype(_dtype(dtype, dtypes.int64)), device, requires_grad)


def randperm(n: int, *, generator: Generator | None = None, dtype: dtypes.dtype | None = None,
             device: Any = None) -> Tensor:
    """A random ordering of 0 .. n-1."""
    rng = (generator or default_generator).rng
    return _place(rng.permutation(n).astype(_dtype(dtype, dtypes.int64)), device, False)


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
