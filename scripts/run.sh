#!/usr/bin/env bash
# Runs GitInsight Gateway in the foreground; the exit code is the server's.
#   scripts/run.sh           the gateway with $GATEWAY_CONFIG (default server-config/gateway.yml)
#   scripts/run.sh --demo    also starts local stand-in backends and a config that uses them
#   scripts/run.sh --server payara-micro|payara-server|wildfly   (default payara-micro) the same WAR
#                            on another server, fetched through Maven and set up from server-config/<server>/
# Environment: GATEWAY_PORT (default 8000), GATEWAY_CONFIG, GATEWAY_JAVA_OPTS (replaces the defaults),
# GATEWAY_EXTRA_JAVA_OPTS (added to them), GATEWAY_SERVER_PROPERTIES
#   (name=value,... set through the server's own mechanism: Payara Micro --systemproperties, Payara
#   Server set-config-property, WildFly system properties).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

demo=false
server=payara-micro
while [[ $# -gt 0 ]]; do
  case "$1" in
    --demo) demo=true ;;
    --server) server=${2:-}; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$server" in
  payara-micro|payara-server|wildfly) ;;
  *) echo "unknown server: $server (payara-micro, payara-server or wildfly)" >&2; exit 2 ;;
esac

port=${GATEWAY_PORT:-8000}
config=${GATEWAY_CONFIG:-server-config/gateway.yml}
war=target/gateway.war
micro=target/payara-micro.jar

# Build when the WAR or Payara Micro is missing, or any source is newer than the WAR.
boot=target/gateway-boot.jar
if [[ ! -f $war || ! -f $micro || ! -f $boot ]] || [[ -n $(find pom.xml src/main webapp -newer "$war" -type f 2>/dev/null | head -n 1) ]]; then
  echo "building the gateway (mvn package)..." >&2
  mvn -B -q -DskipTests package >&2
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# server-config/gateway.yml reads the consumers' JWT secrets from the environment. Demo values
# for --demo; otherwise a missing one gets a random value for this run (say so: tokens signed
# with the real secret will not pass until it is set).
for var in GATEWAY_JWT_SECRET_WEB_FRONTEND GATEWAY_JWT_SECRET_MOBILE_APP; do
  if [[ -z ${!var:-} ]]; then
    if $demo; then
      export "$var=demo-secret-${var,,}"
    else
      export "$var=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')"
      echo "note: $var is not set; using a random secret for this run" >&2
    fi
  fi
done

# The admin API and console need a token (or an SSO provider, gateway.admin.oidc.issuer). Unset:
# a random one for this run, printed below, so nothing is open by default and nothing is guessable.
if [[ -z ${GATEWAY_ADMIN_TOKEN:-} && ${GATEWAY_SERVER_PROPERTIES:-} != *gateway.admin.token=* ]]; then
  export GATEWAY_ADMIN_TOKEN=$(od -An -tx1 -N18 /dev/urandom | tr -d ' \n')
  admin_token_note="admin token for this run: $GATEWAY_ADMIN_TOKEN (set GATEWAY_ADMIN_TOKEN to choose it)"
else
  admin_token_note="admin token: the GATEWAY_ADMIN_TOKEN you set"
fi

# The broker of the cache-eviction events. Without one the gateway still serves: the listener
# retries, and the entries its rules cover are kept only disconnected_ttl.
export GATEWAY_AMQP_URL=${GATEWAY_AMQP_URL:-amqp://guest:guest@127.0.0.1:5672/%2F}

if $demo; then
  config=target/demo-gateway.yml
  rm -f "$config"
  java scripts/demo/DemoBackends.java "$config" &
  pids+=($!)
  for _ in $(seq 1 100); do [[ -s $config ]] && break; sleep 0.2; done
  [[ -s $config ]] || { echo "demo backends did not start" >&2; exit 1; }
fi

config=$(cd "$(dirname "$config")" && pwd)/$(basename "$config")

# An HS256 token for the demo consumer web-frontend (Kong's key claim: kid), valid for a day.
demo_token() {
  b64() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
  local header payload
  header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64)
  payload=$(printf '{"kid":"web-frontend-key","sub":"demo-user","exp":%d}' $(( $(date +%s) + 86400 )) | b64)
  printf '%s.%s.%s' "$header" "$payload" \
    "$(printf '%s.%s' "$header" "$payload" | openssl dgst -binary -sha256 -hmac "$GATEWAY_JWT_SECRET_WEB_FRONTEND" | b64)"
}
# An invalid configuration stops here with every error on stderr.
java -cp "target/gateway/WEB-INF/classes:target/gateway/WEB-INF/lib/*" \
  com.gitinsight.gateway.config.ConfigCheck "$config" >&2

if $demo; then
  cat <<MSG >&2

