"""The backend: device names as PyTorch's, and what happens on a machine without a usable GPU.

A machine without a GPU is simulated three ways, on any machine: CuPy not installed
(`sys.modules['cupy'] = None`), CuPy installed but no driver or device (its device count raises, as
CuPy's does), and CuPy that finds a GPU but cannot run a kernel on it (a CUDA library missing).
"""
from __future__ import annotations

import subprocess
import sys
from types import ModuleType, SimpleNamespace

import pytest

import tinygrad_edu as tg
from tinygrad_edu import backend


# --- device names -------------------------------------------------------------------------------

SPECS = [("cpu",), ("cuda",), ("cuda:0",), ("cuda:1",), ("cuda", 1), ("cpu:0",), ("cuda", 0)]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: repr(s))
def test_device_names_as_pytorch(spec):
    torch = pytest.importorskip("torch")
    ours, theirs = tg.device(*spec), torch.device(*spec)
    assert repr(ours) == repr(theirs)
    assert str(ours) == str(theirs)
    assert (ours.type, ours.index) == (theirs.type, theirs.index)


def test_device_reprs():
    assert repr(tg.device("cpu")) == "device(type='cpu')"
    assert repr(tg.device("cuda")) == "device(type='cuda')"
    assert repr(tg.device("cuda:1")) == "device(type='cuda', index=1)"
    assert repr(tg.device("cuda", 1)) == "device(type='cuda', index=1)"
    assert str(tg.device("cuda", 1)) == "cuda:1"
    assert repr(tg.device(2)) == "device(type='cuda', index=2)"


def test_device_equality():
    assert tg.device("cuda:1") == tg.device("cuda", 1)
    assert tg.device("cuda") != tg.device("cuda:0")  # as in PyTorch: no index is not index 0
    assert tg.device("cpu") == "cpu" and tg.device("cuda:1") == "cuda:1" and tg.device("cuda:1") != "cuda:0"
    assert tg.device("cpu") != "not a device"
    assert hash(tg.device("cuda:1")) == hash(tg.device("cuda", 1))
    assert len({tg.device("cpu"), tg.device("cpu"), tg.device("cuda:0")}) == 2
    assert tg.device(tg.device("cuda:1")) == "cuda:1"


def test_tensor_device_on_cpu():
    t = tg.ones(2)
    assert repr(t.device) == "device(type='cpu')" and not t.is_cuda
    assert tg.zeros(2, device="cpu:0").device == tg.device("cpu")


@pytest.mark.parametrize("spec,message", [
    ("gpu", "Expected one of cpu, cuda device type at start of device string: gpu"),
    ("CUDA", "Expected one of cpu, cuda device type at start of device string: CUDA"),
    ("cuda:x", "Invalid device string: 'cuda:x'"),
    ("cuda:-1", "Invalid device string: 'cuda:-1'"),
    ("cuda:", "Invalid device string: 'cuda:'"),
    ("cuda:0:1", "Invalid device string: 'cuda:0:1'"),
    ("", "Device string must not be empty"),
])
def test_bad_device_strings(spec, message):
    with pytest.raises(RuntimeError) as e:
        tg.device(spec)
    assert str(e.value) == message
    torch = sys.modules.get("torch")
    if torch is not None and not message.startswith("Expected one of"):  # PyTorch lists more device types
        with pytest.raises(RuntimeError, match="^" + message.replace("(", r"\(")):
            torch.device(spec)


def test_bad_device_arguments():
    with pytest.raises(RuntimeError, match="must not include an index because index was passed explicitly"):
        tg.device("cuda:1", 1)
    with pytest.raises(RuntimeError, match="Device index must not be negative"):
        tg.device("cuda", -1)
    with pytest.raises(TypeError):
        tg.device(1.5)


# --- machines without a usable GPU --------------------------------------------------------------

class CUDARuntimeError(RuntimeError):
    """What CuPy raises when the CUDA runtime fails (its own class lives in cupy_backends)."""


