"""The losses, `F.linear`, `F.softplus` and indexing against PyTorch: graph inputs (next_functions), second
derivatives (create_graph=True), and stability at logits of +-1000 (values and gradients)."""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg

torch = pytest.importorskip("torch")

rng = np.random.default_rng(0)
X = rng.standard_normal((4, 3))
P = rng.uniform(0.05, 0.95, (4, 3))
T = rng.uniform(0, 1, (4, 3))
CLS = rng.integers(0, 3, 4)
W = rng.uniform(0.5, 2, 3)
LW, LB = rng.standard_normal((2, 3)), rng.standard_normal(2)
X4, CLS4 = rng.standard_normal((2, 3, 2, 2)), rng.integers(0, 3, (2, 2, 2))

# (name, fn(F, *tensors), arrays, which arrays require grad)
CASES = [
    ("mse", lambda F, x, t: F.mse_loss(x, t), [X, T], [0, 1]),
    ("mse none", lambda F, x, t: F.mse_loss(x, t, reduction="none"), [X, T], [0]),
    ("bce", lambda F, p, t: F.binary_cross_entropy(p, t), [P, T], [0, 1]),
    ("bce weight", lambda F, p, t, w: F.binary_cross_entropy(p, t, weight=w, reduction="sum"), [P, T, W], [0, 1]),
    ("bce logits", lambda F, x, t: F.binary_cross_entropy_with_logits(x, t), [X, T], [0, 1]),
    ("bce logits weights", lambda F, x, t, w: F.binary_cross_entropy_with_logits(x, t, weight=w, pos_weight=w),
     [X, T, W], [0, 1]),
    ("nll", lambda F, x, c: F.nll_loss(x, c), [X, CLS], [0]),
    ("nll weight none", lambda F, x, c, w: F.nll_loss(x, c, weight=w, reduction="none"), [X, CLS, W], [0]),
    ("nll 2d", lambda F, x, c: F.nll_loss(x, c), [X4, CLS4], [0]),
    ("cross_entropy", lambda F, x, c: F.cross_entropy(x, c), [X, CLS], [0]),
    ("cross_entropy probs", lambda F, x, t: F.cross_entropy(x, t), [X, T], [0]),
    ("linear", lambda F, x, w, b: F.linear(x, w, b), [X, LW, LB], [0, 1, 2]),
    ("linear no bias", lambda F, x, w: F.linear(x, w), [X, LW], [0, 1]),
    ("softplus", lambda F, x: F.softplus(x, beta=2.0, threshold=1.5), [X], [0]),
]


def _leaves(lib, arrays, which):
    return [lib.tensor(a, requires_grad=i in which) for i, a in enumerate(arrays)]


@pytest.mark.parametrize("name, fn, arrays, which", CASES, ids=[c[0] for c in CASES])
def test_node_name_and_inputs_as_pytorch(name, fn, arrays, which):
    nodes = []
    for lib in (tg, torch):
        y = fn(lib.nn.functional, *_leaves(lib, arrays, which))
        nodes.append((type(y.grad_fn).__name__ if lib is torch else y.grad_fn.name(), len(y.grad_fn.next_functions)))
    assert nodes[0] == nodes[1]


def _second_derivatives(lib, fn, arrays, which):
    leaves = _leaves(lib, arrays, which)
    xs = [leaves[i] for i in which]
    out = fn(lib.nn.functional, *leaves)
    first = lib.autograd.grad((out * out).sum(), xs, create_graph=True)
    total = sum((g * g.tanh()).sum() for g in first)
    second = lib.autograd.grad(total, xs, allow_unused=True)
    return [g.detach().numpy() for g in first], [None if g is None else g.numpy() for g in second]


