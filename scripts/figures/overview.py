"""The three faces of PyTorch as three stacked layers: figures/three_faces.png (notebook 00, README)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# (name, example names, notebooks that teach it, colour), from the top layer down
LAYERS = [
    ("A deep learning library", ["nn.Linear", "nn.CrossEntropyLoss", "optim.SGD"],
     "notebooks 05, 06", "#f4d9c6"),
    ("An automatic differentiation engine", ["requires_grad=True", "loss.backward()", "x.grad"],
     "notebooks 03, 04", "#d5e8d4"),
    ("A tensor library", ["tensor([[1., 2.], [3., 4.]])", "a @ b", "a.to('cuda:0')"],
     "notebooks 01, 02", "#dae8fc"),
]


def draw() -> "Figure":
    """A matplotlib figure of the three layers, each built on the one below it."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    fig, ax = plt.subplots(figsize=(8, 4.6))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 6.6)
    ax.axis("off")
    height, gap = 1.6, 0.25
    for i, (name, examples, notebooks, colour) in enumerate(reversed(LAYERS)):
        y = 0.55 + i * (height + gap)
        ax.add_patch(FancyBboxPatch((0.2, y), 7.6, height, boxstyle="round,pad=0.02,rounding_size=0.15",
                                    facecolor=colour, edgecolor="#444444", linewidth=1.2))
        ax.text(0.5, y + height - 0.45, name, fontsize=14, fontweight="bold", va="center")
        ax.text(0.5, y + 0.5, "   ".join(examples), fontsize=10.5, family="monospace", va="center",
                color="#333333")
        ax.text(8.1, y + height / 2, notebooks, fontsize=11, va="center", color="#555555")
    ax.text(0.2, 0.2, "each layer is built on the one below it", fontsize=10, style="italic", color="#555555")
    ax.set_title("The three faces of PyTorch", fontsize=15, loc="left")
    fig.tight_layout()
    return fig


def make(out: Path) -> list[Path]:
    """Write figures/three_faces.png."""
    from scripts.figures import save
    return [save(draw(), Path(out) / "three_faces.png")]
