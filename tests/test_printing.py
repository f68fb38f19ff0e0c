"""How tensors print: PyTorch's repr, character for character, with the package's name for `torch.`.

Fixed cases carry PyTorch 2.13's own strings (so they run without PyTorch too); hypothesis then draws
shapes (rank 0 to 4, empty, and past the 1000 elements where PyTorch summarises), dtypes and value
ranges and compares with PyTorch where it is installed.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from helpers import norm

NAN, INF = float("nan"), float("inf")

# (how to make it in either library, PyTorch's repr with the module renamed)
FIXED = [
    (lambda lib: lib.tensor(1.0), "tensor(1.)"),
    (lambda lib: lib.tensor([1.0, 2.0, 3.0]), "tensor([1., 2., 3.])"),
    (lambda lib: lib.tensor([[1, 2], [3, 4]]), "tensor([[1, 2],\n        [3, 4]])"),
    (lambda lib: lib.tensor([0.1, 2.5]), "tensor([0.1000, 2.5000])"),
    (lambda lib: lib.tensor([1e-5, 1.0]), "tensor([1.0000e-05, 1.0000e+00])"),
    (lambda lib: lib.tensor([1e10]), "tensor([1.0000e+10])"),
    (lambda lib: lib.tensor([NAN, INF, -INF, 1.0]), "tensor([nan, inf, -inf, 1.])"),
    (lambda lib: lib.tensor([True, False]), "tensor([ True, False])"),
    (lambda lib: lib.tensor([1, 2], dtype=lib.int32), "tensor([1, 2], dtype=tinygrad_edu.int32)"),
    (lambda lib: lib.tensor([1.5], dtype=lib.float64), "tensor([1.5000], dtype=tinygrad_edu.float64)"),
    (lambda lib: lib.tensor([], dtype=lib.int64), "tensor([], dtype=tinygrad_edu.int64)"),
    (lambda lib: lib.zeros(0, 3), "tensor([], size=(0, 3))"),
    (lambda lib: lib.arange(1001.0), "tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])"),
    (lambda lib: lib.arange(24.0).reshape(2, 3, 4),
     "tensor([[[ 0.,  1.,  2.,  3.],\n         [ 4.,  5.,  6.,  7.],\n         [ 8.,  9., 10., 11.]],\n\n"
     "        [[12., 13., 14., 15.],\n         [16., 17., 18., 19.],\n         [20., 21., 22., 23.]]])"),
    (lambda lib: lib.tensor([1.0], requires_grad=True), "tensor([1.], requires_grad=True)"),
    (lambda lib: lib.tensor([1.0, 2.0], requires_grad=True) * 2, "tensor([2., 4.], grad_fn=<MulBackward0>)"),
    (lambda lib: lib.tensor(3.5, dtype=lib.float16), "tensor(3.5000, dtype=tinygrad_edu.float16)"),
    (lambda lib: lib.tensor([-1.5, 0.25, 100.0]), "tensor([ -1.5000,   0.2500, 100.0000])"),
    (lambda lib: lib.tensor([123456.789]), "tensor([123456.7891])"),
    (lambda lib: lib.zeros(2, 2, dtype=lib.uint8), "tensor([[0, 0],\n        [0, 0]], dtype=tinygrad_edu.uint8)"),
    (lambda lib: lib.tensor(-0.0), "tensor(-0.)"),
    (lambda lib: lib.tensor([1e-10, 1e10]), "tensor([1.0000e-10, 1.0000e+10])"),
    (lambda lib: lib.arange(30.0) * 1.5,
     "tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n"
     "        12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000,\n"
     "        24.0000, 25.5000, 27.0000, 28.5000, 30.0000, 31.5000, 33.0000, 34.5000,\n"
     "        36.0000, 37.5000, 39.0000, 40.5000, 42.0000, 43.5000])"),
]


@pytest.mark.parametrize("index", range(len(FIXED)))
def test_fixed_reprs(index):
    make, expected = FIXED[index]
    t = make(tg)
    assert repr(t) == expected and str(t) == expected
    if t.ndim:  # (a 0-d tensor formats as its number, as in PyTorch)
        assert f"{t}" == expected


def test_print_uses_the_repr(capsys):
    print(tg.tensor([1.0, 2.0]))
    assert capsys.readouterr().out == "tensor([1., 2.])\n"


def test_size_dtype_device_reprs():
    assert repr(tg.Size([2, 3])) == "tinygrad_edu.Size([2, 3])"
    assert repr(tg.zeros(2, 3).shape[1:]) == "tinygrad_edu.Size([3])"
    assert repr(tg.float64) == "tinygrad_edu.float64" and repr(tg.bool) == "tinygrad_edu.bool"
    assert repr(tg.device("cpu")) == "device(type='cpu')" and str(tg.device("cpu")) == "cpu"
    assert repr(tg.device("cuda:1")) == "device(type='cuda', index=1)" and str(tg.device("cuda", 0)) == "cuda:0"


def test_grad_fn_repr_names_the_node():
    y = tg.tensor([1.0], requires_grad=True).sigmoid()
    assert repr(y.grad_fn).startswith("<SigmoidBackward0 object at 0x")
    assert y.grad_fn.name() == "SigmoidBackward0"


def test_reprs_of_the_same_objects_in_torch():
    torch = pytest.importorskip("torch")
    assert norm(repr(torch.Size([2, 3]))) == repr(tg.Size([2, 3]))
    for name in ("float16", "float32", "float64", "int32", "int64", "uint8", "bool"):
        assert norm(repr(getattr(torch, name))) == repr(getattr(tg, name))
    assert repr(torch.device("cpu")) == repr(tg.device("cpu"))
    assert repr(torch.device("cuda:1")) == repr(tg.device("cuda:1"))
    x = np.array([[0.5, -1.0], [2.0, 3.25]], dtype=np.float32)
    assert norm(repr(torch.tensor(x).max(1))) == repr(tg.tensor(x).max(1))


@pytest.mark.parametrize("index", range(len(FIXED)))
def test_fixed_strings_are_torchs(index):
    """The strings in FIXED are PyTorch's: rebuild each case in torch and compare."""
    torch = pytest.importorskip("torch")
    make, expected = FIXED[index]
    assert norm(repr(make(torch))) == expected


