#!/usr/bin/env bash
# Chromium and axe-core for the browser tests (tests/test_browser.py); prints the export line for axe-core.
# Installs Debian's chromium when it is missing (needs root and apt-get), and fetches the pinned axe-core
# with npm into a cache folder once. Without Chromium the browser tests skip, saying why.
set -euo pipefail
AXE_CORE=4.11.4
if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  else
    echo "echo 'Chromium: missing, and not root on Debian to install it; the browser tests will skip' >&2"
  fi
fi
cache="${XDG_CACHE_HOME:-$HOME/.cache}/refcheck/axe-core-$AXE_CORE"
if [ ! -s "$cache/axe.min.js" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "axe-core@$AXE_CORE" >/dev/null && tar -xzf "axe-core-$AXE_CORE.tgz")
  mkdir -p "$cache"
  cp "$work/package/axe.min.js" "$work/package/LICENSE" "$cache/"
fi
echo "export REFCHECK_AXE_JS=$cache/axe.min.js"
