#!/usr/bin/env bash
# Call setup rate: sipp calls the demo number at increasing rates, a bounded number of calls
# per step, against (1) Parley's SIP server running answer → 200 ms prompt → hang up and (2) a
# bare diago server that only answers and hangs up, in the same run. For each it prints the
# calls/s sipp achieved at each offered rate and the highest rate with 0 failed calls.
#
# Usage: bench/sip/setup-rate.sh            (about a minute)
#        RATES="50 100" STEP_SECONDS=2 bench/sip/setup-rate.sh
# Needs: go, sipp (Debian package sip-tester). Keep runs short: sipp shares the cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
RATES=${RATES:-"200 400 800 1200 1600 2000"}
STEP_SECONDS=${STEP_SECONDS:-3}
SCENARIO=$PWD/backend/sip/testdata/sipp/uac_answer_wait_bye.xml
command -v sipp >/dev/null || { echo "sipp is missing: apt-get install sip-tester (make deps)"; exit 1; }

work=$(mktemp -d)
server_pid=
cleanup() {
	if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/sipbench" ./bench/sip/_sipbench

# stat NAME FILE: the cumulative value of a counter in sipp's final statistics screen.
stat() { grep "$1" "$2" | tail -1 | awk -F'|' '{print $3}' | awk '{print $1}'; }

declare -A best
printf '%-7s %8s %8s %8s %8s %10s\n' server offered ok failed retrans "calls/s"
for mode in parley bare; do
	"$work/sipbench" -mode "$mode" >"$work/$mode.out" 2>&1 &
	server_pid=$!
	for _ in $(seq 100); do grep -q '^listening ' "$work/$mode.out" && break; sleep 0.1; done
	addr=$(sed -n 's/^listening //p' "$work/$mode.out")
	[ -n "$addr" ] || { echo "$mode server did not start:"; cat "$work/$mode.out"; exit 1; }
	best[$mode]=0
	for rate in $RATES; do
		calls=$((rate * STEP_SECONDS))
		port=$((20000 + RANDOM % 20000))
		(cd "$work" && timeout 60 sipp "$addr" -sf "$SCENARIO" -s +15555550100 \
			-i 127.0.0.1 -p "$port" -mp $((port + 2)) -t u1 \
			-r "$rate" -m "$calls" -l $((rate * 2)) \
			-nostdin -timeout 45s -recv_timeout 10000 >"$work/sipp.out" 2>&1) || true
		ok=$(stat "Successful call" "$work/sipp.out"); ok=${ok:-0}
		failed=$(stat "Failed call" "$work/sipp.out"); failed=${failed:-$calls}
		cps=$(grep "Call Rate" "$work/sipp.out" | tail -1 | awk -F'|' '{print $3}' | awk '{print $1}')
		cps=${cps:-0}
		# INVITE retransmissions: the server fell behind (sipp resends after 500 ms).
		retrans=$(grep -E '^ +INVITE -+>' "$work/sipp.out" | tail -1 | awk '{print $4}')
		printf '%-7s %8s %8s %8s %8s %10s\n' "$mode" "$rate" "$ok" "$failed" "${retrans:-?}" "$cps"
		if [ "$failed" = 0 ] && [ "$ok" = "$calls" ]; then
			if awk -v a="$cps" -v b="${best[$mode]}" 'BEGIN{exit !(a>b)}'; then best[$mode]=$cps; fi
		else
			break
		fi
	done
	kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
done
echo
echo "best achieved rate with 0 failed calls: parley ${best[parley]} calls/s (answer, 200 ms prompt, hang up); bare diago ${best[bare]} calls/s (answer, hang up)"
echo "(calls/s is sipp's cumulative rate: offered rates it could not keep up, retransmissions included, show lower.)"
