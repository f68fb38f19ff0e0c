"""A differential fuzzer: random programs of 1 to 6 ops, run on tinygrad_edu and on PyTorch, compared op by op.

A program is Python source (one statement per op) that names its library `lib` and `nn.functional` `F`, so the
same text runs on both libraries and a divergence prints as a reproduction anyone can paste:

    python -m tests.fuzzer 5000 7        # 5,000 programs from seed 7 (`make fuzz N=5000 SEED=7`)
    python -m tests.fuzzer 3000 7 all nn # every divergence printed, ops and dtypes from one of MIXES only

After every statement the result is compared (value, dtype, shape, requires_grad, grad_fn name, or the kind of
exception raised), and at the end the leaves' gradients for a random output gradient. A NumPy warning on the
tinygrad_edu side where PyTorch is silent is a divergence too. The registry `OPS` says how to call every public op;
`NOT_FUZZED` lists, with a reason, the public names that are not ops; `tests/test_fuzz.py` checks that every public
name is in one of the two, so a new op cannot escape the fuzzer.
"""
from __future__ import annotations

import math
import re
import sys
import time
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

import tinygrad_edu as tg

# --- the registry -------------------------------------------------------------------------------
# A form is a template. Placeholders: {a} {c} tensors from the program; {b} a second operand (a tensor that
# broadcasts with {a}, or a Python scalar); {B} a tensor only; {s} a Python scalar; {dim} {dim2} a dimension of {a};
# {kd} keepdim; {shape} a shape with {a}'s number of elements; {perm} a permutation of {a}'s dims; {eshape} a shape
# {a} expands to; {key} an index; {val} a value to assign; {dt} a dtype; {mask} a bool tensor shaped like {a}.
# For nn.functional, arguments that fit {a} (see `Generator.nn_arg`): {cls} class indices, {prob} a target in [0, 1],
# {cw} a weight per class, {wt} a weight that broadcasts, {pw} a pos_weight, {ign} an ignore_index, {red} a
# reduction; {W} {bias} a Linear layer's weight (k, in_features) and bias; {E} a fresh embedding table and {idx}
# indices into it (into {a} when the form has no {E}); {mn} a max_norm, {nt} a norm_type, {pad} a padding_idx.


@dataclass
class OpInfo:
    name: str                    # the public name this entry covers (a function, a method or a dunder)
    forms: list[str]             # how to call it (the same text on both libraries)
    dtypes: str = "any"          # which dtypes its inputs mostly have: "float", "int", "bool", "any"
    grad: bool = True            # differentiable (then its inputs often require grad)
    also: tuple[str, ...] = ()   # other public names the forms exercise


def _unary(name: str, *, fn=True, method=True, F=False, extra: tuple[str, ...] = (), dtypes="float", grad=True):
    forms = ([f"lib.{name}({{a}})"] if fn else []) + ([f"{{a}}.{name}()"] if method else []) + \
            ([f"F.{name}({{a}})"] if F else []) + list(extra)
    return OpInfo(name, forms, dtypes, grad)


def _binary(name: str, op: str | None, *, iop: str | None = None, method=True, dtypes="any", grad=True,
            also: tuple[str, ...] = ()):
    forms = [f"lib.{name}({{a}}, {{b}})"] + ([f"{{a}}.{name}({{b}})"] if method else [])
    if op:
        forms += [f"{{a}} {op} {{b}}", f"{{s}} {op} {{a}}"]
    if iop:
        forms += [f"{{c}}.{iop}({{B}})"]
    return OpInfo(name, forms, dtypes, grad, also)


