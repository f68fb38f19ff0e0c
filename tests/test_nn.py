"""tinygrad_edu.nn: Module and Parameter, the layers, the losses and the initialisers, against PyTorch."""
import copy
import math

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.nn import functional as F

from helpers import Const, assert_same_tensor, check_op, norm, torch_or_skip

REDUCTIONS = ["mean", "sum", "none"]


def rng(seed=0):
    return np.random.default_rng(seed)


def raises_like(torch_call, our_call):
    """Both calls raise the same exception type with the same message (PyTorch's names normalised)."""
    with pytest.raises(Exception) as theirs:
        torch_call()
    with pytest.raises(type(theirs.value)) as ours:
        our_call()
    assert str(ours.value) == norm(str(theirs.value))


def mlp(lib, act="ReLU"):
    return lib.nn.Sequential(lib.nn.Linear(2, 3), getattr(lib.nn, act)(), lib.nn.Linear(3, 1))


def copy_weights(ours, theirs):
    """Give a torch module the same weights as ours."""
    import torch
    with torch.no_grad():
        for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
            assert name == tname
            tp.copy_(torch.from_numpy(p.detach().numpy()))


# --- Parameter ----------------------------------------------------------------------------------

def test_parameter_is_a_tensor_that_requires_grad_and_shares_memory():
    t = tg.tensor([1.0, 2.0])
    p = nn.Parameter(t)
    assert isinstance(p, tg.Tensor) and isinstance(p, nn.Parameter)
    assert p.requires_grad and p.is_leaf
    t.add_(1)
    assert p.tolist() == [2.0, 3.0]
    assert not nn.Parameter(t, requires_grad=False).requires_grad
    (p * p).sum().backward()
    assert p.grad.tolist() == [4.0, 6.0]
    assert type(p * 2) is tg.Tensor  # ops make plain tensors


def test_parameter_repr_matches_torch():
    torch = torch_or_skip()
    for data in ([1.0, 2.0], [[0.5, -1.25]]):
        assert repr(nn.Parameter(tg.tensor(data))) == norm(repr(torch.nn.Parameter(torch.tensor(data))))
    assert repr(nn.Parameter(tg.tensor(1.0, dtype=tg.float64))) == \
        norm(repr(torch.nn.Parameter(torch.tensor(1.0, dtype=torch.float64))))
    assert repr(nn.Parameter()) == norm(repr(torch.nn.Parameter()))


def test_integer_parameter_cannot_require_grad():
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(tg.tensor([1, 2]))


# --- Module: registration and walking the tree ----------------------------------------------------

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(tg.ones(1))
        self.body = nn.Sequential(nn.Linear(2, 3), nn.Tanh())
        self.head = nn.Linear(3, 1)
        self.note = "not a part"

    def forward(self, x):
        return self.head(self.body(x)) * self.scale


def test_assignment_registers_parameters_and_children():
    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["scale", "body.0.weight", "body.0.bias", "head.weight", "head.bias"]
    assert [n for n, _ in net.named_children()] == ["body", "head"]
    assert list(net.children()) == [net.body, net.head]
    assert [n for n, _ in net.named_modules()] == ["", "body", "body.0", "body.1", "head"]
    assert len(list(net.modules())) == 5
    assert [n for n, _ in net.named_parameters(recurse=False)] == ["scale"]
    assert all(isinstance(p, nn.Parameter) for p in net.parameters())
    assert net.note == "not a part" and "note" not in net._parameters


def test_state_dict_keys_and_parameter_order_match_torch():
    torch = torch_or_skip()

    class TorchNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = torch.nn.Parameter(torch.ones(1))
            self.body = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh())
            self.head = torch.nn.Linear(3, 1)

    assert list(Net().state_dict()) == list(TorchNet().state_dict())
    assert [n for n, _ in Net().named_parameters()] == [n for n, _ in TorchNet().named_parameters()]
    model, tmodel = mlp(tg), mlp(torch)
    model[2].bias = None
    tmodel[2].bias = None
    assert list(model.state_dict()) == list(tmodel.state_dict()) == ["0.weight", "0.bias", "2.weight"]


