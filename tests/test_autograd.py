"""The autograd engine: how backward walks the graph, accumulates and frees it; grad modes;
`autograd.grad`, `autograd.Function` and `gradcheck`; leaves, detach and in-place rules."""
from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg
from helpers import check_op
from strategies import broadcast_pairs, random_array, seeds
from tinygrad_edu import autograd


def leaf(values, dtype=tg.float64):
    return tg.tensor(values, dtype=dtype, requires_grad=True)


# --- walking the graph --------------------------------------------------------------------------

def test_long_chain_needs_no_recursion():
    x = leaf(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad.item() == 1.0
    del y  # freeing a 200,000-node chain must not overflow the C stack either


def test_reused_tensor_gets_every_path():
    a = leaf([1.0, -2.0, 3.0])
    b = a + a
    c = b * b  # c = 4 a^2, dc/da = 8 a
    c.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [8.0, -16.0, 24.0])


def test_diamond_graph():
    x = leaf(2.0)
    y = x * 3.0
    z = y.exp() + y.sigmoid() * y  # both branches reuse y
    z.backward()
    yv = 6.0
    s = 1 / (1 + np.exp(-yv))
    np.testing.assert_allclose(x.grad.item(), 3.0 * (np.exp(yv) + s * (1 - s) * yv + s))


def test_grads_accumulate_across_backward_calls_and_zero_resets():
    x = leaf([1.0, 2.0])
    (x * x).sum().backward()
    (x * 3.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0 + 3.0, 4.0 + 3.0])
    x.grad.zero_()
    (x * 2.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])


def test_grad_is_a_fresh_tensor_not_shared_with_the_graph():
    x, y = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (x + y).sum().backward()  # both get the same incoming gradient array
    x.grad.add_(10.0)
    np.testing.assert_allclose(y.grad.numpy(), [1.0, 1.0])


def test_the_callers_gradient_is_never_stored_as_a_grad():
    # A leaf's .grad adds up in place; if it were the caller's `gradient` array, that would change too.
    g = tg.tensor([1.0, 1.0], dtype=tg.float64)
    x = leaf([1.0, 2.0])
    x.backward(g)                 # the root is the leaf itself
    (x + 1.0).backward(g)         # the add passes `g` straight through to x
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])
    np.testing.assert_allclose(g.numpy(), [1.0, 1.0])


@pytest.mark.parametrize("fn", [lambda x: x.log(), lambda x: x.sqrt(), lambda x: x.exp(), lambda x: 1.0 / x,
                                lambda x: x ** -1.0, lambda x: tg.tensor(2.0) ** x, lambda x: x ** x])
