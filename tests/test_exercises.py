"""The exercises: each has an answer cell and a check in its notebook, and a solution in solutions.ipynb
that passes the check (nbval runs solutions.ipynb and compares its "correct!"); the checks' verdicts."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest

import tinygrad_edu as tg

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
COURSE = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = NOTEBOOKS / "solutions.ipynb"
CHECK_CALL = re.compile(r'^check\("(\d\d)\.(\d+)"', re.M)

sys.path.insert(0, str(NOTEBOOKS))
import exercises  # noqa: E402  (notebooks/exercises.py, which the notebooks import from their folder)


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def stdout(cell: dict) -> str:
    return "".join("".join(o.get("text", "")) for o in cell.get("outputs", []) if o["output_type"] == "stream")


def exercise_checks(path: Path) -> list[tuple[str, int]]:
    """(exercise name, index of its check cell) for each check call in a notebook, in order."""
    found = []
    for i, cell in enumerate(cells(path)):
        if cell["cell_type"] == "code":
            found += [(f"{nn}.{k}", i) for nn, k in CHECK_CALL.findall(source(cell))]
    return found


def previous_code(all_cells: list[dict], i: int) -> dict:
    return next(c for c in reversed(all_cells[:i]) if c["cell_type"] == "code")


def test_every_notebook_has_exercises() -> None:
    assert len(COURSE) == 7
    for path in COURSE:
        assert exercise_checks(path), f"{path.name} has no exercises"


@pytest.mark.parametrize("path", COURSE, ids=lambda p: p.stem)
def test_each_exercise_has_an_empty_answer_cell_and_a_check(path: Path) -> None:
    all_cells = cells(path)
    names = [name for name, _ in exercise_checks(path)]
    assert names == [f"{path.name[:2]}.{k}" for k in range(1, len(names) + 1)], "numbered NN.1, NN.2, ... in order"
    for name, i in exercise_checks(path):
        assert name in exercises.CHECKS, f"exercise {name} has no check in exercises.py"
        answer = source(previous_code(all_cells, i))
        assert re.search(r"^\w+ = \.\.\.", answer, re.M), f"exercise {name}: the cell before its check is not a stub"
        assert "correct" not in stdout(all_cells[i]), f"exercise {name}: a stored check says correct"
    for cell in all_cells:  # no solution hides in the notebook
        assert "solution" not in cell["metadata"].get("tags", [])
        assert not cell["metadata"].get("jupyter", {}).get("source_hidden")


def test_every_exercise_has_a_solution_that_passes_its_check() -> None:
    """solutions.ipynb: a solution cell, then the same check call as in the notebook; nbval re-runs it and
    compares the stored "correct!" verdict, so a solution that stops passing fails the tests."""
    course = {name: source(cells(path)[i]) for path in COURSE for name, i in exercise_checks(path)}
    all_cells = cells(SOLUTIONS)
    solved = {}
    for name, i in exercise_checks(SOLUTIONS):
        solved[name] = source(all_cells[i])
        solution = source(previous_code(all_cells, i))
        assert "..." not in solution.split("#")[0], f"the solution of {name} is a stub"
        verdict = stdout(all_cells[i])
        assert verdict.startswith(f"Exercise {name}: correct!"), f"{name}'s stored check says {verdict!r}"
    assert solved == course, "solutions.ipynb calls each notebook's check exactly as the notebook does"


def test_every_check_belongs_to_an_exercise() -> None:
    names = {name for path in COURSE for name, _ in exercise_checks(path)}
    assert set(exercises.CHECKS) == names


def test_every_notebook_explains_the_exercises_the_same_way() -> None:
    intros = set()
    for path in COURSE:
        intro = [source(c) for c in cells(path) if c["cell_type"] == "markdown" and "## Exercises" in source(c)]
        assert len(intro) == 1, path.name
        intros.add(intro[0])
    assert len(intros) == 1


def verdict(capsys: pytest.CaptureFixture, name: str, *answers, **context) -> str:
    exercises.check(name, *answers, **context)
    return capsys.readouterr().out


def test_check_says_not_answered_yet_for_the_stub(capsys: pytest.CaptureFixture) -> None:
    assert "not answered yet" in verdict(capsys, "01.2", ...)
    assert "not answered yet" in verdict(capsys, "01.4", (64, 784), ...)


def test_check_says_not_yet_wrong_or_correct(capsys: pytest.CaptureFixture) -> None:
    n = tg.arange(1, 11)
    assert ": not yet." in verdict(capsys, "01.2", n.reshape(10, 1) * n.float())      # float, not int64
    assert ": not yet." in verdict(capsys, "01.2", n)                                  # a wrong shape
    assert ": wrong." in verdict(capsys, "01.2", n.reshape(10, 1) + n)                 # a wrong value
    assert ": correct!" in verdict(capsys, "01.2", n.reshape(10, 1) * n)


def test_an_answer_that_breaks_its_check_gets_a_hint(capsys: pytest.CaptureFixture) -> None:
    out = verdict(capsys, "02.1", lambda: 1 / 0)
    assert ": not yet." in out and "ZeroDivisionError" in out


def test_checks_compare_with_a_computation(capsys: pytest.CaptureFixture) -> None:
    """The checks accept right answers computed here, independently of the solutions."""
    batch = tg.rand(2, 3, 4, 5)
    assert ": correct!" in verdict(capsys, "01.1", tg.from_numpy(np.moveaxis(batch.numpy(), 1, -1).copy()),
                                   batch=batch)
    assert ": wrong." in verdict(capsys, "01.1", batch.reshape(2, 4, 5, 3), batch=batch)

    w = tg.tensor(2.2, requires_grad=True)
    for _ in range(2):
        (-tg.log(tg.sigmoid(w * 1.1))).backward()
    assert ": wrong." in verdict(capsys, "04.2", w)                                    # two backwards, not three
    (-tg.log(tg.sigmoid(w * 1.1))).backward()
    assert ": correct!" in verdict(capsys, "04.2", w)

    def walk(t: tg.Tensor) -> int:  # counts nodes with a different walk than the solution's
        seen, todo = [], [t.grad_fn]
        while todo:
            fn = todo.pop(0)
            if fn is not None and not isinstance(fn, tg.Tensor) and all(fn is not s for s in seen):
                seen.append(fn)
                todo += [f for f, _ in fn.next_functions]
        return len(seen)

    assert ": correct!" in verdict(capsys, "03.1", walk)
    def shallow(t: tg.Tensor) -> int:  # the node and its inputs, not the whole graph
        return 0 if t.grad_fn is None else 1 + len(t.grad_fn.next_functions)

    assert ": wrong." in verdict(capsys, "03.1", shallow)
