"""Issue 10 in the nn, autograd, optim, data and io layers: each case against PyTorch (or NumPy)."""
import gc
import io
import json
import re
import tracemalloc
import weakref
import zipfile

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.nn import functional as F
from tinygrad_edu.utils.data import DataLoader, TensorDataset

from helpers import assert_same_tensor, norm, torch_or_skip

INF, NAN = float("inf"), float("nan")


def both(make):
    """`make(lib)` run with tinygrad_edu and with torch: the two results, or the two exceptions."""
    torch = torch_or_skip()
    out = []
    for lib in (tg, torch):
        try:
            out.append(make(lib))
        except Exception as e:  # noqa: BLE001 - the exception is what is compared
            out.append(e)
    return out


def same(make, rtol=1e-5, atol=1e-6):
    """`make` gives the same tensor (or raises the same exception type and message) in both libraries."""
    ours, theirs = both(make)
    if isinstance(theirs, Exception):
        assert type(ours) is type(theirs), f"{ours!r} != {theirs!r}"
        assert str(ours).startswith(norm(str(theirs))), f"{ours} != {theirs}"
    else:
        assert not isinstance(ours, Exception), ours
        assert_same_tensor(ours, theirs, rtol=rtol, atol=atol)


def t(lib, data, dtype="float32", requires_grad=False):
    return lib.tensor(data, dtype=getattr(lib, dtype), requires_grad=requires_grad)


# --- losses -------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [INF, -INF, NAN])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_ignored_rows_count_nothing_even_when_not_finite(bad, reduction):
    def make(lib):
        x = t(lib, [[bad, 0.], [1., 2.], [0.5, -1.]], requires_grad=True)
        loss = lib.nn.functional.cross_entropy(x, lib.tensor([-100, 1, 0]), reduction=reduction)
        loss.sum().backward()
        return lib.cat([loss.detach().reshape(-1), x.grad[1:].reshape(-1)])  # row 0's grad is nan in both
    same(make)
    same(lambda lib: lib.nn.functional.nll_loss(t(lib, [[bad, 0.], [1., 2.]]), lib.tensor([5, 1]), ignore_index=5,
                                                reduction=reduction))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_of_an_empty_batch(reduction):
    same(lambda lib: lib.nn.functional.cross_entropy(lib.zeros(0, 3), lib.zeros(0, dtype=lib.int64),
                                                     reduction=reduction))


@pytest.mark.parametrize("a, b", [("float32", "float64"), ("float64", "float32"), ("float16", "float64"),
                                  ("float32", "int64"), ("int64", "float32"), ("int64", "int64"), ("bool", "bool"),
                                  ("int32", "float64")])
@pytest.mark.parametrize("zero_d", [False, True])
@pytest.mark.filterwarnings("ignore:Using a target size")
def test_mse_loss_dtype(a, b, zero_d):
    same(lambda lib: lib.nn.functional.mse_loss(t(lib, [1, 0, 1], a), t(lib, 1 if zero_d else [1, 1, 0], b)),
         rtol=1e-3)


@pytest.mark.filterwarnings("ignore:Using a target size")
def test_mse_loss_broadcast_error_is_a_runtime_error():
    same(lambda lib: lib.nn.functional.mse_loss(lib.ones(3), lib.ones(4)))


@pytest.mark.parametrize("a, b", [("float64", "float32"), ("float32", "float64"), ("float32", "float16"),
                                  ("int64", "int64"), ("float32", "int64"), ("float32", "bool"), ("int64", "float32")])
def test_bce_with_logits_dtype(a, b):
    same(lambda lib: lib.nn.functional.binary_cross_entropy_with_logits(t(lib, [1, 0, -2], a), t(lib, [1, 0, 1], b)),
         rtol=1e-3)


@pytest.mark.parametrize("p, y", [([.5, .2], [2., 1.]), ([.5, .2], [-1., 1.]), ([.5, 2.], [1., 1.]),
                                  ([.5, NAN], [1., 1.]), ([.5, .2], [NAN, 1.]), ([.5, .2], [1., .25])])
def test_bce_refuses_what_pytorch_refuses(p, y):
    same(lambda lib: lib.nn.functional.binary_cross_entropy(t(lib, p), t(lib, y)))


def test_bce_on_integers_is_refused():
    same(lambda lib: lib.nn.functional.binary_cross_entropy(t(lib, [1, 0], "int64"), t(lib, [1, 0], "int64")))


@pytest.mark.parametrize("x", [np.ones((1, 3), np.float32), [[1., 2., 3.]], 3.0])
def test_linear_on_a_non_tensor_is_a_type_error(x):
    def make(lib):
        lib.manual_seed(0)
        return lib.nn.Linear(3, 2)(x)
    ours, theirs = both(make)
    assert type(ours) is type(theirs) is TypeError and str(ours) == str(theirs)


# --- a loss kept after backward() holds no activations ------------------------------------------

def _mlp_step(model, opt, x, y, kept):
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    kept.append(loss)


