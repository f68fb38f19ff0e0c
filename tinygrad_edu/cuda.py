"""`tinygrad_edu.cuda`: is a GPU there, how many, which, and waiting for one to finish."""
from .backend import device_count, get_device_name, is_available, synchronize

__all__ = ["is_available", "device_count", "get_device_name", "synchronize"]
