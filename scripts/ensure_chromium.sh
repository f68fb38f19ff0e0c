#!/bin/sh
# Make sure Chromium is installed for the browser test (tests/test_browser.py drives it with Playwright;
# never `playwright install`, which downloads a browser of its own). As root on Debian/Ubuntu it installs
# Debian's `chromium` package; otherwise it says how. The test skips without Chromium, except under CI.
command -v "${CHROMIUM:-/usr/bin/chromium}" >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Chromium with apt-get (for the browser test)..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) && exit 0
fi
echo "Chromium is missing; the browser test needs it. Install it with: sudo apt-get install chromium" >&2
exit 1