def test_shared_parameters_are_listed_once():
    a = nn.Linear(2, 2)
    model = nn.Sequential(a, nn.ReLU(), a)
    assert len(list(model.parameters())) == 2


def test_assigning_a_plain_tensor_to_a_parameter_name_is_refused():
    torch = torch_or_skip()
    raises_like(lambda: setattr(torch.nn.Linear(2, 1), "weight", torch.rand(1, 2)),
                lambda: setattr(nn.Linear(2, 1), "weight", tg.rand(1, 2)))


def test_deleting_and_replacing_parts():
    net = Net()
    del net.head
    assert "head" not in dict(net.named_children())
    net.head = nn.Identity()
    assert isinstance(net.head, nn.Identity)
    net.scale = nn.Parameter(tg.zeros(1))
    assert net.scale.tolist() == [0.0]


def test_unknown_attribute_and_missing_forward_match_torch():
    torch = torch_or_skip()
    raises_like(lambda: torch.nn.Linear(2, 1).foo, lambda: nn.Linear(2, 1).foo)
    raises_like(lambda: torch.nn.Module()(1), lambda: nn.Module()(1))


def test_train_and_eval_set_every_module():
    torch = torch_or_skip()
    net = Net()
    assert net.training and net.body[0].training
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    raises_like(lambda: torch.nn.Linear(2, 1).train("x"), lambda: nn.Linear(2, 1).train("x"))