def test_kept_losses_do_not_keep_the_activations():
    # A 256-512-10 MLP at batch 512 made ~2 MB of activations per step; PyTorch keeps none of them.
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(256, 512), nn.ReLU(), nn.Linear(512, 10))
    opt = tg.optim.SGD(model.parameters(), lr=0.01)
    x, y, kept = tg.randn(512, 256), tg.randint(0, 10, (512,)), []
    tracemalloc.start()
    try:
        for _ in range(3):  # (every array made before this is traced too: grads, buffers)
            _mlp_step(model, opt, x, y, kept)
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(10):
            _mlp_step(model, opt, x, y, kept)
        gc.collect()
        per_step = (tracemalloc.get_traced_memory()[0] - before) / 10
    finally:
        tracemalloc.stop()
    assert per_step < 20_000, f"{per_step / 1024:.0f} KiB kept per step"


def test_backward_frees_intermediates_the_learner_did_not_keep():
    x = tg.randn(4, 3)
    w = tg.randn(3, 3, requires_grad=True)
    h = (x @ w).relu()
    data = weakref.ref(h._data)
    loss = (h * 2).sum()
    del h
    assert data() is not None  # the graph needs it until backward
    loss.backward()
    assert data() is None
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        loss.backward()


def test_a_graph_that_saved_nothing_runs_twice_as_in_pytorch():
    def make(lib):
        w = t(lib, [1., 2.], requires_grad=True)
        loss = ((w + 1) - 3).sum()
        loss.backward()
        loss.backward()
        return w.grad
    same(make)


def test_retain_graph_keeps_everything():
    w = tg.tensor([1., 2.], requires_grad=True)
    h = w.exp()
    data = weakref.ref(h._data)
    loss = (h * h).sum()
    del h
    loss.backward(retain_graph=True)
    assert data() is not None
    loss.backward()
    np.testing.assert_allclose(w.grad.numpy(), 4 * np.exp(2 * np.array([1., 2.])), rtol=1e-6)


def test_a_kept_graph_still_has_its_nodes_and_kept_tensors():
    w = tg.tensor([1., 2.], requires_grad=True)
    a = w.sigmoid()
    loss = (a * tg.tensor([3., 4.])).sum()
    loss.backward()
    mul = loss.grad_fn.next_functions[0][0]
    assert mul.name() == "MulBackward0"
    assert mul.all_inputs == (a,)  # the constant [3., 4.] is gone, `a` is kept by the test
    del a
    gc.collect()
    assert [n.name() for n in mul.all_inputs] == ["SigmoidBackward0"]  # the edge now goes to a's node
    assert mul.next_functions[0][0].next_functions[0][0] is w


# --- load refuses crafted files before it allocates ---------------------------------------------

def _archive(entries: dict, compress=zipfile.ZIP_STORED) -> io.BytesIO:
    f = io.BytesIO()
    with zipfile.ZipFile(f, "w", compress) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    f.seek(0)
    return f


def _entries(obj) -> dict:
    f = io.BytesIO()
    tg.save(obj, f)
    f.seek(0)
    with zipfile.ZipFile(f) as z:
        return {name: z.read(name) for name in z.namelist()}


def _npy(shape, data: bytes = b"\0" * 16) -> bytes:
    f = io.BytesIO()
    np.lib.format.write_array_header_1_0(f, {"descr": "<f4", "fortran_order": False, "shape": shape})
    return f.getvalue() + data


def test_load_refuses_a_compressed_archive_before_inflating_it():
    entries = _entries({"w": tg.zeros(3)})
    entries["tensor0.npy"] = _npy((50_000_000,), b"\0" * 200_000_000)  # 200 MB of zeros, 200 KB compressed
    f = _archive(entries, zipfile.ZIP_DEFLATED)
    assert len(f.getvalue()) < 1_000_000
    tracemalloc.start()
    try:
        with pytest.raises(RuntimeError, match="compressed entry"):
            tg.load(f)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000


def test_load_refuses_an_array_header_bigger_than_its_entry():
    entries = _entries({"w": tg.zeros(3)})
    entries["tensor0.npy"] = _npy((10_000_000_000,))  # declares 40 GB, holds 16 bytes
    with pytest.raises(RuntimeError, match="declares an array of shape"):
        tg.load(_archive(entries))


def test_load_refuses_a_deeply_nested_description():
    entries = _entries({"w": tg.zeros(3)})
    header = '{"format": "tinygrad_edu", "version": 1, "object": ' + "[" * 100_000 + "]" * 100_000 + "}"
    buf = io.BytesIO()
    np.save(buf, np.frombuffer(header.encode(), dtype=np.uint8))
    entries["__tinygrad_edu__.npy"] = buf.getvalue()
    with pytest.raises(RuntimeError, match="nested too deeply"):
        tg.load(_archive(entries))


def test_a_saved_file_still_loads():
    f = io.BytesIO()
    state = {"w": tg.arange(6.).reshape(2, 3), "n": 3, "groups": [{"betas": (0.9, 0.99)}]}
    tg.save(state, f)
    f.seek(0)
    back = tg.load(f)
    assert back["n"] == 3 and back["groups"] == [{"betas": (0.9, 0.99)}]
    np.testing.assert_array_equal(back["w"].numpy(), state["w"].numpy())
    assert json.loads(json.dumps(back["groups"]))  # plain values


def test_saving_a_whole_module_says_to_save_its_state_dict(tmp_path):
    with pytest.raises(TypeError, match=r"model\.state_dict\(\)"):
        tg.save(nn.Linear(2, 1), tmp_path / "model.pth")


# --- Softmax, LogSoftmax, ModuleList, Embedding -------------------------------------------------