@pytest.mark.parametrize("name, fn, arrays, which", CASES, ids=[c[0] for c in CASES])
def test_second_derivatives_match_pytorch(name, fn, arrays, which):
    (g1, h1), (g2, h2) = (_second_derivatives(lib, fn, arrays, which) for lib in (tg, torch))
    for a, b in zip(g1, g2):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)
    for a, b in zip(h1, h2):
        a = np.zeros_like(b) if a is None and b is not None else a
        b = np.zeros_like(a) if b is None and a is not None else b
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)


def test_backward_with_create_graph_gives_grads_with_a_graph():
    for lib in (tg, torch):
        x = lib.tensor(X, requires_grad=True)
        lib.nn.functional.mse_loss(x * x, lib.tensor(T)).backward(create_graph=True)
        assert x.grad.requires_grad and x.grad.grad_fn is not None
        x.grad.sum().backward()


# --- stability at logits of +-1000 --------------------------------------------------------------------

EXTREME = np.array([[1000., -1000., 0.5, 30.], [-1000., 1000., -30., 88.], [-88., 100., -100., 0.]])
TARGET = np.array([[1., 0., 0.5, 1.], [1., 0., 0., 0.2], [0., 1., 0., 0.7]])
STABLE = {
    "bce_with_logits": lambda F, lib, x, t: F.binary_cross_entropy_with_logits(x, t, reduction="none"),
    "bce_with_logits pos_weight": lambda F, lib, x, t: F.binary_cross_entropy_with_logits(
        x, t, pos_weight=lib.tensor([2., .5, 1., 3.], dtype=x.dtype), reduction="none"),
    "bce_with_logits mean": lambda F, lib, x, t: F.binary_cross_entropy_with_logits(x, t),
    "cross_entropy": lambda F, lib, x, t: F.cross_entropy(x, lib.tensor([0, 1, 3]), reduction="none"),
    "cross_entropy probs": lambda F, lib, x, t: F.cross_entropy(x, t),
    "log_softmax": lambda F, lib, x, t: F.log_softmax(x, 1),
    "softplus": lambda F, lib, x, t: F.softplus(x),
    "softplus beta": lambda F, lib, x, t: F.softplus(x, beta=0.5, threshold=10),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", list(STABLE))
def test_stable_at_extreme_logits(name, dtype):
    out, g = [], np.random.default_rng(1).uniform(0.5, 2, EXTREME.shape)
    for lib in (tg, torch):
        x = lib.tensor(EXTREME.astype(dtype), requires_grad=True)
        y = STABLE[name](lib.nn.functional, lib, x, lib.tensor(TARGET.astype(dtype)))
        y.backward(lib.tensor(g.reshape(-1)[:y.numel()].reshape(tuple(y.shape)).astype(str(y.dtype)[-7:])))
        out.append((y.detach().numpy(), x.grad.numpy(), str(y.dtype).split(".")[-1]))
    (y1, g1, d1), (y2, g2, d2) = out
    assert d1 == d2 and np.isfinite(y1).all() and np.isfinite(g1).all()
    tol = dict(rtol=1.3e-6, atol=1e-5) if dtype == "float32" else dict(rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(y1, y2, **tol)
    np.testing.assert_allclose(g1, g2, **tol)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_log1p_keeps_tiny_answers(dtype):
    """log(1 + e^-30) is 9.4e-14, not 0: softplus and the loss of a confident right answer keep it."""
    x = np.array([-30., -50., -80., 0.3, 5.], dtype)
    got = tg.nn.functional.softplus(tg.tensor(x)).numpy()
    want = torch.nn.functional.softplus(torch.tensor(x.astype("float64"))).numpy()
    np.testing.assert_allclose(got, want, rtol=1.3e-6 if dtype == "float32" else 1e-7, atol=0)
    got = tg.nn.functional.binary_cross_entropy_with_logits(tg.tensor(-x), tg.tensor(np.ones(5, dtype)),
                                                             reduction="none").numpy()
    np.testing.assert_allclose(got[:3], want[:3], rtol=1.3e-6 if dtype == "float32" else 1e-7, atol=0)


def test_bce_with_logits_mixed_dtypes_as_pytorch():
    for xd, td in (("float32", "float64"), ("float64", "float32")):
        out = []
        for lib in (tg, torch):
            x = lib.tensor(X.astype(xd), requires_grad=True)
            t = lib.tensor(T.astype(td), requires_grad=True)
            y = lib.nn.functional.binary_cross_entropy_with_logits(x, t)
            y.backward()
            out.append((str(y.dtype)[-7:], y.item(), str(x.grad.dtype)[-7:], str(t.grad.dtype)[-7:],
                        x.grad.numpy(), t.grad.numpy()))
        assert out[0][0] == out[1][0] and out[0][2:4] == out[1][2:4]
        assert out[0][1] == pytest.approx(out[1][1], rel=1e-6)
        np.testing.assert_allclose(out[0][4], out[1][4], rtol=1e-6)
        np.testing.assert_allclose(out[0][5], out[1][5], rtol=1e-6)


def test_a_weight_that_requires_grad_is_refused_as_pytorch_refuses_it():
    for lib in (tg, torch):
        w = lib.tensor(W, requires_grad=True)
        with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'weight'"):
            lib.nn.functional.binary_cross_entropy(lib.tensor(P), lib.tensor(T), weight=w)
        with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'pos_weight'"):
            lib.nn.functional.binary_cross_entropy_with_logits(lib.tensor(X), lib.tensor(T), pos_weight=w)


def test_softplus_refuses_integers_and_is_a_module_too():
    for lib in (tg, torch):
        with pytest.raises(NotImplementedError, match="softplus_cpu"):
            lib.nn.functional.softplus(lib.tensor([1, 2]))
    if hasattr(tg.nn, "Softplus"):
        assert repr(tg.nn.Softplus(beta=2, threshold=5)) == repr(torch.nn.Softplus(beta=2, threshold=5))
        np.testing.assert_allclose(tg.nn.Softplus()(tg.tensor(X)).numpy(), torch.nn.Softplus()(torch.tensor(X)).numpy())


@pytest.mark.parametrize("key", [1, slice(1, 3), None, Ellipsis, (slice(None), 1), [0, 0, 2], (None, 1)])
def test_indexing_nodes_as_pytorch(key):
    nodes = []
    for lib in (tg, torch):
        a = lib.tensor(X, requires_grad=True)
        y = a[key]
        y.backward(lib.ones_like(y))
        nodes.append(((type(y.grad_fn).__name__ if lib is torch else y.grad_fn.name()),
                      len(y.grad_fn.next_functions), a.grad.numpy()))
    assert nodes[0][:2] == nodes[1][:2]
    np.testing.assert_array_equal(nodes[0][2], nodes[1][2])


@pytest.mark.parametrize("shapes", [((2, 3), (2,)), ((2, 3, 2, 2), (2, 2, 2))])
def test_nll_weight_that_requires_grad_is_refused(shapes):
    messages = []
    for lib in (tg, torch):
        w = lib.tensor(W, requires_grad=True)
        with pytest.raises(RuntimeError) as e:
            lib.nn.functional.nll_loss(lib.zeros(shapes[0]), lib.zeros(shapes[1], dtype=lib.int64), weight=w)
        messages.append(str(e.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("reduction", ["sum", "mean", "none"])
def test_nll_with_no_classes_and_every_target_ignored_as_pytorch(reduction):
    # The edge where no target picks a class: the loss is PyTorch's (0, nan for the mean, zeros), the grad empty.
    found = []
    for lib in (tg, torch):
        x = lib.zeros(3, 0, requires_grad=True)
        loss = lib.nn.functional.nll_loss(x, lib.tensor([-100, -100, -100]), reduction=reduction)
        loss.sum().backward()
        found.append((loss.detach().numpy(), tuple(x.grad.shape)))
    np.testing.assert_array_equal(found[0][0], found[1][0])
    assert found[0][1] == found[1][1] == (3, 0)
