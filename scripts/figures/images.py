"""A colour photograph as tensors (notebook 01): image_channels.png (the photo and its red, green and blue
matrices) and image_batch.png (a batch of four pictures, a rank-4 tensor), made as notebook 01 makes them
from the pictures matplotlib ships (see data/README.md)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.figure import Figure

import tinygrad_edu as tg

STEP = 2  # keep every 2nd pixel: smaller files, same picture


def photo(step: int = STEP) -> tg.Tensor:
    """The photograph matplotlib ships (Grace Hopper) as a float tensor (C, H, W) with values in [0, 1]."""
    from matplotlib import cbook, image

    pixels = image.imread(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))  # uint8 (H, W, C)
    return tg.from_numpy(pixels)[::step, ::step].permute(2, 0, 1).float() / 255


def resize(img: tg.Tensor, height: int, width: int) -> tg.Tensor:
    """Nearest-pixel resizing of a (C, H, W) image: row i of the result is row i·H/height of img, rounded down."""
    rows = (tg.arange(height) * (img.shape[1] / height)).long()
    cols = (tg.arange(width) * (img.shape[2] / width)).long()
    return img[:, rows][:, :, cols]


def to_rgb(array: "np.ndarray") -> tg.Tensor:
    """A float (3, H, W) tensor in [0, 1] from a picture (H, W) of greys, or (H, W, 4) with transparency."""
    t = tg.tensor(array).float()
    if t.dim() == 2:  # greys: one channel, repeated three times
        t = (t / t.max()).unsqueeze(2).expand(-1, -1, 3)
    else:             # colours, and an opacity: laid on a white background
        colours, opacity = t[:, :, :3], t[:, :, 3:]
        t = colours * opacity + (1 - opacity)
    return t.permute(2, 0, 1)


def other_pictures() -> list["np.ndarray"]:
    """Three more pictures matplotlib ships, each of its own size: a present, a relief map, an MRI slice."""
    import gzip

    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib import cbook, image
    from matplotlib.colors import LightSource

    present = image.imread(cbook.get_sample_data("Minduka_Present_Blue_Pack.png", asfileobj=False))
    elevation = np.load(cbook.get_sample_data("jacksboro_fault_dem.npz", asfileobj=False))["elevation"]
    relief = LightSource(azdeg=315, altdeg=45).shade(elevation, cmap=plt.cm.gist_earth, vert_exag=0.05,
                                                     blend_mode="overlay")
    with gzip.open(cbook.get_sample_data("s1045.ima.gz", asfileobj=False)) as f:
        mri = np.frombuffer(f.read(), dtype=np.uint16).reshape(256, 256).astype(np.float32)
    return [present, relief, mri]


def batch_of(img: tg.Tensor) -> tuple[tg.Tensor, list[str]]:
    """The photograph and three other pictures, resized to its shape, stacked into (N, C, H, W)."""
    height, width = img.shape[1:]
    others = [resize(to_rgb(a), height, width) for a in other_pictures()]
    return tg.stack([img] + others), ["photograph", "present", "relief map", "MRI"]


def draw_channels(img: tg.Tensor) -> "Figure":
    """The image (C, H, W) and its three channel matrices side by side, each in its own colour map
    (from black for 0 to the pure colour for 1)."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import LinearSegmentedColormap

    fig, axes = plt.subplots(1, 4, figsize=(10, 3.2))
    axes[0].imshow(img.permute(1, 2, 0).numpy())
    axes[0].set_title(f"image {tuple(img.shape)}")
    for ax, channel, (name, colour) in zip(axes[1:], img, [("red", "red"), ("green", "lime"), ("blue", "blue")]):
        cmap = LinearSegmentedColormap.from_list(name, ["black", colour])
        ax.imshow(channel.numpy(), cmap=cmap, vmin=0, vmax=1)
        ax.set_title(f"{name} {tuple(channel.shape)}")
    for ax in axes:
        ax.axis("off")
    fig.tight_layout()
    return fig


def draw_batch(batch: tg.Tensor, names: list[str]) -> "Figure":
    """Each image of a batch (N, C, H, W), in a row."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(batch), figsize=(2.5 * len(batch), 3.5))
    for i, (ax, name) in enumerate(zip(axes, names)):
        ax.imshow(batch[i].permute(1, 2, 0).numpy())
        ax.set_title(f"batch[{i}]: {name}")
        ax.axis("off")
    fig.suptitle(f"a batch: shape {tuple(batch.shape)} = (N, C, H, W)")
    fig.tight_layout()
    return fig


def _save_small(fig: "Figure", path: Path) -> None:
    """Save as a PNG of at most 256 colours: a photograph's PNG is several times larger otherwise."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, dpi=80)
    buffer.seek(0)
    Image.open(buffer).convert("RGB").quantize(colors=256).save(path, optimize=True)


def make(out: Path) -> list[Path]:
    """Write figures/image_channels.png and figures/image_batch.png."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    img = photo()
    paths = []
    for name, fig in [("image_channels.png", draw_channels(img)), ("image_batch.png", draw_batch(*batch_of(img)))]:
        path = Path(out) / name
        _save_small(fig, path)
        plt.close(fig)
        paths.append(path)
    return paths
