"""Every op of the API contract, forward and backward: against NumPy on random inputs (ranks 0 to 4,
broadcasting shape pairs drawn by hypothesis), against PyTorch where it is installed (values, result
dtype, shape, gradients, grad_fn names), and gradients against central finite differences in float64."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_edu as tg
from helpers import Const, check_op, dtype_name, norm, torch
from strategies import (broadcast_pairs, distinct_array, random_array, seeds, shape_and_dim, shape_and_dims,
                        shapes)


def close(ours: tg.Tensor, expected, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Our tensor has NumPy's result: same shape and (nearly) the same numbers."""
    expected = np.asarray(expected)
    assert tuple(ours.shape) == expected.shape
    np.testing.assert_allclose(ours.detach().numpy(), expected, rtol=rtol, atol=atol)


# --- elementwise, one input ---------------------------------------------------------------------

def _sigmoid(x):
    return 1 / (1 + np.exp(-x.astype(np.float64)))


# name: (op written for both libraries, NumPy reference, input range and kinks to keep away from)
UNARY = {
    "neg": (lambda lib, x: lib.neg(x), np.negative, {}),
    "neg_operator": (lambda lib, x: -x, np.negative, {}),
    "abs": (lambda lib, x: lib.abs(x), np.abs, dict(away_from=(0,))),
    "abs_builtin": (lambda lib, x: abs(x), np.abs, dict(away_from=(0,))),
    "exp": (lambda lib, x: lib.exp(x), np.exp, {}),
    "log": (lambda lib, x: lib.log(x), np.log, dict(low=0.2, high=3)),
    "sqrt": (lambda lib, x: lib.sqrt(x), np.sqrt, dict(low=0.2, high=3)),
    "sigmoid": (lambda lib, x: lib.sigmoid(x), _sigmoid, dict(low=-5, high=5)),
    "tanh": (lambda lib, x: lib.tanh(x), np.tanh, {}),
    "relu": (lambda lib, x: lib.relu(x), lambda x: np.maximum(x, 0), dict(away_from=(0,))),
    "clamp": (lambda lib, x: lib.clamp(x, -0.5, 0.5), lambda x: np.clip(x, -0.5, 0.5), dict(away_from=(-0.5, 0.5))),
    "clamp_min": (lambda lib, x: x.clamp(min=0.3), lambda x: np.maximum(x, 0.3), dict(away_from=(0.3,))),
    "clamp_max": (lambda lib, x: lib.clamp(x, max=0.3), lambda x: np.minimum(x, 0.3), dict(away_from=(0.3,))),
    "clip": (lambda lib, x: lib.clip(x, -1, 1), lambda x: np.clip(x, -1, 1), dict(away_from=(-1, 1))),
    "square": (lambda lib, x: x ** 2, np.square, {}),
    "pow_float": (lambda lib, x: lib.pow(x, 1.5), lambda x: x ** 1.5, dict(low=0.2, high=3)),
    "pow_negative": (lambda lib, x: x ** -1, lambda x: 1 / x, dict(low=0.5, high=3)),
    "rpow": (lambda lib, x: 2 ** x, lambda x: 2.0 ** x, {}),
    "radd": (lambda lib, x: 1.5 + x, lambda x: 1.5 + x, {}),
    "rsub": (lambda lib, x: 1 - x, lambda x: 1 - x, {}),
    "rmul": (lambda lib, x: 3 * x, lambda x: 3 * x, {}),
    "rdiv": (lambda lib, x: 2 / x, lambda x: 2 / x, dict(low=0.5, high=3)),
    "sub_alpha": (lambda lib, x: lib.sub(x, x * x, alpha=2), lambda x: x - 2 * x * x, {}),
    "add_alpha": (lambda lib, x: lib.add(x, 3.0, alpha=0.5), lambda x: x + 1.5, {}),
    "clone": (lambda lib, x: lib.clone(x), lambda x: x, {}),
}
# PyTorch computes `number / tensor` as a multiplication by the reciprocal (MulBackward0): we keep DivBackward0.
NAME_DIFFERS = {"rdiv"}


@pytest.mark.parametrize("name", UNARY)
@settings(max_examples=30)
@given(shape=shapes(), seed=seeds())
def test_unary(name, shape, seed):
    fn, ref, domain = UNARY[name]
    x = random_array(seed, shape, **domain)
    out, = check_op(fn, x, name=name not in NAME_DIFFERS, seed=seed)
    close(out, ref(x).astype(np.float32), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "sigmoid", "tanh"])
def test_unary_float_ops_turn_integers_into_float32(name):
    fn, ref, _ = UNARY[name]
    x = np.array([[1, 2], [3, 4]], dtype=np.int64)
    out, = check_op(fn, Const(x), grad=False)
    assert out.dtype == tg.float32 and not out.requires_grad
    close(out, ref(x.astype(np.float64)).astype(np.float32))


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.float64])
def test_dtype_kept_by_neg_abs_relu_clamp(dtype):
    x = np.array([[-3, 2], [0, 5]], dtype=dtype)
    for fn in (lambda lib, a: -a, lambda lib, a: lib.abs(a), lambda lib, a: lib.relu(a),
               lambda lib, a: a.clamp(-1, 2), lambda lib, a: a * 2, lambda lib, a: a + True):
        out, = check_op(fn, Const(x), grad=False)
        assert out.dtype == tg.tensor(x).dtype


def test_sigmoid_and_tanh_do_not_overflow():
    x = tg.tensor([-1000.0, -50.0, 0.0, 50.0, 1000.0], requires_grad=True)
    y = tg.sigmoid(x)
    np.testing.assert_allclose(y.detach().numpy(), [0.0, 1.9287e-22, 0.5, 1.0, 1.0], rtol=1e-4)
    y.sum().backward()
    assert np.all(np.isfinite(x.grad.numpy()))
    assert np.all(np.isfinite(tg.tanh(x).detach().numpy()))


# --- elementwise, two inputs, broadcasting ------------------------------------------------------

