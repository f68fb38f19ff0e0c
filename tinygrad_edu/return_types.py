"""The named tuples that `max(dim)` and `min(dim)` return: `(values, indices)`."""
from .ops.reductions import return_types_max as max, return_types_min as min

__all__ = ["max", "min"]
