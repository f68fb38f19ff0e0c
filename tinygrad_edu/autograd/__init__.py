"""Automatic differentiation, laid out as `torch.autograd` is.

- `graph.py`: `Op` (an operation, its forward and backward side by side) and `Node` (one use of it).
- `engine.py`: `propagate`, the backward walk; `backward()` and `grad()` on top of it.
- `grad_mode.py`: `no_grad`, `enable_grad`, `set_grad_enabled`.
- `function.py`: `Function`, PyTorch's way to write a custom op on tensors.
- `higher_order.py`: gradients of gradients (`create_graph=True`).
- `gradcheck.py`: gradients against finite differences.
"""
from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from .engine import backward as _backward, grad, propagate, sum_to
from .function import Function
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import gradcheck
from .graph import Node, Op


def backward(tensors: Tensor, grad_tensors: Any = None, retain_graph: bool | None = None,
             create_graph: bool = False) -> None:
    """`autograd.backward(loss)`: the same as `loss.backward()`."""
    _backward(tensors, grad_tensors, retain_graph, create_graph)


def _tensor_backward(self: Tensor, gradient: Any = None, retain_graph: bool | None = None,
                     create_graph: bool = False) -> None:
    """Fill `.grad` of every leaf this tensor was computed from with d(self)/d(leaf)."""
    _backward(self, gradient, retain_graph, create_graph)


Tensor.backward = _tensor_backward
Tensor.backward.__name__ = "backward"
