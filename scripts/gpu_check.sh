#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: the GPU tests, the notebooks that use the GPU and the GPU benchmark, each
# with a time limit, then a summary.
#
#     bash scripts/gpu_check.sh                          (or `make gpu-check`): the tools come from PyPI
#     GPU_CHECK_PYTHON=python3 bash scripts/gpu_check.sh  on a GPU machine with no internet
#
# Where the tools come from:
# - GPU_CHECK_PYTHON unset: the virtual environment .venv with `pip install -e ".[notebooks,dev]"`, and CuPy
#   for the driver's CUDA version (cupy-cuda12x or cupy-cuda13x) once a GPU is found.
# - GPU_CHECK_PYTHON=python3: a Python that already has CuPy (any cupy-cuda* wheel), NumPy, pytest, hypothesis,
#   matplotlib (and PyTorch for the benchmark). Nothing comes from the network. What it lacks (nbval, ipykernel,
#   nbclient...) is installed from the wheel folder $GPU_CHECK_WHEELS (default gpu-wheels/, made by
#   `make gpu-wheels` on a machine with internet) into the virtual environment .gpu-check/venv, which also sees
#   that Python's own packages (or, where that Python cannot make one, into .gpu-check/site on PYTHONPATH).
#   The package itself is used from this checkout (PYTHONPATH), not installed.
#
# Results go to $GPU_CHECK_OUT (default .gpu-check/out): a log per step, executed copies of the notebooks,
# the benchmark's gpu_benchmark.json, summary.txt and summary.json. Every step has its own time limit, cut
# to what is left of $GPU_CHECK_BUDGET_S seconds (default 420) for all of them, so a hang cannot eat the
# machine's time. Exit status: 0 when every step passed, 1 otherwise, 2 when there is no NVIDIA GPU here.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi  # `sh scripts/gpu_check.sh` works too
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

NOTEBOOKS="02_devices 05_logistic_regression 06_beyond"  # the notebooks that compute on the GPU when there is one
TOOLS="numpy pytest hypothesis matplotlib nbval nbclient nbformat ipykernel"  # what the steps import
BASE_PY=${GPU_CHECK_PYTHON:-}
WHEELS=${GPU_CHECK_WHEELS:-gpu-wheels}
OUT_DIR=${GPU_CHECK_OUT:-.gpu-check/out}
BUDGET=${GPU_CHECK_BUDGET_S:-420}
mkdir -p "$OUT_DIR/logs" "$OUT_DIR/notebooks"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
: >"$OUT_DIR/steps.tsv"
SUMMARY=()
if [ ! -w "${HOME:-/nonexistent}" ]; then  # Jupyter, CuPy and matplotlib keep files under $HOME
    export HOME=$ROOT/.gpu-check/home
    mkdir -p "$HOME"
fi
FAILED=0

say() { echo "gpu_check: $*"; }
die() { say "$2" >&2; exit "$1"; }
imports() { "$1" -c "import ${TOOLS// /, }" 2>/dev/null; }

# --- 1. The tools ------------------------------------------------------------------------------------
# pip_install PYTHON ARGS...: `pip install --no-index ARGS` with PYTHON's pip, or with pip run from its wheel.
pip_install() {
    local py=$1 pip
    shift
    pip=("$py" -m pip)
    "$py" -m pip --version >/dev/null 2>&1 || pip=("$py" "$(ls "$WHEELS"/pip-*.whl | head -1)/pip")
    "${pip[@]}" install --quiet --no-index "$@" || die 1 "pip could not install from $WHEELS/ (see above)"
}

