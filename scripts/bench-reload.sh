#!/usr/bin/env bash
# Reloads under steady load: wrk at a few hundred requests a second (each connection pauses 10 ms
# between requests) against the demo gateway, first with no change (baseline), then while 50
# changes go through the admin API and 50 through edits of the file. Reports requests, failed or
# reset requests, and p99 in both runs, and the ratio of the p99s.
#   scripts/bench-reload.sh            30 s per run
#   BENCH_SECONDS=60 scripts/bench-reload.sh
# Needs wrk (Debian: apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
seconds=${BENCH_SECONDS:-30}
port=${BENCH_GATEWAY_PORT:-19096}
token=bench-reload-admin-token-$$
work=$(mktemp -d)
log=$work/gateway.log
# The file is polled every 100 ms here (1 s by default), so each of the 50 edits is its own reload.
GATEWAY_CONFIG_POLL_INTERVAL_MS=100 GATEWAY_PORT=$port GATEWAY_ADMIN_TOKEN=$token scripts/run.sh --demo >"$log" 2>&1 &
runner=$!
trap 'kill $runner 2>/dev/null; pkill -f "payara-micro.*--port $port" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 180); do
  curl -fs "http://127.0.0.1:$port/_gateway/health/ready" >/dev/null 2>&1 && break
  sleep 1
done
curl -fs "http://127.0.0.1:$port/_gateway/health/ready" >/dev/null || { tail -50 "$log"; exit 1; }
url=http://127.0.0.1:$port/health
config=target/demo-gateway.yml
admin=http://127.0.0.1:$port/_gateway/admin
cat > "$work/pace.lua" <<'LUA'
function delay() return 10 end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d non2xx=%d socket_errors=%d p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
LUA
load() { wrk -t2 -c4 -d"${seconds}s" --timeout 10s -s "$work/pace.lua" "$url" | grep RESULT; }

echo "warming up (20 s)..." >&2
wrk -t2 -c4 -d20s "$url" >/dev/null
baseline=$(load)
echo "baseline:           $baseline"

changes() {
  local gap
  gap=$(awk -v s="$seconds" 'BEGIN { printf "%.2f", (s - 4) / 100 }')
  for i in $(seq 50); do
    paths='["/api/v1/auth"]'
    (( i % 2 )) && paths="[\"/api/v1/auth\", \"/api/v1/auth-$i\"]"
    curl -fs -o /dev/null -X PATCH -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"paths\": $paths}" "$admin/routes/auth-routes" || echo "API change $i failed" >&2
    sleep "$gap"
  done
  for i in $(seq 50); do
    # A comment changes the file's hash: the gateway rebuilds and swaps the whole snapshot.
    sed -i '/^# bench-reload /d' "$config"
    echo "# bench-reload $i" >> "$config"
    sleep "$gap"
  done
}
changes &
changer=$!
during=$(load)
wait $changer
echo "during 100 reloads: $during"
reloads=$(curl -fs -H "Authorization: Bearer $token" "$admin" | sed 's/.*"reloads":\([0-9]*\).*/\1/')
echo "reloads counted by the gateway: $reloads"
p99() { sed 's/.*p99_ms=\([0-9.]*\).*/\1/' <<<"$1"; }
awk -v a="$(p99 "$baseline")" -v b="$(p99 "$during")" 'BEGIN { printf "p99 during / p99 baseline: %.2fx\n", b / a }'
