"""Backward: the chain rule, applied node by node from the output back to the leaves.

One routine, `propagate`, sends gradients back through the graph; two thin consumers use it:
`backward()` adds what reaches the leaves to their `.grad`, `autograd.grad()` returns it.
"""
from __future__ import annotations

import heapq
from typing import Any, Sequence

from .. import messages
from ..dtypes import FROM_NUMPY
from ..backend import array_module, as_array
from ..tensor import Size, Tensor
from . import higher_order
from .graph import Node


def sum_to(grad: Any, shape: tuple) -> Any:
    """Sum `grad` over the dimensions broadcasting added or stretched, so it has `shape`: the one place
    where every op's broadcasting is undone. (An array, or a tensor when the grad has a graph.)"""
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1)
    if isinstance(grad, Tensor):
        return grad.sum(axes, keepdim=True).reshape(shape)
    return grad.sum(axis=axes, keepdims=True).reshape(shape)


def _fit(g: Any, shape: tuple, dtype: Any) -> Any:
    """The grad `g` for a tensor of `shape` and `dtype`: summed to that shape, in that dtype."""
    if g.shape != shape:  # (tested here, not in sum_to: most grads have the shape already)
        g = sum_to(g, shape)
    if isinstance(g, Tensor):
        return g if g._data.dtype == dtype else g.to(FROM_NUMPY[dtype])
    return as_array(g if g.dtype == dtype else g.astype(dtype))


def _add(a: Any, b: Any) -> Any:
    """Two grads of one tensor, summed (an array stays an array: NumPy makes 0-d sums scalars)."""
    return as_array(a + b)


def propagate(roots: Sequence[Tensor], grads: Sequence[Any], retain_graph: bool, create_graph: bool = False,
              wanted: set | None = None) -> dict:
    """Send each root's gradient back through the graph that made it.

    Returns {id: (leaf, grad)} for every leaf reached, and {id: (node, grad)} for the nodes whose output's
    grad is wanted: those in `wanted`, or (wanted=None) those whose tensor called `retain_grad()`.
    """
    found: dict = {}    # id -> (leaf, its grad), and (node, its output's grad) for the wanted nodes
    pending: dict = {}  # node -> the grad of its output, summed over every use so far
    # Nodes wait in a heap, newest first: every op that used a node's output was made after it, so when a
    # node comes out, all the grads of its output have arrived (no recursion, no topological sort).
    waiting: list = []
    edges = [(t.grad_fn or t, g) for t, g in zip(roots, grads)]
    while True:
        for e, g in edges:  # each grad goes to the node that made its tensor, or to the leaf itself
            if e is None or g is None:
                continue
            if type(e) is Node:
                if g.shape != e._out_shape or g.dtype != e._out_dtype:
                    g = _fit(g, e._out_shape, e._out_dtype)  # (most grads fit already: the call is saved)
                if e in pending:
                    pending[e] = _add(pending[e], g)
                else:  # the first grad sent to this node: it joins the waiting ones
                    pending[e] = g
                    heapq.heappush(waiting, (-e._seq, e))
            else:  # a leaf: its grads add up
                if g.shape != e._data.shape or g.dtype != e._data.dtype:
                    g = _fit(g, e._data.shape, e._data.dtype)
                prev = found.get(id(e))
                found[id(e)] = (e, g if prev is None else _add(prev[1], g))
        if not waiting:
            return found
        node = heapq.heappop(waiting)[1]
        grad = pending.pop(node)
        if (node._retained is not None) if wanted is None else (id(node) in wanted):
            found[id(node)] = (node, grad)
        if node._saved is None:
            raise RuntimeError(messages.FREED)
        if create_graph:
            input_grads = higher_order.backward_on_tensors(node, grad)
        else:
            input_grads = node.fn._run_backward(node, grad)
        if not retain_graph:
            node._release()
        edges = zip(node.inputs, input_grads)


