"""Random numbers: the same numbers PyTorch draws on the CPU for the same seed, in the same order.

    tg.manual_seed(123)
    tg.rand(3)       # tensor([0.2961, 0.5166, 0.2517]), as torch.rand(3) after torch.manual_seed(123)

Everything starts from one stream of 32-bit words, the Mersenne Twister (mt19937), seeded as PyTorch
seeds it. Each distribution then turns words into numbers as PyTorch's CPU kernels do (each docstring
names the C++ it follows: ATen's `CPUGeneratorImpl`, `core/DistributionsHelper.h`,
`core/TransformationHelper.h`, `native/cpu/DistributionTemplates.h`):

- a uniform float32 takes one word, a float64 a 64-bit draw (two words, the first the high half);
- a normal takes two uniforms through the Box-Muller formula, one at a time for tensors of fewer than
  16 numbers, 16 at a time for larger ones;
- an integer in [low, high) is a draw modulo (high - low);
- a permutation swaps as Fisher-Yates, one word per position.

The results are PyTorch 2.13's bit for bit, on an x86-64 CPU with AVX2 (checked by tests/test_random.py
against PyTorch for every function here). Two things the arithmetic depends on, written out below:
PyTorch's compiler fuses `a * b + c` into one rounding (NumPy cannot, so `_fma32` and `_fma64` do it
exactly), and its float32 normals of 16 or more use `avx_mathfun.h`'s log and sincos (copied here
step by step as float32 arithmetic). On a CPU where PyTorch runs its AVX-512 kernels instead, its
float32 `randn` of 16 or more numbers uses the C library's logf/cosf/sinf and can differ from ours in
the last bit; float64 relies on NumPy's log, sin and cos being the C library's (they are on AVX2).

The stream is made with NumPy array operations, 624 words per step, so that large tensors are cheap.
Random numbers for a CUDA tensor are drawn here, on the CPU, and moved, from a stream of their own
per device (seeded by `manual_seed` too): PyTorch's CUDA generator (Philox) gives other numbers, so
only the CPU numbers match PyTorch's.
"""
from __future__ import annotations

from .inplace import check_inplace

import math
import os
from typing import Any

import numpy as np

from . import dtypes
from .backend import CPU, Device, move, resolve
from .tensor import Tensor

# --- the Mersenne Twister: 624 words of state, turned over ("twisted") 624 words at a time -----------

_N, _M = 624, 397                   # the state's length, and the offset of the word mixed in
_MATRIX_A = np.uint32(0x9908B0DF)   # added (xor) when the mixed word is odd
_UPPER, _LOWER = np.uint32(0x80000000), np.uint32(0x7FFFFFFF)
_DEFAULT_SEED = 67280421310721      # a new torch.Generator()'s seed


def _seeded_state(seed: int) -> np.ndarray:
    """The 624 words mt19937 starts from: Knuth's multiplicative recurrence on the seed's low 32 bits."""
    words = [seed & 0xFFFFFFFF]
    for j in range(1, _N):
        words.append((1812433253 * (words[-1] ^ (words[-1] >> 30)) + j) & 0xFFFFFFFF)
    return np.array(words, dtype=np.uint32)


def _twist(old: np.ndarray, new: np.ndarray) -> None:
    """The next 624 words, written into `new`: new[i] = (new or old)[i + 397] ^ mix(old[i], old[i + 1]).

    Word i + 397 is an old word for the first 227 positions and a new one after that, so the new
    block is made in three slices, each reading only words already made.
    """
    y = (old[:-1] & _UPPER) | (old[1:] & _LOWER)          # the top bit of one word, the rest of the next
    mixed = (y >> np.uint32(1)) ^ ((y & np.uint32(1)) * _MATRIX_A)
    k = _N - _M                                            # 227
    np.bitwise_xor(old[_M:], mixed[:k], out=new[:k])
    np.bitwise_xor(new[:k], mixed[k:2 * k], out=new[k:2 * k])
    np.bitwise_xor(new[k:_M - 1], mixed[2 * k:], out=new[2 * k:_N - 1])
    last = (int(old[-1]) & 0x80000000) | (int(new[0]) & 0x7FFFFFFF)   # the last word wraps round to new[0]
    new[-1] = int(new[_M - 1]) ^ (last >> 1) ^ (0x9908B0DF if last & 1 else 0)


