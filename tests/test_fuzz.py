"""The differential fuzzer (tests/fuzzer.py) as tests: a fixed budget of random programs compared with PyTorch,
and a check that every public op is in its registry (or listed, with a reason, as not fuzzed)."""
from __future__ import annotations

import io
import os
import types

import pytest

import tinygrad_edu as tg
import fuzzer

BUDGET = int(os.environ.get("FUZZ_N", 2000))
SEED = int(os.environ.get("FUZZ_SEED", 0))

OPERATORS = {"__add__", "__radd__", "__iadd__", "__sub__", "__rsub__", "__isub__", "__mul__", "__rmul__", "__imul__",
             "__truediv__", "__rtruediv__", "__itruediv__", "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__",
             "__pow__", "__rpow__", "__matmul__", "__rmatmul__", "__neg__", "__abs__", "__invert__", "__and__",
             "__rand__", "__or__", "__ror__", "__xor__", "__rxor__", "__lt__", "__le__", "__gt__", "__ge__", "__eq__",
             "__ne__", "__getitem__", "__setitem__", "__float__", "__int__", "__bool__", "__len__", "__index__",
             "__iter__", "__format__"}


def public_ops() -> set[str]:
    """Every public function of the package, every public Tensor attribute and operator, and nn.functional."""
    names = {n for n, v in vars(tg).items() if not n.startswith("_") and callable(v)
             and not isinstance(v, (types.ModuleType, type, tg.dtype))}
    names |= {n for n in dir(tg.Tensor) if not n.startswith("_") or n in OPERATORS}
    return names | set(tg.nn.functional.__all__)


def test_every_public_op_is_fuzzed_or_listed_with_a_reason():
    covered = set(fuzzer.NOT_FUZZED)
    for op in fuzzer.OPS:
        covered |= {op.name, *op.also}
    missing = sorted(public_ops() - covered)
    assert not missing, f"add these to tests/fuzzer.py's OPS (or NOT_FUZZED, with the reason): {missing}"


def test_the_registry_calls_only_names_that_exist_in_the_package():
    for op in fuzzer.OPS:
        for form in op.forms:
            for name in __import__("re").findall(r"\blib\.(\w+)", form):
                assert hasattr(tg, name), f"{op.name}: lib.{name}"


def test_fuzzer_finds_a_wrong_op_and_prints_a_runnable_reproduction(monkeypatch):
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(tg.ops.pointwise.Exp, "forward", staticmethod(lambda ctx, a: a * 0 + 1))
    found = [d for d in (fuzzer.check(fuzzer.random_program(k)) for k in range(300)) if d]
    assert found and {d.category for d in found} >= {"value"}
    small = fuzzer.shrink(next(d for d in found if d.category == "value"))
    assert len(small.program.stmts) <= 4 and "exp" in small.program.stmts[small.index].source
    source = fuzzer.report(small).split("---\n", 1)[1]
    exec(compile(source.replace("print(", "(lambda *a: None)("), "<repro>", "exec"), {})  # runs on PyTorch
    assert torch is not None


def test_fuzz_budget_has_no_divergence():
    pytest.importorskip("torch")
    out = io.StringIO()
    counts = fuzzer.fuzz(BUDGET, SEED, out=out, shrink_budget=60, limit=10)
    assert not counts, f"{sum(counts.values())} of {BUDGET} programs diverge from PyTorch {counts}:\n{out.getvalue()}"
