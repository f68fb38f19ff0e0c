"""The engine's plumbing: `backward(create_graph=True)`, custom node names, the one propagation routine."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.autograd import Op

torch = pytest.importorskip("torch")


def both(fn, *arrays):
    """`fn` run on tinygrad_edu and on PyTorch with leaves made from `arrays`; (ours, theirs, our leaves, theirs)."""
    ours = [tg.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    return fn(tg, *ours), fn(torch, *theirs), ours, theirs


@pytest.mark.parametrize("fn", [
    lambda lib, x: (x ** 3).sum(),
    lambda lib, x: (lib.sigmoid(x) * lib.tanh(x)).sum(),
    lambda lib, x: (lib.exp(x) / (1 + x * x)).mean(),
])
@pytest.mark.filterwarnings("ignore:Using backward")
def test_backward_with_create_graph_gives_a_grad_with_a_graph(fn):
    x = np.random.default_rng(0).normal(size=(3,))
    ours, theirs, (a,), (b,) = both(fn, x)
    ours.backward(create_graph=True)
    theirs.backward(create_graph=True)
    assert a.grad.requires_grad and a.grad.grad_fn is not None
    np.testing.assert_allclose(a.grad.detach().numpy(), b.grad.detach().numpy(), rtol=1e-12)
    g_ours, = tg.autograd.grad(a.grad.sum(), a)  # the second derivative, through the grad's own graph
    g_theirs, = torch.autograd.grad(b.grad.sum(), b)
    np.testing.assert_allclose(g_ours.numpy(), g_theirs.numpy(), rtol=1e-10)


@pytest.mark.filterwarnings("ignore:Using backward")
def test_backward_with_create_graph_adds_up_like_pytorch():
    x = np.array([0.5, -1.0])
    ours, theirs, (a,), (b,) = both(lambda lib, x: (x ** 2).sum(), x)
    ours.backward(create_graph=True)
    theirs.backward(create_graph=True)
    (a ** 3).sum().backward(create_graph=True)
    (b ** 3).sum().backward(create_graph=True)
    np.testing.assert_allclose(a.grad.detach().numpy(), b.grad.detach().numpy())
    assert a.grad.requires_grad == b.grad.requires_grad


def test_a_plain_backward_keeps_adding_into_the_same_grad_array():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    kept = x.grad
    (x * x).sum().backward()
    assert kept is x.grad and kept.tolist() == [4.0, 8.0]


def test_named_op_variants_print_their_node_name_and_share_the_math():
    class Twice(Op):
        """y = 2 a.   dL/da = 2 g."""
        @staticmethod
        def forward(ctx, a):
            return 2 * a

        @staticmethod
        def backward(ctx, g):
            return 2 * g

    Other = Twice.named("TwiceBackward7")
    x = tg.tensor([1.0, 3.0], requires_grad=True)
    y = Other.apply(x)
    assert y.grad_fn.name() == "TwiceBackward7" and Twice.apply(x).grad_fn.name() == "TwiceBackward0"
    assert Other.__doc__ == Twice.__doc__
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_params_are_not_graph_inputs():
    x = tg.ones(2, 3, requires_grad=True)
    t = torch.ones(2, 3, requires_grad=True)
    for f in (lambda v: v.sum(), lambda v: v.sum(1), lambda v: v.mean(0, keepdim=True), lambda v: v.reshape(3, 2),
              lambda v: v.clamp(0, 1), lambda v: v.pow(2), lambda v: v * 2, lambda v: v.transpose(0, 1),
              lambda v: v.softmax(1), lambda v: v.unsqueeze(0), lambda v: v.expand(4, 2, 3)):
        assert len(f(x).grad_fn.next_functions) == len(f(t).grad_fn.next_functions), f(t).grad_fn
