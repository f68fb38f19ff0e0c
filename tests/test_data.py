"""tinygrad_edu.utils.data: datasets, batching (as torch's default_collate), len, shuffling, drop_last."""
import math
from collections import namedtuple

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.utils.data import DataLoader, Dataset, Subset, TensorDataset, default_collate, random_split

from helpers import norm, torch_or_skip


def xy(n=10):
    x = tg.arange(n * 2, dtype=tg.float32).reshape(n, 2)
    y = tg.arange(n)
    return x, y


def test_tensor_dataset():
    x, y = xy()
    ds = TensorDataset(x, y)
    assert len(ds) == 10
    xi, yi = ds[3]
    assert xi.tolist() == [6.0, 7.0] and yi.item() == 3
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(tg.zeros(3), tg.zeros(2))


def test_batches_in_order():
    x, y = xy()
    batches = list(DataLoader(TensorDataset(x, y), batch_size=4))
    assert isinstance(batches[0], list) and len(batches[0]) == 2
    assert [tuple(b[0].shape) for b in batches] == [(4, 2), (4, 2), (2, 2)]
    assert np.concatenate([b[1].numpy() for b in batches]).tolist() == list(range(10))
    assert batches[1][0].tolist() == [[8.0, 9.0], [10.0, 11.0], [12.0, 13.0], [14.0, 15.0]]
    assert batches[0][0].dtype is tg.float32 and batches[0][1].dtype is tg.int64


def test_batches_are_copies():
    x, y = xy()
    xb, _ = next(iter(DataLoader(TensorDataset(x, y), batch_size=3)))
    xb.fill_(-1.0)
    assert x[0].tolist() == [0.0, 1.0]


@pytest.mark.parametrize("n,batch_size,drop_last", [(10, 3, False), (10, 3, True), (9, 3, False), (9, 3, True),
                                                    (2, 5, False), (2, 5, True), (7, 1, False)])
def test_len_and_drop_last_match_torch(n, batch_size, drop_last):
    torch = torch_or_skip()
    ours = DataLoader(TensorDataset(*xy(n)), batch_size=batch_size, drop_last=drop_last)
    theirs = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.zeros(n, 2), torch.zeros(n)),
                                         batch_size=batch_size, drop_last=drop_last)
    assert len(ours) == len(theirs) == len(list(ours)) == len(list(theirs))
    sizes = [len(b[0]) for b in ours]
    assert sizes == [len(b[0]) for b in theirs]
    assert all(s == batch_size for s in sizes) if drop_last else sum(sizes) == n


def test_shuffle_is_a_new_permutation_each_epoch():
    loader = DataLoader(TensorDataset(*xy(50)), batch_size=8, shuffle=True)
    epochs = [np.concatenate([b[1].numpy() for b in loader]) for _ in range(2)]
    for order in epochs:
        assert sorted(order.tolist()) == list(range(50))
        assert order.tolist() != list(range(50))
    assert epochs[0].tolist() != epochs[1].tolist()


def test_shuffle_keeps_fields_together():
    x, y = xy(20)
    for xb, yb in DataLoader(TensorDataset(x, y), batch_size=6, shuffle=True):
        assert np.array_equal(xb.numpy()[:, 0], 2 * yb.numpy())


def test_shuffle_is_reproducible_with_manual_seed_and_generator():
    def order(loader):
        return np.concatenate([b[1].numpy() for b in loader]).tolist()

    ds = TensorDataset(*xy(30))
    tg.manual_seed(0)
    a = order(DataLoader(ds, batch_size=4, shuffle=True))
    tg.manual_seed(0)
    assert order(DataLoader(ds, batch_size=4, shuffle=True)) == a
    g = tg.Generator().manual_seed(5)
    b = order(DataLoader(ds, batch_size=4, shuffle=True, generator=g))
    g.manual_seed(5)
    tg.rand(3)  # the default generator moving on changes nothing for a loader with its own generator
    assert order(DataLoader(ds, batch_size=4, shuffle=True, generator=g)) == b


def test_drop_last_with_shuffle():
    loader = DataLoader(TensorDataset(*xy(10)), batch_size=4, shuffle=True, drop_last=True)
    batches = list(loader)
    assert len(loader) == len(batches) == 2 and all(len(b[1]) == 4 for b in batches)
    seen = np.concatenate([b[1].numpy() for b in batches])
    assert len(set(seen.tolist())) == 8


class Squares(Dataset):
    def __len__(self):
        return 5

    def __getitem__(self, i):
        return {"x": np.array([i, i * i], dtype=np.float32), "label": i % 2, "weight": 0.5 * i, "name": f"n{i}"}


