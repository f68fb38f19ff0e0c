"""Drawing a computation graph with Graphviz: `draw_graph(loss, params=dict(w=w, b=b))`.

A tensor is a box: its name, shape, dtype and device on the first line, its value or grad below. An op
is a small ellipse between its inputs and its output. The graph reads from top to bottom, is scaled
down to fit a notebook column, and a one-line legend above it says what each colour means. The
`graphviz` package is imported only when a graph is drawn; the `dot` program only to show or save it.
"""
from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np

from .autograd import Node
from .backend import to_numpy
from .tensor import Tensor

INSTALL_HINT = ("Graphviz's `dot` program was not found, so the graph cannot be shown (its DOT text is in "
                "`.source`). Install it with `sudo apt-get install graphviz`, `brew install graphviz` or "
                "`conda install -c conda-forge graphviz`, then restart the kernel.")

# What each colour means, in the order the legend lists them.
COLORS = {
    "parameter": "#a6d4f5",     # a leaf that requires grad: what training changes
    "input": "#e3e3e3",         # a tensor that requires no grad: data, targets, constants
    "intermediate": "#ffffff",  # made by an op on the way to the output
    "output": "#b9e4ad",        # the tensor the graph was drawn from
    "op": "#fbe3a0",            # an operation (a node of the graph: the tensor's grad_fn)
}
LEGEND = {
    "parameter": "parameter (requires grad)",
    "input": "input (no grad)",
    "intermediate": "intermediate",
    "output": "output",
    "op": "op (grad_fn)",
}
MAX_WIDTH = 7.5  # inches: 720 px in a browser, narrower than JupyterLab's notebook column at 1280 px
DPI = 96         # a browser's pixels per inch: the PNG shows at the size of the SVG

_graph_class = None


def draw_graph(tensor: Tensor, params: Mapping[str, Tensor] | Iterable[tuple[str, Tensor]] | None = None,
               show: str = "data", max_elements: int = 12, legend: bool = True) -> Any:
    """The graph of ops that produced `tensor`, as a `graphviz.Digraph` (shown as a picture in Jupyter).

    `params` names tensors (`dict(w1=w1, b=b)`, or `model.named_parameters()`); `show` puts each
    tensor's value (`"data"`), its `.grad` (`"grad"`) or both (`"both"`) in its box. A tensor has a
    grad to show once `backward()` has run: a leaf that requires grad, or any tensor after its
    `retain_grad()`; other intermediate results say "grad not kept". After `backward()` the engine frees
    the intermediate results nothing else holds: their ops are then joined directly. Tensors with more
    than `max_elements` numbers show their mean, min and max instead of every number.
    """
    if show not in ("data", "grad", "both"):
        raise ValueError(f"show must be 'data', 'grad' or 'both', got {show!r}")
    names = {id(t): name for name, t in (params.items() if isinstance(params, Mapping) else params or ())}
    graph = _graph_type()(name="computation_graph", node_attr=dict(fontname="Helvetica", fontsize="11"),
                          graph_attr=dict(rankdir="TB", ranksep="0.2", nodesep="0.25",
                                          size=f"{MAX_WIDTH},1000", fontname="Helvetica"))
    ids: dict[int, str] = {}
    used = []
    for item in _forward_order(tensor):
        if isinstance(item, Node):
            ids[id(item)] = f"op{graph.counts['ops']}"
            graph.counts["ops"] += 1
            graph.node(ids[id(item)], _op_label(item), tooltip=item.name(), shape="ellipse", style="filled",
                       fillcolor=COLORS["op"], fontsize="10", width="0", height="0", margin="0.06,0.02")
            for t in item.all_inputs:
                graph.edge(ids[id(t)], ids[id(item)])
            kind = "op"
        else:
            ids[id(item)] = f"t{graph.counts['tensors']}"
            graph.counts["tensors"] += 1
            kind = _kind(item, item is tensor)
            graph.node(ids[id(item)], _record(item, names.get(id(item)), show, max_elements), shape="record",
                       style="filled", fillcolor=COLORS[kind], height="0")
            if item.grad_fn is not None:
                graph.edge(ids[id(item.grad_fn)], ids[id(item)])
        if kind not in used:
            used.append(kind)
    if legend:
        cells = "".join(f'<td bgcolor="{COLORS[k]}">{LEGEND[k]}</td>' for k in COLORS if k in used)
        graph.attr(labelloc="t", fontsize="9", label=f'<<table border="0" cellborder="1" cellspacing="0" '
                                                    f'cellpadding="2"><tr>{cells}</tr></table>>')
    return graph


def _forward_order(root: Tensor) -> list:
    """Every tensor and op that `root` was computed from, each after everything it uses (no recursion).

    An op's inputs are visited in argument order, so the same graph always comes out in the same order.
    """
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        item, expanded = stack.pop()
        if expanded:
            order.append(item)
            continue
        if id(item) in seen:
            continue
        seen.add(id(item))
        stack.append((item, True))
        if isinstance(item, Node):
            uses = item.all_inputs
        else:
            uses = () if item.grad_fn is None else (item.grad_fn,)
        stack.extend((u, False) for u in reversed(uses) if id(u) not in seen)
    return order


