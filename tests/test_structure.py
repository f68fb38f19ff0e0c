"""The package's shape: the reading path's size, and imports that go one way, with no cycle.

Layers, lowest first: a module imports only from its own layer or lower ones. The fine print
(messages, args, dtypes) sits at the bottom, beside the engine, so the engine can use it without
importing anything above itself.
"""
import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "tinygrad_edu"
sys.path.insert(0, str(ROOT))
from scripts import loc  # noqa: E402

# The lowest layer a module may sit in; a module not listed takes its package's layer.
LAYERS = {
    "messages": 0, "args": 0, "dtypes": 0, "backend": 0,
    "tensor": 1, "promotion": 1,
    "autograd": 2,
    "ops": 3, "inplace": 3, "random": 3, "creation": 3, "printing": 3, "return_types": 3,
    "nn": 4, "optim": 4, "utils": 4, "serialization": 4, "plotting": 4,
    "viz": 5, "cuda": 5, "backends": 5, "": 6,  # "": the package itself, which imports everything
}
OPTIONAL = {"cupy", "graphviz", "matplotlib", "torch", "IPython", "PIL"}  # may be imported lazily, where used


def modules() -> dict[str, Path]:
    out = {}
    for p in PACKAGE.rglob("*.py"):
        parts = p.relative_to(PACKAGE).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = p
    return out


def layer(name: str) -> int:
    parts = name.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in LAYERS:
            return LAYERS[".".join(parts[:n])]
    return LAYERS[parts[0]] if parts[0] in LAYERS else LAYERS[""]


def imports(name: str, path: Path, known: dict) -> list[tuple[str, bool, int]]:
    """(module imported, at top level?, line) for every import of a module of this package."""
    is_pkg = path.name == "__init__.py"
    here = name.split(".") if name else []
    base_of = lambda level: here if is_pkg and level == 1 else (here[: len(here) - level + (1 if is_pkg else 0)])
    tree = ast.parse(path.read_text())
    top = {id(n) for n in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = base_of(node.level) + (node.module.split(".") if node.module else [])
            target = ".".join(base)
            for a in node.names:
                sub = ".".join(base + [a.name])
                found.append((sub if sub in known else target, id(node) in top, node.lineno))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            for m in mods:
                if m.split(".")[0] == "tinygrad_edu":
                    found.append((m.removeprefix("tinygrad_edu").lstrip("."), id(node) in top, node.lineno))
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    edges = {name: set() for name in known}
    for name, path in known.items():
        for target, _, _ in imports(name, path, known):
            parts = target.split(".")
            # importing a.b.c runs the packages a and a.b first (the package itself excepted: it is the entry point)
            # (but a module's own packages are already being imported when it runs)
            edges[name].update(m for m in (".".join(parts[:n]) for n in range(1, len(parts) + 1))
                               if m in known and not (name + ".").startswith(m + "."))
        edges[name].discard(name)
    return edges


def test_the_reading_path_fits_in_one_sitting():
    rows = loc.reading_path()
    total = sum(n for _, n, _ in rows)
    assert total <= loc.LIMIT, f"the reading path is {total} lines (limit {loc.LIMIT}): {rows}"
    assert all(n > 0 for _, n, _ in rows)


def test_imports_have_no_cycle():
    edges = graph()
    state: dict[str, int] = {}

    def visit(n: str, path: list[str]) -> None:
        state[n] = 1
        for m in sorted(edges[n]):
            assert state.get(m) != 1, "import cycle: " + " -> ".join(path[path.index(m):] + [n, m]) \
                if m in path else f"import cycle through {n} -> {m}"
            if m not in state:
                visit(m, path + [n])
        state[n] = 2

    for n in sorted(edges):
        if n not in state:
            visit(n, [])


def test_imports_go_one_way():
    known = modules()
    upward = []
    for name, path in known.items():
        for target, _, line in imports(name, path, known):
            if target and layer(target) > layer(name):
                upward.append(f"{path.relative_to(ROOT)}:{line} imports {target} (layer {layer(target)} > "
                              f"{layer(name)})")
    assert not upward, "\n".join(upward)


def test_only_optional_packages_are_imported_lazily():
    known = modules()
    lazy = []
    for name, path in known.items():
        for target, at_top, line in imports(name, path, known):
            if not at_top:
                lazy.append(f"{path.relative_to(ROOT)}:{line} imports {target or 'tinygrad_edu'} inside a function")
    assert not lazy, "\n".join(lazy)


def test_the_tensor_does_not_know_autograd():
    known = modules()
    assert not [t for t, _, _ in imports("tensor", known["tensor"], known) if t.startswith("autograd")]


@pytest.mark.parametrize("bad, expected", [("cycle", "import cycle"), ("upward", "imports")])
def test_the_checks_can_fail(bad, expected, monkeypatch):
    real = imports

    def with_bad_import(name, path, known):
        extra = []
        if bad == "cycle" and name == "backend":
            extra = [("tensor", True, 1)]  # tensor imports backend: a cycle
        if bad == "upward" and name == "tensor":
            extra = [("autograd.engine", True, 1)]
        return real(name, path, known) + extra

    monkeypatch.setitem(globals(), "imports", with_bad_import)
    check = test_imports_have_no_cycle if bad == "cycle" else test_imports_go_one_way
    with pytest.raises(AssertionError, match=expected):
        check()


def test_the_readme_lists_the_reading_path_in_order_with_its_sizes():
    import re
    rows = re.findall(r"^\| \d \| `tinygrad_edu/([^`]+)` \| (\d+) \|", (ROOT / "README.md").read_text(), re.M)
    actual = loc.reading_path()
    assert [name for name, _ in rows] == [name for name, _, _ in actual]
    for (name, listed), (_, n, _) in zip(rows, actual):
        assert abs(int(listed) - n) <= 15, f"README says {name} has {listed} lines; it has {n} (update the table)"
