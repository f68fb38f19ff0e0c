"""The set-up files agree: environment.yml (conda) lists the same packages and versions as pyproject.toml."""
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"graphviz": "python-graphviz"}  # PyPI name -> conda-forge name


def _requirement(line: str) -> tuple[str, str]:
    name, spec = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", line).groups()
    return name.lower(), spec.replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    lines = project["dependencies"] + extras["notebooks"] + extras["dev"]
    reqs = dict(_requirement(r) for r in lines)
    reqs["python"] = project["requires-python"].replace(" ", "")
    return {CONDA_NAMES.get(k, k): v for k, v in reqs.items()}


def conda_requirements() -> dict[str, str]:
    deps, in_deps = {}, False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
        elif in_deps and re.match(r"  - [A-Za-z]", line):
            name, spec = _requirement(line[4:].split("#")[0])
            if name != "pip":
                deps[name] = spec
    return deps


def test_environment_yml_matches_pyproject():
    assert conda_requirements() == pyproject_requirements()


def test_gpu_extra_brings_cupy():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(r.startswith("cupy") for r in extras["gpu"])
