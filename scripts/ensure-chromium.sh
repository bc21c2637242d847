#!/usr/bin/env bash
# Makes Debian's Chromium available for the browser tests (never a browser
# download by a test tool). Prints the path of the binary.
set -euo pipefail
for candidate in "${DRIFTLESS_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    echo "$candidate"
    exit 0
  fi
done
echo "[chromium] installing Debian's chromium package" >&2
if [ "$(id -u)" = "0" ]; then
  SUDO=""
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  echo "[chromium] chromium is missing and installing it needs root: run 'apt-get install -y chromium' as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq chromium >&2
echo /usr/bin/chromium
