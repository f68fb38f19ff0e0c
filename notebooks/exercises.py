"""The checks of the course's exercises: `check("01.2", table)` says whether an answer is right.

A notebook imports `check` from here (this folder is the notebooks' working folder). Each check tests
the answer against a computation (NumPy, finite differences, a small experiment), never against a
stored answer, and prints one of:

- `not answered yet`: the answer is still the `...` of the answer cell;
- `not yet`, with a hint: the answer is on its way (a wrong type or shape, a missing step);
- `wrong`, with a hint: the answer is complete but its value is not right;
- `correct!`

The solutions are in solutions.ipynb, which runs every check on its solution. This module belongs to
the course, not to `tinygrad_edu`, whose API is PyTorch's.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Callable

import numpy as np

import tinygrad_edu as tg


class NotYet(Exception):
    """The answer is not complete yet; the message is a hint."""


class Wrong(Exception):
    """The answer is complete but not right; the message is a hint."""


def expect(condition: bool, hint: str, verdict: type[Exception] = NotYet) -> None:
    """Stop the check with `verdict` and `hint` unless `condition` holds."""
    if not condition:
        raise verdict(hint)


CHECKS: dict[str, Callable[..., str | None]] = {}


def exercise(name: str) -> Callable:
    """Register a check under the exercise's name, "NN.k" (notebook NN, exercise k)."""
    def register(fn: Callable) -> Callable:
        CHECKS[name] = fn
        return fn
    return register


def check(name: str, *answers: Any, **context: Any) -> None:
    """Check the answer(s) to exercise `name` and print the verdict. `context` holds the notebook's
    values the check needs (the data an exercise works on)."""
    if any(answer is ... for answer in answers):
        print(f"Exercise {name}: not answered yet. Replace the ... in the cell above with your answer and run it.")
        return
    try:
        note = CHECKS[name](*answers, **context)
    except NotYet as hint:
        print(f"Exercise {name}: not yet. {hint}")
    except Wrong as hint:
        print(f"Exercise {name}: wrong. {hint}")
    except Exception as error:  # the answer broke the check: that is a hint too
        print(f"Exercise {name}: not yet. Checking your answer raised {type(error).__name__}: {error}")
    else:
        print(f"Exercise {name}: correct!" + (f" {note}" if note else ""))


def replay(notebook: str) -> None:
    """Run a course notebook's code cells in this kernel, hiding their output, so that the names its
    exercises use exist here (solutions.ipynb). A cell that raises on purpose runs up to its error."""
    import matplotlib.pyplot as plt
    from IPython import get_ipython
    from IPython.utils.capture import capture_output

    shell = get_ipython()
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    with capture_output():
        for cell in (c for c in cells if c["cell_type"] == "code"):
            source = "".join(cell["source"])
            if "raises-exception" in cell["metadata"].get("tags", []):
                try:
                    exec(source, shell.user_ns)
                except Exception:  # the error the notebook shows on purpose
                    pass
            else:
                shell.run_cell(source, silent=True).raise_error()
        plt.close("all")


def _is_tensor(t: Any) -> bool:
    return isinstance(t, tg.Tensor)


def _tensor(t: Any, what: str) -> None:
    expect(_is_tensor(t), f"{what} should be a tensor, not a {type(t).__name__}.")


def _shape(t: Any, shape: tuple, what: str) -> None:
    _tensor(t, what)
    expect(tuple(t.shape) == tuple(shape), f"{what} has shape {tuple(t.shape)}; it should have {tuple(shape)}.")


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def _central_difference(f: Callable[[float], float], x: float, h: float = 1e-6) -> float:
    return (f(x + h) - f(x - h)) / (2 * h)


# 00 · What is PyTorch?

@exercise("00.1")
def _(slope: Any) -> None:
    expect(not _is_tensor(slope), "slope is a tensor: `.item()` turns a one-number tensor into a Python number.")
    expect(isinstance(slope, (int, float)), f"slope should be a number, not a {type(slope).__name__}.")
    expected = _central_difference(lambda x: x**3, 2.0)
    expect(abs(slope - expected) < 1e-3, f"the slope of x³ at 2 is not {slope}: did you use x = 2 and y = x**3, "
           "and read x.grad after y.backward()?", Wrong)


@exercise("00.2")
def _(b: Any, a: Any) -> None:
    _shape(b, (a.shape[1], a.shape[0]), "b")
    expect(np.array_equal(np.asarray(b.tolist()), np.asarray(a.tolist()).T),
           "the shape is right but not the numbers: row i of b is column i of a.", Wrong)


# 01 · Tensors

