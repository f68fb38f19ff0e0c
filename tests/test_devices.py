"""Tensors on devices: every op, forward and backward, gives the same numbers on the CPU and on a GPU.

Each test runs on three devices:
- 'cpu': NumPy arrays;
- 'cuda': a real GPU through CuPy (marked `gpu`; skipped, with the reason, where there is none);
- 'fake-cuda': `FakeCupy` below, a stand-in for CuPy that runs on the CPU. Its arrays are not NumPy
  arrays and behave as CuPy's do where the engine could go wrong: they refuse to become NumPy arrays
  implicitly (`np.exp(gpu_array)` raises), come back to the host only through `.get()`, give 0-d arrays
  (never scalars) from reductions, and their `flags` have no `writeable`. So engine code that would
  not run on CuPy fails here on any machine, not only on a GPU one.
"""
from __future__ import annotations

import os
import sys
import types
from types import SimpleNamespace

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import backend


# --- a stand-in for CuPy ------------------------------------------------------------------------

class FakeDevice:
    """`cupy.cuda.Device`: a device number, and a context that makes it the current device."""
    current = 0

    def __init__(self, id: int | None = None):
        self.id = FakeDevice.current if id is None else id

    def __enter__(self):
        self._previous, FakeDevice.current = FakeDevice.current, self.id
        return self

    def __exit__(self, *exc):
        FakeDevice.current = self._previous

    def synchronize(self):
        FakeCupy.calls.append("synchronize")


def _unwrap(x):
    """Fake arrays to NumPy ones, for the NumPy call underneath; a real NumPy array is refused, as CuPy does."""
    if isinstance(x, FakeArray):
        return x._a
    if isinstance(x, np.ndarray):
        raise TypeError(f"Unsupported type {type(x)}")
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrap(v) for v in x)
    if isinstance(x, dict):
        return {k: _unwrap(v) for k, v in x.items()}
    return x


def _unwrap_key(key):
    # CuPy turns NumPy index arrays into its own (a copy), so they are allowed in keys.
    parts = key if isinstance(key, tuple) else (key,)
    out = tuple(k if isinstance(k, np.ndarray) else _unwrap(k) for k in parts)
    return out if isinstance(key, tuple) else out[0]


def _wrap(x):
    """NumPy results as fake arrays on the current device; NumPy scalars as 0-d arrays, as CuPy gives."""
    if isinstance(x, np.ndarray):
        return FakeArray(x)
    if isinstance(x, np.generic):
        return FakeArray(np.asarray(x))
    if isinstance(x, (list, tuple)):
        return type(x)(_wrap(v) for v in x)
    return x


class FakeArray:
    """An array "on the GPU": a NumPy array inside, which only `.get()` hands out."""
    __array_ufunc__ = None  # NumPy's operators give way to ours, which refuse NumPy arrays

    def __init__(self, a: np.ndarray, device: int | None = None):
        self._a, self.device = a, FakeDevice(device)

    shape = property(lambda self: self._a.shape)
    ndim = property(lambda self: self._a.ndim)
    dtype = property(lambda self: self._a.dtype)
    size = property(lambda self: self._a.size)
    itemsize = property(lambda self: self._a.itemsize)

    @property
    def base(self):
        return None if self._a.base is None else FakeArray(self._a.base)

    @property
    def flags(self):  # CuPy's flags: no `writeable`
        return SimpleNamespace(c_contiguous=self._a.flags.c_contiguous, f_contiguous=self._a.flags.f_contiguous,
                               owndata=self._a.flags.owndata)

    def get(self) -> np.ndarray:
        FakeCupy.calls.append("get")
        return self._a.copy()

    def __array__(self, *args, **kwargs):
        raise TypeError("Implicit conversion to a NumPy array is not allowed. Please use `.get()` to construct a "
                        "NumPy array explicitly.")

    def __getattr__(self, name):  # methods: sum, reshape, astype, ...
        if name.startswith("__") or name == "_a":
            raise AttributeError(name)
        attr = getattr(self._a, name)
        if not callable(attr):
            return _wrap(attr)

        def method(*args, **kwargs):
            out = attr(*_unwrap(args), **_unwrap(kwargs))
            return self if out is self._a else _wrap(out)  # astype(copy=False) may give the array itself
        return method

    def __getitem__(self, key):
        return _wrap(self._a[_unwrap_key(key)])

    def __setitem__(self, key, value):
        self._a[_unwrap_key(key)] = _unwrap(value)

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return (_wrap(row) for row in self._a)

    def __bool__(self):
        return bool(self._a)

    def __float__(self):
        return float(self._a)

    def __int__(self):
        return int(self._a)

    def __repr__(self):
        return f"fake-cupy {self._a!r}"


