"""`tinygrad_edu.utils`: helpers around training; `utils.data` feeds a model batches."""
from . import data

__all__ = ["data"]
