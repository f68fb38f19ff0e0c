"""The operations on tensors, one `Op` each, and the Tensor methods and operators they become."""
from __future__ import annotations

from typing import Any

from .. import dtypes, inplace, messages  # (inplace: the in-place methods, added to Tensor)
from ..tensor import Tensor
from . import indexing, integer, logic, masks, matmul as _matmul, movement, pointwise, reduce, search
from .indexing import getitem, setitem
from .masks import masked_fill, masked_fill_, tril, triu
from .matmul import MatMul, dot, matmul, mm
from .movement import (Cat, Expand, Permute, Reshape, Stack, cat, concat, concatenate, expand, expand_as, flatten,
                       permute, reshape, squeeze, stack, swapaxes, t, transpose, unsqueeze, view)
from .integer import floor_divide, remainder
from .logic import (bitwise_and, bitwise_not, bitwise_or, bitwise_xor, eq, ge, gt, invert, isfinite, isnan, le,
                    logical_and, logical_not, logical_or, logical_xor, lt, ne)
from .pointwise import (Abs, Add, Clamp, Clone, Div, Exp, Log, Maximum, Minimum, Mul, Neg, Pow, Relu, Sigmoid, Sqrt,
                        Sub, Tanh, ToCopy, Where, abs, add, clamp, clip, clone, div, exp, log, maximum, minimum, mul,
                        neg, pow, relu, sigmoid, sqrt, sub, tanh, to, where)
from .reduce import (LogSoftmax, MaxAll, MaxDim, Mean, Softmax, Sum, log_softmax, max, mean, min, softmax,
                     sum)
from .search import argmax, argmin


def _reflected(fn):
    def method(self, other):
        return fn(other, self)
    return method


def _equality(fn):
    def method(self, other):
        try:
            return fn(self, other)
        except TypeError:  # `t == None`: Python's answer (False), as PyTorch gives it
            return NotImplemented
    return method


def _cast(dt):
    def method(self):
        return to(self, dt)
    method.__doc__ = f"A copy as {dt} (this tensor itself if it already is)."
    return method


_METHODS = dict(
    add=add, sub=sub, mul=mul, div=div, pow=pow, neg=neg, abs=abs, exp=exp, log=log, sqrt=sqrt, sigmoid=sigmoid,
    tanh=tanh, relu=relu, clamp=clamp, clip=clip, maximum=maximum, minimum=minimum, clone=clone, to=to,
    matmul=matmul, mm=mm, dot=dot, sum=sum, mean=mean, max=max, min=min, argmax=argmax, argmin=argmin,
    softmax=softmax, log_softmax=log_softmax, reshape=reshape, view=view, flatten=flatten, transpose=transpose,
    swapaxes=swapaxes, permute=permute, squeeze=squeeze, unsqueeze=unsqueeze, expand=expand, expand_as=expand_as,
    t=t, lt=lt, le=le, gt=gt, ge=ge, eq=eq, ne=ne, isnan=isnan, isfinite=isfinite, logical_not=logical_not,
    logical_and=logical_and, logical_or=logical_or, logical_xor=logical_xor, bitwise_and=bitwise_and,
    bitwise_or=bitwise_or, bitwise_xor=bitwise_xor, bitwise_not=bitwise_not, floor_divide=floor_divide,
    remainder=remainder, masked_fill=masked_fill, masked_fill_=masked_fill_, triu=triu, tril=tril,
    __add__=add, __radd__=_reflected(add), __sub__=sub, __rsub__=_reflected(sub), __mul__=mul,
    __rmul__=_reflected(mul), __truediv__=div, __rtruediv__=_reflected(div), __pow__=pow, __rpow__=_reflected(pow),
    __matmul__=matmul, __rmatmul__=_reflected(matmul), __neg__=neg, __abs__=abs,
    __getitem__=getitem, __setitem__=setitem,
    __lt__=lt, __le__=le, __gt__=gt, __ge__=ge, __eq__=_equality(eq), __ne__=_equality(ne),
    __floordiv__=floor_divide, __rfloordiv__=_reflected(floor_divide), __mod__=remainder,
    __rmod__=_reflected(remainder), __invert__=invert, __and__=bitwise_and, __rand__=_reflected(bitwise_and),
    __or__=bitwise_or, __ror__=_reflected(bitwise_or), __xor__=bitwise_xor, __rxor__=_reflected(bitwise_xor),
    float=_cast(dtypes.float32), double=_cast(dtypes.float64), half=_cast(dtypes.float16), long=_cast(dtypes.int64),
    int=_cast(dtypes.int32), bool=_cast(dtypes.bool_),
)


def _view_as(self, other):
    """`view` to `other`'s shape."""
    return reshape(self, other.shape)


def _where(self, condition, other):
    """`where(condition, self, other)`."""
    return where(condition, self, other)


def _cpu(self):
    """A copy on the CPU (this tensor itself if it is already there)."""
    return to(self, "cpu")


def _cuda(self, device: Any = None):
    """A copy on a CUDA GPU (`cuda:0` unless told), as `to('cuda')`."""
    return to(self, "cuda" if device is None else (f"cuda:{device}" if isinstance(device, int) else device))


def _type_as(self, other):
    """A copy with `other`'s dtype."""
    return to(self, other.dtype)


for _name, _fn in {**_METHODS, "view_as": _view_as, "reshape_as": _view_as, "where": _where, "cpu": _cpu,
                   "cuda": _cuda, "type_as": _type_as}.items():
    setattr(Tensor, _name, _fn)
def _type(self, dtype=None):
    """A copy in `dtype` (this tensor itself if it already is); without one, the type's name."""
    if dtype is None:
        return messages.tensor_type(self)
    return to(self, dtypes.from_type_name(dtype) if isinstance(dtype, str) else dtype)


Tensor.type = _type
Tensor.T = property(lambda self: permute(self, tuple(reversed(range(self.ndim)))), doc="The dimensions reversed.")
def _mT(self):
    """The last two dimensions swapped (matrices or batches of matrices)."""
    if self.ndim == 1:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")
    return transpose(self, -2, -1) if self.ndim else self  # (a 0-d tensor: itself, as PyTorch, which warns)


Tensor.mT = property(_mT)