def _cupy_that_fails(where: str) -> ModuleType:
    """A module that imports as `cupy` but cannot use a GPU: `where` says what fails."""
    def count() -> int:
        if where == "driver":
            raise CUDARuntimeError("cudaErrorNoDevice: no CUDA-capable device is detected")
        return 0 if where == "no device" else 1

    def arange(*args, **kwargs):
        raise RuntimeError("CuPy failed to load libnvrtc.so.12: OSError: libnvrtc.so.12: cannot open shared object")

    fake = ModuleType("cupy")
    fake.cuda = SimpleNamespace(runtime=SimpleNamespace(getDeviceCount=count))
    fake.arange, fake.float32 = arange, "float32"
    return fake


REASONS = {
    "not installed": "CuPy is not installed",
    "driver": "CuPy is installed but cannot use a GPU (CUDARuntimeError: cudaErrorNoDevice: no CUDA-capable device "
              "is detected)",
    "no device": "CuPy found no GPU",
    "kernels": "CuPy is installed but cannot use a GPU (RuntimeError: CuPy failed to load libnvrtc.so.12",
}


@pytest.fixture(params=list(REASONS))
def no_gpu(request, monkeypatch):
    """A machine without a usable GPU, in each of the ways a machine can lack one; yields the reason given."""
    fake = None if request.param == "not installed" else _cupy_that_fails(request.param)
    monkeypatch.setitem(sys.modules, "cupy", fake)
    backend._reset()
    yield REASONS[request.param]
    backend._reset()


def test_no_gpu_is_not_available(no_gpu):
    assert tg.cuda.is_available() is False
    assert tg.cuda.device_count() == 0


def test_naming_cuda_does_not_need_a_gpu(no_gpu):
    assert repr(tg.device("cuda")) == "device(type='cuda')"  # just a name, as in PyTorch
    assert tg.device("cuda:1").index == 1


@pytest.mark.parametrize("ask", [
    lambda: tg.tensor([1.0, 2.0], device="cuda"),
    lambda: tg.ones(2).to("cuda"),
    lambda: tg.ones(2).to(tg.device("cuda:0")),
    lambda: tg.ones(2).cuda(),
    lambda: tg.zeros(2, device="cuda:0"),
    lambda: tg.randn(2, device="cuda"),
    lambda: tg.zeros_like(tg.ones(2), device="cuda"),
    lambda: tg.Generator(device="cuda"),
    lambda: tg.cuda.synchronize(),
    lambda: tg.cuda.get_device_name(),
], ids=["tensor", "to", "to_device", "cuda", "zeros", "randn", "zeros_like", "Generator", "synchronize", "name"])
def test_asking_for_cuda_without_a_gpu(no_gpu, ask):
    with pytest.raises(RuntimeError) as e:
        ask()
    message = str(e.value)
    assert message.startswith(f"CUDA was asked for, but there is no usable GPU here: {no_gpu}")
    assert 'pip install -e ".[gpu]"' in message  # how to get one working
    assert "works on the CPU" in message and "device='cpu'" in message  # and that nothing needs one


def test_the_gpu_is_looked_for_once(monkeypatch):
    calls = []
    fake = _cupy_that_fails("no device")
    fake.cuda.runtime.getDeviceCount = lambda: calls.append(1) or 0
    monkeypatch.setitem(sys.modules, "cupy", fake)
    backend._reset()
    try:
        assert not tg.cuda.is_available() and not tg.cuda.is_available() and tg.cuda.device_count() == 0
        assert len(calls) == 1
    finally:
        backend._reset()


def test_import_and_cpu_work_do_not_import_cupy():
    code = ("import sys, tinygrad_edu as tg\n"
            "x = tg.tensor([1.0, 2.0], requires_grad=True)\n"
            "(x * 2 + 1).sigmoid().sum().backward()\n"
            "print(x.grad.tolist(), 'cupy' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("False")