def test_ops_that_turn_numbers_into_inf_or_nan_do_not_warn(fn):
    # NumPy warns about log(0), 1 / 0, sqrt(-1), overflow; PyTorch (and so this engine) returns -inf, inf, nan.
    import warnings
    x = tg.tensor([0.0, -1.0, 1000.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = fn(x)
        y.backward(tg.ones(3))
    assert not np.isfinite(y.detach().numpy()).all()


WARNING_PRONE = [  # each gives inf or nan somewhere in its forward or backward, where NumPy warns and PyTorch does not
    lambda x: x.log(), lambda x: x.sqrt(), lambda x: x.exp(), lambda x: 1.0 / x, lambda x: x ** -1.0,
    lambda x: tg.tensor(2.0) ** x, lambda x: x ** x, lambda x: x.sigmoid().log(),
    lambda x: tg.nn.functional.binary_cross_entropy_with_logits(x * 1000, tg.ones(3), reduction="none"),
    lambda x: tg.nn.functional.binary_cross_entropy(x.clamp(0, 1), tg.ones(3), reduction="none"),
    lambda x: tg.nn.functional.softplus(x * 1000),
    lambda x: tg.nn.functional.cross_entropy(x.reshape(1, 3) * 1000, tg.tensor([0]), reduction="none"),
]


@pytest.mark.parametrize("fn", WARNING_PRONE)
@pytest.mark.parametrize("action", ["error", None])  # None: the filters as a learner has them
def test_no_numpy_warning_reaches_the_caller(fn, action):
    # With the caller's "error" filter the engine reruns the op quietly; otherwise the package's own filter holds.
    # (A caller's "always" filter shows NumPy's warnings: that costs no microseconds per op, np.errstate would.)
    import warnings
    x = tg.tensor([0.0, -1.0, 1000.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        if action == "error":
            warnings.simplefilter(action)
        y = fn(x)
        y.backward(tg.ones(y.shape))
    assert [str(w.message) for w in caught if w.category is RuntimeWarning] == []


def test_grad_has_the_leaf_shape_and_dtype_under_broadcasting():
    w = tg.tensor([[0.5]], requires_grad=True)  # float32, shape (1, 1)
    b = tg.tensor(0.25, dtype=tg.float64, requires_grad=True)
    x = tg.ones(4, 3)
    (x * w + b).sum().backward()
    assert w.grad.shape == (1, 1) and w.grad.dtype == tg.float32 and w.grad.item() == 12.0
    assert b.grad.shape == () and b.grad.dtype == tg.float64 and b.grad.item() == 12.0


def test_retain_grad_on_non_leaves():
    x = leaf([1.0, 2.0])
    y = x * 2.0
    y.retain_grad()
    z = (y * y).sum()
    z.retain_grad()
    z.backward()
    assert y.retains_grad and not x.retains_grad
    np.testing.assert_allclose(y.grad.numpy(), [4.0, 8.0])
    assert z.grad.item() == 1.0
    assert (x * 3.0).grad is None  # a non-leaf keeps no grad unless asked


def test_retain_graph_allows_a_second_backward():
    x = leaf([1.0, 2.0])
    y = (x.sigmoid() * x).sum()
    y.backward(retain_graph=True)
    first = x.grad.numpy().copy()
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * first)


def test_second_backward_through_a_freed_graph_raises():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()


def test_second_backward_without_saved_tensors_works_as_in_torch():
    x = leaf([1.0, 2.0])
    y = (x + 1.0).sum()  # no op here saves a tensor, so nothing was freed
    y.backward()
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])


def test_backward_with_an_explicit_gradient():
    x = leaf([1.0, 2.0, 3.0])
    y = x * x
    y.backward(tg.tensor([1.0, 0.0, 2.0], dtype=tg.float64))
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 0.0, 12.0])
    x2 = tg.tensor([1.0, 2.0], requires_grad=True)
    (x2 * 2).backward(tg.ones(2, dtype=tg.float64))  # cast to the output's dtype
    assert x2.grad.dtype == tg.float32


def test_backward_on_a_leaf_and_on_a_one_element_tensor():
    x = leaf([3.0])
    x.backward()
    assert x.grad.tolist() == [1.0]
    y = leaf([[2.0]])
    (y * y).backward()
    assert y.grad.tolist() == [[4.0]]


def test_only_leaves_that_require_grad_get_a_grad():
    x, c = leaf([1.0, 2.0]), tg.tensor([3.0, 4.0], dtype=tg.float64)
    (x * c).sum().backward()
    assert c.grad is None and x.grad is not None


# --- autograd.grad ------------------------------------------------------------------------------

def test_autograd_grad_returns_grads_and_leaves_dot_grad_alone():
    x, y = leaf([1.0, 2.0]), leaf(3.0)
    z = (x * x * y).sum()
    gx, gy = autograd.grad(z, [x, y])
    np.testing.assert_allclose(gx.numpy(), [6.0, 12.0])
    np.testing.assert_allclose(gy.item(), 5.0)
    assert x.grad is None and y.grad is None
    assert not gx.requires_grad and gx.is_leaf


