"""Hypothesis strategies for the core tests: shapes of rank 0 to 4 (size-1 dimensions included),
pairs of shapes that broadcast, and random arrays to fill them."""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

MAX_RANK, MAX_SIDE = 4, 3


def shapes(min_rank: int = 0, max_rank: int = MAX_RANK, min_side: int = 1, max_side: int = MAX_SIDE):
    """Shapes from rank `min_rank` to `max_rank`; sides start at 1, so size-1 dimensions are common."""
    return st.lists(st.integers(min_side, max_side), min_size=min_rank, max_size=max_rank).map(tuple)


def broadcast_pairs(max_rank: int = MAX_RANK, max_side: int = MAX_SIDE):
    """Two shapes that broadcast together: different ranks, stretched size-1 dimensions, rank 0."""
    return hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=max_rank, min_side=1,
                                             max_side=max_side).map(lambda b: b.input_shapes)


@st.composite
def shape_and_dim(draw, min_rank: int = 1, max_rank: int = MAX_RANK):
    """A shape and one of its dimensions, possibly negative (rank 0 takes dim 0 or -1, as PyTorch allows)."""
    shape = draw(shapes(min_rank, max_rank))
    n = max(len(shape), 1)
    return shape, draw(st.integers(-n, n - 1))


@st.composite
def shape_and_dims(draw, min_rank: int = 0, max_rank: int = MAX_RANK):
    """A shape and a set of distinct dimensions of it (a tuple, possibly empty or with negative entries)."""
    shape = draw(shapes(min_rank, max_rank))
    chosen = draw(st.lists(st.integers(0, len(shape) - 1), unique=True, max_size=len(shape))) if shape else []
    return shape, tuple(d - len(shape) if draw(st.booleans()) else d for d in chosen)


def seeds():
    return st.integers(0, 2**32 - 1)


def random_array(seed: int, shape: tuple, dtype=np.float32, low: float = -2.0, high: float = 2.0,
                 away_from: tuple = ()) -> np.ndarray:
    """Uniform random numbers in [low, high) (integers for integer dtypes), reproducible from `seed`.

    `away_from=(c, ...)` keeps every value at least 0.1 from each c (kinks: relu at 0, clamp's bounds).
    """
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "b":
        return rng.random(shape) < 0.5
    if np.dtype(dtype).kind in "iu":
        return rng.integers(int(low), int(high), size=shape).astype(dtype)
    a = rng.uniform(low, high, size=shape)
    for c in away_from:
        side = np.where(a >= c, 1.0, -1.0)
        a = np.where(np.abs(a - c) < 0.1, a + 0.2 * side, a)
    return np.asarray(a, dtype=dtype)


def distinct_array(seed: int, shape: tuple, dtype=np.float64) -> np.ndarray:
    """Random values that are all different and at least 0.1 apart (so max, min and sorts have no ties)."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape, dtype=np.int64))
    return (rng.permutation(n) * 0.25 - n * 0.125 + rng.uniform(0, 0.1)).reshape(shape).astype(dtype)
