"""Redraw every image in notebooks/figures/ from code: `make figures` (or `python -m scripts.make_figures`).

Each module in scripts/figures/ draws its own images with a `make(out)` function. The drawings are
deterministic: a second run rewrites the same bytes, and the run says which files changed.
`python -m scripts.make_figures graphs` redraws only the figures of scripts/figures/graphs.py.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ROOT / "notebooks" / "figures"  # JupyterLab's root is notebooks/: the notebooks link figures/NAME.png


def main(names: list[str]) -> None:
    from scripts import figures
    FIGURES.mkdir(exist_ok=True)
    for info in sorted(pkgutil.iter_modules(figures.__path__), key=lambda m: m.name):
        if names and info.name not in names:
            continue
        module = importlib.import_module(f"scripts.figures.{info.name}")
        before = {p: p.read_bytes() for p in FIGURES.iterdir() if p.is_file()}
        for path in module.make(FIGURES):
            path = Path(path)
            state = "unchanged" if before.get(path) == path.read_bytes() else "CHANGED"
            print(f"{state:9} {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