def _operator(name):
    def op(self, *other):
        return _wrap(getattr(self._a, name)(*_unwrap(other)))
    return op


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or", "xor"):
    for _form in (f"__{_name}__", f"__r{_name}__"):
        setattr(FakeArray, _form, _operator(_form))
for _form in ("__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__", "__neg__", "__pos__", "__abs__",
              "__invert__"):
    setattr(FakeArray, _form, _operator(_form))


def _in_place(name):
    def op(self, other):  # CuPy's `a += b` changes `a` itself, as NumPy's does
        getattr(self._a, name)(_unwrap(other))
        return self
    return op


for _form in ("__iadd__", "__isub__", "__imul__", "__itruediv__"):
    setattr(FakeArray, _form, _in_place(_form))
FakeArray.__hash__ = None


class FakeFunction:
    """A NumPy function (or ufunc, with its `.at`) taking and giving fake arrays."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, *args, **kwargs):
        return _wrap(self.fn(*_unwrap(args), **_unwrap(kwargs)))

    def at(self, a, indices, b=None):
        self.fn.at(a._a, _unwrap_key(indices), _unwrap(b))


class FakeCupy(types.ModuleType):
    """`cupy` with `n` GPUs: NumPy's functions on fake arrays; `asarray` moves data "to the GPU"."""
    calls: list = []  # "asarray" and "get", in order: the moves between host and device

    def __init__(self, n: int = 1):
        super().__init__("cupy")
        self.ndarray = FakeArray
        self.cuda = SimpleNamespace(Device=FakeDevice, runtime=SimpleNamespace(
            getDeviceCount=lambda: n, getDeviceProperties=lambda i: {"name": f"Fake GPU {i}".encode()}))
        FakeCupy.calls = []

    def asarray(self, a, dtype=None):
        FakeCupy.calls.append("asarray")
        if isinstance(a, FakeArray):
            return a if dtype is None else a.astype(dtype)
        return FakeArray(np.array(a, dtype=dtype))

    def __getattr__(self, name):
        attr = getattr(np, name)
        return attr if isinstance(attr, type) or not callable(attr) else FakeFunction(attr)


def use_fake_cupy(monkeypatch, n: int = 1) -> FakeCupy:
    """Make `import cupy` give a FakeCupy with `n` GPUs (until the test ends)."""
    fake = FakeCupy(n)
    monkeypatch.setitem(sys.modules, "cupy", fake)
    monkeypatch.setattr(FakeDevice, "current", 0)
    backend._reset()
    return fake


# --- the devices every test runs on -------------------------------------------------------------

def _gpu_or_skip() -> str:
    if not tg.cuda.is_available():
        reason = f"no usable CUDA GPU here ({backend._gpu()[1]})"
        if os.environ.get("TINYGRAD_EDU_REQUIRE_GPU"):  # set by scripts/gpu_check.sh: there, a skip hides a failure
            pytest.fail(reason)
        pytest.skip(reason)
    return "cuda"


@pytest.fixture(params=["cpu", pytest.param("cuda", marks=pytest.mark.gpu), "fake-cuda"])
def device(request, monkeypatch):
    """The device a test runs on, as the string a learner would pass."""
    if request.param == "cuda":
        yield _gpu_or_skip()
    elif request.param == "fake-cuda":
        use_fake_cupy(monkeypatch)
        yield "cuda"
    else:
        yield "cpu"
    backend._reset()


