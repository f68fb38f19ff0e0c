"""`save` and `load`: tensors and (nested) dicts, lists and tuples of them, in a NumPy `.npz` archive.

The archive holds one `.npy` array per tensor and one entry, `__tinygrad_edu__`, with a JSON
description of the object: which arrays are tensors and where they sit in the dicts and lists.
PyTorch's `torch.save` writes a pickle, and loading a pickle can run any code its author put in it;
an `.npz` read with `allow_pickle=False` holds only numbers, so loading a file from anyone is safe.
"""
from __future__ import annotations

import json
import math
import os
import zipfile
from collections import OrderedDict
from typing import IO, Any

import numpy as np

from . import dtypes
from .backend import move, resolve, to_numpy
from .nn.module import Module, Parameter
from .tensor import Tensor

ENTRY = "__tinygrad_edu__"   # the archive entry that describes the saved object
FORMAT, VERSION = "tinygrad_edu", 1
ZIP_MAGIC = b"PK\x03\x04"   # how every .npz (a zip file) starts

File = "str | os.PathLike | IO[bytes]"


# --- saving -------------------------------------------------------------------------------------

def _describe(obj: Any, arrays: dict, names: dict) -> dict:
    """A JSON-able description of `obj`; its tensors' arrays go into `arrays`."""
    if isinstance(obj, Tensor):
        if id(obj) not in names:  # a tensor met twice is stored once, and loads as one tensor
            names[id(obj)] = f"tensor{len(arrays)}"
            arrays[names[id(obj)]] = to_numpy(obj._data)
        return {"type": "parameter" if isinstance(obj, Parameter) else "tensor", "array": names[id(obj)],
                "requires_grad": obj.requires_grad}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return {"type": "value", "value": obj}
    if isinstance(obj, (list, tuple)):
        return {"type": type(obj).__name__ if type(obj) in (list, tuple) else "list",
                "items": [_describe(x, arrays, names) for x in obj]}
    if isinstance(obj, dict):
        for key in obj:
            if not (key is None or isinstance(key, (bool, int, float, str))):
                raise TypeError(f"tinygrad_edu.save: dict keys must be strings or numbers, not {type(key).__name__}")
        return {"type": "ordered_dict" if isinstance(obj, OrderedDict) else "dict",
                "items": [[key, _describe(value, arrays, names)] for key, value in obj.items()]}
    if isinstance(obj, Module):
        raise TypeError(f"tinygrad_edu.save does not store a whole {type(obj).__name__} (torch.save would pickle "
                        "it, and this package never pickles): save its weights with "
                        "`save(model.state_dict(), path)` and read them back with `model.load_state_dict(load(path))`.")
    raise TypeError(f"tinygrad_edu.save stores tensors, numbers, strings, None and dicts, lists and tuples of them, "
                    f"not {type(obj).__name__}")


def save(obj: Any, f: File) -> None:
    """Write `obj` (a tensor, a state_dict, or nested dicts/lists of tensors and numbers) to `f`.

    `f` is a path, written exactly as given (`"model.pth"` stays `model.pth`), or a binary file.
    """
    arrays, names = {}, {}
    description = _describe(obj, arrays, names)
    header = json.dumps({"format": FORMAT, "version": VERSION, "object": description})
    arrays[ENTRY] = np.frombuffer(header.encode("utf-8"), dtype=np.uint8)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as file:  # np.savez given a path would add ".npz" to it
            np.savez(file, **arrays)
    else:
        np.savez(f, **arrays)


# --- loading ------------------------------------------------------------------------------------

def _not_ours(name: str, start: bytes) -> RuntimeError:
    """The error for a file that is not an .npz archive, saying what it seems to be."""
    if start[:1] == b"\x80":
        what = ("It looks like a pickle (what pickle.dump, and old versions of torch.save, write). tinygrad_edu never "
                "loads pickles: loading one can run any code it contains.")
    elif start.startswith(b"\x93NUMPY"):
        what = "It is a single NumPy .npy array: read it with numpy.load."
    else:
        what = "It does not start like a zip archive: it may be corrupted, or not a tinygrad_edu file at all."
    return RuntimeError(f"{name} is not a file written by tinygrad_edu.save (expected a NumPy .npz archive). {what}")


