"""The GPU check's machinery, on any machine: its scripts, its wheel list, and the GPU benchmark's code path.

The check itself (scripts/gpu_check.sh) runs only on a GPU machine; here: the scripts parse, the wheel
folder holds what the GPU image lacks and nothing it has, the check stops with its "no GPU" message
without touching the network, and the GPU benchmark computes and reports through tests/test_devices.py's
stand-in for CuPy.
"""
from __future__ import annotations

import fnmatch
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from benchmarks import gpu
from benchmarks.workloads import mlp, matmul
from test_devices import use_fake_cupy
from tinygrad_edu import backend

ROOT = Path(__file__).resolve().parent.parent
CHECK, PREPARE = ROOT / "scripts/gpu_check.sh", ROOT / "scripts/prepare_gpu_wheels.sh"
IMAGE_PACKAGES = ["torch", "cupy-cuda13x", "numpy", "pytest", "hypothesis", "matplotlib"]  # the GPU image has these


def _shell_list(script: Path, name: str) -> list[str]:
    """The words of a shell variable assigned as NAME="..." in `script`."""
    match = re.search(rf'^{name}="([^"]*)"', script.read_text(), re.M)
    assert match, f"{name} is not set in {script.name}"
    return match.group(1).split()


def _image_has(package: str) -> bool:
    return any(fnmatch.fnmatch(package, pattern) for pattern in _shell_list(PREPARE, "IMAGE_HAS"))


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize("script", [CHECK, PREPARE], ids=lambda p: p.name)
def test_scripts_parse(script):
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_wheels_are_what_the_gpu_image_lacks():
    tools = _shell_list(PREPARE, "TOOLS")
    assert all(_image_has(p) for p in IMAGE_PACKAGES)
    assert not [t for t in tools if _image_has(t)], "downloads a package the GPU image already has"
    # Every module the check imports comes from the image or from the wheels; pyproject's pytest options need nbval.
    for module in _shell_list(CHECK, "TOOLS"):
        assert module in tools or _image_has(module), f"{module}: neither in the GPU image nor among the wheels"
    addopts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["addopts"]
    assert "--nbval" in addopts and "nbval" in tools


def test_the_wheel_folder_if_made():
    folder = ROOT / os.environ.get("GPU_CHECK_WHEELS", "gpu-wheels")
    if not (folder / "requirements.txt").exists():
        pytest.skip(f"no wheel folder {folder.name}/ here (make gpu-wheels makes it)")
    wheels = [w.name.split("-")[0].lower().replace("_", "-") for w in folder.glob("*.whl")]
    assert not [w for w in wheels if _image_has(w)]
    assert set((folder / "requirements.txt").read_text().split()) <= set(wheels)
    assert sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) < 50 * 2**20


@pytest.mark.skipif(shutil.which("nvidia-smi") is not None or os.path.exists("/dev/nvidia0"), reason="a GPU here")
def test_the_check_without_a_gpu_installs_nothing_and_says_so(tmp_path):
    if any(importlib.util.find_spec(m) is None for m in _shell_list(CHECK, "TOOLS")):
        pytest.skip("this Python lacks some of the check's tools")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "GPU_CHECK_PYTHON": sys.executable,
           "GPU_CHECK_OUT": str(tmp_path / "out"), "https_proxy": "http://127.0.0.1:9", "http_proxy": "http://127.0.0.1:9"}
    result = subprocess.run(["bash", str(CHECK)], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "no NVIDIA GPU here" in result.stderr
    assert "installing" not in result.stdout  # this Python has every tool: nothing to install


# --- the GPU benchmark, on the stand-in for CuPy ----------------------------------------------------

def test_gpu_benchmark_implementations_agree_on_the_fake_gpu(monkeypatch):
    use_fake_cupy(monkeypatch)
    found = {impl: gpu.time_workloads(impl, quick=True) for impl in ("cupy", "tinygrad_edu")}
    for name, make in (("mlp", mlp), ("matmul", matmul)):
        by_hand = gpu.fingerprint(make("numpy", "cpu", **gpu.QUICK_SIZES[name])())
        for impl, result in found.items():
            np.testing.assert_allclose(result["checks"][name], by_hand, rtol=1e-5, err_msg=f"{impl} {name}")
            assert result["times"][name] > 0
    backend._reset()


def test_gpu_benchmark_report_states_the_target():
    runs = {"mlp": {"cupy": [1e-3], "tinygrad_edu": [3e-3, 3.2e-3, 2.9e-3], "torch": [2e-3]},
            "matmul": {"cupy": [10e-3], "tinygrad_edu": [10e-3], "torch": []}}
    checks = {"cupy": {"mlp": [2.3], "matmul": [1.0]}, "tinygrad_edu": {"mlp": [2.3], "matmul": [1.1]}}
    results = gpu.summarize(runs, checks, {"torch": "no CUDA"}, {})
    lines = gpu.report(results)
    assert "tinygrad_edu <= 1.2x torch: 1.50x MISSED" in lines[0]  # the median of ours over torch's
    assert "not measured" in lines[1] and "DISAGREE with cupy: tinygrad_edu" in lines[1]
    assert lines[2] == "gpu bench: torch FAILED: no CUDA"


def test_gpu_benchmark_without_a_gpu(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(sys.modules, "cupy", None)  # CuPy not installed
    backend._reset()
    assert gpu.main(["--out", str(tmp_path)]) == 2
    assert "no usable CUDA GPU here (CuPy is not installed)" in capsys.readouterr().err
    backend._reset()
