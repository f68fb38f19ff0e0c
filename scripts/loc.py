"""The engine's reading path and its size: `make loc` (or `python -m scripts.loc`).

The reading path is the engine a learner reads in one sitting, in the order the notebooks teach: what a
tensor is, then the graph and the backward walk, then the ops with their math. It must stay at most
LIMIT lines (code, docstrings and comments; blank lines not counted). Everything else in the package
(PyTorch's exact messages, type promotion, argument parsing, printing, the library layer) is listed
after it, for the curious. Exits with 1 above the limit.
"""
from __future__ import annotations

import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tinygrad_edu"
LIMIT = 1200
READING_PATH = [
    ("tensor.py", "what a tensor is: data, shape, dtype, device, requires_grad, grad, grad_fn"),
    ("autograd/graph.py", "Op (forward and backward side by side) and Node (one use of an op in the graph)"),
    ("autograd/engine.py", "backward: the chain rule, node by node, from the output to the leaves"),
    ("ops/pointwise.py", "+, -, *, /, **, exp, log, sigmoid, relu...: elementwise ops and their derivatives"),
    ("ops/reduce.py", "sum, mean, max, softmax: ops that reduce dimensions"),
    ("ops/movement.py", "reshape, transpose, expand, cat: ops that move numbers without changing them"),
    ("ops/matmul.py", "matrix products"),
]


def lines(path: Path) -> int:
    """Non-blank lines (code, docstrings and comments)."""
    return sum(1 for line in path.read_text().splitlines() if line.strip())


def reading_path() -> list[tuple[str, int, str]]:
    return [(name, lines(PACKAGE / name), what) for name, what in READING_PATH]


def main() -> int:
    rows = reading_path()
    total = sum(n for _, n, _ in rows)
    print(f"The reading path (non-blank lines, at most {LIMIT}):")
    for name, n, what in rows:
        print(f"  {n:5d}  {name:22s} {what}")
    print(f"  {total:5d}  in all{'  -- OVER THE LIMIT' if total > LIMIT else ''}\n")
    on_path = {name for name, _ in READING_PATH}
    rest = sorted((str(p.relative_to(PACKAGE)), lines(p)) for p in PACKAGE.rglob("*.py")
                  if str(p.relative_to(PACKAGE)) not in on_path)
    print("The rest of the package (the fine print and the library layer):")
    for name, n in rest:
        print(f"  {n:5d}  {name}")
    print(f"  {sum(n for _, n in rest):5d}  in all")
    return 1 if total > LIMIT else 0


if __name__ == "__main__":
    sys.exit(main())
