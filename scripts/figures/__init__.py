"""One module per figure (or group of figures); each has `make(out: pathlib.Path) -> list[Path]`."""
