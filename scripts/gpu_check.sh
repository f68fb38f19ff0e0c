#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: run every GPU test and the notebooks that use the GPU, then print a summary.
#
#     bash scripts/gpu_check.sh          (or `make gpu-check`)
#
# It sets up what is missing first: the virtual environment .venv with the package, its test tools and the
# GPU extra (CuPy), as `pip install -e ".[notebooks,dev,gpu]"`. Without an NVIDIA GPU it says so and exits
# with status 2. The executed notebooks are written to $GPU_CHECK_OUT (a new temporary folder by default),
# never over the committed ones. Exit status: 0 when every step passed, 1 otherwise.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi  # `sh scripts/gpu_check.sh` works too
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PY="$VENV/bin/python"
NOTEBOOKS="02_devices 05_logistic_regression 06_beyond"  # the notebooks that compute on the GPU when there is one
OUT_DIR=${GPU_CHECK_OUT:-$(mktemp -d -t gpu_check.XXXXXX)}
mkdir -p "$OUT_DIR"
SUMMARY=()
FAILED=0

say() { echo "gpu_check: $*"; }

# Run one step ("name" command...), record PASS or FAIL with its time, and go on to the next step either way.
step() {
    local name=$1 start=$SECONDS
    shift
    say "--- $name"
    if "$@"; then
        SUMMARY+=("PASS  $name ($((SECONDS - start)) s)")
    else
        SUMMARY+=("FAIL  $name ($((SECONDS - start)) s)")
        FAILED=1
    fi
}

# --- 1. Is there an NVIDIA GPU at all? --------------------------------------------------------------
if command -v nvidia-smi >/dev/null 2>&1; then
    gpus=$(nvidia-smi -L 2>&1 || true)
    if ! grep -q "^GPU " <<<"$gpus"; then
        echo "$gpus" >&2
        say "nvidia-smi finds no usable NVIDIA GPU here (see its message above), so there is nothing to check." >&2
        exit 2
    fi
    nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader | sed 's/^/gpu_check: GPU /'
elif [ -e /dev/nvidia0 ]; then
    say "no nvidia-smi, but /dev/nvidia0 exists: trying the GPU."
else
    say "no NVIDIA GPU here (no nvidia-smi, no /dev/nvidia0), so there is nothing to check." >&2
    say "Run this on a machine with an NVIDIA GPU and its driver; 'make test' checks everything else." >&2
    exit 2
fi

# --- 2. The environment: .venv with the package, the test tools and CuPy ----------------------------
if [ ! -x "$PY" ]; then
    say "creating the virtual environment $VENV"
    sh scripts/make_venv.sh "$VENV"
fi
if ! "$PY" -c "import tinygrad_edu, pytest, nbval, nbconvert, ipykernel, matplotlib, hypothesis, cupy" 2>/dev/null; then
    say "installing the package with its notebooks, dev and gpu extras (CuPy): a few minutes the first time"
    if ! "$PY" -m pip install --quiet -e ".[notebooks,dev,gpu]"; then
        say "pip could not install the extras (is PyPI reachable from here?). Install them, then run this again:" >&2
        say "    $PY -m pip install -e \".[notebooks,dev,gpu]\"" >&2
        exit 1
    fi
fi
sh scripts/ensure_dot.sh --warn  # the notebooks draw graphs with Graphviz

# --- 3. Can tinygrad_edu use the GPU? ---------------------------------------------------------------
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
if ! status=$(gpu_status 2>&1); then
    echo "$status" >&2
    # CuPy's wheels load the CUDA libraries (NVRTC, cuBLAS...) of a CUDA toolkit. On a machine that has only the
    # driver, one of them is missing, and CuPy's `ctk` extra brings them all from PyPI (a large download).
    if ! grep -qiE "nvrtc|cublas|curand|cusolver|cusparse|cufft|\.so" <<<"$status"; then
        say "CuPy cannot use this GPU (the reason is above). Nothing else was run." >&2
        exit 1
    fi
    say "a CUDA library is missing: installing them from PyPI with pip install \"cupy-cuda12x[ctk]\""
    if ! "$PY" -m pip install --quiet "cupy-cuda12x[ctk]" || ! status=$(gpu_status 2>&1); then
        echo "$status" >&2
        say "CuPy still cannot use this GPU (the reason is above). Nothing else was run." >&2
        exit 1
    fi
fi
echo "$status"

# --- 4. The GPU tests, then the notebooks on the GPU ------------------------------------------------
export TINYGRAD_EDU_REQUIRE_GPU=1  # in tests/test_devices.py a GPU test fails, rather than skips, without one
step "pytest -m gpu (every test marked gpu, on cuda)" \
    timeout 600 "$PY" -m pytest tests -m gpu -q -p no:cacheprovider
for name in $NOTEBOOKS; do
    nb="notebooks/$name.ipynb"
    if [ ! -f "$nb" ]; then
        say "$nb does not exist yet: skipped"
        SUMMARY+=("SKIP  $name (no such notebook yet)")
        continue
    fi
    step "execute $name on the GPU (nbconvert, into $OUT_DIR)" \
        timeout 600 "$PY" -m jupyter nbconvert --to notebook --execute --output-dir "$OUT_DIR" \
        --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.timeout=300 "$nb"
    step "strict nbval of $name on the GPU (its stored outputs hold here too)" \
        timeout 600 "$PY" -m pytest "$nb" -q -p no:cacheprovider
done

# --- 5. Summary -------------------------------------------------------------------------------------
echo
say "summary"
for line in "${SUMMARY[@]}"; do
    echo "    $line"
done
say "executed notebooks: $OUT_DIR"
exit "$FAILED"