@pytest.fixture(params=[pytest.param("cuda", marks=pytest.mark.gpu), "fake-cuda"])
def gpu(request, monkeypatch):
    """A GPU: a real one (skipped where there is none) or the fake."""
    if request.param == "cuda":
        yield _gpu_or_skip()
    else:
        use_fake_cupy(monkeypatch)
        yield "cuda"
    backend._reset()


def on_device(t: tg.Tensor, device: str) -> bool:
    """`t`'s data is an array of the device's kind: NumPy on the CPU, CuPy's ndarray on a GPU."""
    if device == "cpu":
        return t.device == tg.device("cpu") and type(t._data) is np.ndarray
    return str(t.device) == "cuda:0" and isinstance(t._data, sys.modules["cupy"].ndarray)


# --- every op, forward and backward -------------------------------------------------------------

RNG = np.random.default_rng(0)


def signed(*shape):
    """Random numbers in +-[0.5, 1.5]: away from 0, where abs and relu have their kink."""
    return RNG.uniform(0.5, 1.5, shape) * RNG.choice([-1.0, 1.0], shape)


def positive(*shape):
    return RNG.uniform(0.5, 2.0, shape)


class Const:
    """An argument that becomes a tensor on the device that does not require grad (an index, a mask)."""

    def __init__(self, array):
        self.array = np.asarray(array)


MASK = Const(RNG.random((3, 4)) > 0.5)
INDEX = Const(np.array([2, 0, 2]))  # picks row 2 twice: its grads must add up

