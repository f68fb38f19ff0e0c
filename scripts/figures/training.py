"""Training pictures (notebooks 05 and 06): figures/logistic_regression_boundary.png (logistic regression
on two Iris species), figures/loss_curve.png (its training loss, full batch against minibatches) and
figures/mlp_boundary.png (a line against a small MLP on two rings)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

import tinygrad_edu as tg
from tinygrad_edu.plotting import plot_decision_boundary, plot_losses
from tinygrad_edu.utils.data import DataLoader, TensorDataset

IRIS = Path(__file__).resolve().parents[2] / "data" / "iris.csv"
DPI = 90


def iris_petals() -> tuple[tg.Tensor, tg.Tensor]:
    """Petal length and width of versicolor (0) and virginica (1), standardised: X (100, 2), y (100,)."""
    petals = np.genfromtxt(IRIS, delimiter=",", skip_header=1, usecols=(2, 3), dtype=np.float32)
    species = np.genfromtxt(IRIS, delimiter=",", skip_header=1, usecols=4, dtype=str)
    keep = species != "setosa"
    X, y = petals[keep], (species[keep] == "virginica").astype(np.float32)
    return tg.tensor((X - X.mean(0)) / X.std(0)), tg.tensor(y)


def make_rings(n: int = 300, noise: float = 0.1, seed: int = 0) -> tuple[tg.Tensor, tg.Tensor]:
    """n points: label 1 on a ring of radius 0.5, label 0 on one of radius 1 (as in notebook 06)."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    radius = np.where(y == 1, 0.5, 1.0) + noise * rng.standard_normal(n)
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    return tg.tensor(X.astype(np.float32)), tg.tensor(y.astype(np.float32))


def fit(model: tg.nn.Module, X: tg.Tensor, y: tg.Tensor, epochs: int, optimizer: tg.optim.Optimizer,
        batch_size: int) -> list[float]:
    """Minibatch training with BCEWithLogitsLoss; returns each epoch's mean loss."""
    loader = DataLoader(TensorDataset(X, y.unsqueeze(1)), batch_size=batch_size, shuffle=True,
                        generator=tg.Generator().manual_seed(0))
    loss_fn = tg.nn.BCEWithLogitsLoss()
    losses = []
    for _ in range(epochs):
        total = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        losses.append(total / len(X))
    return losses


def full_batch_losses(X: tg.Tensor, y: tg.Tensor, epochs: int, lr: float) -> list[float]:
    """Full-batch gradient descent on logistic regression from zero weights; the loss at each epoch."""
    w = tg.zeros(X.shape[1], requires_grad=True)
    b = tg.zeros((), requires_grad=True)
    loss_fn = tg.nn.BCEWithLogitsLoss()
    losses = []
    for _ in range(epochs):
        loss = loss_fn(X @ w + b, y)
        loss.backward()
        with tg.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad, b.grad = None, None
        losses.append(loss.item())
    return losses


def accuracy(model: tg.nn.Module, X: tg.Tensor, y: tg.Tensor) -> float:
    with tg.no_grad():
        return ((model(X).squeeze(1) > 0).float() == y).float().mean().item()


def make(out: Path) -> list[Path]:
    """Write the three training figures into `out`."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out)
    paths = []

    X, y = iris_petals()
    tg.manual_seed(0)
    model = tg.nn.Linear(2, 1)
    minibatch = fit(model, X, y, 30, tg.optim.SGD(model.parameters(), lr=0.5), batch_size=10)
    full = full_batch_losses(X, y, 60, lr=0.5)

    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    plot_decision_boundary(model, X, y, ax=ax, labels=("versicolor", "virginica"), colorbar=True,
                           title=f"logistic regression on Iris petals (accuracy {accuracy(model, X, y):.2f})")
    ax.set_xlabel("petal length (standardised)")
    ax.set_ylabel("petal width (standardised)")
    fig.tight_layout()
    paths.append(out / "logistic_regression_boundary.png")
    fig.savefig(paths[-1], dpi=DPI)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    plot_losses({"full batch (one step per epoch)": full, "minibatches of 10 (10 steps per epoch)": minibatch},
                ax=ax, ylabel="mean binary cross-entropy", title="training loss, logistic regression on Iris")
    fig.tight_layout()
    paths.append(out / "loss_curve.png")
    fig.savefig(paths[-1], dpi=DPI)
    plt.close(fig)

    X, y = make_rings()
    tg.manual_seed(0)
    line = tg.nn.Linear(2, 1)
    fit(line, X, y, 30, tg.optim.Adam(line.parameters(), lr=0.02), batch_size=30)
    mlp = tg.nn.Sequential(tg.nn.Linear(2, 16), tg.nn.Tanh(), tg.nn.Linear(16, 16), tg.nn.Tanh(),
                           tg.nn.Linear(16, 1))
    fit(mlp, X, y, 40, tg.optim.Adam(mlp.parameters(), lr=0.02), batch_size=30)

    fig, axes = plt.subplots(1, 2, figsize=(9, 4.2))
    for ax, m, name in [(axes[0], line, "logistic regression"), (axes[1], mlp, "MLP 2-16-16-1 (Tanh)")]:
        plot_decision_boundary(m, X, y, ax=ax, labels=("outer ring", "inner ring"),
                               title=f"{name}: accuracy {accuracy(m, X, y):.2f}")
        ax.set_aspect("equal")
    fig.tight_layout()
    paths.append(out / "mlp_boundary.png")
    fig.savefig(paths[-1], dpi=DPI)
    plt.close(fig)
    return paths
