"""Automatic differentiation: every op records a node; `backward()` walks the nodes in reverse.

An `Op` has a `forward` and a `backward`. `Op.apply` runs the forward and, when
an input requires grad, returns a tensor whose `grad_fn` is a node (`MulBackward0`, ...) that holds the
inputs and what the backward needs. Nodes point to their inputs, never to their outputs, so a graph
is freed as soon as its output is: no reference cycles.

A backward without `retain_graph` frees, node by node, what the graph kept for it: the saved values and
the intermediate tensors. A node then keeps only its edges (as PyTorch's do): the leaf parameters, and
for an intermediate input its node, shape and dtype (a `_Freed`). A `loss` kept after `backward()`
costs a few small objects per op, not the step's activations.

Higher derivatives (`autograd.grad(..., create_graph=True)`): the grads are tensors and each node's own
`backward` runs on tensors, so the ops it uses record a graph that can be differentiated again. For
that, the node's saved arrays are swapped for the tensors they came from (an input, or the node's
output). Ops whose backward is written with operators only, and saves only its inputs and output, say
so with `twice_differentiable = True`.
"""
from __future__ import annotations

import copy
import functools
import heapq
import itertools
import weakref
from typing import Any, Callable, Iterable, Sequence

from .backend import array_module, as_array
from .dtypes import from_numpy_dtype
from .tensor import Size, Tensor, same_device

_grad_enabled = True


# --- grad mode ----------------------------------------------------------------------------------

def is_grad_enabled() -> bool:
    """Whether ops record the graph right now."""
    return _grad_enabled


class _GradMode:
    """Sets the grad mode inside a `with` block, or during each call of a decorated function."""
    mode = False

    def __enter__(self) -> None:
        global _grad_enabled
        self.prev, _grad_enabled = _grad_enabled, self.mode

    def __exit__(self, *exc) -> None:
        global _grad_enabled
        _grad_enabled = self.prev

    def __call__(self, fn: Callable) -> Callable:
        mode = self.mode

        @functools.wraps(fn)
        def run(*args, **kwargs):
            with set_grad_enabled(mode):  # a fresh context per call: calls may nest
                return fn(*args, **kwargs)
        return run


class no_grad(_GradMode):
    """Run ops without recording a graph (for evaluation and weight updates). Context or decorator."""
    mode = False


class enable_grad(_GradMode):
    """Record the graph again inside a `no_grad` block. Context or decorator."""
    mode = True


class set_grad_enabled(_GradMode):
    """Turn graph recording on or off: a function call, a context manager or a decorator."""

    def __init__(self, mode: bool):
        global _grad_enabled
        self.mode, self.prev = bool(mode), _grad_enabled
        _grad_enabled = self.mode  # a plain call takes effect at once, as in PyTorch

    def __enter__(self) -> None:
        global _grad_enabled
        _grad_enabled = self.mode  # (the mode to restore was kept when it was made)

    def __call__(self, fn: Callable) -> Callable:
        global _grad_enabled
        _grad_enabled = self.prev  # as a decorator, nothing changes until `fn` runs
        return super().__call__(fn)


# --- the graph's nodes --------------------------------------------------------------------------

_FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after they have "
          "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
          "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
          "if you need to access saved tensors after calling backward.")


_created = itertools.count()  # numbers the nodes in the order they are made


