"""PyTorch's argument conventions: shapes given as `(2, 3)` or `2, 3`, negative dims, lists of dims.

One parser for every function that takes a shape (creation functions, `reshape`, `view`, `expand`) and
one for dims, so that they all accept and refuse the same things, with PyTorch's messages.
"""
from __future__ import annotations

import operator
from typing import Any, Sequence

from . import messages


def shape(sizes: tuple, fn: str = "size", name: str = "size") -> tuple[int, ...]:
    """The shape in `f(2, 3)`, `f((2, 3))`, `f([2, 3])` or `f(tinygrad_edu.Size([2, 3]))`, as a tuple of ints.

    `fn` and `name` are the function and argument PyTorch's TypeError names (`reshape(): argument 'shape'`).
    """
    if not sizes:
        raise messages.missing_argument(fn, name)
    if len(sizes) == 1 and not isinstance(sizes[0], (tuple, list)):
        try:
            return (operator.index(sizes[0]),)
        except TypeError:
            raise messages.not_a_shape(fn, name, sizes[0]) from None
    if len(sizes) == 1:
        sizes = sizes[0]
    out = []
    for i, n in enumerate(sizes):
        try:
            out.append(operator.index(n))
        except TypeError:
            raise messages.not_a_shape(fn, name, n, i) from None
    return tuple(out)


def new_shape(sizes: tuple, fn: str) -> tuple[int, ...]:
    """The shape of a new tensor (`zeros(2, 3)`): as `shape`, and no size may be negative."""
    out = shape(sizes, fn)
    for n in out:
        if n < 0:
            raise messages.negative_dimension(n, out)
    return out


def infer(sizes: tuple[int, ...], numel: int) -> tuple[int, ...]:
    """`sizes` with its one -1 replaced by what makes `numel` elements (`reshape(-1, 3)`), checked against `numel`."""
    known, unknown = 1, None
    for i, n in enumerate(sizes):
        if n == -1:
            if unknown is not None:
                raise messages.one_inferred()
            unknown = i
        elif n < 0:
            raise messages.invalid_dimension(n, i, sizes)
        else:
            known *= n
    if unknown is None and known == numel:
        return sizes
    if unknown is not None and (known == numel or known and numel % known == 0):
        if known == 0:
            raise messages.ambiguous_reshape(sizes)
        return sizes[:unknown] + (numel // known,) + sizes[unknown + 1:]
    raise messages.invalid_shape(sizes, numel)


def known_product(sizes: tuple[int, ...]) -> int:
    out = 1
    for n in sizes:
        out *= n
    return out


def dim(d: int, ndim: int) -> int:
    """A dimension index in range(ndim), from a possibly negative one (a 0-d tensor takes 0 and -1)."""
    n = max(ndim, 1)
    if not -n <= d < n:
        raise messages.dim_out_of_range(d, ndim)
    return d % n


def dims(ds: int | Sequence[int] | None, ndim: int) -> tuple[int, ...] | None:
    """Dims in range(ndim), each at most once; None (every dim) stays None."""
    if ds is None:
        return None
    ds = (ds,) if isinstance(ds, int) else tuple(ds)
    out = tuple(dim(d, ndim) for d in ds)
    if len(set(out)) != len(out):
        raise messages.repeated_dim(next(d for d in out if out.count(d) > 1))
    return out