OPS: list[OpInfo] = [
    # arithmetic (function, method, operator, reflected operator, in-place)
    _binary("add", "+", iop="add_", also=("add_", "__add__", "__radd__", "__iadd__")),
    OpInfo("add_alpha", ["lib.add({a}, {B}, alpha={s})", "{a}.sub({B}, alpha={s})"], "any", True, ("sub",)),
    _binary("sub", "-", iop="sub_", also=("sub_", "__sub__", "__rsub__", "__isub__")),
    _binary("mul", "*", iop="mul_", also=("mul_", "__mul__", "__rmul__", "__imul__")),
    _binary("div", "/", iop="div_", also=("div_", "__truediv__", "__rtruediv__", "__itruediv__")),
    _binary("pow", "**", also=("__pow__", "__rpow__")),
    _binary("maximum", None, dtypes="float"),
    _binary("minimum", None, dtypes="float"),
    OpInfo("floor_divide", ["{a} // {b}", "{s} // {a}", "lib.floor_divide({a}, {b})"], "any", False,
           ("__floordiv__", "__rfloordiv__")),
    OpInfo("remainder", ["{a} % {b}", "{s} % {a}", "lib.remainder({a}, {b})"], "any", False, ("__mod__", "__rmod__")),
    OpInfo("neg", ["lib.neg({a})", "{a}.neg()", "-{a}"], "float", True, ("__neg__",)),
    OpInfo("abs", ["lib.abs({a})", "{a}.abs()", "abs({a})"], "float", True, ("__abs__",)),
    _unary("exp"), _unary("log"), _unary("sqrt"),
    _unary("sigmoid", F=True), _unary("tanh", F=True), _unary("relu", F=True),
    OpInfo("clamp", ["lib.clamp({a}, min={s})", "{a}.clamp(max={s})", "lib.clamp({a}, {s}, {s})",
                     "{a}.clip(min={s}, max={s})", "lib.clip({a}, max={s})"], "float", True, ("clip",)),
    OpInfo("where", ["lib.where({mask}, {a}, {b})", "{a}.where({mask}, {b})", "lib.where({a} > 0, {a}, {s})"]),
    # comparisons and logic
    *(_binary(n, o, grad=False, also=(d,)) for n, o, d in (("lt", "<", "__lt__"), ("le", "<=", "__le__"),
                                                            ("gt", ">", "__gt__"), ("ge", ">=", "__ge__"),
                                                            ("eq", "==", "__eq__"), ("ne", "!=", "__ne__"))),
    *(_binary(f"logical_{n}", None, grad=False, method=n != "xor") for n in ("and", "or", "xor")),
    OpInfo("bitwise", ["{a} & {b}", "{a} | {b}", "{a} ^ {b}", "{s} & {a}", "{s} | {a}", "{s} ^ {a}",
                       "lib.bitwise_and({a}, {b})", "{a}.bitwise_or({b})", "lib.bitwise_xor({a}, {B})",
                       "lib.bitwise_not({a})", "{a}.bitwise_not()"], "int", False,
           ("__and__", "__or__", "__xor__", "__rand__", "__ror__", "__rxor__", "bitwise_and", "bitwise_or",
            "bitwise_xor", "bitwise_not")),
    OpInfo("logical_not", ["lib.logical_not({a})", "{a}.logical_not()", "~{a}"], "bool", False, ("__invert__",)),
    _unary("isnan", grad=False, dtypes="any"), _unary("isfinite", grad=False, dtypes="any"),
    # reductions
    OpInfo("sum", ["lib.sum({a})", "{a}.sum({dim})", "{a}.sum(dim={dim}, keepdim={kd})", "{a}.sum(({dim}, {dim2}))",
                   "lib.sum({a}, dtype={dt})"]),
    OpInfo("mean", ["lib.mean({a})", "{a}.mean({dim})", "{a}.mean(dim={dim}, keepdim={kd})"], "float"),
    OpInfo("max", ["lib.max({a})", "{a}.max({dim})", "lib.max({a}, dim={dim}, keepdim={kd})", "{a}.max({B})"]),
    OpInfo("min", ["lib.min({a})", "{a}.min({dim})", "lib.min({a}, {dim}, {kd})"]),
    OpInfo("argmax", ["lib.argmax({a})", "{a}.argmax({dim})", "lib.argmax({a}, dim={dim}, keepdim={kd})"],
           "any", False),
    OpInfo("argmin", ["lib.argmin({a})", "{a}.argmin({dim})"], "any", False),
    OpInfo("softmax", ["lib.softmax({a}, {dim})", "{a}.softmax({dim})", "F.softmax({a}, dim={dim})"], "float"),
    OpInfo("log_softmax", ["lib.log_softmax({a}, {dim})", "{a}.log_softmax({dim})", "F.log_softmax({a}, dim={dim})"],
           "float"),
    # movement
    OpInfo("reshape", ["lib.reshape({a}, {shape})", "{a}.reshape({shape})", "{a}.view({shape})",
                       "{a}.reshape_as({a})", "{a}.view_as({a})"], also=("view", "reshape_as", "view_as")),
    OpInfo("flatten", ["lib.flatten({a})", "{a}.flatten({dim})", "lib.flatten({a}, {dim}, {dim2})"]),
    OpInfo("transpose", ["lib.transpose({a}, {dim}, {dim2})", "{a}.transpose({dim}, {dim2})",
                         "lib.swapaxes({a}, {dim}, {dim2})", "{a}.swapaxes({dim}, {dim2})", "lib.t({a})", "{a}.t()",
                         "{a}.T", "{a}.mT"], also=("swapaxes", "t", "T", "mT")),
    OpInfo("permute", ["lib.permute({a}, {perm})", "{a}.permute({perm})", "{a}.permute()"]),
    OpInfo("squeeze", ["lib.squeeze({a})", "{a}.squeeze({dim})", "{a}.squeeze(({dim}, {dim2}))"]),
    OpInfo("unsqueeze", ["lib.unsqueeze({a}, {dim})", "{a}.unsqueeze({dim2})"]),
    OpInfo("expand", ["{a}.expand({eshape})", "{a}.expand_as({B})", "{a}.expand()"],
           also=("expand_as",)),
    OpInfo("cat", ["lib.cat([{a}, {B}], {dim})", "lib.concat([{a}, {a}])", "lib.concatenate(({a}, {B}), dim={dim})"],
           also=("concat", "concatenate")),
    OpInfo("stack", ["lib.stack([{a}, {B}], {dim})", "lib.stack([{a}, {a}], dim={dim})"]),
    OpInfo("triu", ["lib.triu({a})", "{a}.triu({s})", "lib.tril({a}, {s})", "{a}.tril()"], also=("tril",)),
    # matrix products
    OpInfo("matmul", ["lib.matmul({a}, {B})", "{a} @ {B}", "{a}.matmul({B})", "lib.mm({a}, {B})", "{a}.mm({B})",
                      "lib.dot({a}, {B})", "{a}.dot({B})", "{a} @ {a}.mT", "{a}.mT @ {a}"],
           "float", True, ("mm", "dot", "__matmul__", "__rmatmul__")),
    # indexing and assignment
    OpInfo("getitem", ["{a}[{key}]", "{a}[{mask}]"], also=("__getitem__",)),
    OpInfo("setitem", ["{c}[{key}] = {val}", "{c}[{mask}] = {val}"], grad=False, also=("__setitem__",)),
    OpInfo("masked_fill", ["{a}.masked_fill({mask}, {s})", "{c}.masked_fill_({mask}, {s})"], also=("masked_fill_",)),
    # copies and casts
    OpInfo("to", ["{a}.to({dt})", "{a}.to(dtype={dt})", "{a}.type({dt})", "{a}.type_as({B})"],
           also=("type", "type_as")),
    OpInfo("casts", ["{a}.float()", "{a}.double()", "{a}.long()", "{a}.int()", "{a}.bool()", "{a}.half()"],
           also=("float", "double", "long", "int", "bool", "half")),
    OpInfo("clone", ["lib.clone({a})", "{a}.clone()", "{a}.detach()", "{a}.data"], also=("detach", "data")),
    OpInfo("inplace", ["{c}.zero_()", "{c}.fill_({s})", "{c}.copy_({B})", "{a}.requires_grad_()",
                       "{c}.requires_grad = True"], "any", False, ("zero_", "fill_", "copy_", "requires_grad_")),
    OpInfo("to_python", ["{a}.item()", "{a}.tolist()", "float({a})", "int({a})", "bool({a})", "len({a})"], "any",
           False, ("item", "tolist", "__float__", "__int__", "__bool__", "__len__")),
    OpInfo("out", ["lib.add({a}, {B}, out={c})", "lib.mul({a}, {B}, out={c})", "lib.matmul({a}, {B}, out={c})"],
           "float", False),
    # nn.functional (the losses' behaviour is owned by the nn layer; they are fuzzed here all the same)
    OpInfo("linear", ["F.linear({a}, {B})", "F.linear({a}, {B}, {c})", "F.linear({a}, {W})",
                      "F.linear({a}, {W}, {bias})",
                      "F.linear({a}, {W}, {bias}).relu()"], "float"),
    OpInfo("mse_loss", ["F.mse_loss({a}, {B})", "F.mse_loss({a}, {B}, reduction='sum')",
                        "F.mse_loss({a}, {prob}, reduction={red})"], "float"),
    OpInfo("binary_cross_entropy", ["F.binary_cross_entropy(lib.sigmoid({a}), {B})",
                                    "F.binary_cross_entropy(lib.sigmoid({a}), {prob})",
                                    "F.binary_cross_entropy(lib.sigmoid({a}), {prob}, weight={wt}, reduction={red})"],
           "float"),
    OpInfo("binary_cross_entropy_with_logits", ["F.binary_cross_entropy_with_logits({a}, {B})",
                                                "F.binary_cross_entropy_with_logits({a}, {prob}, reduction={red})",
                                                "F.binary_cross_entropy_with_logits({a}, {prob}, weight={wt})",
                                                "F.binary_cross_entropy_with_logits({a}, {prob}, pos_weight={pw})"],
           "float"),
    OpInfo("cross_entropy", ["F.cross_entropy({a}, {c}.long().clamp(0, 1))", "F.cross_entropy({a}, {c})",
                             "F.cross_entropy({a}, {cls})", "F.cross_entropy({a}, {cls}, reduction={red})",
                             "F.cross_entropy({a}, {cls}, weight={cw})",
                             "F.cross_entropy({a}, {cls}, ignore_index={ign})",
                             "F.cross_entropy({a}, {cls}, weight={cw}, ignore_index={ign}, reduction={red})",
                             "F.cross_entropy({a}, {prob})",
                             "F.cross_entropy({a}, {prob}, weight={cw}, reduction={red})"],
           "float"),
    OpInfo("nll_loss", ["F.nll_loss({a}, {c}.long().clamp(0, 1))", "F.nll_loss({a}, {cls})",
                        "F.nll_loss({a}, {cls}, ignore_index={ign}, reduction={red})",
                        "F.nll_loss(F.log_softmax({a}, 1), {cls}, weight={cw}, ignore_index={ign}, reduction={red})"],
           "float"),
    OpInfo("embedding", ["F.embedding({c}.long().clamp(0, 1), {a})", "F.embedding({idx}, {a})",
                         "F.embedding({idx}, {E})", "F.embedding({idx}, {E}, padding_idx={pad})",
                         "F.embedding({idx}, {E}, max_norm={mn})", "F.embedding({idx}, {E}, {pad}, {mn}, {nt})"],
           "float"),
    OpInfo("softplus", ["F.softplus({a})", "F.softplus({a}, beta={s})", "F.softplus({a}, 2, {s})"], "float"),
    OpInfo("dropout", ["F.dropout({a}, p=0.0)", "F.dropout({a}, 0.5, training=False)",
                       "F.dropout({a}, {s}, False)", "F.dropout({a}, p=0.0, training=True, inplace=False)"], "float"),
]

