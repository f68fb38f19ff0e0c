"""A colour photograph as tensors (notebook 01): figures/image_channels.png (the photo and its red, green
and blue matrices) and figures/image_batch.png (a batch of four images, a rank-4 tensor)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

import tinygrad_edu as tg

STEP = 2  # keep every 2nd pixel: smaller files, same picture


def photo(step: int = STEP) -> tg.Tensor:
    """The photograph matplotlib ships (Grace Hopper) as a float tensor (C, H, W) with values in [0, 1]."""
    from matplotlib import cbook, image

    pixels = image.imread(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))  # uint8 (H, W, C)
    return tg.from_numpy(pixels)[::step, ::step].permute(2, 0, 1).float() / 255


def batch_of(img: tg.Tensor) -> tuple[tg.Tensor, list[str]]:
    """Four images of one shape stacked into (N, C, H, W): the photo, its mirror, a grey and a darker copy."""
    width = img.shape[-1]
    mirror = img[:, :, tg.arange(width - 1, -1, -1)]
    grey = img.mean(dim=0, keepdim=True).expand(3, -1, -1)
    darker = img * 0.5
    return tg.stack([img, mirror, grey, darker]), ["photo", "mirror", "grey", "darker"]


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