# (id, the op on tensors, the same op in NumPy, arguments). Floating arrays become tensors that require grad.
OPS = [
    ("add", lambda x, y: x + y, lambda x, y: x + y, [signed(3, 4), signed(4)]),
    ("sub", lambda x, y: x - y, lambda x, y: x - y, [signed(3, 1), signed(1, 4)]),
    ("rsub", lambda x: 2.0 - x, lambda x: 2.0 - x, [signed(3)]),
    ("mul", lambda x, y: x * y, lambda x, y: x * y, [signed(2, 3, 4), signed(3, 1)]),
    ("div", lambda x, y: x / y, lambda x, y: x / y, [signed(3, 4), signed(3, 4)]),
    ("rdiv", lambda x: 1.0 / x, lambda x: 1.0 / x, [signed(3, 4)]),
    ("pow", lambda x, y: x ** y, lambda x, y: x ** y, [positive(3, 4), signed(3, 4)]),
    ("pow_scalar", lambda x: x ** 3, lambda x: x ** 3, [signed(3, 4)]),
    ("rpow", lambda x: 2 ** x, lambda x: 2.0 ** x, [signed(3, 4)]),
    ("neg", lambda x: -x, lambda x: -x, [signed(3, 4)]),
    ("abs", tg.abs, np.abs, [signed(3, 4)]),
    ("exp", tg.exp, np.exp, [signed(3, 4)]),
    ("log", tg.log, np.log, [positive(3, 4)]),
    ("sqrt", tg.sqrt, np.sqrt, [positive(3, 4)]),
    ("sigmoid", tg.sigmoid, lambda x: 1 / (1 + np.exp(-x)), [3 * signed(3, 4)]),
    ("tanh", tg.tanh, np.tanh, [signed(3, 4)]),
    ("relu", tg.relu, lambda x: np.maximum(x, 0), [signed(3, 4)]),
    ("clamp", lambda x: x.clamp(-1.0, 1.0), lambda x: np.clip(x, -1.0, 1.0), [signed(3, 4)]),
    ("maximum", tg.maximum, np.maximum, [signed(3, 4), signed(3, 4)]),
    ("minimum", tg.minimum, np.minimum, [signed(3, 4), signed(4)]),
    ("where", lambda m, x, y: tg.where(m, x, y), np.where, [MASK, signed(3, 4), signed(4)]),
    ("matmul", lambda x, y: x @ y, lambda x, y: x @ y, [signed(3, 4), signed(4, 2)]),
    ("dot", tg.dot, np.dot, [signed(4), signed(4)]),
    ("mv", lambda x, y: x @ y, lambda x, y: x @ y, [signed(3, 4), signed(4)]),
    ("vm", lambda x, y: x @ y, lambda x, y: x @ y, [signed(4), signed(4, 3)]),
    ("bmm", lambda x, y: x @ y, lambda x, y: x @ y, [signed(2, 3, 4), signed(4, 2)]),
    ("sum", lambda x: x.sum(), np.sum, [signed(3, 4)]),
    ("sum_dim", lambda x: x.sum(1, keepdim=True), lambda x: x.sum(1, keepdims=True), [signed(3, 4)]),
    ("mean", lambda x: x.mean(), np.mean, [signed(3, 4)]),
    ("mean_dims", lambda x: x.mean((0, 2)), lambda x: x.mean((0, 2)), [signed(2, 3, 4)]),
    ("max", lambda x: x.max(), np.max, [signed(3, 4)]),
    ("max_dim", lambda x: x.max(1).values, lambda x: x.max(1), [signed(3, 4)]),
    ("min_dim", lambda x: x.min(0, keepdim=True)[0], lambda x: x.min(0, keepdims=True), [signed(3, 4)]),
    ("softmax", lambda x: x.softmax(-1), lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True), [signed(3, 4)]),
    ("log_softmax", lambda x: x.log_softmax(0), lambda x: x - np.log(np.exp(x).sum(0)), [signed(3, 4)]),
    ("reshape", lambda x: x.reshape(2, -1), lambda x: x.reshape(2, -1), [signed(3, 4)]),
    ("flatten", lambda x: x.flatten(1), lambda x: x.reshape(2, -1), [signed(2, 3, 4)]),
    ("transpose", lambda x: x.transpose(0, 2), lambda x: x.swapaxes(0, 2), [signed(2, 3, 4)]),
    ("permute", lambda x: x.permute(2, 0, 1), lambda x: x.transpose(2, 0, 1), [signed(2, 3, 4)]),
    ("T", lambda x: x.T, lambda x: x.T, [signed(3, 4)]),
    ("squeeze", lambda x: x.squeeze(1), lambda x: x.squeeze(1), [signed(3, 1, 4)]),
    ("unsqueeze", lambda x: x.unsqueeze(0), lambda x: x[None], [signed(3, 4)]),
    ("expand", lambda x: x.expand(3, 4), lambda x: np.broadcast_to(x, (3, 4)), [signed(3, 1)]),
    ("index_int", lambda x: x[1], lambda x: x[1], [signed(3, 4)]),
    ("index_slice", lambda x: x[:, 1:3], lambda x: x[:, 1:3], [signed(3, 4)]),
    ("index_tensor", lambda x, i: x[i], lambda x, i: x[i], [signed(3, 4), INDEX]),
    ("index_mask", lambda x, m: x[m], lambda x, m: x[m], [signed(3, 4), MASK]),
    ("cat", lambda x, y: tg.cat([x, y], 1), lambda x, y: np.concatenate([x, y], 1), [signed(3, 2), signed(3, 4)]),
    ("stack", lambda x, y: tg.stack([x, y], 1), lambda x, y: np.stack([x, y], 1), [signed(3, 4), signed(3, 4)]),
    ("clone", tg.clone, np.copy, [signed(3, 4)]),
    ("chain", lambda x, w, b: (x @ w + b).sigmoid().log().mean(),
     lambda x, w, b: np.log(1 / (1 + np.exp(-(x @ w + b)))).mean(), [signed(5, 3), signed(3), signed(1)]),
]