BINARY = {
    "add": (lambda lib, a, b: a + b, np.add, {}),
    "add_function": (lambda lib, a, b: lib.add(a, b), np.add, {}),
    "sub": (lambda lib, a, b: a - b, np.subtract, {}),
    "sub_method": (lambda lib, a, b: a.sub(b), np.subtract, {}),
    "mul": (lambda lib, a, b: a * b, np.multiply, {}),
    "mul_function": (lambda lib, a, b: lib.mul(a, b), np.multiply, {}),
    "div": (lambda lib, a, b: a / b, np.divide, dict(b_low=0.5)),
    "div_function": (lambda lib, a, b: lib.div(a, b), np.divide, dict(b_low=0.5)),
    "pow": (lambda lib, a, b: a ** b, np.power, dict(a_low=0.2)),
    "pow_function": (lambda lib, a, b: lib.pow(a, b), np.power, dict(a_low=0.2)),
    "maximum": (lambda lib, a, b: lib.maximum(a, b), np.maximum, {}),
    "minimum": (lambda lib, a, b: lib.minimum(a, b), np.minimum, {}),
    "max_tensor": (lambda lib, a, b: lib.max(a, b), np.maximum, {}),
    "min_tensor": (lambda lib, a, b: a.min(b), np.minimum, {}),
    "mul_sigmoid": (lambda lib, a, b: lib.sigmoid(a * b + a), lambda a, b: _sigmoid(a * b + a), {}),
}


@pytest.mark.parametrize("name", BINARY)
@settings(max_examples=40)
@given(pair=broadcast_pairs(), seed=seeds())
def test_binary_broadcasting(name, pair, seed):
    fn, ref, domain = BINARY[name]
    a = random_array(seed, pair[0], low=domain.get("a_low", -2))
    b = random_array(seed + 1, pair[1], low=domain.get("b_low", -2))
    out, = check_op(fn, a, b, seed=seed)
    close(out, ref(a.astype(np.float64), b.astype(np.float64)).astype(np.float32), rtol=1e-5, atol=1e-6)


@settings(max_examples=40)
@given(pair=broadcast_pairs(), seed=seeds())
def test_same_tensor_on_both_sides(pair, seed):
    a = random_array(seed, pair[0])
    check_op(lambda lib, x: x * x + x / (x * x + 1) - x, a, seed=seed)


@settings(max_examples=40)
@given(pair=broadcast_pairs(), seed=seeds())
def test_comparisons_broadcast(pair, seed):
    a = random_array(seed, pair[0], dtype=np.int64, low=0, high=3).astype(np.float32)
    b = random_array(seed + 1, pair[1], dtype=np.int64, low=0, high=3).astype(np.float32)
    for fn, ref in ((lambda lib, x, y: x < y, np.less), (lambda lib, x, y: x <= y, np.less_equal),
                    (lambda lib, x, y: x > y, np.greater), (lambda lib, x, y: x >= y, np.greater_equal),
                    (lambda lib, x, y: x == y, np.equal), (lambda lib, x, y: x != y, np.not_equal),
                    (lambda lib, x, y: lib.lt(x, y), np.less), (lambda lib, x, y: x.ge(y), np.greater_equal),
                    (lambda lib, x, y: lib.eq(x, y), np.equal), (lambda lib, x, y: lib.ne(x, y), np.not_equal)):
        out, = check_op(fn, a, b)
        assert out.dtype == tg.bool and not out.requires_grad
        np.testing.assert_array_equal(out.numpy(), ref(a, b))


@pytest.mark.parametrize("scalar", [1, 1.5, True, np.float64(1.5), np.int64(2)])
def test_comparisons_with_scalars(scalar):
    a = np.array([[0.0, 1.0, 1.5], [2.0, -1.0, 1.0]], dtype=np.float32)
    for fn, ref in ((lambda lib, x: x < scalar, np.less), (lambda lib, x: x >= scalar, np.greater_equal),
                    (lambda lib, x: x == scalar, np.equal), (lambda lib, x: scalar > x, np.less)):
        out, = check_op(fn, a)
        np.testing.assert_array_equal(out.numpy(), ref(a, np.float32(scalar)))


def test_logical_ops_on_bool_tensors():
    a, b = np.array([True, True, False, False]), np.array([True, False, True, False])
    for fn, ref in ((lambda lib, x, y: x & y, np.logical_and), (lambda lib, x, y: x | y, np.logical_or),
                    (lambda lib, x, y: x ^ y, np.logical_xor), (lambda lib, x, y: ~x, lambda x, y: ~x),
                    (lambda lib, x, y: lib.logical_and(x, y), np.logical_and),
                    (lambda lib, x, y: lib.logical_not(x), lambda x, y: ~x)):
        out, = check_op(fn, Const(a), Const(b), grad=False)
        np.testing.assert_array_equal(out.numpy(), ref(a, b))


# --- mixed dtypes: PyTorch's result type, grads in their tensor's own dtype --------------------

MIXED = [
    ("f32 * python float", lambda lib, x: x * 2.5, [np.float32]),
    ("python int - f32", lambda lib, x: 3 - x, [np.float32]),
    ("f32 + bool", lambda lib, x: x + True, [np.float32]),
    ("f32 * np.float64", lambda lib, x: x * np.float64(1.5), [np.float32]),
    ("np.float64 * f32", lambda lib, x: np.float64(1.5) * x, [np.float32]),
    ("f32 / np.float64", lambda lib, x: x / np.float64(3.0), [np.float32]),
    ("f32 ** np.float32", lambda lib, x: lib.abs(x) ** np.float32(2.0), [np.float32]),
    ("f16 * python float", lambda lib, x: x * 0.5, [np.float16]),
    ("f32 + f64 0-d", lambda lib, x, y: x + y, [np.float32, ("0d", np.float64)]),
    ("f64 0-d * f32", lambda lib, x, y: y * x, [np.float32, ("0d", np.float64)]),
    ("f32 / f64 0-d", lambda lib, x, y: x / y, [np.float32, ("0d", np.float64)]),
    ("f64 * f32 0-d", lambda lib, x, y: x * y, [np.float64, ("0d", np.float32)]),
    ("f32 + f64", lambda lib, x, y: x + y, [np.float32, np.float64]),
    ("f32 * f16", lambda lib, x, y: x * y, [np.float32, np.float16]),
    ("f32 0-d + f64 0-d", lambda lib, x, y: x + y, [("0d", np.float32), ("0d", np.float64)]),
    ("int64 tensor * f32", lambda lib, i, x: i * x, [("const", np.int64), np.float32]),
    ("f32 / int64 tensor", lambda lib, x, i: x / i, [np.float32, ("const", np.int64)]),
    ("int64 tensor + f32 0-d", lambda lib, i, x: i + x, [("const", np.int64), ("0d", np.float32)]),
    ("maximum f32 f64", lambda lib, x, y: lib.maximum(x, y), [np.float32, np.float64]),
    ("where f32 f64", lambda lib, x, y: lib.where(x > 0, x, y), [np.float32, np.float64]),
]


