#!/usr/bin/env bash
# Concurrent bridged calls: sipp places N calls at once (ramped over about a second); each
# caller plays sipp's G.711 speech pcap (RTP to the server) for 6.8 s and stays 9 s; the server
# answers, dials an agent softphone that echoes every RTP packet back (RTP both ways), and
# bridges the two legs. Two servers, in the same run:
#   parley: Parley's SIP server, recording every call (stereo WAV) and bridging through its
#           media path (G.711 decode, recording tap, re-encode);
#   bare:   diago alone, joining the dialogs with diago.Bridge (no recording): the baseline.
# N grows until a step has failed calls; for each server it prints, per step, the calls that
# succeeded, the server's CPU (% of one core, averaged over 4 s with all calls up) and its RSS,
# then the highest N with 0 failed calls, CPU% and RSS per call, and the Parley/bare ratios.
#
# Usage: bench/sip/bridged.sh                 (about 3 minutes)
#        STEPS="10 20" bench/sip/bridged.sh
# Needs: go, sipp (Debian package sip-tester).
set -euo pipefail
cd "$(dirname "$0")/../.."
STEPS=${STEPS:-"50 100 200 300 400 500"}
SCENARIO=$PWD/bench/sip/uac_bridged.xml
command -v sipp >/dev/null || { echo "sipp is missing: apt-get install sip-tester (make deps)"; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/bridgebench" ./bench/sip/_bridgebench
hz=$(getconf CLK_TCK)

stat() { grep "$1" "$2" | tail -1 | awk -F'|' '{print $3}' | awk '{print $1}'; }
cputicks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rsskb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# start NAME ARGS...: starts bridgebench, sets $addr and $pid.
start() {
	local name=$1; shift
	"$work/bridgebench" "$@" >"$work/$name.out" 2>&1 &
	pid=$!; pids+=("$pid")
	for _ in $(seq 100); do grep -q '^listening ' "$work/$name.out" && break; sleep 0.1; done
	addr=$(sed -n 's/^listening //p' "$work/$name.out")
	[ -n "$addr" ] || { echo "$name did not start:"; cat "$work/$name.out"; exit 1; }
}

start agent -mode agent
agent_addr=$addr
declare -A bestN bestCPU bestRSS
printf '%-7s %5s %5s %6s %8s %9s\n' server N ok failed "CPU%" "RSS MB"
for mode in parley bare; do
	mkdir -p "$work/rec"
	start "$mode" -mode "$mode" -agent "sip:agent@$agent_addr" -recordings "$work/rec"
	server=$pid
	idle_rss=$(rsskb "$server")
	bestN[$mode]=0
	for n in $STEPS; do
		port=$((20000 + RANDOM % 20000))
		(cd "$work" && timeout 60 sipp "$addr" -sf "$SCENARIO" -s +15555550100 \
			-i 127.0.0.1 -p "$port" -mp $((port + 2)) -t u1 \
			-r "$n" -m "$n" -l "$n" -nostdin -timeout 40s -recv_timeout 15000 >"$work/sipp.out" 2>&1) &
		sipp_pid=$!
		sleep 3
		t0=$(cputicks "$server"); sleep 4; t1=$(cputicks "$server")
		rss=$(rsskb "$server")
		wait "$sipp_pid" || true
		ok=$(stat "Successful call" "$work/sipp.out"); ok=${ok:-0}
		failed=$(stat "Failed call" "$work/sipp.out"); failed=${failed:-$n}
		cpu=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN{printf "%.1f", (b-a)*100/hz/4}')
		printf '%-7s %5s %5s %6s %8s %9.1f\n' "$mode" "$n" "$ok" "$failed" "$cpu" "$(awk -v r="$rss" 'BEGIN{print r/1024}')"
		if [ "$failed" = 0 ] && [ "$ok" = "$n" ]; then
			bestN[$mode]=$n; bestCPU[$mode]=$cpu; bestRSS[$mode]=$((rss - idle_rss))
		else
			break
		fi
		sleep 2 # let the last BYEs settle
	done
	kill "$server"; wait "$server" 2>/dev/null || true
done
echo
for mode in parley bare; do
	n=${bestN[$mode]}
	if [ "$n" = 0 ]; then echo "$mode: no step without failures"; continue; fi
	awk -v m="$mode" -v n="$n" -v c="${bestCPU[$mode]}" -v r="${bestRSS[$mode]}" \
		'BEGIN{printf "%-7s highest N with 0 failed: %d; CPU %.2f%% of a core per call; RSS %.0f KB per call (above idle)\n", m, n, c/n, r/n}'
done
if [ "${bestN[parley]}" != 0 ] && [ "${bestN[bare]}" != 0 ]; then
	awk -v pn="${bestN[parley]}" -v bn="${bestN[bare]}" -v pc="${bestCPU[parley]}" -v bc="${bestCPU[bare]}" \
		'BEGIN{printf "parley/bare: N %.2f, CPU per call %.2f\n", pn/bn, (pc/pn)/(bc/bn)}'
fi