@pytest.mark.parametrize("name", ["Softmax", "LogSoftmax"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_modules(name, dim):
    x = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)
    same(lambda lib: getattr(lib.nn, name)(dim=dim)(lib.tensor(x)))
    ours, theirs = both(lambda lib: repr(getattr(lib.nn, name)(dim)))
    assert ours == theirs


def test_module_list():
    def make(lib):
        lib.manual_seed(0)
        layers = lib.nn.ModuleList([lib.nn.Linear(2, 2), lib.nn.Linear(2, 2)])
        layers.append(lib.nn.ReLU())
        layers += [lib.nn.Linear(2, 3)]
        layers.insert(1, lib.nn.Tanh())
        del layers[0]
        return (repr(layers), list(layers.state_dict()), len(layers), type(layers[-1]).__name__,
                type(layers[1:3]).__name__, len(layers[1:3]), len(list(layers.parameters())))
    ours, theirs = both(make)
    assert ours == theirs
    with pytest.raises(IndexError, match="index 9 is out of range"):
        nn.ModuleList([nn.ReLU()])[9]


def test_module_list_trains_as_a_model_part():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])

        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

    net = Net()
    assert [n for n, _ in net.named_parameters()][:2] == ["layers.0.weight", "layers.0.bias"]
    net(tg.ones(1, 2)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())


@pytest.mark.parametrize("padding_idx", [None, 1, -1])
def test_embedding_against_pytorch(padding_idx):
    w = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    idx = np.array([[1, 2, 2], [4, 0, 1]])

    def make(lib):
        e = lib.nn.Embedding(5, 3, padding_idx=padding_idx)
        with lib.no_grad():
            e.weight.copy_(lib.tensor(w))
        out = e(lib.tensor(idx))
        (out * lib.arange(18.).reshape(2, 3, 3)).sum().backward()
        return out, e.weight.grad, repr(e), out.grad_fn.name()
    ours, theirs = both(make)
    assert_same_tensor(ours[0], theirs[0])
    assert_same_tensor(ours[1], theirs[1])
    assert ours[2:] == theirs[2:]


def test_embedding_starts_as_pytorch_does():
    tg.manual_seed(0)
    e = nn.Embedding(1000, 8, padding_idx=3)
    w = e.weight.detach().numpy()
    assert np.all(w[3] == 0)
    rest = np.delete(w, 3, axis=0)
    assert abs(rest.mean()) < 0.05 and abs(rest.std() - 1) < 0.05  # standard normal, as init.normal_


@pytest.mark.parametrize("idx", [[1.], [7], [-1]])
def test_embedding_errors(idx):
    def make(lib):
        return lib.nn.Embedding(5, 3)(lib.tensor(idx))
    ours, theirs = both(make)
    assert type(ours) is type(theirs) and str(ours) == norm(str(theirs))


# --- optimizer.state_dict() ---------------------------------------------------------------------

@pytest.mark.parametrize("name, kwargs", [("SGD", dict(lr=0.1, momentum=0.9)), ("Adam", dict(lr=0.1)),
                                          ("Adam", dict(lr=0.1, amsgrad=True))])
def test_optimizer_state_dict_round_trip(name, kwargs):
    w0 = np.random.default_rng(1).normal(size=(2, 3)).astype(np.float32)
    x = np.random.default_rng(2).normal(size=(4, 3)).astype(np.float32)

    def make(lib):
        def model():
            m = lib.nn.Linear(3, 2)
            with lib.no_grad():
                m.weight.copy_(lib.tensor(w0))
                m.bias.zero_()
            return m

        def step(m, opt):
            opt.zero_grad()
            m(lib.tensor(x)).pow(2).sum().backward()
            opt.step()
        m = model()
        opt = getattr(lib.optim, name)(m.parameters(), **kwargs)
        step(m, opt)
        step(m, opt)
        saved = opt.state_dict()
        layout = (sorted(saved), [g["params"] for g in saved["param_groups"]],
                  {k: sorted(v) for k, v in saved["state"].items()}, saved["param_groups"][0]["lr"])
        m2 = model()
        m2.load_state_dict(m.state_dict())
        opt2 = getattr(lib.optim, name)(m2.parameters(), lr=5.0)
        opt2.load_state_dict(saved)
        step(m2, opt2)
        return layout, opt2.param_groups[0]["lr"], m2.weight.detach()
    ours, theirs = both(make)
    assert ours[:2] == theirs[:2]
    assert_same_tensor(ours[2], theirs[2], rtol=1e-5)


def test_optimizer_state_dict_survives_save_and_load(tmp_path):
    m = nn.Linear(3, 2)
    opt = tg.optim.Adam(m.parameters(), lr=0.1)
    m(tg.ones(1, 3)).sum().backward()
    opt.step()
    tg.save(opt.state_dict(), tmp_path / "opt.pth")
    opt2 = tg.optim.Adam(m.parameters())
    opt2.load_state_dict(tg.load(tmp_path / "opt.pth"))
    assert opt2.param_groups[0]["betas"] == (0.9, 0.999) and opt2.param_groups[0]["lr"] == 0.1
    np.testing.assert_array_equal(opt2.state[m.weight]["exp_avg"].numpy(), opt.state[m.weight]["exp_avg"].numpy())


