"""Grad mode: whether ops record a graph right now (`no_grad`, `enable_grad`, `set_grad_enabled`)."""
from __future__ import annotations

import functools
from typing import Callable

_enabled = True  # read by Op.apply at every op, as `grad_mode._enabled`


def is_grad_enabled() -> bool:
    """Whether ops record the graph right now."""
    return _enabled


def _set(mode: bool) -> None:
    global _enabled
    _enabled = mode


class _GradMode:
    """Sets the grad mode inside a `with` block, or during each call of a decorated function."""
    mode = False

    def __enter__(self) -> None:
        self.prev = _enabled
        _set(self.mode)

    def __exit__(self, *exc) -> None:
        _set(self.prev)

    def __call__(self, fn: Callable) -> Callable:
        mode = self.mode

        @functools.wraps(fn)
        def run(*args, **kwargs):
            with set_grad_enabled(mode):  # a fresh context per call: calls may nest
                return fn(*args, **kwargs)
        return run


class no_grad(_GradMode):
    """Run ops without recording a graph (for evaluation and weight updates). Context or decorator."""
    mode = False


class enable_grad(_GradMode):
    """Record the graph again inside a `no_grad` block. Context or decorator."""
    mode = True


class set_grad_enabled(_GradMode):
    """Turn graph recording on or off: a function call, a context manager or a decorator."""

    def __init__(self, mode: bool):
        self.mode, self.prev = bool(mode), _enabled
        _set(self.mode)  # a plain call takes effect at once, as in PyTorch

    def __enter__(self) -> None:
        _set(self.mode)  # (the mode to restore was kept when it was made)

    def __call__(self, fn: Callable) -> Callable:
        _set(self.prev)  # as a decorator, nothing changes until `fn` runs
        return super().__call__(fn)
