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


# --- shapes, movement ----------------------------------------------------------------------------

def missing_argument(fn: str, name: str) -> TypeError:
    """`ones()`, `reshape()`, `permute()`, `expand()` with nothing to say which shape."""
    return TypeError(f'{fn}() missing 1 required positional arguments: "{name}"')


def not_a_shape(fn: str, name: str, value: Any, pos: int | None = None) -> TypeError:
    """A shape that is not a tuple of ints (`pos`: the element that is not an int)."""
    got = type(value).__name__
    if pos is None:
        return TypeError(f"{fn}(): argument '{name}' (position 1) must be tuple of ints, not {got}")
    if pos == 0:
        return TypeError(f"{fn}(): argument '{name}' (position 1) must be tuple of ints, but found element of type "
                         f"{got} at pos 0")
    return TypeError(f"{fn}(): argument '{name}' failed to unpack the object at pos {pos + 1} with error \"type must "
                     f"be tuple of ints,but got {got}\"")


def negative_dimension(n: int, sizes: tuple) -> RuntimeError:
    return RuntimeError(f"Trying to create tensor with negative dimension {n}: {list(sizes)}")


def one_inferred() -> RuntimeError:
    return RuntimeError("only one dimension can be inferred")


def invalid_dimension(n: int, i: int, sizes: tuple) -> RuntimeError:
    return RuntimeError(f"invalid shape dimension {n} at index {i} of shape {list(sizes)}")


def ambiguous_reshape(sizes: tuple) -> RuntimeError:
    return RuntimeError(f"cannot reshape tensor of 0 elements into shape {list(sizes)} because the unspecified "
                        "dimension size -1 can be any value and is ambiguous")


def invalid_shape(sizes: tuple, numel: int) -> RuntimeError:
    return RuntimeError(f"shape '{list(sizes)}' is invalid for input of size {numel}")


def repeated_dim(d: int) -> RuntimeError:
    return RuntimeError(f"dim {d} appears multiple times in the list of dims")


FLATTEN_ORDER = "flatten() has invalid args: start_dim cannot come after end_dim"
PERMUTE_REPEATED = "permute(): duplicate dims are not allowed."


def permute_length(ndim: int, n: int) -> RuntimeError:
    return RuntimeError("permute(sparse_coo): number of dimensions in the tensor input does not match the length of "
                        f"the desired ordering of dimensions i.e. input.dim() = {ndim} is not equal to len(dims) = {n}")


def t_dims(ndim: int) -> RuntimeError:
    return RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {ndim}D")


def expand_too_few(t: Any, sizes: tuple) -> RuntimeError:
    return RuntimeError(f"expand({tensor_type(t)}{{{list(t.shape)}}}, size={list(sizes)}): the number of sizes "
                        f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in the tensor "
                        f"({t.ndim})")


def expand_mismatch(n: int, old: int, i: int, sizes: tuple, shape: tuple) -> RuntimeError:
    return RuntimeError(f"The expanded size of the tensor ({n}) must match the existing size ({old}) at non-singleton "
                        f"dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(shape)}")


def expand_leading(n: int, i: int) -> RuntimeError:
    return RuntimeError(f"The expanded size of the tensor ({n}) isn't allowed in a leading, non-existing dimension {i}")


CAT_EMPTY = "tinygrad_edu.cat(): expected a non-empty list of Tensors"
STACK_EMPTY = "stack expects a non-empty TensorList"


def cat_zero_d(i: int) -> RuntimeError:
    return RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")


def cat_ndim(a: int, b: int) -> RuntimeError:
    return RuntimeError(f"Tensors must have same number of dimensions: got {a} and {b}")


def cat_sizes(d: int, expected: int, got: int, i: int) -> RuntimeError:
    return RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size {expected} but got size "
                        f"{got} for tensor number {i} in the list.")


def stack_sizes(first: tuple, other: tuple, i: int) -> RuntimeError:
    return RuntimeError(f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 and "
                        f"{list(other)} at entry {i}")


# --- reductions ---------------------------------------------------------------------------------

def autograd_dtype(dtype: Any) -> RuntimeError:
    return RuntimeError(f"Autograd not support dtype: {type_name(dtype)}")


def mean_dtype(dtype: Any) -> RuntimeError:
    return RuntimeError("mean(): could not infer output dtype. Input dtype must be either a floating point or complex "
                        f"dtype. Got: {type_name(dtype)}")


def reduce_all_empty(name: str) -> Exception:
    """`max()` / `argmax()` of an empty tensor without a dim (max says RuntimeError, argmax IndexError)."""
    if name.startswith("arg"):
        return IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
    return RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                        "reduction dim with the 'dim' argument.")