def test_optimizer_load_state_dict_errors():
    m = nn.Linear(3, 2)
    with pytest.raises(ValueError, match="doesn't match the size"):
        tg.optim.SGD(m.parameters()).load_state_dict({"state": {}, "param_groups": [{"params": [0]}]})
    with pytest.raises(ValueError, match="different number of parameter groups"):
        tg.optim.SGD(m.parameters()).load_state_dict({"state": {}, "param_groups": []})


# --- autograd.grad(..., create_graph=True) ------------------------------------------------------

SECOND = {
    "cube": lambda x: x ** 3,
    "exp_mul": lambda x: x.exp() * x,
    "log_sqrt_div": lambda x: (x.log() + x.sqrt()) / x,
    "sigmoid_tanh": lambda x: x.sigmoid() * x.tanh(),
    "relu_pow": lambda x: (x - 1).relu() * x ** 2,
    "neg_add": lambda x: -x * x + 2 * x - 1 / x,
    "mean_broadcast": lambda x: (x.reshape(3, 1) * x.reshape(1, 3)).mean(0) * x,
}


@pytest.mark.parametrize("name", SECOND)
def test_second_derivative_against_pytorch(name):
    f = SECOND[name]

    def make(lib):
        x = lib.tensor([0.5, 1.5, 2.25], dtype=lib.float64, requires_grad=True)
        g, = lib.autograd.grad(f(x).sum(), x, create_graph=True)
        g2, = lib.autograd.grad(g.sum(), x)
        return g.detach(), g2, g.grad_fn is not None
    ours, theirs = both(make)
    assert_same_tensor(ours[0], theirs[0])
    assert_same_tensor(ours[1], theirs[1])
    assert ours[2] and theirs[2]


@pytest.mark.parametrize("name", SECOND)
def test_second_derivative_against_finite_differences(name):
    f = SECOND[name]
    x0 = np.array([0.5, 1.5, 2.25])

    def first(values):
        x = tg.tensor(values, requires_grad=True)
        return tg.autograd.grad(f(x).sum(), x)[0].numpy()
    x = tg.tensor(x0, requires_grad=True)
    g, = tg.autograd.grad(f(x).sum(), x, create_graph=True)
    hessian = np.stack([tg.autograd.grad(g[i], x, retain_graph=True)[0].numpy() for i in range(3)])
    eps = 1e-6
    numeric = np.stack([(first(x0 + eps * e) - first(x0 - eps * e)) / (2 * eps) for e in np.eye(3)], axis=1)
    np.testing.assert_allclose(hessian, numeric, rtol=1e-5, atol=1e-6)


def test_second_derivative_of_a_scalar_and_the_first_graph_is_kept():
    x = tg.tensor(2.0, requires_grad=True)
    y = x ** 3
    g, = tg.autograd.grad(y, x, create_graph=True)
    g2, = tg.autograd.grad(g, x)
    assert (g.item(), g2.item()) == (12.0, 12.0)
    y.backward()  # create_graph retains the first graph, as in PyTorch
    assert x.grad.item() == 12.0


def test_create_graph_through_an_unsupported_op_says_so():
    x = tg.tensor([[1., 2.]], requires_grad=True)
    with pytest.raises(RuntimeError, match="create_graph=True is not supported through"):
        tg.autograd.grad((x @ x.T).sum(), x, create_graph=True)


# --- DataLoader(batch_size=None) ----------------------------------------------------------------

def test_dataloader_without_batching():
    torch = torch_or_skip()
    for lib in (tg, torch):
        ds = lib.utils.data.TensorDataset(lib.arange(4), lib.arange(4.) * 2)
        loader = lib.utils.data.DataLoader(ds, batch_size=None)
        got = [[(type(v).__name__, v.shape, v.tolist()) for v in sample] for sample in loader]
        raw = list(lib.utils.data.DataLoader([1, 2.5, (3, 4), np.array([5, 6])], batch_size=None))
        result = (len(loader), got, [type(s).__name__ for s in raw], raw[:3], raw[3].tolist())
        if lib is tg:
            ours = result
    assert norm(repr(result)) == repr(ours)
    with pytest.raises(ValueError, match="mutually exclusive with drop_last"):
        DataLoader(TensorDataset(tg.arange(3)), batch_size=None, drop_last=True)


# --- nll_loss, cross_entropy and linear over ranks, shapes and dtypes: PyTorch's paths -----------

def same_everything(make):
    """`make(lib)` -> (output, leaves): same value, dtype, grad_fn name and leaves' grads, or the same error."""
    ours, theirs = both(make)
    if isinstance(theirs, Exception):
        assert type(ours) is type(theirs) and str(ours) == norm(str(theirs)), f"{ours!r} != {theirs!r}"
        return
    assert not isinstance(ours, Exception), ours
    (out, leaves), (t_out, t_leaves) = ours, theirs
    assert_same_tensor(out.detach(), t_out.detach(), rtol=1e-4, atol=1e-5)
    assert (out.grad_fn and out.grad_fn.name()) == (t_out.grad_fn and t_out.grad_fn.name())
    if t_out.requires_grad and t_out.numel():
        try:
            t_out.sum().backward()
        except RuntimeError as e:  # PyTorch's backward refuses a few shapes (nll_loss of (C,) with a (1,) target)
            with pytest.raises(RuntimeError, match=re.escape(norm(str(e)))):
                out.sum().backward()
            return
        out.sum().backward()
        for a, b in zip(leaves, t_leaves):
            assert_same_tensor(a.grad, b.grad, rtol=1e-4, atol=1e-5, what="grad")


