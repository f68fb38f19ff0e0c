"""`autograd.Function`, as in PyTorch: write a new op with `forward` and `backward` on tensors."""
from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from . import grad_mode
from .graph import Node, Op


class Function(Op):
    """A custom op: static `forward(ctx, ...)` and `backward(ctx, grad)` that take and return tensors.

    Call it as `MyOp.apply(x)`. Its node prints as `<MyOpBackward>`, as PyTorch names custom functions' nodes.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.node_name = cls.__name__ + "Backward"

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Tensor:
        needs_grad = grad_mode._enabled and any(isinstance(a, Tensor) and a.requires_grad for a in args)
        ctx = Node(cls, args)  # (one input per argument: backward returns a grad for each)
        with grad_mode.no_grad():
            out = cls.forward(ctx, *args, **kwargs)
        if not isinstance(out, Tensor):
            raise TypeError(f"{cls.__name__}.forward must return a Tensor, got {type(out).__name__}")
        if needs_grad:
            out = Tensor._make(out._data, out._device, requires_grad=True)
            out.grad_fn, ctx._out_shape, ctx._out_dtype = ctx, out._data.shape, out._data.dtype
        return out

    @classmethod
    def _run_backward(cls, ctx: Node, grad: Any) -> tuple:
        with grad_mode.no_grad():
            grads = cls.backward(ctx, Tensor._make(grad))
        grads = grads if isinstance(grads, tuple) else (grads,)
        if len(grads) != len(ctx.inputs):
            raise RuntimeError(f"function {cls.node_name} returned an incorrect number of gradients "
                               f"(expected {len(ctx.inputs)}, got {len(grads)})")
        return tuple(g._data if isinstance(g, Tensor) else g for g in grads)
