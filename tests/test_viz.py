"""The graph drawing, checked through its DOT source (the SVG depends on the version of `dot`)."""
from __future__ import annotations

import base64
import math
import re
import struct
import shutil
import subprocess
import sys
import weakref

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.viz import COLORS, INSTALL_HINT, MAX_WIDTH, draw_graph

pytest.importorskip("graphviz")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot program is not installed")


def parse(source: str) -> tuple[dict, list]:
    """The DOT text as {node id: attributes text} and a list of (tail, head) edges."""
    nodes, edges = {}, []
    for line in source.splitlines():
        line = line.strip()
        edge = re.fullmatch(r"(\w+) -> (\w+)", line)
        if edge:
            edges.append(edge.groups())
            continue
        node = re.fullmatch(r"(\w+) \[(.*)\]", line)
        if node and node.group(1) not in ("graph", "node", "edge"):
            nodes[node.group(1)] = node.group(2)
    return nodes, edges


def label(attrs: str) -> str:
    """A node's label, without its quotes."""
    m = re.search(r'label="((?:[^"\\]|\\.)*)"|label=(\w+)', attrs)
    return m.group(1) if m.group(1) is not None else m.group(2)


def find(nodes: dict, text: str) -> str:
    """The id of the one node whose label contains `text`."""
    found = [n for n, attrs in nodes.items() if n != "legend" and text in label(attrs)]
    assert len(found) == 1, (text, found)
    return found[0]


def seed_example():
    """The lecture's logistic regression: a = sigmoid(w1 * x1 + b), and its cross-entropy loss."""
    y, x1 = tg.tensor(1.0), tg.tensor(1.1)
    w1, b = tg.tensor(2.2, requires_grad=True), tg.tensor(0.0, requires_grad=True)
    z = x1 * w1 + b
    a = tg.sigmoid(z)
    loss = -(y * tg.log(a) + (1 - y) * tg.log(1 - a))
    return dict(y=y, x1=x1, w1=w1, b=b, z=z, a=a, loss=loss)


def forward_graph():
    """The model alone: a = sigmoid(w1 * x1 + b)."""
    x1 = tg.tensor(1.1)
    w1, b = tg.tensor(2.2, requires_grad=True), tg.tensor(0.0, requires_grad=True)
    a = tg.sigmoid(w1 * x1 + b)
    return a, dict(w1=w1, b=b, x1=x1)


def test_tensors_and_ops_are_nodes_joined_in_the_order_of_the_computation():
    a, params = forward_graph()
    nodes, edges = parse(draw_graph(a, params).source)
    w1, x1, b = find(nodes, "w1"), find(nodes, "x1"), find(nodes, "{b:")
    mul, add, sig = find(nodes, "Mul"), find(nodes, "Add"), find(nodes, "Sigmoid")
    assert len([n for n in nodes if n.startswith("t")]) == 6  # w1, x1, w1*x1, b, z, a
    assert len([n for n in nodes if n.startswith("op")]) == 3
    product = next(h for t, h in edges if t == mul)
    z = next(h for t, h in edges if t == add)
    out = next(h for t, h in edges if t == sig)
    assert sorted(edges) == sorted([(w1, mul), (x1, mul), (mul, product), (product, add), (b, add), (add, z),
                                    (z, sig), (sig, out)])
    assert "shape=record" in nodes[w1] and "shape=ellipse" in nodes[mul]
    assert "tooltip=MulBackward0" in nodes[mul] and "tooltip=SigmoidBackward0" in nodes[sig]


def test_records_show_name_and_shape_on_a_line_and_the_value_below():
    a, params = forward_graph()
    nodes, _ = parse(draw_graph(a, params).source)
    assert label(nodes[find(nodes, "w1")]) == "{w1: () float32 cpu | {data 2.2}}"
    assert label(nodes[find(nodes, "x1")]) == "{x1: () float32 cpu | {data 1.1}}"
    expected = 1 / (1 + math.exp(-(2.2 * 1.1)))
    assert label(nodes[find(nodes, f"{expected:.4g}")]) == f"{{() float32 cpu | {{data {expected:.4g}}}}}"
    x = tg.tensor([[1.0, -2.0], [0.5, 4.0]], dtype=tg.float64)
    w = tg.tensor([0.25, 3.0], dtype=tg.float64, requires_grad=True)
    nodes, _ = parse(draw_graph(x @ w, dict(x=x, w=w)).source)
    assert label(nodes[find(nodes, "{x:")]) == r"{x: (2, 2) float64 cpu | {data [[1, -2],\l [0.5, 4]]\l}}"
    assert label(nodes[find(nodes, "{w:")]) == "{w: (2,) float64 cpu | {data [0.25, 3]}}"
    assert "Mv" in label(nodes["op0"])
    i = tg.tensor([3, -40000], dtype=tg.int64)
    b = tg.tensor([True, False])
    nodes, _ = parse(draw_graph(i, dict(i=i)).source)
    assert label(nodes["t0"]) == "{i: (2,) int64 cpu | {data [3, -40000]}}"  # integers in full
    nodes, _ = parse(draw_graph(b, dict(b=b)).source)
    assert label(nodes["t0"]) == "{b: (2,) bool cpu | {data [True, False]}}"


