"""Optimizers: use each parameter's `.grad` to move the parameter a little downhill.

    optimizer = optim.SGD(model.parameters(), lr=0.1)
    optimizer.zero_grad()      # forget last step's gradients
    loss.backward()            # fill .grad
    optimizer.step()           # update the parameters in place

An update writes into the parameter's own array: it records no graph, and every reference to the
parameter (the model, a saved `state_dict()`) sees the new values. The arithmetic follows PyTorch's,
step for step, so the same starting weights give the same weights after any number of steps.
"""
from __future__ import annotations

import copy
import warnings
from collections import defaultdict
from typing import Any, Callable, Iterable

from .autograd import enable_grad
from .backend import array_module
from .creation import tensor, zeros_like
from .nn.module import typename
from .tensor import Tensor


class Optimizer:
    """The base class: holds `param_groups` (lists of parameters with their settings) and `state`."""

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], defaults: dict) -> None:
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            f"but got {typename(params)}")
        self.defaults = defaults
        self.state: defaultdict = defaultdict(dict)  # per parameter: what the method remembers between steps
        self.param_groups: list[dict] = []
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        for group in groups if isinstance(groups[0], dict) else [{"params": groups}]:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict) -> None:
        """Add parameters with their own settings (unset ones take the optimizer's defaults).

        The dict itself becomes the group, so any other key in it (a `'name'`, say) stays there and is saved by
        `state_dict()`. `(name, parameter)` pairs, as `model.named_parameters()` gives, put the names under
        `'param_names'`.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering of "
                            "tensors in sets will change between runs. Please use a list instead.")
        params = [params] if isinstance(params, Tensor) else list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        param_group["params"] = params
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = names
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {typename(p)}")
            if not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, value in self.defaults.items():
            param_group.setdefault(name, value)
        if len({id(p) for p in params}) != len(params):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        for group in self.param_groups:
            if ("param_names" in group) != ("param_names" in param_group):
                raise ValueError("all optimizer param groups should be with/without names. cannot add param group "
                                 f"{'with' if 'param_names' in param_group else 'without'} names to the optimizer")
        taken = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in taken for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: set every `.grad` to None (or to zeros with `set_to_none=False`)."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    p.grad.zero_()

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; returns `closure()`'s loss if a closure is given."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    self._update(p, p.grad._data, group)
        return loss

    def _update(self, p: Tensor, grad: Any, group: dict) -> None:
        raise NotImplementedError

    def state_dict(self) -> dict:
        """The settings and the memory of the optimizer, laid out as PyTorch's: `{'state': ..., 'param_groups': ...}`,
        with the parameters numbered 0, 1, ... in the order of the groups (a state_dict holds no parameters).
        Every key of a group is kept, the learner's own ones too."""
        index: dict = {}
        groups = []
        for group in self.param_groups:
            start = sum(len(g["params"]) for g in groups)
            for i, p in enumerate(group["params"], start):
                index.setdefault(id(p), i)
            groups.append({**{k: v for k, v in group.items() if k != "params"},
                           "params": [index[id(p)] for p in group["params"]]})
        state = {index[id(p)] if isinstance(p, Tensor) else p: values for p, values in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Take the settings and the memory from `state_dict` (from `state_dict()` of an optimizer over parameters
        of the same shapes, in the same order). Each group takes the saved group's keys, and only those."""
        saved = copy.deepcopy(state_dict["param_groups"])  # the optimizer's groups must not share the caller's
        if len(saved) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(s["params"]) != len(g["params"]) for s, g in zip(saved, self.param_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        params = {i: p for s, g in zip(saved, self.param_groups) for i, p in zip(s["params"], g["params"])}
        self.state = defaultdict(dict)
        for i, values in state_dict["state"].items():
            if i in params:
                self.state[params[i]] = {key: _like(v, params[i], key) for key, v in values.items()}
            else:
                self.state[i] = values
        for s, g in zip(saved, self.param_groups):
            s["params"] = g["params"]
            if "param_names" in g:
                s.setdefault("param_names", g["param_names"])
        self.param_groups = saved

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines += [""] if i else []
            lines.append(f"Parameter Group {i}")
            lines += [f"    {key}: {group[key]}" for key in sorted(group) if key != "params"]
        return "\n".join(lines) + "\n)"


def _like(value: Any, p: Tensor, key: str) -> Any:
    """A loaded state value on `p`'s device, and in its dtype if it is a float tensor (a step count stays as is)."""
    if not isinstance(value, Tensor):
        return value
    if key != "step" and value.is_floating_point():
        return value.to(device=p.device, dtype=p.dtype)
    return value.to(p.device)


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)


class SGD(Optimizer):
    """Stochastic gradient descent: p -= lr * grad, optionally with momentum and weight decay.

    With momentum, the step is a running sum of gradients, buf = momentum * buf + (1 - dampening) * grad
    (the first step starts it at grad); `nesterov` looks one step ahead: grad + momentum * buf.
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], lr: float = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0, nesterov: bool = False, *,
                 maximize: bool = False) -> None:
        _check(lr >= 0, f"Invalid learning rate: {lr}")
        _check(momentum >= 0, f"Invalid momentum value: {momentum}")
        _check(weight_decay >= 0, f"Invalid weight_decay value: {weight_decay}")
        _check(not nesterov or (momentum > 0 and dampening == 0),
               "Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize))

    def _update(self, p: Tensor, grad: Any, group: dict) -> None:
        momentum = group["momentum"]
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p._data
        if momentum != 0:
            state = self.state[p]
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = Tensor._make(grad.copy(), p.device)
            else:
                buf = state["momentum_buffer"]._data
                buf *= momentum
                buf += (1 - group["dampening"]) * grad
            buf = state["momentum_buffer"]._data
            grad = grad + momentum * buf if group["nesterov"] else buf
        p._data -= group["lr"] * grad


class Adam(Optimizer):
    """Adam: steps by a running mean of gradients divided by the root of a running mean of their squares.

    m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g**2;  both corrected for starting at 0;
    p -= lr * m_hat / (sqrt(v_hat) + eps). `amsgrad` divides by the largest v seen so far instead.
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0,
                 amsgrad: bool = False, *, maximize: bool = False) -> None:
        _check(lr >= 0, f"Invalid learning rate: {lr}")
        _check(eps >= 0, f"Invalid epsilon value: {eps}")
        _check(0 <= betas[0] < 1, f"Invalid beta parameter at index 0: {betas[0]}")
        _check(0 <= betas[1] < 1, f"Invalid beta parameter at index 1: {betas[1]}")
        _check(weight_decay >= 0, f"Invalid weight_decay value: {weight_decay}")
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize))

    def _update(self, p: Tensor, grad: Any, group: dict) -> None:
        beta1, beta2 = group["betas"]
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p._data
        state = self.state[p]
        if not state:
            state["step"] = tensor(0.0)
            state["exp_avg"], state["exp_avg_sq"] = zeros_like(p), zeros_like(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = zeros_like(p)
        state["step"] += 1
        step = state["step"].item()
        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        m += (1 - beta1) * (grad - m)       # m moves a fraction (1 - beta1) of the way to grad
        v *= beta2
        v += (1 - beta2) * grad * grad
        if group["amsgrad"]:
            v_max = state["max_exp_avg_sq"]._data
            array_module(v).maximum(v_max, v, out=v_max)
            v = v_max
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        denom = (v ** 0.5) / (bias_correction2 ** 0.5) + group["eps"]
        p._data -= (group["lr"] / bias_correction1) * (m / denom)