INPUTS = [(), (3,), (1,), (2, 3), (2, 3, 4), (2, 3, 4, 5), (2, 3, 1, 1, 2), (0, 3), (2, 0), (1, 2, 0), (1, 2, 0, 0),
          (1, 2, 3, 1, 0)]
TARGETS = [(), (1,), (2,), (3,), (2, 4), (2, 4, 5), (2, 1, 1, 2), (0,), (1, 0), (1, 0, 0), (1, 3, 1, 0)]


@pytest.mark.parametrize("loss", ["nll_loss", "cross_entropy"])
@pytest.mark.parametrize("x_shape", INPUTS)
@pytest.mark.parametrize("t_shape", TARGETS)
@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_class_losses_over_shapes(loss, x_shape, t_shape, reduction):
    x = np.random.default_rng(0).normal(size=x_shape).astype(np.float32)
    classes = x_shape[1] if len(x_shape) > 1 else x_shape[0] if x_shape else 1
    t = np.random.default_rng(1).integers(0, max(classes, 1), t_shape)

    def make(lib):
        xt = lib.tensor(x, requires_grad=True)
        return getattr(lib.nn.functional, loss)(xt, lib.tensor(t), reduction=reduction), [xt]
    same_everything(make)


@pytest.mark.parametrize("x_dtype", ["int32", "bool", "float64"])
@pytest.mark.parametrize("t_dtype", ["int64", "float32", "int32", "uint8"])
@pytest.mark.parametrize("rank", [2, 4])
def test_class_losses_over_dtypes(x_dtype, t_dtype, rank):
    shape = (2, 3) if rank == 2 else (2, 3, 4, 5)
    for loss in ("nll_loss", "cross_entropy"):
        same_everything(lambda lib: (getattr(lib.nn.functional, loss)(
            lib.zeros(shape, dtype=getattr(lib, x_dtype)),
            lib.zeros(shape[:1] + shape[2:], dtype=getattr(lib, t_dtype))), []))


@pytest.mark.parametrize("x_shape", [(3,), (2, 3), (2, 3, 4)])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_with_class_probabilities(x_shape, reduction, weighted):
    x = np.random.default_rng(0).normal(size=x_shape).astype(np.float32)
    p = np.random.default_rng(1).uniform(size=x_shape).astype(np.float32)
    classes = x_shape[1] if len(x_shape) > 1 else x_shape[0]

    def make(lib):
        xt = lib.tensor(x, requires_grad=True)
        w = lib.arange(1., classes + 1) if weighted else None
        return lib.nn.functional.cross_entropy(xt, lib.tensor(p), w, reduction=reduction), [xt]
    same_everything(make)
    same_everything(lambda lib: (lib.nn.functional.cross_entropy(lib.tensor(x), lib.tensor(p).long()), []))
    same_everything(lambda lib: (lib.nn.functional.cross_entropy(lib.tensor(x), lib.tensor(p), ignore_index=1), []))


@pytest.mark.parametrize("x_shape", [(), (3,), (1,), (2, 3), (4, 2, 3), (5, 4, 2, 3), (0, 3), (2, 1)])
@pytest.mark.parametrize("w_shape", [(), (3,), (2, 3), (1, 3), (2, 1), (2, 2, 3)])
@pytest.mark.parametrize("b_shape", [None, (), (2,), (1,), (1, 2), (3,), (2, 2), (1, 1), (1, 1, 2)])
def test_linear_over_shapes(x_shape, w_shape, b_shape):
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=x_shape).astype(np.float32), rng.normal(size=w_shape).astype(np.float32)
    b = None if b_shape is None else rng.normal(size=b_shape).astype(np.float32)
    matmul_names = {"SqueezeBackward4", "UnsafeViewBackward0"}  # ops.matmul's nodes (helper C's layer)

    def make(lib):
        leaves = [lib.tensor(a, requires_grad=True) for a in (x, w) + (() if b is None else (b,))]
        return lib.nn.functional.linear(*leaves), leaves
    ours, theirs = both(make)
    if isinstance(theirs, Exception) and "cannot be broadcast" in str(ours):
        assert str(ours).startswith(str(theirs))  # (the engine's broadcast error names both shapes too)
        return
    if not isinstance(theirs, Exception) and theirs[0].grad_fn.name() in matmul_names:
        pytest.skip("a node name that ops.matmul decides")
    same_everything(make)


@pytest.mark.parametrize("dtypes_", [("float32", "float64", "float32"), ("float32", "float64", "float64"),
                                     ("float64", "float32", None), ("float32", "int64", None),
                                     ("int64", "int64", "int64"), ("bool", "bool", None), ("bool", "bool", "bool"),
                                     ("float32", "float32", "int64")])
@pytest.mark.parametrize("shapes", [((1, 2), (3, 2), (3,)), ((4, 1, 2), (3, 2), (3,)), ((2,), (3, 2), (3,)),
                                    ((1, 2), (3, 2), ()), ((1, 2), (3, 1), (3,))])
def test_linear_over_dtypes(dtypes_, shapes):
    def make(lib):
        args = [lib.ones(s, dtype=getattr(lib, d)) for s, d in zip(shapes, dtypes_) if d is not None]
        return lib.nn.functional.linear(*args), []
    same_everything(make)


