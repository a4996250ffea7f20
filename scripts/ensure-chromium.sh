#!/usr/bin/env bash
# Browser tests need Debian's Chromium at /usr/bin/chromium. Install it when apt can (as root,
# as on CI); otherwise say so: the browser tests then skip with a visible reason (on CI they fail).
set -u
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    echo "Installing Debian's chromium for the browser tests (one time)..."
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
      && exit 0
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "Installing Debian's chromium for the browser tests (one time)..."
    sudo -n apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive sudo -n apt-get install -y -qq chromium >/dev/null \
      && exit 0
  fi
fi
echo "NOTE: /usr/bin/chromium is missing and could not be installed here; browser tests will be SKIPPED." >&2
echo "      Install it with: sudo apt-get install chromium" >&2
exit 0
