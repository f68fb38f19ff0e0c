"""The benchmark runs (each workload once, at a tiny size): it checks the harness, not the timings."""
import json

import numpy as np
import pytest

from benchmarks import workloads
from benchmarks.__main__ import main


def test_quick_benchmark_writes_table_json_and_chart(tmp_path, capsys):
    results = main(["--quick", "--out", str(tmp_path)])
    assert set(results["workloads"]) == set(workloads.WORKLOADS)
    for res in results["workloads"].values():
        assert res["tinygrad_edu"] > 0 and res["numpy"] > 0
    assert results["memory"]["steps"] == 50
    saved = json.loads((tmp_path / "latest.json").read_text())
    assert saved["workloads"].keys() == results["workloads"].keys()
    assert (tmp_path / "latest.png").stat().st_size > 1000
    assert "logistic_regression" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["tiny", "logistic_regression", "mlp", "matmul"])
def test_implementations_compute_the_same_loss(name):
    # The benchmark compares like with like: the first step's result agrees between implementations.
    kwargs = {"tiny": {}, "logistic_regression": {"n": 64}, "mlp": {"batch": 8, "sizes": (16, 8, 4)},
              "matmul": {"n": 8}}[name]
    make = workloads.WORKLOADS[name][0]
    ours = make("tinygrad_edu", "cpu", **kwargs)()
    by_hand = make("numpy", "cpu", **kwargs)()
    by_hand = by_hand[0] if isinstance(by_hand, tuple) else by_hand
    np.testing.assert_allclose(np.asarray(ours.detach().numpy()), np.asarray(by_hand), rtol=1e-5, atol=1e-6)
