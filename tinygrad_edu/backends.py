"""`tinygrad_edu.backends`: which other accelerators exist. Only CUDA (through CuPy) does here, so
`backends.mps.is_available()` (Apple's GPUs) is False, and code that asks, as PyTorch tutorials do, runs."""
from types import SimpleNamespace

mps = SimpleNamespace(is_available=lambda: False, is_built=lambda: False)