# Public names that are not ops to fuzz, each with the reason.
NOT_FUZZED: dict[str, str] = {
    **dict.fromkeys(["rand", "randn", "randint", "randperm", "rand_like", "randn_like", "manual_seed", "seed",
                     "initial_seed", "Generator", "bernoulli", "normal", "random", "get_rng_state",
                     "set_rng_state", "multinomial", "uniform_", "normal_", "random_", "bernoulli_", "randint_like",
                     "default_generator", "exponential_"],
                    "random numbers: not promised to be PyTorch's, tested by their own distribution tests (dropout "
                    "is fuzzed where it is not random: p=0 or not training)"),
    **dict.fromkeys(["tensor", "as_tensor", "from_numpy", "zeros", "ones", "full", "empty", "zeros_like",
                     "ones_like", "full_like", "empty_like", "arange", "linspace", "eye"],
                    "creation: every leaf of every program is made with tensor/zeros, others in test_tensor.py"),
    **dict.fromkeys(["shape", "size", "dim", "ndim", "numel", "dtype", "device", "is_cuda", "is_leaf", "grad",
                     "grad_fn", "requires_grad", "retains_grad", "element_size", "is_floating_point",
                     "get_default_dtype", "is_tensor", "promote_types", "result_type"],
                    "attributes: compared after every statement (shape, dtype, grad_fn, requires_grad)"),
    **dict.fromkeys(["backward", "retain_grad", "detach_", "numpy", "cpu", "cuda", "save", "load", "device",
                     "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "set_printoptions",
                     "__iter__", "__index__", "__array__", "__format__", "__repr__", "__hash__"],
                    "engine, devices, i/o and printing: their own tests (test_autograd, test_devices, test_printing)"),
}

DTYPES = ["float32", "float64", "int32", "int64", "uint8", "bool"]

# Op mixes (`python -m tests.fuzzer 3000 7 all index`): (the registry names, the dtypes every leaf gets or None).
MIXES: dict[str, tuple[set, list | None]] = {
    "arith": ({"add", "add_alpha", "sub", "mul", "div", "pow", "maximum", "minimum", "neg", "abs", "exp", "log", "sqrt",
               "sigmoid", "tanh", "relu", "clamp", "where", "sum", "mean", "max", "min", "softmax", "log_softmax",
               "matmul"}, ["float32", "float64"]),
    "int": ({"add", "add_alpha", "sub", "mul", "div", "pow", "floor_divide", "remainder", "neg", "abs", "clamp", "where",
             "lt", "le", "gt", "ge", "eq", "ne", "logical_and", "logical_or", "logical_xor", "bitwise", "logical_not",
             "sum", "max", "min", "argmax", "argmin", "casts", "to", "isnan", "isfinite"},
            ["int32", "int64", "uint8", "bool"]),
    "index": ({"getitem", "setitem", "masked_fill", "reshape", "flatten", "transpose", "permute", "squeeze", "unsqueeze",
               "expand", "cat", "stack", "triu", "clone", "to", "casts", "inplace", "to_python", "sum"}, None),
    "nn": ({"linear", "mse_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy",
            "nll_loss", "embedding", "softplus", "dropout", "relu", "sigmoid", "tanh", "softmax", "log_softmax"},
           ["float32", "float64"]),
}
NN_ARGS = {"cls", "prob", "cw", "wt", "pw", "ign", "red", "W", "bias", "E", "idx", "mn", "nt", "pad"}
_FLOAT_SPECIALS = [float("nan"), float("inf"), float("-inf"), -0.0, 1e-45, 3e38, -3e38, 1e-310, 88.8, -104.0]
_NICE = [0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, 1.5, -3.0]