@pytest.mark.parametrize("case", MIXED, ids=[c[0] for c in MIXED])
def test_mixed_dtypes(case):
    _, fn, kinds = case
    args = []
    for i, kind in enumerate(kinds):
        if isinstance(kind, tuple):
            how, dt = kind
            if how == "0d":
                args.append(random_array(i, (), dtype=dt, low=0.5, high=2))
            else:
                args.append(Const(random_array(i, (2, 3), dtype=dt, low=1, high=4)))
        else:
            args.append(random_array(i, (2, 3), dtype=kind, low=0.5, high=2))
    check_op(fn, *args, grad_rtol=1e-3, grad_atol=1e-3, rtol=1e-3, atol=1e-3)


# --- type promotion, as torch.result_type ---------------------------------------------------------

def test_type_promotion_rules_of_the_contract():
    i64 = tg.tensor([1, 2, 3])
    f32 = tg.tensor([1.0, 2.0])
    assert (i64 + 0.5).dtype == tg.float32
    assert (i64 / i64).dtype == tg.float32
    assert (i64 / 2).dtype == tg.float32
    assert (f32 * np.float64(2.0)).dtype == tg.float32
    assert (f32 * tg.tensor(2.0, dtype=tg.float64)).dtype == tg.float32
    assert (f32 * tg.tensor([2.0], dtype=tg.float64)).dtype == tg.float64
    assert tg.tensor([True, False, True]).sum().dtype == tg.int64
    assert tg.tensor([True, False]).sum().item() == 1
    assert tg.tensor([1, 2], dtype=tg.int32).sum().dtype == tg.int64
    assert tg.tensor([1, 2], dtype=tg.uint8).sum(0).dtype == tg.int64
    assert (i64 * True).dtype == tg.int64
    assert (tg.tensor([True]) + True).dtype == tg.bool
    assert (tg.tensor([True]) + 1).dtype == tg.int64
    assert (tg.tensor([1, 2], dtype=tg.int32) + 5).dtype == tg.int32
    assert (tg.tensor([1, 2], dtype=tg.int32) + tg.tensor(5)).dtype == tg.int32
    assert (tg.tensor([1, 2], dtype=tg.uint8) + tg.tensor([1], dtype=tg.int8)).dtype == tg.int16
    assert (tg.tensor(1, dtype=tg.int32) + tg.tensor(1)).dtype == tg.int64
    assert (tg.tensor(1) + 1.0).dtype == tg.float32


_PROMOTION_DTYPES = ["bool", "uint8", "int32", "int64", "float16", "float32", "float64"]
# (np.bool_ is left out: PyTorch 2.13 takes it for a float, tensor([1]) + np.True_ is float32)
_SCALARS = [True, 2, 2.5, np.float64(2.5), np.float32(2.5), np.int64(2), np.int32(2)]


def _operands(lib):
    """Dimensioned tensors and 0-d tensors of every dtype, and Python and NumPy scalars."""
    ops = [lib.tensor(v, dtype=getattr(lib, d)) for v in ([1, 2], 1) for d in _PROMOTION_DTYPES]
    return ops + list(_SCALARS)


def test_result_type_matches_torch_for_every_pair():
    torch = pytest.importorskip("torch")
    ours, theirs = _operands(tg), _operands(torch)
    checked = 0
    for a, ta in zip(ours, theirs):
        for b, tb in zip(ours, theirs):
            if not isinstance(a, tg.Tensor) and not isinstance(b, tg.Tensor):
                continue
            expected = dtype_name(torch.result_type(ta, tb))
            assert tg.result_type(a, b).name == expected, (a, b)
            for op in (lambda x, y: x + y, lambda x, y: x * y, lambda x, y: x - y):
                try:
                    want = dtype_name(op(ta, tb).dtype)
                except RuntimeError:  # torch refuses `-` on bools
                    continue
                assert dtype_name(op(a, b).dtype) == want, (a, b)
            want = dtype_name((ta / tb).dtype)
            assert dtype_name((a / b).dtype) == want, ("/", a, b)
            checked += 1
    assert checked > 200


# --- matmul -------------------------------------------------------------------------------------

@st.composite
def matmul_shapes(draw):
    """Operands of every rank matmul takes: vectors, matrices, batches whose batch dims broadcast."""
    n, m, p = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    batch_a, batch_b = draw(broadcast_pairs(max_rank=2))
    a = draw(st.sampled_from([(n,), batch_a + (m, n)]))
    b = draw(st.sampled_from([(n,), batch_b + (n, p)]))
    return a, b


@settings(max_examples=60)
@given(pair=matmul_shapes(), seed=seeds())
def test_matmul(pair, seed):
    a, b = random_array(seed, pair[0]), random_array(seed + 1, pair[1])
    # PyTorch names batched and vector @ matrix nodes after its internal reshapes (UnsafeViewBackward0,
    # SqueezeBackward4): those names are not compared.
    torch_names = len(pair[0]) <= 2 and len(pair[1]) <= 2 and not (len(pair[0]) == 1 and len(pair[1]) == 2)
    for fn in (lambda lib, x, y: x @ y, lambda lib, x, y: lib.matmul(x, y), lambda lib, x, y: x.matmul(y)):
        out, = check_op(fn, a, b, seed=seed, name=torch_names, rtol=1e-5, atol=1e-5)
    close(out, np.matmul(a.astype(np.float64), b.astype(np.float64)), rtol=1e-5, atol=1e-5)


def test_matmul_of_two_vectors_is_a_scalar_and_mm_dot_work():
    a, b = np.arange(3, dtype=np.float32), np.ones(3, dtype=np.float32)
    out, = check_op(lambda lib, x, y: lib.dot(x, y), a, b)
    assert out.shape == () and out.item() == 3.0
    m = np.arange(6, dtype=np.float32).reshape(2, 3)
    out, = check_op(lambda lib, x, y: lib.mm(x, y), m, m.T.copy())
    close(out, m @ m.T)


# --- reductions ---------------------------------------------------------------------------------

