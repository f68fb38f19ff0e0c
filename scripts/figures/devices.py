"""A CPU and a GPU, each with its own memory, and the bus between them: figures/devices.png (notebook 02)."""
from __future__ import annotations

from pathlib import Path


def _box(ax, x, y, w, h, colour, **kwargs):
    from matplotlib.patches import FancyBboxPatch
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.12", facecolor=colour,
                                edgecolor="#444444", linewidth=1.2, **kwargs))


def draw():
    """A matplotlib figure: a few big CPU cores and RAM, many small GPU cores and GPU memory, a slow bus between."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4.4))
    ax.set_xlim(0, 12)
    ax.set_ylim(0, 6)
    ax.axis("off")

    # The CPU: a few big cores that each run a complicated program.
    _box(ax, 0.3, 2.4, 4.2, 3.0, "#dae8fc")
    ax.text(0.55, 5.0, "CPU", fontsize=14, fontweight="bold", va="center")
    ax.text(0.55, 4.55, "a few big cores", fontsize=10, color="#333333", va="center")
    for i in range(4):
        _box(ax, 0.6 + (i % 2) * 1.95, 2.7 + (i // 2) * 0.8, 1.75, 0.6, "#ffffff")
        ax.text(1.475 + (i % 2) * 1.95, 3.0 + (i // 2) * 0.8, "core", ha="center", va="center", fontsize=9)
    _box(ax, 0.3, 0.4, 4.2, 1.4, "#eeeeee")
    ax.text(2.4, 1.3, "RAM", fontsize=12, fontweight="bold", ha="center", va="center")
    ax.text(2.4, 0.8, "device='cpu': NumPy arrays", fontsize=9.5, family="monospace", ha="center", va="center")

    # The GPU: thousands of small cores doing the same arithmetic on many numbers at once.
    _box(ax, 7.5, 2.4, 4.2, 3.0, "#d5e8d4")
    ax.text(7.75, 5.0, "GPU", fontsize=14, fontweight="bold", va="center")
    ax.text(7.75, 4.55, "thousands of small cores", fontsize=10, color="#333333", va="center")
    for row in range(6):
        for col in range(16):
            ax.add_patch(plt.Rectangle((7.8 + col * 0.235, 2.65 + row * 0.27), 0.19, 0.21, facecolor="#ffffff",
                                       edgecolor="#777777", linewidth=0.5))
    _box(ax, 7.5, 0.4, 4.2, 1.4, "#eeeeee")
    ax.text(9.6, 1.3, "GPU memory", fontsize=12, fontweight="bold", ha="center", va="center")
    ax.text(9.6, 0.8, "device='cuda:0': CuPy arrays", fontsize=9.5, family="monospace", ha="center", va="center")

    # Each processor reads its own memory fast; between the two memories is a much slower bus.
    for x in (2.4, 9.6):
        ax.annotate("", xy=(x, 2.35), xytext=(x, 1.85), arrowprops=dict(arrowstyle="<->", lw=2.5, color="#444444"))
    ax.annotate("", xy=(7.45, 1.3), xytext=(4.55, 1.3), arrowprops=dict(arrowstyle="->", lw=1.6, color="#b85450"))
    ax.annotate("", xy=(4.55, 0.8), xytext=(7.45, 0.8), arrowprops=dict(arrowstyle="->", lw=1.6, color="#b85450"))
    ax.text(6.0, 1.5, "t.to('cuda:0')", fontsize=10, family="monospace", ha="center", color="#b85450")
    ax.text(6.0, 0.45, "t.cpu()", fontsize=10, family="monospace", ha="center", color="#b85450")
    ax.text(6.0, 2.3, "the bus between the two\nmemories is slow: copy\nonce, then compute there", fontsize=9.5,
            ha="center", va="center", style="italic", color="#555555")
    ax.set_title("Two devices, each with its own memory", fontsize=14, loc="left")
    fig.tight_layout()
    return fig


def make(out: Path) -> list[Path]:
    """Write figures/devices.png."""
    from scripts.figures import save
    return [save(draw(), Path(out) / "devices.png", dpi=88)]  # 792 px: narrower than a notebook column