@exercise("01.1")
def _(nhwc: Any, batch: Any) -> None:
    n, c, h, w = batch.shape
    _shape(nhwc, (n, h, w, c), "nhwc")
    expect(np.array_equal(nhwc.numpy(), np.moveaxis(batch.numpy(), 1, -1)),
           "the shape is right, but the numbers moved: permute the dimensions rather than reshape them.", Wrong)


@exercise("01.2")
def _(table: Any) -> None:
    _shape(table, (10, 10), "table")
    expect(table.dtype == tg.int64, f"table has dtype {table.dtype}: make it from int64 tensors, "
           "such as tg.arange(1, 11).")
    n = np.arange(1, 11)
    expect(np.array_equal(table.numpy(), n[:, None] * n[None, :]),
           "table[i, j] should be (i + 1) * (j + 1): a column (10, 1) times a row (10,) broadcasts to (10, 10).", Wrong)


@exercise("01.3")
def _(r: Any, v: Any) -> None:
    _shape(r, v.shape, "r")
    expect(min(v.tolist()) < 0, "v has changed: it has no negative numbers left. Work on a copy, "
           "`v.clone()`, and run the cell that makes v again.", Wrong)
    expect(r.tolist() == np.maximum(np.asarray(v.tolist()), 0).tolist(),
           "r should be v with every negative number replaced by 0: `r[r < 0] = 0.` on a clone.", Wrong)


@exercise("01.4")
def _(batch_shape: Any, out_shape: Any) -> None:
    flat = tg.zeros(64, 1, 28, 28).flatten(start_dim=1)
    for name, answer, shape in [("batch_shape", batch_shape, flat.shape),
                                ("out_shape", out_shape, (flat @ tg.zeros(784, 10)).shape)]:
        expect(isinstance(answer, tuple), f"{name} should be a tuple of ints, like (2, 3).")
        expect(answer == tuple(shape), f"{name} is not {answer}: flattening keeps dimension 0 and multiplies "
               "the others together; (n, k) @ (k, m) gives (n, m).", Wrong)


@exercise("01.5")
def _(arr2: Any, u: Any) -> None:
    _tensor(u, "u")
    expect(isinstance(arr2, np.ndarray), "arr2 should be a NumPy array: np.arange(4.).")
    expect(np.shares_memory(u.numpy(), arr2), "u does not share memory with arr2: make it with tg.from_numpy(arr2), "
           "which does not copy (tg.tensor does).")
    expect(arr2.tolist() == (2 * np.arange(4.)).tolist(), f"arr2 is {arr2.tolist()}: double each number once, "
           "in place, through u (and run the cell only once: it doubles again each time).", Wrong)


# 02 · Devices

@exercise("02.1")
def _(pick_device: Any) -> None:
    expect(callable(pick_device), "pick_device should be a function: def pick_device(): ...")
    device = pick_device()
    expect(device in ("cpu", "cuda"), f"pick_device() returned {device!r}: it should return 'cuda' or 'cpu'.", Wrong)
    expect((device == "cuda") == tg.cuda.is_available(),
           "ask tg.cuda.is_available() whether a GPU can be used here.", Wrong)


@exercise("02.2")
def _(r: Any, p: Any, q: Any) -> None:
    _tensor(r, "r")
    expect(r.device == p.device, f"r is on {r.device}; it should be on p's device, {p.device}: move q there first.",
           Wrong)
    expect(r.tolist() == [a + b for a, b in zip(p.tolist(), q.tolist())], "r should be p + q.", Wrong)


@exercise("02.3")
def _(as_numpy: Any) -> None:
    expect(callable(as_numpy), "as_numpy should be a function: def as_numpy(t): ...")
    device = "cuda" if tg.cuda.is_available() else "cpu"
    for t in (tg.tensor([1., 2.]), tg.tensor([1., 2.], requires_grad=True), tg.tensor([1., 2.], device=device)):
        out = as_numpy(t)
        expect(isinstance(out, np.ndarray), f"as_numpy returned a {type(out).__name__}, not a NumPy array.", Wrong)
        expect(out.tolist() == t.tolist(), "as_numpy should keep the numbers as they are.", Wrong)


# Each option of exercise 02.4: the multiply-adds it does, and the numbers it copies between CPU and GPU.
_GPU_OPTIONS = {"a": (4096**3, 0), "b": (3, 0), "c": (1_000, 2 * 1_000)}


def _pays_off(work: int, copies: int) -> bool:
    # A launch costs about as much as 1e5 multiply-adds on a CPU; a copied number costs more than one.
    return work > 1e5 and copies < work