def reduce_dim_empty(name: str, d: int) -> IndexError:
    return IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def arg_bool(name: str) -> RuntimeError:
    return RuntimeError(f"{name}(): does not support bool input")


# --- matmul -------------------------------------------------------------------------------------

def matmul_0d(a: int, b: int) -> RuntimeError:
    return RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a}D and {b}D")


def dot_sizes(k_a: int, k_b: int) -> RuntimeError:
    return RuntimeError(f"inconsistent tensor size, expected tensor [{k_a}] and src [{k_b}] to have the same number "
                        f"of elements, but got {k_a} and {k_b} elements respectively")


def mm_shapes(a: tuple, b: tuple) -> RuntimeError:
    """'mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)'."""
    return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({'x'.join(map(str, a))} and "
                        f"{'x'.join(map(str, b))})")


def mv_sizes(rows: int, k_a: int, k_b: int, out_rows: int | None = None) -> RuntimeError:
    """matrix @ vector of the wrong size (`out_rows`: the size of an `out=` vector, PyTorch's `input`)."""
    return RuntimeError(f"size mismatch, got input ({rows if out_rows is None else out_rows}), mat ({rows}x{k_a}), "
                        f"vec ({k_b})")


def bmm_sizes(batch: int, k_a: int, k_b: int) -> RuntimeError:
    return RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{batch}, {k_a}] but got: "
                        f"[{batch}, {k_b}].")


def matmul_dtypes(a: Any, b: Any) -> RuntimeError:
    """Two dtypes in a matrix product (mm): PyTorch's matmul does not promote."""
    return RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {c_type_name(a)} != {c_type_name(b)}")


def dot_dtypes(a: Any, b: Any) -> RuntimeError:
    return RuntimeError(f"dot : expected both vectors to have same dtype, but found {type_name(a)} and {type_name(b)}")


def mv_dtypes(matrix: Any, vector: Any, out: Any = None) -> RuntimeError:
    first = vector if out is None else out  # (addmv's input: `out=`, or a new tensor of the vector's dtype)
    return RuntimeError(f"addmv input tensors must have the same dtype, but got {type_name(first)}, "
                        f"{type_name(matrix)}, and {type_name(vector)}")


def bmm_dtypes(a: Any, b: Any) -> RuntimeError:
    return RuntimeError(f"expected scalar type {type_name(a)} but found {type_name(b)}")


def matrix_expected(name: str) -> RuntimeError:
    return RuntimeError(f"{name} must be a matrix")


def dot_1d(a: int, b: int) -> RuntimeError:
    return RuntimeError(f"1D tensors expected, but got {a}D and {b}D tensors")


def matmul_not_tensor(other: Any) -> TypeError:
    return TypeError(f"matmul(): argument 'other' must be Tensor, not {type(other).__name__}")


def out_dtype(expected: Any, got: Any, c_names: bool = False) -> RuntimeError:
    """`out=` of another dtype than the result's ('float', as C++ says it, for batched products)."""
    name = c_type_name if c_names else (lambda d: d.name)
    return RuntimeError(f"Expected out tensor to have dtype {name(expected)}, but got {name(got)} instead")


def dot_out_dtype(out: Any, input: Any) -> RuntimeError:
    return RuntimeError(f"result dtype {type_name(out)} does not match input dtype {type_name(input)}")


# --- masks --------------------------------------------------------------------------------------

def mask_dtype(got: str) -> RuntimeError:
    return RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype {got}")


def mask_value_dims(ndim: int) -> RuntimeError:
    return RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with {ndim} "
                        "dimension(s).")


def triangle_diagonal(name: str, value: Any) -> TypeError:
    return TypeError(f"{name}(): argument 'diagonal' (position 2) must be int, not {type(value).__name__}")


def triangle_dims(name: str) -> RuntimeError:
    return RuntimeError(f"{name}: input tensor must have at least 2 dimensions")


# --- pointwise ----------------------------------------------------------------------------------

BOOL_SUB = ("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` "
            "operator instead.")
BOOL_SUB_ONE = ("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a "
                "mask, use the `~` or `logical_not()` operator instead.")
BOOL_NEG = ("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use "
            "the `~` or `logical_not()` operator instead.")
BOOL_ALPHA = "Boolean alpha only supported for Boolean results."
FLOAT_ALPHA = "For integral input tensors, argument alpha must not be a floating point number."
NEGATIVE_INT_POWER = "Integers to negative integer powers are not allowed."
RELU_BOOL = "Boolean inputs not supported for relu"
CLAMP_NO_BOUNDS = "tinygrad_edu.clamp: At least one of 'min' or 'max' must not be None"
INVERT_FLOAT = "~ (operator.invert) is only implemented on integer and Boolean-type tensors"
INT_DIVISION_BY_ZERO = "ZeroDivisionError"