# Not differentiable: results only.
PREDICATES = [
    ("lt", lambda x, y: x < y, lambda x, y: x < y, [signed(3, 4), signed(4)]),
    ("eq_scalar", lambda x: x == 1, lambda x: x == 1, [np.array([1.0, 2.0, 1.0])]),
    ("argmax", lambda x: x.argmax(1), lambda x: x.argmax(1), [signed(3, 4)]),
    ("max_indices", lambda x: x.max(0).indices, lambda x: x.argmax(0), [signed(3, 4)]),
    ("logical_and", lambda x, y: (x > 0) & (y > 0), lambda x, y: (x > 0) & (y > 0), [signed(3, 4), signed(3, 4)]),
    ("isnan", tg.isnan, np.isnan, [np.array([1.0, np.nan, -np.inf])]),
]


def _make(args: list, device: str, requires_grad: bool) -> list:
    return [tg.tensor(a.array, device=device) if isinstance(a, Const)
            else tg.tensor(a, device=device, requires_grad=requires_grad) for a in args]


def _raw(args: list) -> list:
    return [a.array if isinstance(a, Const) else a for a in args]


def _numeric_grads(ref, args: list, w: np.ndarray, eps: float = 1e-6) -> list:
    """d sum(ref(args) * w) / d arg by central differences, for each floating argument (None for the others)."""
    arrays = [a.copy() for a in _raw(args)]
    grads = []
    for i, a in enumerate(arrays):
        if isinstance(args[i], Const):
            grads.append(None)
            continue
        g = np.zeros_like(a)
        for j in range(a.size):
            orig = a.flat[j]
            a.flat[j] = orig + eps
            plus = (ref(*arrays) * w).sum()
            a.flat[j] = orig - eps
            minus = (ref(*arrays) * w).sum()
            a.flat[j] = orig
            g.flat[j] = (plus - minus) / (2 * eps)
        grads.append(g)
    return grads


def _run(fn, args: list, device: str, w: np.ndarray | None = None) -> tuple:
    """The op's output and the grads of sum(output * w), as NumPy arrays, and the tensors it ran on."""
    tensors = _make(args, device, requires_grad=True)
    out = fn(*tensors)
    if w is None:
        w = np.random.default_rng(1).uniform(0.5, 1.5, tuple(out.shape))
    (out * tg.tensor(w, device=device)).sum().backward()
    grads = [None if t.grad is None else t.grad.cpu().numpy() for t in tensors]
    return out, grads, tensors, w


@pytest.mark.parametrize("fn,ref,args", [op[1:] for op in OPS], ids=[op[0] for op in OPS])
def test_op_forward_and_backward(device, fn, ref, args):
    out, grads, tensors, w = _run(fn, args, device)
    assert on_device(out, device) and out.dtype == tg.float64
    np.testing.assert_allclose(out.detach().cpu().numpy(), ref(*_raw(args)), rtol=1e-12, atol=1e-12)
    for t, g, numeric in zip(tensors, grads, _numeric_grads(ref, args, w)):
        if numeric is None:
            assert t.grad is None
            continue
        assert on_device(t.grad, device), "a grad lives on its tensor's device"
        assert t.grad.shape == t.shape and t.grad.dtype == t.dtype
        np.testing.assert_allclose(g, numeric, rtol=1e-5, atol=1e-7)
    if device != "cpu":  # the very same numbers as on the CPU
        cpu_out, cpu_grads, _, _ = _run(fn, args, "cpu", w)
        np.testing.assert_allclose(out.detach().cpu().numpy(), cpu_out.detach().numpy(), rtol=1e-12, atol=1e-13)
        for g, cg in zip(grads, cpu_grads):
            assert (g is None) == (cg is None)
            if g is not None:
                np.testing.assert_allclose(g, cg, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("fn,ref,args", [op[1:] for op in PREDICATES], ids=[op[0] for op in PREDICATES])
def test_predicates(device, fn, ref, args):
    expected = ref(*_raw(args))
    out = fn(*_make(args, device, requires_grad=False))
    assert on_device(out, device) and not out.requires_grad
    assert out.dtype == {"b": tg.bool, "i": tg.int64}[expected.dtype.kind]
    np.testing.assert_array_equal(out.cpu().numpy(), expected)


def test_float32_on_device_matches_cpu(device):
    """The default dtype: a small training step's numbers agree with the CPU's to float32 precision."""
    tg.manual_seed(0)
    x, w = tg.randn(8, 5), tg.randn(5, 1, requires_grad=True)
    wd = w.detach().to(device).requires_grad_()
    for xs, ws in ((x, w), (x.to(device), wd)):
        loss = ((xs @ ws).sigmoid() - 1).abs().mean()
        loss.backward()
    assert wd.grad.dtype == tg.float32 and on_device(wd.grad, device)
    np.testing.assert_allclose(wd.grad.cpu().numpy(), w.grad.numpy(), rtol=1e-5, atol=1e-7)


# --- making tensors on a device, and moving them ------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda d: tg.tensor([[1.0, 2.0], [3.0, 4.0]], device=d),
    lambda d: tg.zeros(2, 3, device=d),
    lambda d: tg.ones((2, 3), dtype=tg.int32, device=d),
    lambda d: tg.full((2,), 7.0, device=d),
    lambda d: tg.empty(3, device=d),
    lambda d: tg.arange(5, device=d),
    lambda d: tg.linspace(0, 1, 5, device=d),
    lambda d: tg.eye(3, device=d),
    lambda d: tg.rand(2, 2, device=d),
    lambda d: tg.randn(2, 2, device=d, requires_grad=True),
    lambda d: tg.randint(0, 5, (4,), device=d),
    lambda d: tg.zeros_like(tg.ones(2), device=d),
], ids=["tensor", "zeros", "ones", "full", "empty", "arange", "linspace", "eye", "rand", "randn", "randint",
        "zeros_like"])