def test_zero_grad_sets_grads_to_none_or_zero():
    net = Net()
    net(tg.randn(4, 2)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(not p.grad.numpy().any() for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_requires_grad_and_apply():
    net = Net()
    assert net.requires_grad_(False) is net
    assert not any(p.requires_grad for p in net.parameters())
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "Tanh", "Sequential", "Linear", "Net"]


def test_deepcopy_gives_independent_parameters():
    net = Net()
    twin = copy.deepcopy(net)
    with tg.no_grad():
        twin.head.weight.fill_(0.0)
    assert net.head.weight.abs().sum().item() > 0
    assert isinstance(twin.head.weight, nn.Parameter)


# --- state_dict / load_state_dict ---------------------------------------------------------------

def test_state_dict_is_detached_and_shares_memory():
    model = nn.Linear(2, 1)
    sd = model.state_dict()
    assert not sd["weight"].requires_grad and type(sd["weight"]) is tg.Tensor
    with tg.no_grad():
        model.weight.fill_(3.0)
    assert sd["weight"].tolist() == [[3.0, 3.0]]
    assert model.state_dict(keep_vars=True)["weight"] is model.weight


def test_load_state_dict_copies_values_in_place():
    a, b = mlp(tg), mlp(tg)
    weight = b[0].weight
    result = b.load_state_dict(a.state_dict())
    assert b[0].weight is weight  # the same Parameter, new values
    for (_, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        assert np.array_equal(p.detach().numpy(), q.detach().numpy())
    x = tg.randn(5, 2)
    assert np.array_equal(a(x).detach().numpy(), b(x).detach().numpy())
    assert result.missing_keys == [] and result.unexpected_keys == []


@pytest.mark.parametrize("case", ["missing", "unexpected", "both", "size", "not a tensor"])
def test_load_state_dict_errors_match_torch(case):
    torch = torch_or_skip()

    def state(lib):
        z = lib.zeros
        return {"missing": {"weight": z(1, 2)},
                "unexpected": {"weight": z(1, 2), "bias": z(1), "foo": z(1), "bar": z(2)},
                "both": {"weight": z(1, 2), "foo": z(1)},
                "size": {"weight": z(1, 3), "bias": z(1)},
                "not a tensor": {"weight": 3, "bias": z(1)}}[case]

    with pytest.raises(RuntimeError) as theirs:
        torch.nn.Linear(2, 1).load_state_dict(state(torch))
    with pytest.raises(RuntimeError) as ours:
        nn.Linear(2, 1).load_state_dict(state(tg))
    assert str(ours.value) == norm(str(theirs.value))


def test_load_state_dict_not_strict_returns_the_keys_like_torch():
    torch = torch_or_skip()
    theirs = torch.nn.Linear(2, 1).load_state_dict({"weight": torch.zeros(1, 2), "foo": torch.ones(1)}, strict=False)
    ours = nn.Linear(2, 1).load_state_dict({"weight": tg.zeros(1, 2), "foo": tg.ones(1)}, strict=False)
    assert ours.missing_keys == theirs.missing_keys and ours.unexpected_keys == theirs.unexpected_keys
    assert repr(ours) == repr(theirs)
    assert repr(nn.Linear(2, 1).load_state_dict(nn.Linear(2, 1).state_dict())) == "<All keys matched successfully>"


def test_loss_buffers_are_in_the_state_dict_like_torch():
    torch = torch_or_skip()
    ours = nn.BCEWithLogitsLoss(pos_weight=tg.ones(1))
    theirs = torch.nn.BCEWithLogitsLoss(pos_weight=torch.ones(1))
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["pos_weight"]
    assert list(nn.CrossEntropyLoss(weight=tg.ones(3)).state_dict()) == ["weight"]


# --- devices and dtypes -------------------------------------------------------------------------

def test_to_dtype_moves_parameters_in_place():
    model = mlp(tg)
    first = model[0].weight
    model(tg.randn(3, 2)).sum().backward()
    assert model.to(tg.float64) is model
    assert model[0].weight is first and first.dtype is tg.float64 and first.grad.dtype is tg.float64
    assert model(tg.randn(3, 2, dtype=tg.float64)).dtype is tg.float64
    assert model.float()[0].weight.dtype is tg.float32
    assert model.double()[2].bias.dtype is tg.float64
    assert model.cpu() is model and first.device == tg.device("cpu")
    with pytest.raises(TypeError, match="floating point"):
        model.to(tg.int64)


def test_to_keeps_an_optimizer_working():
    model = nn.Linear(2, 1)
    opt = tg.optim.SGD(model.parameters(), lr=0.1)
    model.to(tg.float64)
    model(tg.ones(1, 2, dtype=tg.float64)).sum().backward()
    before = model.weight.detach().numpy().copy()
    opt.step()
    np.testing.assert_allclose(model.weight.detach().numpy(), before - 0.1)


# --- repr ---------------------------------------------------------------------------------------

def test_reprs_match_torch():
    torch = torch_or_skip()

    def build(lib):
        n = lib.nn
        return n.Sequential(n.Linear(2, 3), n.ReLU(), n.Sequential(n.Linear(3, 3, bias=False), n.Tanh()),
                            n.Flatten(), n.Identity(), n.Sigmoid(), n.Linear(3, 1))

    assert repr(build(tg)) == repr(build(torch))
    for make in (lambda n: n.Linear(2, 1), lambda n: n.Flatten(), lambda n: n.Flatten(0, 2), lambda n: n.ReLU(),
                 lambda n: n.ReLU(inplace=True), lambda n: n.MSELoss(), lambda n: n.BCELoss(),
                 lambda n: n.BCEWithLogitsLoss(), lambda n: n.CrossEntropyLoss(), lambda n: n.Sequential()):
        assert repr(make(nn)) == repr(make(torch.nn))
    assert str(build(tg)).startswith("Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n")


def test_custom_module_repr_matches_torch():
    torch = torch_or_skip()

    class TorchNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.body = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh())
            self.head = torch.nn.Linear(3, 1)

    assert repr(Net()).replace("Net(", "X(") == repr(TorchNet()).replace("TorchNet(", "X(")


# --- layers -------------------------------------------------------------------------------------

def test_linear_init_bounds_and_seed():
    tg.manual_seed(0)
    layer = nn.Linear(100, 50)
    bound = 1 / math.sqrt(100)  # PyTorch's default for both weight and bias
    w, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    assert layer.weight.shape == (50, 100) and layer.bias.shape == (50,)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.98 * bound
    assert np.abs(b).max() <= bound and np.abs(b).max() > 0.8 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound  # a uniform's standard deviation
    tg.manual_seed(0)
    again = nn.Linear(100, 50)
    assert np.array_equal(again.weight.detach().numpy(), w)
    assert nn.Linear(3, 2, bias=False).bias is None
    assert nn.Linear(2, 2, dtype=tg.float64).weight.dtype is tg.float64


@pytest.mark.parametrize("shape", [(4, 3), (3,), (2, 5, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_forward_backward_match_torch(shape, bias):
    x = rng(1).standard_normal(shape).astype(np.float32)
    w = rng(2).standard_normal((2, 3)).astype(np.float32)
    b = rng(3).standard_normal(2).astype(np.float32)
    if bias:
        check_op(lambda lib, x, w, b: lib.nn.functional.linear(x, w, b), x, w, b, name=len(shape) == 2)
    else:
        check_op(lambda lib, x, w: lib.nn.functional.linear(x, w), x, w, name=len(shape) == 2)


def test_linear_module_matches_torch_with_the_same_weights():
    torch = torch_or_skip()
    ours, theirs = nn.Linear(3, 2), torch.nn.Linear(3, 2)
    copy_weights(ours, theirs)
    x = rng().standard_normal((4, 3)).astype(np.float32)
    out, tout = ours(tg.tensor(x)), theirs(torch.tensor(x))
    assert_same_tensor(out, tout)
    assert out.grad_fn.name() == type(tout.grad_fn).__name__ == "AddmmBackward0"
    out.sum().backward()
    tout.sum().backward()
    assert_same_tensor(ours.weight.grad, theirs.weight.grad)
    assert_same_tensor(ours.bias.grad, theirs.bias.grad)


@pytest.mark.parametrize("x_shape,w_shape", [((4, 3), (1, 2)), ((3,), (1, 2)), ((2, 4, 3), (5, 2))])
def test_linear_shape_errors_match_torch(x_shape, w_shape):
    torch = torch_or_skip()
    raises_like(lambda: torch.nn.functional.linear(torch.zeros(x_shape), torch.zeros(w_shape)),
                lambda: F.linear(tg.zeros(x_shape), tg.zeros(w_shape)))


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.functional.linear(lib.zeros(4, 3, dtype=lib.float64), lib.zeros(1, 3)),
    lambda lib: lib.nn.functional.linear(lib.zeros(4, 3, dtype=lib.float64), lib.zeros(1, 3), lib.zeros(1)),
    lambda lib: lib.nn.functional.linear(lib.zeros(4, 3), lib.zeros(1, 3), lib.zeros(1, dtype=lib.float64)),
    lambda lib: lib.nn.Linear(2, 1)(lib.tensor([[1, 2]])),
    lambda lib: lib.nn.Linear(2, 1)(lib.tensor(1.0)),
    lambda lib: lib.nn.functional.linear(lib.zeros(4, 3), lib.zeros(1, 3), lib.zeros(2)),
], ids=["double-float", "double-float-bias", "bias-dtype", "long-input", "0-d", "bias-size"])
def test_linear_dtype_and_bias_errors_match_torch(call):
    torch = torch_or_skip()
    raises_like(lambda: call(torch), lambda: call(tg))


@pytest.mark.parametrize("name", ["ReLU", "Sigmoid", "Tanh", "Identity", "Flatten"])
def test_activation_modules_match_torch(name):
    x = rng().standard_normal((2, 3, 2)).astype(np.float32)
    check_op(lambda lib, x: getattr(lib.nn, name)()(x), x, name=name != "Flatten", fd=name != "Identity")


def test_sequential_indexing_len_iteration():
    layers = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)]
    model = nn.Sequential(*layers)
    assert len(model) == 3 and list(model) == layers
    assert model[0] is layers[0] and model[-1] is layers[2]
    head = model[1:]
    assert isinstance(head, nn.Sequential) and list(head) == layers[1:]
    assert [n for n, _ in head.named_children()] == ["1", "2"]  # a slice keeps the names, as in PyTorch
    with pytest.raises(IndexError):
        model[3]
    model.append(nn.Sigmoid())
    assert len(model) == 4 and [n for n, _ in model.named_children()] == ["0", "1", "2", "3"]
    x = tg.randn(5, 2)
    manual = layers[2](layers[1](layers[0](x))).sigmoid()
    assert np.allclose(model(x).detach().numpy(), manual.detach().numpy())


