"""PyTorch's words: the exact messages and exception types of its errors, in one place.

Nothing here is needed to understand how the engine computes or differentiates. It is here so that a
learner's mistake raises what PyTorch would raise, with the same type and nearly the same message, and
so that NumPy's errors (which speak of `operands could not be broadcast`) never reach the learner.
The engine's ops never build a message themselves: they call one of these functions.
"""
from __future__ import annotations

from typing import Any

import numpy as np

# How PyTorch's messages name each element type: in Python terms ('Float', as in FloatTensor) and in C++
# terms ('float', as its C++ kernels print it). One table, so the two can never disagree.
TYPE_NAMES = {"bool": ("Bool", "bool"), "uint8": ("Byte", "unsigned char"), "int8": ("Char", "signed char"),
              "int16": ("Short", "short int"), "int32": ("Int", "int"), "int64": ("Long", "long int"),
              "float16": ("Half", "c10::Half"), "float32": ("Float", "float"), "float64": ("Double", "double")}


def type_name(dtype: Any) -> str:
    """'Float', 'Long', 'Bool'...: a dtype as PyTorch's messages and type names (`FloatTensor`) say it."""
    return TYPE_NAMES[dtype.name][0]


def c_type_name(dtype: Any) -> str:
    """'float', 'long int', 'c10::Half'...: a dtype as PyTorch's C++ kernels print it."""
    return TYPE_NAMES[dtype.name][1]


def tensor_type(t: Any) -> str:
    """'tinygrad_edu.FloatTensor': the type of a tensor as PyTorch's messages name it."""
    return f"tinygrad_edu.{type_name(t.dtype)}Tensor"


# --- autograd -----------------------------------------------------------------------------------

FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after they have "
         "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
         "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
         "if you need to access saved tensors after calling backward.")

NOT_RECORDED = ("tinygrad_edu does not record in-place operations on tensors that are part of a graph (PyTorch "
                "does); write the out-of-place form, such as y = y + 1.")

ONLY_LEAVES = ("you can only change requires_grad flags of leaf variables. If you want to use a computed variable "
               "in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")

NO_GRAD_FN = "element 0 of tensors does not require grad and does not have a grad_fn"


def grad_dtype(what: str = "") -> RuntimeError:
    """Only floating-point tensors can require grad (PyTorch's words differ between the attribute and the method)."""
    return RuntimeError(f"only Tensors of floating point {what}dtype can require gradients")


def inplace_on_leaf(view: bool = False) -> RuntimeError:
    return RuntimeError(f"a {'view of a ' if view else ''}leaf Variable that requires grad is being used in an "
                        "in-place operation.")


# --- dtypes, devices, shapes --------------------------------------------------------------------

def no_kernel(kernel: str, dtype: Any) -> NotImplementedError:
    """An op PyTorch has no implementation of for a dtype: '"abs_cpu" not implemented for 'Bool''."""
    return NotImplementedError(f'"{kernel}" not implemented for \'{type_name(getattr(dtype, "dtype", dtype))}\'')


def devices_differ(first: Any, second: Any) -> RuntimeError:
    return RuntimeError("Expected all tensors to be on the same device, but found at least two devices, "
                        f"{first} and {second}!")


def same_device(tensors: Any) -> None:
    """Raise PyTorch's error if the tensors are not all on one device (nothing is ever copied silently)."""
    devices = list(dict.fromkeys(t._device for t in tensors))
    if len(devices) > 1:  # PyTorch names the first GPU it met first: "cuda:0 and cpu"
        common = next((d for d in devices if d.type != "cpu"), devices[0])
        raise devices_differ(common, next(d for d in devices if d != common))


def broadcast_error(*shapes: tuple) -> RuntimeError:
    """PyTorch's message for shapes that cannot broadcast, with both shapes named."""
    a, b = tuple(shapes[0]), tuple(shapes[1])
    for s in shapes[1:]:  # (three shapes, for `where`: the first pair that fails)
        try:
            a, b = np.broadcast_shapes(a, tuple(s)), tuple(s)
        except ValueError:
            b = tuple(s)
            break
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x != y and 1 not in (x, y):
            dim = max(len(a), len(b)) - i
            return RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton "
                                f"dimension {dim} (shapes {list(a)} and {list(b)} cannot be broadcast)")
    return RuntimeError(f"shapes {[list(s) for s in shapes]} cannot be broadcast")


def check_broadcast(*shapes: tuple) -> None:
    """PyTorch's broadcast error now, for code that checks shapes before anything else."""
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise broadcast_error(*shapes) from None


def dim_out_of_range(dim: int, ndim: int) -> IndexError:
    n = max(ndim, 1)
    return IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")


# --- NumPy's errors, translated once --------------------------------------------------------------

def translate(error: Exception, op: Any, operands: tuple) -> Exception:
    """The error PyTorch raises where NumPy raised `error` inside `op`'s forward (or `error` itself).

    `Op.apply` sends every ValueError and TypeError of a forward here, so no op translates its own.
    """
    text = str(error)
    shapes = [tuple(x.shape) for x in operands if hasattr(x, "shape")]
    if isinstance(error, ValueError) and "broadcast" in text and len(shapes) > 1:
        return broadcast_error(*shapes)
    if isinstance(error, TypeError) and "boolean subtract" in text:
        return RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                            "`logical_xor()` operator instead.")
    if isinstance(error, TypeError) and "boolean negative" in text:
        return RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                            "invert a mask, use the `~` or `logical_not()` operator instead.")
    return error