class Node:
    """One op in the graph (a tensor's `grad_fn`), and the `ctx` its forward and backward share."""

    def __init__(self, fn: type, inputs: tuple, args: tuple = ()):
        self._seq = next(_created)  # an op is always made after the ops that made its inputs
        self.fn = fn
        self.inputs = inputs  # the tensor arguments that need a grad, None for the others
        self.args = args      # every argument of the op, as given (for drawings: constant inputs too)
        self.needs_input_grad = tuple([t is not None for t in inputs])
        self._saved: tuple | None = ()
        self._retained: weakref.ref | None = None

    def name(self) -> str:
        return self.fn.node_name()

    def __repr__(self) -> str:
        return f"<{self.name()} object at {id(self):#x}>"

    def save_for_backward(self, *values: Any) -> None:
        """Keep what the backward will need (arrays in the engine's ops, tensors in a custom Function)."""
        self._saved = values

    @property
    def saved_tensors(self) -> tuple:
        if self._saved is None:
            raise RuntimeError(_FREED)
        return self._saved

    @property
    def all_inputs(self) -> tuple:
        """Every tensor argument of the op, those that need no grad too (an input `x`, a target `y`).

        After a backward freed the graph, an argument nothing else keeps alive is gone: an intermediate
        one is replaced by the node that made it, a constant one is left out.
        """
        found = []
        for a in self.args:
            if isinstance(a, _Freed):
                t = a.tensor()
                a = t if t is not None else a.grad_fn
            if isinstance(a, (Tensor, Node)):
                found.append(a)
        return tuple(found)

    @property
    def next_functions(self) -> tuple:
        """The nodes (or leaves) this node sends gradients to, as PyTorch lists them."""
        return tuple((None if t is None else (t.grad_fn or t), 0) for t in self.inputs)

    def _retain(self, tensor: Tensor) -> None:
        self._retained = weakref.ref(tensor)

    def _release(self) -> None:
        """Free what only a backward needed: the saved values, and the tensor arguments other than leaf
        parameters (those PyTorch's graph keeps too). A node that saved nothing can run again."""
        if self._saved:
            self._saved = None
        args = [_Freed(a) if isinstance(a, Tensor) and (a.grad_fn is not None or not a._requires_grad) else a
                for a in self.args]
        self.inputs = tuple([None if t is None else a for t, a in zip(self.inputs, args)])  # (one per argument)
        self.args = tuple(args)


class _Freed:
    """A tensor argument of a node after backward freed the graph: the node that made it, its shape and
    dtype (all a second backward needs), and the tensor itself only while something else keeps it."""

    __slots__ = ("grad_fn", "shape", "dtype", "tensor")

    def __init__(self, t: Tensor):
        self.grad_fn, self.shape, self.dtype, self.tensor = t.grad_fn, t._data.shape, t._data.dtype, weakref.ref(t)


class Op:
    """An op whose `forward(ctx, *args)` and `backward(ctx, *grads)` work on raw arrays.

    The same shape as PyTorch's `autograd.Function` (below), one level down: subclasses are the
    engine's ops. `apply` turns tensors into arrays, runs `forward` and records a
    node when a gradient will be needed. `backward` returns one gradient per argument (None for the
    ones that need none), each in the shape of the op's output: the engine sums broadcast dimensions.
    """

    backward_name: str | None = None  # the node's name if not "<ClassName>Backward0" (as PyTorch names it)
    twice_differentiable = False  # True: `backward` also runs on tensors (create_graph=True, see the top)

    @classmethod
    def node_name(cls) -> str:
        return cls.backward_name or cls.__name__ + "Backward0"

    @staticmethod
    def forward(ctx: Node, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Node, *grads: Any) -> Any:
        raise NotImplementedError

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Tensor:
        # Every op of every step comes through here, so this is one plain loop over the arguments.
        arrays, inputs, device, needs_grad = [], [], None, False
        for a in args:
            if isinstance(a, Tensor):
                if device is None:
                    device = a._device
                elif a._device is not device and a._device != device:
                    same_device([t for t in args if isinstance(t, Tensor)])  # raises PyTorch's error
                arrays.append(a._data)
                wants_grad = a._requires_grad  # (the attribute, not the checking property: this is the hot path)
                inputs.append(a if wants_grad else None)
                needs_grad = needs_grad or wants_grad
            else:
                arrays.append(a)
                inputs.append(None)
        if not (needs_grad and _grad_enabled):  # no graph: the forward alone, with a throwaway ctx
            return Tensor._make(cls.forward(_NoNode(), *arrays, **kwargs))
        ctx = Node(cls, tuple(inputs), args)
        result = Tensor._make(cls.forward(ctx, *arrays, **kwargs))  # (_make turns NumPy scalars into arrays)
        result._requires_grad, result.grad_fn = True, ctx
        return result

    @classmethod
    def _run_backward(cls, ctx: Node, grad: Any) -> tuple:
        grads = cls.backward(ctx, grad)
        return grads if isinstance(grads, tuple) else (grads,)


