"""The benchmark runs (each workload once, at a tiny size): it checks the harness, not the timings.

And its three versions of each workload compute the same thing, so the ratios compare like with like.
"""
import argparse
import importlib.util
import json
import os

import numpy as np
import pytest

from benchmarks import losses, scaling, workloads
from benchmarks.__main__ import main, table, targets
from benchmarks.worker import time_step

IMPLS = ["tinygrad_edu", "numpy"] + (["torch"] if importlib.util.find_spec("torch") else [])


def test_quick_benchmark_writes_table_json_and_chart(tmp_path, capsys):
    results = main(["--quick", "--no-scaling", "--out", str(tmp_path)])
    assert list(results["workloads"]) == list(workloads.WORKLOADS)
    for name, res in results["workloads"].items():
        assert list(res) == IMPLS
        assert all(t > 0 for t in res.values())
        assert all(len(runs) == 1 for runs in results["runs"][name].values())  # one process each, in quick mode
    assert results["memory"]["steps"] == 50
    assert 0 < results["import"]["import_s"] < 10
    saved = json.loads((tmp_path / "latest.json").read_text())
    assert saved["workloads"] == results["workloads"]
    assert (tmp_path / "latest.png").stat().st_size > 1000
    out = capsys.readouterr().out
    assert "logistic_regression" in out and "import tinygrad_edu" in out and "memory growth" in out


def test_table_and_targets_report_ratios():
    # 3 us against 2 us is 1.50x; the targets say which ratio misses.
    results = {"workloads": {"logistic_regression": {"tinygrad_edu": 3e-6, "numpy": 2e-6, "torch": 6e-6}},
               "runs": {"logistic_regression": {"tinygrad_edu": [3e-6, 3.3e-6], "numpy": [2e-6], "torch": [6e-6]}},
               "memory": {"steps": 10, "rss_start_mb": 1, "rss_end_mb": 2, "growth_mb": 1.0, "peak_mb": 2},
               "import": {"import_s": 0.5, "python_s": 0.02}}
    text = table(results)
    assert "1.50x" in text and "0.50x" in text and "10%" in text  # vs numpy, vs torch, spread of the two runs
    checks = targets(results)
    assert "logistic_regression vs numpy <= 1.2x: 1.50x MISSED" in checks
    assert "logistic_regression vs torch <= 1.0x: 0.50x met" in checks
    assert "memory growth < 5 MB: +1.00 MB met" in checks
    assert "import tinygrad_edu < 0.3 s: 0.500 s MISSED" in checks
    assert "tiny vs torch <= 0.6x: not measured" in checks
    assert "mlp vs numpy <= 1.1x: not measured" in checks


def test_time_step_reports_the_median_time_per_step():
    calls = []
    seconds = time_step(lambda: calls.append(1), lambda: None, rounds=3, round_s=0.01)
    assert 0 < seconds < 0.01 and len(calls) > 3


def _values(out) -> list[np.ndarray]:
    items = out if isinstance(out, tuple) else (out,)
    return [np.asarray(v.detach().numpy() if hasattr(v, "detach") else v, dtype=np.float64) for v in items]


@pytest.mark.parametrize("name", list(workloads.WORKLOADS))
def test_implementations_compute_the_same_thing(name):
    # Two steps each: the second step's loss depends on the first step's gradients and update, so this
    # checks forward, backward and SGD (tiny and matmul return their gradients instead).
    found = {}
    for impl in IMPLS:
        step = workloads.WORKLOADS[name][0](impl, "cpu", **workloads.QUICK_SIZES[name])
        found[impl] = _values(step()) + _values(step())
    for impl in IMPLS[:1] + IMPLS[2:]:
        assert len(found[impl]) == len(found["numpy"])
        for ours, by_hand in zip(found[impl], found["numpy"]):
            np.testing.assert_allclose(ours, by_hand, rtol=1e-5, atol=1e-6, err_msg=f"{impl} against numpy")


