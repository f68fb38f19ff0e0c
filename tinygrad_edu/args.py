"""PyTorch's argument conventions: shapes given as `(2, 3)` or `2, 3`, negative dims, lists of dims.

One parser for every function that takes a shape (creation functions, `reshape`, `view`, `expand`) and
one for dims, so that they all accept and refuse the same things, with PyTorch's messages.
"""
from __future__ import annotations

import operator
from typing import Any, Sequence

from . import messages


def shape(sizes: tuple, fn: str = "size") -> tuple[int, ...]:
    """The shape in `f(2, 3)` or `f((2, 3))` or `f([2, 3])` or `f(tinygrad_edu.Size([2, 3]))`, as a tuple of ints."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    out = []
    for i, n in enumerate(sizes):
        try:
            out.append(operator.index(n))
        except TypeError:
            raise TypeError(f"{fn}(): argument 'size' (position {i + 1}) must be tuple of ints, but found element of "
                            f"type {type(n).__name__} at pos {i}") from None
    return tuple(out)


def infer(sizes: tuple[int, ...], numel: int) -> tuple[int, ...]:
    """`sizes` with its one -1 replaced by what makes `numel` elements (`reshape(-1, 3)`)."""
    known = 1
    for n in sizes:
        if n != -1:
            known *= n
    if sizes.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if -1 in sizes and known == 0 and numel == 0:
        raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {list(sizes)} because the unspecified "
                           "dimension size -1 can be any value and is ambiguous")
    if -1 in sizes and known and numel % known == 0:
        sizes = tuple(numel // known if n == -1 else n for n in sizes)
    if any(n < 0 for n in sizes) or known_product(sizes) != numel:
        raise RuntimeError(f"shape '{list(sizes)}' is invalid for input of size {numel}")
    return sizes


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
        d = next(d for d in out if out.count(d) > 1)
        raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return out
