#!/usr/bin/env bash
# Runs a command (the WebDriver end-to-end tests, the startup benchmark) against the real app
# window: a private Xvfb display, a private D-Bus session, a temporary HOME. Screenshots and
# logs land in test-output/.
# Usage: SKAITCH_APP_BIN=... TAURI_DRIVER=... [XVFB_SCREEN=WxHxD] scripts/xvfb-session.sh COMMAND [ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SKAITCH_APP_BIN:?path of the built app}" "${TAURI_DRIVER:?path of tauri-driver}"
export SKAITCH_APP_BIN TAURI_DRIVER
mkdir -p test-output
work=$(mktemp -d /tmp/skaitch-e2e.XXXXXX)
display=""
for n in $(seq 90 130); do
  if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then display=":$n"; break; fi
done
Xvfb "$display" -screen 0 "${XVFB_SCREEN:-1280x800x24}" -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb=$!
cleanup() { kill "$xvfb" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done
export DISPLAY="$display" HOME="$work/home" XDG_RUNTIME_DIR="$work/run"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
# The app keeps tokens in the Secret Service: a fresh gnome-keyring, unlocked, in this session.
export XDG_DATA_HOME="$work/data"
mkdir -p "$XDG_DATA_HOME"
dbus-run-session -- sh -c '
  printf %s skaitch-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"' sh "$@"