def test_autograd_grad_with_grad_outputs_and_retain_graph():
    x = leaf([1.0, 2.0])
    y = x * x
    g, = autograd.grad(y, x, grad_outputs=tg.tensor([1.0, 10.0], dtype=tg.float64), retain_graph=True)
    np.testing.assert_allclose(g.numpy(), [2.0, 40.0])
    g2, = autograd.grad([y], [x], grad_outputs=[tg.ones(2, dtype=tg.float64)])
    np.testing.assert_allclose(g2.numpy(), [2.0, 4.0])
    with pytest.raises(RuntimeError, match="second time"):
        autograd.grad(y, x, grad_outputs=tg.ones(2, dtype=tg.float64))


def test_autograd_grad_of_an_intermediate_and_allow_unused():
    x = leaf([1.0, 2.0])
    h = x * 2.0
    out = (h * h).sum()
    gh, = autograd.grad(out, h, retain_graph=True)
    np.testing.assert_allclose(gh.numpy(), [4.0, 8.0])
    unused = leaf(1.0)
    gx, gu = autograd.grad(out, [x, unused], allow_unused=True)
    assert gu is None
    np.testing.assert_allclose(gx.numpy(), [8.0, 16.0])


def test_autograd_grad_matches_torch():
    torch = pytest.importorskip("torch")
    data = np.array([[0.5, -1.0], [2.0, 0.25]])
    for lib in (tg, torch):
        x = lib.tensor(data, requires_grad=True)
        w = lib.tensor([1.5, -0.5], dtype=lib.float64, requires_grad=True)
        out = (x @ w).tanh().sum()
        grads = (lib.autograd.grad(out, [x, w]))
        if lib is tg:
            ours = [g.numpy() for g in grads]
        else:
            theirs = [g.numpy() for g in grads]
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12)


# --- grad modes ---------------------------------------------------------------------------------

def test_no_grad_as_a_context_and_as_a_decorator():
    x = leaf([1.0])
    with tg.no_grad():
        y = x * 2
        assert not tg.is_grad_enabled()
    assert tg.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None and y.is_leaf

    @tg.no_grad()
    def double(t):
        return t * 2

    assert not double(x).requires_grad and tg.is_grad_enabled()


def test_enable_grad_inside_no_grad():
    x = leaf([1.0])
    with tg.no_grad():
        with tg.enable_grad():
            y = x * 2
        z = x * 2
    assert y.requires_grad and not z.requires_grad

    @tg.enable_grad()
    def double(t):
        return t * 2

    with tg.no_grad():
        assert double(x).requires_grad


def test_set_grad_enabled_as_function_context_and_decorator():
    x = leaf([1.0])
    with tg.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert tg.is_grad_enabled()
    tg.set_grad_enabled(False)
    try:
        assert not tg.is_grad_enabled() and not (x * 2).requires_grad
    finally:
        tg.set_grad_enabled(True)
    assert (x * 2).requires_grad

    @tg.set_grad_enabled(False)
    def double(t):
        return t * 2

    assert tg.is_grad_enabled()  # decorating changes nothing until the call
    assert not double(x).requires_grad
    assert tg.is_grad_enabled()


def test_grad_mode_is_restored_after_an_exception():
    with pytest.raises(ValueError):
        with tg.no_grad():
            raise ValueError
    assert tg.is_grad_enabled()


# --- leaves, detach, requires_grad_ -------------------------------------------------------------

def test_leaves_and_non_leaves():
    x = tg.tensor([1.0, 2.0])
    assert x.is_leaf and not x.requires_grad and x.grad_fn is None
    w = x.requires_grad_()
    assert w is x and x.requires_grad and x.is_leaf
    y = x * 2
    assert not y.is_leaf and y.requires_grad and y.grad_fn is not None
    z = tg.tensor([1.0]) * 2  # no input requires grad: a leaf
    assert z.is_leaf and z.grad_fn is None
    x.requires_grad_(False)
    assert not x.requires_grad


def test_detach_shares_memory_and_leaves_the_graph():
    x = leaf([1.0, 2.0])
    y = x * 2
    d = y.detach()
    assert d.is_leaf and not d.requires_grad and d.grad_fn is None
    d.numpy()[0] = 100.0  # the same memory
    assert y.detach().numpy()[0] == 100.0
    (y.detach() * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [100.0, 4.0])


