#!/usr/bin/env bash
# On a machine with internet: download the wheels that scripts/gpu_check.sh installs on a GPU machine that has
# none, into one folder to copy there (git ignores it). Prints the folder's size; fails over 50 MB.
#
#     bash scripts/prepare_gpu_wheels.sh       (or `make gpu-wheels`)
#
# The GPU machine's Python is taken to have PyTorch, CuPy, NumPy, pytest, hypothesis and matplotlib already:
# only what the notebook checks need beyond those is downloaded (nbval, nbclient, nbformat, ipykernel, graphviz
# and what they need), as Linux x86_64 wheels for CPython $GPU_PYTHON_VERSION (default 3.12). The few small
# wheels of packages the image should already have but that those need (pytest, packaging, attrs...) go to
# fallback/: pip takes them only if the image's own are missing or too old. Graphviz's `dot` program is not
# carried: the notebooks checked on the GPU draw no graphs (see README).
# Settings: GPU_CHECK_WHEELS (the folder, default gpu-wheels), GPU_PYTHON_VERSION, PYTHON (whose pip downloads).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail
cd "$(dirname "$0")/.."

WHEELS=${GPU_CHECK_WHEELS:-gpu-wheels}
PYVER=${GPU_PYTHON_VERSION:-3.12}
PY=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}
MAX_MB=50
# What gpu_check.sh installs by name (pip: to bootstrap pip in a venv whose Python has none).
TOOLS="nbval nbclient nbformat ipykernel graphviz pip"
# What the GPU image has: PyTorch, CuPy, NumPy, pytest, hypothesis, matplotlib, and what they need.
IMAGE_HAS="torch triton nvidia-* cuda-* cupy-cuda* fastrlock numpy pytest iniconfig pluggy packaging pygments
hypothesis sortedcontainers matplotlib contourpy cycler fonttools kiwisolver pillow pyparsing
python-dateutil six filelock typing-extensions sympy mpmath networkx jinja2 markupsafe fsspec setuptools"

image_has() {  # image_has NAME: true if NAME (normalised: lower case, "-" for "_" and ".") is in IMAGE_HAS
    local pattern
    for pattern in $IMAGE_HAS; do
        # shellcheck disable=SC2053  # a glob on purpose (nvidia-*)
        [[ $1 == $pattern ]] && return 0
    done
    return 1
}

tmp=$(mktemp -d -t gpu-wheels.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
echo "downloading $TOOLS and what they need, for CPython $PYVER on Linux x86_64, with $PY -m pip"
# shellcheck disable=SC2086
"$PY" -m pip download --quiet --disable-pip-version-check --dest "$tmp/all" --only-binary=:all: \
    --implementation cp --python-version "$PYVER" --platform manylinux2014_x86_64 \
    --platform manylinux_2_17_x86_64 --platform manylinux_2_28_x86_64 $TOOLS
mkdir -p "$tmp/new/fallback"
for wheel in "$tmp"/all/*.whl; do
    file=$(basename "$wheel")
    name=$(sed 's/[_.]/-/g' <<<"${file%%-*}" | tr '[:upper:]' '[:lower:]')
    if image_has "$name"; then mv "$wheel" "$tmp/new/fallback/"; else mv "$wheel" "$tmp/new/"; fi
done
tr ' ' '\n' <<<"${TOOLS% pip}" >"$tmp/new/requirements.txt"
echo "$PYVER" >"$tmp/new/python-version"
rm -rf "$WHEELS"
mv "$tmp/new" "$WHEELS"

echo "$WHEELS/ (for the GPU machine's Python $PYVER):"
(cd "$WHEELS" && ls ./*.whl | sed 's|^\./|    |')
echo "$WHEELS/fallback/ (the image should have these already):"
(cd "$WHEELS/fallback" && ls ./*.whl 2>/dev/null | sed 's|^\./|    |')
size_kb=$(du -sk "$WHEELS" | cut -f1)
echo "size of $WHEELS/: $((size_kb / 1024)) MB ($size_kb KB, $(find "$WHEELS" -name '*.whl' | wc -l) wheels)"
if [ "$size_kb" -gt $((MAX_MB * 1024)) ]; then
    echo "that is over $MAX_MB MB: too big to carry" >&2
    exit 1
fi
echo "copy $WHEELS/ next to the checkout on the GPU machine, then run there:"
echo "    GPU_CHECK_PYTHON=python3 bash scripts/gpu_check.sh"
