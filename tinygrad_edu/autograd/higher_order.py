"""Higher derivatives (`create_graph=True`): a node's backward run on tensors, recording a graph of its own.

The grads are tensors, and an op's `backward` written with operators on `grad` and on its saved values
then records the ops it uses, so the gradient itself can be differentiated. For that, the node's saved
arrays are swapped for the tensors they came from (an operand, or the node's own output). Ops whose
backward is written that way, and saves only operands and output, say so: `twice_differentiable = True`.
"""
from __future__ import annotations

import copy
from typing import Any

from ..tensor import Tensor
from . import grad_mode


def backward_on_tensors(node: Any, grad: Tensor) -> tuple:
    """The node's backward, on tensors, with the graph recorded."""
    if not node.fn.twice_differentiable:
        raise RuntimeError(f"create_graph=True is not supported through {node.name()}: only ops with "
                           "twice_differentiable = True (the pointwise ops, sum, mean, reshapes, matmul, linear, "
                           "losses) can be differentiated twice here")
    operands = {id(a._data): a for a in node.args if isinstance(a, Tensor)}

    def as_tensor(value: Any) -> Any:
        if id(value) in operands:
            return operands[id(value)]
        if not hasattr(value, "shape"):  # a number the forward was given
            return value
        out = Tensor._make(value, requires_grad=True)  # anything else saved is the node's output
        out.grad_fn = node
        return out

    ctx = copy.copy(node)  # the node's other fields (`ctx.p`, ...) as they are, its saved values as tensors
    ctx._saved = tuple(as_tensor(v) for v in node.saved_tensors)
    with grad_mode.enable_grad():
        grads = node.fn.backward(ctx, grad)
    return grads if isinstance(grads, tuple) else (grads,)