@pytest.mark.parametrize("x, t", [([[INF]], [[INF]]), ([-1.0, 0.0, 0.99], [-2.0, 3.0, 3.98]),
                                  ([[-40., 3.], [0.5, 100.]], [[0., 1.], [0.25, 1.]])])
@pytest.mark.parametrize("dtypes_", [("float64", "float32"), ("float32", "float64"), ("float32", "float32")])
def test_bce_with_logits_values_and_grads(x, t, dtypes_):
    def make(lib):
        xt = lib.tensor(x, dtype=getattr(lib, dtypes_[0]), requires_grad=True)
        tt = lib.tensor(t, dtype=getattr(lib, dtypes_[1]), requires_grad=True)
        return lib.nn.functional.binary_cross_entropy_with_logits(xt, tt), [xt, tt]
    same_everything(make)


def test_a_kept_loss_can_still_be_drawn_after_backward():
    pytest.importorskip("graphviz")
    from tinygrad_edu.viz import draw_graph
    w = tg.tensor([0.5, -1.0], requires_grad=True)
    loss = ((tg.tensor([1., 2.]) * w).sigmoid() - 1).pow(2).sum()
    before = draw_graph(loss, dict(w=w)).counts["ops"]
    loss.backward()
    gc.collect()
    after = draw_graph(loss, dict(w=w), show="grad")
    assert after.counts["ops"] == before  # every op is still drawn; the freed intermediate tensors are not
    assert "w" in after.source and "grad" in after.source


@pytest.mark.parametrize("w_shape", [(), (3,), (4, 2), (2, 3, 4), (4, 0), (0, 3)])
@pytest.mark.parametrize("requires_grad", [False, True])
@pytest.mark.parametrize("idx", [1, [1], [1.], [[3, 0]], True, [7]])
@pytest.mark.parametrize("padding_idx", [None, 1, -1, 9])
def test_embedding_function_against_pytorch(w_shape, requires_grad, idx, padding_idx):
    w = np.random.default_rng(0).normal(size=w_shape).astype(np.float32)

    def make(lib):
        wt = lib.tensor(w, requires_grad=requires_grad)
        return lib.nn.functional.embedding(lib.tensor(idx), wt, padding_idx), [wt]
    same_everything(make)


@pytest.mark.filterwarnings("ignore:Using a target size")
@pytest.mark.parametrize("shapes", [((3,), (3,)), ((2, 3), (3,)), ((1, 3, 0, 2), (1, 3, 1, 1)), ((0,), (0,)),
                                    ((2, 1), (1, 3)), ((3,), ()), ((3,), (2,))])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss_values_grads_and_broadcasting(shapes, reduction):
    rng = np.random.default_rng(0)
    a, b = (rng.normal(size=s).astype(np.float32) for s in shapes)

    def make(lib):
        x, y = lib.tensor(a, requires_grad=True), lib.tensor(b, requires_grad=True)
        return lib.nn.functional.mse_loss(x, y, reduction=reduction), [x, y]
    ours, theirs = both(make)
    if isinstance(theirs, Exception):
        assert type(ours) is type(theirs) and str(ours).startswith(str(theirs))
    else:
        same_everything(make)


@pytest.mark.parametrize("dtype", ["bool", "int64", "float32"])
@pytest.mark.parametrize("x_shape", [(3, 2), (1, 2), (2,), (4, 3, 2)])
@pytest.mark.parametrize("b_shape", [None, (2,), (3,), (1,), (2, 1), (1, 3), ()])
def test_linear_error_order_over_dtypes_and_shapes(dtype, x_shape, b_shape):
    for w_shape in [(3, 2), (1, 2), (2, 2)]:
        def make(lib):
            args = [lib.zeros(s, dtype=getattr(lib, dtype)) for s in (x_shape, w_shape, b_shape) if s is not None]
            return lib.nn.functional.linear(*args), []
        same_everything(make)


# --- Embedding(max_norm=...) --------------------------------------------------------------------

def _embedding_weights(dtype=np.float32):
    """Rows of norms far from 1 on both sides, a zero row, a nan and an inf row."""
    w = np.random.default_rng(3).normal(size=(7, 4)) * np.array([[0.05], [3.0], [0.2], [5.0], [1.0], [8.0], [0.1]])
    w[4] = 0
    return np.concatenate([w, [[NAN, 1, 0, 0], [INF, 0, 1, 0]]]).astype(dtype)


@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, INF, 0.5, 0])
@pytest.mark.parametrize("max_norm", [1.0, 0.3, 2])
@pytest.mark.parametrize("padding_idx", [None, 3])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_embedding_max_norm_renormalizes_like_pytorch(norm_type, max_norm, padding_idx, dtype):
    w0 = _embedding_weights(np.dtype(dtype))
    idx = np.array([[1, 3, 3, 0], [4, 7, 8, 1]])  # repeats, the zero row, the nan and inf rows; 2, 5, 6 unused

    def make(lib):
        w = lib.tensor(w0, requires_grad=True)
        out = lib.nn.functional.embedding(lib.tensor(idx), w, padding_idx, max_norm, norm_type)
        (out * lib.arange(32, dtype=w.dtype).reshape(2, 4, 4)).sum().backward()
        return out, w.detach(), w.grad, out.grad_fn.name(), w.is_leaf
    ours, theirs = both(make)
    for a, b in zip(ours[:3], theirs[:3]):
        assert_same_tensor(a, b, rtol=1e-5, atol=1e-6)
    assert ours[3:] == theirs[3:]
    changed = ~((w0 == ours[1].numpy()) | np.isnan(w0))
    assert np.array_equal(changed, ~((w0 == theirs[1].numpy()) | np.isnan(w0)))
    assert not changed[[2, 5, 6]].any()  # rows not looked up stay as they were