@exercise("02.4")
def _(faster_on_gpu: Any) -> None:
    expect(isinstance(faster_on_gpu, set), 'faster_on_gpu should be a set of letters, like {"a", "b"}.')
    expect(faster_on_gpu <= set(_GPU_OPTIONS), 'use the letters "a", "b" and "c" only.')
    for letter, (work, copies) in _GPU_OPTIONS.items():
        if _pays_off(work, copies) != (letter in faster_on_gpu):
            raise Wrong(f"think again about ({letter}): how much work is it, compared with a launch "
                        "(a few microseconds) and with the copies it needs?")


# 03 · The computation graph

@exercise("03.1")
def _(count_ops: Any) -> str:
    expect(callable(count_ops), "count_ops should be a function: def count_ops(t): ...")
    x = tg.tensor(1.5, requires_grad=True)
    expect(count_ops(x * 2.0) == 1, "one multiplication is one operation.", Wrong)
    for k in (2, 5):
        t = x
        for _ in range(k):
            t = t * 2.0
        expect(count_ops(t) == k, f"a chain of {k} multiplications should count {k}, not {count_ops(t)}.", Wrong)
    shared = x * 2.0
    expect(count_ops(shared + shared) == 2, "a node reached twice counts once: keep a set of the nodes seen.", Wrong)
    expect(count_ops(tg.tensor(1.1) * 2.0) == 0, "nothing is recorded when no input requires grad (grad_fn is None).",
           Wrong)
    return "Count the loss of section 1 with it: it should match the ellipses of its drawing."


@exercise("03.2")
def _(a2: Any, w1: Any, x1: Any, w2: Any, x2: Any, b: Any) -> None:
    _tensor(a2, "a2")
    expect(a2.grad_fn is not None, "a2 has no grad_fn: build it from w1, x1, w2, x2 and b with * and +, then "
           "tg.sigmoid.")
    expect(a2.grad_fn.name() == "SigmoidBackward0", f"a2 was made by {a2.grad_fn.name()}: it should come out of "
           "tg.sigmoid.", Wrong)
    by_hand = _sigmoid(w1.item() * x1.item() + w2.item() * x2.item() + b.item())
    expect(abs(a2.item() - by_hand) < 1e-6, f"a2 is {a2.item():.4f}: compute σ(w1·x1 + w2·x2 + b).", Wrong)


@exercise("03.3")
def _(trainable: Any, tensors: Any) -> None:
    expect(isinstance(trainable, set), "trainable should be a set of names, like {\"x1\"}.")
    expect(trainable <= set(tensors), f"use the names of `tensors`: {sorted(tensors)}.")
    for name, t in tensors.items():
        trains = t.grad_fn is None and t.requires_grad
        if trains != (name in trainable):
            raise Wrong(f"look again at {name}: is it a leaf (is_leaf), and does it require grad?")


# 04 · Autograd

def _lecture_loss(x1: float, w1: float = 2.2, b: float = 0.0) -> float:
    return -math.log(_sigmoid(w1 * x1 + b))  # y = 1


@exercise("04.1")
def _(dL_dx1: Any, engine_dx1: Any) -> None:
    expected = _central_difference(_lecture_loss, 1.1)
    for name, value in [("dL_dx1", dL_dx1), ("engine_dx1", engine_dx1)]:
        expect(isinstance(value, (int, float)), f"{name} should be a Python number (`.item()` for a tensor).")
    expect(abs(dL_dx1 - expected) < 1e-6, "dL_dx1 is not right: along x1 → z → a → L, dz/dx1 is the factor that "
           "multiplies x1 in z.", Wrong)
    expect(abs(engine_dx1 - expected) < 1e-5, "engine_dx1 is not right: give x1 requires_grad=True, build the "
           "loss from it, call backward() and read x1.grad.", Wrong)


@exercise("04.2")
def _(w1_acc: Any) -> None:
    _tensor(w1_acc, "w1_acc")
    expect(w1_acc.grad is not None, "w1_acc.grad is None: call backward() on a loss built from w1_acc.")
    once = _central_difference(lambda w: _lecture_loss(1.1, w), 2.2)
    calls = w1_acc.grad.item() / once
    expect(abs(calls - round(calls)) < 1e-4, "w1_acc.grad should be a whole number of single gradients: "
           "build the lecture's loss (x1 = 1.1, y = 1, b = 0) each time.", Wrong)
    expect(round(calls) == 3, f"w1_acc.grad holds {round(calls)} gradient(s): run the cell once, with three "
           "backward() calls (run the cell again and it starts from a fresh w1_acc).", Wrong)