def test_creation_on_device(device, make):
    tg.manual_seed(0)
    t = make(device)
    tg.manual_seed(0)
    c = make("cpu")
    assert on_device(t, device)
    assert t.dtype == c.dtype and t.shape == c.shape and t.requires_grad == c.requires_grad
    np.testing.assert_array_equal(t.detach().cpu().numpy(), c.detach().numpy())  # a seed gives the same numbers


def test_like_functions_keep_the_device(device):
    x = tg.ones(2, 3, device=device)
    for t in (tg.zeros_like(x), tg.ones_like(x), tg.full_like(x, 2.0), tg.rand_like(x), tg.randn_like(x),
              tg.empty_like(x), tg.tensor(x), x.clone(), x.detach(), x.data, x * 2, x.sum(), x[0]):
        assert on_device(t, device)


def test_moving(device):
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    for moved in (x.to(device), x.to(tg.device(device)), x.to(device=device), x.to(tg.zeros(1, device=device)),
                  x.to(device, tg.float64)):
        assert on_device(moved, device)
        assert moved.tolist() == x.tolist()
    if device != "cpu":
        for moved in (x.to("cuda:0"), x.cuda(), x.cuda(0), x.to(0), x.to(tg.device("cuda", 0))):
            assert on_device(moved, device)
            assert moved is not x
        back = x.cuda().cpu()
        assert on_device(back, "cpu") and back.tolist() == x.tolist() and back._data is not x._data
    y = x.to(device)
    assert y.to(device) is y and y.to(y) is y and y.to(y.device) is y  # nothing to do: the tensor itself
    z = y.to(tg.int64)
    assert z.dtype == tg.int64 and on_device(z, device)


def test_python_values_from_a_device(device):
    t = tg.tensor([[1.5, 2.0]], device=device)
    assert t.tolist() == [[1.5, 2.0]]
    assert t[0, 0].item() == 1.5 and float(t[0, 1]) == 2.0 and int(t[0, 1]) == 2 and bool(t[0, 0])
    assert f"{t.sum():.2f}" == "3.50"
    assert len(t) == 1 and [r.tolist() for r in t] == [[1.5, 2.0]]


