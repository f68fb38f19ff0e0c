"""Random numbers: the same seed gives PyTorch's numbers, bit for bit, in the same order of calls.

The raw mt19937 stream is checked against NumPy's own MT19937; everything else against PyTorch (the
tests skip without it). The exact float arithmetic (fused multiply-add) is checked against fractions.
"""
from __future__ import annotations

import math
import random as pyrandom
from fractions import Fraction

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn, random as tgr
from tinygrad_edu.utils.data import DataLoader, RandomSampler, TensorDataset, random_split

from helpers import torch_or_skip

SEEDS = [0, 1, 123, 2**32 + 5, 2**63 + 17, -7]
SIZES = list(range(0, 101)) + [1000, 4099, 100_000]
SHAPES = [(), (1,), (5,), (3, 7), (2, 3, 4), (2, 3, 2, 5), (4, 4), (17,), (2, 0, 3)]


def same(a, b) -> None:
    """Equal bit for bit (NaNs aside), with the same shape and dtype."""
    a = a.detach().numpy() if hasattr(a, "detach") else np.asarray(a)
    b = b.detach().numpy() if hasattr(b, "detach") else np.asarray(b)
    assert a.shape == b.shape and a.dtype == b.dtype, (a.shape, b.shape, a.dtype, b.dtype)
    bad = np.flatnonzero(a.ravel() != b.ravel())
    assert bad.size == 0, f"{bad.size} of {a.size} differ, first at {bad[0]}: {a.ravel()[bad[0]]!r} != {b.ravel()[bad[0]]!r}"


def both(seed):
    torch = torch_or_skip()
    torch.manual_seed(seed)
    tg.manual_seed(seed)
    return torch


# --- the stream itself --------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 5489, 2**32 - 1, 123456789])
def test_words_are_numpys_mt19937(seed):
    g = tg.Generator().manual_seed(seed)
    words = np.concatenate([g.random32(k) for k in (1, 622, 1, 1, 700, 3000)])
    expected = np.random.RandomState(seed).randint(0, 2**32, size=words.size, dtype=np.uint32)
    np.testing.assert_array_equal(words, expected)


def test_random64_takes_two_words_high_first():
    a, b = tg.Generator().manual_seed(3), tg.Generator().manual_seed(3)
    w = a.random32(10).astype(np.uint64)
    np.testing.assert_array_equal(b.random64(5), (w[0::2] << np.uint64(32)) | w[1::2])


def _round(q: Fraction, dtype) -> float:
    """The exact number q rounded once to dtype (nearest, ties to even)."""
    f = dtype(float(q))
    near = [dtype(f), np.nextafter(f, dtype(-np.inf)), np.nextafter(f, dtype(np.inf))]
    return min(near, key=lambda v: (abs(Fraction(float(v)) - q), int(np.array(v).view(f"u{np.dtype(dtype).itemsize}")) & 1))


def _fraction_fma(a, b, c, dtype):
    return np.array([_round(Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z)), dtype)
                     for x, y, z in zip(a, b, c)], dtype=dtype)


def test_fused_multiply_add_rounds_once():
    rng = np.random.default_rng(0)
    n = 20000
    for dtype, fma in ((np.float32, tgr._fma32), (np.float64, tgr._fma64)):
        a = (rng.standard_normal(n) * 10.0 ** rng.integers(-8, 8, n)).astype(dtype)
        c = (rng.standard_normal(n) * 10.0 ** rng.integers(-8, 8, n)).astype(dtype)
        b = dtype(rng.standard_normal())
        # and sums that land exactly half way between two floats, where rounding twice goes wrong
        half = (np.arange(1, 200) * (2.0 if dtype == np.float32 else 1.0) ** -30).astype(dtype)
        a, c = np.concatenate([a, half]), np.concatenate([c, np.ones_like(half)])
        for bb in (b, dtype(1 + 2.0 ** -20), dtype(3)):
            got = fma(a, bb, c)
            np.testing.assert_array_equal(got, _fraction_fma(a, np.full_like(a, bb), c, dtype))