def test_data_is_detached():
    x = leaf([1.0, 2.0])
    assert not x.data.requires_grad and x.data.is_leaf
    with tg.no_grad():
        x.data.mul_(3.0)
    np.testing.assert_allclose(x.detach().numpy(), [3.0, 6.0])


def test_ops_without_grad_record_nothing():
    x = tg.tensor([1.0, 2.0])
    y = (x * 2).sigmoid().sum()
    assert y.grad_fn is None and not y.requires_grad
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


def test_comparisons_and_argmax_do_not_require_grad():
    x = leaf([1.0, 2.0])
    for out in (x > 1, x == x, x.argmax(), x.max(0).indices, x.isnan()):
        assert not out.requires_grad and out.grad_fn is None


# --- in-place edits and the graph ---------------------------------------------------------------

def test_in_place_on_a_leaf_that_requires_grad_raises():
    x = leaf([1.0, 2.0])
    for edit in (lambda: x.add_(1.0), lambda: x.mul_(2.0), lambda: x.sub_(1.0), lambda: x.zero_(),
                 lambda: x.fill_(1.0), lambda: x.copy_(tg.zeros(2, dtype=tg.float64))):
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
            edit()
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x += 1.0
    np.testing.assert_allclose(x.detach().numpy(), [1.0, 2.0])


def test_in_place_under_no_grad_updates_the_same_leaf():
    w = leaf([1.0, 2.0])
    (w * w).sum().backward()
    same = w
    with tg.no_grad():
        w -= 0.1 * w.grad
        w *= 2.0
        w += 1.0
        w /= 2.0
    assert w is same and w.requires_grad and w.is_leaf
    np.testing.assert_allclose(w.detach().numpy(), [(0.8 * 2 + 1) / 2, (1.6 * 2 + 1) / 2])


def test_in_place_on_a_graph_tensor_is_refused():
    """PyTorch records in-place ops in the graph; this engine refuses them (write y = y + 1)."""
    x = leaf([1.0, 2.0])
    y = x * 2
    with pytest.raises(RuntimeError, match="in-place"):
        y.add_(1.0)


# --- the tensor-level autograd.Function ---------------------------------------------------------

def cube_function(base: type) -> type:
    """x ** 3 as a custom op, written once on either library's `autograd.Function`."""
    class Cube(base):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return 3 * x * x * grad
    return Cube


Cube = cube_function(autograd.Function)


class ScaledAdd(autograd.Function):
    """Two tensor inputs and a number: the number gets no gradient (None)."""

    @staticmethod
    def forward(ctx, a, b, alpha):
        ctx.alpha = alpha
        return a + alpha * b

    @staticmethod
    def backward(ctx, grad):
        return grad, ctx.alpha * grad, None


def test_custom_function():
    x = leaf([1.0, 2.0])
    y = Cube.apply(x)
    assert isinstance(y, tg.Tensor) and y.grad_fn.name() == "CubeBackward"
    assert repr(y) == "tensor([1., 8.], dtype=tinygrad_edu.float64, grad_fn=<CubeBackward>)"
    assert repr(Cube.apply(tg.tensor(2.0, requires_grad=True))) == "tensor(8., grad_fn=<CubeBackward>)"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 12.0])
    with pytest.raises(RuntimeError, match="second time"):
        y.grad_fn.saved_tensors


def test_custom_function_with_several_inputs_and_broadcasting():
    a, b = leaf([[1.0, 2.0], [3.0, 4.0]]), leaf([1.0, -1.0])
    out = ScaledAdd.apply(a, b, 0.5)
    out.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), np.ones((2, 2)))
    np.testing.assert_allclose(b.grad.numpy(), [1.0, 1.0])  # summed back to b's shape by the engine
    assert autograd.gradcheck(lambda p, q: ScaledAdd.apply(p, q, 0.5), (a, b))


