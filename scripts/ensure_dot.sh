#!/bin/sh
# Make sure Graphviz's `dot` program (which draws the computation graphs) is installed.
# As root on Debian/Ubuntu it installs it; otherwise it says how. With --warn, a missing `dot` is not an error.
command -v dot >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Graphviz (the 'dot' program) with apt-get..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null) && exit 0
fi
echo "Graphviz's 'dot' program is missing; the computation-graph drawings need it. Install it with one of:" >&2
echo "    sudo apt-get install graphviz    |    brew install graphviz    |    conda install -c conda-forge graphviz" >&2
[ "$1" = "--warn" ] && exit 0
exit 1