class _NoNode:
    """The `ctx` an op gets when no graph is recorded: saving is a no-op.

    Each call gets a new one, so what a forward stores on it (`ctx.dim = ...`) is freed with it.
    """
    needs_input_grad = ()

    def save_for_backward(self, *values: Any) -> None:
        pass


# --- the public, tensor-level Function ----------------------------------------------------------

class Function(Op):
    """`autograd.Function` as in PyTorch: `forward(ctx, ...)` and `backward(ctx, ...)` take and return tensors.

    Write a subclass with two static methods, then call `MyOp.apply(x)`. Its node prints as
    `<MyOpBackward>`, as PyTorch names custom functions' nodes.
    """

    @classmethod
    def node_name(cls) -> str:
        return cls.__name__ + "Backward"

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Tensor:
        tensors = [a for a in args if isinstance(a, Tensor)]
        needs_grad = _grad_enabled and any(t.requires_grad for t in tensors)
        ctx = Node(cls, tuple(a if isinstance(a, Tensor) and a.requires_grad else None for a in args),
                   args if needs_grad else ())
        with no_grad():
            out = cls.forward(ctx, *args, **kwargs)
        if not isinstance(out, Tensor):
            raise TypeError(f"{cls.__name__}.forward must return a Tensor, got {type(out).__name__}")
        if needs_grad:
            out = Tensor._make(out._data, out._device, requires_grad=True)
            out.grad_fn = ctx
        return out

    @classmethod
    def _run_backward(cls, ctx: Node, grad: Any) -> tuple:
        with no_grad():
            grads = cls.backward(ctx, Tensor._make(grad))
        grads = grads if isinstance(grads, tuple) else (grads,)
        if len(grads) != len(ctx.inputs):
            raise RuntimeError(f"function {cls.node_name()} returned an incorrect number of gradients "
                               f"(expected {len(ctx.inputs)}, got {len(grads)})")
        return tuple(g._data if isinstance(g, Tensor) else g for g in grads)


# --- walking the graph backwards ----------------------------------------------------------------

def sum_to(grad: Any, shape: tuple) -> Any:
    """Sum `grad` (an array, or a tensor under create_graph) over the dimensions that broadcasting added or
    stretched, so it has `shape`."""
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and grad.shape[lead + i] != 1)
    if isinstance(grad, Tensor):
        return grad.sum(axes, keepdim=True).reshape(shape)
    return grad.sum(axis=axes, keepdims=True).reshape(shape)


def _fit(g: Any, t: Tensor | _Freed) -> Any:
    """The grad `g` for the input `t`: summed to its shape, in its dtype."""
    shape, dtype = (t.shape, t.dtype) if type(t) is _Freed else (t._data.shape, t._data.dtype)
    if g.shape != shape:  # (tested here, not only in sum_to: most grads have the shape already)
        g = sum_to(g, shape)
    if isinstance(g, Tensor):
        return g if g._data.dtype == dtype else g.to(from_numpy_dtype(dtype))
    return as_array(g if g.dtype == dtype else g.astype(dtype))


def _backward_on_tensors(node: Node, grad: Tensor) -> tuple:
    """create_graph: the node's backward run on tensors, recording the graph of the gradient itself."""
    if not node.fn.twice_differentiable:
        raise RuntimeError(f"create_graph=True is not supported through {node.name()}: only ops with "
                           "twice_differentiable = True (the pointwise ops, sum, mean, reshapes) can be "
                           "differentiated twice here")
    inputs = {id(a._data): a for a in node.args if isinstance(a, Tensor)}

    def as_tensor(value: Any) -> Any:
        if id(value) in inputs:
            return inputs[id(value)]
        if not hasattr(value, "shape"):  # a number the forward was given
            return value
        out = Tensor._make(value, requires_grad=True)  # anything else saved is the node's output
        out.grad_fn = node
        return out

    ctx = copy.copy(node)  # the node's other fields (`ctx.p`, ...) as they are, its saved values as tensors
    ctx._saved = tuple(as_tensor(v) for v in node.saved_tensors)
    with enable_grad():
        grads = node.fn.backward(ctx, grad)
    return grads if isinstance(grads, tuple) else (grads,)


