"""tinygrad_edu.optim: SGD and Adam step by step against PyTorch, param_groups, state, zero_grad, errors."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn, optim

from helpers import norm, torch_or_skip

STEPS = 6

SGD_OPTIONS = [dict(lr=0.1), dict(lr=0.05, momentum=0.9), dict(lr=0.05, momentum=0.9, dampening=0.3),
               dict(lr=0.05, momentum=0.8, nesterov=True), dict(lr=0.1, weight_decay=0.1),
               dict(lr=0.05, momentum=0.9, weight_decay=0.01, nesterov=True), dict(lr=0.1, maximize=True)]
ADAM_OPTIONS = [dict(), dict(lr=0.01), dict(lr=0.05, betas=(0.8, 0.99)), dict(lr=0.01, eps=1e-3),
                dict(lr=0.01, weight_decay=0.1), dict(lr=0.01, amsgrad=True), dict(lr=0.01, maximize=True)]


def start(seed=0):
    r = np.random.default_rng(seed)
    return [r.standard_normal((3, 4)).astype(np.float32), r.standard_normal(4).astype(np.float32)]


def grads(step, seed=1):
    r = np.random.default_rng(seed + step)
    return [r.standard_normal((3, 4)).astype(np.float32), r.standard_normal(4).astype(np.float32)]


def run_both(name, options, lr_schedule=None):
    """The same starting weights and gradients through our optimizer and PyTorch's, compared at every step."""
    torch = torch_or_skip()
    ours = [nn.Parameter(tg.tensor(a)) for a in start()]
    theirs = [torch.nn.Parameter(torch.tensor(a)) for a in start()]
    opt, topt = getattr(optim, name)(ours, **options), getattr(torch.optim, name)(theirs, **options)
    for step in range(STEPS):
        if lr_schedule:
            opt.param_groups[0]["lr"] = topt.param_groups[0]["lr"] = lr_schedule(step)
        for p, tp, g in zip(ours, theirs, grads(step)):
            p.grad, tp.grad = tg.tensor(g), torch.tensor(g)
        opt.step()
        topt.step()
        for p, tp in zip(ours, theirs):
            np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), rtol=1e-6, atol=1e-6,
                                       err_msg=f"step {step}")
    return opt, topt, ours, theirs


@pytest.mark.parametrize("options", SGD_OPTIONS, ids=str)
def test_sgd_matches_torch_step_by_step(options):
    run_both("SGD", options)


@pytest.mark.parametrize("options", ADAM_OPTIONS, ids=str)
def test_adam_matches_torch_step_by_step(options):
    run_both("Adam", options)


@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_changing_lr_between_steps_matches_torch(name):
    run_both(name, dict(lr=0.1, momentum=0.5) if name == "SGD" else dict(lr=0.1), lambda step: 0.1 / (1 + step))


def test_state_has_torchs_keys():
    opt, topt, ours, theirs = run_both("Adam", dict(lr=0.01, amsgrad=True))
    assert set(opt.state[ours[0]]) == set(topt.state[theirs[0]])
    assert opt.state[ours[0]]["step"].item() == topt.state[theirs[0]]["step"].item() == STEPS
    np.testing.assert_allclose(opt.state[ours[1]]["exp_avg"].numpy(), topt.state[theirs[1]]["exp_avg"].numpy(),
                               rtol=1e-6, atol=1e-7)
    opt, topt, ours, theirs = run_both("SGD", dict(lr=0.01, momentum=0.9))
    assert set(opt.state[ours[0]]) == set(topt.state[theirs[0]]) == {"momentum_buffer"}


def test_training_a_model_matches_torch():
    torch = torch_or_skip()
    model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
    tmodel = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
    with torch.no_grad():
        for p, tp in zip(model.parameters(), tmodel.parameters()):
            tp.copy_(torch.from_numpy(p.detach().numpy()))
    x = np.random.default_rng(0).standard_normal((16, 2)).astype(np.float32)
    y = (x[:, :1] * x[:, 1:] > 0).astype(np.float32)
    for name, options in [("SGD", dict(lr=0.1, momentum=0.9)), ("Adam", dict(lr=0.01))]:
        opt = getattr(optim, name)(model.parameters(), **options)
        topt = getattr(torch.optim, name)(tmodel.parameters(), **options)
        for _ in range(5):
            opt.zero_grad()
            topt.zero_grad()
            nn.BCEWithLogitsLoss()(model(tg.tensor(x)), tg.tensor(y)).backward()
            torch.nn.BCEWithLogitsLoss()(tmodel(torch.tensor(x)), torch.tensor(y)).backward()
            opt.step()
            topt.step()
        for p, tp in zip(model.parameters(), tmodel.parameters()):
            np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_step_updates_in_place_without_a_graph():
    p = nn.Parameter(tg.tensor([1.0, 2.0]))
    view = p.detach().numpy()  # shares memory with the parameter
    opt = optim.SGD([p], lr=0.5)
    (p * p).sum().backward()
    opt.step()
    assert view.tolist() == [0.0, 0.0]
    assert p.is_leaf and p.grad_fn is None and p.requires_grad
    assert isinstance(p, nn.Parameter)