def test_custom_function_needs_input_grad_and_no_graph_without_grad():
    seen = []

    class Probe(autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            seen.append(ctx.needs_input_grad)
            return a * b

        @staticmethod
        def backward(ctx, grad):
            return grad, grad

    Probe.apply(leaf([1.0]), tg.tensor([2.0], dtype=tg.float64))
    assert seen[-1] == (True, False)
    out = Probe.apply(tg.tensor([1.0]), tg.tensor([2.0]))
    assert out.grad_fn is None and not out.requires_grad


def test_custom_function_matches_torch():
    torch = pytest.importorskip("torch")

    TorchCube = cube_function(torch.autograd.Function)

    data = np.array([0.5, -1.5, 2.0], dtype=np.float32)
    ours, theirs = tg.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    y, ty = Cube.apply(ours), TorchCube.apply(theirs)
    assert repr(y) == repr(ty)  # both nodes print <CubeBackward>
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-6)


# --- gradcheck ----------------------------------------------------------------------------------

def test_gradcheck_passes_on_correct_gradients():
    x = tg.tensor(np.random.default_rng(0).normal(size=(2, 3)), requires_grad=True)
    w = tg.tensor(np.random.default_rng(1).normal(size=(3,)), requires_grad=True)
    assert autograd.gradcheck(lambda a, b: (a * b).sigmoid().sum(1), (x, w))
    assert autograd.gradcheck(lambda a: a.softmax(-1), x)
    assert autograd.gradcheck(Cube.apply, (w,))


def test_gradcheck_can_fail():
    class WrongCube(Cube):
        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return 2 * x * x * grad  # should be 3 x^2

    x = leaf([0.5, 1.5])
    with pytest.raises(RuntimeError, match="Jacobian mismatch"):
        autograd.gradcheck(WrongCube.apply, (x,))
    assert autograd.gradcheck(WrongCube.apply, (x,), raise_exception=False) is False


# --- the graph is freed -------------------------------------------------------------------------