def test_sincos_reduction_sums_are_exact_for_every_input():
    """`_sincos_float32` skips the double-rounding guard in its three reduction steps: check, for all
    2**24 angles a float32 uniform can give, that those float64 sums are exact."""
    for start in range(0, 2**24, 2**22):
        k = np.arange(start, start + 2**22, dtype=np.uint32)
        x = np.float32(2 * math.pi) * (k.astype(np.float32) * np.float32(2.0**-24))
        y = (((x * np.float32(1.27323954473516)).astype(np.int32) + 1) & ~1).astype(np.float32)
        for part in (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8):
            p, c = y.astype(np.float64) * np.float64(np.float32(part)), x.astype(np.float64)
            s = p + c
            bb = s - p
            assert not np.any((p - (s - bb)) + (c - bb))   # the rounding error of s (Knuth's TwoSum) is 0
            x = s.astype(np.float32)


def test_state_round_trips_and_keeps_the_cached_normal():
    g = tg.Generator().manual_seed(11)
    tg.randn(3, generator=g)            # leaves the pair's second number cached
    state = g.get_state()
    assert state.dtype == tg.uint8 and state.shape == (5056,)
    first = (tg.randn(5, generator=g), tg.rand(700, generator=g), tg.randint(0, 9, (4,), generator=g))
    g.manual_seed(0)
    g.set_state(state)
    again = (tg.randn(5, generator=g), tg.rand(700, generator=g), tg.randint(0, 9, (4,), generator=g))
    for x, y in zip(first, again):
        same(x, y)
    tg.manual_seed(4)
    s = tg.get_rng_state()
    a = tg.rand(3)
    tg.set_rng_state(s)
    same(a, tg.rand(3))
    assert tg.initial_seed() == 4


def test_state_errors_and_seeds():
    with pytest.raises(TypeError, match="ByteTensor"):
        tg.set_rng_state(tg.zeros(5056))
    with pytest.raises(RuntimeError, match="size 5056 but found the input RNG state size to be 10"):
        tg.set_rng_state(tg.zeros(10, dtype=tg.uint8))
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        tg.set_rng_state(tg.zeros(5056, dtype=tg.uint8))
    with pytest.raises(ValueError, match="Overflow"):
        tg.manual_seed(2**64)
    assert tg.manual_seed(-1).initial_seed() == 2**64 - 1
    assert tg.Generator().initial_seed() == 67280421310721
    s = tg.seed()
    assert tg.initial_seed() == s and 0 <= s < 2**53


def test_import_does_not_build_the_twister():
    g = tg.Generator().manual_seed(5)
    assert g._state is None  # made on the first draw, not at seeding (import stays fast)


# --- against PyTorch ----------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("fn", ["rand", "randn"])
def test_rand_and_randn_every_size(seed, dtype, fn):
    torch = both(seed)
    for n in SIZES:   # one generator for all sizes: the calls must stay in step too
        same(getattr(tg, fn)(n, dtype=getattr(tg, dtype)), getattr(torch, fn)(n, dtype=getattr(torch, dtype)))


@pytest.mark.parametrize("shape", SHAPES)
def test_shapes_of_every_rank(shape):
    torch = both(42)
    for dt in ("float32", "float64"):
        same(tg.rand(shape, dtype=getattr(tg, dt)), torch.rand(shape, dtype=getattr(torch, dt)))
        same(tg.randn(*shape, dtype=getattr(tg, dt)) if shape else tg.randn(shape, dtype=getattr(tg, dt)),
             torch.randn(*shape, dtype=getattr(torch, dt)) if shape else torch.randn(shape, dtype=getattr(torch, dt)))
    same(tg.randint(-3, 11, shape), torch.randint(-3, 11, shape))
    x, tx = tg.zeros(shape), torch.zeros(shape)
    same(tg.rand_like(x), torch.rand_like(tx))
    same(tg.randn_like(x), torch.randn_like(tx))
    same(tg.randint_like(x, 7), torch.randint_like(tx, 7))
    same(tg.randint_like(x, 2, 9), torch.randint_like(tx, 2, 9))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("bounds", [(0.0, 1.0), (-0.3, 0.7), (2.5, 9.1), (-1000.0, 3.3), (-0.1414213562373095, 0.1414213562373095),
                                    (5.0, 5.0), (-1e-3, 1e6), (1e6, 1e6 + 1), (1000.0, 1001.0), (1e15, 1e15 + 1)])
