"""The graph: an `Op` is one operation with its derivative beside it; each use of it adds a `Node`.

`Op.apply(x, y)` computes the result from the operands' arrays and, when an operand requires grad,
returns a tensor whose `grad_fn` is a new `Node` (`MulBackward0`, ...) that holds the graph's edges (for
each operand, the node that made it, or the leaf itself) and what the backward will need. Nodes point to
their inputs, never to their outputs, so a graph is freed as soon as its output is: no reference cycles.
`engine.py` walks the nodes backwards.
"""
from __future__ import annotations

import itertools
import weakref
from typing import Any

from .. import messages, promotion
from ..backend import quiet_numpy
from ..tensor import Tensor
from . import grad_mode

_ref = weakref.ref
_next_number = itertools.count().__next__  # numbers the nodes in the order they are made


class Node:
    """One use of an op in the graph (a tensor's `grad_fn`), and the `ctx` its forward and backward share.

    The engine's fields are slots; what an op's forward keeps on `ctx` for its backward (`ctx.dims = ...`)
    goes to the node's `__dict__`, freed with the saved values after a backward."""

    __slots__ = ("_seq", "fn", "inputs", "params", "_out_shape", "_out_dtype", "_operands", "_weak", "_saved",
                 "_retained", "__dict__", "__weakref__")

    def __init__(self, op: type, operands: tuple, params: dict | None = None):
        self._seq = _next_number()  # a node is always made after the nodes that made its inputs
        self.fn = op
        self.params = params  # the op's other arguments (dims, bounds, flags), for drawings
        self._operands = operands  # the operands as given (tensors and numbers), until a backward frees them
        inputs, weak = [], []
        for x in operands:
            if isinstance(x, Tensor):
                inputs.append((x.grad_fn or x) if x._requires_grad else None)
                weak.append(_ref(x))
            else:
                inputs.append(None)
                weak.append(x)
        self.inputs = tuple(inputs)  # the graph's edges: per operand, its node, the leaf itself, or None (no grad)
        self._weak = tuple(weak)  # the operands, each tensor by weak reference: what drawings see after a backward
        self._saved: tuple | None = ()
        self._retained: weakref.ref | None = None
        # (self._out_shape and _out_dtype, of the result, are set once forward has made it: its grad must fit them)

    @property
    def needs_input_grad(self) -> tuple:
        """For each operand: does it need a gradient?"""
        return tuple([e is not None for e in self.inputs])

    def name(self) -> str:
        return self.fn.node_name

    def __repr__(self) -> str:
        return f"<{self.name()} object at {id(self):#x}>"

    def save_for_backward(self, *values: Any) -> None:
        """Keep what the backward will need."""
        self._saved = values

    @property
    def saved_tensors(self) -> tuple:
        if self._saved is None:
            raise RuntimeError(messages.FREED)
        return self._saved

    @property
    def next_functions(self) -> tuple:
        """Where this node sends gradients: for each operand, the node that made it (or the leaf itself)."""
        return tuple((e, 0) for e in self.inputs)

    @property
    def args(self) -> tuple:
        """The operands as given (tensors and numbers). After a backward freed the graph, a tensor operand
        nothing else keeps alive is replaced by the node that made it, or left out."""
        if self._operands is not None:
            return self._operands
        found = []
        for a, e in zip(self._weak, self.inputs):
            if type(a) is weakref.ref:
                a = a()
                a = (e if type(e) is Node else None) if a is None else a
            if a is not None:
                found.append(a)
        return tuple(found)

    @property
    def all_inputs(self) -> tuple:
        """Every tensor operand, those that need no grad too (for drawings), or the node that made it."""
        return tuple([a for a in self.args if isinstance(a, (Tensor, Node))])

    def _retain(self, tensor: Tensor) -> None:
        self._retained = weakref.ref(tensor)

    def _release(self) -> None:
        """After a backward: free the saved values and the operands (PyTorch's graph keeps only the leaves
        too). A node then costs a few small objects, not the step's activations."""
        if self._saved:  # (a node that saved nothing can run again, as in PyTorch)
            self._saved = None
            self.__dict__.clear()
        self._operands = None
        if self.params:
            self.params = {k: v for k, v in self.params.items() if type(v) in (int, float, bool)}


