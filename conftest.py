"""Shared pytest set-up for the unit tests and the notebooks (nbval)."""
from hypothesis import settings

# Property tests run the same examples on every machine, with no time limit per example (CI is noisy).
settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True, database=None)


def pytest_collectstart(collector):
    # A Graphviz SVG changes with the version of `dot` (layout, a version comment): the drawings are
    # checked through their DOT source in tests/test_viz.py instead.
    if hasattr(collector, "skip_compare"):
        collector.skip_compare = collector.skip_compare + ("image/svg+xml",)