def test_scaling_measures_every_size_and_the_implementations_agree(tmp_path, capsys):
    args = ["--quick", "--no-memory", "--batches", "1", "8", "--depths", "10", "40", "--out", str(tmp_path)]
    scaling.main(args)
    saved = json.loads((tmp_path / "scaling.json").read_text())
    sizes = {"logistic_regression": ["1", "8"], "mlp": ["1", "8"], "depth": ["10", "40"]}
    for part, expected in sizes.items():
        for impl in IMPLS:
            assert sorted(saved["time"][part][impl], key=int) == expected
            assert all(t > 0 for t in saved["time"][part][impl].values())
            # the first step's loss (or the chain's gradient, summed) against the hand-written NumPy
            first = saved["first"][part]
            np.testing.assert_allclose(first[impl][expected[-1]], first["numpy"][expected[-1]], rtol=1e-5,
                                       err_msg=f"{impl} {part}")
    assert scaling.agree(saved) == []
    assert (tmp_path / "scaling.png").stat().st_size > 1000
    assert "all three implementations agree" in capsys.readouterr().out or len(IMPLS) == 2


@pytest.mark.skipif(not os.path.exists("/proc/self/clear_refs"), reason="peak memory is read from Linux's /proc")
def test_scaling_memory_sees_the_activations():
    # An MLP step at batch 4,096 holds the hidden layer before and after the ReLU: 2 x 4,096 x 256 float32.
    found = scaling._worker_process("numpy", ["memory"], argparse.Namespace(
        batches=[4096], depths=[10], budget=0.0, rounds=1, threads=None))
    assert found["memory"]["memory_mb"]["4096"] >= 2 * 4096 * 256 * 4 / 2**20


def test_chain_gradient_matches_the_derivative():
    # d/dx of sum(tanh(c * tanh(c * x))) by the chain rule, written out, against each implementation's backward
    c, x = scaling.CHAIN_FACTOR, np.linspace(-2, 2, 16, dtype=np.float64)
    inner = np.tanh(c * x)
    expected = (1 - np.tanh(c * inner) ** 2) * c * (1 - inner**2) * c
    for impl in IMPLS:
        forward, backward = scaling.chain(impl, 4)
        grad = backward(forward())
        grad = grad.detach().numpy() if hasattr(grad, "detach") else grad
        np.testing.assert_allclose(grad, expected, rtol=1e-5, err_msg=impl)


def test_scaling_table_marks_sizes_over_the_limit_and_finds_the_crossover():
    times = {"tinygrad_edu": {"1": 3e-6, "4": 2.5e-6, "16": 1.1e-3}, "numpy": {"1": 1e-6, "4": 1e-6, "16": 1e-3},
             "torch": {"1": 6e-6, "4": 5e-6, "16": 1.1e-3}}
    text = scaling.table({"time": {"mlp": times}})
    assert "3.00x*" in text and "2.50x*" in text and "1.10x " in text and "0.50x" in text
    assert "within 1.2x of NumPy from 16 on" in text
    assert scaling.crossover(times) == "16"
    times["tinygrad_edu"]["16"] = 2e-3
    assert scaling.crossover(times) is None


def test_losses_benchmark_times_every_loss_against_an_accurate_numpy_formulation(tmp_path):
    pytest.importorskip("torch")  # PyTorch is its reference for which NumPy formulations are accurate
    rows = losses.main(["--sizes", "200", "--work", "2000", "--out", str(tmp_path)])
    assert [(r["loss"], r["dtype"]) for r in rows] == [
        (name, dtype) for name in ("bce_with_logits", "cross_entropy", "log_softmax", "softplus")
        for dtype in ("float32", "float64")]
    for r in rows:
        assert all(r[impl] > 0 for impl in ("tinygrad_edu", "numpy", "torch")), r
        # overflowing formulations are left out: the compared one is stable at +-1000
        assert r["formulation"] != "no max (overflows)" and r["formulation"] in {
            **losses.BCE, **losses.CE, **losses.LOG_SOFTMAX, **losses.SOFTPLUS}
    assert json.loads((tmp_path / "losses.json").read_text()) == rows


def test_losses_report_counts_the_rows_that_meet_the_target():
    row = {"loss": "softplus", "dtype": "float32", "n": 10, "numpy": 2e-6, "torch": 4e-6, "formulation": "f"}
    text = losses.report([dict(row, tinygrad_edu=3e-6), dict(row, tinygrad_edu=2e-6)])
    assert "1.50" in text and "0.75" in text and "met in 1 of 2 cases" in text