# --- documented, deliberate differences -------------------------------------------------------
# Each: (category, a regular expression the diverging statement or its detail matches, the reason).
DOCUMENTED: list[tuple[str, str, str]] = [
    ("rejected|message", r"does not record in-place operations",
     "in-place ops on tensors inside a graph are refused (PyTorch records them with version counters); "
     "the engine stays a plain graph of immutable results"),
    ("accepted", r"modified by an inplace operation",
     "no version counters: a tensor changed in place after an op saved it is not detected at backward (in-place "
     "changes of tensors that require grad, or are in a graph, are refused instead)"),
    ("grad_fn", r"(Bmm|Mm|Mv|Dot)Backward0 != (UnsafeView|Squeeze|Mm|Mv|Bmm|Expand|View|Transpose|Clone)Backward",
     "batched and vector-matrix products name their node after the product (PyTorch after its internal reshape)"),
    (".*", r"lib\.matmul\((\w+), (\w+), out=(\1|\2)\)",
     "matmul of matrices writing into one of its own inputs: PyTorch resizes `out` before it reads the inputs, so "
     "what comes out (zeros, or an error about its internal reshapes) depends on its implementation; here the "
     "product (two vectors do as PyTorch: `out` becomes 0-d first)"),
    ("value|shape", r"lib\.matmul\([^\n]*out=(\w+)\)\n[\s\S]*\b\1\b",
     "matmul's `out=` that PyTorch resized before the product failed: the new elements are uninitialised memory "
     "there, zeros here (and `out` keeps its shape here)"),
    ("value", r"nan[\s\S]*\(torch\)\n([\s\S]*\de-(3[0-2]\d|39|4[0-5])\b[\s\S]*( % |remainder\()|"
              r"[\s\S]*( % |remainder\()[^\n]*\de-(3[0-2]\d|39|4[0-5])\b)",
     "remainder by a subnormal divisor with a/b beyond the float range: PyTorch's vectorised CPU loop gives nan "
     "for some elements and the exact remainder for others of the same tensor; here always the exact one"),
    ("accepted", r"INTERNAL ASSERT FAILED", "a PyTorch bug (an internal assert fails); nothing to copy"),
    ("accepted|message|exception type", r"torch:? '?a view of a leaf Variable that requires grad|more than one "
     r"element of the written-to tensor refers to a single|refer to a single memory location",
     "views are copies here (no strided views, as the design says), so what PyTorch refuses because memory is "
     "shared is not refused: a write into an expanded tensor, `out=` a view of an input, `v.add_(t)` where v is a "
     "view of t; and a write into a view of a leaf that requires grad is refused as a write into a graph, after the "
     "index and value are checked"),
    ("value|requires_grad", r"(\w+) = (\w+)\.(expand|squeeze|unsqueeze|view|reshape|t\b|T\b|mT|transpose|permute)"
     r"[^\n]*\n[\s\S]*(\1\[[^\n]*\] = |\1\.(masked_fill_|fill_|zero_)|\2\.requires_grad)",
     "views are copies (see above): a write into a view (an expanded tensor too) is not seen by its base, and a "
     "view made before its base's `requires_grad = True` does not follow it"),
    ("value", r"(F\.linear|matmul|mm|dot|@)[\s\S]*(inf|e\+38)|(inf|e\+38)[\s\S]*(F\.linear|matmul|mm|dot|@)",
     "a product that meets inf or float32 overflow: whether inf + -inf (nan) happens inside the BLAS depends on its "
     "summation order and fused multiply-adds (NumPy's BLAS and PyTorch's differ)"),
    ("value", r"alpha=[\s\S]*(inf|e\+38)|(inf|e\+38)[\s\S]*alpha=",
     "`add`/`sub` with alpha at the float32 limits: input + alpha * other is one fused multiply-add here (PyTorch's "
     "vectorised loop); PyTorch's loops for broadcast operands round alpha * other first on some elements only"),
    ("value", r"(e\+38|214748364[678]|922337203685477580[678])[\s\S]*(\b(sum|mean)|_loss|cross_entropy)\(",
     "a float32 sum whose terms differ by more than float32 can hold (3e38 next to 1.5, INT_MAX next to 2): what "
     "survives the rounding depends on the summation order (PyTorch's vectorised lanes, NumPy's pairwise blocks)"),
    ("accepted", r"view size is not compatible with input tensor's size and stride",
     "`view` of a transposed or permuted tensor: PyTorch refuses (its strides do not allow it); with no strides "
     "here, `view` works as `reshape`"),
    ("grad_fn", r"ViewBackward0 != UnsafeViewBackward0",
     "reshape/flatten of a transposed or permuted tensor: PyTorch must copy it (not contiguous) and names the node "
     "after its internal _unsafe_view; there are no strides here, so it is a view node"),
    ("message", r"Expected size for first two dimensions of batch2 tensor",
     "a batched @ matrix product whose sizes do not match: PyTorch's message depends on the first operand's memory "
     "layout (a permuted view goes through bmm, others through a folded mm); there are no strides here"),
    ("accepted", r"Subtraction, the `-` operator, with a bool tensor",
     "`x ** bool_tensor` differentiates here; PyTorch's own derivative fails on the bool exponent"),
]
# Not checked at all, on purpose: aliasing. `view`, `reshape`, `expand`, `t()` and basic indexing never share memory
# here (the design promises no strided views), so a write through a view is not seen by its base.


# --- values ---------------------------------------------------------------------------------------

def _literal(x: Any) -> str:
    if isinstance(x, float):
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
    return repr(x)


def _nested(x: Any) -> str:
    """Nested lists from `ndarray.tolist()` as source text (nan and inf by name)."""
    if isinstance(x, list):
        return "[" + ", ".join(_nested(v) for v in x) + "]"
    return _literal(x)