def test_uniform_(dtype, bounds):
    torch = both(7)
    if dtype == "float16" and bounds[1] > 65504:
        return   # PyTorch: "to is out of bounds for c10::Half"
    for n in (1, 15, 16, 100, 4099):
        same(tg.empty(n, dtype=getattr(tg, dtype)).uniform_(*bounds),
             torch.empty(n, dtype=getattr(torch, dtype)).uniform_(*bounds))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("mean,std", [(0.0, 1.0), (0.37, 2.9), (-1.5, 0.01), (100.0, 1e-3), (0.0, 0.0), (3, 2)])
def test_normal_(dtype, mean, std):
    torch = both(3)
    for n in (1, 2, 7, 15, 16, 17, 31, 32, 33, 100, 4099):
        same(tg.empty(n, dtype=getattr(tg, dtype)).normal_(mean, std),
             torch.empty(n, dtype=getattr(torch, dtype)).normal_(mean, std))
    same(tg.normal(mean, std, (5, 7)), torch.normal(mean, std, (5, 7)))
    same(tg.normal(mean, std, size=(3,), dtype=getattr(tg, dtype)),
         torch.normal(mean, std, size=(3,), dtype=getattr(torch, dtype)))


def test_one_million_normals():
    torch = both(2024)
    same(tg.randn(1_000_000), torch.randn(1_000_000))


def test_normal_with_tensor_mean_and_std():
    torch = both(8)
    m, s = np.linspace(-2, 2, 20).astype(np.float32), np.linspace(0.1, 3, 20).astype(np.float32)
    same(tg.normal(tg.tensor(m), tg.tensor(s)), torch.normal(torch.tensor(m), torch.tensor(s)))
    same(tg.normal(tg.tensor(m), 0.5), torch.normal(torch.tensor(m), 0.5))
    same(tg.normal(1.5, tg.tensor(s)), torch.normal(1.5, torch.tensor(s)))
    same(tg.normal(tg.tensor(m[:3]), tg.tensor(s.reshape(20, 1))), torch.normal(torch.tensor(m[:3]), torch.tensor(s.reshape(20, 1))))
    with pytest.raises(RuntimeError, match="std >= 0.0"):
        tg.normal(tg.zeros(2), tg.tensor([-1.0, 1.0]))


@pytest.mark.parametrize("low,high", [(0, 1), (0, 10), (-5, 5), (3, 1000), (0, 2**16), (0, 2**28 - 1), (0, 2**28),
                                      (0, 2**31), (-2**40, 2**40), (-2**62, 2**62), (10**9, 10**9 + 7)])
def test_randint(low, high):
    torch = both(99)
    for shape in ((), (1,), (50,), (3, 4)):
        same(tg.randint(low, high, shape), torch.randint(low, high, shape))
    if high - low < 2**31:
        same(tg.randint(low, high, (9,), dtype=tg.int32) if low >= -2**31 and high <= 2**31 else tg.randint(low, high, (9,)),
             torch.randint(low, high, (9,), dtype=torch.int32) if low >= -2**31 and high <= 2**31 else torch.randint(low, high, (9,)))
    if high - low <= 2**53:   # (PyTorch warns that wider ranges are not supported for float64)
        same(tg.randint(low, high, (9,), dtype=tg.float64), torch.randint(low, high, (9,), dtype=torch.float64))
    same(tg.randint(high, (4,)), torch.randint(high, (4,)))