def test_numbers_are_short_and_minus_zero_is_zero():
    g = seed_example()  # y = 1: (1 - y) * log(1 - a) is 0 times a negative number, -0.0
    product = g["loss"].grad_fn.all_inputs[0].grad_fn.all_inputs[1]
    assert math.copysign(1.0, product.item()) == -1.0
    nodes, _ = parse(draw_graph(g["loss"], dict(g, product=product)).source)
    assert label(nodes[find(nodes, "product")]) == "{product: () float32 cpu | {data 0}}"
    w = tg.tensor([1 / 3, -1234567.0, 1e-9], dtype=tg.float64)
    nodes, _ = parse(draw_graph(w, dict(w=w)).source)
    expected = ", ".join(f"{v:.4g}" for v in (1 / 3, -1234567.0, 1e-9))
    assert label(nodes["t0"]) == f"{{w: (3,) float64 cpu | {{data [{expected}]}}}}"


def test_grads_are_shown_after_backward():
    g = seed_example()
    g["z"].retain_grad()
    g["loss"].backward()
    a = 1 / (1 + math.exp(-2.42))
    dz = a - 1.0  # d/dz of -log(sigmoid(z)) when y = 1
    nodes, _ = parse(draw_graph(g["loss"], g, show="grad").source)
    assert label(nodes[find(nodes, "w1")]) == f"{{w1: () float32 cpu | {{grad {dz * 1.1:.4g}}}}}"
    assert label(nodes[find(nodes, "{b:")]) == f"{{b: () float32 cpu | {{grad {dz:.4g}}}}}"
    assert label(nodes[find(nodes, "{z:")]) == f"{{z: () float32 cpu | {{grad {dz:.4g}}}}}"  # retained
    assert label(nodes[find(nodes, "{a:")]) == "{a: () float32 cpu | {grad not kept}}"  # not retained
    assert label(nodes[find(nodes, "x1")]) == "{x1: () float32 cpu}"  # requires no grad: no grad row
    both = parse(draw_graph(g["loss"], g, show="both").source)[0]
    assert label(both[find(both, "w1")]) == f"{{w1: () float32 cpu | {{data 2.2 | grad {dz * 1.1:.4g}}}}}"


def test_every_retained_grad_is_shown():
    g = seed_example()
    w1, b = g["w1"], g["b"]
    before = parse(draw_graph(g["loss"], g, show="grad").source)[0]
    assert label(before[find(before, "w1")]) == "{w1: () float32 cpu | {grad None}}"  # no backward yet
    g["a"].retain_grad()
    nodes = parse(draw_graph(g["loss"], g, show="grad").source)[0]
    assert label(nodes[find(nodes, "{a:")]) == "{a: () float32 cpu | {grad None}}"  # retained, no backward yet
    intermediates = []
    for t in _tensors(g["loss"]):
        if t.grad_fn is not None:
            t.retain_grad()
            intermediates.append(t)
    g["loss"].backward()
    nodes, _ = parse(draw_graph(g["loss"], g, show="grad").source)
    assert not any("not kept" in label(a) or "None" in label(a) for n, a in nodes.items() if n.startswith("t"))
    for t in intermediates + [w1, b]:
        grad = t.grad.item()
        assert sum(f"grad {grad + 0.0:.4g}}}" in label(a) for a in nodes.values()) >= 1, grad


def _tensors(root):
    """Every tensor `root` was computed from, by walking the nodes' inputs."""
    seen, stack = {}, [root]
    while stack:
        t = stack.pop()
        if id(t) not in seen:
            seen[id(t)] = t
            stack.extend(t.grad_fn.all_inputs if t.grad_fn is not None else ())
    return list(seen.values())


def test_constant_inputs_and_numbers_appear():
    g = seed_example()
    nodes, edges = parse(draw_graph(g["loss"], g).source)
    y = find(nodes, "{y:")
    assert f'fillcolor="{COLORS["input"]}"' in nodes[y]
    uses = [h for t, h in edges if t == y]
    assert len(uses) == 1 and label(nodes[uses[0]]) == "Mul"  # y * log(a)
    rsub = find(nodes, "Rsub")
    assert label(nodes[rsub]) == r"Rsub\n1"  # 1 - a: the number is shown under the op's name
    assert [t for t, h in edges if h == rsub] == [find(nodes, "{a:")]