@pytest.mark.parametrize("args", [dict(max_norm=1.0), dict(max_norm=0.5, norm_type=1.0), dict(norm_type=3),
                                  dict(padding_idx=0, max_norm=2)])
def test_embedding_module_max_norm_against_pytorch(args):
    w0 = _embedding_weights()[:7]

    def make(lib):
        e = lib.nn.Embedding(7, 4, **args)
        with lib.no_grad():
            e.weight.copy_(lib.tensor(w0))
        opt = lib.optim.SGD(e.parameters(), lr=0.5)
        outs = []
        for idx in ([1, 2, 1], [[3, 5], [1, 6]]):
            opt.zero_grad()
            out = e(lib.tensor(idx))
            out.pow(2).sum().backward()
            opt.step()
            outs.append(out.detach())
        return outs, e.weight.detach(), repr(e)
    ours, theirs = both(make)
    for a, b in zip(ours[0] + [ours[1]], theirs[0] + [theirs[1]]):
        assert_same_tensor(a, b, rtol=1e-5, atol=1e-6)
    assert ours[2] == theirs[2]


@pytest.mark.parametrize("call", [
    lambda lib, w: lib.nn.functional.embedding(lib.tensor([7]), w, max_norm=1.),
    lambda lib, w: lib.nn.functional.embedding(lib.tensor([7, -12, 2]), w, max_norm=1.),
    lambda lib, w: lib.nn.functional.embedding(lib.tensor([-1]), w, max_norm=1.),
    lambda lib, w: lib.nn.functional.embedding(lib.tensor([1.]), w, max_norm=1.),
    lambda lib, w: lib.nn.functional.embedding(lib.tensor([True]), w, max_norm=1.),
    lambda lib, w: lib.nn.functional.embedding(lib.tensor([1], dtype=lib.uint8), w, max_norm=1.),
    lambda lib, w: lib.nn.functional.embedding(lib.tensor([1., 2]), w[0], max_norm=1.),
    lambda lib, w: lib.nn.functional.embedding(lib.tensor([1]), w.long(), max_norm=1.),
    lambda lib, w: lib.nn.functional.embedding(lib.tensor([1]), w.bool(), max_norm=1.),
    lambda lib, w: lib.nn.functional.embedding(lib.tensor([1]), w[0, 0], max_norm=1.),
    lambda lib, w: lib.nn.functional.embedding(lib.tensor([1]), w[0, 0], max_norm=1., padding_idx=0),
    lambda lib, w: lib.nn.functional.embedding(lib.tensor([1]), w[0, 0], max_norm=1., padding_idx=1),
    lambda lib, w: lib.nn.functional.embedding(lib.tensor([1]), w, max_norm="a"),
    lambda lib, w: lib.nn.functional.embedding(lib.tensor([1]), w, max_norm=lib.tensor([1.])),
    lambda lib, w: lib.nn.functional.embedding(lib.tensor([1]), w, max_norm=1, norm_type=None),
    lambda lib, w: lib.nn.functional.embedding([1], w, max_norm=1),
    lambda lib, w: lib.nn.functional.embedding(lib.tensor([1]), w[:0], max_norm=1),
    lambda lib, w: lib.nn.functional.embedding(lib.tensor([1]), w, max_norm=1, padding_idx=9),
    lambda lib, w: lib.nn.Embedding(7, 4, max_norm=1)(lib.tensor([[9]])),
    lambda lib, w: lib.nn.functional.embedding(lib.tensor([1]), w[:, :0], max_norm=1, norm_type=INF),
    lambda lib, w: lib.nn.functional.embedding(lib.tensor([1]), w[:, :0], max_norm=1, norm_type=-INF),
])
def test_embedding_max_norm_errors_match_pytorch(call):
    torch = torch_or_skip()
    w0 = _embedding_weights()[:7]
    with pytest.raises(Exception) as theirs:
        call(torch, torch.tensor(w0, requires_grad=True))
    with pytest.raises(type(theirs.value)) as ours:
        call(tg, tg.tensor(w0, requires_grad=True))
    assert str(ours.value) == norm(str(theirs.value))


def test_embedding_max_norm_accepts_a_0d_tensor_and_empty_indices():
    def make(lib):
        w = lib.tensor(_embedding_weights()[:7])
        out = lib.nn.functional.embedding(lib.tensor([1, 3]), w, max_norm=lib.tensor(1.5), norm_type=lib.tensor(1.))
        empty = lib.nn.functional.embedding(lib.tensor([], dtype=lib.long), w.long(), max_norm=1.)
        return out, w, empty
    ours, theirs = both(make)
    for a, b in zip(ours, theirs):
        assert_same_tensor(a, b)


