#!/usr/bin/env bash
# Browser tests need Debian's Chromium: chromium-headless-shell (the same engine without the browser's UI,
# lighter on the CPU; tests/browser/conftest.py prefers it) or /usr/bin/chromium, plus fonts for CJK and emoji
# (without them the screenshots show empty boxes). Install what is missing when apt can (as root, as on CI);
# otherwise say so: the browser tests then skip with a visible reason (on CI they fail).
set -u
PACKAGES="chromium chromium-headless-shell fonts-noto-color-emoji fonts-wqy-microhei"
missing=""
for p in $PACKAGES; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="none"; fi
fi
if command -v apt-get >/dev/null 2>&1 && [ "$SUDO" != "none" ]; then
  echo "Installing for the browser tests (one time):$missing"
  $SUDO apt-get update -qq >/dev/null 2>&1
  if DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1; then
    exit 0
  fi
  left=""
  for p in $missing; do  # one package this apt lacks must not keep the others out
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1 \
      || left="$left $p"
  done
  missing="$left"
  [ -z "$missing" ] && exit 0
fi
if [ -x /usr/bin/chromium-headless-shell ] || [ -x /usr/bin/chromium ]; then
  echo "NOTE: could not install$missing; CJK/emoji may draw as boxes in screenshots." >&2
else
  echo "NOTE: Chromium is missing and could not be installed here; browser tests will be SKIPPED." >&2
  echo "      Install it with: sudo apt-get install chromium-headless-shell" >&2
fi
exit 0