def make_values(rng: np.random.Generator, shape: tuple, dt: str) -> np.ndarray:
    n = int(np.prod(shape, dtype=np.int64))
    if dt == "bool":
        return rng.random(n).reshape(shape) < 0.5
    if dt.startswith("float"):
        v = np.array(rng.choice(_NICE, n), dtype=np.float64)
        wild = rng.random(n)
        v[wild < 0.2] = np.round(rng.standard_normal(int((wild < 0.2).sum())) * 4, 2)
        special = rng.random(n) < 0.08
        v[special] = rng.choice(_FLOAT_SPECIALS, int(special.sum()))
        return v.astype(dt).reshape(shape)
    info = np.iinfo(dt)
    v = rng.integers(max(info.min, -5), 6, n)
    edge = rng.random(n) < 0.06
    v[edge] = rng.choice([info.max, info.min, info.max - 1, info.min + 1], int(edge.sum()))
    return v.astype(dt).reshape(shape)


def leaf_source(values: np.ndarray, dt: str, requires_grad: bool) -> str:
    rg = ", requires_grad=True" if requires_grad else ""
    if values.size == 0:
        return f"lib.zeros({tuple(values.shape)}, dtype=lib.{dt}{rg})"
    return f"lib.tensor({_nested(values.tolist())}, dtype=lib.{dt}{rg})"


# --- programs -------------------------------------------------------------------------------------

@dataclass
class Stmt:
    source: str                      # Python code; `result` names what it makes
    result: str
    op: str = "leaf"
    leaf: tuple | None = None        # (values, dtype, requires_grad) for a leaf


@dataclass
class Program:
    stmts: list[Stmt] = field(default_factory=list)

    def source(self, lib: str = "torch") -> str:
        head = [f"import {lib} as lib", f"import {lib}.nn.functional as F", "nan, inf = float('nan'), float('inf')"]
        body = []
        for s in self.stmts:
            body.append(s.source)
            if s.result != s.source.split(" = ")[0] and s.op != "leaf":
                body.append(f"print({s.result})")
        return "\n".join(head + body)


@dataclass
class Meta:
    shape: tuple
    dtype: str
    requires_grad: bool