offline_env() {
    export PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1
    export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"  # the package, from this checkout
    command -v "$BASE_PY" >/dev/null || die 1 "GPU_CHECK_PYTHON=$BASE_PY: no such Python"
    if imports "$BASE_PY"; then PY=$BASE_PY; return; fi
    PY=.gpu-check/venv/bin/python
    if [ -x "$PY" ] && imports "$PY"; then return; fi
    [ -f "$WHEELS/requirements.txt" ] || die 1 "$BASE_PY lacks some of: $TOOLS; and there is no wheel folder \
$WHEELS/ to install them from. Make it on a machine with internet (make gpu-wheels), copy it here, run again."
    local want have
    want=$(cat "$WHEELS/python-version" 2>/dev/null || echo "?")
    have=$("$BASE_PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    [ "$want" = "$have" ] || say "warning: $WHEELS/ was made for Python $want, but $BASE_PY is $have \
(make it again with GPU_PYTHON_VERSION=$have make gpu-wheels)"
    rm -rf .gpu-check/venv .gpu-check/site
    if "$BASE_PY" -m venv --without-pip .gpu-check/venv >/dev/null 2>&1; then
        say "installing what $BASE_PY lacks from $WHEELS/ into .gpu-check/venv (no network)"
        # The venv sees every package of GPU_CHECK_PYTHON (even when that is itself a venv, which
        # --system-site-packages would miss): its site folders, listed in a .pth file.
        "$BASE_PY" -c 'import site, sys
dirs = [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
print("\n".join(dirs + [site.getusersitepackages()]))' \
            >"$("$PY" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/gpu_check_base.pth"
        pip_install "$PY" --find-links "$WHEELS" --find-links "$WHEELS/fallback" -r "$WHEELS/requirements.txt"
    else
        # No venv module: the wheels of the folder (not those of fallback/) go to a folder on PYTHONPATH.
        say "$BASE_PY cannot make a virtual environment: installing $WHEELS/*.whl into .gpu-check/site"
        PY=$BASE_PY
        local wheels
        mapfile -t wheels < <(ls "$WHEELS"/*.whl | grep -v '/pip-[0-9]')
        pip_install "$PY" --no-deps --target .gpu-check/site "${wheels[@]}"
        export PYTHONPATH="$PYTHONPATH:$ROOT/.gpu-check/site"
    fi
    imports "$PY" || die 1 "$PY still lacks one of: $TOOLS (NumPy, pytest, hypothesis, matplotlib and CuPy \
must come with GPU_CHECK_PYTHON)"
}

online_env() {
    PY=.venv/bin/python
    [ -x "$PY" ] || sh scripts/make_venv.sh .venv
    if ! imports "$PY" || ! "$PY" -c "import tinygrad_edu" 2>/dev/null; then
        say "installing the package with its notebooks and dev extras into .venv (from PyPI)"
        "$PY" -m pip install --quiet -e ".[notebooks,dev]" || die 1 "pip could not install the extras \
(is PyPI reachable? Without internet: GPU_CHECK_PYTHON=python3 and a wheel folder, see README)"
    fi
}

if [ -n "$BASE_PY" ]; then offline_env; else online_env; fi
say "Python: $PY ($("$PY" -c 'import sys; print(sys.version.split()[0])'))"

# --- 2. Is there an NVIDIA GPU? ----------------------------------------------------------------------
CUDA_MAJOR=12
if command -v nvidia-smi >/dev/null 2>&1; then
    gpus=$(nvidia-smi -L 2>&1 || true)
    if ! grep -q "^GPU " <<<"$gpus"; then
        echo "$gpus" >&2
        die 2 "nvidia-smi finds no usable NVIDIA GPU here (see its message above), so there is nothing to check."
    fi
    nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader 2>&1 |
        sed 's/^/gpu_check: GPU /' || true
    CUDA_MAJOR=$(nvidia-smi 2>/dev/null | sed -n 's/.*CUDA Version: *\([0-9]*\).*/\1/p' | head -1 || true)
    [ "${CUDA_MAJOR:-0}" -ge 13 ] 2>/dev/null && CUDA_MAJOR=13 || CUDA_MAJOR=12
elif [ -e /dev/nvidia0 ]; then
    say "no nvidia-smi, but /dev/nvidia0 exists: trying the GPU."
else
    say "no NVIDIA GPU here (no nvidia-smi, no /dev/nvidia0), so there is nothing to check." >&2
    die 2 "Run this on a machine with an NVIDIA GPU and its driver; 'make test' checks everything else."
fi

# --- 3. Can tinygrad_edu use it? ---------------------------------------------------------------------
gpu_status() {
    "$PY" - <<'EOF'
import tinygrad_edu as tg
from tinygrad_edu import backend
if not tg.cuda.is_available():
    raise SystemExit(f"gpu_check: tinygrad_edu cannot use the GPU: {backend._gpu()[1]}")
import cupy
print(f"gpu_check: CuPy {cupy.__version__} sees {tg.cuda.device_count()} GPU(s); "
      f"cuda:0 is {tg.cuda.get_device_name(0)}")
EOF
}
if ! GPU_STATUS=$(gpu_status 2>&1); then
    echo "$GPU_STATUS" >&2
    [ -z "$BASE_PY" ] || die 1 "GPU_CHECK_PYTHON=$BASE_PY must come with a working CuPy (cupy-cuda${CUDA_MAJOR}x \
for this driver); nothing was installed from the network. Nothing else was run."
    # Online: CuPy for this driver; with the CUDA libraries too (the `ctk` extra) when one was missing.
    cupy="cupy-cuda${CUDA_MAJOR}x"
    grep -qiE "nvrtc|cublas|curand|cusolver|cusparse|cufft|\.so" <<<"$GPU_STATUS" && cupy="$cupy[ctk]"
    say "installing $cupy from PyPI"
    if ! "$PY" -m pip install --quiet "$cupy" || ! GPU_STATUS=$(gpu_status 2>&1); then
        echo "$GPU_STATUS" >&2
        die 1 "CuPy still cannot use this GPU (the reason is above). Nothing else was run."
    fi
fi
echo "$GPU_STATUS"

# --- 4. The steps ------------------------------------------------------------------------------------
START=$SECONDS
OPTIONAL=0  # set for the steps whose skipping, when the budget is spent, is no failure

# step NAME LIMIT_S COMMAND...: run it (a command or a function below) with its output in logs/, within its
# limit and what is left of the budget; record PASS, FAIL or TIME, and show the end of the log if not PASS.
step() {
    local name=$1 limit=$2 start=$SECONDS left status log line
    shift 2
    left=$((BUDGET - (SECONDS - START)))
    if [ "$left" -lt 30 ]; then
        record SKIP 0 "$name: the $BUDGET s budget is spent"
        [ "$OPTIONAL" = 1 ] || FAILED=1
        return
    fi
    [ "$limit" -le "$left" ] || limit=$left
    log="$OUT_DIR/logs/$(printf %s "$name" | tr -c 'A-Za-z0-9_.-' _ | cut -c1-50).log"
    say "--- $name (at most $limit s)"
    status=0
    timeout -k 10 "$limit" bash -c '"$@"' step "$@" >"$log" 2>&1 || status=$?
    case $status in
        0) line="PASS" ;;
        124|137) line="TIME" ;;
        *) line="FAIL" ;;
    esac
    if [ "$status" != 0 ]; then
        FAILED=1
        tail -n 25 "$log" | sed 's/^/    | /'
    fi
    record "$line" $((SECONDS - start)) "$name"
    say "${SUMMARY[-1]}"
}

# record STATUS SECONDS NAME: one line of the summary, and of steps.tsv for summary.json.
record() {
    SUMMARY+=("$1  $3 ($2 s)")
    printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$OUT_DIR/steps.tsv"
}

# pytest in which a skipped test is a failure: on a GPU machine a skip hides a test that did not run.
pytest_no_skips() {
    local out status=0
    out=$("$PY" -m pytest "$@" -q -rs -p no:cacheprovider 2>&1) || status=$?
    echo "$out"
    [ "$status" = 0 ] || return "$status"
    if tail -n 1 <<<"$out" | grep -q skipped; then
        echo "gpu_check: some tests were skipped (see above): here that is a failure"
        return 1
    fi
}

# A copy of a notebook executed top to bottom (the committed one is never touched).
execute() {
    "$PY" - "$1" "$OUT_DIR/notebooks" <<'EOF'
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

path, out = Path(sys.argv[1]), Path(sys.argv[2])
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
nbformat.write(nb, out / path.name)
print(f"executed {path} into {out / path.name}")
EOF
}
export -f pytest_no_skips execute
export PY OUT_DIR

export TINYGRAD_EDU_REQUIRE_GPU=1  # in tests/test_devices.py a GPU test fails, rather than skips, without one
step "pytest -m gpu: every test marked gpu, on cuda" 240 pytest_no_skips tests -m gpu
for name in $NOTEBOOKS; do
    step "strict nbval of $name on the GPU" 150 "$PY" -m pytest "notebooks/$name.ipynb" -q -p no:cacheprovider
done
# shellcheck disable=SC2086  # GPU_CHECK_BENCH_ARGS: more options for the benchmark, such as --repeats 5
step "benchmark: MLP step at batch 4096, 4096 x 4096 matmul" 180 \
    "$PY" -m benchmarks.gpu --out "$OUT_DIR" ${GPU_CHECK_BENCH_ARGS:-}
OPTIONAL=1
for name in $NOTEBOOKS; do
    step "execute a copy of $name on the GPU, into notebooks/" 120 execute "notebooks/$name.ipynb"
done

# --- 5. Summary --------------------------------------------------------------------------------------
{
    echo "gpu_check summary ($((SECONDS - START)) s of steps; budget $BUDGET s)"
    echo "$GPU_STATUS"
    grep -h "^gpu bench:" "$OUT_DIR"/logs/benchmark*.log 2>/dev/null || true
    for line in "${SUMMARY[@]}"; do echo "    $line"; done
    echo "results: $OUT_DIR"
} | tee "$OUT_DIR/summary.txt"
"$PY" - "$OUT_DIR" "$GPU_STATUS" "$FAILED" <<'EOF'
import json, sys
from pathlib import Path
out, gpu, failed = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "1"
steps = [{"status": status, "seconds": int(seconds), "name": name}
         for status, seconds, name in (line.split("\t", 2) for line in (out / "steps.tsv").read_text().splitlines())]
bench = out / "gpu_benchmark.json"
summary = {"passed": not failed, "gpu": gpu.removeprefix("gpu_check: "), "steps": steps,
           "benchmark": json.loads(bench.read_text()) if bench.exists() else None}
(out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
EOF
exit "$FAILED"