def _temper(words: np.ndarray) -> np.ndarray:
    """The output scrambling of mt19937, in place: the state word becomes the number drawn."""
    words ^= words >> np.uint32(11)
    words ^= (words << np.uint32(7)) & np.uint32(0x9D2C5680)
    words ^= (words << np.uint32(15)) & np.uint32(0xEFC60000)
    words ^= words >> np.uint32(18)
    return words


# PyTorch's get_rng_state(): the C struct CPUGeneratorImplState, byte for byte (5056 bytes).
_STATE_LAYOUT = np.dtype({
    "names": ["seed", "left", "seeded", "next", "state", "normal_x", "normal_y", "normal_rho", "normal_is_valid",
              "float_normal", "float_normal_is_valid"],
    "formats": ["<u8", "<i4", "<i4", "<u8", ("<u8", _N), "<f8", "<f8", "<f8", "<i4", "<f4", "u1"],
    "offsets": [0, 8, 12, 16, 24, 5016, 5024, 5032, 5040, 5048, 5052],
    "itemsize": 5056})


class Generator:
    """A stream of random numbers: PyTorch's CPU generator (mt19937), so a seed gives PyTorch's numbers.

    `Generator().manual_seed(0)` restarts it; pass it as `generator=` to any random function. Its
    state is the twister's 624 words, where it is in them, and the second normal number of the last
    Box-Muller pair, kept for the next call (as PyTorch keeps it). A generator for a CUDA device
    draws the same numbers (on the CPU), not those of PyTorch's CUDA generator.
    """

    def __init__(self, device: str | Device = "cpu") -> None:
        self.device = resolve(device) if device != "cpu" else CPU
        self.manual_seed(_DEFAULT_SEED)

    def manual_seed(self, seed: int) -> "Generator":
        """Restart the stream from `seed` (an int from -2**63 to 2**64 - 1; negatives wrap as uint64)."""
        seed = int(seed)
        if not -2**63 <= seed < 2**64:
            raise ValueError("Overflow when unpacking long long")
        self._seed = seed % 2**64
        self._state = None           # made on the first draw (624 Python steps, not needed at import)
        self._left, self._next = 1, 0  # PyTorch's counters: the first draw twists
        self._normal = None          # the cached second number of a Box-Muller pair (a float64)
        return self

    def seed(self) -> int:
        """Seed from the operating system's entropy (53 bits, as PyTorch); returns the seed."""
        s = int.from_bytes(os.urandom(8), "little") & (2**53 - 1)
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        """The seed this stream started from."""
        return self._seed

    def get_state(self) -> Tensor:
        """The state as a uint8 tensor of 5056 bytes, laid out as PyTorch's (torch.set_rng_state takes it)."""
        pod = np.zeros((), dtype=_STATE_LAYOUT)
        pod["seed"], pod["left"], pod["seeded"], pod["next"] = self._seed, self._left, 1, self._next
        pod["state"] = self._words_state()
        if self._normal is not None:
            pod["normal_y"], pod["normal_is_valid"] = self._normal, 1
        return Tensor._make(np.frombuffer(pod.tobytes(), dtype=np.uint8).copy(), CPU)

    def set_state(self, new_state: Tensor) -> "Generator":
        """Go back to a state from `get_state` (this package's or PyTorch's)."""
        if not isinstance(new_state, Tensor) or new_state.dtype != dtypes.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        raw = new_state.numpy(force=True)
        if raw.size != _STATE_LAYOUT.itemsize:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {_STATE_LAYOUT.itemsize} but found the "
                               f"input RNG state size to be {raw.size}")
        pod = np.frombuffer(raw.tobytes(), dtype=_STATE_LAYOUT)[0]
        if not (pod["seeded"] and 0 < pod["left"] <= _N and pod["next"] <= _N):
            raise RuntimeError("Invalid mt19937 state")
        self._seed, self._left, self._next = int(pod["seed"]), int(pod["left"]), int(pod["next"])
        self._state = pod["state"].astype(np.uint32)
        self._normal = float(pod["normal_y"]) if pod["normal_is_valid"] else None
        return self

    # --- draws ---------------------------------------------------------------------------------
    def _words_state(self) -> np.ndarray:
        if self._state is None:
            self._state = _seeded_state(self._seed)
        return self._state

    def random32(self, n: int) -> np.ndarray:
        """The next `n` 32-bit words of the stream (PyTorch's `random()`), as uint32."""
        state = self._words_state()
        first = min(self._left - 1, n)           # words still unused in the current block
        blocks = np.empty((-(-(n - first) // _N) + 1, _N), dtype=np.uint32)
        blocks[0] = state
        for b in range(1, len(blocks)):          # the blocks after it, each twisted from the one before
            _twist(blocks[b - 1], blocks[b])
        words = np.concatenate([state[self._next:self._next + first], blocks[1:].ravel()[:n - first]])
        if len(blocks) > 1:                      # PyTorch's counters: `left` counts down to 1, then it twists
            self._state, used = blocks[-1].copy(), n - first - (len(blocks) - 2) * _N
            self._next, self._left = used, _N + 1 - used
        else:
            self._next, self._left = self._next + first, self._left - first
        return _temper(words)

    def random64(self, n: int) -> np.ndarray:
        """The next `n` 64-bit draws (PyTorch's `random64()`): two words each, the first the high half."""
        w = self.random32(2 * n).astype(np.uint64)
        return (w[0::2] << np.uint64(32)) | w[1::2]


default_generator = Generator()
default_generator.manual_seed(int.from_bytes(os.urandom(8), "little"))  # as PyTorch: a new seed each process
_device_generators: dict = {}   # one default stream per CUDA device, seeded with the CPU one


def _generator(generator: Generator | None, device: Device = CPU) -> Generator:
    """The generator to draw from: the one given, else the default one of `device`."""
    if generator is not None:
        return generator
    if device == CPU:
        return default_generator
    if device not in _device_generators:
        _device_generators[device] = Generator().manual_seed(default_generator.initial_seed())
    return _device_generators[device]


def manual_seed(seed: int) -> Generator:
    """Seed every default generator (the CPU's and each GPU's), so random numbers repeat from run to run."""
    for g in _device_generators.values():
        g.manual_seed(seed)
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generators from the operating system's entropy; returns the seed."""
    return manual_seed(default_generator.seed()).initial_seed()


def initial_seed() -> int:
    """The seed of the default CPU generator."""
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    """The default CPU generator's state, a uint8 tensor in PyTorch's layout."""
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    """Restore the default CPU generator's state (from `get_rng_state`, or from torch.get_rng_state())."""
    default_generator.set_state(new_state)


# --- float arithmetic as the C++ does it -------------------------------------------------------------
# PyTorch's kernels are compiled with fused multiply-add (a * b + c rounded once). NumPy has no FMA, so
# these compute it exactly from float64 pieces.

def _fma32(a: np.ndarray, b: Any, c: Any, sum_is_exact: bool = False) -> np.ndarray:
    """a * b + c for float32 numbers, rounded once to float32 (the product is exact in float64)."""
    s = a.astype(np.float64)
    s *= np.asarray(b, np.float32)
    s += np.asarray(c, np.float32)
    if sum_is_exact:   # the caller knows the float64 sum lost nothing: one rounding, to float32
        return s.astype(np.float32)
    # Rounding to float64 and then to float32 errs only where the float64 sum landed exactly half way
    # between two float32s (about once in 2**29); there, step it towards the exact value first.
    half = (s.view(np.uint64) & np.uint64(0x1FFFFFFF)) == np.uint64(0x10000000)
    if half.any():
        p = np.broadcast_to(a.astype(np.float64) * np.asarray(b, np.float32), s.shape)[half]
        c = np.broadcast_to(np.asarray(c, np.float32), s.shape)[half].astype(np.float64)
        rest = (c - (s[half] - p)) + (p - (s[half] - (s[half] - p)))   # s + rest == p + c exactly
        s[half] = np.where(rest == 0, s[half], np.nextafter(s[half], np.where(rest > 0, np.inf, -np.inf)))
    return s.astype(np.float32)


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple:
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _two_product(a: np.ndarray, b: Any) -> tuple:
    """a * b as an unrounded sum p + e (Dekker's splitting)."""
    def split(x):
        c = 134217729.0 * x
        hi = c - (c - x)
        return hi, x - hi
    p = a * b
    ah, al = split(a)
    bh, bl = split(np.asarray(b, np.float64))
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _fma64(a: np.ndarray, b: float, c: float) -> np.ndarray:
    """a * b + c for float64 numbers, rounded once (Boldo and Melquiond's emulation, via rounding to odd)."""
    a = np.asarray(a, np.float64)
    uh, ul = _two_product(a, b)
    th, tl = _two_sum(np.asarray(c, np.float64) + np.zeros_like(a), uh)
    v, err = _two_sum(tl, ul)
    even = (v.view(np.uint64) & 1) == 0
    v = np.where((err != 0) & even, np.nextafter(v, np.where(err > 0, np.inf, -np.inf)), v)  # round to odd
    return th + v


# --- uniform -------------------------------------------------------------------------------------------

_FLOAT_BITS = {np.dtype(np.float16): 11, np.dtype(np.float32): 24, np.dtype(np.float64): 53}


def uniform(generator: Generator, n: int, dtype: np.dtype, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    """`n` numbers uniform in [low, high): PyTorch's `uniform_real_distribution`.

    float64 takes a 64-bit draw and keeps its low 53 bits, float32 (and float16, computed as float32
    and rounded) one word and its low 24 bits: x = bits / 2**bits_kept, then low + x * (high - low),
    rounded once (a fused multiply-add, as the compiled C++ does it). A result that rounds up to
    `high` becomes `low`, as in PyTorch's `uniform_kernel`.
    """
    dtype = np.dtype(dtype)
    if dtype == np.float64:
        x = (generator.random64(n) & np.uint64(2**53 - 1)).astype(np.float64) * 2.0**-53
        values = x if (low, high) == (0.0, 1.0) else _fma64(x, high - low, low)
    else:
        x = (generator.random32(n) & np.uint32(2**24 - 1)).astype(np.float32) * np.float32(2.0**-24)
        lo, hi = np.float32(low), np.float32(high)
        values = (x if (low, high) == (0.0, 1.0) else _fma32(x, hi - lo, lo)).astype(dtype)
    if (low, high) == (0.0, 1.0) and dtype != np.float16:   # x < 1 exactly: no rounding up to 1
        return values
    return np.where(values == dtype.type(high), dtype.type(low), values)


# --- normal --------------------------------------------------------------------------------------------

def normal(generator: Generator, n: int, dtype: np.dtype, mean: float = 0.0, std: float = 1.0) -> np.ndarray:
    """`n` numbers from N(mean, std**2): PyTorch's `normal_kernel`, which fills in one of two ways.

    Fewer than 16 numbers: one at a time (`normal_distribution<double>`), each pair of float64
    uniforms giving two normals, the second kept in the generator for the next number, even in the
    next call. 16 or more: all the uniforms first, then Box-Muller on each group of 16 (the first 8
    uniforms with the last 8); when n is not a multiple of 16 the last 16 are drawn again and redone.
    float32 follows PyTorch's AVX2 kernel (the one an x86-64 CPU with AVX2 runs), float64 the
    portable C++ one (the C library's log, cos and sin, which NumPy's float64 ones are on such a CPU).
    """
    dtype = np.dtype(dtype)
    if n < 16:
        return np.array([_one_normal(generator, mean, std) for _ in range(n)]).astype(dtype)
    if dtype == np.float16:      # float32 groups of 16, each drawn just before it is used, then rounded
        out, whole = np.empty(n, dtype), n - n % 16
        out[:whole] = normal(generator, whole, np.float32, mean, std)
        if n % 16:
            out[n - 16:] = normal(generator, 16, np.float32, mean, std)
        return out
    fill = _box_muller_16_float32 if dtype == np.float32 else _box_muller_16
    u = uniform(generator, n, dtype)
    whole = n - n % 16
    out = np.empty(n, dtype)
    out[:whole] = fill(u[:whole], mean, std)
    if n % 16:
        out[n - 16:] = fill(uniform(generator, 16, dtype), mean, std)
    return out


def _one_normal(generator: Generator, mean: float, std: float) -> float:
    """One normal number, Box-Muller in float64 (`at::normal_distribution<double>`), the pair's sine cached."""
    if generator._normal is not None:
        z, generator._normal = generator._normal, None
    else:
        u1, u2 = uniform(generator, 2, np.float64)
        radius = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        generator._normal = radius * math.sin(theta)
        z = radius * math.cos(theta)
    return z if (mean, std) == (0.0, 1.0) else float(_fma64(np.array([z]), std, mean)[0])


def _box_muller_16(u: np.ndarray, mean: float, std: float) -> np.ndarray:
    """Box-Muller on groups of 16 float64 uniforms (PyTorch's `normal_fill_16<double>`)."""
    u = u.reshape(-1, 16)
    radius = np.sqrt(-2.0 * np.log(1.0 - u[:, :8]))
    theta = 2.0 * math.pi * u[:, 8:]
    pair = np.concatenate([radius * np.cos(theta), radius * np.sin(theta)], axis=1).ravel()
    return pair if (mean, std) == (0.0, 1.0) else _fma64(pair, std, mean)


def _box_muller_16_float32(u: np.ndarray, mean: float, std: float) -> np.ndarray:
    """PyTorch's `normal_fill_16_AVX2`: float32 Box-Muller with the log and sincos of `avx_mathfun.h`."""
    u = u.reshape(-1, 16)
    out = np.empty_like(u)
    for rows in range(0, len(u), 2048):      # 2048 groups at a time, so the temporaries stay in cache
        group = u[rows:rows + 2048]
        radius = np.sqrt(np.float32(-2.0) * _log_float32(np.float32(1.0) - group[:, :8]))
        sin, cos = _sincos_float32(np.float32(2.0 * math.pi) * group[:, 8:])
        out[rows:rows + 2048, :8] = radius * cos
        out[rows:rows + 2048, 8:] = radius * sin
    out = out.ravel()
    return out if (mean, std) == (0.0, 1.0) else _fma32(out, np.float32(std), np.float32(mean))


def _log_float32(x: np.ndarray) -> np.ndarray:
    """log(x) for x in (0, 1] exactly as `log256_ps` (Cephes' logf) computes it in float32 with FMA.

    x = m * 2**e with m in [sqrt(1/2), sqrt(2)); log(x) = e * log(2) + log(m), log(m) from a polynomial.
    """
    bits = x.view(np.int32)
    e = ((bits >> 23) - 126).astype(np.float32)
    m = ((bits & 0x007FFFFF) | 0x3F000000).view(np.float32)          # the mantissa, in [0.5, 1)
    small = m < np.float32(0.707106781186547524)
    e = e - small.astype(np.float32)
    m = (m - np.float32(1.0)) + np.where(small, m, np.float32(0.0))    # m - 1, or 2m - 1 if m was small
    z = m * m
    y = _fma32(m, 7.0376836292e-2, -1.1514610310e-1)
    for c in (1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1,
              -2.4999993993e-1, 3.3333331174e-1):
        y = _fma32(y, m, c)
    y = _fma32(y * m, z, e * np.float32(-2.12194440e-4))
    y = y - z * np.float32(0.5)
    return (m + y) + e * np.float32(0.693359375)


def _sincos_float32(x: np.ndarray) -> tuple:
    """sin(x) and cos(x) for x >= 0 exactly as `sincos256_ps` (Cephes' sinf/cosf) computes them with FMA.

    x is reduced by a multiple j of pi/4 (in three parts, for precision) to [-pi/4, pi/4], where one
    polynomial gives the sine and another the cosine; j says which is which and the signs.
    """
    j = (x * np.float32(1.27323954473516)).astype(np.int32)     # x / (pi/4), truncated
    j = (j + 1) & ~1
    y = j.astype(np.float32)
    for part in (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8):
        x = _fma32(y, part, x, sum_is_exact=True)   # y is 0, 2, ..., 8: these sums fit in float64
    z = x * x
    cos = _fma32(_fma32(z, 2.443315711809948e-5, -1.388731625493765e-3), z, 4.166664568298827e-2)
    cos = _fma32(cos * z, z, -(z * np.float32(0.5))) + np.float32(1.0)
    sin = _fma32(_fma32(z, -1.9515295891e-4, 8.3321608736e-3), z, -1.6666654611e-1)
    sin = _fma32(sin * z, x, x)
    swap = (j & 2) != 0
    sin, cos = np.where(swap, cos, sin), np.where(swap, sin, cos)
    sin = np.where((j & 4) != 0, -sin, sin)
    cos = np.where(((j - 2) & 4) == 0, -cos, cos)
    return sin, cos


# --- integers, permutations, coin flips ----------------------------------------------------------------

def integers(generator: Generator, n: int, low: int, high: int) -> np.ndarray:
    """`n` integers in [low, high), as int64: PyTorch's `uniform_int_from_to_distribution`.

    A draw modulo (high - low), plus low; the draw is one word when high - low < 2**28, else 64 bits.
    """
    span = high - low
    draws = generator.random32(n).astype(np.uint64) if span < 2**28 else generator.random64(n)
    if span == 2**64:            # every int64 (from -2**63 up): the draw itself, read as signed
        return draws.view(np.int64)
    return (draws % np.uint64(span) + np.uint64(low % 2**64)).view(np.int64)


def full_range_integers(generator: Generator, n: int, dtype: np.dtype) -> np.ndarray:
    """What `random_()` with no bounds draws: PyTorch's `uniform_int_distribution`.

    int64 and float64 take 64-bit draws, other dtypes one word; the draw is taken modulo one more than
    the largest value the dtype holds exactly (2**63 for int64, 2**24 + 1 for float32, ...).
    """
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return (generator.random32(n) & np.uint32(1)).astype(np.bool_)
    if dtype.kind == "f":
        modulus = 2**_FLOAT_BITS[dtype] + 1
    else:
        modulus = int(np.iinfo(dtype).max) + 1
    draws = generator.random64(n) if dtype in (np.int64, np.float64) else generator.random32(n).astype(np.uint64)
    return (draws % np.uint64(modulus)).astype(dtype)


def permutation(generator: Generator, n: int) -> np.ndarray:
    """A random order of 0 .. n-1 (PyTorch's `randperm_cpu`): for i = 0 .. n-2, swap position i with
    position i + (word % (n - i))."""
    if n >= 2**32 // 20:
        raise NotImplementedError("randperm of more than 214748364 numbers (PyTorch then uses 64-bit draws)")
    picks = (generator.random32(max(n - 1, 0)) % np.arange(n, 1, -1, dtype=np.uint32)).tolist()
    order = list(range(n))
    for i, z in enumerate(picks):
        order[i], order[i + z] = order[i + z], order[i]
    return np.array(order, dtype=np.int64)


def bernoulli(generator: Generator, p: Any, shape: tuple) -> np.ndarray:
    """1.0 with probability p, else 0.0, for each element of `shape` (PyTorch's `bernoulli_distribution`).

    Each element compares a uniform with its p: a float64 uniform for a Python-number p or a float64
    tensor p, a float32 uniform for a float32 (or float16) tensor p. PyTorch 2.13 draws a number p
    this way too (its `bernoulli_kernel`; no vendor library's stream), so dropout masks are PyTorch's.
    """
    n = int(np.prod(shape, dtype=np.int64))
    p = np.broadcast_to(p, shape) if isinstance(p, np.ndarray) else p
    wide = not isinstance(p, np.ndarray) or p.dtype == np.float64
    u = uniform(generator, n, np.float64 if wide else np.float32).reshape(shape)
    return (u < p).astype(np.float64)


# --- filling a tensor in place (Tensor.uniform_ and friends) -------------------------------------------

def _fill(tensor: Tensor, values: np.ndarray) -> Tensor:
    """Write `values` into `tensor`, in place (they are made on the CPU and moved to its device)."""
    check_inplace(tensor)
    values = values.reshape(tensor.shape).astype(tensor._data.dtype, copy=False)
    tensor._data[...] = values if tensor.device == CPU else move(values, tensor.device)
    return tensor


def _float_dtype(tensor: Tensor, kernel: str) -> np.dtype:
    if not tensor.dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{dtypes.scalar_type_name(tensor.dtype)}\'')
    return tensor._data.dtype


def uniform_(self: Tensor, from_: float = 0.0, to: float = 1.0, *, generator: Generator | None = None) -> Tensor:
    """Fill with numbers uniform in [from, to), in place."""
    dtype = _float_dtype(self, "check_uniform_bounds")
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={from_} > to={to}")
    return _fill(self, uniform(_generator(generator, self.device), self.numel(), dtype, from_, to))


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator: Generator | None = None) -> Tensor:
    """Fill with numbers from the normal distribution N(mean, std**2), in place."""
    dtype = _float_dtype(self, "normal_kernel_cpu")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    return _fill(self, normal(_generator(generator, self.device), self.numel(), dtype, mean, std))


_UNSET = object()


def random_(self: Tensor, from_: int | None = None, to: Any = _UNSET, *,
            generator: Generator | None = None) -> Tensor:
    """Fill with random integers: `random_()` over all the dtype holds exactly, `random_(to)` in
    [0, to), `random_(from, to)` in [from, to), `random_(from, None)` from `from` up."""
    gen = _generator(generator, self.device)
    if from_ is None:
        return _fill(self, full_range_integers(gen, self.numel(), self._data.dtype))
    if to is _UNSET:
        from_, to = 0, from_
    if to is None:   # random_(from, None): up to the largest value the dtype holds exactly
        dt = self._data.dtype
        to = 2**_FLOAT_BITS[dt] + 1 if dt.kind == "f" else int(np.iinfo(dt).max) + 1
    if from_ >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={from_} >= to={to}")
    return _fill(self, integers(gen, self.numel(), int(from_), int(to)))


def bernoulli_(self: Tensor, p: float | Tensor = 0.5, *, generator: Generator | None = None) -> Tensor:
    """Set each element to 1 with probability p (a number, or a tensor of them) and to 0 otherwise."""
    if isinstance(p, Tensor):
        probs = p.numpy(force=True)
        if ((probs < 0) | (probs > 1)).any():
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    else:
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
        probs = float(p)
    return _fill(self, bernoulli(_generator(generator, self.device), probs, tuple(self.shape)))


Tensor.uniform_, Tensor.normal_, Tensor.random_, Tensor.bernoulli_ = uniform_, normal_, random_, bernoulli_