def test_repr_names_the_device(device):
    t = tg.tensor([1.0, 2.0], device=device, requires_grad=True)
    suffix = "" if device == "cpu" else ", device='cuda:0'"
    assert repr(t) == f"tensor([1., 2.]{suffix}, requires_grad=True)"
    assert repr(t * 2) == f"tensor([2., 4.]{suffix}, grad_fn=<MulBackward0>)"
    assert repr(tg.tensor([1, 2], device=device)) == f"tensor([1, 2]{suffix})"


def test_numpy_needs_the_cpu(gpu):
    t = tg.tensor([1.0, 2.0], device=gpu)
    msg = "can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host memory first."
    with pytest.raises(TypeError) as e:
        t.numpy()
    assert str(e.value) == msg
    with pytest.raises(TypeError):
        np.asarray(t)
    assert t.cpu().numpy().tolist() == [1.0, 2.0]


# --- gradients live on their tensor's device ----------------------------------------------------

def test_grads_on_the_device(device):
    w = tg.tensor([[1.0, -2.0], [0.5, 3.0]], device=device, requires_grad=True)
    x = tg.tensor([1.0, 2.0], device=device)
    loss = (w @ x).relu().sum()
    loss.backward()
    assert on_device(loss, device) and on_device(w.grad, device)
    assert w.grad.tolist() == [[0.0, 0.0], [1.0, 2.0]]
    (w @ x).sum().backward()  # accumulates, on the device
    assert on_device(w.grad, device) and w.grad.tolist() == [[1.0, 2.0], [2.0, 4.0]]
    (g,) = tg.autograd.grad((w * w).sum(), w)
    assert on_device(g, device) and g.tolist() == [[2.0, -4.0], [1.0, 6.0]]


def test_grad_flows_back_across_a_move(gpu):
    """`.to()` is recorded: the grad of a CPU leaf used on the GPU comes back to the CPU."""
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.to(gpu)
    assert y.grad_fn is not None and y.grad_fn.name() == "ToCopyBackward0"
    (y * y).sum().backward()
    assert on_device(x.grad, "cpu") and x.grad.tolist() == [2.0, 4.0, 6.0]


def test_gradcheck_on_device(device):
    x = tg.tensor([[0.3, -1.2], [2.0, 0.7]], dtype=tg.float64, device=device, requires_grad=True)
    assert tg.autograd.gradcheck(lambda t: (t.tanh() * t).sum(1), (x,))


def test_in_place_edits_on_a_device(device):
    t = tg.zeros(2, 3, device=device)
    t[0] = 1.0
    t[1, 1:] = tg.tensor([2.0, 3.0], device=device)
    t += 1
    t.mul_(tg.full((3,), 2.0, device=device))
    assert on_device(t, device) and t.tolist() == [[4.0, 4.0, 4.0], [2.0, 6.0, 8.0]]
    t.copy_(tg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))  # copy_ copies from any device, as PyTorch's
    assert on_device(t, device) and t.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    t.zero_()
    assert t.sum().item() == 0.0
    with tg.no_grad():
        w = tg.ones(2, device=device, requires_grad=True)
        w -= 0.5 * tg.ones(2, device=device)
    assert on_device(w, device) and w.tolist() == [0.5, 0.5]


# --- tensors on different devices do not mix ----------------------------------------------------

MIXED = [
    ("add", lambda a, b: a + b),
    ("radd", lambda a, b: b + a),
    ("matmul", lambda a, b: a @ b),
    ("where", lambda a, b: tg.where(a > 0, a, b)),
    ("cat", lambda a, b: tg.cat([a, b])),
    ("stack", lambda a, b: tg.stack([b, a])),
    ("maximum", tg.maximum),
    ("lt", lambda a, b: a < b),
    ("add_", lambda a, b: a.add_(b)),
    ("copy_into_index", lambda a, b: a.__setitem__(0, b[0])),
    ("index", lambda a, b: a[b.long()]),
]


@pytest.mark.parametrize("op", [m[1] for m in MIXED], ids=[m[0] for m in MIXED])
def test_devices_do_not_mix(gpu, op):
    a, b = tg.ones(2, 2, device=gpu), tg.ones(2, 2)
    with pytest.raises(RuntimeError) as e:
        op(a, b)
    assert str(e.value) == ("Expected all tensors to be on the same device, but found at least two devices, "
                            "cuda:0 and cpu!")