@exercise("04.3")
def _(STClamp: Any) -> None:
    expect(isinstance(STClamp, type) and issubclass(STClamp, tg.autograd.Function),
           "STClamp should be a class: class STClamp(tg.autograd.Function): ...")
    values = [-2.0, -0.5, 0.5, 3.0]
    x = tg.tensor(values, requires_grad=True)
    out = STClamp.apply(x)
    expect(out.tolist() == np.clip(values, -1, 1).tolist(), "the forward should clamp to [-1, 1].", Wrong)
    upstream = tg.tensor([1.0, 2.0, 3.0, 4.0])
    (out * upstream).sum().backward()
    expect(x.grad is not None and x.grad.tolist() == upstream.tolist(),
           "the backward should return the gradient it receives, unchanged.", Wrong)


# 05 · Logistic regression

@exercise("05.1")
def _(answer_1: Any, y_train: Any) -> str:
    expect(isinstance(answer_1, float), "answer_1 should be a Python float (`.item()` of the loss).")
    y = y_train.numpy().astype(np.float64)
    expected = -np.mean(y * np.log(0.5) + (1 - y) * np.log(0.5))
    expect(abs(answer_1 - expected) < 1e-6, "with p = 0.5 for every flower, each flower's loss is -log(0.5).", Wrong)
    return "The loss of a model that knows nothing is log 2, whatever the labels."


@exercise("05.2")
def _(answer_2: Any, model: Any, mean: Any, std: Any) -> None:
    expect(isinstance(answer_2, float), "answer_2 should be a Python float (`.item()`).")
    w, b = model.weight.detach().numpy()[0].astype(np.float64), model.bias.item()
    flower = np.array([5.0, 1.7])
    expected = _sigmoid(float((flower - mean) / std @ w + b))
    if abs(answer_2 - expected) > 1e-4 and abs(answer_2 - _sigmoid(float(flower @ w + b))) < 1e-4:
        raise Wrong("the model sees standardised features: give it (flower - mean) / std, not the centimetres.")
    expect(abs(answer_2 - expected) < 1e-4, "answer_2 should be the sigmoid of the model's logit for the "
           "standardised flower.", Wrong)


@exercise("05.3")
def _(answer_3: Any, X_train: Any, y_train: Any) -> str:
    expect(isinstance(answer_3, float), "answer_3 should be a Python float (`.item()` of the loss).")
    X, y = X_train.numpy().astype(np.float64), y_train.numpy().astype(np.float64)

    def loss_after(lr: float, epochs: int = 60) -> float:
        w, b = np.zeros(X.shape[1]), 0.0
        for _ in range(epochs):
            error = 1 / (1 + np.exp(-(X @ w + b))) - y
            w, b = w - lr * X.T @ error / len(y), b - lr * error.mean()
        p = 1 / (1 + np.exp(-(X @ w + b)))
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

    expect(abs(answer_3 - loss_after(0.05)) < 1e-4, "run the 60 epochs of way 1 from w = 0, b = 0 with lr = 0.05, "
           "then compute the loss of the final w and b.", Wrong)
    return "Steps ten times smaller go down the same slope, but 60 of them cover less ground."


# 06 · Beyond

@exercise("06.1")
def _(answer_1: Any, mlp: Any) -> None:
    expect(isinstance(answer_1, int), "answer_1 should be an int.")
    expect(answer_1 == sum(p.numel() for p in mlp.parameters()),
           "a Linear(n, m) learns an (m, n) weight and m biases: add them up over the three layers.", Wrong)


@exercise("06.2")
def _(W: Any, b: Any, stack: Any, X: Any) -> None:
    _shape(W, (1, 2), "W")
    _shape(b, (1,), "b")
    single = tg.nn.Linear(2, 1)
    single.load_state_dict({"weight": W.detach(), "bias": b.detach()})
    with tg.no_grad():
        same = np.allclose(single(X).numpy(), stack(X).numpy(), atol=1e-5)
    expect(same, "a Linear(2, 1) with this W and b does not compute what `stack` computes: follow the hint's "
           "formula, with stack[0] as layer 1 and stack[1] as layer 2.", Wrong)


@exercise("06.3")
def _(relu_mlp: Any, X: Any, y: Any) -> str:
    expect(isinstance(relu_mlp, tg.nn.Module), "relu_mlp should be a model (tg.nn.Sequential(...)).")
    expect(any(isinstance(layer, tg.nn.ReLU) for layer in relu_mlp.modules()), "use tg.nn.ReLU() layers.")
    expect(not any(isinstance(layer, tg.nn.Tanh) for layer in relu_mlp.modules()), "replace every Tanh by a ReLU.")
    with tg.no_grad():
        accuracy = ((relu_mlp(X) > 0).float() == y).float().mean().item()
    expect(accuracy > 0.95, f"its test accuracy is {accuracy:.3f}: did you train it with train(relu_mlp, epochs=40)?",
           Wrong)
    return f"Test accuracy {accuracy:.3f}."
