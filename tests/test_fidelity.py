"""Regression tests for the divergences from PyTorch that issue 10 lists (tensor and ops layers), each run on
both libraries and compared: the value, dtype and requires_grad, the gradients, or the kind of exception.

An expression is written once as `fn(lib)`, with `lib` the package or torch (as in tests/helpers.py).
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import tinygrad_edu as tg

torch = pytest.importorskip("torch")


def outcome(fn, lib):
    """What `fn(lib)` gives: ("ok", value, dtype, requires_grad), or ("raises", exception type name)."""
    try:
        with warnings.catch_warnings(record=True) as caught:  # (the filters as a learner has them)
            r = fn(lib)
    except Exception as e:  # noqa: BLE001 (the type is what is compared)
        return ("raises", type(e).__name__)
    if any(w.category is RuntimeWarning for w in caught):  # a NumPy warning where PyTorch is silent
        return ("warns", str(caught[0].message))
    if isinstance(r, (tg.Tensor, torch.Tensor)):
        value = r.detach().numpy(force=True) if isinstance(r, tg.Tensor) else r.detach().numpy()
        return ("ok", value.tolist(), str(r.dtype).split(".")[-1], r.requires_grad)
    return ("ok", r)


def same(fn):
    mine, theirs = outcome(fn, tg), outcome(fn, torch)
    assert repr(mine) == repr(theirs), f"tinygrad_edu: {mine}\ntorch:        {theirs}"


def grads(fn, *values, dtype="float64"):
    """The gradients of sum(fn(lib, *leaves)) for both libraries."""
    out = []
    for lib in (tg, torch):
        leaves = [lib.tensor(v, dtype=getattr(lib, dtype), requires_grad=True) for v in values]
        with warnings.catch_warnings(record=True) as caught:
            fn(lib, *leaves).sum().backward()
        assert not [w for w in caught if w.category is RuntimeWarning], caught[0].message
        out.append([np.asarray(x.grad.tolist()) for x in leaves])
    for mine, theirs in zip(*out):
        np.testing.assert_allclose(mine, theirs, rtol=1e-6, equal_nan=True)
        assert np.array_equal(np.isnan(mine), np.isnan(theirs))


ZERO_D = [lambda lib: lib.isnan(lib.tensor(1.)), lambda lib: lib.isfinite(lib.tensor(1.)),
          lambda lib: lib.logical_not(lib.tensor(0)), lambda lib: ~lib.tensor(3), lambda lib: lib.tensor(3) & 4]


@pytest.mark.parametrize("fn", ZERO_D)
def test_zero_d_tensors(fn):
    same(fn)


CASTS = [lambda x: x.long(), lambda x: x.int(), lambda x: x.bool(), lambda x: x.to(x.long().dtype),
         lambda x: x.float(), lambda x: x.double()]


@pytest.mark.parametrize("cast", CASTS)
def test_casts_keep_requires_grad_only_for_floats(cast):
    same(lambda lib: cast(lib.tensor([1.5, -2.], requires_grad=True)))


def test_requires_grad_on_int_tensor_and_integer_sum_raise():
    def set_flag(lib):
        t = lib.tensor([1, 2])
        t.requires_grad = True
    same(set_flag)
    same(lambda lib: lib.tensor([1.5], requires_grad=True).sum(dtype=lib.int64))


@pytest.mark.parametrize("fn", [
    lambda lib, x: x ** 0, lambda lib, x: lib.pow(x, 0), lambda lib, x: lib.stack([x ** k for k in range(3)]),
    lambda lib, x: lib.sqrt(lib.clamp(x, min=0)), lambda lib, x: lib.log(lib.relu(x)),
    lambda lib, x: lib.log(lib.where(x > 1, x, 0)), lambda lib, x: lib.log(lib.maximum(x, lib.zeros_like(x))),
    lambda lib, x: x.abs(), lambda lib, x: lib.relu(x), lambda lib, x: x.max(), lambda lib, x: x.max(0).values,
    lambda lib, x: lib.maximum(x, lib.ones_like(x)), lambda lib, x: lib.minimum(x, lib.zeros_like(x)),
])
def test_gradients_at_zero_masked_points_and_nan(fn):
    grads(fn, [0., -1., 2., 0.5])
    grads(fn, [float("nan"), 1., 0., -3.])


def test_zero_to_a_negative_power_gradient():
    grads(lambda lib, y: lib.tensor(0., dtype=lib.float64) ** y, [-1., 0., 2.])


@pytest.mark.parametrize("fn", [
    lambda lib: lib.tensor([True, False]) | 2, lambda lib: lib.tensor([True, False]) ^ 3,
    lambda lib: lib.tensor([True, False]) ** True, lambda lib: lib.tensor([1., 2., 3.])[lib.tensor([1, 0, 1],
                                                                                                  dtype=lib.uint8)],
    lambda lib: lib.tensor([2, -3, 1]) ** lib.tensor([-1, 2, -2]), lambda lib: 1 & lib.tensor([1, 3]),
    lambda lib: 6 | lib.tensor([1, 3]), lambda lib: lib.tensor([250, 3], dtype=lib.uint8) + 300,
    lambda lib: lib.tensor([7, -7]) // lib.tensor([2, 2]), lambda lib: lib.tensor([7, -7]) % 3,
    lambda lib: -7.5 % lib.tensor([2., -2.]), lambda lib: lib.tensor([7.5, -1.]) // 2,
    lambda lib: lib.tensor([1, 2]) // 0, lambda lib: lib.tensor([1, 2]) % lib.tensor(0),
])
def test_bool_and_integer_semantics(fn):
    same(fn)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.softmax(lib.zeros(2, 0), 1), lambda lib: lib.log_softmax(lib.zeros(0, 3), 0),
    lambda lib: lib.zeros(2, 0).max(dim=1), lambda lib: lib.zeros(0, 2).max(dim=1).values,
    lambda lib: lib.argmax(lib.zeros(0)), lambda lib: lib.zeros(0, 2).argmax(1), lambda lib: lib.zeros(0).mean(),
])
def test_empty_tensors(fn):
    same(fn)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.tensor([1.5]) & 1, lambda lib: 2.0 | lib.tensor([1]),
    lambda lib: lib.logical_and(lib.tensor([1, 2]), lib.tensor([1, 2, 3])), lambda lib: lib.logical_or(lib.tensor([1]), 1),
    lambda lib: lib.zeros(3).__setitem__(slice(None), lib.ones(2)), lambda lib: lib.zeros(2).sum((0, 0)),
    lambda lib: lib.zeros(2, 1).squeeze((1, 1)), lambda lib: lib.zeros(2).mT, lambda lib: lib.tensor(None),
    lambda lib: lib.tensor([2 ** 63]), lambda lib: lib.zeros(2, dtype=lib.int64).__setitem__(0, float("inf")),
    lambda lib: lib.maximum(lib.zeros(2), 1.),
])
def test_exception_types(fn):
    same(fn)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.abs(lib.tensor([True])), lambda lib: lib.relu(lib.tensor([True])),
    lambda lib: lib.clamp(lib.tensor([True]), max=True), lambda lib: lib.argmax(lib.tensor([True, False])),
    lambda lib: lib.softmax(lib.tensor([1, 2]), 0), lambda lib: lib.tensor([True]) @ lib.tensor([True]),
    lambda lib: lib.tensor([True]) - lib.tensor([False]), lambda lib: lib.tensor([True]) - 1,
    lambda lib: lib.zeros(2).expand(), lambda lib: lib.zeros(2).permute(),
    lambda lib: lib.tensor([1, 2]).add(lib.tensor([1, 2]), alpha=0.5), lambda lib: lib.mm(lib.zeros(2), lib.zeros(2)),
    lambda lib: lib.zeros(2, 2).squeeze((0, 0)),
])
def test_refused_where_pytorch_refuses(fn):
    same(fn)


SILENT = ["tg.tensor([inf]) - tg.tensor([inf])", "tg.tensor([inf]) * 0", "tg.softmax(tg.tensor([inf, 0.]), 0)",
          "tg.tensor([inf]).long()", "tg.zeros(0).mean()", "tg.tensor([3e38]) * 10", "tg.tensor([0.]).log()",
          "tg.log_softmax(tg.zeros(0, 3), 0)", "(tg.tensor([0.], requires_grad=True) ** -1.).sum().backward()"]


def test_no_numpy_warnings_where_pytorch_is_silent():
    """Run as a learner runs it (a fresh interpreter, default warning filters): nothing printed."""
    import subprocess
    import sys
    code = "import tinygrad_edu as tg\ninf = float('inf')\n" + "\n".join(SILENT)
    run = subprocess.run([sys.executable, "-W", "default", "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    for expr in SILENT[:-1]:
        same(lambda lib: eval(expr.replace("tg.", "lib."), {"lib": lib, "inf": float("inf")}))


def test_constants_type_printoptions_and_backends():
    for name in ("inf", "pi", "nan", "e"):
        assert repr(getattr(tg, name)) == repr(getattr(torch, name))
    assert tg.backends.mps.is_available() is torch.backends.mps.is_available() is False
    same(lambda lib: lib.tensor([1.5, 2.]).type(lib.int64))
    assert tg.tensor([1.]).type() == torch.tensor([1.]).type().replace("torch", "tinygrad_edu")
    try:
        for lib in (tg, torch):
            lib.set_printoptions(precision=2, sci_mode=False)
        assert repr(tg.tensor([1.23456, 1e-5])) == repr(torch.tensor([1.23456, 1e-5]))
    finally:
        for lib in (tg, torch):
            lib.set_printoptions(profile="default")


@pytest.mark.parametrize("name", ["add", "mul", "matmul"])
def test_out(name):
    def fn(lib):
        out = lib.zeros(2, 2)
        r = getattr(lib, name)(lib.ones(2, 2) * 2, lib.ones(2, 2), out=out)
        assert r is out
        return out
    same(fn)
    same(lambda lib: getattr(lib, name)(lib.ones(2, 2, requires_grad=True), lib.ones(2, 2), out=lib.zeros(2, 2)))


@pytest.mark.parametrize("fn", [
    lambda lib, x: lib.triu(x), lambda lib, x: x.tril(-1), lambda lib, x: lib.tril(x, 1) * 2,
    lambda lib, x: x.masked_fill(x > 0.5, 0.), lambda lib, x: x.masked_fill(lib.tensor([True, False, True]), -1.),
])
def test_triu_tril_masked_fill_forward_and_backward(fn):
    values = [[0.1, 0.7, -1.], [2., 0.3, 0.9], [1., -2., 0.6]]
    same(lambda lib: fn(lib, lib.tensor(values)))
    grads(fn, values)


def test_masked_fill_in_place():
    def fn(lib):
        t = lib.tensor([1., 2., 3.])
        assert t.masked_fill_(t > 1, 0.) is t
        return t
    same(fn)


def test_tensor_and_numpy_arrays():
    same(lambda lib: lib.tensor([1., 2.]) + np.ones(2))
    same(lambda lib: lib.tensor([1., 2.]) * np.float64(2.))
    assert (np.ones(2) + tg.tensor([1., 2.])).tolist() == [2., 3.]  # (PyTorch: a TypeError; NumPy defers here)


def message(fn, lib):
    """The first line of the error `fn(lib)` raises (the words a learner reads)."""
    with pytest.raises(Exception) as e:  # noqa: PT011 (the type is compared by `same`)
        fn(lib)
    return str(e.value).splitlines()[0]


def after(fn):
    """`fn(lib)` runs a statement that raises, then returns a tensor it changed: both libraries must agree on it."""
    def run(lib):
        t, statement = fn(lib)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # (both warn that `out` was resized)
                statement()
        except RuntimeError:
            pass
        return t
    return run


def test_matmul_out_checks_in_pytorchs_order():
    """matmul(out=) resizes `out` first for two vectors (PyTorch's dot_out) and for batches, then checks."""
    v = lambda lib, *s, dt="float32": lib.ones(s, dtype=getattr(lib, dt))  # noqa: E731
    for fn in (lambda lib: lib.matmul(v(lib, 2, dt="bool"), v(lib, 1), out=v(lib, 1, 1)),
               lambda lib: lib.matmul(v(lib, 1, dt="float64"), v(lib, 1, dt="float64"), out=v(lib, 2)),
               lambda lib: lib.matmul(v(lib, 1, 1, 2, dt="bool"), v(lib, 1, 2, 1), out=v(lib, 4, 0)),
               lambda lib: lib.matmul(v(lib, 1, 1, 2), v(lib, 1, 2, 1, dt="float64"), out=v(lib, 4, 0))):
        same(fn)
    same(after(lambda lib: (o := v(lib, 2), lambda: lib.matmul(v(lib, 1, dt="float64"), v(lib, 1, dt="float64"),
                                                               out=o))))
    same(after(lambda lib: (o := v(lib, 3, 3), lambda: lib.matmul(v(lib, 1, 1, 2), v(lib, 1, 3, 1), out=o))))
    same(lambda lib: lib.matmul(v(lib, 2), v(lib, 2), out=v(lib, 2)))  # resized to 0-d before it is read


def test_matmul_errors_name_what_pytorch_names():
    v = lambda lib, *s, dt="float32", rg=False: lib.ones(s, dtype=getattr(lib, dt), requires_grad=rg)  # noqa: E731
    for fn in (lambda lib: lib.matmul(v(lib, 1, 1, 2, dt="bool"), v(lib, 1, 2, 1)),
               lambda lib: lib.matmul(v(lib, 2, 1, 2, dt="bool"), v(lib, 3, 2, 1)),
               lambda lib: lib.matmul(v(lib, 2), v(lib, 1, 1, 1)),
               lambda lib: lib.matmul(v(lib, 1, 2, rg=True), v(lib, 1, 1, 1)),
               lambda lib: lib.matmul(v(lib, 2, 1, 2), v(lib, 1, 1, 1, rg=True))):
        same(fn)
        assert message(fn, tg).split("(")[0] == message(fn, torch).split("(")[0]


@pytest.mark.parametrize("fn", [
    lambda lib: lib.tensor([0.5, -0.5, 0., -1., 3.]) % lib.tensor([2., 2., -0.5, 1., -lib.inf]),
    lambda lib: lib.tensor([[False], [True]]) % lib.tensor([[-0.5], [2.]]),
    lambda lib: -1 % lib.tensor([0.5, -2., 1.]),
    lambda lib: 2 // (lib.tensor([[False], [False]]) % lib.tensor([[-0.5], [1.]])),  # the sign of a zero remainder
])
def test_remainder_signs_of_zero(fn):
    same(fn)
    assert str(fn(tg).tolist()) == str(fn(torch).tolist())  # (-0. == 0.: compare the text)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.ones(4, 3)[..., ...], lambda lib: lib.ones(4, 3)[..., 0, ...],
    lambda lib: lib.ones(4, 3)[..., None, ...], lambda lib: lib.ones(2, 3, 4)[0, ..., ...],
    lambda lib: lib.ones(1, 1, 1)[..., ..., None],
])
def test_several_ellipses(fn):
    same(fn)