def test_sequential_from_ordered_dict():
    from collections import OrderedDict
    model = nn.Sequential(OrderedDict(fc=nn.Linear(2, 1), act=nn.Sigmoid()))
    assert list(model.state_dict()) == ["fc.weight", "fc.bias"]
    assert model.fc is model[0]


@pytest.mark.parametrize("act", ["ReLU", "Tanh", "Sigmoid"])
def test_mlp_forward_and_gradients_match_torch(act):
    torch = torch_or_skip()
    ours, theirs = mlp(tg, act), mlp(torch, act)
    copy_weights(ours, theirs)
    x = rng().standard_normal((8, 2)).astype(np.float32)
    y = (rng(1).random((8, 1)) > 0.5).astype(np.float32)
    loss = F.binary_cross_entropy_with_logits(ours(tg.tensor(x)), tg.tensor(y))
    tloss = torch.nn.functional.binary_cross_entropy_with_logits(theirs(torch.tensor(x)), torch.tensor(y))
    assert_same_tensor(loss, tloss)
    loss.backward()
    tloss.backward()
    for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert_same_tensor(p.grad, tp.grad, rtol=1e-5, atol=1e-6, what=name)


# --- functional ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fn", ["relu", "sigmoid", "tanh"])
def test_functional_activations_match_torch(fn):
    x = rng().standard_normal((3, 4)).astype(np.float32)
    x[0, 0] = 0.3  # away from relu's kink at 0 (finite differences)
    check_op(lambda lib, x: getattr(lib.nn.functional, fn)(x), x)


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_functional_softmax_match_torch(fn, dim):
    x = rng().standard_normal((3, 4)).astype(np.float32)
    check_op(lambda lib, x: getattr(lib.nn.functional, fn)(x, dim=dim), x)