@settings(max_examples=50)
@given(case=shape_and_dims(), keepdim=st.booleans(), seed=seeds())
def test_sum_and_mean(case, keepdim, seed):
    shape, dims = case
    x = random_array(seed, shape)
    x64 = x.astype(np.float64)
    out, = check_op(lambda lib, t: t.sum(), x, seed=seed)
    close(out, x64.sum(), rtol=1e-5, atol=1e-5)
    out, = check_op(lambda lib, t: lib.mean(t), x, seed=seed)
    close(out, x64.mean(), rtol=1e-5, atol=1e-5)
    if dims:
        out, = check_op(lambda lib, t: lib.sum(t, dims, keepdim=keepdim), x, seed=seed)
        close(out, x64.sum(axis=dims, keepdims=keepdim), rtol=1e-5, atol=1e-5)
        out, = check_op(lambda lib, t: t.mean(dim=dims, keepdim=keepdim), x, seed=seed)
        close(out, x64.mean(axis=dims, keepdims=keepdim), rtol=1e-5, atol=1e-5)


@settings(max_examples=50)
@given(case=shape_and_dim(min_rank=0), keepdim=st.booleans(), seed=seeds())
def test_sum_mean_over_one_dim(case, keepdim, seed):
    shape, dim = case
    x = random_array(seed, shape)
    x64 = x.astype(np.float64)
    out, = check_op(lambda lib, t: t.sum(dim, keepdim), x, seed=seed)
    close(out, x64.sum(axis=dim % max(x.ndim, 1), keepdims=keepdim) if x.ndim else x64, rtol=1e-5, atol=1e-5)
    out, = check_op(lambda lib, t: lib.mean(t, dim, keepdim=keepdim), x, seed=seed)
    close(out, x64.mean(axis=dim % max(x.ndim, 1), keepdims=keepdim) if x.ndim else x64, rtol=1e-5, atol=1e-5)


def test_sum_of_ints_and_bools_is_int64_and_sum_dtype():
    for data, dt in (([True, False, True], None), ([1, 2, 3], tg.int32), ([[1, 2], [3, 4]], tg.uint8)):
        x = tg.tensor(data, dtype=dt)
        assert x.sum().dtype == tg.int64 and x.sum(0).dtype == tg.int64
        assert x.sum().item() == int(np.sum(data))
    x = np.array([1.5, 2.5], dtype=np.float32)
    out, = check_op(lambda lib, t: t.sum(dtype=lib.float64), x)
    assert out.dtype == tg.float64
    out, = check_op(lambda lib, t: t.mean(dtype=lib.float64), x)
    assert out.dtype == tg.float64


@settings(max_examples=50)
@given(case=shape_and_dim(min_rank=0), keepdim=st.booleans(), seed=seeds())
def test_max_min_argmax(case, keepdim, seed):
    shape, dim = case
    x = distinct_array(seed, shape, np.float32)
    ax = dim % max(x.ndim, 1)
    out, = check_op(lambda lib, t: t.max(), x, seed=seed)
    close(out, x.max())
    out, = check_op(lambda lib, t: lib.min(t), x, seed=seed)
    close(out, x.min())
    values, indices = check_op(lambda lib, t: lib.max(t, dim, keepdim), x, seed=seed)
    close(values, x.max(axis=ax, keepdims=keepdim) if x.ndim else x)
    assert indices.dtype == tg.int64
    np.testing.assert_array_equal(indices.numpy(), x.argmax(axis=ax, keepdims=keepdim) if x.ndim else 0)
    values, indices = check_op(lambda lib, t: t.min(dim=dim, keepdim=keepdim), x, seed=seed)
    close(values, x.min(axis=ax, keepdims=keepdim) if x.ndim else x)
    np.testing.assert_array_equal(indices.numpy(), x.argmin(axis=ax, keepdims=keepdim) if x.ndim else 0)
    for fn in (lambda lib, t: lib.argmax(t), lambda lib, t: t.argmax(dim), lambda lib, t: t.argmax(dim, keepdim),
               lambda lib, t: lib.argmin(t, dim=dim), lambda lib, t: t.argmax(keepdim=keepdim)):
        out, = check_op(fn, x)
        assert out.dtype == tg.int64
    close(tg.argmax(tg.tensor(x)), x.argmax())


def test_max_with_dim_is_a_named_tuple():
    x = tg.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    result = x.max(dim=1)
    values, indices = result
    assert type(result).__name__ == "max" and result.values is values and result.indices is indices
    assert values.tolist() == [5.0, 7.0] and indices.tolist() == [1, 0]
    assert tg.min(x, 0).indices.tolist() == [0, 1, 0]
    assert isinstance(result, tg.return_types.max) and isinstance(tg.min(x, 0), tg.return_types.min)


def test_max_with_ties_shares_the_gradient_as_torch():
    """(Finite differences are not defined at a tie: PyTorch is the reference here.)"""
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], dtype=np.float32)
    check_op(lambda lib, t: t.max(), x, fd=False)
    check_op(lambda lib, t: lib.min(t), np.array([1.0, 1.0, 4.0], dtype=np.float32), fd=False)
    check_op(lambda lib, t: lib.maximum(t, t * 1), x, fd=False)
    t = tg.tensor([1.0, 3.0, 3.0], requires_grad=True)
    t.max().backward()
    assert t.grad.tolist() == [0.0, 0.5, 0.5]


@settings(max_examples=50)
@given(case=shape_and_dim(min_rank=0), seed=seeds())
def test_softmax_and_log_softmax(case, seed):
    shape, dim = case
    x = random_array(seed, shape, low=-3, high=3)
    x64 = x.astype(np.float64)
    ax = dim % max(x.ndim, 1)
    e = np.exp(x64 - x64.max(axis=ax, keepdims=True)) if x.ndim else np.ones(())
    ref = e / e.sum(axis=ax, keepdims=True) if x.ndim else e
    for fn in (lambda lib, t: lib.softmax(t, dim), lambda lib, t: t.softmax(dim)):
        out, = check_op(fn, x, seed=seed)
        close(out, ref, rtol=1e-5, atol=1e-6)
    for fn in (lambda lib, t: lib.log_softmax(t, dim), lambda lib, t: t.log_softmax(dim=dim)):
        out, = check_op(fn, x, seed=seed)
        close(out, np.log(ref), rtol=1e-5, atol=1e-5)