def legend_of(source: str) -> str:
    """The legend: the graph's label, an HTML table of one row."""
    found = re.findall(r"label=<(<table.*</table>)>", source)
    assert len(found) <= 1
    return found[0] if found else ""


def test_colours_and_a_one_line_legend():
    g = seed_example()
    source = draw_graph(g["loss"], g).source
    nodes, _ = parse(source)
    assert f'fillcolor="{COLORS["parameter"]}"' in nodes[find(nodes, "w1")]
    assert f'fillcolor="{COLORS["input"]}"' in nodes[find(nodes, "x1")]
    assert f'fillcolor="{COLORS["intermediate"]}"' in nodes[find(nodes, "{a:")]
    assert f'fillcolor="{COLORS["output"]}"' in nodes[find(nodes, "loss")]
    assert f'fillcolor="{COLORS["op"]}"' in nodes[find(nodes, "Sigmoid")]
    legend = legend_of(source)
    for kind, colour in COLORS.items():
        assert f'bgcolor="{colour}"' in legend, kind
    assert "parameter" in legend and "output" in legend
    assert legend.count("<tr>") == 1 and legend.count("<td") == len(COLORS)  # one line
    assert "labelloc=t" in source
    # only the kinds the graph has: here no input that requires no grad
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    legend = legend_of(draw_graph((w * w).sum()).source)
    assert COLORS["input"] not in legend and COLORS["parameter"] in legend
    assert legend_of(draw_graph((w * w).sum(), legend=False).source) == ""


def test_same_graph_gives_the_same_source_top_to_bottom_and_scaled_to_a_column():
    first = draw_graph(seed_example()["loss"], seed_example()).source
    g = seed_example()
    second = draw_graph(g["loss"], g).source
    g = seed_example()
    assert draw_graph(g["loss"], g).source == second
    assert "rankdir=TB" in second and f'size="{MAX_WIDTH},' in second and MAX_WIDTH * 96 <= 800
    assert "0x" not in second
    nodes, _ = parse(second)
    assert [n for n in nodes if n.startswith("t")] == [f"t{i}" for i in range(15)]
    assert [n for n in nodes if n.startswith("op")] == [f"op{i}" for i in range(10)]
    # names come from `params` only: with another graph's params, the boxes have no names
    assert "w1" not in first and first.count("->") == second.count("->")


def test_a_tensor_used_twice_is_one_node_with_two_edges():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    nodes, edges = parse(draw_graph(x * x, dict(x=x)).source)
    assert edges.count((find(nodes, "{x:"), find(nodes, "Mul"))) == 2
    assert len(nodes) == 3  # x, Mul, the output


def test_big_tensors_are_summarised():
    x = tg.arange(20, dtype=tg.float32).reshape(4, 5)
    w = tg.ones(5, requires_grad=True)
    nodes, _ = parse(draw_graph(x @ w, dict(x=x, w=w)).source)
    assert label(nodes[find(nodes, "{x:")]) == "{x: (4, 5) float32 cpu | {data mean 9.5, min 0, max 19}}"
    assert label(nodes[find(nodes, "{w:")]) == "{w: (5,) float32 cpu | {data [1, 1, 1, 1, 1]}}"
    nodes, _ = parse(draw_graph(x @ w, dict(x=x, w=w), max_elements=100).source)
    assert r"[15, 16, 17, 18, 19]]\l" in label(nodes[find(nodes, "{x:")])  # a row a line
    long = tg.arange(12, dtype=tg.float32) / 7
    text = label(parse(draw_graph(long, max_elements=12).source)[0]["t0"])
    assert text.count(r"\l") >= 2 and all(len(line) <= 36 for line in text.split("data ")[1].split(r"\l"))  # wrapped


def test_names_are_escaped_for_records():
    w = tg.tensor(1.0, requires_grad=True)
    nodes, _ = parse(draw_graph(w * 2, {"w{0}|<in>": w}).source)
    assert label(nodes["t0"]).startswith(r"{w\{0\}\|\<in\>: () ")


def test_a_custom_function_is_named_without_its_suffix():
    class Cube(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return 3 * x ** 2 * g

    x = tg.tensor(2.0, requires_grad=True)
    nodes, edges = parse(draw_graph(Cube.apply(x), dict(x=x)).source)
    assert label(nodes["op0"]) == "Cube" and "tooltip=CubeBackward" in nodes["op0"]
    assert edges == [("t0", "op0"), ("op0", "t1")]


def test_a_leaf_alone_and_a_long_chain():
    w = tg.tensor(3.0, requires_grad=True)
    nodes, edges = parse(draw_graph(w, dict(w=w)).source)
    assert set(nodes) == {"t0"} and edges == []
    assert f'fillcolor="{COLORS["output"]}"' in nodes["t0"]
    y = w
    for _ in range(3000):  # deeper than Python's recursion limit
        y = y * 1.0
    nodes, edges = parse(draw_graph(y, legend=False).source)
    assert len(nodes) == 6001 and len(edges) == 6000


def test_show_must_be_data_grad_or_both():
    with pytest.raises(ValueError, match="show must be"):
        draw_graph(tg.tensor(1.0), show="value")


def test_nodes_keep_constant_inputs_but_not_their_output():
    x, w = tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0], requires_grad=True)
    out = x * w
    node = out.grad_fn
    assert len(node.all_inputs) == 2 and node.all_inputs[0] is x and node.all_inputs[1] is w
    assert node.inputs[0] is None and node.inputs[1] is w
    ref = weakref.ref(out)
    del out
    assert ref() is None  # nothing in the graph points back to its output
    with tg.no_grad():
        assert (x * w).grad_fn is None