@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "int8", "uint8", "bool", "float32", "float64", "float16"])
def test_random_(dtype):
    torch = both(1)
    t, x = getattr(torch, dtype), getattr(tg, dtype)
    same(tg.empty(40, dtype=x).random_(), torch.empty(40, dtype=t).random_())
    if dtype != "bool":
        same(tg.empty(40, dtype=x).random_(7), torch.empty(40, dtype=t).random_(7))
        same(tg.empty(40, dtype=x).random_(3, 100), torch.empty(40, dtype=t).random_(3, 100))
    if dtype in ("int64", "int32", "int16", "float32", "float64"):
        same(tg.empty(40, dtype=x).random_(-5, None), torch.empty(40, dtype=t).random_(-5, None))
    if dtype == "int64":
        same(tg.empty(40, dtype=x).random_(-2**63, None), torch.empty(40, dtype=t).random_(-2**63, None))


@pytest.mark.parametrize("seed", SEEDS)
def test_randperm(seed):
    torch = both(seed)
    for n in list(range(0, 101)) + [1000, 4099]:
        same(tg.randperm(n), torch.randperm(n))
    g, tgen = tg.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)
    same(tg.randperm(37, generator=g, dtype=tg.float32), torch.randperm(37, generator=tgen, dtype=torch.float32))
    same(tg.rand(3), torch.rand(3))   # the default generator did not move for the generator's draws


def test_bernoulli():
    torch = both(9)
    p = np.linspace(0, 1, 101)
    for dt in ("float32", "float64"):
        same(tg.bernoulli(tg.tensor(p, dtype=getattr(tg, dt))), torch.bernoulli(torch.tensor(p, dtype=getattr(torch, dt))))
    for prob in (0.0, 0.1, 0.5, 0.77, 1.0):
        same(tg.empty(3, 50).bernoulli_(prob), torch.empty(3, 50).bernoulli_(prob))
        same(tg.bernoulli(tg.zeros(30), prob), torch.bernoulli(torch.zeros(30), prob))
    same(tg.zeros(4, 101).bernoulli_(tg.tensor(p, dtype=tg.float32)), torch.zeros(4, 101).bernoulli_(torch.tensor(p, dtype=torch.float32)))
    with pytest.raises(RuntimeError, match="bernoulli_ expects p to be in"):
        tg.empty(3).bernoulli_(1.5)


@pytest.mark.parametrize("p", [0.1, 0.3, 0.5, 1 / 3, 0.9, 0.0, 1.0])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dropout(p, dtype):
    torch = both(5)
    x = np.random.default_rng(0).standard_normal((6, 40)).astype(dtype)
    same(tg.nn.functional.dropout(tg.tensor(x), p), torch.nn.functional.dropout(torch.tensor(x), p))
    layer, tlayer = nn.Dropout(p), torch.nn.Dropout(p)
    same(layer(tg.tensor(x)), tlayer(torch.tensor(x)))
    layer.eval(), tlayer.eval()
    same(layer(tg.tensor(x)), tlayer(torch.tensor(x)))
    same(tg.rand(5), torch.rand(5))
    assert repr(layer) == repr(tlayer)


def test_dropout_gradient_and_errors():
    torch = both(6)
    x, tx = tg.ones(5, 8, requires_grad=True), torch.ones(5, 8, requires_grad=True)
    tg.nn.functional.dropout(x, 0.4).sum().backward()
    torch.nn.functional.dropout(tx, 0.4).sum().backward()
    same(x.grad, tx.grad)
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        tg.nn.functional.dropout(x, 1.5)
    with pytest.raises(ValueError, match="dropout probability"):
        nn.Dropout(-0.1)


def test_linear_and_sequential_start_as_pytorchs():
    torch = both(123)
    layer, tlayer = nn.Linear(50, 30), torch.nn.Linear(50, 30)
    same(layer.weight, tlayer.weight)
    same(layer.bias, tlayer.bias)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 3, dtype=tg.float64),
                          nn.Linear(3, 1, bias=False, dtype=tg.float64))
    tmodel = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Dropout(0.2),
                                 torch.nn.Linear(16, 3, dtype=torch.float64),
                                 torch.nn.Linear(3, 1, bias=False, dtype=torch.float64))
    for (name, p), (tname, tp) in zip(model.state_dict().items(), tmodel.state_dict().items()):
        assert name == tname
        same(p, tp)
    same(tg.randn(4), torch.randn(4))


