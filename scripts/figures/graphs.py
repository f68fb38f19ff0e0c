"""The computation graph of the lecture's logistic regression, drawn by `tinygrad_edu.viz.draw_graph`.

`logistic_regression_graph.png`: the forward values (notebook 03); `logistic_regression_grads.png`: the
same graph after `backward()`, values and grads, every intermediate grad kept by `retain_grad()`
(notebook 04). Needs Graphviz's `dot` program.
"""
from __future__ import annotations

from pathlib import Path

import tinygrad_edu as tg
from tinygrad_edu.viz import draw_graph


def logistic_regression() -> dict:
    """The seed's numbers: one example x1 = 1.1 with label y = 1, weight w1 = 2.2, bias b = 0.

    Every intermediate result has a name, so that the drawing can show its grad.
    """
    y, x1 = tg.tensor(1.0), tg.tensor(1.1)
    w1, b = tg.tensor(2.2, requires_grad=True), tg.tensor(0.0, requires_grad=True)
    w1x1 = w1 * x1
    z = w1x1 + b
    a = tg.sigmoid(z)
    log_a, one_minus_y = tg.log(a), 1 - y
    one_minus_a = 1 - a
    log_one_minus_a = tg.log(one_minus_a)
    y_log_a, rest = y * log_a, one_minus_y * log_one_minus_a
    total = y_log_a + rest
    loss = -total
    return dict(w1=w1, x1=x1, b=b, y=y, w1x1=w1x1, z=z, a=a, log_a=log_a, one_minus_y=one_minus_y,
                one_minus_a=one_minus_a, log_one_minus_a=log_one_minus_a, y_log_a=y_log_a, rest=rest,
                total=total, loss=loss)


def make(out: Path) -> list[Path]:
    """Write the two drawings into `out`."""
    t = logistic_regression()
    forward = draw_graph(t["loss"], dict(w1=t["w1"], x1=t["x1"], b=t["b"], y=t["y"], z=t["z"], a=t["a"],
                                         loss=t["loss"]))
    for tensor in t.values():
        if tensor.grad_fn is not None:
            tensor.retain_grad()
    t["loss"].backward()
    grads = draw_graph(t["loss"], t, show="both")
    return [forward.save(Path(out) / "logistic_regression_graph.png"),
            grads.save(Path(out) / "logistic_regression_grads.png")]