def test_indexing_that_picks_nothing_checks_no_index():
    same(lambda lib: lib.zeros(2, 2, 0, dtype=lib.uint8)[lib.tensor([True, False]), lib.tensor([-2 ** 63])])
    same(lambda lib: lib.ones(1, 1, 1)[:-1, :, lib.tensor([-3])])

    def assign(lib):
        t = lib.zeros(3, 1, 3, 0)
        t[lib.tensor([-5])] = 1.
        return t
    same(assign)


def assignment(shape, key, value, dtype="float32", grad=False):
    def fn(lib):
        t = lib.ones(shape, dtype=getattr(lib, dtype), requires_grad=grad)
        t = t * 1 if grad else t  # (not a leaf)
        t[key(lib)] = value(lib)
        return t
    return fn


@pytest.mark.parametrize("fn", [
    assignment(3, lambda lib: lib.tensor([0, 1]), lambda lib: lib.tensor([1., 2., 3.]), "int64"),  # shape, then dtype
    assignment(3, lambda lib: lib.tensor(True), lambda lib: lib.tensor([1., 2.]), "int64"),
    assignment(3, lambda lib: lib.tensor([5]), lambda lib: lib.tensor([1.]), "int64"),  # dtype, then bounds
    assignment(3, lambda lib: lib.tensor([5]), lambda lib: 0., grad=True),  # bounds, then the in-place refusal
    assignment(3, lambda lib: lib.tensor([True, False]), lambda lib: 0., grad=True),
    assignment(3, lambda lib: lib.tensor([1]), lambda lib: lib.tensor([1], dtype=lib.int64), grad=True),
    assignment((2, 1), lambda lib: (1, ..., -1), lambda lib: lib.tensor([[3.]])),  # leading 1s are dropped
    assignment((1, 2), lambda lib: (lib.tensor([1], dtype=lib.uint8), slice(None)), lambda lib: 1.),  # masked_fill_
    assignment((2, 1), lambda lib: lib.tensor([[False], [True]]), lambda lib: lib.tensor([-6.]), "uint8"),
])
def test_assignment_checks_in_pytorchs_order(fn):
    same(fn)