@pytest.mark.parametrize("init,kwargs", [
    ("uniform_", {}), ("uniform_", dict(a=-2.0, b=3.0)), ("normal_", {}), ("normal_", dict(mean=1.0, std=0.5)),
    ("xavier_uniform_", {}), ("xavier_uniform_", dict(gain=2.0)), ("xavier_normal_", {}),
    ("kaiming_uniform_", {}), ("kaiming_uniform_", dict(a=math.sqrt(5))), ("kaiming_uniform_", dict(mode="fan_out", nonlinearity="relu")),
    ("kaiming_normal_", {}), ("kaiming_normal_", dict(mode="fan_out", nonlinearity="tanh")),
    ("trunc_normal_", {}), ("trunc_normal_", dict(mean=0.5, std=2.0, a=-1.0, b=1.0)),
    ("trunc_normal_", dict(mean=0.0, std=1.0, a=1.0, b=3.0)), ("trunc_normal_", dict(mean=0.0, std=0.02, a=-0.04, b=0.04)),
])
@pytest.mark.parametrize("shape", [(30, 50), (4, 3), (8, 4, 3, 3), (5, 1)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_init(init, kwargs, shape, dtype):
    torch = both(17)
    t, tt = tg.empty(shape, dtype=getattr(tg, dtype)), torch.empty(shape, dtype=getattr(torch, dtype))
    getattr(nn.init, init)(t, **kwargs)
    getattr(torch.nn.init, init)(tt, **kwargs)
    same(t, tt)
    g, tgen = tg.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    same(getattr(nn.init, init)(t, **kwargs, generator=g), getattr(torch.nn.init, init)(tt, **kwargs, generator=tgen))
    same(tg.rand(3), torch.rand(3))


def test_state_is_pytorchs_byte_for_byte():
    torch = both(31)
    for step in (lambda lib: lib.randn(3), lambda lib: lib.rand(1000), lambda lib: lib.randn(20, dtype=lib.float64),
                 lambda lib: lib.randint(0, 5, (625,)), lambda lib: lib.randn(1)):
        step(tg), step(torch)
        same(tg.get_rng_state(), torch.get_rng_state())
    torch.set_rng_state(torch.from_numpy(tg.get_rng_state().numpy().copy()))   # PyTorch takes ours
    tg.randn(7), torch.randn(7)
    tg.set_rng_state(tg.tensor(torch.get_rng_state().numpy()))                  # and we take PyTorch's
    same(tg.randn(5), torch.randn(5))
    same(tg.rand(10), torch.rand(10))


# --- whole programs: many calls in a row on one generator must stay in step ---------------------------

def _calls(lib, rng: pyrandom.Random, gen):
    """One random call, written for both libraries; `gen` is a generator or None (the default one)."""
    kw = {} if gen is None else {"generator": gen}
    n = rng.choice([0, 1, 2, 3, 5, 15, 16, 17, 31, 33, 64, 100, 624, 625, 1000])
    shape = rng.choice([(n,), (n, 2), (2, 1, n), ()])
    dt = rng.choice([lib.float32, lib.float64])
    kind = rng.randrange(10)
    if kind == 0:
        return lib.rand(shape, dtype=dt, **kw)
    if kind == 1:
        return lib.randn(shape, dtype=dt, **kw)
    if kind == 2:
        return lib.randint(-rng.randrange(1, 5), rng.choice([1, 7, 1000, 2**30, 2**40]), shape, **kw)
    if kind == 3:
        return lib.randperm(n, **kw)
    if kind == 4:
        return lib.empty(shape, dtype=dt).normal_(rng.uniform(-2, 2), rng.uniform(0, 3), **kw)
    if kind == 5:
        return lib.empty(shape, dtype=dt).uniform_(-rng.uniform(0, 2), rng.uniform(0, 2), **kw)
    if kind == 6:
        return lib.empty(shape, dtype=lib.int64).random_(**kw)
    if kind == 7:
        return lib.empty(shape, dtype=dt).bernoulli_(rng.random(), **kw)
    if kind == 8:
        return lib.normal(rng.uniform(-1, 1), 2.0, size=shape, **kw)
    return lib.randn(rng.randrange(1, 4), dtype=dt, **kw)   # small ones use (and refill) the cached normal


@pytest.mark.parametrize("program", range(12))
def test_random_programs_stay_in_step(program):
    torch = both(program)
    rng_a, rng_b = pyrandom.Random(program), pyrandom.Random(program)
    own = program % 2 == 1   # odd programs use their own generator, even ones the default one
    g = tg.Generator().manual_seed(program * 7) if own else None
    tgen = torch.Generator().manual_seed(program * 7) if own else None
    for step in range(40):
        a, b = _calls(tg, rng_a, g), _calls(torch, rng_b, tgen)
        same(a, b)
    same(tg.rand(5), torch.rand(5))


# --- data: the order of samples ------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 7, 10, 33, 100, 1000])
@pytest.mark.parametrize("batch_size,drop_last", [(1, False), (4, False), (4, True), (32, False)])
@pytest.mark.parametrize("own", [False, True])
def test_dataloader_order(n, batch_size, drop_last, own):
    torch = both(n)
    import torch.utils.data as tud
    kw = dict(generator=tg.Generator().manual_seed(9)) if own else {}
    tkw = dict(generator=torch.Generator().manual_seed(9)) if own else {}
    loader = DataLoader(TensorDataset(tg.arange(n), tg.arange(n) * 2), batch_size=batch_size, shuffle=True,
                        drop_last=drop_last, **kw)
    tloader = tud.DataLoader(tud.TensorDataset(torch.arange(n), torch.arange(n) * 2), batch_size=batch_size,
                             shuffle=True, drop_last=drop_last, **tkw)
    for epoch in range(3):
        ours = [[x.tolist(), y.tolist()] for x, y in loader]
        theirs = [[x.tolist(), y.tolist()] for x, y in tloader]
        assert ours == theirs, epoch
        same(tg.rand(2), torch.rand(2))   # and the default generator is where PyTorch's is
    unshuffled = DataLoader(TensorDataset(tg.arange(n)), batch_size=batch_size)
    tunshuffled = tud.DataLoader(tud.TensorDataset(torch.arange(n)), batch_size=batch_size)
    assert [b[0].tolist() for b in unshuffled] == [b[0].tolist() for b in tunshuffled]
    same(tg.rand(2), torch.rand(2))   # an unshuffled pass also draws PyTorch's worker seed


@pytest.mark.parametrize("n", [5, 10, 11, 100])
def test_random_split_and_samplers(n):
    torch = both(n)
    import torch.utils.data as tud
    for lengths in ([0.5, 0.5], [0.3, 0.3, 0.4], [n - 2, 2]):
        ours = [list(s.indices) for s in random_split(TensorDataset(tg.arange(n)), lengths)]
        theirs = [list(s.indices) for s in tud.random_split(tud.TensorDataset(torch.arange(n)), lengths)]
        assert ours == theirs
    g, tgen = tg.Generator().manual_seed(1), torch.Generator().manual_seed(1)
    assert [list(s.indices) for s in random_split(range(n), [n - 1, 1], generator=g)] == \
        [list(s.indices) for s in tud.random_split(range(n), [n - 1, 1], generator=tgen)]
    for kwargs in (dict(), dict(replacement=True), dict(replacement=True, num_samples=70), dict(num_samples=2 * n + 1)):
        assert list(RandomSampler(range(n), **kwargs)) == list(tud.RandomSampler(range(n), **kwargs))
    same(tg.rand(2), torch.rand(2))
