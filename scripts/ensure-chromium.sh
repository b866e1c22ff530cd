#!/usr/bin/env bash
# Makes sure Debian's Chromium (/usr/bin/chromium) is available for the web console's browser test
# (test/system/console-browser.test.ts), which drives it headless with playwright-core; Playwright's
# own browser downloads are never used. As root, installs it from Debian's packages; otherwise
# explains and exits 1.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium from Debian packages (apt-get install -y chromium)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y --no-install-recommends chromium >&2
  [ -x /usr/bin/chromium ] && exit 0
  echo "error: installed the chromium package, but /usr/bin/chromium is still missing" >&2
  exit 1
fi
echo "error: the web console's browser test needs Chromium: sudo apt-get install -y chromium" >&2
exit 1
