#!/bin/sh
# Create the virtual environment $1 with python3, installing Debian's python3-venv first if that is missing.
set -e
PY=${PYTHON:-python3}
if ! "$PY" -m venv "$1" 2>/dev/null; then
    rm -rf "$1"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing python3-venv with apt-get..."
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
        "$PY" -m venv "$1"
    else
        echo "Could not create a virtual environment with $PY. On Debian/Ubuntu: sudo apt-get install python3-venv" >&2
        exit 1
    fi
fi
"$1/bin/python" -m pip install --quiet --upgrade pip
