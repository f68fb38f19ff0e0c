"""Run notebooks top to bottom in a fresh kernel and store their outputs: `make notebooks`.

Same as `jupyter nbconvert --to notebook --execute --inplace` on each, with the kernel of this
environment. Name notebooks to run only those; with none, every notebook in notebooks/.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# What JupyterLab writes for the kernel of a new notebook: stored as it is, opening a notebook changes nothing.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _tidy(path: Path) -> None:
    """Remove per-cell execution timestamps and store JupyterLab's own kernelspec, so that a re-run changes
    only what the notebook shows, and opening it in JupyterLab changes nothing."""
    import nbformat
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nbformat.write(nb, path)


def main(paths: list[str]) -> None:
    notebooks = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for nb in notebooks:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
                        "--ExecutePreprocessor.kernel_name=python3", "--ExecutePreprocessor.record_timing=False",
                        str(nb.resolve())], check=True, cwd=nb.resolve().parent)
        _tidy(nb)
        print(f"{nb.name}: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