def test_assignment_of_a_tensor_into_itself():
    def fn(lib):
        t = lib.ones(3)
        t[lib.tensor([0, 1, 2])] = t
    same(fn)
    same(lambda lib: (t := lib.zeros(0, dtype=lib.int64)).__setitem__(t, 3))
    same(lambda lib: (t := lib.zeros(0, dtype=lib.int64)).__setitem__((t, None), 3))


def test_logical_ops_compare_in_the_common_dtype():
    same(lambda lib: lib.tensor([[2]], dtype=lib.uint8).logical_and(lib.tensor(-2 ** 31, dtype=lib.int32)))


def test_gradients_that_multiply_an_infinite_gradient():
    """PyTorch multiplies the incoming gradient last, so an infinite one gives nan where the local derivative is 0."""
    grads(lambda lib, x: lib.add(x, lib.ones(2, 3, dtype=lib.float64), alpha=-lib.inf), [[-2.0], [1.0]])
    grads(lambda lib, x: (lib.max(x) * lib.inf), [1., float("nan"), 2.])
    grads(lambda lib, x: abs(x) / lib.tensor([0., 1., 0., 1.], dtype=lib.float64), [float("nan"), 1., 0., -2.])
    grads(lambda lib, y: (lib.zeros(3, dtype=lib.float64) ** y).log(), [3., -0.5, 1.5])


