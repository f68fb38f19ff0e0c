"""The set-up files agree: environment.yml (conda) lists the same packages and versions as pyproject.toml,
and its `pip:` section is a requirements file that `pip install -r` accepts (conda passes it on so)."""
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"graphviz": "python-graphviz"}  # PyPI name -> conda-forge name


def _requirement(line: str) -> tuple[str, str]:
    req = Requirement(line)
    return req.name.lower(), str(req.specifier)


def _environment() -> dict:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    lines = project["dependencies"] + extras["notebooks"] + extras["dev"]
    reqs = dict(_requirement(r) for r in lines)
    reqs["python"] = str(Requirement("python" + project["requires-python"]).specifier)
    return {CONDA_NAMES.get(k, k): v for k, v in reqs.items()}


def pip_section(tmp_path: Path) -> list:
    """The `pip:` lines of environment.yml, parsed by pip's own requirements-file parser."""
    from pip._internal.network.session import PipSession
    from pip._internal.req.req_file import parse_requirements

    sections = [d["pip"] for d in _environment()["dependencies"] if isinstance(d, dict)]
    assert len(sections) == 1
    path = tmp_path / "requirements.txt"  # what conda writes and gives to `pip install -r`
    path.write_text("\n".join(sections[0]) + "\n")
    return list(parse_requirements(str(path), session=PipSession()))


def test_environment_yml_matches_pyproject(tmp_path):
    conda = [d for d in _environment()["dependencies"] if isinstance(d, str) and d != "pip"]
    deps = dict(_requirement(d) for d in conda)
    for parsed in pip_section(tmp_path):
        if not parsed.is_editable:
            deps.update([_requirement(parsed.requirement)])
    assert deps == pyproject_requirements()


def test_pip_section_is_requirement_lines_only(tmp_path):
    parsed = pip_section(tmp_path)  # a pip option (such as --no-deps) raises RequirementsFileParseError
    assert all(not p.options for p in parsed)
    assert [p.requirement for p in parsed if p.is_editable] == ["."]  # the package itself, from the checkout


def test_pip_rejects_an_option_in_the_pip_section(tmp_path):
    from pip._internal.exceptions import RequirementsFileParseError
    from pip._internal.network.session import PipSession
    from pip._internal.req.req_file import parse_requirements

    path = tmp_path / "requirements.txt"
    path.write_text("--no-deps\n-e .\n")
    with pytest.raises(RequirementsFileParseError):
        list(parse_requirements(str(path), session=PipSession()))


def test_gpu_extra_brings_cupy():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(r.startswith("cupy") for r in extras["gpu"])