def test_softmax_without_dim_warns_like_torch():
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        out = F.softmax(tg.randn(2, 3))
    assert np.allclose(out.sum(1).numpy(), 1)


# --- losses -------------------------------------------------------------------------------------

def probs(shape, seed=0):
    return rng(seed).uniform(0.05, 0.95, shape).astype(np.float32)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_loss_matches_torch(reduction):
    x, t = rng(0).standard_normal((4, 3)).astype(np.float32), rng(1).standard_normal((4, 3)).astype(np.float32)
    check_op(lambda lib, x, t: lib.nn.functional.mse_loss(x, t, reduction=reduction), x, t)
    check_op(lambda lib, x, t: lib.nn.MSELoss(reduction=reduction)(x, t), x, Const(t))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_bce_loss_matches_torch(reduction, weighted):
    p, t = probs((4, 3)), probs((4, 3), 1)
    w = Const(rng(2).uniform(0.5, 2, (4, 3)).astype(np.float32)) if weighted else None
    check_op(lambda lib, p, t, w: lib.nn.functional.binary_cross_entropy(p, t, w, reduction=reduction), p, t, w)
    check_op(lambda lib, p, t: lib.nn.BCELoss(reduction=reduction)(p, t), p, Const((t > 0.5).astype(np.float32)),
             fd=False)  # (finite differences run in float64, and BCE wants one dtype for both)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weights", ["none", "weight", "pos_weight", "both"])