def test_embedding_max_norm_scales_the_rows_before_a_bad_index_as_pytorch_does():
    def make(lib):
        w = lib.tensor(_embedding_weights()[:7])
        with pytest.raises(IndexError):
            lib.nn.functional.embedding(lib.tensor([9, 1, 3, 3, -2, 5]), w, max_norm=1.0)
        return w
    ours, theirs = both(make)
    assert_same_tensor(ours, theirs)


# --- binary_cross_entropy weights that broadcast ------------------------------------------------

@pytest.mark.parametrize("x_shape", [(3,), (2, 3)])
@pytest.mark.parametrize("w_shape", [(3,), (1, 3), (2, 3), (1,), (), (2,), (3, 1), (2, 1, 3)])
@pytest.mark.parametrize("which", ["bce", "weight", "pos_weight", "pos_weight-long-target"])
def test_bce_weight_shapes_like_pytorch(x_shape, w_shape, which):
    x = np.linspace(-1, 1, int(np.prod(x_shape))).reshape(x_shape).astype(np.float32)
    y = np.linspace(0, 1, x.size).reshape(x_shape).astype(np.float32)
    w = np.full(w_shape, 2.0, np.float32)

    def make(lib):
        F_, xt = lib.nn.functional, lib.tensor(x, requires_grad=True)
        if which == "bce":
            out = F_.binary_cross_entropy(xt.sigmoid(), lib.tensor(y), weight=lib.tensor(w), reduction="none")
        elif which == "weight":
            out = F_.binary_cross_entropy_with_logits(xt, lib.tensor(y), weight=lib.tensor(w), reduction="none")
        else:
            target = lib.tensor(y).long() if which.endswith("long-target") else lib.tensor(y)
            out = F_.binary_cross_entropy_with_logits(xt, target, pos_weight=lib.tensor(w), reduction="none")
        return out, [xt]
    ours, theirs = both(make)
    if isinstance(theirs, Exception):
        assert type(ours) is type(theirs), f"{ours!r} != {theirs!r}"
        assert str(ours).startswith(norm(str(theirs))), f"{ours} != {theirs}"
    else:
        same_everything(make)


@pytest.mark.parametrize("w_shape", [(1, 2), (2,), (3,), (1, 3), (), (4,)])
@pytest.mark.parametrize("x_shape", [(2, 3), (3,)])
def test_cross_entropy_probability_targets_check_the_weight_like_pytorch(w_shape, x_shape):
    x = np.random.default_rng(0).normal(size=x_shape)

    def make(lib):
        xt = lib.tensor(x, requires_grad=True)
        return lib.nn.functional.cross_entropy(xt, lib.full(x_shape, 1 / 3, dtype=lib.float64),
                                               weight=lib.ones(w_shape, dtype=lib.float64)), [xt]
    same_everything(make)


@pytest.mark.parametrize("norm_type", [2.0, 1, INF, 3.5, 0])
@pytest.mark.parametrize("columns", [2, 1])
def test_embedding_max_norm_of_rows_near_the_float32_limit(norm_type, columns):
    w0 = np.array([[3e38, 0], [3e38, 3e38], [1e-30, 0], [-2e38, 1e38], [2, 0]], np.float32)[:, :columns]

    def make(lib):
        w = lib.tensor(w0)
        out = lib.nn.functional.embedding(lib.tensor([[4, 3], [0, 1]]), w, max_norm=1.0, norm_type=norm_type)
        return out, w
    ours, theirs = both(make)
    for a, b in zip(ours, theirs):
        assert_same_tensor(a, b)


@pytest.mark.parametrize("case", [
    ([[0.5, 1.5], [2.0, -1.0]], [-100, 1], [3.0, 0.0]),          # the only counted sample has weight 0
    ([0.5, 1.5], -100, [3.0, 0.0]),                              # one sample, ignored
    ([[[-0.77], [2.89], [0.5]], [[-2.0], [-2.51], [3e38]]], [[-100], [2]], [2.0, 0.5, 0.0]),
    ([[1.0, 2.0], [0.5, -0.5]], [-100, -100], None),             # every sample ignored
])
@pytest.mark.parametrize("create_graph", [False, True])
def test_ignored_samples_get_a_zero_gradient_when_the_total_weight_is_zero(case, create_graph):
    x, t, w = case

    def make(lib):
        xt = lib.tensor(x, dtype=lib.float64, requires_grad=True)
        loss = lib.nn.functional.cross_entropy(xt, lib.tensor(t), weight=None if w is None else lib.tensor(w,
                                               dtype=lib.float64))
        grad, = lib.autograd.grad(loss * 1.5, xt, create_graph=create_graph)
        return loss, grad
    ours, theirs = both(make)
    for a, b in zip(ours, theirs):
        assert_same_tensor(a.detach(), b.detach())


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_cross_entropy_probability_targets_overflow_as_pytorch(reduction):
    x = np.array([[-0.5, 3e38, 3.09], [1.0, 2.0, 3.0]], np.float32)
    p = np.array([[0.55, 0.68, 0.12], [0.2, 0.3, 0.5]], np.float32)

    def make(lib):
        xt = lib.tensor(x, requires_grad=True)
        return lib.nn.functional.cross_entropy(xt, lib.tensor(p), weight=lib.tensor([0.5, 2.0, 3.0]),
                                               reduction=reduction), [xt]
    same_everything(make)