def test_params_without_grad_are_left_alone():
    a, b = nn.Parameter(tg.ones(2)), nn.Parameter(tg.ones(2))
    opt = optim.Adam([a, b], lr=0.1)
    (a * 3).sum().backward()
    opt.step()
    assert b.tolist() == [1.0, 1.0] and a.tolist() != [1.0, 1.0]
    assert b not in opt.state


def test_zero_grad():
    p = nn.Parameter(tg.ones(2))
    opt = optim.SGD([p], lr=0.1)
    (p * 2).sum().backward()
    opt.zero_grad(set_to_none=False)
    assert p.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert p.grad is None


def test_param_groups():
    torch = torch_or_skip()
    model = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    opt = optim.SGD([{"params": model[0].parameters()}, {"params": model[1].parameters(), "lr": 0.5}],
                    lr=0.1, momentum=0.9)
    tmodel = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(3, 1))
    topt = torch.optim.SGD([{"params": tmodel[0].parameters()}, {"params": tmodel[1].parameters(), "lr": 0.5}],
                           lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [g["lr"] for g in topt.param_groups] == [0.1, 0.5]
    assert [g["momentum"] for g in opt.param_groups] == [0.9, 0.9]
    assert [len(g["params"]) for g in opt.param_groups] == [2, 2]
    assert set(opt.param_groups[0]) <= set(topt.param_groups[0])
    w = model[1].weight
    before = w.detach().numpy().copy()
    model(tg.ones(1, 2)).sum().backward()
    opt.step()
    np.testing.assert_allclose(w.detach().numpy(), before - 0.5 * w.grad.numpy(), rtol=1e-6)
    opt.add_param_group({"params": [nn.Parameter(tg.zeros(1))]})
    assert opt.param_groups[2]["lr"] == 0.1


def test_closure_returns_the_loss():
    p = nn.Parameter(tg.tensor([3.0]))
    opt = optim.SGD([p], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    assert opt.step(closure).item() == 9.0
    assert p.tolist() == pytest.approx([2.4])


def test_repr():
    opt = optim.SGD([nn.Parameter(tg.ones(1))], lr=0.1, momentum=0.9)
    assert repr(opt).splitlines()[:3] == ["SGD (", "Parameter Group 0", "    dampening: 0"]
    assert "    lr: 0.1" in repr(opt) and repr(opt).endswith("\n)")


@pytest.mark.parametrize("call", [
    lambda lib, p: lib.optim.SGD([], lr=0.1),
    lambda lib, p: lib.optim.SGD(p, lr=0.1),
    lambda lib, p: lib.optim.SGD([p], lr=-0.1),
    lambda lib, p: lib.optim.SGD([p], lr=0.1, momentum=-1),
    lambda lib, p: lib.optim.SGD([p], lr=0.1, weight_decay=-1),
    lambda lib, p: lib.optim.SGD([p], lr=0.1, nesterov=True),
    lambda lib, p: lib.optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
    lambda lib, p: lib.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1),
    lambda lib, p: lib.optim.Adam([p], lr=-1),
    lambda lib, p: lib.optim.Adam([p], betas=(1.0, 0.9)),
    lambda lib, p: lib.optim.Adam([p], betas=(0.9, -0.1)),
    lambda lib, p: lib.optim.Adam([p], eps=-1),
    lambda lib, p: lib.optim.Adam([p], weight_decay=-1),
    lambda lib, p: lib.optim.Adam([p * 2]),
], ids=["empty", "tensor", "lr", "momentum", "weight_decay", "nesterov", "nesterov-dampening", "duplicate", "adam-lr",
        "beta0", "beta1", "eps", "adam-weight_decay", "non-leaf"])
def test_errors_match_torch(call):
    torch = torch_or_skip()
    with pytest.raises(Exception) as theirs:
        call(torch, torch.ones(2, requires_grad=True))
    with pytest.raises(type(theirs.value)) as ours:
        call(tg, tg.ones(2, requires_grad=True))
    assert str(ours.value) == norm(str(theirs.value))


TORCH_ONLY_KEYS = {"foreach", "differentiable", "fused", "capturable", "decoupled_weight_decay"}


def settings(groups):
    """Each group's keys but `params` and the ones only PyTorch's implementation has."""
    return [{k: v for k, v in g.items() if k != "params" and k not in TORCH_ONLY_KEYS} for g in groups]


@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_param_groups_keep_a_learners_own_keys(name):
    torch = torch_or_skip()

    def run(lib):
        ps = [lib.nn.Parameter(lib.tensor(a)) for a in start()]
        extra = lib.nn.Parameter(lib.ones(2))
        head = {"params": [ps[0]], "lr": 0.1, "name": "head", "tags": ["a", 1]}
        opt = getattr(lib.optim, name)([head, {"params": ps[1], "note": None}], lr=0.01)
        group = {"params": [extra], "name": "late", "lr": 0.5}
        opt.add_param_group(group)
        for p, g in zip(ps + [extra], grads(0) + [np.ones(2, np.float32)]):
            p.grad = lib.tensor(g)
        opt.step()
        saved = opt.state_dict()
        fresh = [lib.nn.Parameter(p.detach().clone()) for p in ps + [extra]]
        opt2 = getattr(lib.optim, name)([{"params": [p], "lr": 3.0, "other": 1} for p in fresh], lr=5.0)
        opt2.load_state_dict(saved)
        saved["param_groups"][0]["tags"].append("changed after loading")
        for p, g in zip(fresh, grads(1) + [np.ones(2, np.float32)]):
            p.grad = lib.tensor(g)
        opt2.step()
        return (opt.param_groups[0] is head, opt.param_groups[2] is group, settings(opt.param_groups),
                settings(saved["param_groups"]), [g["params"] for g in saved["param_groups"]],
                settings(opt2.param_groups), [p.detach().numpy() for p in fresh])

    ours, theirs = run(tg), run(torch)
    assert ours[:6] == theirs[:6]
    assert ours[3][0]["name"] == "head" and ours[5][2]["name"] == "late" and "other" not in ours[5][0]
    for a, b in zip(ours[6], theirs[6]):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def test_named_parameters_give_param_names():
    torch = torch_or_skip()

    def run(lib):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.Linear(3, 1))
        opt = lib.optim.SGD(model[0].named_parameters(), lr=0.1)
        opt.add_param_group({"params": model[1].named_parameters(), "lr": 0.2})
        opt2 = lib.optim.SGD([{"params": list(model[0].parameters())}, {"params": model[1].parameters()}], lr=1.0)
        opt2.load_state_dict(opt.state_dict())
        return settings(opt.param_groups), opt.state_dict()["param_groups"], settings(opt2.param_groups)

    ours, theirs = run(tg), run(torch)
    assert ours[0] == theirs[0] and ours[2] == theirs[2]
    assert settings(ours[1]) == settings(theirs[1]) and [g["params"] for g in ours[1]] == [[0, 1], [2, 3]]