def _check_sizes(archive: Any, size: int, name: str) -> None:
    """Refuse, before reading any array, an archive that would take more memory than the file's `size`.

    `save` never compresses, so every entry's bytes are in the file, and each array's header (its shape
    and dtype) must fit in its entry: a crafted file cannot make `load` allocate gigabytes.
    """
    infos = archive.zip.infolist()
    for info in infos:
        if info.compress_type != zipfile.ZIP_STORED:
            raise RuntimeError(f"{name} has a compressed entry ({info.filename!r}); tinygrad_edu.save never "
                               "compresses, so it did not write this file (a compressed entry can inflate to "
                               "gigabytes).")
        if info.file_size != info.compress_size:
            raise RuntimeError(f"{name} is corrupted: entry {info.filename!r} declares two different sizes.")
    if sum(info.compress_size for info in infos) > size:
        raise RuntimeError(f"{name} is corrupted: its entries declare more bytes than the file holds ({size}).")
    for info in infos:
        with archive.zip.open(info) as entry:
            version = np.lib.format.read_magic(entry)
            read = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
            if version not in read:
                raise ValueError(f"entry {info.filename!r} is a .npy of version {version}, which save never writes")
            shape, _, dtype = read[version](entry)
            declared = math.prod(shape) * dtype.itemsize
            if declared > info.file_size:
                raise RuntimeError(f"{name} is corrupted: entry {info.filename!r} declares an array of shape "
                                   f"{shape} ({declared} bytes) but holds {info.file_size} bytes.")


def _build(node: dict, arrays: Any, device: Any, built: dict) -> Any:
    """The object `node` describes, with its tensors read from `arrays`."""
    kind = node["type"]
    if kind in ("tensor", "parameter"):
        name = node["array"]
        if name not in built:
            array = arrays[name]
            dtypes.from_numpy_dtype(array.dtype)  # TypeError for dtypes a tensor cannot have
            t = Tensor._make(array if device is None else move(array, device))
            built[name] = Parameter(t, node["requires_grad"]) if kind == "parameter" else \
                t.requires_grad_(node["requires_grad"])
        return built[name]
    if kind == "value":
        return node["value"]
    if kind in ("list", "tuple"):
        items = [_build(x, arrays, device, built) for x in node["items"]]
        return items if kind == "list" else tuple(items)
    if kind in ("dict", "ordered_dict"):
        pairs = [(key, _build(value, arrays, device, built)) for key, value in node["items"]]
        return OrderedDict(pairs) if kind == "ordered_dict" else dict(pairs)
    raise ValueError(f"unknown entry type {kind!r}")


def load(f: File, map_location: Any = None, weights_only: bool = True) -> Any:
    """Read back what `save` wrote. Tensors load on the CPU (or on `map_location`).

    Only numbers are ever read (NumPy with `allow_pickle=False`), so `weights_only` is always true
    here; the argument is accepted for PyTorch's signature. A file that `save` did not write gives
    a RuntimeError that says what the file seems to be.
    """
    if isinstance(f, (str, os.PathLike)):
        name = repr(os.fspath(f))
    else:
        name = repr(f.name) if isinstance(getattr(f, "name", None), str) else "The file object"
    device = None if map_location is None else resolve(map_location)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as file:
            start = file.read(8)
        size = os.path.getsize(f)
    else:
        position = f.tell()
        start = f.read(8)
        size = f.seek(0, os.SEEK_END) - position
        f.seek(position)
    if not start.startswith(ZIP_MAGIC):
        raise _not_ours(name, start)
    try:
        with np.load(f, allow_pickle=False) as archive:
            if ENTRY not in archive.files:
                if any(entry.endswith(".pkl") for entry in archive.files):
                    raise RuntimeError(f"{name} looks like a file from torch.save: a zip archive with a pickle "
                                       "inside. tinygrad_edu never loads pickles: loading one can run any code it "
                                       "contains.")
                raise RuntimeError(f"{name} is a zip (.npz) archive, but not one written by tinygrad_edu.save "
                                   f"(it has no {ENTRY} entry).")
            _check_sizes(archive, size, name)
            header = json.loads(archive[ENTRY].tobytes().decode("utf-8"))
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise ValueError("its description is not tinygrad_edu's")
            if header.get("version", 0) > VERSION:
                raise ValueError(f"it was written by a newer tinygrad_edu (format version {header['version']})")
            return _build(header["object"], archive, device, {})
    except RecursionError:
        raise RuntimeError(f"{name} could not be read as a tinygrad_edu file: its description is nested too deeply "
                           "(save never writes such a file).") from None
    except (zipfile.BadZipFile, ValueError, TypeError, KeyError, OSError, EOFError) as e:
        raise RuntimeError(f"{name} could not be read as a tinygrad_edu file (is it corrupted?): {e}") from e
