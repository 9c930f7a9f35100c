#!/usr/bin/env bash
# Measures the gateway against nginx and HAProxy as reverse proxies on the same two backends, in
# one run (../shared/tools/peer-bench.sh does the peers, the load and the CPU accounting), and
# reports the gateway's RSS after the run.
#   scripts/bench.sh            full run (several minutes)
#   scripts/bench.sh --quick    smoke run
# Extra arguments go to peer-bench.sh (see its -h). Needs ../shared beside the project.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
peer=${PEER_BENCH:-$root/../shared/tools/peer-bench.sh}
[[ -x $peer || -f $peer ]] || { echo "peer benchmark not found at $peer" >&2; exit 1; }

port=${BENCH_GATEWAY_PORT:-19095}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/bench.yml" <<YML
_format_version: "3.0"
upstreams:
  - name: bench
    algorithm: ${BENCH_ALGORITHM:-round-robin}
    # GitInsight's passive checks and breaker, so their cost on the request path is measured.
    targets:
      - {target: "127.0.0.1:19081", max_fails: 3, fail_timeout: 30}
      - {target: "127.0.0.1:19082", max_fails: 3, fail_timeout: 30}
services:
  - name: bench
    url: http://bench
plugins:
  - name: circuit-breaker
    config: {failure_threshold: 3, open_seconds: 30}
  # One service takes all the load here: let it use every request thread (the default leaves a
  # quarter for other services and would shed the -c256 saturation run).
  - name: bulkhead
    config: {max_concurrent_requests: 512}
routes:
  - name: api
    service: bench
    strip_path: false
    paths: [/api]
YML

# Build first so the build's CPU is not counted as the gateway's.
if [[ ! -f target/gateway.war || ! -f target/payara-micro.jar ]]; then
  mvn -B -q -DskipTests package
fi

# Reports the gateway JVM's RSS (the java process under the benchmark) just before it is stopped.
rss_probe() {
  while sleep 5; do
    pid=$(pgrep -f "gateway.config=$work/bench.yml" | head -n 1 || true)
    [[ -n $pid ]] && awk '/VmRSS/ {print $2}' "/proc/$pid/status" > "$work/rss" 2>/dev/null || true
  done
}
rss_probe &
probe=$!

set +e
bash "$peer" -g "http://127.0.0.1:$port" --gateway-name gitinsight \
  --gateway-cmd "GATEWAY_PORT=$port GATEWAY_CONFIG=$work/bench.yml exec $root/scripts/run.sh" \
  --gateway-warmup "${BENCH_WARMUP:-30}" "$@"
status=$?
kill "$probe" 2>/dev/null
[[ -s $work/rss ]] && echo "gateway RSS at the end of the run: $(( $(cat "$work/rss") / 1024 )) MiB"
exit $status