def test_sigmoid_rounds_as_pytorch():
    same(lambda lib: lib.stack([lib.sigmoid(lib.tensor([-1., -2., -100.])), lib.ones(3, dtype=lib.float64)]))


def test_sums_of_infinities_are_quiet():
    same(lambda lib: lib.tensor([lib.inf, -lib.inf]).sum())
    same(lambda lib: lib.tensor([lib.inf, -lib.inf]).mean())


@pytest.mark.parametrize("fn", [
    lambda lib: lib.cat([lib.zeros(0, dtype=lib.bool), lib.zeros(0)], 1),
    lambda lib: lib.cat([lib.zeros(0), lib.zeros(0)], -5),
    lambda lib: lib.cat([lib.zeros(2, 3), lib.zeros(0)], 5),
])
def test_cat_of_empty_vectors(fn):
    same(fn)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.tensor([-1.0, lib.inf, 0., -0.]) ** 0.5, lambda lib: lib.tensor([-lib.inf, 4.]) ** -0.5,
    lambda lib: lib.pow(lib.tensor([4], dtype=lib.uint8), 300),
])
def test_pow_by_a_number(fn):
    same(fn)
    grads(lambda lib, x: x ** -0.5, [-float("inf"), 4., 0.])


def test_masks_after_an_ellipsis_are_checked():
    def fn(lib):
        t = lib.ones(1, 1) > 3
        t[..., lib.zeros(0, dtype=lib.bool), lib.tensor([-4])] = 2
    same(fn)

    def leaf(lib):  # its int is checked before the leaf is refused
        t = lib.ones(1, 1, 1, 1, requires_grad=True)
        t[1, lib.tensor([4])] = lib.tensor(1)
    same(leaf)


