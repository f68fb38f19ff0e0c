"""The named tuples that `max(dim)` and `min(dim)` return: `(values, indices)`."""
from collections import namedtuple

max = namedtuple("max", ["values", "indices"])
min = namedtuple("min", ["values", "indices"])
for _t in (max, min):
    _t.__repr__ = lambda self: (f"tinygrad_edu.return_types.{type(self).__name__}(\nvalues={self.values!r},\n"
                                f"indices={self.indices!r})")
    _t.__module__ = "tinygrad_edu.return_types"

__all__ = ["max", "min"]