def test_which_gpu_and_waiting_for_it(gpu):
    name = tg.cuda.get_device_name(0)
    assert isinstance(name, str) and name and name == tg.cuda.get_device_name()
    x = tg.randn(64, 64, device=gpu)
    y = x @ x
    tg.cuda.synchronize()  # returns once the GPU is done
    assert y.shape == (64, 64) and on_device(y, gpu)


def test_backward_gradient_on_another_device(gpu):
    y = tg.ones(2, device=gpu, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="^invalid gradient at index 0 - expected device cuda:0 but got cpu$"):
        y.backward(tg.ones(2))


# --- what only the fake can show on any machine ---------------------------------------------------

def test_moves_go_through_asarray_and_get(monkeypatch):
    """To the GPU is `cupy.asarray` (one copy); back is `.get()`; nothing else crosses over."""
    fake = use_fake_cupy(monkeypatch)
    try:
        x = tg.tensor([1.0, 2.0])
        fake.calls.clear()
        y = x.to("cuda")
        assert fake.calls == ["asarray"]
        z = (y * 3).relu().sum()
        assert fake.calls == ["asarray"]  # computing on the GPU moves nothing
        assert z.cpu().item() == 9.0 and fake.calls == ["asarray", "get"]
    finally:
        backend._reset()


def test_two_gpus(monkeypatch):
    use_fake_cupy(monkeypatch, n=2)
    try:
        assert tg.cuda.is_available() and tg.cuda.device_count() == 2
        a, b = tg.ones(2, device="cuda:0"), tg.ones(2).to("cuda:1")
        assert str(a.device) == "cuda:0" and repr(b.device) == "device(type='cuda', index=1)"
        assert b._data.device.id == 1 and b.cuda(1) is b
        c = a.to(b.device)
        assert c.device == "cuda:1" and c._data.device.id == 1 and c._data is not a._data
        with pytest.raises(RuntimeError, match="found at least two devices, cuda:0 and cuda:1!"):
            a + b
        with pytest.raises(RuntimeError, match="invalid device ordinal"):
            tg.zeros(1, device="cuda:2")
    finally:
        backend._reset()


# --- a whole training step, as notebooks 05 and 06 run it ---------------------------------------

@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
def test_training_on_a_device_matches_the_cpu(device, optimizer):
    """Module.to, a loss, an optimizer and a DataLoader on the device: the same weights as on the CPU."""
    from tinygrad_edu.utils.data import DataLoader, TensorDataset

    def train(dev):
        tg.manual_seed(0)
        model = tg.nn.Sequential(tg.nn.Linear(3, 4), tg.nn.Tanh(), tg.nn.Linear(4, 1)).to(dev)
        opt = (tg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9) if optimizer == "SGD"
               else tg.optim.Adam(model.parameters(), lr=0.05))
        x = tg.randn(12, 3)
        y = (x.sum(1, keepdim=True) > 0).float()
        loader = DataLoader(TensorDataset(x.to(dev), y.to(dev)), batch_size=4, shuffle=True,
                            generator=tg.Generator().manual_seed(0))
        for _ in range(3):
            for xb, yb in loader:
                opt.zero_grad()
                loss = tg.nn.BCEWithLogitsLoss()(model(xb), yb)
                loss.backward()
                opt.step()
        return model, loss

    model, loss = train(device)
    cpu_model, cpu_loss = train("cpu")
    assert on_device(loss, device)
    for (name, p), (_, q) in zip(model.named_parameters(), cpu_model.named_parameters()):
        assert on_device(p, device) and on_device(p.grad, device), name
        np.testing.assert_allclose(p.detach().cpu().numpy(), q.detach().numpy(), rtol=1e-5, atol=1e-6)
    state = model.cpu().state_dict()
    assert all(on_device(t, "cpu") for t in state.values())
