#!/usr/bin/env bash
# make run: the demo backend in the foreground; the desktop app, when there is a display and it
# was built, opens once the API answers. Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
addr=${HTTP_ADDR:-127.0.0.1:8080}
args=(serve --demo --http "$addr")
[ -n "${DATA_DIR:-}" ] && args+=(--data-dir "$DATA_DIR")
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x bin/parley ]; then
  (
    for _ in $(seq 100); do
      curl -fsS "http://$addr/v1/health" >/dev/null 2>&1 && break
      sleep 0.2
    done
    echo "Opening the desktop app (sign in at $addr as agent1 / agent1-demo)."
    exec bin/parley
  ) &
  app=$!
  trap 'kill $app 2>/dev/null || true' EXIT
fi
bin/parleyd "${args[@]}"