class _NoNode:
    """The `ctx` of a forward that records nothing: saving is a no-op, and it is freed with the call."""
    needs_input_grad = ()

    def save_for_backward(self, *values: Any) -> None:
        pass


class Op:
    """An operation: `forward` computes it on arrays, `backward` is its derivative, side by side.

    - `forward(ctx, *arrays, **params)`: the result, from the operands' arrays (NumPy or CuPy) and
      Python numbers. Dims, shapes and flags are keyword `params`, never operands.
    - `backward(ctx, grad)`: given grad = d(loss)/d(result), d(loss)/d(operand) for each operand, in
      the result's shape: the engine sums broadcast dimensions back, once, for every op.
    `ctx` is the graph's node: what forward saves on it, backward reads.
    """

    node_name = "OpBackward0"  # how the node prints (`<MulBackward0>`): "<ClassName>Backward0" unless given
    promotion: str | None = None  # "common": operands meet in PyTorch's result dtype; "float": a float one
    refuses: tuple = ()           # dtypes PyTorch has no kernel for here, and the kernel's name: ("abs_cpu", "bool")
    differentiable = True         # False: the result never requires grad (comparisons, argmax, ...)
    twice_differentiable = False  # True: `backward` also runs on tensors (autograd.grad(create_graph=True))

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "node_name" not in cls.__dict__:
            cls.node_name = cls.__name__ + "Backward0"

    @classmethod
    def named(cls, node_name: str) -> type:
        """The same op under another node name (PyTorch names overloads apart: `SumBackward1`)."""
        return type(cls.__name__, (cls,), {"node_name": node_name, "__doc__": cls.__doc__})

    @staticmethod
    def forward(ctx: Node, *arrays: Any, **params: Any) -> Any:
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Node, grad: Any) -> Any:
        raise NotImplementedError

    @classmethod
    def apply(cls, *operands: Any, **params: Any) -> Tensor:
        """Run the op on tensors (and numbers): the result, recorded in the graph when a gradient will be needed."""
        # Every op of every step comes through here: one plain loop over the operands.
        arrays, device, dtype, plain, needs_grad = [], None, None, True, False
        for x in operands:
            if isinstance(x, Tensor):
                a = x._data
                if device is None:
                    device, dtype = x._device, a.dtype
                elif x._device is not device and x._device != device:
                    messages.same_device([t for t in operands if isinstance(t, Tensor)])  # raises PyTorch's error
                elif a.dtype is not dtype and a.dtype != dtype:
                    plain = False
                arrays.append(a)
                needs_grad = needs_grad or x._requires_grad
            else:
                plain = plain and (type(x) is float or type(x) is int)
                arrays.append(x)
        # One float dtype and Python numbers (training's usual case) need no promotion; anything else does.
        if (cls.promotion is not None or cls.refuses) and (cls.refuses or not plain or dtype is None or dtype.kind != "f"):
            operands = promotion.promote(operands, cls.promotion, cls.refuses)
            arrays = [x._data if isinstance(x, Tensor) else x for x in operands]
            needs_grad = any(isinstance(x, Tensor) and x._requires_grad for x in operands)
        record = needs_grad and grad_mode._enabled and cls.differentiable
        ctx = Node(cls, operands, params) if record else _NoNode()
        try:
            try:
                out = cls.forward(ctx, *arrays, **params)
            except RuntimeWarning:  # the caller's warning filter made NumPy's warning (log(0), 1 / 0) an error:
                with quiet_numpy():  # PyTorch computes inf and nan silently, so the op does too
                    out = cls.forward(ctx, *arrays, **params)
        except (ValueError, TypeError) as e:  # NumPy's words become PyTorch's, here for every op
            raise messages.translate(e, cls, operands) from None
        result = Tensor._make(out)
        if record:
            ctx._out_shape, ctx._out_dtype = result._data.shape, result._data.dtype
            result._requires_grad, result.grad_fn = True, ctx
        return result

    @classmethod
    def _run_backward(cls, ctx: Node, grad: Any) -> tuple:
        try:
            grads = cls.backward(ctx, grad)
        except RuntimeWarning:  # (as in apply: silent inf and nan, whatever the caller's warning filter)
            with quiet_numpy():
                grads = cls.backward(ctx, grad)
        return grads if isinstance(grads, tuple) else (grads,)
