"""Devices, and the array module (NumPy or CuPy) that holds a tensor's numbers on each.

The CPU keeps arrays in NumPy; a CUDA GPU keeps them in CuPy. CuPy is optional and imported only
when a GPU is first asked for, so `import tinygrad_edu` never pays for it.
"""
from __future__ import annotations

import functools
from types import ModuleType
from typing import Any

import numpy as np

NO_GPU_HELP = (
    "Install the GPU extra on a machine with an NVIDIA GPU: pip install 'tinygrad-edu[gpu]' "
    "(it brings CuPy). Everything in the course also works on the CPU: use device='cpu'."
)


class Device:
    """Where a tensor's data lives: `device(type='cpu')` or `device(type='cuda', index=0)`."""

    __slots__ = ("type", "index")

    def __init__(self, type: str, index: int | None = None):
        self.type, self.index = type, index

    def __repr__(self) -> str:
        return f"device(type='{self.type}')" if self.index is None else f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, Device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


@functools.lru_cache(maxsize=None)
def _parse(spec: str, index: int | None) -> Device:
    kind, _, num = spec.partition(":")
    if kind not in ("cpu", "cuda"):
        raise RuntimeError(f"Expected one of cpu, cuda device type at start of device string: {spec}")
    if num:
        if not num.isdigit():
            raise RuntimeError(f"Invalid device string: '{spec}'")
        if index is not None:
            raise ValueError("type (string) must not include an index because index was passed explicitly: " + spec)
        index = int(num)
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


# --- CuPy, loaded on first use ------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _cupy() -> ModuleType | None:
    """CuPy if it is installed and can reach at least one GPU, else None."""
    try:
        import cupy
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None
        return cupy
    except Exception:  # not installed, no driver, no device: all mean "no usable GPU"
        return None


def _reset() -> None:
    """Forget what was found about CuPy (tests use it to simulate machines)."""
    _cupy.cache_clear()
    _cuda_device.cache_clear()


def is_available() -> bool:
    """True when a CUDA GPU can be used (CuPy installed and a GPU found)."""
    return _cupy() is not None


def device_count() -> int:
    """How many CUDA GPUs can be used (0 without CuPy or a GPU)."""
    cp = _cupy()
    return 0 if cp is None else cp.cuda.runtime.getDeviceCount()


@functools.lru_cache(maxsize=None)
def _cuda_device(index: int) -> Device:
    if not is_available():
        raise RuntimeError(f"CUDA was asked for, but no usable GPU was found (CuPy is missing, or it found no GPU). {NO_GPU_HELP}")
    if index >= device_count():
        raise RuntimeError(f"CUDA error: invalid device ordinal: cuda:{index} was asked for, but {device_count()} GPU(s) were found.")
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
    if isinstance(array, np.ndarray) or not hasattr(array, "device"):
        return np
    return _cupy() or np


def device_of(array: Any) -> Device:
    """The device an array lives on."""
    if isinstance(array, np.ndarray):
        return CPU
    return _cuda_device(array.device.id)


def move(array: Any, dev: Device) -> Any:
    """A copy of `array` on device `dev` (or `array` itself if it is already there)."""
    if dev.type == "cpu":
        return array if isinstance(array, np.ndarray) else array.get()
    cp = _cupy()
    with cp.cuda.Device(dev.index):
        return cp.asarray(array)


def to_numpy(array: Any) -> np.ndarray:
    """The array as a NumPy array, copying it from the GPU if needed."""
    return array if isinstance(array, np.ndarray) else array.get()


def as_array(x: Any) -> Any:
    """`x` as an array: NumPy turns 0-d results into scalars (np.float32), which the engine does not keep."""
    return np.asarray(x) if isinstance(x, np.generic) else x