class Generator:
    """Random programs from a seed: leaves, then 1 to 6 ops from the registry."""

    def __init__(self, seed: int, mix: str | None = None):
        self.rng = np.random.default_rng(seed)
        names, self.dtypes = MIXES[mix] if mix else (None, None)
        self.ops = [op for op in OPS if names is None or op.name in names]
        self.pool: dict[str, Meta] = {}
        self.program = Program()
        torch, torch_F = _libs()["torch"]
        self.ns = {"lib": torch, "F": torch_F, "nan": float("nan"), "inf": float("inf")}

    def add(self, stmt: Stmt) -> None:
        """Append `stmt` and run it on PyTorch, so later statements know its result's shape and dtype."""
        self.program.stmts.append(stmt)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(stmt.source, self.ns)
                r = eval(stmt.result, self.ns)
        except Exception:  # noqa: BLE001 (it fails on both, or the comparison will say so)
            self.pool.pop(stmt.result, None)
            return
        if type(r).__name__ in ("Tensor", "Parameter"):
            self.pool[stmt.result] = Meta(tuple(r.shape), str(r.dtype).split(".")[-1], r.requires_grad)
        else:
            self.pool.pop(stmt.result, None)

    def choice(self, seq):
        return seq[int(self.rng.integers(len(seq)))]

    def shape(self) -> tuple:
        rank = int(self.rng.choice(5, p=[0.15, 0.3, 0.3, 0.15, 0.1]))
        return tuple(int(self.rng.choice([0, 1, 2, 3, 4], p=[0.05, 0.25, 0.3, 0.3, 0.1])) for _ in range(rank))

    def broadcastable(self, shape: tuple) -> tuple:
        r = self.rng.random()
        if r < 0.05:
            return self.shape()  # most likely not broadcastable: the error is compared
        out = list(shape[int(self.rng.integers(len(shape) + 1)):] if self.rng.random() < 0.3 else shape)
        out = [1 if self.rng.random() < 0.25 else n for n in out]
        if self.rng.random() < 0.15:
            out.insert(0, int(self.rng.integers(1, 3)))
        return tuple(out)

    def dtype(self, kind: str) -> str:
        if self.dtypes:
            return self.choice(self.dtypes)
        if self.rng.random() < 0.2 or kind == "any":
            return self.choice(DTYPES)
        return {"float": self.choice(["float32", "float32", "float64"]), "int": self.choice(["int64", "int32", "uint8"]),
                "bool": "bool"}[kind]

    def leaf(self, shape: tuple, dt: str, grad: bool = False) -> str:
        rg = grad and dt.startswith("float") and self.rng.random() < 0.7
        return self.const(make_values(self.rng, shape, dt), dt, rg)

    def const(self, values: np.ndarray, dt: str, requires_grad: bool = False) -> str:
        """A leaf with these values."""
        name = f"v{len(self.program.stmts)}"
        self.add(Stmt(f"{name} = {leaf_source(values, dt, requires_grad)}", name, "leaf", (values, dt, requires_grad)))
        return name

    def tensor(self, kind: str, grad: bool, like: tuple | None = None) -> str:
        if self.pool and like is None and self.rng.random() < 0.6:
            return self.choice(list(self.pool))
        shape = self.shape() if like is None else self.broadcastable(like)
        return self.leaf(shape, self.dtype(kind), grad)

    def scalar(self) -> str:
        return self.choice(["0", "1", "2", "-1", "3", "300", "-2", "0.5", "-1.5", "2.0", "0.0", "True", "False",
                            "nan", "inf", "-inf", "1e-40"])

    def dim(self, rank: int) -> int:
        n = max(rank, 1)
        return int(self.rng.integers(-n, n)) if self.rng.random() < 0.92 else self.choice([n, -n - 1])

    def fill(self, form: str, spec: OpInfo) -> str:
        grad = spec.grad
        a = self.tensor(spec.dtypes, grad)
        if a not in self.pool:  # a leaf PyTorch refused to make: any shape will do for the rest
            self.pool[a] = Meta((), "float32", False)
        m = self.pool[a]
        rank, numel = len(m.shape), int(np.prod(m.shape, dtype=np.int64))
        values: dict[str, str] = {"a": a}
        keys = list(dict.fromkeys(re.findall(r"{(\w+)}", form)))  # in order: a set's order would vary between runs
        if "E" in keys:  # the table before the indices into it
            keys.remove("E")
            keys.insert(0, "E")
        nn_state: dict = {}
        for key in keys:
            if key == "a":
                continue
            if key in NN_ARGS:
                values[key] = self.nn_arg(key, m, nn_state)
            elif key == "b":
                values[key] = self.scalar() if self.rng.random() < 0.25 else self.tensor(spec.dtypes, grad, m.shape)
            elif key == "B":
                values[key] = self.tensor(spec.dtypes, grad, m.shape if self.rng.random() < 0.7 else None)
            elif key == "c":
                values[key] = self.tensor(spec.dtypes, False)
            elif key == "s":
                values[key] = self.scalar()
            elif key in ("dim", "dim2"):
                values[key] = str(self.dim(rank + (key == "dim2" and "unsqueeze" in form)))
            elif key == "kd":
                values[key] = self.choice(["True", "False"])
            elif key == "dt":
                values[key] = "lib." + self.choice(DTYPES)
            elif key == "shape":
                dims = list(m.shape)
                options = [(-1,), tuple(reversed(dims)), (numel,), tuple(dims) + (1,), (1, -1), (numel, 1),
                           (2, -1), (3, numel)]
                values[key] = repr(self.choice(options))
            elif key == "perm":
                values[key] = repr(tuple(int(i) for i in self.rng.permutation(rank)))
            elif key == "eshape":
                dims = [self.choice([n, -1]) if n != 1 else self.choice([1, 3, -1]) for n in m.shape]
                values[key] = repr(tuple(([2] if self.rng.random() < 0.3 else []) + dims))
            elif key == "mask":
                values[key] = self.leaf(m.shape if self.rng.random() < 0.85 else self.shape(), "bool")
            elif key == "key":
                values[key] = self.key(m.shape)
            elif key == "val":
                values[key] = self.scalar() if self.rng.random() < 0.6 else self.tensor(spec.dtypes, False, ())
        return form.format(**values)

    def nn_arg(self, key: str, m: Meta, state: dict) -> str:
        """An nn.functional argument that fits the input {a} of shape `m.shape` (now and then one that does not, so
        the errors are compared too). `state` carries what one call's arguments share (k, the table's rows)."""
        shape, rng = m.shape, self.rng
        classes = shape[1] if len(shape) > 1 else shape[0] if shape else 1
        dt = m.dtype if m.dtype.startswith("float") else "float32"
        misfit = rng.random() < 0.05
        if key == "ign":
            state.setdefault("ign", self.choice([-100, -100, 0, 1, -1]))
            return str(state["ign"])
        if key == "cls":
            state.setdefault("ign", self.choice([-100, -100, 0, 1, -1]))
            target = self.shape() if misfit else (shape[0],) + shape[2:] if len(shape) > 1 else ()
            values = np.array(rng.integers(0, max(classes, 1) + (rng.random() < 0.05), target))
            values[np.array(rng.random(target)) < 0.15] = state["ign"]
            dtype = self.choice(["int64"] * 8 + ["int32", "uint8"])
            return self.const(np.abs(values) if dtype == "uint8" else values, dtype)
        if key == "prob":
            values = np.array(np.round(rng.random(self.shape() if misfit else shape), 2))
            values[np.array(rng.random(values.shape)) < 0.1] = self.choice([0.0, 1.0, 1.5, -0.5])
            return self.const(values.astype(dt), dt if rng.random() < 0.9 else self.choice(DTYPES))
        if key in ("cw", "wt", "pw"):
            size = {"cw": (classes,), "wt": self.broadcastable(shape), "pw": shape[-1:]}[key]
            values = np.array(rng.choice([0.0, 0.5, 1.0, 2.0, 3.0], self.shape() if misfit else size))
            return self.const(values.astype(dt), dt)
        if key == "red":
            return repr(self.choice(["mean", "sum", "none"]))
        if key in ("W", "bias"):
            k = state.setdefault("k", int(rng.choice([0, 1, 2, 3, 4], p=[0.05, 0.25, 0.3, 0.3, 0.1])))
            size = (k, shape[-1] if shape else 1) if key == "W" else (k,)
            return self.leaf(self.shape() if misfit else size, dt, True)
        if key == "E":
            state["rows"] = int(rng.integers(1, 6))
            return self.leaf((state["rows"], int(rng.integers(0, 4))), dt, True)
        if key == "idx":
            rows = state.get("rows", shape[0] if shape else 0)
            values = np.array(rng.integers(0, max(rows, 1) + misfit, self.shape()[:2]))
            return self.const(values, self.choice(["int64"] * 9 + ["int32"]))
        if key == "mn":
            return self.choice(["1.0", "0.5", "2", "0.0", "3.5"])
        if key == "nt":
            return self.choice(["2.0", "1", "3", "inf", "0.5"])
        if key == "pad":
            return self.choice(["0", "1", "-1", "2", "None"])
        raise KeyError(key)

    def key(self, shape: tuple) -> str:
        parts = []
        for n in shape[:int(self.rng.integers(1, len(shape) + 1)) if shape else 1]:
            r = self.rng.random()
            if r < 0.35:
                parts.append(str(int(self.rng.integers(-n, n)) if n else 0))
            elif r < 0.6:
                parts.append(self.choice([":", "1:", ":-1", "::2", "0:1"]))
            elif r < 0.7:
                parts.append("None")
            elif r < 0.8:
                parts.append("...")
            else:
                idx = self.rng.integers(-n, n, int(self.rng.integers(0, 3))) if n else np.zeros(0, int)
                dt = self.choice(["int64", "int64", "int32", "uint8", "bool"])
                if dt == "bool":
                    parts.append(self.leaf((n,), "bool"))
                else:
                    parts.append(self.leaf(idx.shape, dt) if dt != "uint8" else self.leaf((n,), "uint8"))
        return ", ".join(parts) or "..."

    def generate(self) -> Program:
        for _ in range(int(self.rng.integers(1, 7))):
            spec = self.choice(self.ops)
            form = self.choice(spec.forms)
            code = self.fill(form, spec)
            name = f"v{len(self.program.stmts)}"
            if " = " in form or form.startswith("{c}.requires_grad"):  # an assignment: its target is the result
                self.add(Stmt(code, code.split("[")[0].split(".")[0], spec.name))
            else:
                self.add(Stmt(f"{name} = {code}", name, spec.name))
        return self.program


# --- running and comparing ------------------------------------------------------------------------

