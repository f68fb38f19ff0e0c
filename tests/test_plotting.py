"""The notebooks' plotting helpers (tinygrad_edu.plotting) and the training figures they draw."""
import subprocess
import sys

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.plotting import plot_decision_boundary, plot_losses, predict_proba

plt = pytest.importorskip("matplotlib.pyplot")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_import_does_not_load_matplotlib():
    code = "import sys, tinygrad_edu.plotting; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_predict_proba_of_a_linear_model_is_its_sigmoid():
    model = tg.nn.Linear(2, 1)
    with tg.no_grad():
        model.weight.copy_(tg.tensor([[2.0, -1.0]]))
        model.bias.fill_(0.5)
    points = np.array([[0.0, 0.0], [1.0, 1.0], [-3.0, 2.0]])
    expected = 1 / (1 + np.exp(-(points @ np.array([2.0, -1.0]) + 0.5)))
    np.testing.assert_allclose(predict_proba(model, points), expected, rtol=1e-6)


def test_predict_proba_accepts_plain_functions_and_probabilities():
    points = np.array([[0.1, 0.2], [0.3, 0.4]])
    probs = predict_proba(lambda x: x[:, 0] + x[:, 1], points, logits=False)
    np.testing.assert_allclose(probs, [0.3, 0.7], rtol=1e-6)


def test_decision_boundary_draws_shading_the_half_line_and_both_classes():
    X = tg.tensor([[-1.0, 0.0], [1.0, 0.0], [0.5, 1.0]])
    y = tg.tensor([0.0, 1.0, 1.0])
    ax = plot_decision_boundary(lambda x: x[:, 0], X, y, labels=("neg", "pos"), title="t")
    assert ax.get_title() == "t"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["neg", "pos"]
    from matplotlib.collections import PathCollection
    from matplotlib.contour import ContourSet

    scatters = [c for c in ax.collections if isinstance(c, PathCollection) and not isinstance(c, ContourSet)]
    assert sorted(len(c.get_offsets()) for c in scatters) == [1, 2]
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert [list(c.levels) for c in contours if not c.filled] == [[0.5]]
    lo, hi = ax.get_xlim()
    assert lo == pytest.approx(-1.5) and hi == pytest.approx(1.5)


def test_plot_losses_draws_each_curve_from_epoch_one():
    ax = plot_losses({"a": [3.0, 2.0, 1.0], "b": tg.tensor([1.0, 0.5]).tolist()})
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["a", "b"]
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(lines[1].get_ydata(), [1.0, 0.5])


def test_training_figures_are_written_and_small(tmp_path):
    from scripts.figures import training

    paths = training.make(tmp_path)
    assert sorted(p.name for p in paths) == ["logistic_regression_boundary.png", "loss_curve.png", "mlp_boundary.png"]
    for p in paths:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert p.stat().st_size < 200_000