def test_bce_with_logits_matches_torch(reduction, weights):
    x, t = rng(0).standard_normal((4, 3)).astype(np.float32) * 3, probs((4, 3), 1)
    w = Const(rng(2).uniform(0.5, 2, (4, 3)).astype(np.float32)) if weights in ("weight", "both") else None
    pw = Const(rng(3).uniform(0.5, 3, (3,)).astype(np.float32)) if weights in ("pos_weight", "both") else None
    check_op(lambda lib, x, t, w, pw: lib.nn.functional.binary_cross_entropy_with_logits(
        x, t, w, reduction=reduction, pos_weight=pw), x, t, w, pw)
    check_op(lambda lib, x, t, pw: lib.nn.BCEWithLogitsLoss(reduction=reduction, pos_weight=pw)(x, t), x, t, pw)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_matches_torch(reduction, weighted):
    x = rng(0).standard_normal((5, 4)).astype(np.float32)
    target = Const(np.array([0, 3, 1, 1, 2]))
    w = Const(np.array([0.5, 1.0, 2.0, 1.5], dtype=np.float32)) if weighted else None
    fd = not weighted  # (the finite differences run in float64, and a float32 weight is refused there, as in PyTorch)
    check_op(lambda lib, x, t, w: lib.nn.functional.cross_entropy(x, t, w, reduction=reduction), x, target, w, fd=fd)
    check_op(lambda lib, x, t, w: lib.nn.CrossEntropyLoss(w, reduction=reduction)(x, t), x, target, w, fd=fd)
    check_op(lambda lib, x, t, w: lib.nn.functional.nll_loss(
        lib.nn.functional.log_softmax(x, 1), t, w, reduction=reduction), x, target, w, fd=fd)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_ignore_index_single_sample_and_spatial_match_torch(reduction):
    x = rng(0).standard_normal((5, 4)).astype(np.float32)
    check_op(lambda lib, x, t: lib.nn.functional.cross_entropy(x, t, ignore_index=1, reduction=reduction),
             x, Const(np.array([0, 1, 1, 3, 2])))
    check_op(lambda lib, x, t: lib.nn.functional.cross_entropy(x, t, reduction=reduction),
             rng(1).standard_normal(4).astype(np.float32), Const(np.array(2)), name=False)
    check_op(lambda lib, x, t: lib.nn.functional.cross_entropy(x, t, reduction=reduction),
             rng(2).standard_normal((2, 3, 2, 2)).astype(np.float32), Const(rng(3).integers(0, 3, (2, 2, 2))),
             name=False)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_with_probability_targets_matches_torch(reduction):
    x = rng(0).standard_normal((3, 4)).astype(np.float32)
    p = rng(1).random((3, 4)).astype(np.float32)
    check_op(lambda lib, x, p: lib.nn.functional.cross_entropy(x, p, reduction=reduction), x,
             Const(p / p.sum(1, keepdims=True)), name=False)


def test_grad_fn_names_match_torch():
    torch = torch_or_skip()
    x, t = rng().standard_normal((3, 2)).astype(np.float32), probs((3, 2))
    for fn in (lambda lib, x, t: lib.nn.functional.mse_loss(x, t),
               lambda lib, x, t: lib.nn.functional.binary_cross_entropy(x.sigmoid(), t),
               lambda lib, x, t: lib.nn.functional.binary_cross_entropy_with_logits(x, t),
               lambda lib, x, t: lib.nn.functional.cross_entropy(x, lib.tensor([0, 1, 1]))):
        ours = fn(tg, tg.tensor(x, requires_grad=True), tg.tensor(t))
        theirs = fn(torch, torch.tensor(x, requires_grad=True), torch.tensor(t))
        assert ours.grad_fn.name() == type(theirs.grad_fn).__name__