# --- property tests against PyTorch ---------------------------------------------------------------

DTYPES = ["float32", "float64", "float16", "int64", "int32", "uint8", "bool"]


def _values(rng: np.random.Generator, shape: tuple, dtype: str, kind: str) -> np.ndarray:
    """Numbers of one `kind` of range, in `dtype`."""
    n = int(np.prod(shape, dtype=np.int64))
    if dtype == "bool":
        return (rng.random(n) < 0.5).reshape(shape)
    if dtype == "uint8":
        return rng.integers(0, 256, n).astype(np.uint8).reshape(shape)
    if dtype in ("int32", "int64"):
        scale = {"huge": 10**9, "ints": 100}.get(kind, 10)
        return rng.integers(-scale, scale, n).astype(dtype).reshape(shape)
    if kind == "ints":
        a = rng.integers(-50, 50, n).astype(np.float64)
    elif kind == "tiny":
        a = rng.normal(size=n) * 1e-6
    elif kind == "huge":
        a = rng.normal(size=n) * (1e4 if dtype == "float16" else 1e12)
    elif kind == "wide":
        a = rng.normal(size=n) * 10.0 ** rng.integers(-3, 5, n)
    elif kind == "special":
        a = rng.choice([NAN, INF, -INF, 0.0, 1.5, -2.0], size=n)
    elif kind == "positive":
        a = rng.uniform(0, 10, n)
    else:
        a = rng.normal(size=n) * 3
    return a.astype(dtype).reshape(shape)


def _compare(shape: tuple, dtype: str, kind: str, seed: int, requires_grad: bool = False) -> None:
    torch = pytest.importorskip("torch")
    a = _values(np.random.default_rng(seed), shape, dtype, kind)
    ours, theirs = tg.tensor(a), torch.from_numpy(a.copy())
    if requires_grad and a.dtype.kind == "f":
        ours, theirs = ours.requires_grad_(), theirs.requires_grad_()
    assert repr(ours) == norm(repr(theirs)), f"{shape} {dtype} {kind}"


@settings(max_examples=60)
@given(shape=st.lists(st.integers(0, 4), max_size=4).map(tuple), dtype=st.sampled_from(DTYPES),
       kind=st.sampled_from(["normal", "ints", "tiny", "huge", "wide", "special", "positive"]),
       seed=st.integers(0, 2**32 - 1), requires_grad=st.booleans())
def test_small_tensors_print_as_torch(shape, dtype, kind, seed, requires_grad):
    _compare(shape, dtype, kind, seed, requires_grad)


@settings(max_examples=40)
@given(shape=st.lists(st.integers(1, 12), min_size=1, max_size=4).map(tuple).filter(lambda s: np.prod(s) > 1000)
       | st.sampled_from([(1001,), (2, 501), (1, 1, 1, 1200), (40, 30)]),
       dtype=st.sampled_from(DTYPES), kind=st.sampled_from(["normal", "ints", "wide", "special"]),
       seed=st.integers(0, 2**32 - 1))
def test_summarised_tensors_print_as_torch(shape, dtype, kind, seed):
    _compare(shape, dtype, kind, seed)


@settings(max_examples=40)
@given(shape=st.lists(st.integers(1, 9), min_size=1, max_size=2).map(tuple), seed=st.integers(0, 2**32 - 1),
       kind=st.sampled_from(["normal", "huge", "ints"]))
def test_wrapping_and_suffixes_print_as_torch(shape, seed, kind):
    """Long rows wrap at 80 characters; the grad_fn suffix may move to its own line."""
    torch = pytest.importorskip("torch")
    a = _values(np.random.default_rng(seed), shape, "float64", kind)
    ours = tg.tensor(a, requires_grad=True) * 2
    theirs = torch.tensor(a, requires_grad=True) * 2
    assert repr(ours) == norm(repr(theirs))
    assert repr(ours.sum(-1)) == norm(repr(theirs.sum(-1)))