def _kind(t: Tensor, is_output: bool) -> str:
    if is_output:
        return "output"
    if t.grad_fn is not None:
        return "intermediate"
    return "parameter" if t.requires_grad else "input"


_NUMBER_PARAMS = ("a", "b", "base", "exponent")  # a number operand kept as op state: `1 - x` (a=1), `x ** 2`


def _op_label(node: Node) -> str:
    """`Mul` for a `MulBackward0`; numbers the op was given go on a second line (`Rsub` of `1 - a`: 1)."""
    label = re.sub(r"Backward\d*$", "", node.name())
    given = list(node.args) + [v for k, v in (node.params or {}).items() if k in _NUMBER_PARAMS]
    numbers = [_number(a) for a in given if type(a) in (int, float)]
    return label if not numbers else label + "\\n" + ", ".join(numbers)


def _record(t: Tensor, name: str | None, show: str, max_elements: int) -> str:
    """`{name: shape dtype device | {data ... | grad ...}}`: a title row, and the numbers side by side below."""
    title = f"{tuple(t.shape)} {t.dtype.name} {t.device}"
    numbers = []
    if show in ("data", "both"):
        numbers.append("data " + _values(t, max_elements))
    if show in ("grad", "both") and t.requires_grad:  # a tensor that requires no grad never gets one
        if t.grad is not None:
            numbers.append("grad " + _values(t.grad, max_elements))
        else:  # PyTorch keeps the grad of an intermediate result only after its retain_grad()
            numbers.append("grad None" if t.grad_fn is None or t.retains_grad else "grad not kept")
    rows = [_escape(title if name is None else f"{name}: {title}")]
    if numbers:
        rows.append("{" + " | ".join(numbers) + "}")
    return "{" + " | ".join(rows) + "}"


def _values(t: Tensor, max_elements: int) -> str:
    """The numbers of `t`, short, or their mean, min and max for a big tensor."""
    a = to_numpy(t._data)
    if a.size > max_elements:
        f = a.astype("float64")
        text = f"mean {_number(f.mean())}, min {_number(f.min())}, max {_number(f.max())}"
    else:
        text = np.array2string(a, separator=", ", max_line_width=36,
                               formatter={"float_kind": _number, "int_kind": str, "bool": str})
    lines = _escape(text).split("\n")
    return lines[0] if len(lines) == 1 else "\\l".join(lines) + "\\l"


def _number(v: float) -> str:
    """At most four significant digits, and 0 for -0 (a product of 0 and a negative number)."""
    return f"{float(v) + 0.0:.4g}"


def _escape(text: str) -> str:
    """`text` with the characters a record label gives a meaning to escaped."""
    return re.sub(r"([\\{}|<>\"])", r"\\\1", text)


def _graph_type() -> type:
    """`graphviz.Digraph`, shown as SVG and PNG, with a repr without an address and a hint for a missing `dot`."""
    global _graph_class
    if _graph_class is None:
        import graphviz

        class ComputationGraph(graphviz.Digraph):
            """A `graphviz.Digraph` of a computation graph; `.source` is its DOT text."""

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                self.counts = {"tensors": 0, "ops": 0}

            def __repr__(self) -> str:
                return f"<ComputationGraph: {self.counts['tensors']} tensors, {self.counts['ops']} ops>"

            def _repr_mimebundle_(self, include=None, exclude=None, **kwargs) -> dict:
                # The PNG is for where SVG is not shown: an untrusted notebook in JupyterLab, some viewers.
                try:
                    svg = self.pipe(format="svg", encoding="utf-8")
                    png = self._png(DPI)
                except graphviz.ExecutableNotFound:
                    return {"text/plain": INSTALL_HINT}
                return {"image/svg+xml": svg, "image/png": base64.b64encode(png).decode("ascii"),
                        "text/plain": repr(self)}

            def _png(self, dpi: int) -> bytes:
                graph = self.copy()
                graph.attr(dpi=str(dpi))
                return graph.pipe(format="png")

            def save(self, path: str | Path, dpi: int = DPI) -> Path:
                """Write the drawing to `path`; its suffix says the format (`.png`, `.svg`, `.pdf`)."""
                path = Path(path)
                data = self._png(dpi) if path.suffix == ".png" else self.pipe(format=path.suffix.lstrip("."))
                path.write_bytes(data)
                return path

        _graph_class = ComputationGraph
    return _graph_class


def save_graph(graph: Any, path: str | Path, dpi: int = DPI) -> Path:
    """Write a graph from `draw_graph` to `path` (`.png`, `.svg` or `.pdf`, from its suffix)."""
    return graph.save(path, dpi=dpi)
