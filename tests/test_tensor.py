"""Tensors: creation functions, dtypes and their defaults, `Size`, every attribute of the API contract,
conversions, in-place edits and the Python protocols, checked against NumPy and PyTorch's behaviour."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from helpers import dtype_name, torch
from strategies import broadcast_pairs, random_array, seeds, shapes


# --- tensor(): data and dtype inference ---------------------------------------------------------

@pytest.mark.parametrize("data, dtype", [
    (1.0, "float32"), (1, "int64"), (True, "bool"), ([1, 2.5], "float32"), ([True, 2], "int64"),
    ([True, False], "bool"), ([[1, 2], [3, 4]], "int64"), ([], "float32"), ([[]], "float32"),
    ((1.0, 2.0), "float32"), ([[1.0], [2]], "float32"), (np.float64(1.5), "float64"), (np.int32(3), "int32"),
    (np.array([1, 2], dtype=np.int32), "int32"), (np.array([1.0], dtype=np.float64), "float64"),
    (np.array([1.0], dtype=np.float16), "float16"), (np.array([1], dtype=np.uint8), "uint8"),
    (np.array([True]), "bool"), ([np.float64(1.5), 2.0], "float64"),
])
def test_tensor_infers_dtype_like_torch(data, dtype):
    t = tg.tensor(data)
    assert t.dtype.name == dtype
    np.testing.assert_array_equal(t.numpy(), np.array(data, dtype=dtype))
    if torch is not None:
        theirs = torch.tensor(data)
        assert dtype_name(theirs.dtype) == dtype and tuple(theirs.shape) == tuple(t.shape)


def test_tensor_copies_its_data():
    a = np.array([1.0, 2.0])
    t = tg.tensor(a)
    a[0] = 100.0
    assert t[0].item() == 1.0
    u = tg.tensor(t)
    t.numpy()[1] = 50.0
    assert u.tolist() == [1.0, 2.0]


def test_tensor_with_dtype_and_requires_grad():
    t = tg.tensor([1, 2], dtype=tg.float64, requires_grad=True)
    assert t.dtype == tg.float64 and t.requires_grad and t.is_leaf and t.grad is None
    assert tg.tensor([1.7, -1.7], dtype=tg.int32).tolist() == [1, -1]
    assert tg.tensor([tg.tensor(1.0), tg.tensor(2.0)]).tolist() == [1.0, 2.0]


def test_default_dtypes():
    assert tg.get_default_dtype() == tg.float32
    assert tg.zeros(2).dtype == tg.float32 and tg.rand(2).dtype == tg.float32 and tg.eye(2).dtype == tg.float32
    assert tg.arange(3).dtype == tg.int64 and tg.randint(0, 3, (2,)).dtype == tg.int64
    assert tg.float is tg.float32 and tg.double is tg.float64 and tg.long is tg.int64 and tg.half is tg.float16
    assert tg.int is tg.int32 and tg.bool.name == "bool"


# --- from_numpy shares memory ---------------------------------------------------------------------

def test_from_numpy_shares_memory_both_ways():
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    t = tg.from_numpy(a)
    assert t.dtype == tg.float64 and t.shape == (2, 3)
    a[0, 0] = 100.0
    assert t[0, 0].item() == 100.0
    t.numpy()[1, 2] = -1.0
    assert a[1, 2] == -1.0
    t.add_(1.0)
    assert a[0, 0] == 101.0
    assert t.numpy() is a or np.shares_memory(t.numpy(), a)


def test_from_numpy_keeps_every_supported_dtype():
    for dt in (np.float16, np.float32, np.float64, np.int32, np.int64, np.uint8, np.bool_):
        assert tg.from_numpy(np.zeros(2, dtype=dt)).dtype.np == np.dtype(dt)


def test_numpy_shares_memory():
    t = tg.tensor([1.0, 2.0])
    a = t.numpy()
    a[0] = 5.0
    assert t.tolist() == [5.0, 2.0]


# --- filled and random ----------------------------------------------------------------------------

@pytest.mark.parametrize("make", [tg.zeros, tg.ones, tg.empty])
def test_zeros_ones_empty_shapes(make):
    assert make(2, 3).shape == (2, 3) and make((2, 3)).shape == (2, 3) and make([2, 3]).shape == (2, 3)
    assert make(()).shape == () and make(0).shape == (0,) and make(tg.Size([4, 1])).shape == (4, 1)
    assert make(2, dtype=tg.int32).dtype == tg.int32
    assert make(2, requires_grad=True).requires_grad


def test_filled_values():
    assert tg.zeros(2, 2).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert tg.ones(3).tolist() == [1.0, 1.0, 1.0]
    assert tg.full((2,), 7).dtype == tg.int64 and tg.full((2,), 7).tolist() == [7, 7]
    assert tg.full((2,), 1.5).dtype == tg.float32 and tg.full((2,), True).dtype == tg.bool
    assert tg.full([1, 2], 2.0, dtype=tg.float64).dtype == tg.float64


def test_like_functions_keep_shape_dtype_device():
    x = tg.tensor([[1, 2, 3]], dtype=tg.int32)
    for made in (tg.zeros_like(x), tg.ones_like(x), tg.empty_like(x), tg.full_like(x, 4)):
        assert made.shape == (1, 3) and made.dtype == tg.int32 and made.device == x.device
    assert tg.ones_like(x, dtype=tg.float64).dtype == tg.float64
    assert tg.zeros_like(x).tolist() == [[0, 0, 0]] and tg.full_like(x, 4).tolist() == [[4, 4, 4]]
    assert tg.zeros_like(tg.zeros(2), requires_grad=True).requires_grad


def test_arange_linspace_eye_against_torch():
    cases = [(lambda lib: lib.arange(5)), (lambda lib: lib.arange(2, 8, 2)), (lambda lib: lib.arange(0, 1, 0.25)),
             (lambda lib: lib.arange(1.0, 4)), (lambda lib: lib.arange(5, 0, -1)),
             (lambda lib: lib.arange(3, dtype=lib.float64)), (lambda lib: lib.linspace(0, 1, 5)),
             (lambda lib: lib.linspace(-1, 1, 4, dtype=lib.float64)), (lambda lib: lib.linspace(0, 1, 1)),
             (lambda lib: lib.eye(3)), (lambda lib: lib.eye(2, 3)), (lambda lib: lib.eye(2, dtype=lib.int64))]
    expected = [[0, 1, 2, 3, 4], [2, 4, 6], [0, 0.25, 0.5, 0.75], [1, 2, 3], [5, 4, 3, 2, 1], [0, 1, 2],
                [0, 0.25, 0.5, 0.75, 1], [-1, -1 / 3, 1 / 3, 1], [0], np.eye(3), np.eye(2, 3), np.eye(2)]
    dtypes = ["int64", "int64", "float32", "float32", "int64", "float64", "float32", "float64", "float32",
              "float32", "float32", "int64"]
    for make, values, dt in zip(cases, expected, dtypes):
        ours = make(tg)
        assert ours.dtype.name == dt
        np.testing.assert_allclose(ours.numpy(), values, rtol=1e-6)
        if torch is not None:
            theirs = make(torch)
            assert dtype_name(theirs.dtype) == dt
            np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)


def test_random_tensors():
    tg.manual_seed(0)
    u = tg.rand(1000)
    assert u.dtype == tg.float32 and u.shape == (1000,)
    assert 0.0 <= u.min().item() and u.max().item() < 1.0 and 0.4 < u.mean().item() < 0.6
    n = tg.randn(2000, dtype=tg.float64)
    assert n.dtype == tg.float64 and abs(n.mean().item()) < 0.1 and 0.9 < n.numpy().std() < 1.1
    i = tg.randint(3, 7, (500,))
    assert i.dtype == tg.int64 and set(i.tolist()) == {3, 4, 5, 6}
    assert tg.randint(5, (2, 2)).shape == (2, 2)
    assert tg.rand(2, 3).shape == (2, 3) and tg.randn((4,)).shape == (4,) and tg.rand(()).shape == ()
    assert tg.randn(3, requires_grad=True).requires_grad


def test_manual_seed_makes_random_numbers_repeat():
    tg.manual_seed(42)
    first = (tg.rand(5).tolist(), tg.randn(3).tolist(), tg.randint(0, 100, (4,)).tolist())
    tg.manual_seed(42)
    again = (tg.rand(5).tolist(), tg.randn(3).tolist(), tg.randint(0, 100, (4,)).tolist())
    assert first == again
    tg.manual_seed(43)
    assert tg.rand(5).tolist() != first[0]
    g = tg.Generator().manual_seed(7)
    a = tg.rand(3, generator=g).tolist()
    assert tg.rand(3, generator=tg.Generator().manual_seed(7)).tolist() == a


# --- Size -----------------------------------------------------------------------------------------

def test_size():
    s = tg.zeros(2, 3).shape
    assert repr(s) == "tinygrad_edu.Size([2, 3])" and str(s) == "tinygrad_edu.Size([2, 3])"
    assert repr(tg.tensor(1.0).shape) == "tinygrad_edu.Size([])"
    assert s == (2, 3) and s == tg.Size([2, 3]) and isinstance(s, tuple)
    assert isinstance(s[1:], tg.Size) and repr(s[1:]) == "tinygrad_edu.Size([3])"
    assert s[0] == 2 and type(s[0]) is int and s[-1] == 3
    assert s.numel() == 6 and tg.Size([]).numel() == 1
    assert list(s) == [2, 3] and len(s) == 2
    a, b = s
    assert (a, b) == (2, 3)
    if torch is not None:
        assert repr(torch.zeros(2, 3).shape).replace("torch.", "tinygrad_edu.") == repr(s)
        assert repr(torch.zeros(2, 3).shape[1:]).replace("torch.", "tinygrad_edu.") == repr(s[1:])


# --- attributes -----------------------------------------------------------------------------------

@settings(max_examples=30)
@given(shape=shapes(), seed=seeds())
def test_shape_attributes(shape, seed):
    a = random_array(seed, shape)
    t = tg.tensor(a)
    assert t.shape == shape and t.size() == shape and isinstance(t.size(), tg.Size)
    assert t.dim() == t.ndim == len(shape) and t.numel() == a.size
    for d in range(-len(shape), len(shape)):
        assert t.size(d) == shape[d]
    assert t.T.shape == shape[::-1]
    np.testing.assert_array_equal(t.T.numpy(), a.T)
    if len(shape) >= 2:
        assert t.mT.shape == shape[:-2] + (shape[-1], shape[-2])
    assert t.tolist() == a.tolist()
    np.testing.assert_array_equal(t.numpy(), a)


def test_dtype_and_device_attributes():
    t = tg.tensor([1.0])
    assert t.dtype == tg.float32 and repr(t.dtype) == "tinygrad_edu.float32" and str(tg.int64) == "tinygrad_edu.int64"
    assert t.dtype.is_floating_point and not tg.int64.is_floating_point
    assert repr(t.device) == "device(type='cpu')" and str(t.device) == "cpu" and t.device == "cpu"
    assert t.device == tg.device("cpu") and not t.is_cuda
    assert t.is_floating_point() and not tg.tensor([1]).is_floating_point()


def test_autograd_attributes_of_a_new_tensor():
    t = tg.tensor([1.0, 2.0])
    assert not t.requires_grad and t.grad is None and t.grad_fn is None and t.is_leaf
    assert t.requires_grad_() is t and t.requires_grad
    y = t * 2
    y.retain_grad()
    y.sum().backward()
    assert y.grad.tolist() == [1.0, 1.0] and t.grad.tolist() == [2.0, 2.0]


def test_item_and_python_numbers():
    assert tg.tensor(2.5).item() == 2.5 and type(tg.tensor(2.5).item()) is float
    assert tg.tensor([[3]]).item() == 3 and type(tg.tensor([[3]]).item()) is int
    assert tg.tensor(True).item() is True
    assert float(tg.tensor([2.5])) == 2.5 and int(tg.tensor(2.7)) == 2 and int(tg.tensor([[4]])) == 4
    assert bool(tg.tensor([0.0])) is False and bool(tg.tensor(3)) is True
    assert tg.tensor(5).tolist() == 5 and tg.tensor([[1, 2]]).tolist() == [[1, 2]]
    assert isinstance(tg.tensor([1.5]).tolist()[0], float)


def test_fstring_formatting_of_0d_tensors():
    assert f"{tg.tensor(2.5):.2f}" == "2.50"
    assert f"{tg.tensor(3):d}" == "3" and f"{tg.tensor(3):>4}" == "   3"
    assert f"{tg.tensor(0.125):.1%}" == "12.5%"
    assert f"{tg.tensor([1.0, 2.0])}" == "tensor([1., 2.])"
    with pytest.raises(TypeError):
        f"{tg.tensor([1.0, 2.0]):.2f}"


def test_len_and_iteration():
    t = tg.tensor([[1, 2], [3, 4], [5, 6]])
    assert len(t) == 3
    rows = list(t)
    assert len(rows) == 3 and all(isinstance(r, tg.Tensor) for r in rows) and rows[2].tolist() == [5, 6]
    assert [x.item() for x in tg.tensor([1.0, 2.0])] == [1.0, 2.0]
    for op, message in ((len, r"len\(\) of a 0-d tensor"), (iter, "iteration over a 0-d tensor")):
        with pytest.raises(TypeError, match=message):
            op(tg.tensor(1.0))


def test_index_protocol_for_integer_scalars():
    assert [10, 20, 30][tg.tensor(1)] == 20
    with pytest.raises(TypeError):
        [10, 20][tg.tensor(1.0)]


# --- copies and conversions -----------------------------------------------------------------------

def test_detach_clone_data():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    c = x.clone()
    assert c.grad_fn.name() == "CloneBackward0" and c.requires_grad
    c.detach().numpy()[0] = 9.0
    assert x.detach().numpy()[0] == 1.0  # a clone has its own memory
    d = x.detach()
    assert not d.requires_grad and np.shares_memory(d.numpy(), x.detach().numpy())
    x.data = tg.tensor([5.0, 6.0])
    assert x.detach().tolist() == [5.0, 6.0] and x.requires_grad


@pytest.mark.parametrize("method, dtype", [("float", "float32"), ("double", "float64"), ("long", "int64"),
                                           ("int", "int32"), ("bool", "bool"), ("half", "float16")])
def test_cast_methods(method, dtype):
    x = tg.tensor([1.7, -1.7, 0.0])
    out = getattr(x, method)()
    assert out.dtype.name == dtype
    if torch is not None:
        theirs = getattr(torch.tensor([1.7, -1.7, 0.0]), method)()
        np.testing.assert_array_equal(out.numpy(), theirs.numpy())


def test_to_dtype_and_device():
    x = tg.tensor([1, 2])
    assert x.to(tg.int64) is x and x.long() is x  # nothing to change: the tensor itself, as in PyTorch
    y = x.to(tg.float64)
    assert y.dtype == tg.float64 and y.tolist() == [1.0, 2.0]
    assert x.to(dtype=tg.float32).dtype == tg.float32
    assert x.to("cpu") is x and x.cpu() is x and x.to(tg.device("cpu")) is x
    assert x.to(tg.tensor([1.0], dtype=tg.float16)).dtype == tg.float16
    assert x.to("cpu", tg.float32).dtype == tg.float32


def test_cast_is_differentiable_and_grad_keeps_the_leaf_dtype():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x.double() * tg.tensor([3.0, 4.0], dtype=tg.float64)
    assert y.dtype == tg.float64 and y.grad_fn.name() == "MulBackward0"
    y.sum().backward()
    assert x.grad.dtype == tg.float32 and x.grad.tolist() == [3.0, 4.0]


# --- in-place edits -------------------------------------------------------------------------------

def test_in_place_methods_return_self_and_change_the_data():
    x = tg.tensor([1.0, 2.0, 3.0])
    assert x.add_(1.0) is x and x.tolist() == [2.0, 3.0, 4.0]
    assert x.mul_(2.0) is x and x.tolist() == [4.0, 6.0, 8.0]
    assert x.sub_(tg.tensor([1.0, 1.0, 1.0])) is x and x.tolist() == [3.0, 5.0, 7.0]
    assert x.add_(tg.ones(3), alpha=2) is x and x.tolist() == [5.0, 7.0, 9.0]
    assert x.sub_(1.0, alpha=3) is x and x.tolist() == [2.0, 4.0, 6.0]
    assert x.div_(2.0) is x and x.tolist() == [1.0, 2.0, 3.0]
    assert x.fill_(7) is x and x.tolist() == [7.0, 7.0, 7.0]
    assert x.zero_() is x and x.tolist() == [0.0, 0.0, 0.0]
    assert x.copy_(tg.tensor([1, 2, 3])) is x and x.tolist() == [1.0, 2.0, 3.0] and x.dtype == tg.float32
    assert x.copy_(tg.tensor(5.0)).tolist() == [5.0, 5.0, 5.0]  # broadcast


def test_in_place_operators_keep_the_object():
    x = tg.tensor([1.0, 2.0])
    before = x
    x += 1
    x -= tg.tensor([0.5, 0.5])
    x *= 4
    x /= 2
    assert x is before and x.tolist() == [3.0, 5.0]
    i = tg.tensor([1, 2])
    i += 1
    assert i.dtype == tg.int64 and i.tolist() == [2, 3]


def test_in_place_keeps_the_dtype_as_torch():
    x = tg.tensor([1.0, 2.0])
    x.add_(tg.tensor([1.0, 1.0], dtype=tg.float64))
    assert x.dtype == tg.float32
    i = tg.tensor([1, 2])
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        i.add_(0.5)
    with pytest.raises(RuntimeError, match="can't be cast"):
        i *= tg.tensor([1.5, 1.5])


def test_item_assignment_with_masks_indices_and_slices():
    t = tg.tensor([[1.0, -2.0], [-3.0, 4.0]])
    t[t < 0] = 0
    assert t.tolist() == [[1.0, 0.0], [0.0, 4.0]]
    t[0] = tg.tensor([7.0, 8.0])
    t[:, 1] = 5
    t[1, 0] = 2.5
    assert t.tolist() == [[7.0, 5.0], [2.5, 5.0]]
    t[tg.tensor([0, 1]), tg.tensor([0, 0])] = -1.0
    assert t.tolist() == [[-1.0, 5.0], [-1.0, 5.0]]
    m = tg.tensor([True, False])
    t[m] = tg.tensor([9.0, 9.0])
    assert t.tolist() == [[9.0, 9.0], [-1.0, 5.0]]


def test_item_assignment_under_no_grad_on_a_leaf():
    w = tg.tensor([1.0, -1.0], requires_grad=True)
    with tg.no_grad():
        w[w < 0] = 0.0
    assert w.tolist() == [1.0, 0.0] and w.requires_grad


@settings(max_examples=50)
@given(pair=broadcast_pairs(), seed=seeds(), op=st.sampled_from(["add_", "sub_", "mul_", "div_"]),
       dtype=st.sampled_from([np.float32, np.float64]), scalar=st.booleans())
def test_in_place_arithmetic_against_torch(pair, seed, op, dtype, scalar):
    target = np.broadcast_shapes(*pair)
    a = random_array(seed, target, dtype=np.float32)
    b = np.float64(1.5) if scalar else random_array(seed + 1, pair[1], dtype=dtype, low=0.5)
    ours = tg.tensor(a)
    getattr(ours, op)(b if scalar else tg.tensor(b))
    expected = {"add_": a + b, "sub_": a - b, "mul_": a * b, "div_": a / b}[op].astype(np.float32)
    assert ours.dtype == tg.float32 and ours.shape == target
    np.testing.assert_allclose(ours.numpy(), expected, rtol=1e-6)
    if torch is not None:
        theirs = torch.tensor(a)
        getattr(theirs, op)(b if scalar else torch.tensor(b))
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
