"""The computation graph of the lecture's logistic regression, drawn by `tinygrad_edu.viz.draw_graph`.

`figures/logistic_regression_graph.{png,svg}`: the forward values (notebook 03);
`figures/logistic_regression_grads.{png,svg}`: the same graph after `backward()`, values and grads
(notebook 04). Needs Graphviz's `dot` program.
"""
from __future__ import annotations

from pathlib import Path

import tinygrad_edu as tg
from tinygrad_edu.viz import draw_graph


def logistic_regression() -> dict:
    """The seed's numbers: one example x1 = 1.1 with label y = 1, weight w1 = 2.2, bias b = 0."""
    y, x1 = tg.tensor(1.0), tg.tensor(1.1)
    w1, b = tg.tensor(2.2, requires_grad=True), tg.tensor(0.0, requires_grad=True)
    z = w1 * x1 + b
    a = tg.sigmoid(z)
    loss = -(y * tg.log(a) + (1 - y) * tg.log(1 - a))
    return dict(w1=w1, x1=x1, b=b, y=y, z=z, a=a, loss=loss)


def make(out: Path) -> list[Path]:
    t = logistic_regression()
    forward = draw_graph(t["loss"], t)
    for name in ("z", "a", "loss"):
        t[name].retain_grad()
    t["loss"].backward()
    grads = draw_graph(t["loss"], t, show="both")
    paths = []
    for stem, graph in (("logistic_regression_graph", forward), ("logistic_regression_grads", grads)):
        for suffix in (".png", ".svg"):
            paths.append(graph.save(out / f"{stem}{suffix}", dpi=96))
    return paths
