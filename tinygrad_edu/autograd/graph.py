"""The graph: an `Op` is one operation with its derivative beside it; each use of it adds a `Node`.

`Op.apply(x, y)` computes the result from the operands' arrays and, when an operand requires grad,
returns a tensor whose `grad_fn` is a new `Node` (`MulBackward0`, ...) that remembers the operands and
what the backward will need. Nodes point to their inputs, never to their outputs, so a graph is freed
as soon as its output is: no reference cycles. `engine.py` walks the nodes backwards.
"""
from __future__ import annotations

import itertools
import weakref
from typing import Any

from .. import messages, promotion
from ..tensor import Tensor
from . import grad_mode

_created = itertools.count()  # numbers the nodes in the order they are made


class Node:
    """One use of an op in the graph (a tensor's `grad_fn`), and the `ctx` its forward and backward share.

    The engine's fields are slots; what an op's forward keeps on `ctx` for its backward (`ctx.dims = ...`)
    goes to the node's `__dict__`, freed with the saved values after a backward."""

    __slots__ = ("_seq", "fn", "args", "params", "inputs", "_saved", "_retained", "__dict__", "__weakref__")

    def __init__(self, op: type, operands: tuple, inputs: tuple, params: dict | None = None):
        self._seq = next(_created)  # a node is always made after the nodes that made its inputs
        self.fn = op
        self.args = operands  # the operands as given (tensors and numbers)
        self.params = params  # the op's other arguments (dims, bounds, flags), for drawings
        self.inputs = inputs  # for each operand: the tensor, if it requires grad (else None)
        self._saved: tuple | None = ()
        self._retained: weakref.ref | None = None

    @property
    def needs_input_grad(self) -> tuple:
        """For each operand: does it need a gradient?"""
        return tuple([t is not None for t in self.inputs])

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
        return tuple((None if t is None else (t.grad_fn or t), 0) for t in self.inputs)

    @property
    def all_inputs(self) -> tuple:
        """Every tensor operand, those that need no grad too (for drawings). After a backward freed the
        graph, an operand nothing else keeps alive is replaced by the node that made it, or left out."""
        found = []
        for a in self.args:
            if isinstance(a, _Freed):
                t = a.tensor()
                a = t if t is not None else a.grad_fn
            if isinstance(a, (Tensor, Node)):
                found.append(a)
        return tuple(found)

    def _retain(self, tensor: Tensor) -> None:
        self._retained = weakref.ref(tensor)

    def _release(self) -> None:
        """After a backward: free the saved values and the intermediate operands (PyTorch's graph keeps
        only the leaves too). A node then costs a few small objects, not the step's activations."""
        if self._saved:  # (a node that saved nothing can run again, as in PyTorch)
            self._saved = None
            self.__dict__.clear()
        if self.params:
            self.params = {k: v for k, v in self.params.items() if type(v) in (int, float, bool)}
        args, inputs = [], []
        for a, t in zip(self.args, self.inputs):
            if isinstance(a, Tensor) and (a.grad_fn is not None or not a._requires_grad):
                a = _Freed(a)
                t = None if t is None else a
            args.append(a)
            inputs.append(t)
        self.args, self.inputs = tuple(args), tuple(inputs)


class _Freed:
    """An operand of a node after backward freed the graph: its node, shape and dtype (all a second
    backward needs), and the tensor itself only while something else keeps it alive."""

    __slots__ = ("grad_fn", "shape", "dtype", "tensor")

    def __init__(self, t: Tensor):
        self.grad_fn, self.shape, self.dtype, self.tensor = t.grad_fn, t._data.shape, t._data.dtype, weakref.ref(t)


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
        arrays, inputs, device, dtype, plain, needs_grad = [], [], None, None, True, False
        for x in operands:
            if isinstance(x, Tensor):
                if device is None:
                    device, dtype = x._device, x._data.dtype
                elif x._device is not device and x._device != device:
                    messages.same_device([t for t in operands if isinstance(t, Tensor)])  # raises PyTorch's error
                elif x._data.dtype != dtype:
                    plain = False
                arrays.append(x._data)
                inputs.append(x if x._requires_grad else None)
                needs_grad = needs_grad or x._requires_grad
            else:
                plain = plain and (type(x) is float or type(x) is int)
                arrays.append(x)
                inputs.append(None)
        # One float dtype and Python numbers (training's usual case) need no promotion; anything else does.
        if (cls.promotion is not None or cls.refuses) and (cls.refuses or not plain or dtype is None or dtype.kind != "f"):
            operands = promotion.promote(operands, cls.promotion, cls.refuses)
            arrays = [x._data if isinstance(x, Tensor) else x for x in operands]
            inputs = [x if isinstance(x, Tensor) and x._requires_grad else None for x in operands]
        record = needs_grad and grad_mode._enabled and cls.differentiable
        ctx = Node(cls, operands, tuple(inputs), params) if record else _NoNode()
        try:
            result = Tensor._make(cls.forward(ctx, *arrays, **params))
        except (ValueError, TypeError) as e:  # NumPy's words become PyTorch's, here for every op
            raise messages.translate(e, cls, operands) from None
        if record:
            result._requires_grad, result.grad_fn = True, ctx
        return result

    @classmethod
    def _run_backward(cls, ctx: Node, grad: Any) -> tuple:
        grads = cls.backward(ctx, grad)
        return grads if isinstance(grads, tuple) else (grads,)