def not_a_tensor(fn: str, value: Any, name: str = "other", position: int = 2) -> TypeError:
    """`maximum(x, 2)`, `logical_and(x, 1)`: an argument that must be a tensor."""
    return TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, not {type(value).__name__}")


def where_condition(condition: Any) -> RuntimeError:
    got = f", but got a tensor with dtype {type_name(condition.dtype)}" if hasattr(condition, "dtype") else ""
    return RuntimeError("where expected condition to be a boolean tensor" + got)


def no_derivative(fn: str) -> RuntimeError:
    return RuntimeError(f"derivative for aten::{fn} is not implemented")


def to_unexpected_keyword(name: str) -> TypeError:
    return TypeError(f"to() got an unexpected keyword argument '{name}'")


def to_invalid(value: Any) -> TypeError:
    return TypeError("to() received an invalid combination of arguments: expected a device, a dtype or a Tensor, "
                     f"got {type(value).__name__}")


# --- indexing -----------------------------------------------------------------------------------

INDEX_DTYPE = "tensors used as indices must be long, int, byte or bool tensors"
FLOAT_INDEX = ("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices "
               "(got float)")
SAME_MEMORY = ("unsupported operation: some elements of the input tensor and the written-to tensor refer to a single "
               "memory location. Please clone() the tensor before performing the operation.")
MASKED_FILL_BYTE = "masked_fill_ only supports boolean masks, but got mask with dtype unsigned char"


def slice_step(step: int) -> ValueError:
    """A slice step NumPy accepts (negative: it reverses) and PyTorch refuses."""
    return ValueError("slice step cannot be zero" if step == 0 else "step must be greater than zero")


def mask_shape(mask: tuple, shape: list, j: int, d: int) -> IndexError:
    return IndexError(f"The shape of the mask {list(mask)} at index {j} does not match the shape of the indexed "
                      f"tensor {shape} at index {d}")


def index_error(e: IndexError, ndim: int, key: tuple = ()) -> IndexError:
    """NumPy's IndexError in PyTorch's words."""
    if "too many indices" in str(e) and ndim == 0 and len(key) == 1 and isinstance(key[0], slice):
        return IndexError("slice() cannot be applied to a 0-dim tensor.")
    if "too many indices" in str(e) and ndim == 0 and len(key) == 1 and isinstance(key[0], int):
        return IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in "
                          "C++ to convert a 0-dim tensor to a number")
    if "too many indices" in str(e):
        return IndexError(f"too many indices for tensor of dimension {ndim}")
    # NumPy says "index 5 is out of bounds for axis 0", CuPy "Index 5 ...", PyTorch "index 5 ... dimension 0"
    return IndexError(str(e).replace("axis", "dimension").replace("Index", "index", 1))


def index_put_dtypes(destination: Any, source: Any) -> RuntimeError:
    return RuntimeError(f"Index put requires the source and destination dtypes match, got {type_name(destination)} "
                        f"for the destination and {type_name(source)} for the source.")


def value_shape(value: tuple, target: tuple, advanced: bool) -> RuntimeError:
    """An assigned value that does not broadcast to what the index picks."""
    if advanced:
        return RuntimeError(f"shape mismatch: value tensor of shape {list(value)} cannot be broadcast to indexing "
                            f"result of shape {list(target)}")
    if len(value) > len(target):
        return RuntimeError(f"expand(tinygrad_edu.Tensor{{{list(value)}}}, size={list(target)}): the number of sizes "
                            f"provided ({len(target)}) must be greater or equal to the number of dimensions in the "
                            f"tensor ({len(value)})")
    lead = len(target) - len(value)
    i = next(i for i in reversed(range(len(value))) if value[i] not in (1, target[lead + i]))
    return RuntimeError(f"The expanded size of the tensor ({target[lead + i]}) must match the existing size "
                        f"({value[i]}) at non-singleton dimension {lead + i}.  Target sizes: {list(target)}.  "
                        f"Tensor sizes: {list(value)}")


# --- losses, linear -----------------------------------------------------------------------------

def not_differentiable(fn: str, argument: str) -> RuntimeError:
    """A loss's weight that requires grad: PyTorch has no derivative for it."""
    return RuntimeError(f"The function '{fn}' is not differentiable with respect to argument '{argument}'. This "
                        "input cannot have requires_grad True.")


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
        return RuntimeError(BOOL_SUB)
    if isinstance(error, TypeError) and "boolean negative" in text:
        return RuntimeError(BOOL_NEG)
    return error
