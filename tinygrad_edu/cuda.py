"""`tinygrad_edu.cuda`: is a GPU there, and how many."""
from .backend import device_count, is_available

__all__ = ["is_available", "device_count"]
