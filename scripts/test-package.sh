#!/usr/bin/env bash
# Installs the newest .deb in DEB_DIR with the system's package tool, runs e2e/installed against
# the installed binary under Xvfb (a 1366x768 screen, a fresh HOME), and makes sure the package
# is gone again afterwards, whatever the tests did.
# Usage: TAURI_DRIVER=... PYTEST=... scripts/test-package.sh DEB_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
: "${TAURI_DRIVER:?path of tauri-driver}" "${PYTEST:?path of pytest}"
deb=$(ls -t "${1:?folder of the .deb}"/*.deb | head -n1)
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_quiet=(-y -q -o DPkg::Lock::Timeout=300)
installed() { dpkg-query -W -f='${Status}' skaitch 2>/dev/null | grep -q "ok installed"; }
remove() { as_root env DEBIAN_FRONTEND=noninteractive apt-get purge "${apt_quiet[@]}" skaitch >/dev/null; }
if installed; then
  # CI: what a killed earlier run left behind. Anywhere else it may be the family's own copy.
  if [ "${CI:-}" = true ]; then remove; else
    echo "test-package: skaitch is already installed on this machine; remove it first" >&2
    exit 1
  fi
fi
cleanup() { if installed; then remove; fi; }
trap cleanup EXIT
echo "test-package: installing $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"
as_root env DEBIAN_FRONTEND=noninteractive apt-get install "${apt_quiet[@]}" --no-install-recommends "$(realpath "$deb")" >/dev/null
SKAITCH_APP_BIN=/usr/bin/skaitch-app SKAITCH_INSTALLED_BIN=/usr/bin/skaitch-app XVFB_SCREEN=1366x768x24 \
  scripts/xvfb-session.sh "$PYTEST" -q -p no:cacheprovider e2e/installed