def _libs():
    import torch
    import torch.nn.functional as torch_F
    import tinygrad_edu.nn.functional as tg_F
    return {"tinygrad_edu": (tg, tg_F), "torch": (torch, torch_F)}


def _norm(x: Any, lib) -> Any:
    """A library's result as plain data: tensors become dicts, sequences lists, numbers stay numbers."""
    if isinstance(x, (tg.Tensor,)) or type(x).__name__ in ("Tensor", "Parameter"):
        fn = x.grad_fn  # its name as the repr shows it: grad_fn=<MulBackward0>
        name = None if fn is None else fn.name() if isinstance(x, tg.Tensor) else type(fn).__name__
        arr = np.array(x.detach().numpy(force=True) if isinstance(x, tg.Tensor) else x.detach().cpu().clone().numpy())
        return {"shape": tuple(x.shape), "dtype": str(x.dtype).split(".")[-1], "value": arr,
                "requires_grad": bool(x.requires_grad), "grad_fn": name}
    if isinstance(x, (tuple, list)):
        return [_norm(v, lib) for v in x]
    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    return repr(x)


@dataclass
class Outcome:
    result: Any = None
    error: tuple | None = None       # (type name, first line)
    warnings: list = field(default_factory=list)


def run(program: Program, lib_name: str, libs=None) -> list[Outcome]:
    lib, F = (libs or _libs())[lib_name]
    ns = {"lib": lib, "F": F, "nan": float("nan"), "inf": float("inf")}
    outcomes = []
    for s in program.stmts:
        out = Outcome()
        with warnings.catch_warnings(record=True) as caught:  # (the filters stay: what a learner would see)
            try:
                exec(s.source, ns)
                out.result = _norm(eval(s.result, ns), lib)
            except NameError as e:  # a statement using a result that an earlier statement failed to make
                out.error = ("skipped", str(e))
            except Exception as e:  # noqa: BLE001 (every kind is compared)
                out.error = (type(e).__name__, (str(e).strip().splitlines() or [""])[0])
        out.warnings = [f"{w.category.__name__}: {w.message}" for w in caught]
        outcomes.append(out)
    return outcomes


def _tol(dtype: str, loose: bool = False, narrow: bool | str = False) -> tuple[float, float]:
    """(rtol, atol) for a dtype; `loose` for gradients, where rounding differences grow (1 - tanh(x)**2 near 1);
    `narrow` where the program has float32 values, which carry their rounding (one ulp apart in the two
    libraries' exp, tanh, log_softmax...) into float64 results."""
    if narrow and dtype in ("float32", "float64") and (narrow == "float16" or dtype == "float64"):
        dtype = "float16" if narrow == "float16" else "float32"
    if loose:
        return {"float16": (1e-2, 1e-2), "float32": (1e-3, 1e-4), "float64": (1e-6, 1e-9)}.get(dtype, (0, 0))
    return {"float16": (1e-2, 1e-3), "float32": (1e-4, 1e-5), "float64": (1e-7, 1e-9)}.get(dtype, (0, 0))


def _values_equal(a: np.ndarray, b: np.ndarray, dtype: str, loose: bool = False, narrow: bool | str = False) -> bool:
    if a.shape != b.shape:
        return False
    if a.dtype.kind != "f" or b.dtype.kind != "f":
        return np.array_equal(a, b)
    if not np.array_equal(np.isnan(a), np.isnan(b)):
        return False
    rtol, atol = _tol(dtype, loose, narrow)
    with np.errstate(all="ignore"):
        return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))


def compare(mine: Any, theirs: Any, loose: bool = False, narrow: bool | str = False) -> tuple[str, str] | None:
    """The first difference between two normalised results, as (category, detail), or None."""
    if isinstance(theirs, dict) and isinstance(mine, dict):
        for key in ("shape", "dtype", "requires_grad", "grad_fn"):
            if mine[key] != theirs[key]:
                return key, f"{mine[key]} != {theirs[key]} (torch)"
        if not _values_equal(mine["value"], theirs["value"], theirs["dtype"], loose, narrow):
            return "value", f"{_short(mine['value'])} != {_short(theirs['value'])} (torch)"
        return None
    if isinstance(theirs, list) and isinstance(mine, list) and len(mine) == len(theirs):
        for m, t in zip(mine, theirs):
            d = compare(m, t, loose, narrow)
            if d:
                return d
        return None
    if isinstance(theirs, float) and isinstance(mine, float) and type(mine) is type(theirs):
        return None if _values_equal(np.array(mine), np.array(theirs), "float32") else \
            ("value", f"{mine} != {theirs} (torch)")
    if type(mine) is not type(theirs) or mine != theirs:
        return "value", f"{_short(mine)} != {_short(theirs)} (torch)"
    return None


def _short(x: Any) -> str:
    text = np.array2string(x, threshold=8) if isinstance(x, np.ndarray) else repr(x)
    return text if len(text) < 120 else text[:117] + "..."


_GENERIC = {"tensor", "tensors", "torch", "tinygrad_edu", "the", "and", "but", "got", "for", "with", "that", "must",
            "expected", "not", "only", "this"}


def _words(text: str) -> set:
    return {w for w in re.findall(r"[a-z_]{3,}", text.lower())} - _GENERIC


def compare_outcomes(mine: Outcome, theirs: Outcome, loose: bool = False,
                     narrow: bool | str = False) -> tuple[str, str] | None:
    if "skipped" in (mine.error or ("",))[0] + (theirs.error or ("",))[0]:
        return None  # a statement after one that failed to make its input (compared there)
    if theirs.error and not mine.error:
        return "accepted", f"torch raises {theirs.error[0]}: {theirs.error[1][:150]}"
    if mine.error and not theirs.error:
        return "rejected", f"{mine.error[0]}: {mine.error[1][:150]}"
    if mine.error and theirs.error:
        if mine.error[0] != theirs.error[0]:
            return "exception type", f"{mine.error[0]} != {theirs.error[0]} (torch: {theirs.error[1][:120]}); " \
                                     f"ours: {mine.error[1][:120]}"
        mw, tw = _words(mine.error[1]), _words(theirs.error[1])
        if mine.error[1] != theirs.error[1] and (mw or tw) and not mw & tw:
            return "message", f"{mine.error[1][:120]!r} vs torch {theirs.error[1][:120]!r}"
        return None
    d = compare(mine.result, theirs.result, loose, narrow)
    if d:
        return d
    if mine.warnings and not theirs.warnings:
        return "warning", mine.warnings[0][:150]
    return None


