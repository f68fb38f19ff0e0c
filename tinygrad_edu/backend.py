"""Devices, and the array module (NumPy or CuPy) that holds a tensor's numbers on each.

The CPU keeps arrays in NumPy; a CUDA GPU keeps them in CuPy. CuPy is optional and imported only
when a GPU is first asked for, so `import tinygrad_edu` never pays for it.
"""
from __future__ import annotations

import functools
import re
import sys
import warnings
from types import ModuleType
from typing import Any

import numpy as np

NO_GPU_HELP = (
    "To use an NVIDIA GPU, install the course's GPU extra (it brings CuPy) from the repository folder: "
    "pip install -e \".[gpu]\". Everything in the course also works on the CPU: use device='cpu', or "
    "device = 'cuda' if tinygrad_edu.cuda.is_available() else 'cpu'."
)


class Device:
    """Where a tensor's data lives: `device(type='cpu')` or `device(type='cuda', index=0)`.

    Unlike PyTorch's, a device also equals its name: `device('cuda:0') == 'cuda:0'` (PyTorch says False).
    """

    __slots__ = ("type", "index")

    def __init__(self, type: str, index: int | None = None):
        self.type, self.index = type, index

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            try:
                other = device(other)
            except RuntimeError:
                return False
        return isinstance(other, Device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


@functools.lru_cache(maxsize=None)
def _parse(spec: str, index: int | None) -> Device:
    if not spec:
        raise RuntimeError("Device string must not be empty")
    match = re.fullmatch(r"([a-zA-Z_]+)(?::([1-9][0-9]*|0))?", spec)
    if match is None:
        raise RuntimeError(f"Invalid device string: '{spec}'")
    kind, num = match.groups()
    if kind not in ("cpu", "cuda"):
        raise RuntimeError(f"Expected one of cpu, cuda device type at start of device string: {spec}")
    if num is not None:
        if index is not None:
            raise RuntimeError(f"type (string) must not include an index because index was passed explicitly: {spec}")
        index = int(num)
    if index is not None and index < 0:
        raise RuntimeError("Device index must not be negative")
    if kind == "cpu":
        return CPU if index is None else Device("cpu", index)
    return Device("cuda", index)


def device(spec: "str | Device | int", index: int | None = None) -> Device:
    """`device('cpu')`, `device('cuda')`, `device('cuda:1')` or `device('cuda', 1)`, as in PyTorch."""
    if isinstance(spec, Device):
        return spec
    if isinstance(spec, int):
        return _parse("cuda", spec)
    if not isinstance(spec, str):
        raise TypeError(f"device() expects a string such as 'cpu' or 'cuda:0', not {type(spec).__name__}")
    return _parse(spec, index)


CPU = Device("cpu")

# NumPy warns where PyTorch is silent (inf - inf, log(0), 0 / 0, a cast of inf to an integer, the mean of an empty
# tensor, float32 overflow): PyTorch gives the IEEE result quietly, and so does this package. One filter, for the
# warnings NumPy raises inside this package, costs nothing per op (np.errstate costs microseconds, more than a
# small op). Where a caller's own filter turns warnings into errors (`warnings.simplefilter("error")`), the engine
# runs the op again inside `quiet_numpy()`.
warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"tinygrad_edu(\.|$)")


def quiet_numpy() -> np.errstate:
    """A `with` block in which NumPy computes inf - inf, log(0), 0 / 0 without a RuntimeWarning, as PyTorch does."""
    return np.errstate(all="ignore")


# --- CuPy, loaded on first use ------------------------------------------------------------------

def _load_cupy() -> tuple[ModuleType | None, str]:
    """CuPy and "" if it can compute on a GPU; otherwise None and the reason it cannot."""
    try:
        import cupy
    except ImportError:
        return None, "CuPy is not installed"
    except Exception as e:  # a broken install
        return None, f"CuPy could not be imported ({_first_line(e)})"
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None, "CuPy found no GPU"
        x = cupy.arange(4, dtype=cupy.float32).reshape(2, 2)  # memory, a kernel and a matmul all work
        (x @ x + 1).sum().item()
    except Exception as e:  # no driver, no device, a CUDA library missing
        return None, f"CuPy is installed but cannot use a GPU ({_first_line(e)})"
    return cupy, ""


def _first_line(e: Exception) -> str:
    text = f"{type(e).__name__}: {e}".strip().splitlines()[0]
    return text if len(text) < 200 else text[:197] + "..."