def test_a_custom_dataset_is_collated_like_torch():
    torch = torch_or_skip()

    class TorchSquares(torch.utils.data.Dataset):
        __len__ = Squares.__len__
        __getitem__ = Squares.__getitem__

    ours = list(DataLoader(Squares(), batch_size=2))
    theirs = list(torch.utils.data.DataLoader(TorchSquares(), batch_size=2))
    assert len(ours) == len(theirs) == 3
    for a, b in zip(ours, theirs):
        assert set(a) == set(b)
        for key in ("x", "label", "weight"):
            assert a[key].tolist() == b[key].tolist()
            assert a[key].dtype.name == str(b[key].dtype).replace("torch.", "")
        assert a["name"] == b["name"]


@pytest.mark.parametrize("batch", [
    lambda lib: [(1, 2.0), (3, 4.0)],
    lambda lib: [[1, 2], [3, 4], [5, 6]],
    lambda lib: [True, False],
    lambda lib: [lib.ones(2), lib.zeros(2)],
    lambda lib: [(lib.ones(2, 3), 1), (lib.zeros(2, 3), 0)],
    lambda lib: [np.float32(1.5), np.float32(2.5)],
], ids=["tuples", "lists", "bools", "tensors", "tensor-int", "numpy-scalars"])
def test_default_collate_matches_torch(batch):
    torch = torch_or_skip()
    from torch.utils.data import default_collate as torch_collate

    def flat(out):
        items = out if isinstance(out, (list, tuple)) else [out]
        return [(x.tolist(), str(x.dtype).replace("torch.", "tinygrad_edu.")) for x in items]

    ours, theirs = default_collate(batch(tg)), torch_collate(batch(torch))
    assert isinstance(ours, list) == isinstance(theirs, list)
    assert flat(ours) == flat(theirs)


def test_default_collate_keeps_namedtuples_and_checks_sizes():
    torch = torch_or_skip()
    from torch.utils.data import default_collate as torch_collate
    Point = namedtuple("Point", "x y")
    out = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(out, Point) and out.x.tolist() == [1, 3]
    with pytest.raises(RuntimeError) as theirs:
        torch_collate([[1, 2], [3]])
    with pytest.raises(RuntimeError) as ours:
        default_collate([[1, 2], [3]])
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(RuntimeError) as theirs:
        torch_collate([torch.ones(2), torch.zeros(3)])
    with pytest.raises(RuntimeError) as ours:
        default_collate([tg.ones(2), tg.zeros(3)])
    assert str(ours.value) == norm(str(theirs.value))


def test_collate_fn():
    loader = DataLoader(TensorDataset(*xy(5)), batch_size=2, collate_fn=lambda samples: len(samples))
    assert list(loader) == [2, 2, 1]


@pytest.mark.parametrize("batch_size", [0, -1, 1.5])
def test_bad_batch_size_matches_torch(batch_size):
    torch = torch_or_skip()
    with pytest.raises(ValueError) as theirs:
        torch.utils.data.DataLoader([1, 2], batch_size=batch_size)
    with pytest.raises(ValueError) as ours:
        DataLoader([1, 2], batch_size=batch_size)
    assert str(ours.value) == str(theirs.value)


def test_a_plain_list_is_a_dataset():
    assert [b.tolist() for b in DataLoader([1.0, 2.0, 3.0], batch_size=2)] == [[1.0, 2.0], [3.0]]


def test_subset_and_random_split():
    ds = TensorDataset(*xy(10))
    train, test = random_split(ds, [7, 3], generator=tg.Generator().manual_seed(0))
    assert isinstance(train, Subset) and len(train) == 7 and len(test) == 3
    ids = [int(train[i][1]) for i in range(7)] + [int(test[i][1]) for i in range(3)]
    assert sorted(ids) == list(range(10))
    batched = np.concatenate([b[1].numpy() for b in DataLoader(train, batch_size=3)]).tolist()
    assert batched == ids[:7]  # the loader reads a subset through its indices, in order
    parts = random_split(ds, [0.5, 0.3, 0.2])
    assert [len(p) for p in parts] == [5, 3, 2]
    assert [len(p) for p in random_split(TensorDataset(*xy(7)), [0.5, 0.5])] == [4, 3]
    with pytest.raises(ValueError, match="Sum of input lengths"):
        random_split(ds, [3, 3])
    assert math.isclose(sum(len(p) for p in parts), 10)