def _run(roots: Sequence[Tensor], root_grads: Sequence[Any], retain_graph: bool,
         inputs: Sequence[Tensor] | None = None, create_graph: bool = False) -> list:
    """Propagate `root_grads` from `roots` back through the graph.

    With `inputs=None`, accumulate into `.grad` of leaves (and retained non-leaves); otherwise return
    the gradients of `inputs` and touch no `.grad`. With `create_graph`, the grads are tensors.
    """
    grads: dict = {}       # node -> grad of its output, summed over every use
    leaf_grads: dict = {}  # id(leaf) -> (leaf, grad), summed over every use
    for t, g in zip(roots, root_grads):
        if t.grad_fn is None:
            leaf_grads[id(t)] = (t, g)
        else:
            grads[t.grad_fn] = g if t.grad_fn not in grads else as_array(grads[t.grad_fn] + g)
    # What autograd.grad asks for: a leaf, or an intermediate tensor through the node that made it.
    wanted = None if inputs is None else {id(t.grad_fn or t) for t in inputs}
    results: dict = {}     # id(leaf or node) -> grad, for autograd.grad
    # The nodes waiting to run, newest first: every op that uses a node's output was made after it, so
    # when a node comes out of this heap, all the grads of its output have arrived (no recursion, no sort).
    waiting = [(-node._seq, node) for node in grads]
    heapq.heapify(waiting)
    while waiting:
        node = heapq.heappop(waiting)[1]
        grad = grads.pop(node)
        if wanted is not None and id(node) in wanted:
            results[id(node)] = grad
        if node._retained is not None and inputs is None:
            out = node._retained()
            if out is not None:
                leaf_grads[id(out)] = (out, grad)
        if node._saved is None:
            raise RuntimeError(_FREED)
        input_grads = _backward_on_tensors(node, grad) if create_graph else node.fn._run_backward(node, grad)
        if not retain_graph:
            node._release()
        for t, g in zip(node.inputs, input_grads):
            if t is None or g is None:
                continue
            g = _fit(g, t)
            fn = t.grad_fn
            if fn is None:  # a leaf
                if wanted is None:
                    prev = leaf_grads.get(id(t))
                    leaf_grads[id(t)] = (t, g if prev is None else prev[1] + g)
                elif id(t) in wanted:
                    results[id(t)] = g if id(t) not in results else as_array(results[id(t)] + g)
            elif fn in grads:
                grads[fn] = as_array(grads[fn] + g)
            else:  # the first grad sent to this node: it joins the waiting nodes
                grads[fn] = g
                heapq.heappush(waiting, (-fn._seq, fn))
    if inputs is not None:
        for t, g in zip(roots, root_grads):
            if t.grad_fn is None and id(t) in wanted:
                results[id(t)] = g
        return [results.get(id(t.grad_fn or t)) for t in inputs]
    handed_out = set(map(id, root_grads))  # the caller's arrays: copied before they are stored as a .grad
    for t, g in leaf_grads.values():
        if t.requires_grad:
            _accumulate(t, as_array(g), handed_out)
    return []


def _accumulate(t: Tensor, grad: Any, handed_out: set) -> None:
    """Add `grad` to `t.grad`. A grad stored on a tensor is its own writable array, never a view, the
    caller's `gradient`, or one stored on another tensor (the next backward adds to it in place)."""
    if t.grad is None:
        # (CuPy's flags have no `writeable`: its arrays always are.)
        if id(grad) in handed_out or grad.base is not None or not getattr(grad.flags, "writeable", True):
            grad = grad.copy()
        handed_out.add(id(grad))
        t.grad = Tensor._make(grad, t._device)
    elif t.grad_fn is None:
        t.grad._data += grad  # a leaf's grad adds up in place, as in PyTorch (a reference to .grad sees the sum)
    else:
        t.grad = Tensor._make(t.grad._data + grad, t._device)


