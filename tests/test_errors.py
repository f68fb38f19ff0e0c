"""Bad input gets PyTorch's exception, with PyTorch's message where ours is meant to be the same.

Every case runs without PyTorch (type and a piece of the message); with PyTorch installed the same
code runs on torch too, and the type and the text are compared: `same` (to the character, torch's
module name replaced by ours), `prefix` (broadcast errors: torch's text, then both shapes), or
`type` (our message says more, or says it differently on purpose).
"""
from __future__ import annotations

import numpy as np
import pytest

import tinygrad_edu as tg
from helpers import norm, torch


def _second_backward(lib):
    y = (lib.ones(2, requires_grad=True) ** 2).sum()
    y.backward()
    y.backward()


# name: (code for either library, exception type, a piece of our message, how to compare with torch)
CASES = {
    # ragged nested lists
    "ragged rows": (lambda L: L.tensor([[1, 2], [3]]), ValueError, "expected sequence of length 2 at dim 1 (got 1)",
                    "same"),
    "ragged first row": (lambda L: L.tensor([[1], [2, 3]]), ValueError, "expected sequence of length 1", "same"),
    "ragged depth": (lambda L: L.tensor([[[1, 2]], [[3]]]), ValueError, "at dim 2 (got 1)", "same"),
    "ragged third row": (lambda L: L.tensor([[1, 2], [3, 4], [5]]), ValueError, "(got 1)", "same"),
    "number among rows": (lambda L: L.tensor([[1, 2], 3]), TypeError, "(got a number)", "type"),
    "row among numbers": (lambda L: L.tensor([1, [2]]), TypeError, "expected a number at dim 1", "type"),
    # shapes that cannot broadcast: torch's message, then both shapes
    "broadcast add": (lambda L: L.ones(2, 3) + L.ones(4), RuntimeError, "shapes [2, 3] and [4]", "prefix"),
    "broadcast mul": (lambda L: L.ones(2, 3) * L.ones(3, 2), RuntimeError, "[2, 3] and [3, 2]", "prefix"),
    "broadcast rank 4": (lambda L: L.ones(5, 1, 3, 2) - L.ones(4, 3, 3), RuntimeError, "[5, 1, 3, 2] and [4, 3, 3]",
                         "prefix"),
    "broadcast compare": (lambda L: L.ones(2) < L.ones(3), RuntimeError, "[2] and [3]", "prefix"),
    "broadcast where": (lambda L: L.where(L.ones(2) > 0, L.ones(3), L.ones(2)), RuntimeError, "[3]", "prefix"),
    "broadcast in place": (lambda L: L.ones(2).add_(L.ones(3)), RuntimeError, "[2] and [3]", "prefix"),
    "broadcast matmul batch": (lambda L: L.ones(2, 2, 3) @ L.ones(3, 3, 4), RuntimeError, "[2] and [3]", "prefix"),
    # shapes that cannot be multiplied
    "mm": (lambda L: L.ones(2, 3) @ L.ones(2, 3), RuntimeError, "cannot be multiplied (2x3 and 2x3)", "same"),
    "dot": (lambda L: L.ones(3) @ L.ones(4), RuntimeError, "expected tensor [3] and src [4]", "same"),
    "mv": (lambda L: L.ones(2, 3) @ L.ones(4), RuntimeError, "size mismatch", "same"),
    "vector @ matrix": (lambda L: L.ones(3) @ L.ones(4, 2), RuntimeError, "(1x3 and 4x2)", "same"),
    "batch @ matrix": (lambda L: L.ones(2, 2, 3) @ L.ones(4, 5), RuntimeError, "(4x3 and 4x5)", "same"),
    "batch @ vector": (lambda L: L.ones(2, 2, 3) @ L.ones(4), RuntimeError, "mat (4x3), vec (4)", "same"),
    "bmm": (lambda L: L.ones(2, 2, 3) @ L.ones(2, 4, 5), RuntimeError, "[2, 3] but got: [2, 4]", "same"),
    "bmm broadcast": (lambda L: L.ones(2, 1, 2, 3) @ L.ones(3, 4, 5), RuntimeError, "[6, 3] but got: [6, 4]", "same"),
    "matmul 0-d": (lambda L: L.matmul(L.ones(()), L.ones(3)), RuntimeError, "at least 1D", "same"),
    "matmul dtypes": (lambda L: L.ones(2, 3) @ L.ones(3, 2, dtype=L.float64), RuntimeError,
                      "float != double", "same"),
    "dot of matrices": (lambda L: L.dot(L.ones(2, 2), L.ones(2)), RuntimeError, "1D tensors expected", "same"),
    # reshape
    "reshape": (lambda L: L.ones(2, 3).reshape(4), RuntimeError, "shape '[4]' is invalid for input of size 6", "same"),
    "view": (lambda L: L.ones(2, 3).view(5, -1), RuntimeError, "shape '[5, -1]' is invalid", "same"),
    "reshape two -1": (lambda L: L.ones(2, 3).reshape(-1, -1), RuntimeError, "only one dimension can be inferred",
                       "same"),
    "expand": (lambda L: L.ones(2, 3).expand(4, 3), RuntimeError, "must match the existing size (2)", "same"),
    "expand rank": (lambda L: L.ones(2, 3).expand(3), RuntimeError, "number of sizes provided (1)", "same"),
    "permute": (lambda L: L.ones(2, 3).permute(0), RuntimeError, "does not match the length", "same"),
    "permute repeated": (lambda L: L.ones(2, 3).permute(0, 0), RuntimeError, "duplicate dims", "same"),
    "flatten": (lambda L: L.ones(2, 3, 4).flatten(2, 1), RuntimeError, "start_dim cannot come after end_dim", "same"),
    "t of 3-d": (lambda L: L.ones(2, 3, 4).t(), RuntimeError, "t() expects a tensor with <= 2 dimensions", "same"),
    "cat sizes": (lambda L: L.cat([L.ones(2, 3), L.ones(2, 4)], 0), RuntimeError, "Sizes of tensors must match",
                  "same"),
    "cat ranks": (lambda L: L.cat([L.ones(2, 3), L.ones(3)]), RuntimeError, "same number of dimensions", "same"),
    "cat nothing": (lambda L: L.cat([]), ValueError, "tinygrad_edu.cat(): expected a non-empty list", "same"),
    "cat 0-d": (lambda L: L.cat([L.ones(()), L.ones(())]), RuntimeError, "zero-dimensional tensor", "same"),
    "stack shapes": (lambda L: L.stack([L.ones(2), L.ones(3)]), RuntimeError, "stack expects each tensor", "same"),
    "stack nothing": (lambda L: L.stack([]), RuntimeError, "stack expects a non-empty TensorList", "same"),
    # one element expected
    "item": (lambda L: L.ones(2).item(), RuntimeError, "a Tensor with 2 elements cannot be converted to Scalar",
             "same"),
    "float": (lambda L: float(L.ones(2)), ValueError, "only one element tensors", "same"),
    "int": (lambda L: int(L.ones(2, 2)), ValueError, "only one element tensors", "same"),
    "bool": (lambda L: bool(L.ones(2)), RuntimeError, "more than one value is ambiguous", "same"),
    "len of 0-d": (lambda L: len(L.ones(())), TypeError, "len() of a 0-d tensor", "same"),
    "iter of 0-d": (lambda L: iter(L.ones(())), TypeError, "iteration over a 0-d tensor", "same"),
    # dtypes and devices
    "dtype string": (lambda L: L.tensor([1], dtype="float32"), TypeError, "dtype", "type"),
    "dtype string in zeros": (lambda L: L.zeros(2, dtype="int"), TypeError, "dtype", "type"),
    "device string": (lambda L: L.tensor([1.0], device="gpu"), RuntimeError,
                      "device type at start of device string: gpu", "type"),
    "device index": (lambda L: L.device("cuda:x"), RuntimeError, "Invalid device string: 'cuda:x'", "same"),
    "object data": (lambda L: L.tensor([object()]), RuntimeError, "Could not infer dtype of object", "same"),
    "string data": (lambda L: L.tensor("abc"), TypeError, "new(): invalid data type 'str'", "same"),
    "from_numpy of a list": (lambda L: L.from_numpy([1, 2]), TypeError, "expected np.ndarray (got list)", "same"),
    "mean of ints": (lambda L: L.tensor([1, 2]).mean(), RuntimeError, "Got: Long", "same"),
    "where on floats": (lambda L: L.where(L.ones(2), L.ones(2), L.ones(2)), RuntimeError,
                        "but got a tensor with dtype Float", "same"),
    "invert floats": (lambda L: ~L.ones(2), TypeError, "~ (operator.invert)", "same"),
    "bool - bool": (lambda L: L.tensor([True]) - L.tensor([False]), RuntimeError, "with two bool tensors", "same"),
    "-bool": (lambda L: -L.tensor([True]), RuntimeError, "on a bool tensor is not supported", "same"),
    "tensor + None": (lambda L: L.ones(2) + None, TypeError, "NoneType", "type"),
    "clamp without bounds": (lambda L: L.ones(2).clamp(), RuntimeError, "At least one of 'min' or 'max'", "same"),
    "max of nothing": (lambda L: L.ones(0).max(), RuntimeError, "Specify the reduction dim", "same"),
    "in-place to an int": (lambda L: L.tensor([1, 2]).add_(0.5), RuntimeError,
                           "result type Float can't be cast to the desired output type Long", "same"),
    "in-place divide ints": (lambda L: L.tensor([1, 2]).div_(2), RuntimeError, "desired output type Long", "same"),
    "in-place growing": (lambda L: L.ones(1).add_(L.ones(3)), RuntimeError,
                         "output with shape [1] doesn't match the broadcast shape [3]", "same"),
    "arange step 0": (lambda L: L.arange(0, 5, 0), RuntimeError, "step must be nonzero", "same"),
    "arange sign": (lambda L: L.arange(0, 5, -1), RuntimeError, "inconsistent with step sign", "same"),
    "randint range": (lambda L: L.randint(5, 2, (3,)), RuntimeError, "from=5 >= to=2", "same"),
    "negative size": (lambda L: L.ones(2, -1), RuntimeError, "negative dimension -1: [2, -1]", "same"),
    "float size": (lambda L: L.zeros(2.5), TypeError, "float", "type"),
    # indices and dims out of range
    "index": (lambda L: L.ones(3)[5], IndexError, "index 5 is out of bounds for dimension 0 with size 3", "same"),
    "index 2nd dim": (lambda L: L.ones(2, 3)[0, 5], IndexError, "for dimension 1 with size 3", "same"),
    "negative index": (lambda L: L.ones(3)[-4], IndexError, "index -4 is out of bounds", "same"),
    "index tensor": (lambda L: L.ones(3)[L.tensor([0, 5])], IndexError, "index 5 is out of bounds", "same"),
    "too many indices": (lambda L: L.ones(2, 3)[0, 0, 0], IndexError, "too many indices for tensor of dimension 2",
                         "same"),
    "float index": (lambda L: L.ones(3)[1.0], IndexError, "valid indices", "same"),
    "float index tensor": (lambda L: L.ones(3)[L.tensor([1.0])], IndexError,
                           "tensors used as indices must be long, int, byte or bool tensors", "same"),
    "mask shape": (lambda L: L.ones(3)[L.tensor([True, False])], IndexError,
                   "The shape of the mask [2] at index 0 does not match", "same"),
    "mask in 2nd dim": (lambda L: L.ones(2, 3)[:, L.ones(2, dtype=L.bool)], IndexError,
                        "indexed tensor [2, 3] at index 1", "same"),
    "mask after an int": (lambda L: L.ones(2, 3, 4)[0, L.ones(2, dtype=L.bool)], IndexError,
                          "indexed tensor [3, 4] at index 0", "same"),
    "negative step": (lambda L: L.ones(3)[::-1], ValueError, "step must be greater than zero", "same"),
    "sum dim": (lambda L: L.ones(2, 3).sum(3), IndexError,
                "Dimension out of range (expected to be in range of [-2, 1], but got 3)", "same"),
    "softmax dim": (lambda L: L.ones(2, 3).softmax(-3), IndexError, "but got -3", "same"),
    "unsqueeze dim": (lambda L: L.ones(2, 3).unsqueeze(4), IndexError, "[-3, 2], but got 4", "same"),
    "transpose dim": (lambda L: L.ones(2, 3).transpose(0, 2), IndexError, "Dimension out of range", "same"),
    "size dim": (lambda L: L.ones(2, 3).size(2), IndexError, "Dimension out of range", "same"),
    "0-d dim": (lambda L: L.ones(()).sum(1), IndexError, "[-1, 0], but got 1", "same"),
    # autograd misuse
    "backward of a vector": (lambda L: (L.ones(2, requires_grad=True) * 2).backward(), RuntimeError,
                             "grad can be implicitly created only for scalar outputs", "same"),
    "second backward": (_second_backward, RuntimeError, "Trying to backward through the graph a second time", "same"),
    "backward without grad": (lambda L: L.ones(2).sum().backward(), RuntimeError,
                              "element 0 of tensors does not require grad and does not have a grad_fn", "same"),
    "gradient shape": (lambda L: (L.ones(2, requires_grad=True) * 2).backward(L.ones(3)), RuntimeError,
                       "Mismatch in shape: grad_output[0] has a shape of tinygrad_edu.Size([3])", "same"),
    "requires_grad_ on ints": (lambda L: L.ones(2, dtype=L.int64).requires_grad_(), RuntimeError,
                               "only Tensors of floating point dtype can require gradients", "same"),
    "tensor of ints with grad": (lambda L: L.tensor([1, 2], requires_grad=True), RuntimeError,
                                 "Only Tensors of floating point and complex dtype", "same"),
    "zeros of ints with grad": (lambda L: L.zeros(2, dtype=L.int64, requires_grad=True), RuntimeError,
                                "Only Tensors of floating point and complex dtype", "same"),
    "retain_grad without grad": (lambda L: L.ones(2).retain_grad(), RuntimeError,
                                 "can't retain_grad on Tensor that has requires_grad=False", "same"),
    "numpy with grad": (lambda L: L.ones(2, requires_grad=True).numpy(), RuntimeError,
                        "Use tensor.detach().numpy() instead", "same"),
    "requires_grad flag of a non-leaf": (lambda L: (L.ones(2, requires_grad=True) * 2).requires_grad_(False),
                                         RuntimeError, "only change requires_grad flags of leaf variables", "same"),
    "in-place on a leaf": (lambda L: L.ones(2, requires_grad=True).add_(1), RuntimeError,
                           "a leaf Variable that requires grad is being used in an in-place operation.", "same"),
    "+= on a leaf": (lambda L: L.ones(2, requires_grad=True).__iadd__(1), RuntimeError, "a leaf Variable", "same"),
    "zero_ on a leaf": (lambda L: L.ones(2, requires_grad=True).zero_(), RuntimeError, "a leaf Variable", "same"),
    "item assignment on a leaf": (lambda L: L.ones(2, requires_grad=True).__setitem__(0, 1.0), RuntimeError,
                                  "a view of a leaf Variable that requires grad", "same"),
    "grad of a constant": (lambda L: L.autograd.grad((L.ones(2, requires_grad=True) * 2).sum(), [L.ones(2)]),
                           RuntimeError, "One of the differentiated Tensors does not require grad", "same"),
    "grad of an unused input": (lambda L: L.autograd.grad((L.ones(2, requires_grad=True) * 2).sum(),
                                                          [L.ones(2, requires_grad=True)]),
                                RuntimeError, "The differentiated Tensor at index 0 appears to not have been used",
                                "same"),
}


