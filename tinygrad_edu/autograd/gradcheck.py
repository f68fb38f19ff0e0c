"""`gradcheck`: an op's analytic gradient against central finite differences."""
from __future__ import annotations

import warnings
from typing import Callable, Iterable

import numpy as np

from ..backend import array_module
from ..tensor import Tensor
from .engine import grad


def gradcheck(fn: Callable, inputs: Tensor | Iterable[Tensor], eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True) -> bool:
    """Check `fn`'s gradients against central finite differences; inputs should be float64."""

    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    wrt = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    for t in wrt:
        if t.dtype.name != "float64":
            warnings.warn("Input #0 requires gradient and is not a double precision floating point. "
                          "This check will likely fail if all the inputs are not of double precision floating point.")
    out = fn(*inputs)
    out_np = out.detach().numpy(force=True)
    for k in range(out_np.size):
        seed = np.zeros_like(out_np)
        seed.reshape(-1)[k] = 1
        analytic = grad(fn(*inputs), wrt, grad_outputs=Tensor._make(array_module(out._data).asarray(seed)),
                        allow_unused=True)
        for i, t in enumerate(wrt):
            a = np.zeros(t.shape) if analytic[i] is None else analytic[i].numpy(force=True)
            numeric = np.zeros(t.shape)
            flat = t._data.reshape(-1)
            for j in range(flat.size):
                orig = flat[j].item()
                flat[j] = orig + eps
                plus = fn(*inputs).detach().numpy(force=True).reshape(-1)[k]
                flat[j] = orig - eps
                minus = fn(*inputs).detach().numpy(force=True).reshape(-1)[k]
                flat[j] = orig
                numeric.reshape(-1)[j] = (plus - minus) / (2 * eps)
            if not np.allclose(a, numeric, atol=atol, rtol=rtol):
                if raise_exception:
                    raise RuntimeError(f"Jacobian mismatch for output {k} with respect to input {i},\n"
                                       f"numerical:{numeric}\nanalytical:{a}\n")
                return False
    return True