def _root_grad(t: Tensor, gradient: Any, what: str = "grad") -> Any:
    if gradient is None:
        if t._data.size != 1:
            raise RuntimeError(f"{what} can be implicitly created only for scalar outputs")
        # d(t)/d(t) = 1, in t's dtype and shape (not `ones_like`, three times slower: this runs at every step)
        return array_module(t._data).asarray(1, dtype=t._data.dtype).reshape(t._data.shape)
    if isinstance(gradient, Tensor) and gradient._device != t._device:
        raise RuntimeError(f"invalid gradient at index 0 - expected device {t._device} but got {gradient._device}")
    g = gradient._data if isinstance(gradient, Tensor) else array_module(t._data).asarray(gradient)
    if g.shape != t._data.shape:
        raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of {Size(g.shape)} and output[0] has a "
                           f"shape of {t.shape}.")
    return g.astype(t._data.dtype, copy=False)


def backward(tensor: Tensor, gradient: Any = None, retain_graph: bool = False) -> None:
    """Accumulate d(tensor)/d(leaf) into `.grad` of every leaf that requires grad."""
    if not tensor.requires_grad:
        raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    _run([tensor], [_root_grad(tensor, gradient)], bool(retain_graph))


def grad(outputs: Tensor | Sequence[Tensor], inputs: Tensor | Sequence[Tensor],
         grad_outputs: Any = None, retain_graph: bool | None = None, create_graph: bool = False,
         allow_unused: bool = False) -> tuple:
    """The gradients of `outputs` with respect to `inputs`, returned, without touching any `.grad`.

    With `create_graph=True` the gradients have a graph of their own, so they can be differentiated again.
    """
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs] * len(outputs)
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    for o in outputs:
        if not o.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    roots = [_root_grad(o, g) for o, g in zip(outputs, grad_outputs)]
    if create_graph:
        roots = [Tensor._make(g, o._device) for g, o in zip(roots, outputs)]
    retain_graph = create_graph if retain_graph is None else retain_graph
    found = _run(outputs, roots, bool(retain_graph), inputs, bool(create_graph))
    unused = [i for i, g in enumerate(found) if g is None]
    if unused and not allow_unused:
        raise RuntimeError(f"The differentiated Tensor at index {unused[0]} appears to not have been used in the "
                           "graph. Set allow_unused=True if this is the desired behavior.")
    return tuple(g if g is None or isinstance(g, Tensor) else Tensor._make(g, t._device)
                 for g, t in zip(found, inputs))


def gradcheck(fn: Callable, inputs: Tensor | Iterable[Tensor], eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True) -> bool:
    """Check `fn`'s gradients against central finite differences; inputs should be float64."""
    import numpy as np
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    wrt = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    for t in wrt:
        if t.dtype.name != "float64":
            import warnings
            warnings.warn("Input #0 requires gradient and is not a double precision floating point. "
                          "This check will likely fail if all the inputs are not of double precision floating point.")
    out = fn(*inputs)
    out_np = out.detach().numpy(force=True)
    for k in range(out_np.size):
        seed = np.zeros_like(out_np)
        seed.reshape(-1)[k] = 1
        analytic = grad(fn(*inputs), wrt, grad_outputs=Tensor._make(array_module(out._data).asarray(seed)),
                        allow_unused=True)
        for i, t in enumerate(wrt):
            a = np.zeros(t.shape) if analytic[i] is None else analytic[i].numpy(force=True)
            numeric = np.zeros(t.shape)
            flat = t._data.reshape(-1)
            for j in range(flat.size):
                orig = flat[j].item()
                flat[j] = orig + eps
                plus = fn(*inputs).detach().numpy(force=True).reshape(-1)[k]
                flat[j] = orig - eps
                minus = fn(*inputs).detach().numpy(force=True).reshape(-1)[k]
                flat[j] = orig
                numeric.reshape(-1)[j] = (plus - minus) / (2 * eps)
            if not np.allclose(a, numeric, atol=atol, rtol=rtol):
                if raise_exception:
                    raise RuntimeError(f"Jacobian mismatch for output {k} with respect to input {i},\n"
                                       f"numerical:{numeric}\nanalytical:{a}\n")
                return False
    return True