@dataclass
class Divergence:
    category: str
    detail: str
    index: int          # the statement where it shows
    program: Program


def documented(category: str, text: str) -> str | None:
    """The reason a divergence is deliberate (the text is its detail and the statement's source), or None."""
    for cat, pattern, reason in DOCUMENTED:
        if re.fullmatch(cat, category) and re.search(pattern, text):
            return reason
    return None


def check(program: Program, libs=None) -> Divergence | None:
    """The first divergence of `program` between the two libraries (documented ones excepted), or None."""
    libs = libs or _libs()
    mine, theirs = run(program, "tinygrad_edu", libs), run(program, "torch", libs)
    text = "\n".join(s.source for s in program.stmts)  # (values that passed through a narrower float keep its rounding)
    narrow = "float16" if re.search(r"float16|\.half\(\)", text) else bool(re.search(r"float32|\.float\(\)", text))
    for i, (m, t) in enumerate(zip(mine, theirs)):
        d = compare_outcomes(m, t, loose=program.stmts[i].op == "backward", narrow=narrow)
        # (matched against the statements so far: what follows a documented difference may show it later)
        if d and not documented(d[0], d[1] + "\n" + "\n".join(s.source for s in program.stmts[:i + 1])):
            return Divergence(d[0], d[1], i, program)
        if d:  # a documented difference: what follows would compare different states
            return None
    return None


def add_backward(program: Program, outcomes: list[Outcome], rng: np.random.Generator) -> None:
    """Append `out.backward(gradient)` for the last result that requires grad, and compare the leaves' grads."""
    leaves = [s.result for s in program.stmts if s.op == "leaf" and s.leaf[2]]
    for s, o in reversed(list(zip(program.stmts, outcomes))):
        r = o.result
        if isinstance(r, list) and r and isinstance(r[0], dict):
            r, s = r[0], Stmt("", f"{s.result}[0]")
        if isinstance(r, dict) and r["requires_grad"] and leaves:
            g = make_values(rng, r["shape"], "float64")
            g[~np.isfinite(g) | (np.abs(g) > 1e4)] = 1.0  # (huge ones make a sum's result depend on its order)
            g = np.round(g, 1).astype(r["dtype"])
            program.stmts.append(Stmt(f"{s.result}.backward({leaf_source(g, r['dtype'], False)})",
                                      "[" + ", ".join(f"{v}.grad" for v in leaves) + "]", "backward"))
            return


def random_program(seed: int, libs=None, mix: str | None = None) -> Program:
    gen = Generator(seed, mix)
    program = gen.generate()
    outcomes = run(program, "torch", libs)
    add_backward(program, outcomes, gen.rng)
    return program


# --- shrinking ------------------------------------------------------------------------------------

def shrink(div: Divergence, libs=None, budget: int = 200) -> Divergence:
    """A smaller program with a divergence of the same category: fewer statements, smaller leaves."""
    best = div
    tries = 0

    def attempt(stmts: list[Stmt]) -> bool:
        nonlocal best, tries
        tries += 1
        d = check(Program(stmts), libs)
        if d and d.category == best.category:
            best = d
            return True
        return False

    changed = True
    while changed and tries < budget:
        changed = False
        stmts = best.program.stmts[:best.index + 1]
        if len(stmts) < len(best.program.stmts):
            best = Divergence(best.category, best.detail, best.index, Program(stmts))
        for i in reversed(range(len(stmts) - 1)):
            if tries < budget and attempt(stmts[:i] + stmts[i + 1:]):
                changed = True
                break
        if changed:
            continue
        for i, s in enumerate(stmts):
            if s.leaf is None or s.leaf[0].size <= 1:
                continue
            values, dt, rg = s.leaf
            for axis, n in enumerate(values.shape):
                if n > 1 and tries < budget:
                    smaller = values.take(range(n - 1), axis=axis)
                    new = Stmt(f"{s.result} = {leaf_source(smaller, dt, rg)}", s.result, "leaf", (smaller, dt, rg))
                    if attempt(stmts[:i] + [new] + stmts[i + 1:]):
                        changed = True
                        break
            if changed:
                break
    return best


def report(div: Divergence) -> str:
    return (f"divergence [{div.category}] at statement {div.index + 1}: {div.detail}\n"
            f"--- reproduction (swap `torch` for `tinygrad_edu` to run it on this package) ---\n"
            f"{div.program.source('torch')}\n")


def fuzz(n: int, seed: int = 0, out=sys.stdout, shrink_budget: int = 200, limit: int | None = 20,
         by_op: dict | None = None, mix: str | None = None) -> dict:
    """Run `n` programs from `seed`; print each divergence, shrunk; return the counts by category (and fill
    `by_op` with the counts by the op that diverged)."""
    libs = _libs()
    counts: dict[str, int] = {}
    by_op = {} if by_op is None else by_op
    shown = 0
    with np.errstate(all="ignore"):
        for k in range(n):
            program = random_program(seed * 1_000_003 + k, libs, mix)
            div = check(program, libs)
            if div is None:
                continue
            counts[div.category] = counts.get(div.category, 0) + 1
            op = program.stmts[div.index].op
            by_op[op] = by_op.get(op, 0) + 1
            if limit is None or shown < limit:
                shown += 1
                print(f"# program {k} (seed {seed})", file=out)
                print(report(shrink(div, libs, shrink_budget)), file=out)
    return counts


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 2000
    seed = int(argv[1]) if len(argv) > 1 else 0
    start = time.perf_counter()
    by_op: dict = {}
    mix = argv[3] if len(argv) > 3 else None  # one of MIXES (then the third argument is "all" or "some")
    counts = fuzz(n, seed, limit=None if len(argv) > 2 and argv[2] == "all" else 20, by_op=by_op, mix=mix)
    total = sum(counts.values())

    def listed(d: dict) -> str:
        return ", ".join(f"{k}: {v}" for k, v in sorted(d.items(), key=lambda kv: -kv[1])) or "none"
    print(f"{n} programs from seed {seed}{f' ({mix} ops)' if mix else ''} in {time.perf_counter() - start:.1f} s: {total} diverge "
          f"(by kind: {listed(counts)}; by op: {listed(by_op)})")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
