"""The benchmark runs (each workload once, at a tiny size): it checks the harness, not the timings.

And its three versions of each workload compute the same thing, so the ratios compare like with like.
"""
import importlib.util
import json

import numpy as np
import pytest

from benchmarks import workloads
from benchmarks.__main__ import main, table, targets
from benchmarks.worker import time_step

IMPLS = ["tinygrad_edu", "numpy"] + (["torch"] if importlib.util.find_spec("torch") else [])


def test_quick_benchmark_writes_table_json_and_chart(tmp_path, capsys):
    results = main(["--quick", "--out", str(tmp_path)])
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
    assert "logistic_regression vs numpy <= 1.3x: 1.50x MISSED" in checks
    assert "logistic_regression vs torch <= 1.0x: 0.50x met" in checks
    assert "memory growth < 5 MB: +1.00 MB met" in checks
    assert "import tinygrad_edu < 0.3 s: 0.500 s MISSED" in checks
    assert "tiny vs torch <= 1.0x: not measured" in checks


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