@needs_dot
def test_display_and_save(tmp_path):
    g = seed_example()
    graph = draw_graph(g["loss"], g)
    bundle = graph._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")
    assert bundle["text/plain"] == "<ComputationGraph: 15 tensors, 10 ops>"
    assert repr(graph) == bundle["text/plain"]
    png = base64.b64decode(bundle["image/png"])  # for an untrusted notebook, which shows no SVG
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    svg_width = float(re.search(r'<svg width="([\d.]+)pt"', bundle["image/svg+xml"]).group(1)) * 96 / 72
    assert abs(width - svg_width) <= 2 and width <= MAX_WIDTH * 96  # the same size on screen, in the column
    saved = graph.save(tmp_path / "graph.png")
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = graph.save(tmp_path / "graph.svg")
    assert "<svg" in svg.read_text()


@needs_dot
def test_the_notebooks_graphs_fit_a_notebook_column():
    g = seed_example()
    for t in _tensors(g["loss"]):
        if t.requires_grad and t.grad_fn is not None:
            t.retain_grad()
    g["loss"].backward()
    x = tg.randn(8, 3)
    w = tg.randn(3, requires_grad=True)
    batch = tg.sigmoid(x @ w).log().mean()
    for graph in (draw_graph(g["loss"], g), draw_graph(g["loss"], g, show="both"), draw_graph(batch, dict(x=x))):
        width, height = struct.unpack(">II", base64.b64decode(graph._repr_mimebundle_()["image/png"])[16:24])
        assert width <= MAX_WIDTH * 96 and height < 1500, (width, height)


def test_missing_dot_gives_an_install_hint(monkeypatch, tmp_path):
    g = seed_example()
    graph = draw_graph(g["loss"], g)
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` there
    assert graph._repr_mimebundle_() == {"text/plain": INSTALL_HINT}
    for command in ("sudo apt-get install graphviz", "brew install graphviz", "conda install -c conda-forge graphviz"):
        assert command in INSTALL_HINT
    assert "\n" not in INSTALL_HINT
    assert graph.source.startswith("digraph")
    formatters = pytest.importorskip("IPython.core.formatters")
    data, _ = formatters.DisplayFormatter().format(graph)
    assert data == {"text/plain": INSTALL_HINT}


def test_import_does_not_load_graphviz():
    code = ("import sys, tinygrad_edu, tinygrad_edu.viz as viz; assert 'graphviz' not in sys.modules; "
            "viz.draw_graph(tinygrad_edu.tensor(1.0)); assert 'graphviz' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_values_match_numpy_formatting_of_random_data():
    rng = np.random.default_rng(0)
    data = rng.normal(size=3)
    w = tg.tensor(data, requires_grad=True)
    nodes, _ = parse(draw_graph(w.sum(), dict(w=w)).source)
    expected = ", ".join(f"{v:.4g}" for v in data)
    assert label(nodes["t0"]).endswith(f"{{data [{expected}]}}}}")


def test_accumulated_grads_of_scalars_are_drawn():
    w = tg.tensor(2.0, requires_grad=True)
    for _ in range(2):
        (w * w).backward()  # d(w²)/dw = 4, twice
    nodes, _ = parse(draw_graph(w * w, [("w", w)], show="grad").source)  # params as (name, tensor) pairs
    assert label(nodes["t0"]) == "{w: () float32 cpu | {grad 8}}"


def test_a_graph_kept_after_backward_still_draws_every_tensor_held():
    g = seed_example()
    held = _tensors(g["loss"])  # y = 1, so 1 - y and (1 - y) * log(1 - a) are held zeros
    for t in held:
        if t.grad_fn is not None:
            t.retain_grad()
    before = draw_graph(g["loss"], g, show="data").source
    g["loss"].backward()
    after = draw_graph(g["loss"], g, show="data").source
    assert after == before
    nodes, _ = parse(draw_graph(g["loss"], g, show="grad").source)
    assert len([n for n in nodes if n.startswith("t")]) == 15 and "not kept" not in str(nodes)
