"""Drawing a computation graph with Graphviz: `draw_graph(loss, params=dict(w=w, b=b))`.

A tensor is a record (its name, shape, dtype and device, and its value or grad); an op is a small
ellipse between its inputs and its output. Colours tell leaf parameters, constant inputs,
intermediate results and the output apart, and a legend says which is which. The `graphviz` package
is imported only when a graph is drawn; the `dot` program is needed only to show or save it.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable, Mapping

from .autograd import Node
from .backend import to_numpy
from .printing import array_str
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
    "parameter": "parameter (leaf, requires grad)",
    "input": "input (requires no grad)",
    "intermediate": "intermediate result",
    "output": "output",
    "op": "op (grad_fn)",
}

_graph_class = None


def draw_graph(tensor: Tensor, params: Mapping[str, Tensor] | Iterable[tuple[str, Tensor]] | None = None,
               show: str = "data", max_elements: int = 12, legend: bool = True) -> Any:
    """The graph of ops that produced `tensor`, as a `graphviz.Digraph` (shown as a picture in Jupyter).

    `params` names tensors (`dict(w1=w1, b=b)`, or `model.named_parameters()`); `show` puts each
    tensor's value (`"data"`), its `.grad` (`"grad"`) or both (`"both"`) in its box. Tensors with more
    than `max_elements` numbers show a summary (mean, min and max) instead of every number.
    """
    if show not in ("data", "grad", "both"):
        raise ValueError(f"show must be 'data', 'grad' or 'both', got {show!r}")
    names = {id(t): name for name, t in (params.items() if isinstance(params, Mapping) else params or ())}
    order = _forward_order(tensor)
    ids: dict[int, str] = {}
    counts = {"tensor": 0, "op": 0}
    graph = _graph_type()(name="computation_graph", graph_attr=dict(rankdir="LR"),
                          node_attr=dict(fontname="Helvetica", fontsize="11"))
    used = []
    for item in order:
        if isinstance(item, Node):
            ids[id(item)] = f"op{counts['op']}"
            counts["op"] += 1
            label = _op_label(item)
            graph.node(ids[id(item)], label, tooltip=item.name(), shape="ellipse", style="filled",
                       fillcolor=COLORS["op"], fontsize="10", height="0.3", margin="0.05,0.02")
            for t in item.all_inputs:
                graph.edge(ids[id(t)], ids[id(item)])
            kind = "op"
        else:
            ids[id(item)] = f"t{counts['tensor']}"
            counts["tensor"] += 1
            kind = _kind(item, item is tensor)
            label = _record(item, names.get(id(item)), show, max_elements)
            graph.node(ids[id(item)], label, shape="record", style="filled", fillcolor=COLORS[kind])
            if item.grad_fn is not None:
                graph.edge(ids[id(item.grad_fn)], ids[id(item)])
        if kind not in used:
            used.append(kind)
    if legend:
        rows = "".join(f'<tr><td bgcolor="{COLORS[k]}">{LEGEND[k]}</td></tr>' for k in COLORS if k in used)
        graph.node("legend", f'<<table border="0" cellborder="1" cellspacing="0" cellpadding="4">'
                             f'<tr><td><b>legend</b></td></tr>{rows}</table>>', shape="plaintext", fontsize="10")
    graph.counts = dict(tensors=counts["tensor"], ops=counts["op"])
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


def _op_label(node: Node) -> str:
    """`Mul` for a `MulBackward0`; numbers the op was given go on a second line (`Rsub` of `1 - a`: 1)."""
    label = re.sub(r"Backward\d*$", "", node.name())
    numbers = [f"{a:g}" for a in node.args if type(a) in (int, float)]
    return label if not numbers else label + "\\n" + ", ".join(numbers)


def _record(t: Tensor, name: str | None, show: str, max_elements: int) -> str:
    """A record label, `name | shape dtype device | data ... | grad ...`: rows, in a left-to-right graph."""
    fields = [] if name is None else [_escape(name)]
    fields.append(_escape(f"{tuple(t.shape)} {t.dtype.name} {t.device}"))
    if show in ("data", "both"):
        fields.append("data " + _values(t, max_elements))
    if show in ("grad", "both") and t.requires_grad:  # a tensor that requires no grad never gets one
        fields.append("grad " + ("None" if t.grad is None else _values(t.grad, max_elements)))
    return " | ".join(fields)


def _values(t: Tensor, max_elements: int) -> str:
    """The numbers of `t` as its repr prints them, or a summary for a big tensor."""
    a = to_numpy(t._data)
    if a.size <= max_elements:
        text = array_str(a, 0)
        if a.ndim == 1 and a.size > 4:  # four numbers a line keeps the box narrow
            items = text[1:-1].split(", ")
            text = "[" + ",\n ".join(", ".join(items[i:i + 4]) for i in range(0, len(items), 4)) + "]"
    else:
        f = a.astype("float64") + 0.0  # + 0.0 turns -0.0 into 0.0
        text = f"mean {f.mean():.4f}\nmin {f.min():.4f}, max {f.max():.4f}"
    lines = _escape(text).split("\n")
    return lines[0] if len(lines) == 1 else "\\l".join(lines) + "\\l"


def _escape(text: str) -> str:
    """`text` with the characters a record label gives a meaning to escaped."""
    return re.sub(r"([\\{}|<>\"])", r"\\\1", text)


def _graph_type() -> type:
    """`graphviz.Digraph`, plus a display that explains a missing `dot` and a repr without an address."""
    global _graph_class
    if _graph_class is None:
        import graphviz

        class ComputationGraph(graphviz.Digraph):
            """A `graphviz.Digraph` of a computation graph; `.source` is its DOT text."""

            counts = {"tensors": 0, "ops": 0}

            def __repr__(self) -> str:
                return f"<ComputationGraph: {self.counts['tensors']} tensors, {self.counts['ops']} ops>"

            def _repr_mimebundle_(self, include=None, exclude=None, **kwargs) -> dict:
                try:
                    bundle = super()._repr_mimebundle_(include, exclude, **kwargs)
                except graphviz.ExecutableNotFound:
                    return {"text/plain": INSTALL_HINT}
                return {**bundle, "text/plain": repr(self)}

            def save(self, path: str | Path, dpi: int = 110) -> Path:
                """Write the drawing to `path`; its suffix says the format (`.png`, `.svg`, `.pdf`)."""
                path = Path(path)
                graph = self.copy()
                if path.suffix == ".png":
                    graph.attr(dpi=str(dpi))
                path.write_bytes(graph.pipe(format=path.suffix.lstrip(".")))
                return path

        _graph_class = ComputationGraph
    return _graph_class


def save_graph(graph: Any, path: str | Path, dpi: int = 110) -> Path:
    """Write a graph from `draw_graph` to `path` (`.png`, `.svg` or `.pdf`, from its suffix)."""
    return graph.save(path, dpi=dpi)
