#!/usr/bin/env bash
# The two README commands: `./dev.sh run` sets everything up and starts the app;
# `./dev.sh test` sets everything up and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")"
case "${1:-}" in
  run)  scripts/setup.sh app  && exec make run ;;
  test) scripts/setup.sh test && exec make test ;;
  *)    echo "usage: ./dev.sh run|test" >&2; exit 2 ;;
esac