@pytest.mark.parametrize("name", CASES)
def test_error(name):
    fn, exc_type, fragment, how = CASES[name]
    with pytest.raises(Exception) as ours:
        fn(tg)
    assert type(ours.value) is exc_type, f"{type(ours.value).__name__}: {ours.value}"
    message = str(ours.value)
    assert fragment in message
    assert "torch." not in message
    if torch is None:
        return
    with pytest.raises(Exception) as theirs:
        fn(torch)
    assert type(theirs.value) is exc_type
    expected = norm(str(theirs.value))
    if how == "same":
        assert message == expected
    elif how == "prefix":
        assert message.startswith(expected) and message != expected


def test_broadcast_error_names_both_shapes():
    with pytest.raises(RuntimeError) as info:
        tg.ones(2, 3) + tg.ones(3, 2)
    assert "[2, 3]" in str(info.value) and "[3, 2]" in str(info.value)
    assert str(info.value).startswith("The size of tensor a (3) must match the size of tensor b (2) at non-singleton "
                                      "dimension 1")


def test_matmul_error_names_both_shapes():
    with pytest.raises(RuntimeError, match=r"\(5x3 and 4x2\)"):
        tg.ones(5, 3) @ tg.ones(4, 2)


def test_gradient_of_the_wrong_shape_from_numpy():
    y = tg.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        y.backward(np.ones(3))


def test_on_a_graph_tensor_in_place_is_refused_with_a_hint():
    """A deliberate difference: PyTorch records in-place ops on graph tensors; this engine refuses them."""
    y = tg.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="write the out-of-place form"):
        y.mul_(2)