@functools.lru_cache(maxsize=1)
def _gpu() -> tuple[ModuleType | None, str]:
    return _load_cupy()


def _cupy() -> ModuleType | None:
    """CuPy if it is installed and can reach at least one GPU, else None."""
    return _gpu()[0]


def _reset() -> None:
    """Forget what was found about CuPy (tests use it to simulate machines)."""
    _gpu.cache_clear()
    _cuda_device.cache_clear()


def is_available() -> bool:
    """True when a CUDA GPU can be used (CuPy installed and a GPU found)."""
    return _cupy() is not None


def device_count() -> int:
    """How many CUDA GPUs can be used (0 without CuPy or a GPU)."""
    cp = _cupy()
    return 0 if cp is None else cp.cuda.runtime.getDeviceCount()


def synchronize(device: "str | Device | int | None" = None) -> None:
    """Wait until a GPU has finished the work queued on it (GPU work runs asynchronously: time it after this)."""
    dev = resolve("cuda" if device is None else device)
    _cupy().cuda.Device(dev.index).synchronize()


def get_device_name(device: "str | Device | int | None" = None) -> str:
    """The name of a GPU, such as 'NVIDIA H100 80GB HBM3'."""
    dev = resolve("cuda" if device is None else device)
    name = _cupy().cuda.runtime.getDeviceProperties(dev.index)["name"]
    return name.decode() if isinstance(name, bytes) else name


@functools.lru_cache(maxsize=None)
def _cuda_device(index: int) -> Device:
    cp, why = _gpu()
    if cp is None:
        raise RuntimeError(f"CUDA was asked for, but there is no usable GPU here: {why}. {NO_GPU_HELP}")
    if index >= device_count():
        raise RuntimeError(f"CUDA error: invalid device ordinal: cuda:{index} was asked for, but "
                           f"{device_count()} GPU(s) were found.")
    return Device("cuda", index)


def resolve(spec: "str | Device | int | None") -> Device:
    """The concrete device a tensor can be placed on: 'cuda' becomes 'cuda:0'; checks the GPU exists."""
    if spec is None:
        return CPU
    dev = device(spec)
    if dev.type == "cpu":
        return CPU
    return _cuda_device(0 if dev.index is None else dev.index)


def array_module(array: Any) -> ModuleType:
    """NumPy or CuPy: whichever module made `array` (as Chainer's get_array_module)."""
    if type(array) is not np.ndarray and "cupy" in sys.modules:  # a CuPy array means CuPy was imported
        cp = _cupy()
        if cp is not None and isinstance(array, cp.ndarray):
            return cp
    return np


def device_of(array: Any) -> Device:
    """The device an array lives on."""
    if isinstance(array, (np.ndarray, np.generic)):
        return CPU
    return _cuda_device(array.device.id)


def move(array: Any, dev: Device) -> Any:
    """A copy of `array` on device `dev` (or `array` itself if it is already there)."""
    if dev.type == "cpu":
        return to_numpy(array)
    cp = _cupy()
    if cp is None:
        _cuda_device(dev.index)  # raises the error that says there is no GPU
    with cp.cuda.Device(dev.index):
        if isinstance(array, cp.ndarray) and array.device.id != dev.index:
            return array.copy()  # CuPy copies to the current device
        return cp.asarray(array)


def to_numpy(array: Any) -> np.ndarray:
    """The array as a NumPy array, copying it from the GPU if needed."""
    return array if isinstance(array, np.ndarray) else array.get()


def as_array(x: Any) -> Any:
    """`x` as an array: NumPy turns 0-d results into scalars (np.float32), which the engine does not keep."""
    return np.asarray(x) if isinstance(x, np.generic) else x


def select(cond: Any, a: Any, b: Any) -> Any:
    """`a` where `cond`, else `b`, on arrays: how a backward drops the gradient of masked elements.

    With a 0 branch it multiplies by the mask instead, several times faster than `where` on a random mask
    (a ReLU's), unless that leaves an inf or nan, which a multiplication by 0 would have made (inf * 0):
    then `where` decides. (A dropped element may then be -0. instead of 0.; the two compare equal.)
    """
    xp = array_module(cond)
    zero_a, zero_b = type(a) in (int, float) and a == 0, type(b) in (int, float) and b == 0
    other = b if zero_a else a if zero_b else None
    if other is not None and getattr(other, "ndim", 0) and other.dtype.kind == "f":
        out = other * (~cond if zero_a else cond)
        if out.dtype == other.dtype and xp.isfinite(out).all():
            return out
    return xp.where(cond, a, b)
