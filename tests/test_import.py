"""`import tinygrad_edu` stays light: no plotting, drawing, GPU or PyTorch module comes with it."""
from __future__ import annotations

import subprocess
import sys

HEAVY = {"matplotlib", "graphviz", "cupy", "torch"}


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys\nprint(' '.join(sys.modules))"],
                         capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_import_does_not_load_heavy_modules():
    loaded = _modules_after("import tinygrad_edu")
    assert "tinygrad_edu" in loaded and "numpy" in loaded
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}


def test_using_the_core_does_not_load_them_either():
    loaded = _modules_after("import tinygrad_edu as tg\n"
                            "x = tg.tensor([[1.0, 2.0]], requires_grad=True)\n"
                            "y = (x @ x.T).sigmoid().sum()\n"
                            "y.backward()\n"
                            "repr(y); repr(x.grad); tg.cuda.is_available()")
    assert not {m for m in loaded if m.split(".")[0] in HEAVY - {"cupy"}}
