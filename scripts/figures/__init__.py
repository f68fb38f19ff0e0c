"""One module per figure (or group of figures); each has `make(out: pathlib.Path) -> list[Path]`."""
from pathlib import Path


def save(fig, path: Path, dpi: int = 100) -> Path:
    """Write a matplotlib figure to `path` and close it."""
    import matplotlib.pyplot as plt
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path