def _nodes(t: tg.Tensor) -> list:
    """Every node of t's graph, found through the public next_functions."""
    found, stack = [], [t.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or not hasattr(node, "next_functions") or any(node is f for f in found):
            continue
        found.append(node)
        stack.extend(n for n, _ in node.next_functions)
    return found


def test_graph_is_freed_without_the_garbage_collector():
    gc.disable()
    try:
        x = leaf([1.0, 2.0, 3.0])
        w = leaf([0.5, -0.5, 1.0])
        h = (x * w).sigmoid()
        y = (h * h + x[0]).softmax(0).log().sum()
        nodes = _nodes(y)
        assert len(nodes) >= 7
        refs = [weakref.ref(n) for n in nodes]
        saved = weakref.ref(h._data)
        y.backward()
        del y, h, nodes
        assert all(r() is None for r in refs), "a graph node outlived its output: a reference cycle"
        assert saved() is None
        assert x.grad is not None and x.grad.grad_fn is None
    finally:
        gc.enable()


def test_saved_values_are_released_by_backward_while_the_output_lives():
    class Square(autograd.Function):
        @staticmethod
        def forward(ctx, x):
            twice = x * 2  # saved by the node only: backward() must drop it
            ctx.save_for_backward(twice)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            twice, = ctx.saved_tensors
            return grad * twice

    gc.disable()
    try:
        x = leaf([1.0, 2.0])
        y = Square.apply(x).sum()
        saved = weakref.ref(y.grad_fn.next_functions[0][0].saved_tensors[0])
        y.backward()
        assert saved() is None, "backward() must drop the values the nodes saved"
        assert y.grad_fn is not None  # the graph's structure stays until the output goes
        with pytest.raises(RuntimeError, match="second time"):
            y.grad_fn.next_functions[0][0].saved_tensors
    finally:
        gc.enable()


def test_graph_without_backward_is_freed_too():
    gc.disable()
    try:
        x = leaf([1.0, 2.0])
        y = (x * x).tanh().sum()
        refs = [weakref.ref(n) for n in _nodes(y)]
        del y
        assert refs and all(r() is None for r in refs)
    finally:
        gc.enable()


def test_custom_function_graph_is_freed():
    gc.disable()
    try:
        x = leaf([1.0, 2.0])
        y = Cube.apply(x * 2).sum()
        refs = [weakref.ref(n) for n in _nodes(y)]
        y.backward()
        del y
        assert all(r() is None for r in refs)
    finally:
        gc.enable()


def test_decorated_function_may_call_itself():
    @tg.no_grad()
    def countdown(n):
        return countdown(n - 1) if n else tg.is_grad_enabled()

    assert countdown(3) is False
    assert tg.is_grad_enabled()

    @tg.enable_grad()
    def inner():
        return tg.is_grad_enabled()

    with tg.no_grad():
        assert inner() and not tg.is_grad_enabled()


def test_grad_accumulates_into_the_same_tensor_as_torch():
    x = leaf([1.0, 2.0])
    (x * 2.0).sum().backward()
    g = x.grad
    (x * 3.0).sum().backward()
    assert x.grad is g and g.tolist() == [5.0, 5.0]
    y = x * 1.0
    y.retain_grad()
    (y * 2.0).sum().backward(retain_graph=True)
    first = y.grad
    (y * 2.0).sum().backward()
    # (a retained non-leaf's grad adds up into a new tensor, as in PyTorch)
    assert first.tolist() == [2.0, 2.0] and y.grad.tolist() == [4.0, 4.0] and x.grad.tolist() == [9.0, 9.0]


# --- random programs: reuse, broadcasting and accumulation together -------------------------------

UNARY_STEPS = [lambda lib, a: a.tanh(), lambda lib, a: a.sigmoid(), lambda lib, a: -a, lambda lib, a: a * a,
               lambda lib, a: (a * 0.5).exp(), lambda lib, a: a.sum(-1, keepdim=True) if a.ndim else a * 2.0]
BINARY_STEPS = [lambda lib, a, b: a + b, lambda lib, a, b: a - b, lambda lib, a, b: a * b,
                lambda lib, a, b: a / (1.0 + b * b), lambda lib, a, b: lib.where(a > b, a, b * 0.5)]


@st.composite
def programs(draw):
    """Steps that each read values made before (so values are reused) and add one more."""
    steps = []
    for i in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):
            steps.append(("unary", draw(st.integers(0, len(UNARY_STEPS) - 1)), draw(st.integers(0, i + 1)), None))
        else:
            steps.append(("binary", draw(st.integers(0, len(BINARY_STEPS) - 1)), draw(st.integers(0, i + 1)),
                          draw(st.integers(0, i + 1))))
    return steps


def _run_program(steps):
    def fn(lib, x, y):
        values = [x, y]
        for kind, op, i, j in steps:
            values.append(UNARY_STEPS[op](lib, values[i]) if kind == "unary" else BINARY_STEPS[op](lib, values[i],
                                                                                                  values[j]))
        return values[-1] + values[0] * 0.25  # x always reaches the output
    return fn


@settings(max_examples=60)
@given(program=programs(), pair=broadcast_pairs(), seed=seeds())
def test_random_programs_against_torch_and_finite_differences(program, pair, seed):
    x = random_array(seed, pair[0], dtype=np.float64)
    y = random_array(seed + 1, pair[1], dtype=np.float64)
    check_op(_run_program(program), x, y, seed=seed, name=False, rtol=1e-10, atol=1e-12, grad_rtol=1e-8,
             grad_atol=1e-10)


def test_the_shared_checker_can_fail():
    """check_op must catch a wrong backward (by finite differences) and a wrong forward (against torch)."""
    from helpers import finite_difference_check, torch

    class WrongSquare(autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return grad * x  # should be 2 x

    x = np.array([0.5, -1.5, 2.0])
    with pytest.raises(AssertionError, match="finite differences"):
        finite_difference_check(lambda lib, t: WrongSquare.apply(t), (x,))
    if torch is not None:
        with pytest.raises(AssertionError):
            check_op(lambda lib, t: t * (2.0 if lib is tg else 2.001), x)
        with pytest.raises(AssertionError, match="dtype"):
            check_op(lambda lib, t: t.double() if lib is tg else t, x.astype(np.float32))
