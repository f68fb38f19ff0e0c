"""tinygrad_edu: a small PyTorch, built to be read.

    import tinygrad_edu as tg
    x = tg.tensor([1., 2., 3.], requires_grad=True)
    (x * x).sum().backward()
    x.grad   # tensor([2., 4., 6.])

The names follow PyTorch's, so code written here runs on PyTorch by changing the import.
"""
import builtins
import math

from . import autograd, cuda, dtypes, random, return_types
from .autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .backend import Device, device
from .creation import (Generator, arange, as_tensor, bernoulli, empty, empty_like, eye, from_numpy, full, full_like,
                       linspace, normal, ones, ones_like, rand, rand_like, randint, randint_like, randn, randn_like,
                       randperm, tensor, zeros, zeros_like)
from .random import default_generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from .dtypes import (bool_ as bool, dtype, float16, float32, float64, int8, int16, int32, int64, promote_types,
                     result_type, uint8)
from .ops import (abs, add, argmax, argmin, bitwise_and, bitwise_not, bitwise_or, bitwise_xor, cat, clamp, clip,
                  clone, concat, concatenate, div, dot, eq, exp, flatten, floor_divide, ge, gt, isfinite, isnan, le,
                  log, log_softmax, logical_and, logical_not, logical_or, logical_xor, lt, masked_fill, matmul, max,
                  maximum, mean, min, minimum, mm, mul, ne, neg, permute, pow, relu, remainder, reshape, sigmoid,
                  softmax, sqrt, squeeze, stack, sub, sum, swapaxes, t, tanh, transpose, tril, triu, unsqueeze, where)
from . import backends
from .printing import set_printoptions  # (and Tensor's repr)
from .tensor import Size, Tensor
from . import nn, optim, utils  # the library layer, on top of the tensors and ops above
from .serialization import load, save

half, float, double = float16, float32, float64  # noqa: A001 (PyTorch's aliases)
inf, nan, pi, e = builtins.float("inf"), builtins.float("nan"), math.pi, math.e
short, int, long = int16, int32, int64  # noqa: A001

__version__ = "0.1.0"


def get_default_dtype() -> dtype:
    """The dtype of new floating-point tensors: float32."""
    return dtypes.default_float


def is_tensor(obj: object) -> "builtins.bool":
    """True if `obj` is a Tensor."""
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> "builtins.int":
    """The number of elements of `input`."""
    return input.numel()