def _root_grad(t: Tensor, gradient: Any) -> Any:
    """d(t)/d(t): ones for a one-element `t`, or the `gradient` the caller gives, checked."""
    if gradient is None:
        if t._data.size != 1:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        return array_module(t._data).asarray(1, dtype=t._data.dtype).reshape(t._data.shape)
    if isinstance(gradient, Tensor) and gradient._device != t._device:
        raise RuntimeError(f"invalid gradient at index 0 - expected device {t._device} but got {gradient._device}")
    g = gradient._data if isinstance(gradient, Tensor) else array_module(t._data).asarray(gradient)
    if g.shape != t._data.shape:
        raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of {Size(g.shape)} and output[0] has a "
                           f"shape of {t.shape}.")
    return g.astype(t._data.dtype, copy=False)


def backward(tensor: Tensor, gradient: Any = None, retain_graph: bool | None = None,
             create_graph: bool = False) -> None:
    """Add d(tensor)/d(leaf) to `.grad` of every leaf `tensor` was computed from."""
    if not tensor._requires_grad:
        raise RuntimeError(messages.NO_GRAD_FN)
    root = _root_grad(tensor, gradient)
    if create_graph:
        root = Tensor._make(root, tensor._device)
    retain_graph = create_graph if retain_graph is None else retain_graph
    found = propagate([tensor], [root], bool(retain_graph), bool(create_graph))
    caller_arrays = {id(root)}  # never stored as a .grad: the caller may change them
    for t, g in found.values():
        if isinstance(t, Tensor):
            if t._requires_grad:
                _accumulate(t, g, caller_arrays)
        else:  # a node whose tensor called retain_grad()
            out = t._retained()
            if out is not None:
                _accumulate(out, g, caller_arrays)


def _accumulate(t: Tensor, grad: Any, caller_arrays: set) -> None:
    """Add `grad` to `t.grad`. A stored grad is its own writable array (never a view, the caller's
    `gradient`, or another tensor's grad): the next backward adds to it in place."""
    if isinstance(grad, Tensor):  # create_graph: the grad has a graph of its own
        t.grad = grad if t.grad is None else t.grad + grad
    elif t.grad is None:
        grad = as_array(grad)
        if id(grad) in caller_arrays or grad.base is not None or not getattr(grad.flags, "writeable", True):
            grad = grad.copy()
        caller_arrays.add(id(grad))
        t.grad = Tensor._make(grad, t._device)
    elif t.grad_fn is None and t.grad.grad_fn is None:
        t.grad._data += grad  # a leaf's grad adds up in place, as in PyTorch (a reference to .grad sees the sum)
    else:
        t.grad = Tensor._make(t.grad._data + grad, t._device)


def grad(outputs: Tensor | Sequence[Tensor], inputs: Tensor | Sequence[Tensor], grad_outputs: Any = None,
         retain_graph: bool | None = None, create_graph: bool = False, allow_unused: bool = False) -> tuple:
    """The gradients of `outputs` with respect to `inputs`, returned, without touching any `.grad`.

    With `create_graph=True` the gradients have a graph of their own, so they can be differentiated again.
    """
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs] * len(outputs)
    if not all(t.requires_grad for t in inputs):
        raise RuntimeError("One of the differentiated Tensors does not require grad")
    if not all(o.requires_grad for o in outputs):
        raise RuntimeError(messages.NO_GRAD_FN)
    roots = [_root_grad(o, g) for o, g in zip(outputs, grad_outputs)]
    if create_graph:
        roots = [Tensor._make(g, o._device) for g, o in zip(roots, outputs)]
    retain_graph = create_graph if retain_graph is None else retain_graph
    keys = [id(t.grad_fn or t) for t in inputs]  # an intermediate input: the grad of the node that made it
    found = propagate(outputs, roots, bool(retain_graph), bool(create_graph), wanted=set(keys))
    unused = [i for i, k in enumerate(keys) if k not in found]
    if unused and not allow_unused:
        raise RuntimeError(f"The differentiated Tensor at index {unused[0]} appears to not have been used in the "
                           "graph. Set allow_unused=True if this is the desired behavior.")
    return tuple(None if k not in found else g if isinstance(g := found[k][1], Tensor) else Tensor._make(g, t._device)
                 for k, t in zip(keys, inputs))