def test_losses_are_stable_for_huge_logits():
    torch = torch_or_skip()
    x = np.array([[-1000.0, 1000.0], [1000.0, -1000.0], [0.0, 5.0]], dtype=np.float32)
    t = np.array([[0.0, 1.0], [0.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    for fn in (lambda lib, x, t: lib.nn.functional.binary_cross_entropy_with_logits(x, t),
               lambda lib, x, t: lib.nn.functional.binary_cross_entropy_with_logits(
                   x, t, pos_weight=lib.tensor([2.0, 0.5])),
               lambda lib, x, t: lib.nn.functional.cross_entropy(x, lib.tensor([0, 1, 1])),
               lambda lib, x, t: lib.nn.functional.cross_entropy(x, lib.tensor([1, 0, 1]), reduction="none")):
        xo, xt = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        ours, theirs = fn(tg, xo, tg.tensor(t)), fn(torch, xt, torch.tensor(t))
        assert np.isfinite(ours.detach().numpy()).all()
        assert_same_tensor(ours, theirs, rtol=1e-6)
        ours.sum().backward()
        theirs.sum().backward()
        assert np.isfinite(xo.grad.numpy()).all()
        assert_same_tensor(xo.grad, xt.grad)
    # by hand: the loss of logit 1000 against 0 is 1000, against 1 is 0
    loss = F.binary_cross_entropy_with_logits(tg.tensor([1000.0, 1000.0]), tg.tensor([0.0, 1.0]), reduction="none")
    assert loss.tolist() == [1000.0, 0.0]


def test_bce_clamps_its_log_at_minus_100_like_torch():
    torch = torch_or_skip()
    p = np.array([0.0, 1.0, 0.0, 1.0, 0.5], dtype=np.float32)
    t = np.array([1.0, 0.0, 0.0, 1.0, 1.0], dtype=np.float32)
    ours = F.binary_cross_entropy(tg.tensor(p), tg.tensor(t), reduction="none")
    theirs = torch.nn.functional.binary_cross_entropy(torch.tensor(p), torch.tensor(t), reduction="none")
    assert ours.tolist()[:4] == [100.0, 100.0, 0.0, 0.0]
    assert_same_tensor(ours, theirs)
    po, pt = tg.tensor(p, requires_grad=True), torch.tensor(p, requires_grad=True)
    F.binary_cross_entropy(po, tg.tensor(t)).backward()
    torch.nn.functional.binary_cross_entropy(pt, torch.tensor(t)).backward()
    assert np.isfinite(po.grad.numpy()).all()
    assert_same_tensor(po.grad, pt.grad, rtol=1e-5)


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.functional.binary_cross_entropy(lib.rand(3, 1), lib.rand(3)),
    lambda lib: lib.nn.functional.binary_cross_entropy_with_logits(lib.rand(3, 1), lib.rand(3)),
    lambda lib: lib.nn.functional.binary_cross_entropy(lib.tensor([1.5]), lib.tensor([1.0])),
    lambda lib: lib.nn.functional.binary_cross_entropy(lib.rand(3), lib.rand(3, dtype=lib.float64)),
    lambda lib: lib.nn.functional.mse_loss(lib.rand(3), lib.rand(3), reduction="foo"),
    lambda lib: lib.nn.MSELoss(reduction="average")(lib.rand(2), lib.rand(2)),
    lambda lib: lib.nn.functional.cross_entropy(lib.rand(3, 4), lib.tensor([1, 0, 5])),
    lambda lib: lib.nn.functional.cross_entropy(lib.rand(3, 4), lib.tensor([1, 0, -1])),
    lambda lib: lib.nn.functional.cross_entropy(lib.rand(3, 4), lib.tensor([1.0, 0.0, 2.0])),
    lambda lib: lib.nn.functional.cross_entropy(lib.rand(3, 4), lib.tensor([1, 0])),
    lambda lib: lib.nn.functional.nll_loss(lib.rand(3, 4), lib.tensor([1, 0, 2], dtype=lib.int32)),
], ids=["bce-size", "bce-logits-size", "bce-range", "bce-dtype", "reduction", "module-reduction", "ce-bounds",
        "ce-negative", "ce-float-target", "ce-batch", "nll-int32"])
def test_loss_errors_match_torch(call):
    torch = torch_or_skip()
    raises_like(lambda: call(torch), lambda: call(tg))


def test_mse_size_mismatch_warns_like_torch():
    torch = torch_or_skip()
    with pytest.warns(UserWarning) as theirs:
        torch.nn.functional.mse_loss(torch.rand(3, 1), torch.rand(3))
    with pytest.warns(UserWarning) as ours:
        out = F.mse_loss(tg.rand(3, 1), tg.rand(3))
    assert str(ours[0].message) == norm(str(theirs[0].message))
    assert out.shape == ()


def test_ignored_targets_get_no_gradient():
    x = tg.randn(3, 4, requires_grad=True)
    F.cross_entropy(x, tg.tensor([2, -100, 1])).backward()
    assert not x.grad[1].numpy().any() and x.grad[0].numpy().any()


# --- init ---------------------------------------------------------------------------------------

def test_constant_initialisers():
    t = tg.empty(3, 4)
    assert nn.init.ones_(t) is t and t.numpy().tolist() == [[1.0] * 4] * 3
    assert not nn.init.zeros_(t).numpy().any()
    assert (nn.init.constant_(t, 0.25).numpy() == 0.25).all()
    p = nn.Parameter(tg.empty(2, 2))
    nn.init.constant_(p, 2.0)  # allowed on a parameter: initialisers record no graph
    assert p.requires_grad and p.grad_fn is None and (p.detach().numpy() == 2).all()


def test_uniform_and_normal_distributions():
    tg.manual_seed(0)
    u = nn.init.uniform_(tg.empty(200, 500), -2.0, 3.0).numpy()
    assert u.min() >= -2.0 and u.max() < 3.0 and u.min() < -1.99 and u.max() > 2.99
    assert abs(u.mean() - 0.5) < 0.02 and abs(u.std() - 5 / math.sqrt(12)) < 0.02
    n = nn.init.normal_(tg.empty(200, 500, dtype=tg.float64), 1.0, 0.5).numpy()
    assert n.dtype == np.float64
    assert abs(n.mean() - 1.0) < 0.01 and abs(n.std() - 0.5) < 0.01


@pytest.mark.parametrize("a,mode,nonlinearity", [(0, "fan_in", "leaky_relu"), (math.sqrt(5), "fan_in", "leaky_relu"),
                                                  (0, "fan_out", "relu"), (0, "fan_in", "tanh")])
def test_kaiming_uniform_bounds(a, mode, nonlinearity):
    t = tg.empty(300, 200)
    nn.init.kaiming_uniform_(t, a=a, mode=mode, nonlinearity=nonlinearity)
    fan = 200 if mode == "fan_in" else 300
    gain = {"leaky_relu": math.sqrt(2 / (1 + a * a)), "relu": math.sqrt(2), "tanh": 5 / 3}[nonlinearity]
    bound = gain * math.sqrt(3 / fan)
    v = t.numpy()
    assert np.abs(v).max() <= bound and np.abs(v).max() > 0.99 * bound
    assert abs(v.std() - bound / math.sqrt(3)) < 0.02 * bound


def test_kaiming_normal_and_xavier():
    t = nn.init.xavier_uniform_(tg.empty(300, 200), gain=2.0).numpy()
    bound = 2.0 * math.sqrt(6 / 500)
    assert np.abs(t).max() <= bound and np.abs(t).max() > 0.99 * bound
    k = nn.init.kaiming_normal_(tg.empty(300, 200)).numpy()
    assert abs(k.std() - math.sqrt(2 / 200)) < 0.02 * math.sqrt(2 / 200)
    x = nn.init.xavier_normal_(tg.empty(300, 200)).numpy()
    assert abs(x.std() - math.sqrt(2 / 500)) < 0.02 * math.sqrt(2 / 500)
    conv = nn.init.kaiming_uniform_(tg.empty(8, 4, 3, 3), a=1.0).numpy()  # fan_in = 4 * 3 * 3
    assert np.abs(conv).max() <= math.sqrt(3 / 36)


def test_initialisers_are_reproducible_with_a_seed_or_a_generator():
    def draw(**kwargs):
        return nn.init.kaiming_uniform_(tg.empty(4, 3), **kwargs).numpy().copy()
    tg.manual_seed(7)
    a = draw()
    tg.manual_seed(7)
    assert np.array_equal(a, draw())
    assert not np.array_equal(a, draw())
    g1, g2 = tg.Generator().manual_seed(3), tg.Generator().manual_seed(3)
    assert np.array_equal(draw(generator=g1), draw(generator=g2))


def test_calculate_gain_matches_torch():
    torch = torch_or_skip()
    for name, param in [("linear", None), ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", None),
                        ("leaky_relu", 0.2), ("selu", None), ("conv2d", None)]:
        assert nn.init.calculate_gain(name, param) == pytest.approx(torch.nn.init.calculate_gain(name, param))


def test_init_errors_match_torch():
    torch = torch_or_skip()
    raises_like(lambda: torch.nn.init.kaiming_uniform_(torch.rand(3)), lambda: nn.init.kaiming_uniform_(tg.rand(3)))
    raises_like(lambda: torch.nn.init.kaiming_uniform_(torch.rand(3, 2), mode="foo"),
                lambda: nn.init.kaiming_uniform_(tg.rand(3, 2), mode="foo"))
    raises_like(lambda: torch.nn.init.calculate_gain("foo"), lambda: nn.init.calculate_gain("foo"))
    raises_like(lambda: torch.nn.init.xavier_uniform_(torch.rand(3)), lambda: nn.init.xavier_uniform_(tg.rand(3)))
