"""Run notebooks top to bottom in a fresh kernel each and store their outputs: `make notebooks`.

Each notebook gets what `jupyter nbconvert --to notebook --execute --inplace` gives it (nbconvert runs
notebooks with nbclient, as this does), with the kernel of this environment; all of them in this one
process, so Jupyter's own start-up (about 3 s here, most of it a URI grammar that jsonschema compiles
at import) is paid once, not once per notebook. Name notebooks to run only those; with none, every
notebook in notebooks/.
"""
from __future__ import annotations

import time

STARTED = time.perf_counter()  # (Jupyter's start-up counts too)

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


# What JupyterLab writes for the kernel of a new notebook: stored as it is, opening a notebook changes nothing.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def run(path: Path) -> None:
    """Execute the notebook at `path` in a new kernel, started in its folder, and store it with its outputs.

    Per-cell execution timestamps are not stored and the kernelspec is JupyterLab's own, so that a re-run
    changes only what the notebook shows, and opening it in JupyterLab changes nothing."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nbformat.write(nb, path)


def main(paths: list[str]) -> None:
    notebooks = [Path(p).resolve() for p in paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for nb in notebooks:
        start = time.perf_counter()
        run(nb)
        print(f"{nb.name}: {time.perf_counter() - start:.1f} s", flush=True)
    print(f"{len(notebooks)} notebooks: {time.perf_counter() - STARTED:.1f} s, Jupyter's start-up included")


if __name__ == "__main__":
    main(sys.argv[1:])
