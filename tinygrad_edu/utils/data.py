"""Feeding a model: a `Dataset` says what sample i is; a `DataLoader` serves them in (shuffled) batches.

    loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)
    for xb, yb in loader:      # xb: (32, features), yb: (32,)
        ...

A batch stacks the samples field by field, as PyTorch's `default_collate` does. For a
`TensorDataset` the loader skips the per-sample work: it indexes each tensor once with the batch's
indices. Shuffling draws from tinygrad_edu's default generator (or `generator`) as PyTorch's
`RandomSampler` does, so after the same seed the batches come in PyTorch's order.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any, Callable, Iterator

import numpy as np

from .. import dtypes, random as _random
from ..backend import array_module
from ..creation import Generator, from_numpy, randint, randperm, tensor
from ..ops import stack
from ..tensor import Tensor


class Dataset:
    """A collection of samples: subclasses say what `dataset[i]` is (and, usually, `len(dataset)`)."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")


class TensorDataset(Dataset):
    """Samples made of the i-th row of each tensor: `TensorDataset(X, y)[i] == (X[i], y[i])`."""

    def __init__(self, *tensors: Tensor) -> None:
        if any(t.size(0) != tensors[0].size(0) for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].size(0)


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order."""

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset, self.indices = dataset, indices

    def __getitem__(self, index: int) -> Any:
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


def random_split(dataset: Dataset, lengths: Sequence[float], generator: Generator | None = None) -> list[Subset]:
    """Split `dataset` at random into parts of the given lengths (or fractions that sum to 1)."""
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        counts = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(counts)):  # hand the remainder out one by one, as PyTorch does
            counts[i % len(counts)] += 1
        lengths = counts
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    order = randperm(n, generator=generator).tolist()
    ends = np.cumsum(lengths).tolist()
    return [Subset(dataset, order[end - k:end]) for k, end in zip(lengths, ends)]


def _draw_seed(generator: Generator | None) -> int:
    """A seed drawn as PyTorch draws one: `torch.empty((), dtype=torch.int64).random_(generator=...)`."""
    return int(_random.full_range_integers(_random._generator(generator), 1, np.int64)[0])


class SequentialSampler:
    """The indices 0, 1, ..., len(data_source) - 1, in order."""

    def __init__(self, data_source: Sequence) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler:
    """The indices of `data_source` in a random order, a new one each pass; PyTorch's, draw for draw.

    Without a `generator` each pass first draws a seed from the default generator and shuffles with a
    new generator made from it, as PyTorch does. With `replacement`, indices are drawn 32 at a time.
    """

    def __init__(self, data_source: Sequence, replacement: bool = False, num_samples: int | None = None,
                 generator: Generator | None = None) -> None:
        self.data_source, self.replacement, self._num_samples = data_source, replacement, num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={self.num_samples}")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n = len(self.data_source)
        generator = self.generator or Generator().manual_seed(_draw_seed(None))
        if self.replacement:
            for _ in range(self.num_samples // 32):
                yield from randint(0, n, (32,), generator=generator).tolist()
            yield from randint(0, n, (self.num_samples % 32,), generator=generator).tolist()
        else:
            for _ in range(self.num_samples // n):
                yield from randperm(n, generator=generator).tolist()
            if self.num_samples % n:
                yield from randperm(n, generator=generator).tolist()[:self.num_samples % n]
            else:   # PyTorch draws one more permutation and keeps none of it: move the stream on as far
                generator.random32(n - 1)

    def __len__(self) -> int:
        return self.num_samples


def default_collate(batch: list) -> Any:
    """Stack a list of samples into one batch, field by field.

    Tensors and NumPy arrays are stacked; Python ints become an int64 tensor, floats a float64 one;
    a dict, tuple or list of fields gives a dict or list of batches; strings stay a list.
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(batch)
    if isinstance(elem, np.ndarray):
        return stack([from_numpy(b) for b in batch])
    if isinstance(elem, np.generic):
        return from_numpy(np.array(batch))
    if isinstance(elem, float):
        return tensor(batch, dtype=dtypes.float64)
    if isinstance(elem, numbers.Number):
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, Mapping):
        return {key: default_collate([sample[key] for sample in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple keeps its type
        return type(elem)(*(default_collate(list(field)) for field in zip(*batch)))
    if isinstance(elem, Sequence):
        if any(len(sample) != len(elem) for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(list(field)) for field in zip(*batch)]
    raise TypeError("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
                    f"found {type(elem)}")


def default_convert(sample: Any) -> Any:
    """One sample as `DataLoader(batch_size=None)` serves it: NumPy arrays become tensors, tuples lists."""
    if isinstance(sample, np.ndarray):
        return from_numpy(sample)
    if isinstance(sample, np.generic):
        return from_numpy(np.array(sample))
    if isinstance(sample, Mapping):
        return {key: default_convert(value) for key, value in sample.items()}
    if isinstance(sample, tuple) and hasattr(sample, "_fields"):  # a namedtuple keeps its type
        return type(sample)(*(default_convert(field) for field in sample))
    if isinstance(sample, Sequence) and not isinstance(sample, (str, bytes)):
        return [default_convert(field) for field in sample]
    return sample


class DataLoader:
    """Batches of samples from `dataset`, in order or shuffled anew each epoch.

    `len(loader)` is the number of batches; `drop_last` leaves out a last batch that would be smaller
    than `batch_size`. `batch_size=None` serves samples one by one, unbatched. Samples are loaded in this
    process (`num_workers` is accepted and ignored).
    """

    def __init__(self, dataset: Dataset, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler: Any = None, *, collate_fn: Callable[[list], Any] | None = None, drop_last: bool = False,
                 generator: Generator | None = None, num_workers: int = 0) -> None:
        if batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")
        if batch_size is not None and (not isinstance(batch_size, int) or isinstance(batch_size, bool)
                                       or batch_size <= 0):
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
        self.dataset, self.batch_size, self.shuffle = dataset, batch_size, bool(shuffle)
        self.collate_fn, self.drop_last, self.generator = collate_fn, drop_last, generator
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if sampler is None:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        self.sampler = sampler

    def __len__(self) -> int:
        n = len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        indices = iter(self.sampler)  # lazy: a shuffle draws its order when the first batch is asked for
        # Like PyTorch, each pass first draws a seed for worker processes (unused here, but it moves the
        # generator on, so the numbers drawn after it stay PyTorch's).
        self._base_seed = _draw_seed(self.generator)
        return self._batches(indices)

    def _batches(self, indices: Iterator[int]) -> Iterator[Any]:
        if self.batch_size is None:  # no batches: each sample as it is (its NumPy arrays made tensors)
            for i in indices:
                yield (self.collate_fn or default_convert)(self.dataset[int(i)])
            return
        batch = []
        for i in indices:
            batch.append(i)
            if len(batch) == self.batch_size:
                yield self._fetch(np.array(batch))
                batch = []
        if batch and not self.drop_last:
            yield self._fetch(np.array(batch))

    def _fetch(self, indices: np.ndarray) -> Any:
        """The batch of the samples at `indices`."""
        dataset = self.dataset
        while isinstance(dataset, Subset):  # look through subsets to the dataset they index
            indices = np.asarray(dataset.indices)[indices]
            dataset = dataset.dataset
        if self.collate_fn is None and isinstance(dataset, TensorDataset):
            return [Tensor._make(t._data[_on(t, indices)], t.device) for t in dataset.tensors]
        samples = [dataset[int(i)] for i in indices]
        return (self.collate_fn or default_collate)(samples)


def _on(t: Tensor, indices: np.ndarray) -> Any:
    """`indices` as an array on `t`'s device, to index `t` with."""
    return array_module(t._data).asarray(indices)