def test_repr_matches_torch_with_extra_keys():
    torch = torch_or_skip()

    def run(lib):
        a, b = lib.ones(1, requires_grad=True), lib.ones(1, requires_grad=True)
        return repr(lib.optim.Adam([{"params": [a], "name": "w"}, {"params": [b], "lr": 0.1}]))

    theirs = "\n".join(line for line in run(torch).splitlines() if line.split(":")[0].strip() not in TORCH_ONLY_KEYS)
    assert run(tg) == theirs


@pytest.mark.parametrize("call", [
    lambda lib, p, q: lib.optim.SGD([p], lr=0.1).add_param_group([q]),
    lambda lib, p, q: lib.optim.SGD([{"params": {p}}], lr=0.1),
    lambda lib, p, q: lib.optim.SGD([("w", p), q], lr=0.1),
    lambda lib, p, q: lib.optim.SGD([("w", p)], lr=0.1).add_param_group({"params": [q]}),
    lambda lib, p, q: lib.optim.SGD([p], lr=0.1).add_param_group({"params": [("w", q)]}),
], ids=["not-a-dict", "set-in-group", "names-missing", "group-without-names", "group-with-names"])
def test_param_group_errors_match_torch(call):
    torch = torch_or_skip()
    with pytest.raises(Exception) as theirs:
        call(torch, torch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True))
    with pytest.raises(type(theirs.value)) as ours:
        call(tg, tg.ones(2, requires_grad=True), tg.ones(2, requires_grad=True))
    assert str(ours.value) == norm(str(theirs.value))