def test_softmax_is_stable_for_large_inputs():
    x = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]], dtype=np.float32)
    out, = check_op(lambda lib, t: lib.softmax(t, -1), x, fd=False)
    assert np.all(np.isfinite(out.detach().numpy()))
    out, = check_op(lambda lib, t: lib.log_softmax(t, 1), x, fd=False)
    assert np.all(np.isfinite(out.detach().numpy()))


def test_softmax_of_integers_is_refused_unless_a_dtype_is_given():
    """As PyTorch: no kernel for integers ('not implemented for Long'); `dtype=` casts first."""
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        tg.softmax(tg.tensor([1, 2, 3]), 0)
    out = tg.softmax(tg.tensor([1, 2, 3]), 0, dtype=tg.float32)
    assert out.dtype == tg.float32
    close(out, np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())


# --- moving elements ----------------------------------------------------------------------------

@st.composite
def shape_and_reshape(draw):
    shape = draw(shapes())
    n = int(np.prod(shape, dtype=np.int64))
    factors = [d for d in range(1, n + 1) if n % d == 0]
    first = draw(st.sampled_from(factors))
    new = draw(st.sampled_from([(n,), (first, n // first), (first, -1), (-1,), (1, n, 1), (n // first, 1, first)]))
    if n == 1:
        new = draw(st.sampled_from([(), (1,), (1, 1, 1), (-1,)]))
    return shape, new


@settings(max_examples=50)
@given(case=shape_and_reshape(), seed=seeds())
def test_reshape_and_view(case, seed):
    shape, new = case
    x = random_array(seed, shape)
    ref = x.reshape(new)
    for fn in (lambda lib, t: t.reshape(new), lambda lib, t: lib.reshape(t, new), lambda lib, t: t.view(new),
               lambda lib, t: t.view(*new) if new else t.view(new)):
        out, = check_op(fn, x, seed=seed)
        close(out, ref)


@settings(max_examples=50)
@given(shape=shapes(), data=st.data(), seed=seeds())
def test_flatten(shape, data, seed):
    x = random_array(seed, shape)
    n = max(x.ndim, 1)
    start = data.draw(st.integers(-n, n - 1))
    end = data.draw(st.integers(-n, n - 1))
    out, = check_op(lambda lib, t: lib.flatten(t), x, seed=seed, name=x.ndim > 1)
    close(out, x.reshape(-1))
    if start % n <= end % n:
        out, = check_op(lambda lib, t: t.flatten(start, end), x, seed=seed, name=False)
        s, e = start % n, end % n
        expected = x.reshape(x.shape[:s] + (-1,) + x.shape[e + 1:]) if x.ndim else x.reshape(1)
        close(out, expected)


@settings(max_examples=50)
@given(shape=shapes(), data=st.data(), seed=seeds())
def test_transpose_permute_T(shape, data, seed):
    x = random_array(seed, shape)
    n = max(x.ndim, 1)
    d0, d1 = data.draw(st.integers(-n, n - 1)), data.draw(st.integers(-n, n - 1))
    out, = check_op(lambda lib, t: t.transpose(d0, d1), x, seed=seed, name=x.ndim > 0)
    close(out, np.swapaxes(x, d0 % n, d1 % n) if x.ndim else x)
    out, = check_op(lambda lib, t: lib.transpose(t, d0, d1), x, seed=seed, name=x.ndim > 0)
    order = data.draw(st.permutations(range(x.ndim)))
    out, = check_op(lambda lib, t: t.permute(*order) if order else t.permute(()), x, seed=seed)
    close(out, np.transpose(x, order))
    out, = check_op(lambda lib, t: lib.permute(t, tuple(order)), x, seed=seed)
    close(tg.tensor(x).T, x.T)  # (PyTorch deprecates .T on other ranks than 2)
    if x.ndim == 2:
        out, = check_op(lambda lib, t: t.T, x, seed=seed)
    if x.ndim >= 2:
        out, = check_op(lambda lib, t: t.mT, x, seed=seed)
        close(out, np.swapaxes(x, -1, -2))
    if x.ndim <= 2:
        out, = check_op(lambda lib, t: t.t(), x, seed=seed, name=x.ndim == 2)
        close(out, x.T)


@settings(max_examples=50)
@given(shape=shapes(max_side=2), data=st.data(), seed=seeds())
def test_squeeze_unsqueeze(shape, data, seed):
    x = random_array(seed, shape)
    n = max(x.ndim, 1)
    out, = check_op(lambda lib, t: t.squeeze(), x, seed=seed)
    close(out, x.squeeze())
    dim = data.draw(st.integers(-n, n - 1))
    out, = check_op(lambda lib, t: lib.squeeze(t, dim), x, seed=seed)
    close(out, np.squeeze(x, dim % n) if x.ndim and x.shape[dim % n] == 1 else x)
    if x.ndim:
        dims = tuple(data.draw(st.lists(st.integers(0, x.ndim - 1), unique=True, min_size=1)))
        out, = check_op(lambda lib, t: t.squeeze(dims), x, seed=seed)
        close(out, np.squeeze(x, tuple(d for d in dims if x.shape[d] == 1)))
    new = data.draw(st.integers(-x.ndim - 1, x.ndim))
    out, = check_op(lambda lib, t: lib.unsqueeze(t, new), x, seed=seed)
    close(out, np.expand_dims(x, new % (x.ndim + 1)))
    out, = check_op(lambda lib, t: t.unsqueeze(new).squeeze(new), x, seed=seed)
    close(out, x)


@settings(max_examples=50)
@given(pair=broadcast_pairs(), seed=seeds())
def test_expand(pair, seed):
    x = random_array(seed, pair[0])
    target = np.broadcast_shapes(pair[0], pair[1])
    out, = check_op(lambda lib, t: t.expand(*target) if target else t.expand(target), x, seed=seed)
    close(out, np.broadcast_to(x, target))
    keep = tuple(-1 if i >= len(target) - x.ndim and x.shape[i - len(target) + x.ndim] == n else n
                 for i, n in enumerate(target))
    out, = check_op(lambda lib, t: t.expand(keep), x, seed=seed)
    close(out, np.broadcast_to(x, target))
    out, = check_op(lambda lib, t, o: t.expand_as(o), x, Const(np.zeros(target, dtype=np.float32)), seed=seed)
    close(out, np.broadcast_to(x, target))


@settings(max_examples=50)
@given(shape=shapes(min_rank=1), count=st.integers(1, 3), data=st.data(), seed=seeds())
def test_cat_and_stack(shape, count, data, seed):
    n = len(shape)
    dim = data.draw(st.integers(-n, n - 1))
    sizes = data.draw(st.lists(st.integers(1, 3), min_size=count, max_size=count))
    parts = [random_array(seed + i, shape[:dim % n] + (k,) + shape[dim % n + 1:]) for i, k in enumerate(sizes)]
    for fn in (lambda lib, *ts: lib.cat(ts, dim), lambda lib, *ts: lib.cat(list(ts), dim=dim),
               lambda lib, *ts: lib.concat(ts, dim)):
        out, = check_op(fn, *parts, seed=seed)
        close(out, np.concatenate(parts, axis=dim))
    same = [random_array(seed + i, shape) for i in range(count)]
    sdim = data.draw(st.integers(-n - 1, n))
    out, = check_op(lambda lib, *ts: lib.stack(ts, sdim), *same, seed=seed)
    close(out, np.stack(same, axis=sdim))


def test_cat_and_stack_promote_dtypes():
    a = np.ones((2, 2), dtype=np.float32)
    b = np.ones((1, 2), dtype=np.float64)
    out, = check_op(lambda lib, x, y: lib.cat([x, y]), a, b)
    assert out.dtype == tg.float64
    out, = check_op(lambda lib, x, y: lib.stack([x, y]), Const(np.array([1, 2])), a[0])
    assert out.dtype == tg.float32


def test_cat_skips_empty_vectors_as_torch():
    out, = check_op(lambda lib, x, e: lib.cat([x, e]), np.ones((2, 3), dtype=np.float32),
                    np.zeros(0, dtype=np.float32), fd=False)
    assert out.shape == (2, 3)


@settings(max_examples=50)
@given(shapes3=hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=4, max_side=3), seed=seeds())
def test_where(shapes3, seed):
    c_shape, a_shape, b_shape = shapes3.input_shapes
    cond = random_array(seed, c_shape, dtype=np.bool_)
    a, b = random_array(seed + 1, a_shape), random_array(seed + 2, b_shape)
    for fn in (lambda lib, c, x, y: lib.where(c, x, y), lambda lib, c, x, y: x.where(c, y)):
        out, = check_op(fn, Const(cond), a, b, seed=seed)
        close(out, np.where(cond, a, b))
    out, = check_op(lambda lib, c, x: lib.where(c, x, 0.0), Const(cond), a, seed=seed)
    close(out, np.where(cond, a, 0.0))
    out, = check_op(lambda lib, x: lib.where(x > 0, x, x * 0.1), a, seed=seed)


# --- indexing -----------------------------------------------------------------------------------

def _positive_steps(key) -> bool:
    parts = key if isinstance(key, tuple) else (key,)
    return all(not isinstance(k, slice) or k.step is None or k.step > 0 for k in parts)


@settings(max_examples=60)
@given(shape=shapes(), data=st.data(), seed=seeds())
def test_basic_indexing(shape, data, seed):
    """Ints, slices, None and Ellipsis (PyTorch has no negative steps)."""
    key = data.draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True).filter(_positive_steps))
    x = random_array(seed, shape)
    out, = check_op(lambda lib, t: t[key], x, seed=seed)
    close(out, x[key])


@settings(max_examples=40)
@given(shape=shapes(min_rank=1), data=st.data(), seed=seeds())
def test_index_tensors(shape, data, seed):
    """Integer index tensors (repeats add up their gradients) and lists."""
    key = data.draw(hnp.integer_array_indices(shape, result_shape=shapes(min_rank=1, max_rank=2)))
    x = random_array(seed, shape)
    out, = check_op(lambda lib, t: t[tuple(lib.tensor(k) for k in key)], x, seed=seed)
    close(out, x[key])
    first = key[0]
    out, = check_op(lambda lib, t, i: t[i], x, Const(first), seed=seed)
    close(out, x[first])
    if first.ndim == 1:  # (a nested list is a tuple of indices to PyTorch, an array to NumPy)
        out, = check_op(lambda lib, t: t[first.tolist()], x, seed=seed)
        close(out, x[first.tolist()])
    if x.ndim >= 2:
        out, = check_op(lambda lib, t, i: t[:, i], x, Const(key[1]), seed=seed)
        close(out, x[:, key[1]])


def test_repeated_index_adds_gradients():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[tg.tensor([0, 0, 2, 0])].sum().backward()
    assert x.grad.tolist() == [3.0, 0.0, 1.0]
    check_op(lambda lib, t, i: t[i] * t[i], np.array([1.0, 2.0, 3.0], dtype=np.float32),
             Const(np.array([[0, 1], [0, 0]])))


@settings(max_examples=40)
@given(shape=shapes(min_rank=1), seed=seeds(), partial=st.booleans())
def test_boolean_masks(shape, seed, partial):
    x = random_array(seed, shape)
    mask = random_array(seed + 1, shape[:1] if partial else shape, dtype=np.bool_)
    out, = check_op(lambda lib, t, m: t[m], x, Const(mask), seed=seed)
    close(out, x[mask])
    out, = check_op(lambda lib, t: t[t > 0], x, seed=seed)
    close(out, x[x > 0])


def test_mixed_keys():
    x = np.arange(60, dtype=np.float32).reshape(3, 4, 5)
    keys = [(0, slice(1, 3)), (Ellipsis, 1), (slice(None), None, 2), (1, Ellipsis, None),
            (slice(1, None), [0, 2]), ([0, 2], slice(None), [1, 1]), (-1, -1, -1), (0,), (), (None, None),
            (slice(None, None, 2), 1, slice(0, 10))]
    for key in keys:
        out, = check_op(lambda lib, t: t[key], x, fd=False)
        close(out, x[key])


def test_zero_dim_int_tensor_indexes_like_an_int():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    out, = check_op(lambda lib, t, i: t[i], x, Const(np.array(1)), fd=False)
    close(out, x[1])


# --- every form of an op gives the same result --------------------------------------------------

FORMS = {
    "sigmoid": ("sigmoid", "sigmoid"), "exp": ("exp", "exp"), "log": ("log", "log"), "tanh": ("tanh", "tanh"),
    "relu": ("relu", "relu"), "abs": ("abs", "abs"), "neg": ("neg", "neg"), "sqrt": ("sqrt", "sqrt"),
    "sum": ("sum", "sum"), "mean": ("mean", "mean"), "argmax": ("argmax", "argmax"), "flatten": ("flatten", "flatten"),
    "clone": ("clone", "clone"), "squeeze": ("squeeze", "squeeze"), "max": ("max", "max"),
}


@pytest.mark.parametrize("name", FORMS)
def test_function_and_method_forms_agree(name):
    fn_name, method_name = FORMS[name]
    x = tg.tensor([[0.5, 1.5, 2.0]])
    by_function = getattr(tg, fn_name)(x)
    by_method = getattr(x, method_name)()
    np.testing.assert_array_equal(by_function.numpy(), by_method.numpy())


def test_operator_and_function_forms_agree():
    a, b = tg.tensor([[1.0, 2.0], [3.0, 4.0]]), tg.tensor([0.5, 2.0])
    for op, fn in ((a + b, tg.add(a, b)), (a - b, tg.sub(a, b)), (a * b, tg.mul(a, b)), (a / b, tg.div(a, b)),
                   (a ** b, tg.pow(a, b)), (a @ b, tg.matmul(a, b)), (-a, tg.neg(a)), (abs(-a), tg.abs(a)),
                   (a < b, tg.lt(a, b)), (a.add(b), a + b), (a.mul(b), a * b), (a.div(b), a / b), (a.pow(2), a * a),
                   (a.sub(b), a - b), (a.matmul(b), a @ b)):
        np.testing.assert_array_equal(op.numpy(), fn.numpy())


def test_numpy_scalar_on_the_left_gives_a_tensor_and_an_array_is_a_tensor():
    x = tg.tensor([1.0, 2.0])
    for out in (np.float64(2.0) * x, np.int64(3) + x, np.float32(2) - x, np.float64(1.0) / x):
        assert isinstance(out, tg.Tensor) and out.dtype == tg.float32
    for op in (lambda a: a * x, lambda a: a + x, lambda a: x - a):  # as in PyTorch, a float64 array is float64
        out = op(np.array([1.0, 2.0]))  # (on the left, PyTorch raises a TypeError; NumPy defers to the tensor here)
        assert isinstance(out, tg.Tensor) and out.dtype == tg.float64


# --- grad_fn names, against PyTorch's -----------------------------------------------------------

NAMES = [
    lambda lib, x: x + 1, lambda lib, x: x - 1, lambda lib, x: 1 - x, lambda lib, x: x * 2, lambda lib, x: x / 2,
    lambda lib, x: x ** 2, lambda lib, x: x ** x, lambda lib, x: 2 ** x, lambda lib, x: -x, lambda lib, x: x.exp(),
    lambda lib, x: x.log(), lambda lib, x: x.sqrt(), lambda lib, x: x.sigmoid(), lambda lib, x: x.tanh(),
    lambda lib, x: x.relu(), lambda lib, x: x.abs(), lambda lib, x: x.clamp(0, 1), lambda lib, x: x.clamp(min=0.5),
    lambda lib, x: x.sum(), lambda lib, x: x.sum(0), lambda lib, x: x.mean(), lambda lib, x: x.mean(1),
    lambda lib, x: x.max(), lambda lib, x: x.min(), lambda lib, x: x.max(0).values, lambda lib, x: x.min(1)[0],
    lambda lib, x: x.softmax(0), lambda lib, x: x.log_softmax(1), lambda lib, x: x.reshape(6),
    lambda lib, x: x.view(3, 2),
    lambda lib, x: x.flatten(), lambda lib, x: x.transpose(0, 1), lambda lib, x: x.permute(1, 0), lambda lib, x: x.T,
    lambda lib, x: x.mT, lambda lib, x: x.t(), lambda lib, x: x.unsqueeze(0), lambda lib, x: x[None],
    lambda lib, x: x.unsqueeze(0).squeeze(), lambda lib, x: x.unsqueeze(0).squeeze(0),
    lambda lib, x: x.unsqueeze(0).squeeze((0, 1)), lambda lib, x: x[0].expand(4, 3), lambda lib, x: x[0],
    lambda lib, x: x[:, 1], lambda lib, x: x[0, 1], lambda lib, x: x[:1], lambda lib, x: x[0, 1:], lambda lib, x: x[:],
    lambda lib, x: x[..., None], lambda lib, x: x[[0, 1, 1]], lambda lib, x: x[x > 1],
    lambda lib, x: lib.cat([x, x]), lambda lib, x: lib.stack([x, x]), lambda lib, x: lib.where(x > 1, x, 0.0),
    lambda lib, x: x.clone(), lambda lib, x: x.double(), lambda lib, x: x @ x.T, lambda lib, x: x @ x[0],
    lambda lib, x: x[0] @ x[1], lambda lib, x: lib.maximum(x, x[0]), lambda lib, x: lib.minimum(x, x.T[0:1].T),
]


@pytest.mark.parametrize("index", range(len(NAMES)))
def test_grad_fn_name_matches_torch(index):
    torch = pytest.importorskip("torch")
    fn = NAMES[index]
    x = np.array([[0.5, 1.5, 2.0], [3.0, 0.25, 1.25]], dtype=np.float32)
    ours = fn(tg, tg.tensor(x, requires_grad=True))
    theirs = fn(torch, torch.tensor(x, requires_grad=True))
    assert ours.grad_fn.name() == type(theirs.grad_fn).__name__
    assert repr(ours).endswith(f"grad_fn=<{type(theirs.grad_fn).__name__}>)")


# --- corner cases, against PyTorch ----------------------------------------------------------------

# name: code for either library; the result's repr (or the exception and its message) must be torch's
CORNERS = {
    "where scalars": lambda L: L.where(L.tensor([True, False]), 1.0, 0.0),
    "where int scalars": lambda L: L.where(L.tensor([True, False]), 1, 0),
    "where tensor scalar": lambda L: L.where(L.tensor([True, False]), L.tensor([1, 2]), 0.5),
    "eq None": lambda L: L.ones(2) == None,  # noqa: E711 (that is the case)
    "ne None": lambda L: L.ones(2) != None,  # noqa: E711
    "pow int neg": lambda L: L.tensor([2, 3]) ** -1,
    "pow int float": lambda L: L.tensor([4, 9]) ** 0.5,
    "rpow int": lambda L: 2 ** L.tensor([1, 2]),
    "rpow float tensor": lambda L: 2.5 ** L.tensor([1, 2]),
    "sum empty": lambda L: L.zeros(0).sum(),
    "mean dim keep": lambda L: L.ones(2, 3).mean((0, 1), keepdim=True),
    "max 0d dim keep": lambda L: L.tensor(3.0).max(0, keepdim=True),
    "argmax 0d": lambda L: L.tensor(3.0).argmax(0),
    "relu int": lambda L: L.tensor([-1, 2]).relu(),
    "sigmoid int": lambda L: L.tensor([-1, 2]).sigmoid(),
    "sum bool dim": lambda L: L.tensor([[True, False]]).sum(1),
    "mean float16": lambda L: L.tensor([1., 2.], dtype=L.float16).mean(),
    "sum float16": lambda L: L.tensor([1., 2.], dtype=L.float16).sum(),
    "neg uint8": lambda L: -L.tensor([1], dtype=L.uint8),
    "bool add": lambda L: L.tensor([True]) + L.tensor([True]),
    "bool mul": lambda L: L.tensor([True]) * L.tensor([True]),
    "bool div": lambda L: L.tensor([True]) / L.tensor([True]),
    "int clamp float": lambda L: L.tensor([1, 5]).clamp(0.5, 2.5),
    "int clamp int": lambda L: L.tensor([1, 5]).clamp(2, 3),
    "int maximum float": lambda L: L.maximum(L.tensor([1, 5]), L.tensor([2.5, 2.5])),
    "cat int float": lambda L: L.cat([L.tensor([1]), L.tensor([2.5])]),
    "stack 0d": lambda L: L.stack([L.tensor(1.), L.tensor(2.)]),
    "squeeze 0d": lambda L: L.tensor(1.).squeeze(0),
    "unsqueeze neg": lambda L: L.ones(2, 3).unsqueeze(-1).shape,
    "flatten 0d": lambda L: L.tensor(1.).flatten(),
    "view -1 0d": lambda L: L.tensor(1.).view(-1),
    "reshape empty": lambda L: L.zeros(0, 3).reshape(-1, 0),
    "reshape 0 -1": lambda L: L.zeros(0, 3).reshape(0, -1),
    "expand -1 new": lambda L: L.ones(3).expand(2, -1),
    "index None None": lambda L: L.ones(2)[None, ..., None].shape,
    "index bool scalar": lambda L: L.ones(2)[True].shape,
    "index empty list": lambda L: L.ones(2)[[]],
    "softmax 0d": lambda L: L.tensor(2.0).softmax(0),
    "log_softmax dtype": lambda L: L.tensor([1., 2.]).log_softmax(0, dtype=L.float64),
    "sum keepdim all": lambda L: L.ones(2, 3).sum(dim=(0, 1), keepdim=True),
    "argmin keep": lambda L: L.tensor([[3., 1.], [0., 5.]]).argmin(1, keepdim=True),
    "max dim neg": lambda L: L.tensor([[3., 1.], [0., 5.]]).max(-1),
    "min tensor bcast": lambda L: L.min(L.tensor([[3., 1.], [0., 5.]]), L.tensor([2.0])),
    "transpose neg": lambda L: L.ones(2, 3, 4).transpose(-1, 0).shape,
    "permute neg": lambda L: L.ones(2, 3, 4).permute(-1, 0, 1).shape,
    "mT 3d": lambda L: L.ones(2, 3, 4).mT.shape,
    "T 2d": lambda L: L.ones(2, 3).T.shape,
    "tolist 0d bool": lambda L: L.tensor(True).tolist(),
    "item f16": lambda L: L.tensor(1.5, dtype=L.float16).item(),
    "to float16 repr": lambda L: L.tensor([1/3]).half(),
    "linspace int dtype": lambda L: L.linspace(0, 10, 5, dtype=L.int64),
    "arange float end": lambda L: L.arange(0.5, 3),
    "arange neg float": lambda L: L.arange(1, 0, -0.25),
    "full int dtype float": lambda L: L.full((2,), 1.7, dtype=L.int64),
    "zeros_like grad": lambda L: L.zeros_like(L.ones(2, requires_grad=True)),
    "ones tuple dtype": lambda L: L.ones((2,), dtype=L.bool),
    "tensor f16 list": lambda L: L.tensor([1.5], dtype=L.float16),
    "tensor empty nested": lambda L: L.tensor([[], []]),
    "clone grad_fn": lambda L: L.tensor([1.], requires_grad=True).clone(),
    "detach repr": lambda L: (L.tensor([1.], requires_grad=True) * 2).detach(),
    "bool tensor sum": lambda L: (L.tensor([1, 2, 3]) > 1).sum(),
    "float(int0d)": lambda L: float(L.tensor(3)),
    "int(float0d)": lambda L: int(L.tensor(-2.7)),
    "dot int": lambda L: L.tensor([1, 2]) @ L.tensor([3, 4]),
    "matmul int": lambda L: L.tensor([[1, 2]]) @ L.tensor([[3], [4]]),
    "add int8 uint8": lambda L: L.tensor([1], dtype=L.int8) + L.tensor([1], dtype=L.uint8),
    "div uint8": lambda L: L.tensor([3], dtype=L.uint8) / 2,
    "exp float64": lambda L: L.tensor([1.], dtype=L.float64).exp(),
    "sqrt neg": lambda L: L.tensor([-1.]).sqrt(),
    "log 0": lambda L: L.tensor([0.]).log(),
    "rsub int tensor float": lambda L: 1.5 - L.tensor([1, 2]),
    "rdiv int": lambda L: 1 / L.tensor([1, 2]),
    "mul bool float": lambda L: L.tensor([True, False]) * 2.5,
    "max int": lambda L: L.tensor([1, 5, 2]).max(),
    "max bool": lambda L: L.tensor([True, False]).max(),
    "mean bool": lambda L: L.tensor([True]).mean(),
}


@pytest.mark.parametrize("name", CORNERS)
def test_corner_case_matches_torch(name):
    torch = pytest.importorskip("torch")
    results = []
    for lib in (tg, torch):
        try:
            with np.errstate(all="ignore"):
                results.append(norm(repr(CORNERS[name](lib))))
        except Exception as e:  # noqa: BLE001 (an error is a result to compare too)
            results.append((type(e).__name__, norm(str(e))))
    assert results[0] == results[1]