def test_bce_with_logits_gradients_round_as_pytorch():
    """PyTorch computes the gradients in the logits' dtype, times the output gradient before dividing by n."""
    def fn(lib, which):
        x = lib.tensor([[-3e38, 12.01], [-0.5, 4.36]], requires_grad=True)
        t = lib.tensor([[-3.02, 6.13], [-0.5, 1.5]], dtype=lib.float64, requires_grad=True)
        lib.nn.functional.binary_cross_entropy_with_logits(x, t).backward(lib.tensor(4.3, dtype=lib.float64))
        return (x, t)[which].grad
    same(lambda lib: fn(lib, 0))
    same(lambda lib: fn(lib, 1))


@pytest.mark.parametrize("expr", [
    "x + 1", "x - 1", "x - y", "x * 2", "x * y", "x / 2", "2 / x", "x ** y", "x ** 2", "2 ** x", "x.pow(0.5)",
    "x % y", "x.clamp(0, 1)", "x.clamp(min=0)", "x.clip(max=1)", "lib.where(x > 0, x, y)", "lib.where(x > 0, x, 1.)",
    "x.to(lib.float64)", "x.double()", "x.clone()", "lib.maximum(x, y)", "lib.minimum(x, y)", "x.relu()", "abs(x)",
    "-x", "x.exp()", "x.log()", "x.sqrt()", "x.sigmoid()", "x.tanh()", "x % 2", "2 % x", "x // y", "x // 2", "2 // x",
    "1 - x", "1.5 - x", "x.sub(1)", "x.sub(y, alpha=2)", "x.add(y, alpha=2)", "x.add(2)", "1 + x", "x.mul(2)",
    "2 * x", "x.div(2)", "x.pow(y)", "lib.pow(2, x)", "x ** 0", "lib.where(x > 0, 1., x)", "x.half()",
    "x.masked_fill(x > 0, 1.)", "lib.nn.functional.softplus(x, 2, 3)", "lib.nn.functional.relu(x)",
])
def test_pointwise_nodes_have_pytorchs_names_and_inputs(expr):
    """Numbers that are op state (a clamp bound, pow's number) are not graph inputs; `x * 2`'s number is."""
    def node(lib):
        x, y = lib.ones(3, requires_grad=True), lib.ones(3, requires_grad=True)
        fn = eval(expr, {"lib": lib, "x": x, "y": y}).grad_fn
        return fn.name().split("::")[-1], len(fn.next_functions)  # (torch::autograd::NotImplemented)
    assert node(tg) == node(torch)


