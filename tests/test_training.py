"""End to end: nn + a loss + an optimizer + a DataLoader learn small seeded 2-D problems."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn, optim
from tinygrad_edu.utils.data import DataLoader, TensorDataset


def separable(n, seed):
    """Points in [-3, 3]^2 labelled by the side of the line x + 2y = 0.5, none closer to it than 0.3."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, (4 * n, 2))
    margin = (x[:, 0] + 2 * x[:, 1] - 0.5) / np.sqrt(5)
    keep = np.abs(margin) > 0.3
    x, margin = x[keep][:n], margin[keep][:n]
    return x.astype(np.float32), (margin > 0).astype(np.float32)[:, None]


def rings(n, seed):
    """Two noisy circles, radius 1 (label 0) and 2 (label 1): no line separates them."""
    rng = np.random.default_rng(seed)
    label = rng.integers(0, 2, n)
    angle = rng.uniform(0, 2 * np.pi, n)
    radius = 1 + label + rng.normal(0, 0.15, n)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    return x.astype(np.float32), label.astype(np.float32)[:, None]


def accuracy(model, x, y):
    with tg.no_grad():
        predicted = (model(tg.tensor(x)) > 0).numpy()
    return float((predicted == (y > 0.5)).mean())


def fit(model, x, y, optimizer, epochs, batch_size):
    loader = DataLoader(TensorDataset(tg.tensor(x), tg.tensor(y)), batch_size=batch_size, shuffle=True)
    loss_fn = nn.BCEWithLogitsLoss()
    losses = []
    for _ in range(epochs):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses


def test_logistic_regression_separates_a_line():
    tg.manual_seed(0)
    x, y = separable(400, seed=1)
    model = nn.Linear(2, 1)
    losses = fit(model, x, y, optim.SGD(model.parameters(), lr=0.5), epochs=15, batch_size=32)
    assert np.mean(losses[-10:]) < 0.5 * np.mean(losses[:10])
    x_test, y_test = separable(400, seed=2)
    assert accuracy(model, x, y) > 0.95
    assert accuracy(model, x_test, y_test) > 0.95
    w = model.weight.detach().numpy()[0]
    assert w[1] / w[0] == pytest.approx(2.0, rel=0.3)  # it found the line's direction


@pytest.mark.parametrize("activation", [nn.ReLU, nn.Tanh])
def test_mlp_separates_two_rings(activation):
    tg.manual_seed(0)
    x, y = rings(400, seed=3)
    model = nn.Sequential(nn.Linear(2, 16), activation(), nn.Linear(16, 1))
    line = nn.Linear(2, 1)
    fit(model, x, y, optim.Adam(model.parameters(), lr=0.03), epochs=40, batch_size=40)
    fit(line, x, y, optim.Adam(line.parameters(), lr=0.03), epochs=10, batch_size=40)
    x_test, y_test = rings(400, seed=4)
    assert accuracy(model, x_test, y_test) > 0.9
    assert accuracy(line, x_test, y_test) < 0.75  # the problem really needs the hidden layer


def test_training_loop_matches_torch():
    torch = pytest.importorskip("torch")
    x, y = separable(64, seed=5)
    ours = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in ours.state_dict().items()})
    opt, topt = optim.SGD(ours.parameters(), lr=0.1, momentum=0.9), torch.optim.SGD(theirs.parameters(), lr=0.1,
                                                                                        momentum=0.9)
    loader = DataLoader(TensorDataset(tg.tensor(x), tg.tensor(y)), batch_size=16)
    tloader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.tensor(x), torch.tensor(y)),
                                          batch_size=16)
    for _ in range(3):
        for (xb, yb), (txb, tyb) in zip(loader, tloader):
            opt.zero_grad()
            topt.zero_grad()
            loss = nn.BCEWithLogitsLoss()(ours(xb), yb)
            tloss = torch.nn.BCEWithLogitsLoss()(theirs(txb), tyb)
            assert loss.item() == pytest.approx(tloss.item(), rel=1e-5, abs=1e-6)
            loss.backward()
            tloss.backward()
            opt.step()
            topt.step()
    for key, value in ours.state_dict().items():
        np.testing.assert_allclose(value.numpy(), theirs.state_dict()[key].numpy(), rtol=1e-5, atol=1e-6)


# --- the same training on a GPU -----------------------------------------------------------------

@pytest.fixture(params=[pytest.param("cuda", marks=pytest.mark.gpu), "fake-cuda"])
def gpu(request, monkeypatch):
    """A GPU: a real one (skipped where there is none) or tests/test_devices.py's stand-in for CuPy."""
    if request.param == "cuda":
        if not tg.cuda.is_available():
            pytest.skip("no usable CUDA GPU here")
    else:
        from test_devices import use_fake_cupy
        use_fake_cupy(monkeypatch)
    yield "cuda"
    from tinygrad_edu import backend
    backend._reset()


def train_steps(device, steps=4):
    """A few steps of every loss and both optimizers on `device`; the final weights and losses, on the CPU."""
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 3))
    first = model[0].weight
    model.to(device)
    assert model[0].weight is first and model[0].weight.device.type == device
    x, y = rings(24, seed=6)
    classes = tg.tensor((x[:, 0] > 0).astype(np.int64) + (x[:, 1] > 0), device=device)
    xt, yt = tg.tensor(x, device=device), tg.tensor(y, device=device)
    sgd = optim.SGD(model[0].parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)
    adam = optim.Adam(model[2].parameters(), lr=0.01, amsgrad=True)
    weight = tg.tensor([1.0, 2.0, 0.5], device=device)
    losses = []
    loader = DataLoader(TensorDataset(xt, yt, classes), batch_size=8, shuffle=True, generator=tg.Generator())
    for _ in range(steps):
        for xb, yb, cb in loader:
            assert xb.device.type == device
            sgd.zero_grad()
            adam.zero_grad()
            out = model(xb)
            loss = (nn.CrossEntropyLoss(weight, ignore_index=2)(out, cb)
                    + nn.BCEWithLogitsLoss(pos_weight=weight[:1])(out[:, :1], yb)
                    + nn.BCELoss()(out[:, 1:2].sigmoid(), yb) + nn.MSELoss()(out[:, 2:], yb))
            loss.backward()
            sgd.step()
            adam.step()
            losses.append(loss.item())
    return {k: v.cpu().numpy() for k, v in model.state_dict().items()}, losses


def test_training_on_a_gpu_gives_the_cpu_numbers(gpu, tmp_path):
    weights, losses = train_steps(gpu)
    cpu_weights, cpu_losses = train_steps("cpu")
    np.testing.assert_allclose(losses, cpu_losses, rtol=1e-5)
    for key in weights:
        np.testing.assert_allclose(weights[key], cpu_weights[key], rtol=1e-5, atol=1e-6)
    layer = nn.Linear(3, 2, device=gpu)
    assert layer.weight.is_cuda and layer.bias.is_cuda
    tg.save(layer.state_dict(), tmp_path / "gpu.pth")
    assert tg.load(tmp_path / "gpu.pth")["weight"].device == tg.device("cpu")
    assert tg.load(tmp_path / "gpu.pth", map_location=gpu)["bias"].is_cuda
    back = nn.Linear(3, 2).cuda()
    back.load_state_dict(tg.load(tmp_path / "gpu.pth"))
    assert np.array_equal(back.weight.cpu().detach().numpy(), layer.weight.cpu().detach().numpy())
    assert back.cpu().weight.device == tg.device("cpu")
