"""Ratio benchmarks of tinygrad_edu against hand-written NumPy and PyTorch: `python -m benchmarks`."""