@pytest.mark.parametrize("expr", [
    "x.sum()", "x.sum(1)", "x.sum((0, 1))", "x.mean()", "x.mean(0)", "x.max()", "x.min()", "x.max(1).values",
    "x.min(0)[0]", "x.softmax(1)", "x.log_softmax(0)", "x.reshape(3, 2)", "x.view(-1)", "x.flatten()",
    "x.unsqueeze(0).squeeze()", "x.unsqueeze(0).squeeze(0)", "x.unsqueeze(0).squeeze((0,))", "x.unsqueeze(1)",
    "x.t()", "x.transpose(0, 1)", "x.permute(1, 0)", "x.mT", "x[:1].expand(4, 3)", "x.expand(2, 2, 3)",
    "lib.cat([x, y.t()])", "lib.stack([x, x])", "x @ y", "x @ x[0]", "x[0] @ x[1]", "x.triu()", "x.tril(1)",
    "x.masked_fill(x > 0, 0.)",
])
def test_shape_nodes_have_pytorchs_names_and_inputs(expr):
    """Dims, shapes, keepdim and diagonals are op state, not graph inputs: `x.sum(1)` has one next function."""
    def node(lib):
        x, y = lib.ones(2, 3, requires_grad=True), lib.ones(3, 2, requires_grad=True)
        fn = eval(expr, {"lib": lib, "x": x, "y": y}).grad_fn
        return fn.name(), len(fn.next_functions)
    assert node(tg) == node(torch)


SHAPES = [  # what the one shape parser (tinygrad_edu.args) accepts and refuses, for creation and for views
    "lib.ones(2, 3)", "lib.ones((2, 3))", "lib.ones([2, 3])", "lib.ones(())", "lib.ones(np.int64(2))",
    "lib.ones(2, True)",
    "lib.zeros(lib.Size([2, 1]))", "lib.empty(0, 2)", "lib.rand(2, 2)", "lib.randn((3,))", "lib.full((2, 1), 1.)",
    "lib.ones()", "lib.ones(2.0)", "lib.ones((2, 2.0))", "lib.ones(2, 2.0)", "lib.ones('a')", "lib.ones([[2, 3]])",
    "lib.ones(2, None)", "lib.ones(2, -1)", "lib.ones(-1)", "lib.randn(2, 2.0)", "lib.rand(2.0)", "lib.empty(2, -3)",
    "lib.full((2, 2.0), 1)", "lib.full((2, -1), 1.)", "lib.randint(3, (2, 2.0))", "lib.randint(3, (-1,))",
    "z.reshape(-1)", "z.reshape((2, -1))", "z.view([2, 2])", "z.view(2, -1)", "z.reshape(lib.tensor(4))",
    "z.expand(3, -1)", "z.expand((2, 4))", "z[:1].reshape(())", "z[:1].reshape([])", "z[:0].reshape(0, 5)",
    "z.reshape()", "z.reshape(2, 2.0)", "z.reshape((2, 2.0))", "z.view(2, 2.0)", "z.expand(2, 2.0)", "z.expand(2.0)",
    "z.reshape('a')", "z.reshape(lib.tensor(4.0))", "z.reshape(2, -2)", "z.view(-5)", "z.reshape(-1, -1)",
    "z.reshape(3)", "z.reshape(())", "z[:0].reshape(-1, 0)", "z.expand()", "z.expand(())", "z.expand(2, 3)",
    "z.reshape(2, 2).permute()", "z.reshape(2, 2).permute(1, 0.0)", "z.reshape(2, 2).permute(2.0)",
    "z.reshape(2, 2).permute((1, 0.0))",
]


@pytest.mark.parametrize("expr", SHAPES)
def test_one_shape_parser_accepts_and_refuses_as_pytorch(expr):
    def run(lib):
        lib.manual_seed(0)
        return eval(expr, {"lib": lib, "z": lib.zeros(4), "np": np})
    same(run)
    if outcome(run, torch)[0] == "raises":
        assert message(run, tg) == message(run, torch).replace("torch.", "tinygrad_edu.")


@pytest.mark.parametrize("expr", ["x.sum(1)", "x.mean()", "x.mean(0, keepdim=True)", "x.softmax(1)",
                                  "x.log_softmax(0)", "x.reshape(4, 3)", "x.unsqueeze(0).squeeze(0)",
                                  "x.sum(0, keepdim=True).expand(4, 3)", "x.flatten()"])
