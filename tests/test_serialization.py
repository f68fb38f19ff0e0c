"""tinygrad_edu.save / load: round trips (dtype, shape, nesting), the exact path, and refusing what is not ours."""
import io
import pickle
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn

DTYPES = [tg.float16, tg.float32, tg.float64, tg.int8, tg.int16, tg.int32, tg.int64, tg.uint8, tg.bool]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.name)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3), (2, 0, 4), (1, 2, 3, 2)], ids=str)
def test_tensor_round_trip_keeps_dtype_shape_and_values(tmp_path, dtype, shape):
    values = np.random.default_rng(0).normal(0, 50, shape)
    t = tg.tensor(values).to(dtype)
    path = tmp_path / "t.pth"
    tg.save(t, path)
    back = tg.load(path)
    assert type(back) is tg.Tensor
    assert back.dtype is dtype and back.shape == shape and back.device == tg.device("cpu")
    assert np.array_equal(back.numpy(), t.numpy())


def test_nested_objects_round_trip(tmp_path):
    obj = {"model": OrderedDict(w=tg.ones(2, 2), b=tg.zeros(2)), "epoch": 3, "lr": 0.5, "done": False,
           "name": "logistic", "nothing": None, "history": [1.5, 2.5, (tg.tensor([1, 2]), "x")],
           "nested": {"deeper": [{"t": tg.tensor(7.0, dtype=tg.float64)}]}, 4: "int key"}
    tg.save(obj, tmp_path / "ckpt.pth")
    back = tg.load(tmp_path / "ckpt.pth")
    assert type(back) is dict and type(back["model"]) is OrderedDict
    assert list(back) == list(obj) and list(back["model"]) == ["w", "b"]
    assert back["model"]["w"].tolist() == [[1.0, 1.0], [1.0, 1.0]]
    assert (back["epoch"], back["lr"], back["done"], back["name"], back["nothing"]) == (3, 0.5, False, "logistic", None)
    assert isinstance(back["epoch"], int) and isinstance(back["lr"], float)
    history = back["history"]
    assert type(history) is list and type(history[2]) is tuple
    assert history[:2] == [1.5, 2.5] and history[2][0].tolist() == [1, 2] and history[2][1] == "x"
    assert back["nested"]["deeper"][0]["t"].dtype is tg.float64 and back[4] == "int key"


def test_state_dict_round_trip_into_a_new_model(tmp_path):
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
    tg.save(model.state_dict(), tmp_path / "model.pth")
    other = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
    state = tg.load(tmp_path / "model.pth", weights_only=True)
    assert list(state) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert repr(other.load_state_dict(state)) == "<All keys matched successfully>"
    x = tg.randn(4, 2)
    assert np.array_equal(model(x).detach().numpy(), other(x).detach().numpy())


def test_parameters_requires_grad_and_shared_tensors_survive(tmp_path):
    p = nn.Parameter(tg.ones(3))
    leaf = tg.zeros(2, requires_grad=True)
    tg.save({"p": p, "again": p, "leaf": leaf, "plain": tg.ones(1)}, tmp_path / "x.pth")
    back = tg.load(tmp_path / "x.pth")
    assert isinstance(back["p"], nn.Parameter) and back["p"].requires_grad
    assert back["again"] is back["p"]  # one tensor saved twice loads as one tensor
    assert back["leaf"].requires_grad and not isinstance(back["leaf"], nn.Parameter)
    assert not back["plain"].requires_grad


def test_save_writes_exactly_the_path_given(tmp_path):
    for name in ("model.pth", "weights.pt", "noext", "data.npz"):
        tg.save(tg.ones(2), str(tmp_path / name))
        assert (tmp_path / name).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.npz", "model.pth", "noext", "weights.pt"]


def test_the_file_is_a_plain_npz_numpy_reads_without_pickle(tmp_path):
    tg.save({"w": tg.tensor([[1.0, 2.0]])}, tmp_path / "m.pth")
    assert zipfile.is_zipfile(tmp_path / "m.pth")
    with np.load(tmp_path / "m.pth", allow_pickle=False) as archive:
        arrays = [archive[k] for k in archive.files]
    assert any(a.tolist() == [[1.0, 2.0]] and a.dtype == np.float32 for a in arrays)


def test_file_objects(tmp_path):
    buffer = io.BytesIO()
    tg.save([tg.arange(3)], buffer)
    buffer.seek(0)
    assert tg.load(buffer)[0].tolist() == [0, 1, 2]
    with open(tmp_path / "f.pth", "wb") as f:
        tg.save(tg.ones(1), f)
    with open(tmp_path / "f.pth", "rb") as f:
        assert tg.load(f).tolist() == [1.0]
    assert tg.load(str(tmp_path / "f.pth")).tolist() == [1.0]
    assert tg.load(Path(tmp_path / "f.pth"), map_location="cpu").tolist() == [1.0]


def test_unsupported_objects_are_refused_when_saving(tmp_path):
    with pytest.raises(TypeError, match="set"):
        tg.save({"bad": {1, 2}}, tmp_path / "x.pth")
    with pytest.raises(TypeError, match="keys"):
        tg.save({(1, 2): tg.ones(1)}, tmp_path / "x.pth")


class _Exploit:
    """Unpickling this would create a file: loading must never get that far."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_a_pickle_is_refused_and_never_run(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pth"
    path.write_bytes(pickle.dumps({"weight": _Exploit(str(marker))}))
    with pytest.raises(RuntimeError, match="pickle") as e:
        tg.load(path)
    assert "evil.pth" in str(e.value)
    assert not marker.exists()


def test_a_torch_file_is_refused(tmp_path):
    torch = pytest.importorskip("torch")
    torch.save({"weight": torch.ones(2)}, tmp_path / "torch.pth")
    with pytest.raises(RuntimeError, match="torch.save"):
        tg.load(tmp_path / "torch.pth")


def test_foreign_and_corrupted_files_are_refused(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(RuntimeError, match="notes.txt.*not a file written by tinygrad_edu.save"):
        tg.load(text)
    plain = tmp_path / "plain.npz"
    with open(plain, "wb") as f:
        np.savez(f, a=np.ones(3))
    with pytest.raises(RuntimeError, match="plain.npz.*not one written by tinygrad_edu.save"):
        tg.load(plain)
    objects = tmp_path / "objects.npz"
    with open(objects, "wb") as f:
        np.savez(f, __tinygrad_edu__=np.array([{"a": 1}], dtype=object))
    with pytest.raises(RuntimeError, match="objects.npz"):
        tg.load(objects)
    single = tmp_path / "single.npy"
    np.save(single, np.ones(2))
    with pytest.raises(RuntimeError, match="numpy.load"):
        tg.load(single)
    good = tmp_path / "good.pth"
    tg.save({"w": tg.ones(100)}, good)
    truncated = tmp_path / "truncated.pth"
    truncated.write_bytes(good.read_bytes()[:60])
    with pytest.raises(RuntimeError, match="truncated.pth"):
        tg.load(truncated)
    empty = tmp_path / "empty.pth"
    empty.write_bytes(b"")
    with pytest.raises(RuntimeError, match="empty.pth"):
        tg.load(empty)
    with pytest.raises(FileNotFoundError):
        tg.load(tmp_path / "missing.pth")
