#!/usr/bin/env bash
# measure.sh: start-up time to the sign-in screen and idle memory of the desktop app.
#
#   scripts/app/measure.sh [RUNS]        (default 5 runs)
#
# Builds the frontend (when frontend/dist has no index.html) and the app
# (-tags desktop,production,webkit2_41), then RUNS times: starts it under a private Xvfb and
# D-Bus session, measures the time from exec to the page reporting the sign-in screen ready
# (ReportReady("signin") written to PARLEY_READY_FILE), waits 5 s, and sums the memory of the Go
# process and its WebKit child processes (RSS and PSS from /proc/PID/smaps_rollup).
# The first run is reported apart ("first"); later runs have warm file caches.
# Needs: xvfb, dbus, libwebkit2gtk-4.1-dev, Go, Node (for the frontend build).
set -euo pipefail
RUNS=${1:-5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in Xvfb dbus-daemon go; do
  command -v "$tool" >/dev/null || { echo "measure.sh: $tool is missing (apt-get install xvfb dbus)" >&2; exit 1; }
done
if [ ! -f "$ROOT/frontend/dist/index.html" ]; then
  (cd "$ROOT/frontend" && npm ci --no-audit --no-fund >/dev/null && npm run build >/dev/null)
fi
(cd "$ROOT" && go build -tags desktop,production,webkit2_41 -o "$WORK/parley" .)
echo "binary: $(du -h "$WORK/parley" | cut -f1) ($(ls -l "$WORK/parley" | awk '{print $5}') bytes)"

# Xvfb on a free display
exec 3> >(cat >"$WORK/display")
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
PIDS+=($!)
exec 3>&-
for _ in $(seq 100); do [ -s "$WORK/display" ] && break; sleep 0.1; done
export DISPLAY=":$(head -1 "$WORK/display")"
dbus-daemon --session --nofork --print-address >"$WORK/bus" 2>/dev/null &
PIDS+=($!)
for _ in $(seq 100); do [ -s "$WORK/bus" ] && break; sleep 0.1; done
export DBUS_SESSION_BUS_ADDRESS=$(head -1 "$WORK/bus")
export XDG_CONFIG_HOME="$WORK/config" XDG_RUNTIME_DIR="$WORK/xdg" NO_AT_BRIDGE=1 GTK_A11Y=none
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

# descendants PID: the process and everything under it
tree() {
  local p=$1
  echo "$p"
  for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do tree "$c"; done
}
mem_kb() { # field (Rss or Pss) summed over the tree
  local total=0 v
  for p in $(tree "$1"); do
    v=$(awk -v f="$2:" '$1==f {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

declare -a starts rss pss
for i in $(seq "$RUNS"); do
  export PARLEY_READY_FILE="$WORK/ready.$i"
  t0=$(date +%s%N)
  "$WORK/parley" >"$WORK/app.$i.log" 2>&1 &
  app=$!
  ok=0
  for _ in $(seq 600); do
    if grep -qx signin "$PARLEY_READY_FILE" 2>/dev/null; then ok=1; break; fi
    sleep 0.02
  done
  t1=$(date +%s%N)
  if [ "$ok" != 1 ]; then
    echo "run $i: the sign-in screen did not report ready in 12 s; log:" >&2
    tail -20 "$WORK/app.$i.log" >&2
    kill "$app"; wait "$app" 2>/dev/null || true
    exit 1
  fi
  sleep 5 # idle
  starts[$i]=$(( (t1 - t0) / 1000000 ))
  rss[$i]=$(mem_kb "$app" Rss)
  pss[$i]=$(mem_kb "$app" Pss)
  procs=""
  for p in $(tree "$app"); do
    procs+="$(cat /proc/$p/comm 2>/dev/null) $(( $(awk '$1=="Rss:" {print $2}' /proc/$p/smaps_rollup 2>/dev/null || echo 0) / 1024 ))/$(( $(awk '$1=="Pss:" {print $2}' /proc/$p/smaps_rollup 2>/dev/null || echo 0) / 1024 )) MiB; "
  done
  printf 'run %d: start to sign-in screen %d ms; idle RSS %d MiB, PSS %d MiB (%s)\n' \
    "$i" "${starts[$i]}" $(( rss[$i] / 1024 )) $(( pss[$i] / 1024 )) "$procs"
  kill "$app"; wait "$app" 2>/dev/null || true
  sleep 0.5
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
warm=("${starts[@]:2}") # bash slices sparse arrays by index: runs 2...
echo "first start: ${starts[1]} ms"
[ "${#warm[@]}" -gt 0 ] && echo "median of later starts: $(median "${warm[@]}") ms"
echo "median idle memory (Go process + WebKit processes): RSS $(( $(median "${rss[@]}") / 1024 )) MiB, PSS $(( $(median "${pss[@]}") / 1024 )) MiB"