def test_second_derivatives_of_reductions_and_reshapes(expr):
    """These ops' backward also runs on tensors: autograd.grad(create_graph=True) differentiates it again."""
    a = np.random.default_rng(0).normal(size=(4, 3))
    out = []
    for lib in (tg, torch):
        x = lib.tensor(a, requires_grad=True)
        y = eval(expr, {"x": x})
        g, = lib.autograd.grad((y * y.tanh()).sum(), [x], create_graph=True)
        h, = lib.autograd.grad((g * g).sum(), [x])
        out.append((g.detach().numpy(), h.numpy()))
    np.testing.assert_allclose(out[0][0], out[1][0], rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(out[0][1], out[1][1], rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("ranks", [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3), (3, 1), (3, 2), (3, 3), (2, 4),
                                   (4, 3), (1, 4)])
def test_matmul_dtypes_and_empty_operands_as_pytorch(ranks):
    """matmul does not promote: its error names the kernel PyTorch would call (dot, mv, mm, bmm, after folding a
    batch into rows, which depends on requires_grad); a batched product of an empty operand is made in b's dtype."""
    full = {1: (2,), 2: (2, 2), 3: (2, 2, 2), 4: (1, 2, 2, 2)}
    empty = {1: (0,), 2: (0, 2), 3: (0, 2, 2), 4: (0, 2, 2, 2)}
    ra, rb = ranks
    for which_empty in ["none", "a", "b", "k"]:
        sa, sb = (empty if which_empty == "a" else full)[ra], (empty if which_empty == "b" else full)[rb]
        if which_empty == "k":  # the inner size is 0
            sa, sb = sa[:-1] + (0,), (0,) + sb[1:] if rb == 1 else sb[:-2] + (0, sb[-1])
        for da, db in [("uint8", "float32"), ("float32", "float64"), ("bool", "bool"), ("int64", "float32")]:
            for grad in [g for g in ("", "a", "b") if not g or (da, db)[g == "b"].startswith("float")]:
                def product(lib):
                    a = lib.zeros(sa, dtype=getattr(lib, da), requires_grad=grad == "a")
                    return a @ lib.zeros(sb, dtype=getattr(lib, db), requires_grad=grad == "b")
                same(product)
                if outcome(product, torch)[0] == "raises":
                    assert message(product, tg).startswith(message(product, torch))


@pytest.mark.parametrize("fn", [
    lambda lib: 0.0 / lib.tensor([1.5, 0.0, 1e-310], dtype=lib.float64),  # 1 / 1e-310 is inf: 0 * inf
    lambda lib: lib.tensor([False, False]).pow(lib.tensor([True, True, False])),  # the shapes, before the dtype
    lambda lib: lib.floor_divide(lib.tensor([4], dtype=lib.uint8), lib.tensor(-2 ** 31, dtype=lib.int32)),
    lambda lib: lib.tensor([4], dtype=lib.uint8) % 256,  # (256 is 0 in uint8)
])
def test_pointwise_fine_print_from_the_fuzzer(fn):
    same(fn)


def test_number_over_tensor_and_bool_powers_differentiate_as_pytorch():
    grads(lambda lib, x: -lib.inf / x, [-6.04, 1.0, 3e38], dtype="float32")  # -(g * a) * (r * r): inf * 0 is nan
    grads(lambda lib, x: 2 / x, [-6.04, 1.0, 0.5])
    grads(lambda lib, x: x ** False, [1.5, 0.0, -3.5])  # PyTorch's x ** 0 shortcut does not take False


@pytest.mark.parametrize("ranks", [(1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (3, 2), (1, 3), (2, 3), (3, 3)])
def test_matmul_out_dtypes_and_sizes_in_pytorchs_order(ranks):
    """matmul(out=): the kernel's checks in its order (addmv takes `out` as its input, mm checks it against the
    first operand, a batched product resizes it first), for inner sizes that match and that do not."""
    full = {1: (2,), 2: (2, 2), 3: (2, 2, 2)}
    ra, rb = ranks
    for k in (2, 3):
        sb = full[rb] if k == 2 else ((3,) if rb == 1 else full[rb][:-2] + (3, 2))
        for out_shape in [(), (1,), (2, 2), (5,)]:
            for da, db, dout in [("float32",) * 3, ("float32", "float32", "float64"), ("int32", "int64", "float32")]:
                def statement(lib):
                    out = lib.ones(out_shape, dtype=getattr(lib, dout))
                    a, b = lib.ones(full[ra], dtype=getattr(lib, da)), lib.ones(sb, dtype=getattr(lib, db))
                    return out, lambda: lib.matmul(a, b, out=out)

                def product(lib, shape_left=False):
                    out, run = statement(lib)
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", UserWarning)  # (both warn that `out` was resized)
                        try:
                            run()
                        except (RuntimeError, IndexError):
                            if not shape_left:
                                raise
                    return tuple(out.shape) if shape_left else out
                same(product)
                same(lambda lib: product(lib, shape_left=True))  # (the shape a failed call leaves `out` in)
                if outcome(product, torch)[0] == "raises":
                    assert message(product, tg).startswith(message(product, torch))


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8"])
def test_pow_gradient_with_an_integer_exponent_at_its_limits(dtype):
    """PyTorch's gradient computes `exponent - 1` in the exponent's integer type: INT_MIN - 1 wraps to INT_MAX."""
    info = np.iinfo(dtype)

    def fn(lib):
        x = lib.tensor([-1.0, 3.0, 2.0, 0.0, 0.5, 2.0, -2.0], requires_grad=True)
        e = lib.tensor([info.min, info.min, info.max, 0, 3, 1, 2], dtype=getattr(lib, dtype))
        (x ** e).backward(lib.ones(7))
        return x.grad
    same(fn)


@pytest.mark.parametrize("key", ["1, :, i", "i, :, 1", "1, ..., i", "lib.tensor(1), :, i", ":, 1, :, i", "1, None, :, i",
                                 "i, 1, i", "True, 1, :, i", "1, :, lib.tensor([True, False, True, True])"])
def test_ints_are_selected_before_index_tensors(key):
    """PyTorch applies ints first: in `t[1, :, idx]` idx's dims stay in place (NumPy's rule moves them first)."""
    def fn(lib):
        t, i = lib.arange(120.).reshape(2, 3, 4, 5).requires_grad_(), lib.tensor([0, 1])
        y = eval(f"t[{key}]", {"t": t, "i": i, "lib": lib})
        y.backward(lib.arange(float(y.numel())).reshape(y.shape))
        return y, t.grad
    same(fn)


@pytest.mark.parametrize("expr", ["a.add(b, alpha=2)", "a.sub(b, alpha=2)", "b.sub(b, alpha=2)", "a.add(b, alpha=-1.5)",
                                  "lib.add(a, b, alpha=3)", "a.sub(b, alpha=0.5)"])
def test_add_with_alpha_is_one_fused_multiply_add(expr):
    """PyTorch's vectorised loop computes input + alpha * other in one rounding: no float32 overflow on the way."""
    def fn(lib):
        a = lib.tensor([float("inf"), -3e38, 3e38, 1.0, 0.1] * 2, requires_grad=True)
        b = lib.tensor([-3e38, -3e38, 3e38, 0.3, 0.7] * 2, requires_grad=True)
        y = eval(expr, {"a": a, "b": b, "lib": lib})
        y.backward(lib.full(y.shape, 3e37))
        return y, a.grad, b.grad, y.grad_fn.name()
    same(fn)


@pytest.mark.parametrize("sizes", [(1, -1, -1, -1), (-1, 3), (2, 4, 5), (3, -1, 2), (-1, -1), (2, -1, 4)])
def test_expand_checks_sizes_from_the_last_dim(sizes):
    """-1 is refused in a new leading dim; PyTorch checks from the last dim, so its first error is the last one."""
    same(lambda lib: tuple(lib.zeros(3, 1).expand(sizes).shape))


@pytest.mark.parametrize("dtype, values", [("uint8", [-0.5]), ("uint8", [0.5, 255.5]), ("int8", [127.9]),
                                           ("int32", [float("nan")]), ("uint8", [[0.3], [0.9]]), ("int8", [-128.9])])
def test_floats_into_an_integer_tensor_must_fit(dtype, values):
    """tensor(floats, dtype=an int type) refuses a float outside the type's range (it does not truncate first)."""
    same(lambda lib: lib.tensor(values, dtype=getattr(lib, dtype)).tolist())


@pytest.mark.parametrize("shape, target", [((2, 1), (2,)), ((2, 1, 3), (2, 3)), ((2, 1, 2, 2), (2, 2, 2))])
def test_nll_loss_weight_of_another_shape(shape, target):
    """PyTorch's 2-d kernel (3-d and 4-d inputs) reads a weight of any shape with C elements; its 1-d one does not."""
    same(lambda lib: lib.nn.functional.nll_loss(lib.zeros(shape), lib.zeros(target, dtype=lib.int64),
                                                weight=lib.tensor(1.0)).item())


@pytest.mark.parametrize("key, shape", [("1, :, i", (3, 2)), ("1, :, i", (2, 3)), ("1, :, i", (2,)), (":, 1, i", (2, 2)),
                                        ("i, :, 1", (2, 3))])
def test_assignment_selects_ints_before_index_tensors(key, shape):
    """`t[1, :, idx] = v`: v broadcasts to PyTorch's result shape (idx's dims in place)."""
    def fn(lib):
        t, i = lib.zeros(2, 3, 4), lib.tensor([0, 2])
        exec(f"t[{key}] = v", {"t": t, "i": i, "v": lib.arange(float(np.prod(shape))).reshape(shape)})
        return t
    same(fn)


@pytest.mark.parametrize("a, b", [(((0, 0, 1), "float64", True), ((0, 1, 1), "int64")),
                                  (((0, 1, 1), "uint8", False), ((0, 1, 1), "float32")),
                                  (((2, 0, 1), "float32", True), ((2, 1, 3), "float64"))])
def test_an_empty_batched_product_of_two_dtypes(a, b):
    """With nothing to multiply PyTorch checks no dtypes: the result is in b's, and cannot require grad if integer."""
    def fn(lib):
        (sa, da, ra), (sb, db) = a, b
        y = lib.zeros(sa, dtype=getattr(lib, da), requires_grad=ra).matmul(lib.zeros(sb, dtype=getattr(lib, db)))
        return tuple(y.shape), y.requires_grad, str(y.dtype).split(".")[-1]
    same(fn)
