#!/usr/bin/env bash
# Measures the gateway against nginx and HAProxy as reverse proxies on the same two backends, in
# one run (../shared/tools/peer-bench.sh does the peers, the load and the CPU accounting), and
# reports the gateway's RSS after the run.
#   scripts/bench.sh            full run (several minutes)
#   scripts/bench.sh --quick    smoke run
#   BENCH_FILTERS=1 scripts/bench.sh   with the security filters on the route: security headers,
#                               CORS, IP restriction and a Kong JWT (token in the query: wrk sends
#                               no custom header)
#   BENCH_METRICS=1 scripts/bench.sh    with the prometheus plugin on (global, every flag on)
#   BENCH_CACHE=1 scripts/bench.sh      with proxy-cache on the route: after the first request every
#                               one is a hit (the cost of answering from the cache, vs nginx's hop)
#   BENCH_RATELIMIT=1 scripts/bench.sh  with rate-limiting (local, per client address, limits
#                               too high to refuse: the cost of counting) and request-rate on the route
#   BENCH_PLUGINS=1 scripts/bench.sh    GitInsight's own plugin set, as its kong.yml has it:
#                               request-id, correlation-id, prometheus (global), security-headers,
#                               CORS, JWT (HS256, token in the query), rate-limiting (local) on the
#                               route, plus the breaker and passive checks every run has
#   BENCH_SHIP=1 scripts/bench.sh       adds logs and traces out (global): http-log (batches of 100) and
#                               opentelemetry (every request sampled) to the second nginx backend,
#                               file-log to a temporary file; compare with the same run without it.
#                               BENCH_SHIP=http, file or otel (or a list: http,otel) adds only those
#   BENCH_LOG_ROTATE=10                 with file-log on: empties its file every 10 s (0: never), as
#                               logrotate's copytruncate would: a file growing by ~15 MB/s for the
#                               whole run put the page cache into memory the VM had never touched,
#                               whose first write cost the writer's kernel copy ~5x (dd, 1 GB in 2 KB
#                               appends: 0.6-0.9 s of system time into reused pages, 3.1 s into fresh ones)
#   BENCH_EXTRA_OPTS='-XX:+PreserveFramePointer' scripts/bench.sh   adds JVM options to the gateway's
#                               (that one lets perf record Java call stacks)
#   BENCH_JFR=/tmp/gw.jfr scripts/bench.sh  also records a JFR profile of the gateway (settings=profile,
#                               30 s, starting BENCH_JFR_DELAY seconds after start, default 150)
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

extra=()
if [[ ${BENCH_RATELIMIT:-0} == 1 ]]; then
  cat >> "$work/bench.yml" <<YML
    plugins:
      - name: rate-limiting
        config: {second: 1000000000, hour: 1000000000000, limit_by: ip}
      - name: request-rate
        config: {rate: 1000000r/s, burst: 1000000}
YML
fi
if [[ ${BENCH_PLUGINS:-0} == 1 ]]; then
  BENCH_METRICS=1 BENCH_FILTERS=1
  sed -i 's/^plugins:$/plugins:\n  - name: request-id\n    config: {header_name: X-Request-ID, generator: uuid}\n  - name: correlation-id\n    config: {header_name: X-Correlation-ID, generator: uuid}/' "$work/bench.yml"
  route_extra='      - {name: rate-limiting, config: {minute: 1000000000, hour: 1000000000000, limit_by: ip}}'
fi
if [[ ${BENCH_METRICS:-0} == 1 ]]; then
  # Global, as GitInsight's file has it: every request counted, timed and measured.
  sed -i 's/^plugins:$/plugins:\n  - name: prometheus\n    config: {per_consumer: true, status_code_metrics: true, latency_metrics: true, bandwidth_metrics: true}/' "$work/bench.yml"
fi
# nginx's backends answer any method with 200: the second one stands in for the log and trace collectors.
ship=${BENCH_SHIP:-0}
if [[ $ship == 1 || $ship == *http* ]]; then
  sed -i "s#^plugins:\$#plugins:\n  - name: http-log\n    config: {http_endpoint: 'http://127.0.0.1:19082/logs', queue: {max_batch_size: 100, max_coalescing_delay: 1}}#" "$work/bench.yml"
fi
if [[ $ship == 1 || $ship == *file* ]]; then
  sed -i "s#^plugins:\$#plugins:\n  - name: file-log\n    config: {path: $work/requests.log}#" "$work/bench.yml"
fi
if [[ $ship == 1 || $ship == *otel* ]]; then
  sed -i "s#^plugins:\$#plugins:\n  - name: opentelemetry\n    config: {traces_endpoint: 'http://127.0.0.1:19082/v1/traces', sampling_rate: 1}#" "$work/bench.yml"
fi
if [[ ${BENCH_CACHE:-0} == 1 ]]; then
  cat >> "$work/bench.yml" <<YML
    plugins:
      - name: proxy-cache
        config: {content_type: [application/json], cache_ttl: 3600}
YML
fi
if [[ ${BENCH_FILTERS:-0} == 1 ]]; then
  secret=bench-secret-for-hs256-tokens
  cat >> "$work/bench.yml" <<YML
    plugins:
      - name: jwt
        config: {key_claim_name: kid}
      - name: cors
        config: {origins: ["https://gitinsight.com"]}
      - name: ip-restriction
        config: {allow: [127.0.0.0/8]}
      - name: security-headers
${route_extra:-}
consumers:
  - username: bench
    jwt_secrets:
      - {key: bench-key, secret: $secret}
YML
  b64() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
  header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64)
  payload=$(printf '{"kid":"bench-key","exp":%d}' $(( $(date +%s) + 86400 )) | b64)
  token="$header.$payload.$(printf '%s.%s' "$header" "$payload" | openssl dgst -binary -sha256 -hmac "$secret" | b64)"
  extra=(--small-path "/api/small?jwt=$token" --big-path "/api/big.json?jwt=$token")
fi

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
jfr=${BENCH_EXTRA_OPTS:-}
if [[ -n ${BENCH_JFR:-} ]]; then
  jfr+=" -XX:StartFlightRecording=delay=${BENCH_JFR_DELAY:-150}s,duration=30s,settings=profile,filename=$BENCH_JFR"
fi
rss_probe &
probe=$!
rotate=${BENCH_LOG_ROTATE:-10}
rotator=
if [[ ($ship == 1 || $ship == *file*) && $rotate != 0 ]]; then
  # Truncated in place: the gateway appends (O_APPEND), so its next line starts the emptied file.
  (while sleep "$rotate"; do [[ -f $work/requests.log ]] && : >"$work/requests.log"; done) &
  rotator=$!
fi

set +e
bash "$peer" -g "http://127.0.0.1:$port" --gateway-name gitinsight \
  --gateway-cmd "GATEWAY_PORT=$port GATEWAY_CONFIG=$work/bench.yml GATEWAY_EXTRA_JAVA_OPTS='$jfr' exec $root/scripts/run.sh" \
  --gateway-warmup "${BENCH_WARMUP:-30}" "${extra[@]}" "$@"
status=$?
kill "$probe" ${rotator:+"$rotator"} 2>/dev/null
[[ -s $work/rss ]] && echo "gateway RSS at the end of the run: $(( $(cat "$work/rss") / 1024 )) MiB"
exit $status
