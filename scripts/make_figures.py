"""Redraw every image in figures/ from code: `make figures` (or `python -m scripts.make_figures`).

Each module in scripts/figures/ draws its own images with a `make(out)` function.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ROOT / "figures"


def main(names: list[str]) -> None:
    from scripts import figures
    FIGURES.mkdir(exist_ok=True)
    for info in sorted(pkgutil.iter_modules(figures.__path__), key=lambda m: m.name):
        if names and info.name not in names:
            continue
        module = importlib.import_module(f"scripts.figures.{info.name}")
        for path in module.make(FIGURES):
            print(f"wrote {Path(path).relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