GitInsight Gateway (demo) is starting on http://127.0.0.1:$port - once it says "Payara Micro ... ready", try:
  curl -s -i "http://127.0.0.1:$port/api/v1/repositories/42/summary"          (401: the route needs a JWT)
  curl -s -H "Authorization: Bearer $(demo_token)" "http://127.0.0.1:$port/api/v1/repositories/42/summary?verbose=1"
  curl -s http://127.0.0.1:$port/health
  curl -s -i http://127.0.0.1:$port/api/v1/fast/repositories/42/summary      (twice: X-Cache-Status Miss, then Hit)
  curl -s -i http://127.0.0.1:$port/no/such/route
  curl -s -N http://127.0.0.1:$port/api/v1/stream/events                     (a live event stream, one a second)
Gateway status: curl -s http://127.0.0.1:$port/_gateway/health
Targets, health, breakers: curl -s http://127.0.0.1:$port/_gateway/status
Metrics (Prometheus): curl -s http://127.0.0.1:$port/_gateway/metrics | grep ^gateway_

MSG
fi
cat <<MSG >&2
Admin console: http://127.0.0.1:$port/_gateway/console/   Admin API: http://127.0.0.1:$port/_gateway/admin/
  $admin_token_note

MSG

# ParallelGC: on this proxy workload (short-lived garbage, 2 cores) it cost ~18% less CPU per
# request than G1, and the sizes keep the RSS under 512 MiB after a benchmark run.
# Warm-up (measured under load, GitInsight's plugins, 2 cores): with tiered compilation a fresh node
# needed ~110 s of traffic to reach its steady CPU per request, its compiler threads starved by
# the request threads; C2 alone with four compiler threads gets there in ~30-40 s at the same
# steady cost (C1 alone: at once, but 2.5x the CPU per request).
# C2 alone compiles a method after 10,000 calls: code that runs once per batch (the OTLP exporter,
# the SDK's batch processor, HttpClient 5's exec chain under http-log and the OTLP sender, a log
# writer's per-batch steps) is called a few dozen times a second, and with the counters' decay it stayed
# interpreted through a whole benchmark (perf: a fifth to a third of those threads' CPU). Those packages compile after 1/100 of the calls; what of
# them runs per request (a log record's capture, the proxy's minimal client) is compiled within
# seconds either way.
batch_code_opts="-XX:CompileCommand=quiet"
for p in io/opentelemetry/exporter io/opentelemetry/sdk/trace/export com/gitinsight/gateway/logging \
  org/apache/hc/client5/http/impl/classic; do
  batch_code_opts+=" -XX:CompileCommand=CompileThresholdScaling,$p/*.*,0.01"
done
default_java_opts="-Xms192m -Xmx288m -XX:MaxMetaspaceSize=192m -XX:ReservedCodeCacheSize=80m -XX:+UseParallelGC -XX:ParallelGCThreads=2 -XX:-TieredCompilation -XX:CICompilerCount=4 $batch_code_opts"
# glibc gives each thread that allocates its own malloc arena: with ~250 threads that is ~50 MB of
# resident memory the JVM never asked for.
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
# Every server reads gateway.config from the environment (MicroProfile Config maps GATEWAY_CONFIG).
export GATEWAY_CONFIG=$(realpath "$config")
if [[ $server != payara-micro ]]; then
  export GATEWAY_PORT=$port GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:-$default_java_opts}
  "scripts/servers/$server.sh" "$root/$war" &
  server_pid=$!
  pids+=($server_pid)
  set +e
  wait "$server_pid"
  exit $?
fi
properties=()
if [[ -n ${GATEWAY_SERVER_PROPERTIES:-} ]]; then
  mkdir -p target
  tr ',' '\n' <<<"$GATEWAY_SERVER_PROPERTIES" > target/run-system.properties
  properties=(--systemproperties "$root/target/run-system.properties")
fi
# -Dhttp.maxConnections: the JDK's own keep-alive cache otherwise keeps only 5 per host.
# STRICT_HEADER_VALUE_VALIDATION_RFC_9110=false: Grizzly otherwise answers a bare 400 to any header
# value with a byte beyond ASCII (a UTF-8 cookie), which nginx and so Kong take (RFC 9110 obs-text);
# the gateway refuses what nginx refuses (a NUL, a bare CR: proxy.HeaderLimitFilter).
# shellcheck disable=SC2086
# The boot agent gives every thread its own default SecureRandom: Payara makes a random UUID for
# every request (a request-tracing span, tracing on or off), and the JDK's one default generator
# would be a lock all requests share (boot.BootAgent).
# The options are split on spaces and never globbed (the compile patterns above hold '*').
set -f
java ${GATEWAY_JAVA_OPTS:-$default_java_opts} ${GATEWAY_EXTRA_JAVA_OPTS:-} -javaagent:"$root/$boot" \
  -Dhttp.maxConnections=256 \
  -Dorg.glassfish.grizzly.http.STRICT_HEADER_VALUE_VALIDATION_RFC_9110=false \
  -Dgateway.config="$config" \
  -jar "$micro" \
  --nohazelcast --disablephonehome \
  --port "$port" \
  --prebootcommandfile "$root/server-config/payara-micro/preboot.asadmin" \
  --postbootcommandfile "$root/server-config/payara-micro/postboot.asadmin" \
  "${properties[@]}" \
  --contextroot / \
  --deploy "$war" &
server_pid=$!
pids+=($server_pid)
set +e
wait "$server_pid"
status=$?
exit $status
